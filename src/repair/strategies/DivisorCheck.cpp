// CWE-369: a divisor that may be zero. The fix tests it before the statement that divides
// and fails the way the function's other error paths do.
#include "repair/Strategy.h"

#include "clang/AST/ExprCXX.h"

namespace mamori {
namespace {

using namespace clang;

class DivisorCheck : public RepairStrategy {
public:
  const char *name() const override { return "divisor-check"; }
  bool handles(const Finding &f) const override { return f.cwe == 369; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    const BinaryOperator *div = site.nodeAt<BinaryOperator>(site.finding().location, [](const BinaryOperator *b) {
      BinaryOperatorKind k = b->getOpcode();
      return k == BO_Div || k == BO_Rem || k == BO_DivAssign || k == BO_RemAssign;
    });
    if (!div) {
      why = "the division could not be found";
      return {};
    }
    const Expr *divisor = div->getRHS();
    if (!FixSite::isSideEffectFree(divisor, site.context())) {
      why = "the divisor has side effects";
      return {};
    }
    return site.guardBefore(div, site.operand(divisor) + " == 0", name(),
                            "fail before dividing when '" + site.text(divisor) + "' is zero", why);
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeDivisorCheck() { return std::make_unique<DivisorCheck>(); }

}  // namespace mamori
