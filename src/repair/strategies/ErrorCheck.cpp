// CWE-253: a return value compared with a value that never signals the failure. The fix
// compares with what the function does return on failure, keeping the direction of the
// test: `f == -1` or `p < 0` becomes `f == NULL`; `fputs(...) == 0` becomes `< 0` (EOF is
// negative); a scanf-family `== 0` becomes `<= 0`, so that EOF counts as a failure too.
#include "repair/Strategy.h"

#include "frontend/AstUtil.h"

#include "clang/AST/ASTContext.h"

namespace mamori {
namespace {

using namespace clang;

class ErrorCheck : public RepairStrategy {
public:
  const char *name() const override { return "error-check"; }
  bool handles(const Finding &f) const override { return f.cwe == 253; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    ASTContext &ctx = site.context();
    const BinaryOperator *cmp =
        site.nodeAt<BinaryOperator>(site.finding().location, [](const BinaryOperator *b) { return b->isComparisonOp(); });
    if (!cmp) {
      why = "the comparison could not be found";
      return {};
    }
    const Expr *value = cmp->getLHS(), *constant = cmp->getRHS();
    BinaryOperatorKind op = cmp->getOpcode();
    if (integerConstant(value, ctx) && !integerConstant(constant, ctx)) {
      std::swap(value, constant);
      op = BinaryOperator::reverseComparisonOp(op);
    }
    std::optional<long long> k = integerConstant(constant, ctx);
    if (!k) {
      why = "the comparison has no constant side";
      return {};
    }
    bool failureTest = op == BO_EQ || op == BO_LT || op == BO_LE;  // as the code meant it
    std::string v = site.text(value);
    std::string test;
    if (value->IgnoreParenImpCasts()->getType()->isPointerType()) {
      test = v + (failureTest ? " == " : " != ") + (site.isCpp() ? "nullptr" : "NULL");
    } else if ((op == BO_EQ || op == BO_NE) && *k == 0) {
      const auto *call = dyn_cast<CallExpr>(value->IgnoreParenImpCasts());
      const FunctionDecl *fd = call ? call->getDirectCallee() : nullptr;
      std::string fn = fd ? fd->getName().str() : "";
      bool scans = fn.find("scanf") != std::string::npos;
      test = v + (scans ? (failureTest ? " <= 0" : " > 0") : (failureTest ? " < 0" : " >= 0"));
    } else {
      why = "the value the check should compare with is not known (an unsigned count needs the expected count)";
      return {};
    }
    FixCandidate c;
    c.strategy = name();
    if (!site.replace(cmp->getSourceRange(), test, c.edits)) {
      why = "the comparison is inside a macro";
      return {};
    }
    c.description = "compare with the value that signals failure: " + test;
    return {c};
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeErrorCheck() { return std::make_unique<ErrorCheck>(); }

}  // namespace mamori
