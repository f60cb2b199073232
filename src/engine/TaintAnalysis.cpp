#include "engine/TaintAnalysis.h"

#include "core/Fingerprint.h"
#include "engine/Dataflow.h"
#include "engine/TaintDomain.h"
#include "frontend/AstUtil.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Analysis/CFG.h"
#include "clang/Index/USRGeneration.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>

namespace mamori {

using namespace clang;

namespace {

constexpr unsigned kAllKinds = (1u << kSinkKindCount) - 1;

// ---------------------------------------------------------------------------------------
// Function summaries
// ---------------------------------------------------------------------------------------

// A sink inside a function (or its callees) reached by data of one of its parameters.
struct SummarySink {
  const TaintSinkChecker *checker = nullptr;
  const Expr *call = nullptr;  // the sink call (or construction), wherever it is
  std::string calleeName;          // "system"
  std::string function;            // the function that contains the sink call
  Taint taint;                     // only parameter origins, traces end at the sink call
};

struct FunctionSummary {
  Taint returns;                          // source and parameter origins of the return value
  std::map<unsigned, Taint> paramEffects;  // written through pointer parameter N
  std::map<std::pair<const Expr *, const TaintSinkChecker *>, SummarySink> sinks;

  bool sameAs(const FunctionSummary &o) const {
    if (!returns.sameAs(o.returns) || paramEffects.size() != o.paramEffects.size() || sinks.size() != o.sinks.size())
      return false;
    for (auto a = paramEffects.begin(), b = o.paramEffects.begin(); a != paramEffects.end(); ++a, ++b)
      if (a->first != b->first || !a->second.sameAs(b->second)) return false;
    for (auto a = sinks.begin(), b = o.sinks.begin(); a != sinks.end(); ++a, ++b)
      if (a->first != b->first || !a->second.taint.sameAs(b->second.taint)) return false;
    return true;
  }
};

struct FoundSink {
  const TaintSinkChecker *checker;
  const Expr *call;
  std::string calleeName;
  std::string function;
  std::string what;  // description of the source
  TraceRef trace;    // ends at the sink
};

// ---------------------------------------------------------------------------------------
// State shared by all functions of the translation unit
// ---------------------------------------------------------------------------------------

struct TuContext {
  ASTContext &ctx;
  const TaintModels &models;
  const std::vector<const TaintSinkChecker *> &checkers;
  const TaintAnalysisOptions &opts;
  LocationMapper locations;
  CalleeNamer names;
  std::map<const FunctionDecl *, FunctionSummary> summaries;
  std::map<const VarDecl *, AbstractValue> globals;
  std::set<const VarDecl *> globalsRead;
  bool globalsGrewAfterRead = false;
  // Findings of the current pass, one per (sink call, rule); the earliest source wins.
  std::map<std::pair<const Expr *, const TaintSinkChecker *>, FoundSink> found;

  TuContext(ASTContext &c, const TaintModels &m, const std::vector<const TaintSinkChecker *> &ch,
            const TaintAnalysisOptions &o)
      : ctx(c), models(m), checkers(ch), opts(o), locations(c.getSourceManager()) {}

