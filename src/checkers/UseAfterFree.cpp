// CWE-416: use after free. Reading, writing or passing on memory after it was released on
// some path that reaches the use.
#include "checkers/MemoryCheckers.h"

namespace mamori {
namespace {

class UseAfterFreeChecker final : public MemoryChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.memory.use-after-free", "UseAfterFree", 416, {825}, Severity::Error, 8.8,
                            "use after free",
                            "Memory is used after it was released; it may already hold another object.",
                            "Do not use a pointer after free(): move the release after the last use and set the "
                            "pointer to NULL."};
    return r;
  }
  bool watches(MemoryEvent::Kind k) const override {
    return k == MemoryEvent::Kind::Use || k == MemoryEvent::Kind::Dereference;
  }

  std::optional<Verdict> judge(const MemoryEvent &e) const override {
    // On some path the pointer held memory that is not tracked (a loop that moved on to
    // the next node): the released object may be on another path than this pointer's.
    if (e.untracked) return std::nullopt;
    for (const MemoryObjectFacts &o : e.objects) {
      if (!(o.bits & MemoryObjectFacts::Released) || o.kind == AllocKind::Stack) continue;
      Verdict v;
      v.message = "use after free: '" + e.subject + "' was released by " + o.releaser + " at " +
                  shortLocation(o.releasedAt) + (e.callee.empty() ? "" : " and is passed to '" + e.callee + "'");
      if (o.allocatedAt.valid() && o.kind != AllocKind::Parameter)
        v.trace.push_back({TraceStep::Kind::Source, o.allocatedAt, "allocated by " + o.allocator});
      v.trace.push_back({TraceStep::Kind::Propagation, o.releasedAt, "released by " + o.releaser});
      return v;
    }
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<MemoryChecker> makeUseAfterFreeChecker() { return std::make_unique<UseAfterFreeChecker>(); }

}  // namespace mamori
