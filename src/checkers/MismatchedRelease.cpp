// CWE-762: mismatched memory management routines. Memory from malloc released with delete,
// from new with free or delete[], from new[] with free or delete.
#include "checkers/MemoryCheckers.h"

namespace mamori {
namespace {

class MismatchedReleaseChecker final : public MemoryChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.memory.mismatched-release", "MismatchedMemoryManagement", 762, {}, Severity::Error,
                            7.0, "mismatched allocation and release",
                            "Memory is released with a routine that does not match how it was allocated.",
                            "Pair malloc with free, new with delete, and new[] with delete[]."};
    return r;
  }
  bool watches(MemoryEvent::Kind k) const override { return k == MemoryEvent::Kind::Release; }

  static bool matches(AllocKind a, ReleaseKind r) {
    switch (a) {
    case AllocKind::Malloc: return r == ReleaseKind::Free;
    case AllocKind::New: return r == ReleaseKind::Delete;
    case AllocKind::NewArray: return r == ReleaseKind::DeleteArray;
    default: return true;  // unknown origin: nothing to compare
    }
  }

  std::optional<Verdict> judge(const MemoryEvent &e) const override {
    for (const MemoryObjectFacts &o : e.objects) {
      if (o.bits & MemoryObjectFacts::Released) continue;  // that is a double free
      if (matches(o.kind, e.release)) continue;
      Verdict v;
      v.message = "memory allocated by " + o.allocator + " at " + shortLocation(o.allocatedAt) + " is released by " +
                  e.callee;
      v.trace.push_back({TraceStep::Kind::Source, o.allocatedAt, "allocated by " + o.allocator});
      return v;
    }
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<MemoryChecker> makeMismatchedReleaseChecker() { return std::make_unique<MismatchedReleaseChecker>(); }

}  // namespace mamori
