// CWE-590: free of memory not on the heap. Passing the address of a local variable or
// array to free() or delete.
#include "checkers/MemoryCheckers.h"

namespace mamori {
namespace {

class FreeNonHeapChecker final : public MemoryChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.memory.free-non-heap", "FreeOfNonHeapMemory", 590, {}, Severity::Error, 7.5,
                            "free of memory not on the heap",
                            "Memory that was not allocated on the heap is released; the allocator's state is "
                            "corrupted.",
                            "Only release what malloc/new returned; do not free local variables or arrays."};
    return r;
  }
  bool watches(MemoryEvent::Kind k) const override { return k == MemoryEvent::Kind::Release; }

  std::optional<Verdict> judge(const MemoryEvent &e) const override {
    if (e.objects.empty() || (e.nulls.bits & NullFacts::Unknown)) return std::nullopt;
    for (const MemoryObjectFacts &o : e.objects)
      if (o.kind != AllocKind::Stack) return std::nullopt;
    const MemoryObjectFacts &o = e.objects.front();
    Verdict v;
    v.message = "'" + e.subject + "' points to " + o.allocator + ", not to heap memory, and is released by " + e.callee;
    v.trace.push_back({TraceStep::Kind::Source, o.allocatedAt, "declared here"});
    return v;
  }
};

}  // namespace

std::unique_ptr<MemoryChecker> makeFreeNonHeapChecker() { return std::make_unique<FreeNonHeapChecker>(); }

}  // namespace mamori
