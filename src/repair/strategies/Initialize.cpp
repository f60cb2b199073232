// CWE-457: a variable read before it holds a value. The fix gives it one where it is
// declared: 0, NULL or nullptr for scalars and pointers, {0} or {} for arrays and structs.
#include "frontend/AstUtil.h"
#include "repair/Strategy.h"

#include "clang/AST/ExprCXX.h"

#include "clang/Lex/Lexer.h"

#include <functional>

namespace mamori {
namespace {

using namespace clang;

class Initialize : public RepairStrategy {
public:
  const char *name() const override { return "initialize"; }
  bool handles(const Finding &f) const override { return f.cwe == 457; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    const Expr *use = site.nodeAt<Expr>(site.finding().location, [](const Expr *e) { return rootVariable(e) != nullptr; });
    const VarDecl *var = use ? rootVariable(use) : nullptr;
    // Heap memory read before it is written: allocate it zeroed.
    if (var && var->getType()->isPointerType() && use && !isa<DeclRefExpr>(use->IgnoreParenImpCasts()))
      if (std::vector<FixCandidate> c = zeroedAllocation(site, var, why); !c.empty()) return c;
    if (!var || !var->isLocalVarDecl() || var->hasInit() || var->isStaticLocal()) {
      why = "the variable read is not a local declared without a value";
      return {};
    }
    QualType t = var->getType();
    if (t->isVariableArrayType() || t->isIncompleteType() || t.isConstQualified()) {
      why = "a variable-length or incomplete variable cannot be given an initializer";
      return {};
    }
    std::string init;
    if (site.isCpp() && (t->isArrayType() || t->isRecordType())) init = "{}";
    else if (t->isArrayType() || t->isRecordType()) init = " = {0}";
    else if (t->isPointerType()) init = std::string(" = ") + site.nullLiteral();
    else if (t->isScalarType()) init = " = 0";
    else {
      why = "mamori does not know a zero value for type '" + t.getAsString() + "'";
      return {};
    }
    const SourceManager &sm = site.context().getSourceManager();
    SourceLocation end = Lexer::getLocForEndOfToken(var->getEndLoc(), 0, sm, site.context().getLangOpts());
    FixCandidate c;
    c.strategy = name();
    c.description = "initialize '" + var->getName().str() + "' where it is declared";
    if (!site.insertAt(end, init, c.edits)) {
      why = "the declaration is written inside a macro or another file";
      return {};
    }
    return {c};
  }

private:
  // `p = malloc(a * b)` -> `p = calloc(a, b)`; `p = malloc(n)` -> `p = calloc(1, n)`.
  static std::vector<FixCandidate> zeroedAllocation(const FixSite &site, const VarDecl *var, std::string &why) {
    const FunctionDecl *fd = var->getParentFunctionOrMethod() ? dyn_cast<FunctionDecl>(var->getParentFunctionOrMethod()) : nullptr;
    if (!fd || !fd->getBody() || !site.declares("calloc")) return {};
    std::vector<const CallExpr *> mallocs;
    std::function<void(const Stmt *)> walk = [&](const Stmt *s) {
      if (!s) return;
      const Expr *value = nullptr;
      if (auto *b = dyn_cast<BinaryOperator>(s); b && b->getOpcode() == BO_Assign)
        if (auto *d = dyn_cast<DeclRefExpr>(b->getLHS()->IgnoreParenImpCasts()); d && d->getDecl() == var) value = b->getRHS();
      if (auto *ds = dyn_cast<DeclStmt>(s))
        for (const Decl *d : ds->decls())
          if (d == var) value = var->getInit();
      if (value)
        if (auto *c = dyn_cast<CallExpr>(value->IgnoreParenCasts()); c && c->getDirectCallee() &&
                                                                      c->getDirectCallee()->getIdentifier() &&
                                                                      c->getDirectCallee()->getName() == "malloc" &&
                                                                      c->getNumArgs() == 1)
          mallocs.push_back(c);
      for (const Stmt *child : s->children()) walk(child);
    };
    walk(fd->getBody());
    if (mallocs.size() != 1) return {};
    const CallExpr *call = mallocs.front();
    const Expr *size = call->getArg(0)->IgnoreParenImpCasts();
    std::string args;
    if (auto *mul = dyn_cast<BinaryOperator>(size); mul && mul->getOpcode() == BO_Mul)
      args = site.text(mul->getLHS()) + ", " + site.text(mul->getRHS());
    else
      args = "1, " + site.text(call->getArg(0));
    FixCandidate c;
    c.strategy = "zeroed-allocation";
    c.description = "allocate '" + var->getName().str() + "' with calloc, so it starts zeroed";
    if (!site.replace(call->getSourceRange(), "calloc(" + args + ")", c.edits)) {
      why = "the allocation is written inside a macro";
      return {};
    }
    return {c};
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeInitialize() { return std::make_unique<Initialize>(); }

}  // namespace mamori
