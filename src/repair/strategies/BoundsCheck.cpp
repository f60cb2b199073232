// CWE-121/122/124/125/126/127: an index or a length that can leave its buffer. The fixes
// name the buffer's size the way the code declares it (sizeof for byte arrays, the
// declared size constant, .size() for std::array and std::vector, a constant malloc
// size, the size a pointer field was allocated with in the same function) and then:
//   buf[i]                    ->  if (i < 0 || i >= N) { fail }  before the statement
//   memcpy(d, s, n)           ->  if (n > sizeof(d)) { fail }    (memmove, memset, read, recv, fread)
//   fgets(d, n, f)            ->  fgets(d, sizeof(d), f)         (snprintf, vsnprintf)
//   strncpy(d, s, n)          ->  strncpy(d, s, sizeof(d) - 1); d[sizeof(d) - 1] = '\0';
//   strcpy(d, s)              ->  snprintf(d, sizeof(d), "%s", s)
//   strcat(d, s)              ->  strncat(d, s, sizeof(d) - strlen(d) - 1)
//   strncat(d, s, n)          ->  strncat(d, s, sizeof(d) - strlen(d) - 1)
//   sprintf(d, fmt, ...)      ->  snprintf(d, sizeof(d), fmt, ...)
#include "frontend/AstUtil.h"
#include "repair/Strategy.h"

#include "clang/AST/ExprCXX.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/TypeLoc.h"

#include <functional>
#include <optional>
#include <set>

