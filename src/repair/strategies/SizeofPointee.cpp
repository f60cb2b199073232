// CWE-467 at an allocation: `sizeof` measures the pointer instead of what it points to.
// The fix measures the pointee: `malloc(sizeof(p))` -> `malloc(sizeof(*p))`, and
// `calloc(n, sizeof(struct reading *))` -> `calloc(n, sizeof(struct reading))`.
#include "repair/Strategy.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/TypeLoc.h"

namespace mamori {
namespace {

using namespace clang;

class SizeofPointee : public RepairStrategy {
public:
  const char *name() const override { return "sizeof-pointee"; }
  bool handles(const Finding &f) const override { return f.cwe == 467; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    const auto *so = site.nodeAt<UnaryExprOrTypeTraitExpr>(site.finding().location, [](const UnaryExprOrTypeTraitExpr *e) {
      return e->getKind() == UETT_SizeOf && e->getTypeOfArgument()->isPointerType();
    });
    if (!so) {
      why = "no sizeof of a pointer at the finding";
      return {};
    }
    FixCandidate c;
    c.strategy = name();
    if (so->isArgumentType()) {
      QualType pointee = so->getArgumentType()->getPointeeType();
      std::string spelled = pointee.getAsString(site.context().getPrintingPolicy());
      if (!site.replace(so->getArgumentTypeInfo()->getTypeLoc().getSourceRange(), spelled, c.edits)) {
        why = "the sizeof is inside a macro";
        return {};
      }
      c.description = "measure the element type: sizeof(" + spelled + ")";
    } else {
      const Expr *arg = so->getArgumentExpr()->IgnoreParens();
      std::string operand = site.text(arg);
      if (!site.replace(arg->getSourceRange(), "*" + operand, c.edits)) {
        why = "the sizeof is inside a macro";
        return {};
      }
      c.description = "measure what '" + operand + "' points to: sizeof(*" + operand + ")";
    }
    return {c};
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeSizeofPointee() { return std::make_unique<SizeofPointee>(); }

}  // namespace mamori
