// CWE-617: reachable assertion. An assert() whose condition reads a value the attacker
// chooses (input, parsing, randomness) and can fail on the path to it: one crafted input
// aborts the process, a denial of service in a server or a controller. Assertions check the
// program's own invariants; input has to be validated with an ordinary check.
#include "checkers/RangeCheckers.h"

namespace mamori {
namespace {

class ReachableAssertionChecker final : public RangeChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.range.reachable-assertion", "ReachableAssertion", 617, {}, Severity::Warning,
                            5.3, "assertion an attacker can make fail",
                            "An assertion tests data that comes from outside the program, and nothing on the "
                            "path rules out the failing values: the attacker can abort the process.",
                            "Validate the input with an ordinary check that rejects it (return an error), and "
                            "keep assert() for conditions the program itself guarantees."};
    return r;
  }
  bool watches(RangeEvent::Kind k) const override { return k == RangeEvent::Kind::Assertion; }

  std::optional<Verdict> judge(const RangeEvent &e) const override {
    Verdict v;
    v.message = "reachable assertion: '" + e.subject + "' can fail: '" + e.variable + "' comes from " +
                e.value.originWhat + (e.value.known ? " and can be " + rangeText(e.value) : "") +
                " on this path";
    if (e.value.origin.valid())
      v.trace.push_back({TraceStep::Kind::Source, e.value.origin, "value from " + e.value.originWhat});
    return v;
  }
};

}  // namespace

std::unique_ptr<RangeChecker> makeReachableAssertionChecker() { return std::make_unique<ReachableAssertionChecker>(); }

}  // namespace mamori