namespace mamori {
namespace {

using namespace clang;

struct Bound {
  std::string elements;  // the number of elements, as code
  std::string bytes;     // the number of bytes, as code (empty for containers)
};

// `p = malloc(E)` and `T *p = malloc(E)`: every allocation stored into `var`.
class AllocationsOf : public RecursiveASTVisitor<AllocationsOf> {
public:
  explicit AllocationsOf(const VarDecl *var) : var_(var) {}
  // Stores of NULL do not give the pointer a size; they are left out.
  bool VisitBinaryOperator(BinaryOperator *b) {
    if (b->isAssignmentOp())
      if (auto *d = dyn_cast<DeclRefExpr>(b->getLHS()->IgnoreParenImpCasts()); d && d->getDecl() == var_)
        if (!b->getRHS()->isNullPointerConstant(var_->getASTContext(), Expr::NPC_ValueDependentIsNotNull))
          stores.push_back(b->getRHS());
    return true;
  }
  bool VisitVarDecl(VarDecl *v) {
    if (v == var_ && v->getInit() &&
        !v->getInit()->isNullPointerConstant(v->getASTContext(), Expr::NPC_ValueDependentIsNotNull))
      stores.push_back(v->getInit());
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *u) {
    if (u->getOpcode() == UO_AddrOf)
      if (auto *d = dyn_cast<DeclRefExpr>(u->getSubExpr()->IgnoreParenImpCasts()); d && d->getDecl() == var_)
        escaped = true;
    return true;
  }
  std::vector<const Expr *> stores;
  bool escaped = false;

private:
  const VarDecl *var_;
};

// Whether `size` means the same wherever it is read in `fn`: no side effects, and every
// variable it names is never assigned, incremented or handed out by address in `fn`.
bool stableSize(const Expr *size, const FunctionDecl *fn, const ASTContext &ctx) {
  if (!FixSite::isSideEffectFree(size, ctx)) return false;
  std::set<const VarDecl *> vars;
  std::function<void(const Stmt *)> collect = [&](const Stmt *st) {
    if (const auto *d = dyn_cast<DeclRefExpr>(st))
      if (const auto *v = dyn_cast<VarDecl>(d->getDecl())) vars.insert(v);
    for (const Stmt *c : st->children())
      if (c) collect(c);
  };
  collect(size);
  if (vars.empty()) return true;
  struct Writes : RecursiveASTVisitor<Writes> {
    const std::set<const VarDecl *> *vars;
    bool written = false;
    bool names(const Expr *e) const {
      const auto *d = dyn_cast<DeclRefExpr>(e->IgnoreParenImpCasts());
      return d && vars->count(dyn_cast<VarDecl>(d->getDecl()));
    }
    bool VisitBinaryOperator(BinaryOperator *b) {
      if (b->isAssignmentOp() && names(b->getLHS())) written = true;
      return true;
    }
    bool VisitUnaryOperator(UnaryOperator *u) {
      if ((u->isIncrementDecrementOp() || u->getOpcode() == UO_AddrOf) && names(u->getSubExpr())) written = true;
      return true;
    }
  } writes;
  writes.vars = &vars;
  writes.TraverseStmt(fn->getBody());
  return !writes.written;
}

// `s->field = malloc(E)`: the one allocation stored into a pointer field in this function,
// before `use` and in a block that holds it, with a size that is still the same at `use`.
std::optional<Bound> fieldAllocation(const FixSite &site, const Expr *use, const std::string &name, QualType t) {
  const FunctionDecl *fn = site.functionOf(use);
  if (!fn || !fn->getBody()) return std::nullopt;
  struct Stores : RecursiveASTVisitor<Stores> {
    const FixSite *site;
    const std::string *name;
    std::vector<const BinaryOperator *> found;
    bool VisitBinaryOperator(BinaryOperator *b) {
      if (b->isAssignmentOp() && site->text(b->getLHS()) == *name) found.push_back(b);
      return true;
    }
  } stores;
  stores.site = &site;
  stores.name = &name;
  stores.TraverseStmt(fn->getBody());
  if (stores.found.size() != 1) return std::nullopt;
  const BinaryOperator *store = stores.found.front();
  const SourceManager &sm = site.context().getSourceManager();
  if (!sm.isBeforeInTranslationUnit(store->getBeginLoc(), use->getBeginLoc())) return std::nullopt;
  if (!site.onEveryPathTo(store, use)) return std::nullopt;
  const auto *call = dyn_cast<CallExpr>(store->getRHS()->IgnoreParenCasts());
  const FunctionDecl *callee = call ? call->getDirectCallee() : nullptr;
  if (!callee || !callee->getIdentifier()) return std::nullopt;
  std::string bytes;
  if (callee->getName() == "malloc" && call->getNumArgs() == 1 && stableSize(call->getArg(0), fn, site.context()))
    bytes = site.text(call->getArg(0));
  else if (callee->getName() == "calloc" && call->getNumArgs() == 2 && stableSize(call->getArg(0), fn, site.context()) &&
           stableSize(call->getArg(1), fn, site.context()))
    bytes = site.operand(call->getArg(0)) + " * " + site.operand(call->getArg(1));
  if (bytes.empty()) return std::nullopt;
  QualType elem = t->getPointeeType();
  if (elem.isNull() || elem->isIncompleteType()) return std::nullopt;
  bool bytesAreElements = elem->isVoidType() || site.context().getTypeSizeInChars(elem).isOne();
  std::string paren = bytes.find(' ') == std::string::npos ? bytes : "(" + bytes + ")";
  return Bound{bytesAreElements ? bytes : paren + " / sizeof(*" + name + ")", bytes};
}

std::optional<Bound> boundOf(const FixSite &site, const Expr *buffer, unsigned depth = 0) {
  const ASTContext &ctx = site.context();
  const Expr *e = buffer->IgnoreParenImpCasts();
  std::string name = site.text(e);
  if (name.empty()) return std::nullopt;
  const ValueDecl *decl = nullptr;
  if (auto *d = dyn_cast<DeclRefExpr>(e)) decl = d->getDecl();
  else if (auto *m = dyn_cast<MemberExpr>(e); m && FixSite::isStableLvalue(m)) decl = m->getMemberDecl();
  if (!decl) return std::nullopt;
  QualType t = decl->getType();
  // std::array and std::vector know their size.
  if (const CXXRecordDecl *rd = t.getNonReferenceType()->getAsCXXRecordDecl()) {
    if (rd->isInStdNamespace() && (rd->getName() == "array" || rd->getName() == "vector"))
      return Bound{name + ".size()", ""};
    return std::nullopt;
  }
  if (const auto *arr = ctx.getAsConstantArrayType(t); arr && !isa<ParmVarDecl>(decl)) {
    Bound b;
    b.bytes = "sizeof(" + name + ")";
    bool bytesAreElements = ctx.getTypeSizeInChars(arr->getElementType()).isOne();
    std::string declared;
    if (auto *dd = dyn_cast<DeclaratorDecl>(decl); dd && dd->getTypeSourceInfo())
      if (auto tl = dd->getTypeSourceInfo()->getTypeLoc().getAs<ConstantArrayTypeLoc>())
        if (const Expr *size = tl.getSizeExpr(); size && !isa<IntegerLiteral>(size->IgnoreParenImpCasts()))
          declared = site.text(size);
    b.elements = bytesAreElements ? b.bytes : !declared.empty() ? declared : "sizeof(" + name + ") / sizeof(" + name + "[0])";
    return b;
  }
  // `f(const T *buf, size_t n)`: a pointer parameter followed by an integer parameter is a
  // buffer and its length, the C convention for passing one.
  if (auto *parm = dyn_cast<ParmVarDecl>(decl); parm && t->isPointerType()) {
    const auto *fn = dyn_cast_or_null<FunctionDecl>(parm->getDeclContext());
    unsigned i = parm->getFunctionScopeIndex();
    if (fn && i + 1 < fn->getNumParams() && fn->getParamDecl(i + 1)->getType()->isIntegerType() &&
        fn->getParamDecl(i + 1)->getIdentifier()) {
      std::string n = fn->getParamDecl(i + 1)->getName().str();
      QualType elem = t->getPointeeType();
      bool bytesAreElements = !elem->isIncompleteType() && !elem->isVoidType() && ctx.getTypeSizeInChars(elem).isOne();
      return Bound{n, bytesAreElements || elem->isVoidType() ? n : ""};
    }
    return std::nullopt;
  }
  // A pointer field given one allocation in this function.
  if (isa<FieldDecl>(decl) && t->isPointerType()) return fieldAllocation(site, buffer, name, t);
  // A local pointer whose only value is one allocation of a constant size.
  auto *var = dyn_cast<VarDecl>(decl);
  const FunctionDecl *fd = site.functionOf(buffer);
  if (!var || !var->isLocalVarDecl() || !t->isPointerType() || !fd || !fd->getBody()) return std::nullopt;
  AllocationsOf finder(var);
  finder.TraverseStmt(fd->getBody());
  if (finder.escaped || finder.stores.size() != 1) return std::nullopt;
  // `char *data = buffer;`: a pointer to a named array has the array's size.
  if (auto *d = dyn_cast<DeclRefExpr>(finder.stores.front()->IgnoreParenImpCasts());
      d && isa<VarDecl>(d->getDecl()) && !isa<ParmVarDecl>(d->getDecl())) {
    // `data = other;` where `other` is a pointer of the same type: its size is other's.
    if (d->getType()->isPointerType()) {
      if (depth >= 4 || !ctx.hasSameUnqualifiedType(d->getType()->getPointeeType(), t->getPointeeType())) return std::nullopt;
      return boundOf(site, d, depth + 1);
    }
    const ConstantArrayType *arr = ctx.getAsConstantArrayType(d->getType());
    QualType elem = t->getPointeeType();
    if (arr && !elem.isNull() && !elem->isIncompleteType() &&
        ctx.hasSameUnqualifiedType(arr->getElementType(), elem)) {
      std::string array = d->getDecl()->getName().str();
      bool bytesAreElements = ctx.getTypeSizeInChars(elem).isOne();
      return Bound{bytesAreElements ? "sizeof(" + array + ")" : "sizeof(" + array + ") / sizeof(" + array + "[0])",
                   "sizeof(" + array + ")"};
    }
    return std::nullopt;
  }
  auto *call = dyn_cast<CallExpr>(finder.stores.front()->IgnoreParenCasts());
  const FunctionDecl *callee = call ? call->getDirectCallee() : nullptr;
  if (!callee) return std::nullopt;
  std::string fn = callee->getName().str();
  std::string bytes;
  if ((fn == "malloc" || fn == "alloca" || fn == "__builtin_alloca") && call->getNumArgs() == 1 && call->getArg(0)->isEvaluatable(ctx)) bytes = site.text(call->getArg(0));
  else if (fn == "calloc" && call->getNumArgs() == 2 && call->getArg(0)->isEvaluatable(ctx) && call->getArg(1)->isEvaluatable(ctx))
    bytes = site.operand(call->getArg(0)) + " * " + site.operand(call->getArg(1));
  if (bytes.empty()) return std::nullopt;
  QualType elem = t->getPointeeType();
  bool bytesAreElements = !elem->isIncompleteType() && ctx.getTypeSizeInChars(elem).isOne();
  std::string paren = bytes.find(' ') == std::string::npos ? bytes : "(" + bytes + ")";
  return Bound{bytesAreElements ? bytes : paren + " / sizeof(*" + name + ")", bytes};
}

bool isSigned(const Expr *e) { return e->IgnoreParenImpCasts()->getType()->isSignedIntegerType(); }

// `n > limit`, with a test for negative values when `n` is signed.
std::string exceeds(const FixSite &site, const Expr *n, const std::string &limit, bool orEqual) {
  std::string v = site.operand(n->IgnoreImpCasts());
  std::string cmp = orEqual ? " >= " : " > ";
  if (!isSigned(n)) return v + cmp + limit;
  bool sizeofLimit = limit.find("sizeof") != std::string::npos;
  return v + " < 0 || " + (sizeofLimit ? "(size_t)" + v : v) + cmp + limit;
}

class BoundsCheck : public RepairStrategy {
public:
  const char *name() const override { return "bounds-check"; }
  bool handles(const Finding &f) const override {
    return f.cwe == 121 || f.cwe == 122 || f.cwe == 124 || f.cwe == 125 || f.cwe == 126 || f.cwe == 127 ||
           f.cwe == 787;
  }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    const Location &at = site.finding().location;
    if (auto *sub = site.nodeAt<ArraySubscriptExpr>(at)) return index(site, sub, sub->getBase(), sub->getIdx(), why);
    if (auto *op = site.nodeAt<CXXOperatorCallExpr>(at, [](const CXXOperatorCallExpr *o) {
          return o->getOperator() == OO_Subscript && o->getNumArgs() == 2;
        }))
      return index(site, op, op->getArg(0), op->getArg(1), why);
    if (auto *call = site.nodeAt<CallExpr>(at, [](const CallExpr *c) { return c->getDirectCallee() != nullptr; }))
      return copy(site, call, why);
    why = "the access is neither a subscript nor a call to a copying function";
    return {};
  }

private:
  std::vector<FixCandidate> index(const FixSite &site, const Expr *access, const Expr *base, const Expr *idx,
                                  std::string &why) const {
    std::optional<Bound> bound = boundOf(site, base);
    if (!bound) {
      why = "the size of '" + site.text(base) + "' is not written in the code as an array, container or constant allocation";
      return {};
    }
    if (!FixSite::isSideEffectFree(idx, site.context())) {
      why = "the index has side effects";
      return {};
    }
    return site.guardBefore(access, exceeds(site, idx, bound->elements, true), name(),
                            "fail before the access when '" + site.text(idx) + "' is outside '" + site.text(base) + "'", why);
  }

