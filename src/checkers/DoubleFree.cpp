// CWE-415: double free. Releasing memory that was already released on some path that
// reaches this release corrupts the allocator's state and is often exploitable.
#include "checkers/MemoryCheckers.h"

namespace mamori {
namespace {

class DoubleFreeChecker final : public MemoryChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.memory.double-free", "DoubleFree", 415, {}, Severity::Error, 8.8,
                            "double free",
                            "Memory is released twice; the second release corrupts the heap.",
                            "Release each allocation exactly once: set the pointer to NULL after free(), or remove "
                            "the second release."};
    return r;
  }
  bool watches(MemoryEvent::Kind k) const override { return k == MemoryEvent::Kind::Release; }

  std::optional<Verdict> judge(const MemoryEvent &e) const override {
    // On some path the pointer held memory that is not tracked (a loop that moved on to
    // the next node): the released object may be on another path than this pointer's.
    if (e.untracked) return std::nullopt;
    for (const MemoryObjectFacts &o : e.objects) {
      if (!(o.bits & MemoryObjectFacts::Released) || o.kind == AllocKind::Stack) continue;
      // Released by this same statement on an earlier loop iteration: whether the loop runs
      // twice without a new allocation needs loop bounds, which this checker does not have.
      if (o.releasedAt == e.location) continue;
      Verdict v;
      v.message = "double free: '" + e.subject + "' was already released by " + o.releaser + " at " +
                  shortLocation(o.releasedAt);
      if (o.allocatedAt.valid() && o.kind != AllocKind::Parameter)
        v.trace.push_back({TraceStep::Kind::Source, o.allocatedAt, "allocated by " + o.allocator});
      v.trace.push_back({TraceStep::Kind::Propagation, o.releasedAt, "first released by " + o.releaser});
      return v;
    }
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<MemoryChecker> makeDoubleFreeChecker() { return std::make_unique<DoubleFreeChecker>(); }

}  // namespace mamori
