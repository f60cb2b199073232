// CWE-369: divide by zero. A divisor that is zero, or that comes from input, parsing or a
// random source and is not checked against zero on the path to the division.
#include "checkers/RangeCheckers.h"

namespace mamori {
namespace {

class DivideByZeroChecker final : public RangeChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.range.divide-by-zero", "DivideByZero", 369, {}, Severity::Error, 6.5,
                            "divide by zero",
                            "A division or remainder whose divisor can be zero: the process traps (denial of "
                            "service), or a floating result becomes infinite or NaN.",
                            "Check the divisor against zero (for floating values, against a small epsilon) before "
                            "dividing, and reject the input otherwise."};
    return r;
  }
  bool watches(RangeEvent::Kind k) const override { return k == RangeEvent::Kind::Division; }

  std::optional<Verdict> judge(const RangeEvent &e) const override {
    Verdict v;
    if (e.value.known && e.value.lo == 0 && e.value.hi == 0) {
      v.message = "divide by zero: the divisor '" + e.subject + "' is zero";
      return v;
    }
    // A loop counter that starts at zero, or counts down to it, divided by in the loop's
    // body with nothing on the way that rules zero out: one iteration divides by zero.
    if (e.counterReachesZero && !e.floating) {
      v.message = "divide by zero: the loop counter '" + e.subject + "' is zero in one iteration of the loop";
      return v;
    }
    if (!e.value.external) return std::nullopt;
    v.message = "divide by zero: the divisor '" + e.subject + "' comes from " + e.value.originWhat +
                " and is not checked against zero";
    if (e.value.origin.valid()) v.trace.push_back({TraceStep::Kind::Source, e.value.origin, "value from " + e.value.originWhat});
    return v;
  }
};

}  // namespace

std::unique_ptr<RangeChecker> makeDivideByZeroChecker() { return std::make_unique<DivideByZeroChecker>(); }

}  // namespace mamori