  std::vector<FixCandidate> copy(const FixSite &site, const CallExpr *call, std::string &why) const {
    CalleeNamer names;
    std::string fn = names.name(call->getDirectCallee());
    struct Shape {
      int buffer, length, count;
    };
    static const std::map<std::string, Shape> shapes = {
        {"memcpy", {0, 2, -1}}, {"memmove", {0, 2, -1}}, {"memset", {0, 2, -1}},  {"read", {1, 2, -1}},
        {"recv", {1, 2, -1}},   {"fread", {0, 1, 2}},    {"fgets", {0, 1, -1}},   {"snprintf", {0, 1, -1}},
        {"vsnprintf", {0, 1, -1}}, {"strncpy", {0, 2, -1}}, {"strncat", {0, 2, -1}}, {"strcpy", {0, -1, -1}}, {"strcat", {0, -1, -1}},
        {"sprintf", {0, -1, -1}}, {"vsprintf", {0, -1, -1}}};
    auto shape = shapes.find(fn);
    if (shape == shapes.end() || static_cast<int>(call->getNumArgs()) <= std::max(shape->second.buffer, shape->second.length)) {
      why = "mamori has no bounded form of '" + fn + "'";
      return {};
    }
    // The buffer the finding is about: the one its message names, else the destination.
    int bufferArg = shape->second.buffer;
    const std::string &m = site.finding().message;
    for (const char *key : {"from '", "into '"}) {
      size_t q = m.find(key);
      if (q == std::string::npos) continue;
      std::string named = m.substr(q + std::string(key).size(), m.find('\'', q + std::string(key).size()) - q - std::string(key).size());
      for (unsigned i = 0; i < call->getNumArgs(); ++i)
        if (site.text(call->getArg(i)->IgnoreParenImpCasts()) == named) bufferArg = static_cast<int>(i);
    }
    const Expr *buffer = call->getArg(static_cast<unsigned>(bufferArg));
    std::optional<Bound> bound = boundOf(site, buffer);
    if (!bound || bound->bytes.empty()) {
      why = "the size of '" + site.text(buffer) + "' is not written in the code as an array or constant allocation";
      return {};
    }
    const Stmt *stmt = site.enclosingStatement(call);
    FixCandidate c;
    c.strategy = name();
    std::string b = site.text(buffer->IgnoreParenImpCasts());
    if (fn == "fgets" || fn == "snprintf" || fn == "vsnprintf") {
      c.description = "bound '" + fn + "' by the size of '" + b + "'";
      if (!site.replace(call->getArg(1)->getSourceRange(), bound->bytes, c.edits)) return macro(why);
      return {c};
    }
    if (fn == "strncpy" && bufferArg == 0) {
      if (!stmt || !site.inBlock(stmt) || stmt != call) {
        why = "the copy is not a statement of its own in a block";
        return {};
      }
      c.description = "copy at most the size of '" + b + "' less one, and terminate it";
      if (!site.replace(call->getArg(2)->getSourceRange(), bound->bytes + " - 1", c.edits) ||
          !site.insertAfter(stmt, b + "[" + bound->bytes + " - 1] = '\\0';", c.edits))
        return macro(why);
      return {c};
    }
    if (fn == "strncat" && bufferArg == 0) {
      // strncat's bound is what may be appended, not the buffer's size.
      c.description = "append at most the room left in '" + b + "'";
      if (!site.replace(call->getArg(2)->getSourceRange(), bound->bytes + " - strlen(" + b + ") - 1", c.edits)) return macro(why);
      return {c};
    }
    if ((fn == "strcpy" || fn == "strcat" || fn == "sprintf" || fn == "vsprintf") && bufferArg == 0) {
      std::string args;
      for (unsigned i = 1; i < call->getNumArgs(); ++i) args += ", " + site.text(call->getArg(i));
      std::string replacement;
      if (fn == "strcpy" && site.declares("snprintf")) {
        replacement = "snprintf(" + b + ", " + bound->bytes + ", \"%s\"" + args + ")";
        c.description = "copy with snprintf, bounded by the size of '" + b + "' and always terminated";
      } else if (fn == "strcat") {
        replacement = "strncat(" + b + args + ", " + bound->bytes + " - strlen(" + b + ") - 1)";
        c.description = "append with strncat, bounded by the room left in '" + b + "'";
      } else if (fn == "sprintf" || fn == "vsprintf") {
        replacement = std::string(fn == "sprintf" ? "snprintf(" : "vsnprintf(") + b + ", " + bound->bytes + args + ")";
        c.description = "format with " + std::string(fn == "sprintf" ? "snprintf" : "vsnprintf") + ", bounded by the size of '" + b + "'";
      } else {
        why = "snprintf is not declared (include <stdio.h>)";
        return {};
      }
      if (!site.replace(call->getSourceRange(), replacement, c.edits)) return macro(why);
      return {c};
    }
    // A length the buffer must hold: fail before the call when it does not.
    const Expr *length = call->getArg(static_cast<unsigned>(shape->second.length));
    std::string condition;
    if (shape->second.count >= 0) {
      const Expr *count = call->getArg(static_cast<unsigned>(shape->second.count));
      if (!FixSite::isSideEffectFree(count, site.context()) || !FixSite::isSideEffectFree(length, site.context())) {
        why = "the length has side effects";
        return {};
      }
      condition = exceeds(site, count, bound->bytes + " / " + site.operand(length), false);
    } else {
      if (!FixSite::isSideEffectFree(length, site.context())) {
        why = "the length has side effects";
        return {};
      }
      condition = exceeds(site, length, bound->bytes, false);
    }
    return site.guardBefore(call, condition, name(),
                            "fail before '" + fn + "' when the length exceeds the size of '" + b + "'", why);
  }

  static std::vector<FixCandidate> macro(std::string &why) {
    why = "the call is written inside a macro";
    return {};
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeBoundsCheck() { return std::make_unique<BoundsCheck>(); }

}  // namespace mamori
