// CWE-457: use of an uninitialized variable. A local variable, array or allocation is read
// before anything was written to it on every path reaching the read.
#include "checkers/MemoryCheckers.h"

namespace mamori {
namespace {

class UninitializedReadChecker final : public MemoryChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.memory.uninitialized-read", "UninitializedVariable", 457, {908},
                            Severity::Warning, 5.5, "use of uninitialized variable",
                            "A value is read before it was initialized; it holds whatever was in that memory, "
                            "which can leak data or steer control flow.",
                            "Initialize the variable where it is declared, or on every path before the read."};
    return r;
  }
  bool watches(MemoryEvent::Kind k) const override { return k == MemoryEvent::Kind::UninitializedRead; }

  std::optional<Verdict> judge(const MemoryEvent &e) const override {
    Verdict v;
    v.message = "use of uninitialized value: '" + e.subject + "' is read before it is initialized";
    if (e.declaredAt.valid()) v.trace.push_back({TraceStep::Kind::Source, e.declaredAt, "declared without a value here"});
    return v;
  }
};

}  // namespace

std::unique_ptr<MemoryChecker> makeUninitializedReadChecker() { return std::make_unique<UninitializedReadChecker>(); }

}  // namespace mamori