  const FunctionModel *modelFor(const FunctionDecl *fd) { return models.lookup(names.name(fd)); }
};

std::string describe(const Expr *e, TuContext &tu) {
  std::string t = tu.locations.text(e->getSourceRange(), tu.ctx.getLangOpts());
  if (t.size() > 60) t = t.substr(0, 57) + "...";
  return t;
}

bool isStringLike(QualType t) {
  t = t.getCanonicalType();
  if (t->isPointerType() || t->isArrayType()) return true;
  if (const auto *rd = t->getAsCXXRecordDecl()) return rd->getName().contains("string") || rd->getName().contains("basic_");
  return false;
}

// Function parameter initial trace: a root the call site replaces when splicing.
const char *kParamRootPrefix = "\x01param ";

// Appends the callee-side steps of `calleeTrace` (which starts at a parameter root) to
// `callerTrace`.
TraceRef splice(const TraceRef &callerTrace, const TraceRef &calleeTrace) {
  std::vector<TraceStep> steps = flattenTrace(calleeTrace);
  TraceRef out = callerTrace;
  for (auto &s : steps) {
    if (s.message.rfind(kParamRootPrefix, 0) == 0) continue;
    out = extendTrace(out, s);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The per-function analysis: transfer functions of the taint domain
// ---------------------------------------------------------------------------------------

class FunctionTaint {
public:
  using State = TaintState;

  FunctionTaint(TuContext &tu, const FunctionDecl *fd, FunctionSummary &summary)
      : tu_(tu), fd_(fd), summary_(summary), fnName_(fd->getNameAsString()) {}

  State entryState() {
    State s;
    const FunctionModel *model = tu_.modelFor(fd_);
    for (unsigned i = 0; i < fd_->getNumParams(); ++i) {
      const ParmVarDecl *p = fd_->getParamDecl(i);
      AbstractValue v;
      bool isSource = false;
      if (model)
        for (const ParameterSourceModel *ps : model->parameterSources)
          if (ps->param == i) {
            TraceStep step{TraceStep::Kind::Source, tu_.locations.map(p->getLocation()),
                           (ps->what.empty() ? std::string("untrusted data") : ps->what) + " '" +
                               p->getNameAsString() + "'"};
            v.taint.add(Origin{p, -1}, TaintFact{extendTrace(nullptr, step), 0, false});
            isSource = true;
          }
      if (!isSource) {
        TraceStep root{TraceStep::Kind::Call, tu_.locations.map(p->getLocation()),
                       std::string(kParamRootPrefix) + p->getNameAsString()};
        v.taint.add(Origin{nullptr, static_cast<int>(i)}, TaintFact{extendTrace(nullptr, root), 0, false});
      }
      if (p->getType()->isPointerType() || p->getType()->isReferenceType()) {
        Loc pointee{p, Loc::ParamPointee};
        v.pointsTo.push_back(pointee);
        s.locs[pointee];  // exists, empty: what the callee writes there is its effect
      }
      s.locs[Loc{p, Loc::Var}] = std::move(v);
    }
    return s;
  }

  bool join(State &into, const State &from) { return into.join(from); }
  bool isFeasible(const State &) const { return true; }

  void transferBlock(const CFGBlock &block, State &s) {
    callCache_.clear();
    for (const CFGElement &el : block) {
      if (auto cs = el.getAs<CFGStmt>()) evalStmt(cs->getStmt(), s);
    }
  }

  void transferEdge(const CFGBlock &from, unsigned succIndex, State &s) {
    if (succIndex > 1 || from.succ_size() != 2) return;
    const Stmt *term = from.getTerminatorStmt();
    if (!term || llvm::isa<SwitchStmt>(term)) return;
    const Expr *cond = llvm::dyn_cast_or_null<Expr>(from.getTerminatorCondition());
    if (!cond) return;
    refine(cond, succIndex == 0, s, 0);
  }

  // After the fixpoint: what the function leaves in its pointer parameters.
  void recordEffects(const State &exitState) {
    for (unsigned i = 0; i < fd_->getNumParams(); ++i) {
      auto it = exitState.locs.find(Loc{fd_->getParamDecl(i), Loc::ParamPointee});
      if (it == exitState.locs.end() || it->second.taint.empty()) continue;
      Taint effect;
      for (const auto &[o, f] : it->second.taint.facts())
        if (o.param != static_cast<int>(i)) effect.add(o, f);
      if (!effect.empty()) summary_.paramEffects[i].join(effect);
    }
  }

private:
  TuContext &tu_;
  const FunctionDecl *fd_;
  FunctionSummary &summary_;
  std::string fnName_;
  std::map<const Expr *, AbstractValue> callCache_;
  unsigned depth_ = 0;

  // ----- locations -----

  AbstractValue read(const Loc &loc, State &s) {
    auto it = s.locs.find(loc);
    if (it != s.locs.end()) return it->second;
    if (loc.kind == Loc::Var) {
      const auto *vd = static_cast<const VarDecl *>(loc.ptr);
      if (vd->hasGlobalStorage() && !vd->isStaticLocal()) {
        tu_.globalsRead.insert(vd);
        auto g = tu_.globals.find(vd);
        if (g != tu_.globals.end()) return g->second;
      }
    }
    return {};
  }

  AbstractValue &slot(const Loc &loc, State &s) {
    auto it = s.locs.find(loc);
    if (it != s.locs.end()) return it->second;
    return s.locs[loc] = read(loc, s);
  }

  void publishGlobal(const Loc &loc, const AbstractValue &v) {
    if (loc.kind != Loc::Var) return;
    const auto *vd = static_cast<const VarDecl *>(loc.ptr);
    if (!vd->hasGlobalStorage() || vd->isStaticLocal()) return;
    if (tu_.globals[vd].join(v) && tu_.globalsRead.count(vd)) tu_.globalsGrewAfterRead = true;
  }

  void strongUpdate(const Loc &loc, const AbstractValue &v, State &s) {
    s.locs[loc] = v;
    publishGlobal(loc, v);
  }

  void weakUpdate(const Loc &loc, const AbstractValue &v, State &s) {
    slot(loc, s).join(v);
    publishGlobal(loc, v);
  }

  Taint contentTaint(const AbstractValue &v, State &s) {
    Taint t = v.taint;
    for (const Loc &l : v.pointsTo) t.join(read(l, s).taint);
    return t;
  }

  AbstractValue deref(const AbstractValue &p, State &s) {
    AbstractValue out;
    out.taint = contentTaint(p, s);
    for (const Loc &l : p.pointsTo) {
      AbstractValue pointee = read(l, s);
      AbstractValue inner;
      inner.pointsTo = pointee.pointsTo;
      inner.functions = pointee.functions;
      out.join(inner);
    }
    return out;
  }

  Location loc(const Stmt *st) { return tu_.locations.map(st->getBeginLoc()); }

  // ----- statements -----

  void evalStmt(const Stmt *st, State &s) {
    if (const auto *ds = llvm::dyn_cast<DeclStmt>(st)) {
      for (const Decl *d : ds->decls())
        if (const auto *vd = llvm::dyn_cast<VarDecl>(d)) declare(vd, s);
      return;
    }
    if (const auto *rs = llvm::dyn_cast<ReturnStmt>(st)) {
      if (const Expr *rv = rs->getRetValue()) {
        AbstractValue v = eval(rv, s);
        Taint t = contentTaint(v, s);
        summary_.returns.join(t);
      }
      return;
    }
    if (const auto *e = llvm::dyn_cast<Expr>(st)) {
      eval(e, s);
      return;
    }
  }

  void declare(const VarDecl *vd, State &s) {
    Loc l{vd, Loc::Var};
    if (!vd->hasInit()) {
      if (!vd->hasGlobalStorage()) s.locs.erase(l);
      return;
    }
    AbstractValue v = eval(vd->getInit(), s);
    if (vd->getType()->isReferenceType()) {
      // A reference is an alias: reading it reads the referent.
      const VarDecl *root = rootVariable(vd->getInit());
      if (root) v.pointsTo.push_back(Loc{root, Loc::Var});
      std::sort(v.pointsTo.begin(), v.pointsTo.end());
      v.pointsTo.erase(std::unique(v.pointsTo.begin(), v.pointsTo.end()), v.pointsTo.end());
    }
    if (vd->getType()->isArrayType()) {
      // `char buf[] = "..."` copies; the array's own location is its content.
      AbstractValue content;
      content.taint = contentTaint(v, s);
      content.pointsTo = v.pointsTo;
      content.functions = v.functions;
      v = content;
      v.pointsTo.erase(std::remove(v.pointsTo.begin(), v.pointsTo.end(), l), v.pointsTo.end());
    }
    if (!v.taint.empty() && !vd->getName().empty())
      v.taint = v.taint.withStep({TraceStep::Kind::Propagation, loc(vd->getInit()),
                                  "tainted data flows into '" + vd->getNameAsString() + "'"});
    strongUpdate(l, v, s);
  }

  // ----- branch conditions -----

  static bool isZero(const Expr *e, ASTContext &ctx) {
    e = e->IgnoreParenImpCasts();
    if (llvm::isa<GNUNullExpr>(e) || llvm::isa<CXXNullPtrLiteralExpr>(e)) return true;
    Expr::EvalResult r;
    if (!e->isValueDependent() && e->EvaluateAsInt(r, ctx)) return r.Val.getInt() == 0;
    return false;
  }

  void refine(const Expr *cond, bool truth, State &s, unsigned depth) {
    if (depth > 16) return;
    cond = cond->IgnoreParenImpCasts();
    if (const auto *u = llvm::dyn_cast<UnaryOperator>(cond)) {
      if (u->getOpcode() == UO_LNot) refine(u->getSubExpr(), !truth, s, depth + 1);
      return;
    }
    if (const auto *b = llvm::dyn_cast<BinaryOperator>(cond)) {
      switch (b->getOpcode()) {
      case BO_EQ:
      case BO_NE: {
        bool eq = b->getOpcode() == BO_EQ;
        if (isZero(b->getRHS(), tu_.ctx)) refine(b->getLHS(), eq ? !truth : truth, s, depth + 1);
        else if (isZero(b->getLHS(), tu_.ctx)) refine(b->getRHS(), eq ? !truth : truth, s, depth + 1);
        return;
      }
      case BO_LAnd:
        // We are in the block that evaluated the right operand: the left one held.
        if (truth) refine(b->getLHS(), true, s, depth + 1);
        refine(b->getRHS(), truth, s, depth + 1);
        return;
      case BO_LOr:
        if (!truth) refine(b->getLHS(), false, s, depth + 1);
        refine(b->getRHS(), truth, s, depth + 1);
        return;
      default:
        return;
      }
    }
    const auto *call = llvm::dyn_cast<CallExpr>(cond);
    if (!call) return;
    const FunctionDecl *callee = call->getDirectCallee();
    if (!callee) return;
    const FunctionModel *model = tu_.modelFor(callee);
    if (!model) return;
    for (const ValidatorModel *v : model->validators) {
      if (v->safeWhenZero == truth) continue;  // this branch proves nothing
      if (v->arg >= call->getNumArgs()) continue;
      const Expr *subject = call->getArg(v->arg);
      unsigned mask = v->kindsMask;
      if (v->equalsLiteral) {
        // strcmp(x, "lit") == 0 in either order: x is now that constant.
        const Expr *other = call->getNumArgs() > 1 ? call->getArg(v->arg == 0 ? 1 : 0) : nullptr;
        const Expr *lit = other ? other->IgnoreParenImpCasts() : nullptr;
        if (lit && llvm::isa<StringLiteral>(lit)) {
          sanitizeExpr(subject, kAllKinds, false, s);
        } else if (llvm::isa<StringLiteral>(subject->IgnoreParenImpCasts()) && other) {
          sanitizeExpr(other, kAllKinds, false, s);
        }
        continue;
      }
      if (!v->needleContains.empty()) {
        const Expr *needle = call->getNumArgs() > 1 ? call->getArg(1)->IgnoreParenImpCasts() : nullptr;
        const auto *lit = llvm::dyn_cast_or_null<StringLiteral>(needle);
        bool matches = false;
        if (lit && lit->getCharByteWidth() == 1)
          for (const std::string &n : v->needleContains) matches |= lit->getString().contains(n);
        if (const auto *ch = llvm::dyn_cast_or_null<CharacterLiteral>(needle))
          for (const std::string &n : v->needleContains) matches |= n.size() == 1 && ch->getValue() == (unsigned char)n[0];
        if (!matches) continue;
      }
      sanitizeExpr(subject, mask, v->requiresCanonical, s);
    }
  }

  void sanitizeLoc(const Loc &l, unsigned mask, bool onlyCanonical, State &s) {
    AbstractValue &v = slot(l, s);
    Taint t;
    for (auto [o, f] : v.taint.facts()) {
      if (!onlyCanonical || f.canonical) f.sanitized |= mask;
      t.add(o, f);
    }
    v.taint = t;
  }

  void sanitizeExpr(const Expr *e, unsigned mask, bool onlyCanonical, State &s) {
    const VarDecl *root = rootVariable(e);
    if (!root) return;
    Loc l{root, Loc::Var};
    AbstractValue v = read(l, s);
    sanitizeLoc(l, mask, onlyCanonical, s);
    for (const Loc &p : v.pointsTo) sanitizeLoc(p, mask, onlyCanonical, s);
  }

  // ----- expressions -----

  AbstractValue eval(const Expr *e, State &s) {
    if (!e || depth_ > tu_.opts.maxExprDepth) return {};
    ++depth_;
    AbstractValue v = evalInner(e, s);
    --depth_;
    return v;
  }

  AbstractValue evalInner(const Expr *e, State &s) {
    e = e->IgnoreParens();
    switch (e->getStmtClass()) {
    case Stmt::DeclRefExprClass: {
      const auto *dre = llvm::cast<DeclRefExpr>(e);
      if (const auto *vd = llvm::dyn_cast<VarDecl>(dre->getDecl())) {
        Loc l{vd, Loc::Var};
        AbstractValue v = read(l, s);
        if (vd->getType()->isArrayType() || vd->getType()->isRecordType()) {
          auto it = std::lower_bound(v.pointsTo.begin(), v.pointsTo.end(), l);
          if (it == v.pointsTo.end() || !(*it == l)) v.pointsTo.insert(it, l);
        }
        if (vd->getType()->isReferenceType()) return deref(v, s);
        return v;
      }
      if (const auto *fn = llvm::dyn_cast<FunctionDecl>(dre->getDecl())) {
        AbstractValue v;
        v.functions.push_back(fn->getCanonicalDecl());
        return v;
      }
      return {};
    }
    case Stmt::UnaryOperatorClass: {
      const auto *u = llvm::cast<UnaryOperator>(e);
      switch (u->getOpcode()) {
      case UO_Deref:
        return deref(eval(u->getSubExpr(), s), s);
      case UO_AddrOf: {
        const Expr *sub = u->getSubExpr()->IgnoreParens();
        if (const auto *dre = llvm::dyn_cast<DeclRefExpr>(sub)) {
          if (const auto *vd = llvm::dyn_cast<VarDecl>(dre->getDecl())) {
            AbstractValue v;
            Loc l{vd, Loc::Var};
            v.taint = read(l, s).taint;
            v.pointsTo.push_back(l);
            return v;
          }
          return eval(sub, s);  // &function
        }
        if (const auto *d = llvm::dyn_cast<UnaryOperator>(sub); d && d->getOpcode() == UO_Deref)
          return eval(d->getSubExpr(), s);
        if (const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(sub)) {
          eval(a->getIdx(), s);
          return eval(a->getBase(), s);
        }
        AbstractValue v = eval(sub, s);
        for (const Loc &l : lvalueLocs(sub, s)) {
          auto it = std::lower_bound(v.pointsTo.begin(), v.pointsTo.end(), l);
          if (it == v.pointsTo.end() || !(*it == l)) v.pointsTo.insert(it, l);
        }
        return v;
      }
      case UO_LNot: {
        eval(u->getSubExpr(), s);
        return {};
      }
      default: {
        AbstractValue v = eval(u->getSubExpr(), s);
        if (u->isIncrementDecrementOp()) return v;
        AbstractValue out;
        out.taint = v.taint;
        return out;
      }
      }
    }
    case Stmt::BinaryOperatorClass:
    case Stmt::CompoundAssignOperatorClass: {
      const auto *b = llvm::cast<BinaryOperator>(e);
      if (b->getOpcode() == BO_Assign) {
        AbstractValue v = eval(b->getRHS(), s);
        assign(b->getLHS(), v, s, loc(b));
        return v;
      }
      if (b->isCompoundAssignmentOp()) {
        AbstractValue r = eval(b->getRHS(), s);
        AbstractValue cur = eval(b->getLHS(), s);
        if (b->getLHS()->getType()->isPointerType()) return cur;
        cur.taint.join(r.taint);
        assign(b->getLHS(), cur, s, loc(b));
        return cur;
      }
      if (b->getOpcode() == BO_Comma) {
        eval(b->getLHS(), s);
        return eval(b->getRHS(), s);
      }
      AbstractValue l = eval(b->getLHS(), s);
      AbstractValue r = eval(b->getRHS(), s);
      if (b->isComparisonOp() || b->isLogicalOp()) return {};
      if (e->getType()->isPointerType()) return b->getLHS()->getType()->isPointerType() ? l : r;
      AbstractValue out;
      out.taint = l.taint;
      out.taint.join(r.taint);
      return out;
    }
    case Stmt::ArraySubscriptExprClass: {
      const auto *a = llvm::cast<ArraySubscriptExpr>(e);
      AbstractValue base = eval(a->getBase(), s);
      eval(a->getIdx(), s);
      AbstractValue v = deref(base, s);
      if (e->getType()->isArrayType()) v.pointsTo = base.pointsTo;  // row of a 2-D array
      return v;
    }
    case Stmt::MemberExprClass: {
      const auto *m = llvm::cast<MemberExpr>(e);
      AbstractValue base = eval(m->getBase(), s);
      AbstractValue v;
      if (m->isArrow()) {
        v = deref(base, s);
        if (e->getType()->isArrayType() || e->getType()->isRecordType()) v.pointsTo = base.pointsTo;
      } else {
        v = base;
        if (!(e->getType()->isArrayType() || e->getType()->isRecordType())) {
          // A scalar field: its pointer targets are those the struct holds.
          v.pointsTo.clear();
          for (const Loc &l : base.pointsTo) {
            AbstractValue held = read(l, s);
            v.taint.join(held.taint);
            AbstractValue inner;
            inner.pointsTo = held.pointsTo;
            inner.functions = held.functions;
            v.join(inner);
          }
        }
      }
      if (llvm::isa<FunctionDecl>(m->getMemberDecl())) return {};
      return v;
    }
    case Stmt::ConditionalOperatorClass:
    case Stmt::BinaryConditionalOperatorClass: {
      const auto *c = llvm::cast<AbstractConditionalOperator>(e);
      AbstractValue v = eval(c->getTrueExpr(), s);
      v.join(eval(c->getFalseExpr(), s));
      return v;
    }
    case Stmt::InitListExprClass: {
      const auto *il = llvm::cast<InitListExpr>(e);
      AbstractValue v;
      for (const Expr *init : il->inits()) {
        AbstractValue iv = eval(init, s);
        if (init->getType()->isPointerType() || init->getType()->isArrayType()) iv.taint = contentTaint(iv, s);
        v.join(iv);
      }
      return v;
    }
    case Stmt::CompoundLiteralExprClass:
      return eval(llvm::cast<CompoundLiteralExpr>(e)->getInitializer(), s);
    case Stmt::CallExprClass:
    case Stmt::CXXMemberCallExprClass:
    case Stmt::CXXOperatorCallExprClass:
      return evalCall(llvm::cast<CallExpr>(e), s);
    case Stmt::CXXConstructExprClass:
    case Stmt::CXXTemporaryObjectExprClass:
      return evalConstruct(llvm::cast<CXXConstructExpr>(e), s);
    case Stmt::CXXDefaultArgExprClass:
      return eval(llvm::cast<CXXDefaultArgExpr>(e)->getExpr(), s);
    case Stmt::CXXDefaultInitExprClass:
      return eval(llvm::cast<CXXDefaultInitExpr>(e)->getExpr(), s);
    case Stmt::OpaqueValueExprClass:
      return eval(llvm::cast<OpaqueValueExpr>(e)->getSourceExpr(), s);
    case Stmt::StringLiteralClass:
    case Stmt::IntegerLiteralClass:
    case Stmt::CharacterLiteralClass:
    case Stmt::FloatingLiteralClass:
    case Stmt::UnaryExprOrTypeTraitExprClass:
    case Stmt::StmtExprClass:
    case Stmt::LambdaExprClass:
    case Stmt::VAArgExprClass:
    case Stmt::CXXThisExprClass:
    case Stmt::GNUNullExprClass:
    case Stmt::CXXNullPtrLiteralExprClass:
    case Stmt::CXXBoolLiteralExprClass:
      return {};
    default:
      break;
    }
    if (const auto *c = llvm::dyn_cast<CastExpr>(e)) return eval(c->getSubExpr(), s);
    if (const auto *fe = llvm::dyn_cast<FullExpr>(e)) return eval(fe->getSubExpr(), s);
    if (const auto *m = llvm::dyn_cast<MaterializeTemporaryExpr>(e)) return eval(m->getSubExpr(), s);
    if (const auto *b = llvm::dyn_cast<CXXBindTemporaryExpr>(e)) return eval(b->getSubExpr(), s);
    // Unknown expression: evaluate children for their side effects.
    for (const Stmt *child : e->children())
      if (const auto *ce = llvm::dyn_cast_or_null<Expr>(child)) eval(ce, s);
    return {};
  }

  // Locations an lvalue expression designates (over-approximated).
  std::vector<Loc> lvalueLocs(const Expr *e, State &s) {
    e = stripParensAndCasts(e);
    std::vector<Loc> out;
    if (const auto *dre = llvm::dyn_cast<DeclRefExpr>(e)) {
      if (const auto *vd = llvm::dyn_cast<VarDecl>(dre->getDecl())) {
        if (vd->getType()->isReferenceType()) return read(Loc{vd, Loc::Var}, s).pointsTo;
        out.push_back(Loc{vd, Loc::Var});
      }
      return out;
    }
    if (const auto *m = llvm::dyn_cast<MemberExpr>(e)) {
      if (m->isArrow()) return pointerTargets(m->getBase(), s);
      return lvalueLocs(m->getBase(), s);
    }
    if (const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(e)) return pointerTargets(a->getBase(), s);
    if (const auto *u = llvm::dyn_cast<UnaryOperator>(e); u && u->getOpcode() == UO_Deref)
      return pointerTargets(u->getSubExpr(), s);
    return out;
  }

  // What a pointer expression may point to, plus its root variable (whose content we
  // also taint when the target is unknown, e.g. a parameter or a returned buffer).
  std::vector<Loc> pointerTargets(const Expr *p, State &s) {
    std::vector<Loc> out = evalNoEffects(p, s).pointsTo;
    if (const VarDecl *root = rootVariable(p)) {
      Loc l{root, Loc::Var};
      if (std::find(out.begin(), out.end(), l) == out.end()) out.push_back(l);
    }
    return out;
  }

  // Re-evaluating an argument must not repeat a call's effects: calls are cached.
  AbstractValue evalNoEffects(const Expr *e, State &s) { return eval(e, s); }

  void assign(const Expr *lhs, const AbstractValue &v, State &s, const Location &where) {
    const Expr *l = stripParensAndCasts(lhs);
    AbstractValue value = v;
    if (const auto *dre = llvm::dyn_cast<DeclRefExpr>(l)) {
      if (const auto *vd = llvm::dyn_cast<VarDecl>(dre->getDecl())) {
        if (!value.taint.empty() && !isSameRoot(vd, value))
          value.taint = value.taint.withStep(
              {TraceStep::Kind::Propagation, where, "tainted data flows into '" + vd->getNameAsString() + "'"});
        if (vd->getType()->isReferenceType()) {
          for (const Loc &t : read(Loc{vd, Loc::Var}, s).pointsTo) weakUpdate(t, value, s);
          return;
        }
        strongUpdate(Loc{vd, Loc::Var}, value, s);
      }
      return;
    }
    std::vector<Loc> targets = lvalueLocs(l, s);
    if (!value.taint.empty()) {
      std::string what = describe(l, tu_);
      value.taint = value.taint.withStep({TraceStep::Kind::Propagation, where, "tainted data stored into '" + what + "'"});
    }
    if (const auto *m = llvm::dyn_cast<MemberExpr>(l); m && m->isArrow()) {
      // Also the pointer's own variable, so reads through the same pointer see the data.
      if (const VarDecl *root = rootVariable(m->getBase())) targets.push_back(Loc{root, Loc::Var});
    } else if (!llvm::isa<MemberExpr>(l)) {
      if (const VarDecl *root = rootVariable(l)) targets.push_back(Loc{root, Loc::Var});
    }
    std::sort(targets.begin(), targets.end());
    targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
    for (const Loc &t : targets) weakUpdate(t, value, s);
  }

  static bool isSameRoot(const VarDecl *vd, const AbstractValue &v) {
    for (const auto &[o, f] : v.taint.facts())
      if (f.trace && f.trace->step.message.find("'" + vd->getNameAsString() + "'") != std::string::npos) return true;
    return false;
  }

  // Writes `t` into the memory `arg` points to (a source or a copy into a buffer).
  void writeThrough(const Expr *arg, const Taint &t, State &s, const std::vector<Loc> *extraPointsTo = nullptr) {
    if (t.empty()) return;
    AbstractValue v;
    v.taint = t;
    if (extraPointsTo) v.pointsTo = *extraPointsTo;
    for (const Loc &l : pointerTargets(arg, s)) weakUpdate(l, v, s);
  }

  // ----- calls -----

  struct CallSite {
    const CallExpr *call = nullptr;
    const Expr *thisExpr = nullptr;
    std::vector<const Expr *> args;
    AbstractValue thisVal;
    std::vector<AbstractValue> argVals;
  };

  AbstractValue evalConstruct(const CXXConstructExpr *ce, State &s) {
    const CXXConstructorDecl *ctor = ce->getConstructor();
    std::vector<AbstractValue> args;
    for (const Expr *a : ce->arguments()) args.push_back(eval(a, s));
    AbstractValue out;
    if (ctor && (ctor->isCopyOrMoveConstructor()) && !args.empty()) return args[0];
    const FunctionModel *model = ctor ? tu_.modelFor(ctor) : nullptr;
    if (model && model->sink) checkSink(ce, *model->sink, tu_.names.name(ctor), args, {ce->arguments().begin(), ce->arguments().end()}, s);
    // An object built from tainted strings holds tainted data.
    for (unsigned i = 0; i < args.size(); ++i)
      if (isStringLike(ce->getArg(i)->getType())) out.taint.join(contentTaint(args[i], s));
    return out;
  }

  AbstractValue evalCall(const CallExpr *call, State &s) {
    auto cached = callCache_.find(call);
    if (cached != callCache_.end()) return cached->second;

    CallSite cs;
    cs.call = call;
    const FunctionDecl *callee = call->getDirectCallee();
    unsigned first = 0;
    if (const auto *mc = llvm::dyn_cast<CXXMemberCallExpr>(call)) {
      cs.thisExpr = mc->getImplicitObjectArgument();
    } else if (const auto *oc = llvm::dyn_cast<CXXOperatorCallExpr>(call);
               oc && callee && llvm::isa<CXXMethodDecl>(callee) && call->getNumArgs() > 0) {
      cs.thisExpr = call->getArg(0);
      first = 1;
    }
    if (cs.thisExpr) cs.thisVal = eval(cs.thisExpr, s);
    for (unsigned i = first; i < call->getNumArgs(); ++i) {
      cs.args.push_back(call->getArg(i));
      cs.argVals.push_back(eval(call->getArg(i), s));
    }

    AbstractValue result;
    if (callee) {
      result = applyCallee(callee, cs, s);
    } else {
      // Indirect call: whatever functions the pointer may hold.
      AbstractValue target = eval(call->getCallee(), s);
      for (const void *f : target.functions) result.join(applyCallee(static_cast<const FunctionDecl *>(f), cs, s));
    }
    callCache_[call] = result;
    return result;
  }

  AbstractValue applyCallee(const FunctionDecl *callee, CallSite &cs, State &s) {
    AbstractValue result;
    const std::string &name = tu_.names.name(callee);
    const FunctionModel *model = tu_.models.lookup(name);
    const FunctionDecl *def = callee->getDefinition();
    auto summaryIt = def ? tu_.summaries.find(def->getCanonicalDecl()) : tu_.summaries.end();
    bool modelled = model && (model->source || model->propagator || model->sink);
    if (!modelled && summaryIt != tu_.summaries.end()) return applySummary(callee, summaryIt->second, cs, s);
    if (!model) return result;

    if (model->sink) checkSink(cs.call, *model->sink, name, cs.argVals, cs.args, s);
    if (const PropagatorModel *p = model->propagator) {
      Taint t;
      std::vector<Loc> fromPointsTo;
      for (const ArgPos &pos : p->from) {
        if (pos.kind == ArgPos::Kind::This) {
          t.join(contentTaint(cs.thisVal, s));
          continue;
        }
        for (unsigned i = 0; i < cs.args.size(); ++i) {
          if (!pos.matches(i)) continue;
          if (p->stringsOnly && !isStringLike(cs.args[i]->getType())) continue;
          t.join(contentTaint(cs.argVals[i], s));
          if (cs.args[i]->getType()->isPointerType()) fromPointsTo.insert(fromPointsTo.end(), cs.argVals[i].pointsTo.begin(), cs.argVals[i].pointsTo.end());
        }
      }
      if (p->canonicalizes) t.setCanonical();
      if (p->sanitizesMask) t.sanitize(p->sanitizesMask);
      if (!t.empty()) t = t.withStep({TraceStep::Kind::Propagation, loc(cs.call), "propagated by '" + name + "'"});
      for (const ArgPos &pos : p->to) {
        if (pos.kind == ArgPos::Kind::Return) {
          result.taint.join(t);
          if (!p->sanitizesMask && !p->canonicalizes) {
            std::sort(fromPointsTo.begin(), fromPointsTo.end());
            fromPointsTo.erase(std::unique(fromPointsTo.begin(), fromPointsTo.end()), fromPointsTo.end());
            AbstractValue pts;
            pts.pointsTo = fromPointsTo;
            result.join(pts);
          }
        } else if (pos.kind == ArgPos::Kind::This) {
          if (cs.thisExpr) writeThrough(cs.thisExpr, t, s);
        } else {
          for (unsigned i = 0; i < cs.args.size(); ++i)
            if (pos.matches(i)) writeThrough(cs.args[i], t, s);
        }
      }
    }
    if (const SourceModel *src = model->source) {
      TraceStep step{TraceStep::Kind::Source, loc(cs.call), src->what + " from '" + name + "'"};
      Taint t;
      t.add(Origin{cs.call, -1}, TaintFact{extendTrace(nullptr, step), 0, false});
      for (const ArgPos &pos : src->taints) {
        if (pos.kind == ArgPos::Kind::Return) {
          result.taint.join(t);
        } else if (pos.kind == ArgPos::Kind::This) {
          if (cs.thisExpr) writeThrough(cs.thisExpr, t, s);
        } else {
          for (unsigned i = 0; i < cs.args.size(); ++i)
            if (pos.matches(i)) writeThrough(cs.args[i], t, s);
        }
      }
    }
    return result;
  }

  void checkSink(const Expr *call, const SinkModel &sink, const std::string &name,
                 const std::vector<AbstractValue> &argVals, const std::vector<const Expr *> &args, State &s) {
    const auto *ce = llvm::dyn_cast<CallExpr>(call);
    for (const TaintSinkChecker *checker : tu_.checkers) {
      if (checker->kind() != sink.kind) continue;
      std::vector<unsigned> dangerous;
      if (ce) {
        dangerous = checker->dangerousArguments(*ce, sink, tu_.ctx);
      } else {
        for (const ArgPos &p : sink.args)
          for (unsigned i = 0; i < args.size(); ++i)
            if (p.matches(i)) dangerous.push_back(i);
      }
      for (unsigned idx : dangerous) {
        // CallExpr indices count the object of a member operator call; ours do not.
        unsigned i = idx;
        if (ce && args.size() < ce->getNumArgs()) {
          if (i == 0) continue;
          i -= 1;
        }
        if (i >= argVals.size()) continue;
        Taint t = contentTaint(argVals[i], s).unsafeFor(sinkKindBit(sink.kind));
        for (const auto &[o, f] : t.facts()) {
          TraceRef trace = f.trace;
          if (o.isParam()) {
            SummarySink &ss = summary_.sinks[{call, checker}];
            ss.checker = checker;
            ss.call = call;
            ss.calleeName = name;
            ss.function = fnName_;
            ss.taint.add(o, f);
          } else {
            report(checker, call, name, fnName_, f.trace);
          }
        }
      }
    }
  }

  void report(const TaintSinkChecker *checker, const Expr *call, const std::string &calleeName,
              const std::string &function, const TraceRef &trace) {
    if (!call) return;
    auto key = std::make_pair(call, checker);
    auto it = tu_.found.find(key);
    std::string what;
    if (trace) {
      const TraceNode *n = trace.get();
      while (n->prev) n = n->prev.get();
      what = n->step.message;
    }
    FoundSink f{checker, call, calleeName, function, what, trace};
    if (it == tu_.found.end()) {
      tu_.found.emplace(key, std::move(f));
      return;
    }
    // Deterministic choice among several sources: the earliest source location.
    auto firstLoc = [](const TraceRef &t) {
      const TraceNode *n = t.get();
      while (n && n->prev) n = n->prev.get();
      return n ? n->step.location : Location{};
    };
    if (firstLoc(trace) < firstLoc(it->second.trace)) it->second = std::move(f);
  }

  // Substitutes parameter origins of a callee's taint with the caller's argument taint.
  Taint substitute(const Taint &calleeTaint, CallSite &cs, const std::string &calleeName, State &s,
                   TraceStep::Kind kindForSources) {
    Taint out;
    Location callLoc = loc(cs.call);
    for (const auto &[o, f] : calleeTaint.facts()) {
      if (!o.isParam()) {
        TaintFact nf = f;
        nf.trace = extendTrace(f.trace, {kindForSources, callLoc, "returned from '" + calleeName + "'"});
        out.add(o, nf);
        continue;
      }
      if (static_cast<unsigned>(o.param) >= cs.argVals.size()) continue;
      Taint argT = contentTaint(cs.argVals[o.param], s);
      for (const auto &[ao, af] : argT.facts()) {
        TaintFact nf;
        TraceRef callStep = extendTrace(af.trace, {TraceStep::Kind::Call, tu_.locations.map(cs.args[o.param]->getBeginLoc()),
                                                   "passed to '" + calleeName + "' as argument " + std::to_string(o.param + 1)});
        nf.trace = splice(callStep, f.trace);
        nf.sanitized = af.sanitized | f.sanitized;
        nf.canonical = af.canonical || f.canonical;
        out.add(ao, nf);
      }
    }
    return out;
  }

  AbstractValue applySummary(const FunctionDecl *callee, const FunctionSummary &sum, CallSite &cs, State &s) {
    std::string calleeName = callee->getNameAsString();
    AbstractValue result;
    result.taint = substitute(sum.returns, cs, calleeName, s, TraceStep::Kind::Return);
    for (const auto &[idx, effect] : sum.paramEffects) {
      if (idx >= cs.args.size()) continue;
      Taint t = substitute(effect, cs, calleeName, s, TraceStep::Kind::Return);
      writeThrough(cs.args[idx], t, s);
    }
    for (const auto &[key, ss] : sum.sinks) {
      Taint reaching = substitute(ss.taint, cs, calleeName, s, TraceStep::Kind::Call)
                           .unsafeFor(sinkKindBit(ss.checker->kind()));
      for (const auto &[o, f] : reaching.facts()) {
        if (o.isParam()) {
          SummarySink &mine = summary_.sinks[key];
          mine.checker = ss.checker;
          mine.call = ss.call;
          mine.calleeName = ss.calleeName;
          mine.function = ss.function;
          mine.taint.add(o, f);
        } else {
          report(ss.checker, ss.call, ss.calleeName, ss.function, f.trace);
        }
      }
    }
    return result;
  }
};

// ---------------------------------------------------------------------------------------
// TU driver: which functions, in which order, how many passes
// ---------------------------------------------------------------------------------------

class FunctionCollector : public RecursiveASTVisitor<FunctionCollector> {
public:
  FunctionCollector(TuContext &tu) : tu_(tu) {}
  std::vector<const FunctionDecl *> functions;

  bool VisitFunctionDecl(FunctionDecl *fd) {
    if (!fd->doesThisDeclarationHaveABody() || fd->isDependentContext() || fd->isInvalidDecl()) return true;
    if (tu_.locations.isInSystemHeader(fd->getLocation())) return true;
    functions.push_back(fd);
    return true;
  }

private:
  TuContext &tu_;
};

class ReferenceCollector : public RecursiveASTVisitor<ReferenceCollector> {
public:
  std::vector<const FunctionDecl *> refs;
  bool VisitDeclRefExpr(DeclRefExpr *e) {
    if (const auto *fd = llvm::dyn_cast<FunctionDecl>(e->getDecl())) refs.push_back(fd);
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *e) {
    if (e->getConstructor()) refs.push_back(e->getConstructor());
    return true;
  }
  bool VisitMemberExpr(MemberExpr *e) {
    if (const auto *fd = llvm::dyn_cast<FunctionDecl>(e->getMemberDecl())) refs.push_back(fd);
    return true;
  }
};

// Strongly connected components of the reference graph, callees before callers
// (iterative Tarjan: generated code can have very long call chains).
std::vector<std::vector<unsigned>> sccsBottomUp(const std::vector<std::vector<unsigned>> &edges) {
  const unsigned n = edges.size();
  std::vector<int> index(n, -1), low(n, 0);
  std::vector<char> onStack(n, 0);
  std::vector<unsigned> stack;
  std::vector<std::vector<unsigned>> out;
  int counter = 0;
  for (unsigned root = 0; root < n; ++root) {
    if (index[root] >= 0) continue;
    std::vector<std::pair<unsigned, unsigned>> work{{root, 0}};
    index[root] = low[root] = counter++;
    stack.push_back(root);
    onStack[root] = 1;
    while (!work.empty()) {
      auto &[v, i] = work.back();
      if (i < edges[v].size()) {
        unsigned w = edges[v][i++];
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          onStack[w] = 1;
          work.push_back({w, 0});
        } else if (onStack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        std::vector<unsigned> comp;
        unsigned w;
        do {
          w = stack.back();
          stack.pop_back();
          onStack[w] = 0;
          comp.push_back(w);
        } while (w != v);
        out.push_back(std::move(comp));
      }
      unsigned done = v;
      work.pop_back();
      if (!work.empty()) low[work.back().first] = std::min(low[work.back().first], low[done]);
    }
  }
  return out;
}

std::unique_ptr<CFG> buildCfg(const FunctionDecl *fd, ASTContext &ctx) {
  CFG::BuildOptions o;
  o.PruneTriviallyFalseEdges = true;
  o.AddInitializers = true;
  o.AddCXXDefaultInitExprInCtors = true;
  return CFG::buildCFG(fd, fd->getBody(), &ctx, o);
}

void analyzeFunction(TuContext &tu, const FunctionDecl *fd, FunctionSummary &summary) {
  std::unique_ptr<CFG> cfg = buildCfg(fd, tu.ctx);
  if (!cfg) return;
  FunctionTaint analysis(tu, fd, summary);
  ForwardDataflow<FunctionTaint> solver(analysis, tu.opts.maxBlockVisits);
  auto in = solver.run(*cfg);
  const auto &exitState = in[cfg->getExit().getBlockID()];
  if (exitState) analysis.recordEffects(*exitState);
}

std::string summaryToJson(const FunctionSummary &s, const std::string &name) {
  auto taintJson = [](const Taint &t) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto &[o, f] : t.facts()) {
      nlohmann::json j;
      if (o.isParam()) j["param"] = o.param;
      else j["source"] = f.trace ? flattenTrace(f.trace).front().message : "";
      j["sanitized"] = f.sanitized;
      a.push_back(j);
    }
    return a;
  };
  nlohmann::json j;
  j["name"] = name;
  j["returns"] = taintJson(s.returns);
  for (const auto &[i, t] : s.paramEffects) j["param_effects"][std::to_string(i)] = taintJson(t);
  nlohmann::json sinks = nlohmann::json::array();
  for (const auto &[k, ss] : s.sinks) {
    nlohmann::json sj;
    sj["rule"] = ss.checker->rule().id;
    sj["callee"] = ss.calleeName;
    sj["taint"] = taintJson(ss.taint);
    sinks.push_back(sj);
  }
  j["sinks"] = sinks;
  return j.dump();
}

}  // namespace

TaintAnalysisResult analyzeTaint(ASTContext &ctx, const TaintModels &models,
                                 const std::vector<const TaintSinkChecker *> &checkers,
                                 const TaintAnalysisOptions &opts, bool wantSummaries) {
  TuContext tu(ctx, models, checkers, opts);
  FunctionCollector collector(tu);
  collector.TraverseDecl(ctx.getTranslationUnitDecl());
  const auto &fns = collector.functions;

  std::map<const FunctionDecl *, unsigned> indexOf;
  for (unsigned i = 0; i < fns.size(); ++i) indexOf[fns[i]->getCanonicalDecl()] = i;
  std::vector<std::vector<unsigned>> edges(fns.size());
  for (unsigned i = 0; i < fns.size(); ++i) {
    ReferenceCollector rc;
    rc.TraverseStmt(const_cast<Stmt *>(fns[i]->getBody()));
    for (const FunctionDecl *r : rc.refs) {
      auto it = indexOf.find(r->getCanonicalDecl());
      if (it != indexOf.end()) edges[i].push_back(it->second);
    }
  }
  std::vector<std::vector<unsigned>> sccs = sccsBottomUp(edges);

  TaintAnalysisResult result;
  for (unsigned pass = 0; pass < opts.maxPasses; ++pass) {
    tu.found.clear();
    tu.globalsRead.clear();
    tu.globalsGrewAfterRead = false;
    for (const auto &scc : sccs) {
      bool recursive = scc.size() > 1 ||
                       std::find(edges[scc[0]].begin(), edges[scc[0]].end(), scc[0]) != edges[scc[0]].end();
      unsigned rounds = recursive ? opts.maxSccIterations : 1;
      for (unsigned round = 0; round < rounds; ++round) {
        bool changed = false;
        for (unsigned idx : scc) {
          const FunctionDecl *fd = fns[idx];
          FunctionSummary fresh;
          analyzeFunction(tu, fd, fresh);
          ++result.functionsAnalyzed;
          FunctionSummary &old = tu.summaries[fd->getCanonicalDecl()];
          if (!old.sameAs(fresh)) changed = true;
          old = std::move(fresh);
        }
        if (!changed) break;
      }
    }
    if (!tu.globalsGrewAfterRead) break;
  }

  for (auto &[key, f] : tu.found) {
    Finding finding;
    const RuleInfo &rule = f.checker->rule();
    finding.ruleId = rule.id;
    finding.cwe = rule.cwe;
    finding.severity = rule.severity;
    finding.location = tu.locations.map(f.call->getBeginLoc());
    finding.function = f.function;
    finding.message = f.checker->message(f.calleeName, f.what);
    TraceRef full = extendTrace(f.trace, {TraceStep::Kind::Sink, finding.location,
                                          "reaches '" + f.calleeName + "' (" + rule.shortDescription + ")"});
    finding.trace = flattenTrace(full);
    finding.fingerprint = computeFingerprint(finding, tu.locations.text(f.call->getSourceRange(), ctx.getLangOpts()));
    result.findings.push_back(std::move(finding));
  }
  std::sort(result.findings.begin(), result.findings.end(), [](const Finding &a, const Finding &b) {
    return std::tie(a.location, a.ruleId) < std::tie(b.location, b.ruleId);
  });

  if (wantSummaries) {
    for (const FunctionDecl *fd : fns) {
      auto it = tu.summaries.find(fd->getCanonicalDecl());
      if (it == tu.summaries.end()) continue;
      llvm::SmallString<128> usr;
      if (index::generateUSRForDecl(fd, usr)) continue;
      result.summaryJson.push_back({std::string(usr.str()), summaryToJson(it->second, fd->getQualifiedNameAsString())});
    }
  }
  return result;
}

}  // namespace mamori
