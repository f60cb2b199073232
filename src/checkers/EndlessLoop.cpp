// CWE-835: loop with an unreachable exit condition. The loop's condition holds for every
// value its variables can take at the loop's head (the body never moves them out of
// range, or undoes its own step), and nothing in the body leaves the loop otherwise: once
// entered, the program hangs or spins (denial of service). Loops written to run forever
// (`while (1)`, `for (;;)`) are not reported.
#include "checkers/RangeCheckers.h"

namespace mamori {
namespace {

class EndlessLoopChecker final : public RangeChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.range.endless-loop", "LoopWithUnreachableExitCondition", 835, {},
                            Severity::Warning, 5.5, "loop with an unreachable exit condition",
                            "The loop's exit condition can never become true: the variables it tests never "
                            "leave the range in which the loop goes on, and the body has no break or return.",
                            "Update the loop variable towards the bound on every iteration (and do not undo the "
                            "step in the body), or add the missing exit."};
    return r;
  }
  bool watches(RangeEvent::Kind k) const override { return k == RangeEvent::Kind::EndlessLoop; }

  std::optional<Verdict> judge(const RangeEvent &e) const override {
    Verdict v;
    v.message = "endless loop: the condition '" + e.subject + "' is always true";
    if (e.value.known) v.message += " ('" + e.variable + "' stays " + rangeText(e.value) + " at the loop's head)";
    v.message += " and the body has no other exit";
    return v;
  }
};

}  // namespace

std::unique_ptr<RangeChecker> makeEndlessLoopChecker() { return std::make_unique<EndlessLoopChecker>(); }

}  // namespace mamori
