// CWE-761: free of a pointer not at the start of its buffer. The pointer was moved forward
// (`p++`, `p += n`, `p = p + 1`) after the allocation and then handed to free() or delete;
// the allocator reads its bookkeeping from the wrong place and its state is corrupted.
#include "checkers/MemoryCheckers.h"

namespace mamori {
namespace {

bool isHeap(AllocKind k) {
  return k == AllocKind::Malloc || k == AllocKind::New || k == AllocKind::NewArray || k == AllocKind::Returned;
}

class FreeInteriorChecker final : public MemoryChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.memory.free-interior-pointer", "FreeOfPointerNotAtStartOfBuffer", 761, {},
                            Severity::Error, 7.5, "free of a pointer not at the start of its buffer",
                            "A pointer that was advanced past the start of its heap block is released; free() "
                            "and delete need the exact address the allocator returned.",
                            "Keep the address the allocator returned in its own variable, walk the buffer with "
                            "a second pointer or an index, and release the original."};
    return r;
  }
  bool watches(MemoryEvent::Kind k) const override { return k == MemoryEvent::Kind::Release; }

  std::optional<Verdict> judge(const MemoryEvent &e) const override {
    if (!e.interior || e.objects.empty()) return std::nullopt;
    for (const MemoryObjectFacts &o : e.objects)
      if (!isHeap(o.kind) || (o.bits & MemoryObjectFacts::Released)) return std::nullopt;
    const MemoryObjectFacts &o = e.objects.front();
    Verdict v;
    v.message = "'" + e.subject + "' can point past the start of the memory allocated by " + o.allocator + " at " +
                shortLocation(o.allocatedAt) + " when it is released by " + e.callee + " (moved at " +
                shortLocation(e.movedAt) + ")";
    v.trace.push_back({TraceStep::Kind::Source, o.allocatedAt, "allocated here"});
    v.trace.push_back({TraceStep::Kind::Propagation, e.movedAt, "moved past the start here"});
    return v;
  }
};

}  // namespace

std::unique_ptr<MemoryChecker> makeFreeInteriorChecker() { return std::make_unique<FreeInteriorChecker>(); }

}  // namespace mamori
