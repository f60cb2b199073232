// CWE-190 / CWE-191: arithmetic that can wrap. The fix computes it with the compilers'
// checked builtins (__builtin_add/sub/mul_overflow), which test the exact result against
// the type it is stored in, and fails the way the function's other error paths do:
//   x = a * b;          ->  if (__builtin_mul_overflow(a, b, &x)) { return -1; }
//   T x = a + b;        ->  T x; if (__builtin_add_overflow(a, b, &x)) { ... }
//   x += n;  x++;       ->  if (__builtin_add_overflow(x, n, &x)) { ... }
//   f(a * b)            ->  T product; if (__builtin_mul_overflow(a, b, &product)) { ... } f(product)
#include "repair/Strategy.h"

#include "clang/AST/ExprCXX.h"

namespace mamori {
namespace {

using namespace clang;

const char *builtinFor(BinaryOperatorKind k) {
  switch (k) {
  case BO_Add: case BO_AddAssign: return "__builtin_add_overflow";
  case BO_Sub: case BO_SubAssign: return "__builtin_sub_overflow";
  case BO_Mul: case BO_MulAssign: return "__builtin_mul_overflow";
  default: return nullptr;
  }
}

const char *resultName(BinaryOperatorKind k) {
  return k == BO_Add ? "sum" : k == BO_Sub ? "difference" : "product";
}

class CheckedArithmetic : public RepairStrategy {
public:
  const char *name() const override { return "checked-arithmetic"; }
  bool handles(const Finding &f) const override { return f.cwe == 190 || f.cwe == 191; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    FixCandidate c;
    c.strategy = name();
    const Location &at = site.finding().location;
    // x++ / x-- as a statement.
    if (auto *u = site.nodeAt<UnaryOperator>(at, [](const UnaryOperator *u) { return u->isIncrementDecrementOp(); })) {
      const Stmt *stmt = site.enclosingStatement(u);
      if (stmt != u || !FixSite::isStableLvalue(u->getSubExpr())) {
        why = "the increment is part of a larger expression";
        return {};
      }
      std::string x = site.text(u->getSubExpr());
      std::string failure = site.failureStatement(stmt);
      if (failure.empty()) return none(why);
      std::string call = std::string(u->isIncrementOp() ? "__builtin_add_overflow(" : "__builtin_sub_overflow(") + x +
                         ", 1, &" + x + ")";
      c.description = "fail instead of letting '" + x + "' wrap";
      if (!site.replace(stmt->getSourceRange(), site.guard(call, failure, stmt), c.edits)) return macro(why);
      return finishStatement(site, stmt, c, why);
    }
    const BinaryOperator *op = site.nodeAt<BinaryOperator>(at, [](const BinaryOperator *b) { return builtinFor(b->getOpcode()); });
    if (!op) {
      why = "the arithmetic is not an addition, subtraction or multiplication mamori can check";
      return {};
    }
    const char *builtin = builtinFor(op->getOpcode());
    const ASTContext &ctx = site.context();
    if (!FixSite::isSideEffectFree(op->getLHS(), ctx) || !FixSite::isSideEffectFree(op->getRHS(), ctx)) {
      why = "an operand has side effects";
      return {};
    }
    const Stmt *stmt = site.enclosingStatement(op);
    if (!stmt) {
      why = "the arithmetic is in a loop header or a condition evaluated only sometimes";
      return {};
    }
    std::string failure = site.failureStatement(stmt);
    if (failure.empty()) return none(why);
    std::string a = site.text(op->getLHS()), b = site.text(op->getRHS());
    c.description = "compute '" + site.text(op) + "' with " + builtin + " and fail when it does not fit";

    // x op= y;
    if (op->isCompoundAssignmentOp()) {
      if (stmt != op || !FixSite::isStableLvalue(op->getLHS())) {
        why = "the compound assignment is part of a larger expression";
        return {};
      }
      std::string call = std::string(builtin) + "(" + a + ", " + b + ", &" + a + ")";
      if (!site.replace(stmt->getSourceRange(), site.guard(call, failure, stmt), c.edits)) return macro(why);
      return finishStatement(site, stmt, c, why);
    }
    // lhs = a op b;
    if (auto *assign = dyn_cast_or_null<BinaryOperator>(site.parentStmt(op->IgnoreParens()));
        assign && assign == stmt && assign->getOpcode() == BO_Assign && assign->getRHS()->IgnoreParenImpCasts() == op &&
        FixSite::isStableLvalue(assign->getLHS())) {
      std::string call = std::string(builtin) + "(" + a + ", " + b + ", &" + site.text(assign->getLHS()) + ")";
      if (!site.replace(stmt->getSourceRange(), site.guard(call, failure, stmt), c.edits)) return macro(why);
      return finishStatement(site, stmt, c, why);
    }
    // T x = a op b;  (the only declaration of its statement)
    if (auto *ds = dyn_cast<DeclStmt>(stmt); ds && ds->isSingleDecl() && site.inBlock(ds)) {
      auto *var = dyn_cast<VarDecl>(ds->getSingleDecl());
      if (var && var->getInit() && var->getInit()->IgnoreParenImpCasts() == op && !var->getType().isConstQualified() &&
          !var->getType()->isReferenceType()) {
        std::string call = std::string(builtin) + "(" + a + ", " + b + ", &" + var->getName().str() + ")";
        // Drop ` = a op b` from the declaration, then check on the next line.
        std::vector<TextEdit> edits;
        if (site.replace(SourceRange(var->getInit()->getBeginLoc(), var->getInit()->getEndLoc()), "", edits) &&
            site.insertAfter(ds, site.guard(call, failure, ds), edits)) {
          // Remove the `=` and the blanks around it together with the initializer.
          const SourceManager &sm = ctx.getSourceManager();
          StringRef buf = sm.getBufferData(sm.getFileID(sm.getExpansionLoc(ds->getBeginLoc())));
          TextEdit &e = edits.front();
          unsigned b0 = e.offset;
          while (b0 > 0 && (buf[b0 - 1] == ' ' || buf[b0 - 1] == '\t')) --b0;
          if (b0 > 0 && buf[b0 - 1] == '=') {
            --b0;
            while (b0 > 0 && (buf[b0 - 1] == ' ' || buf[b0 - 1] == '\t')) --b0;
            e.length += e.offset - b0;
            e.offset = b0;
            c.edits = edits;
            return {c};
          }
        }
      }
    }
    // Anything else: compute the value checked into a new local before the statement.
    QualType type = op->getType();
    if (auto *cast = dyn_cast_or_null<ImplicitCastExpr>(site.parentStmt(op->IgnoreParens()));
        cast && cast->getType()->isIntegerType())
      type = cast->getType();
    std::string local = site.freshName(stmt, resultName(op->getOpcode()));
    std::string typeText = type.getAsString(ctx.getPrintingPolicy());
    if (ctx.hasSameType(type, ctx.getSizeType()) && site.declares("size_t")) typeText = "size_t";
    std::string code = typeText + " " + local + ";\n" + site.bodyIndent(stmt) +
                       site.guard(std::string(builtin) + "(" + a + ", " + b + ", &" + local + ")", failure, stmt);
    if (!site.insertBefore(stmt, code, c.edits) || !site.replace(op->getSourceRange(), local, c.edits)) return macro(why);
    return {c};
  }

private:
  static std::vector<FixCandidate> none(std::string &why) {
    why = "the function has no error return to follow";
    return {};
  }
  static std::vector<FixCandidate> macro(std::string &why) {
    why = "the arithmetic is written inside a macro";
    return {};
  }
  // The statement was replaced by a guard: its semicolon goes too.
  static std::vector<FixCandidate> finishStatement(const FixSite &site, const Stmt *stmt, FixCandidate &c, std::string &why) {
    TextEdit &e = c.edits.back();
    if (!site.inBlock(stmt)) {
      // A lone body: the guard takes braces, so an `else` keeps its `if`.
      std::string indent = site.indentOf(stmt);
      e.replacement = "{\n" + indent + site.indentUnit() + e.replacement + "\n" + indent + "}";
    }
    const SourceManager &sm = site.context().getSourceManager();
    unsigned end = sm.getFileOffset(site.endOfStatement(stmt));
    if (end > e.offset + e.length) e.length = end - e.offset;
    return {c};
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeCheckedArithmetic() { return std::make_unique<CheckedArithmetic>(); }

}  // namespace mamori
