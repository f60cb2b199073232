// CWE-457: a variable read before it holds a value. The fix gives it one where it is
// declared: 0, NULL or nullptr for scalars and pointers, {0} or {} for arrays and structs.
// A char pointer read after a strtol-family call that was passed NULL as its end pointer
// was meant to be that end pointer: the call gets `&end` instead.
#include "frontend/AstUtil.h"
#include "repair/Strategy.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"

#include "clang/Lex/Lexer.h"

#include <functional>
#include <set>

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
    // `char *end; strtol(s, NULL, 10); if (*end ...)`: the pointer was meant to be the
    // conversion's end pointer. Passing it gives it the value the code goes on to read.
    if (std::vector<FixCandidate> c = endPointer(site, var, use); !c.empty()) return c;
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
  std::vector<FixCandidate> endPointer(const FixSite &site, const VarDecl *var, const Expr *use) const {
    ASTContext &ctx = site.context();
    if (!var->getType()->isPointerType() || !var->getType()->getPointeeType()->isCharType()) return {};
    const FunctionDecl *fn = site.functionOf(use);
    if (!fn || !fn->getBody()) return {};
    struct Calls : RecursiveASTVisitor<Calls> {
      std::vector<const CallExpr *> found;
      bool VisitCallExpr(CallExpr *c) {
        found.push_back(c);
        return true;
      }
    } calls;
    calls.TraverseStmt(fn->getBody());
    static const std::set<std::string> converters = {"strtol", "strtoll", "strtoul", "strtoull", "strtod", "strtof",
                                                     "strtold", "strtoimax", "strtoumax"};
    const SourceManager &sm = ctx.getSourceManager();
    const CallExpr *conversion = nullptr;
    for (const CallExpr *c : calls.found) {
      const FunctionDecl *callee = c->getDirectCallee();
      if (!callee || !callee->getIdentifier() || !converters.count(callee->getName().str()) || c->getNumArgs() < 2) continue;
      if (!sm.isBeforeInTranslationUnit(c->getBeginLoc(), use->getBeginLoc())) continue;
      if (!c->getArg(1)->IgnoreParenCasts()->isNullPointerConstant(ctx, Expr::NPC_ValueDependentIsNotNull)) continue;
      conversion = c;  // the last one before the read
    }
    if (!conversion) return {};
    FixCandidate c;
    c.strategy = "end-pointer";
    c.description = "pass '&" + var->getName().str() + "' as the end pointer of '" +
                    conversion->getDirectCallee()->getName().str() + "', which the code reads afterwards";
    if (!site.replace(conversion->getArg(1)->getSourceRange(), "&" + var->getName().str(), c.edits)) return {};
    return {c};
  }

  // What a pointer reads through is what must start zeroed: the memory of its one store.
  //   p = malloc(a * b)   ->  p = calloc(a, b)       (p = malloc(n) -> p = calloc(1, n))
  //   p = alloca(n)       ->  p = alloca(n); memset(p, 0, n);
  //   p = array           ->  T array[N] = {0};
  static std::vector<FixCandidate> zeroedAllocation(const FixSite &site, const VarDecl *var, std::string &why) {
    const FunctionDecl *fd = var->getParentFunctionOrMethod() ? dyn_cast<FunctionDecl>(var->getParentFunctionOrMethod()) : nullptr;
    if (!fd || !fd->getBody()) return {};
    const ASTContext &ctx = site.context();
    std::vector<std::pair<const Expr *, const Stmt *>> stores;  // value, the statement that stores it
    std::function<void(const Stmt *)> walk = [&](const Stmt *s) {
      if (!s) return;
      const Expr *value = nullptr;
      if (auto *b = dyn_cast<BinaryOperator>(s); b && b->getOpcode() == BO_Assign)
        if (auto *d = dyn_cast<DeclRefExpr>(b->getLHS()->IgnoreParenImpCasts()); d && d->getDecl() == var) value = b->getRHS();
      if (auto *ds = dyn_cast<DeclStmt>(s))
        for (const Decl *d : ds->decls())
          if (d == var) value = var->getInit();
      if (value && !value->IgnoreParenCasts()->isNullPointerConstant(site.context(), Expr::NPC_ValueDependentIsNotNull))
        stores.push_back({value, s});
      for (const Stmt *child : s->children()) walk(child);
    };
    walk(fd->getBody());
    if (stores.size() != 1) return {};
    const Expr *value = stores.front().first->IgnoreParenCasts();
    FixCandidate c;
    c.strategy = "zeroed-allocation";
    // A local array the pointer was set to.
    if (auto *d = dyn_cast<DeclRefExpr>(value)) {
      auto *array = dyn_cast<VarDecl>(d->getDecl());
      if (!array || !array->isLocalVarDecl() || array->hasInit() || !ctx.getAsConstantArrayType(array->getType())) return {};
      const SourceManager &sm = ctx.getSourceManager();
      SourceLocation end = Lexer::getLocForEndOfToken(array->getEndLoc(), 0, sm, ctx.getLangOpts());
      c.description = "initialize '" + array->getName().str() + "', which '" + var->getName().str() + "' points to";
      if (!site.insertAt(end, site.isCpp() ? "{}" : " = {0}", c.edits)) return {};
      return {c};
    }
    auto *call = dyn_cast<CallExpr>(value);
    const FunctionDecl *callee = call ? call->getDirectCallee() : nullptr;
    if (!callee || !callee->getIdentifier() || call->getNumArgs() != 1) return {};
    std::string fn = callee->getName().str();
    if (fn == "malloc" && site.declares("calloc")) {
      const Expr *size = call->getArg(0)->IgnoreParenImpCasts();
      std::string args;
      if (auto *mul = dyn_cast<BinaryOperator>(size); mul && mul->getOpcode() == BO_Mul)
        args = site.text(mul->getLHS()) + ", " + site.text(mul->getRHS());
      else
        args = "1, " + site.text(call->getArg(0));
      c.description = "allocate '" + var->getName().str() + "' with calloc, so it starts zeroed";
      if (!site.replace(call->getSourceRange(), "calloc(" + args + ")", c.edits)) {
        why = "the allocation is written inside a macro";
        return {};
      }
      return {c};
    }
    if ((fn == "alloca" || fn == "__builtin_alloca") && site.declares("memset")) {
      const Stmt *stmt = site.enclosingStatement(stores.front().first);
      std::string size = site.text(call->getArg(0));
      if (!stmt || size.empty() || !FixSite::isSideEffectFree(call->getArg(0), ctx)) return {};
      c.description = "zero the memory '" + var->getName().str() + "' points to right after it is allocated";
      if (!site.insertAfter(stmt, "memset(" + var->getName().str() + ", 0, " + size + ");", c.edits)) return {};
      return {c};
    }
    return {};
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeInitialize() { return std::make_unique<Initialize>(); }

}  // namespace mamori
