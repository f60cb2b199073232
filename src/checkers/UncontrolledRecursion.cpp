// CWE-674: uncontrolled recursion. A function calls itself with exactly the arguments it
// received (`f(n)`, or `f(n--)`, which passes the old value), and nothing else decides its
// branches: whenever the call is reached, it is reached again, until the stack overflows.
// Or every path through the function calls itself before it can return (a base case that
// resets its argument instead of returning): once called, it never returns. Or a descent
// by more than one step at a time jumps over base cases tested only for equality
// (`if (n == 1) return 1; return fib(n - 1) + fib(n - 2);`).
#include "checkers/RangeCheckers.h"

namespace mamori {
namespace {

class UncontrolledRecursionChecker final : public RangeChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.range.uncontrolled-recursion", "UncontrolledRecursion", 674, {},
                            Severity::Warning, 5.5, "recursion that never ends",
                            "The function calls itself with the same arguments it received, and its branches "
                            "depend only on those arguments: the recursive call repeats without end and "
                            "overflows the stack.",
                            "Pass the argument that moves towards the base case (n - 1, not n--), or add the "
                            "missing base case."};
    return r;
  }
  bool watches(RangeEvent::Kind k) const override { return k == RangeEvent::Kind::Recursion; }

  std::optional<Verdict> judge(const RangeEvent &e) const override {
    Verdict v;
    if (e.op == "steps over") {
      v.message = "uncontrolled recursion: '" + e.subject + "' steps over the function's base case: " + e.variable +
                  ", and the descent never ends";
      return v;
    }
    if (e.op == "every path") {
      v.message = "uncontrolled recursion: every path through the function reaches '" + e.subject +
                  "' before it can return, so once called it never returns";
      return v;
    }
    v.message = "uncontrolled recursion: '" + e.subject + "' passes the function's own arguments unchanged, so "
                "the call repeats without end";
    return v;
  }
};

}  // namespace

std::unique_ptr<RangeChecker> makeUncontrolledRecursionChecker() {
  return std::make_unique<UncontrolledRecursionChecker>();
}

}  // namespace mamori
