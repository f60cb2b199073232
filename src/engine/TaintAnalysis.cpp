#include "engine/TaintAnalysis.h"

#include "core/Fingerprint.h"
#include "engine/Dataflow.h"
#include "engine/TaintDomain.h"
#include "frontend/AstUtil.h"
#include "frontend/FunctionOrder.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Analysis/CFG.h"
#include "clang/Index/USRGeneration.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

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

// A sink call, possibly in another function or translation unit.
struct SinkSite {
  const TaintSinkChecker *checker = nullptr;
  const void *key = nullptr;  // the sink expression, or an interned id for external ones
  Location location;
  std::string text;           // source text of the sink call, for fingerprints
  std::string calleeName;     // "system"
  std::string function;       // the function that contains the sink call
};

// A sink inside a function (or its callees) reached by data of one of its parameters.
struct SummarySink {
  SinkSite site;
  Taint taint;  // only parameter origins, traces end at the sink call
};

struct FunctionSummary {
  Taint returns;                          // source and parameter origins of the return value
  std::map<unsigned, Taint> paramEffects;  // written through pointer parameter N
  std::map<std::pair<const void *, const TaintSinkChecker *>, SummarySink> sinks;
  // A validator: for each constant the function returns, the sink kinds each parameter is
  // proven safe for on every path returning it. `validatorBroken`: some return is not a
  // constant, so the return value proves nothing.
  std::map<long long, std::map<unsigned, unsigned>> validates;
  bool validatorBroken = false;
  // A sanitizer in place: pointer parameter N's string, rewritten on every path (a filter
  // copied back over it), is safe for these sink kinds when the function returns.
  std::map<unsigned, unsigned> rewritesSafe;

  bool empty() const {
    return returns.empty() && paramEffects.empty() && sinks.empty() && validates.empty() && rewritesSafe.empty();
  }

  bool sameAs(const FunctionSummary &o) const {
    if (validates != o.validates || validatorBroken != o.validatorBroken || rewritesSafe != o.rewritesSafe) return false;
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
  SinkSite site;
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
  // Functions whose address is taken: the candidates of an unresolved indirect call.
  std::vector<const FunctionDecl *> addressTaken;
  std::set<const VarDecl *> globalsRead;
  bool globalsGrewAfterRead = false;
  // Findings of the current pass, one per (sink call, rule); the earliest source wins.
  std::map<std::pair<const void *, const TaintSinkChecker *>, FoundSink> found;
  // Summaries of functions defined in other translation units (by USR), and the strings
  // that give their source origins and sink sites a stable identity here.
  const ExternalSummaries *external = nullptr;
  std::map<std::string, FunctionSummary> externalCache;
  std::set<std::string> interned;
  std::set<std::string> usedExternal;  // USRs of called functions defined elsewhere
  UsrCache usrs;

  const void *intern(const std::string &s) { return &*interned.insert(s).first; }
  const std::string &usrOf(const FunctionDecl *fd) { return usrs.usr(fd); }
  const FunctionSummary *externalSummary(const FunctionDecl *fd);

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
        s.slot(pointee);  // exists, empty: what the callee writes there is its effect
      }
      s.set(Loc{p, Loc::Var}, std::move(v));
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
    // Leaving an allow-list loop normally (its condition, or one conjunct of it, is false):
    // every character passed the test, unless that conjunct stopped at a prefix.
    if (succIndex == 1) {
      const Stmt *loop = llvm::isa<ForStmt, WhileStmt, DoStmt>(term) ? term : loopOfConjunct(term);
      // The conjunct that failed is the last one this block tested (the CFG names `A && B`
      // as the condition of the block that tests B).
      const Expr *failed = cond ? cond->IgnoreParenImpCasts() : nullptr;
      while (const auto *b = llvm::dyn_cast_or_null<BinaryOperator>(failed)) {
        if (b->getOpcode() != BO_LAnd) break;
        failed = b->getRHS()->IgnoreParenImpCasts();
      }
      if (loop)
        for (const auto &[subject, kinds] : allowListLoop(loop))
          if (!checksOnlyAPrefix(failed, subject)) sanitizeWhole(subject, kinds, s);
    }
    if (!cond) return;
    refine(cond, succIndex == 0, s, 0);
  }

  // After the fixpoint: what the function leaves in its pointer parameters.
  void recordEffects(const State &exitState) {
    for (unsigned i = 0; i < fd_->getNumParams(); ++i) {
      const AbstractValue *pointee = exitState.find(Loc{fd_->getParamDecl(i), Loc::ParamPointee});
      if (!pointee || pointee->taint.empty()) continue;
      Taint effect;
      unsigned ownSafe = ~0u;
      bool own = false;
      for (const auto &[o, f] : pointee->taint.facts())
        if (o.param != static_cast<int>(i)) effect.add(o, f);
        else own = true, ownSafe &= f.sanitized;
      if (!effect.empty()) summary_.paramEffects[i].join(effect);
      // What the parameter held, written back safe for some kinds: a sanitizer in place,
      // if nothing can return before the rewrite (an untouched path looks the same here).
      if (own && ownSafe && ownSafe != ~0u && rewrittenBeforeAnyReturn(fd_->getParamDecl(i)))
        summary_.rewritesSafe[i] = ownSafe;
    }
  }

  // The body copies a whole string over `param` (strcpy(param, ...) and its kin) in one of
  // its top-level statements, and no statement before that one can return.
  bool rewrittenBeforeAnyReturn(const ParmVarDecl *param) {
    const auto *body = llvm::dyn_cast_or_null<CompoundStmt>(fd_->getBody());
    if (!body) return false;
    struct Returns : RecursiveASTVisitor<Returns> {
      bool found = false;
      bool VisitReturnStmt(ReturnStmt *) { return !(found = true); }
    };
    static const std::set<std::string> copies = {"strcpy", "strncpy", "stpcpy", "strlcpy", "sprintf", "snprintf"};
    for (const Stmt *st : body->body()) {
      const auto *call = llvm::dyn_cast<CallExpr>(st);
      const FunctionDecl *callee = call ? call->getDirectCallee() : nullptr;
      if (callee && call->getNumArgs() > 0 && copies.count(tu_.names.name(callee))) {
        const auto *dst = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(call->getArg(0)));
        if (dst && dst->getDecl() == param) return true;
      }
      Returns r;
      r.TraverseStmt(const_cast<Stmt *>(st));
      if (r.found) return false;
    }
    return false;
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
    if (const AbstractValue *held = s.find(loc)) return *held;
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
    return s.slot(loc, [&] { return read(loc, s); });
  }

  void publishGlobal(const Loc &loc, const AbstractValue &v) {
    if (loc.kind != Loc::Var) return;
    const auto *vd = static_cast<const VarDecl *>(loc.ptr);
    if (!vd->hasGlobalStorage() || vd->isStaticLocal()) return;
    if (tu_.globals[vd].join(v) && tu_.globalsRead.count(vd)) tu_.globalsGrewAfterRead = true;
  }

  void strongUpdate(const Loc &loc, const AbstractValue &v, State &s) {
    s.set(loc, v);
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
        recordValidation(rv, s);
      }
      return;
    }
    if (const auto *e = llvm::dyn_cast<Expr>(st)) {
      eval(e, s);
      return;
    }
  }

  // What each parameter is proven safe for when the function returns this constant:
  // its own facts, or those of a canonicalized copy of it (realpath + prefix check).
  void recordValidation(const Expr *rv, State &s) {
    if (summary_.validatorBroken || fd_->getNumParams() == 0 || !rv->getType()->isIntegerType()) return;
    Expr::EvalResult r;
    if (rv->isValueDependent() || !rv->EvaluateAsInt(r, tu_.ctx)) {
      summary_.validatorBroken = true;
      summary_.validates.clear();
      return;
    }
    long long value = r.Val.getInt().getExtValue();
    std::map<unsigned, unsigned> proven;
    for (unsigned i = 0; i < fd_->getNumParams(); ++i) {
      // The parameter's own facts, or a canonical copy of it that passed a check.
      unsigned own = kAllKinds, canonical = 0;
      bool seen = false;
      s.forEach([&](const Loc &loc, const AbstractValue &val) {
        for (const auto &[o, f] : val.taint.facts()) {
          if (o.param != static_cast<int>(i)) continue;
          if (f.canonical) canonical |= f.sanitized;
          if (loc.ptr != fd_->getParamDecl(i)) continue;
          seen = true;
          own &= f.sanitized;
        }
      });
      unsigned mask = (seen ? own : 0) | canonical;
      if (mask) proven[i] = mask;
    }
    auto it = summary_.validates.find(value);
    if (it == summary_.validates.end()) {
      summary_.validates[value] = proven;
      return;
    }
    // Every path returning this value must prove it.
    for (auto p = it->second.begin(); p != it->second.end();) {
      auto q = proven.find(p->first);
      if (q == proven.end()) p = it->second.erase(p);
      else {
        p->second &= q->second;
        ++p;
      }
    }
  }

  // The allow-list tests in a loop's body whose failure leaves the function (return) or
  // stops the program: when the loop ends normally, its subject passed them all.
  std::vector<std::pair<const Expr *, unsigned>> allowListLoop(const Stmt *loop) {
    auto cached = allowLoops_.find(loop);
    if (cached != allowLoops_.end()) return cached->second;
    std::vector<std::pair<const Expr *, unsigned>> out;
    const Stmt *body = nullptr;
    if (const auto *f = llvm::dyn_cast<ForStmt>(loop)) body = f->getBody();
    else if (const auto *w = llvm::dyn_cast<WhileStmt>(loop)) body = w->getBody();
    else if (const auto *d = llvm::dyn_cast<DoStmt>(loop)) body = d->getBody();
    struct Finder : RecursiveASTVisitor<Finder> {
      std::vector<const IfStmt *> ifs;
      bool VisitIfStmt(IfStmt *i) {
        ifs.push_back(i);
        return true;
      }
    } finder;
    if (body) finder.TraverseStmt(const_cast<Stmt *>(body));
    for (const IfStmt *i : finder.ifs) {
      bool exits = false;
      struct ReturnFinder : RecursiveASTVisitor<ReturnFinder> {
        bool found = false;
        bool VisitReturnStmt(ReturnStmt *) {
          found = true;
          return true;
        }
      } rf;
      rf.TraverseStmt(const_cast<Stmt *>(i->getThen()));
      exits = rf.found;
      if (!exits) continue;
      const Expr *subject = nullptr;
      if (unsigned kinds = allowListKinds(i->getCond(), subject)) out.push_back({subject, kinds});
    }
    allowLoops_[loop] = out;
    return out;
  }
  std::map<const Stmt *, std::vector<std::pair<const Expr *, unsigned>>> allowLoops_;

  // `if (isalnum(*c) || *c == '_') *b++ = *c;`: a copy that keeps only the characters an
  // allow-list accepts. What it writes is safe for the sink kinds the list excludes,
  // whatever the string it reads from holds. Returns those kinds for such an assignment.
  unsigned filteredCopyKinds(const BinaryOperator *assignment) {
    if (!filteredCopies_) {
      filteredCopies_.emplace();
      struct Finder : RecursiveASTVisitor<Finder> {
        std::vector<const IfStmt *> ifs;
        bool VisitIfStmt(IfStmt *i) {
          if (!i->getElse() && i->getCond()) ifs.push_back(i);
          return true;
        }
      } finder;
      if (fd_->getBody()) finder.TraverseStmt(fd_->getBody());
      for (const IfStmt *i : finder.ifs) {
        const Expr *subject = nullptr;
        unsigned kinds = allowListKinds(i->getCond(), subject, /*accepting=*/true);
        if (!kinds || !subject) continue;
        const VarDecl *root = rootVariable(subject);
        // The assignments in the kept branch that copy the tested character.
        struct Copies : RecursiveASTVisitor<Copies> {
          std::vector<const BinaryOperator *> found;
          bool VisitBinaryOperator(BinaryOperator *b) {
            if (b->getOpcode() == BO_Assign) found.push_back(b);
            return true;
          }
        } copies;
        copies.TraverseStmt(const_cast<Stmt *>(i->getThen()));
        for (const BinaryOperator *b : copies.found) {
          const Expr *rhs = stripParensAndCasts(b->getRHS());
          const Expr *base = nullptr;
          if (const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(rhs)) base = a->getBase();
          else if (const auto *u = llvm::dyn_cast<UnaryOperator>(rhs); u && u->getOpcode() == UO_Deref) base = u->getSubExpr();
          if (base && root && rootVariable(base) == root) (*filteredCopies_)[b] = kinds;
        }
      }
    }
    auto it = filteredCopies_->find(assignment);
    return it == filteredCopies_->end() ? 0 : it->second;
  }
  std::optional<std::map<const BinaryOperator *, unsigned>> filteredCopies_;

  // The loop whose condition `A && B` has `term` as one of its && operators: the CFG ends
  // the block testing A with the operator, not with the loop.
  const Stmt *loopOfConjunct(const Stmt *term) {
    const auto *op = llvm::dyn_cast<BinaryOperator>(term);
    if (!op || op->getOpcode() != BO_LAnd) return nullptr;
    if (!conjunctLoops_) {
      conjunctLoops_.emplace();
      struct Finder : RecursiveASTVisitor<Finder> {
        std::map<const Stmt *, const Stmt *> &out;
        explicit Finder(std::map<const Stmt *, const Stmt *> &o) : out(o) {}
        void add(const Stmt *loop, const Expr *cond) {
          for (const Expr *e = cond ? cond->IgnoreParenImpCasts() : nullptr; e;) {
            const auto *b = llvm::dyn_cast<BinaryOperator>(e);
            if (!b || b->getOpcode() != BO_LAnd) break;
            out[b] = loop;
            add(loop, b->getRHS());
            e = b->getLHS()->IgnoreParenImpCasts();
          }
        }
        bool VisitForStmt(ForStmt *f) { return add(f, f->getCond()), true; }
        bool VisitWhileStmt(WhileStmt *w) { return add(w, w->getCond()), true; }
        bool VisitDoStmt(DoStmt *d) { return add(d, d->getCond()), true; }
      } finder(*conjunctLoops_);
      if (fd_->getBody()) finder.TraverseStmt(fd_->getBody());
    }
    auto it = conjunctLoops_->find(op);
    return it == conjunctLoops_->end() ? nullptr : it->second;
  }
  std::optional<std::map<const Stmt *, const Stmt *>> conjunctLoops_;

  // `for (i = 0; i < 8; ++i)` checks the first 8 characters, not the string: a loop bounded
  // by a constant smaller than the subject's array, or one that stops at a character other
  // than the terminator, validates only a prefix of it.
  bool checksOnlyAPrefix(const Expr *cond, const Expr *subject) {
    const auto *b = cond ? llvm::dyn_cast<BinaryOperator>(cond->IgnoreParenImpCasts()) : nullptr;
    if (!b || !subject) return false;
    BinaryOperatorKind op = b->getOpcode();
    const Expr *bound = b->getRHS();
    if (op == BO_GT || op == BO_GE) bound = b->getLHS(), op = op == BO_GT ? BO_LT : BO_LE;
    if (op != BO_LT && op != BO_LE && op != BO_NE) return false;
    std::optional<llvm::APSInt> n = bound->getIntegerConstantExpr(tu_.ctx);
    if (!n || n->isNegative() || *n == 0) return false;
    // `while (*c != ';')` stops at a character that is not the terminator: a prefix too.
    const Expr *tested = stripParensAndCasts(b->getLHS());
    if (op == BO_NE && (llvm::isa<ArraySubscriptExpr>(tested) || llvm::isa<UnaryOperator>(tested))) return true;
    uint64_t checked = n->getZExtValue() + (op == BO_LE ? 1 : 0);
    const VarDecl *root = rootVariable(subject);
    const auto *array = root ? tu_.ctx.getAsConstantArrayType(root->getType()) : nullptr;
    return !array || checked < array->getSize().getZExtValue();
  }

  // `if (!isalpha(s[i]) && s[i] != '.') return ...;` inside a loop over s: on the branch
  // that goes on, this character passed an allow-list; the loop only completes if all did.
  // Returns the sink kinds the allow-list excludes, or 0 if `cond` is not such a test.
  // With `accepting`, the test is written the other way round, as the condition a character
  // must meet to be kept: `isalnum(c) || c == '_'`.
  unsigned allowListKinds(const Expr *rejectCond, const Expr *&subject, bool accepting = false) {
    std::vector<const Expr *> terms;
    std::vector<const Expr *> work{rejectCond->IgnoreParenImpCasts()};
    while (!work.empty()) {
      const Expr *e = work.back()->IgnoreParenImpCasts();
      work.pop_back();
      if (const auto *b = llvm::dyn_cast<BinaryOperator>(e); b && b->getOpcode() == (accepting ? BO_LOr : BO_LAnd)) {
        work.push_back(b->getLHS());
        work.push_back(b->getRHS());
      } else {
        terms.push_back(e);
      }
    }
    bool sawClass = false;
    std::string allowedExtra;
    subject = nullptr;
    auto sameSubject = [&](const Expr *x) {
      x = stripParensAndCasts(x);
      const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(x);
      const Expr *base = nullptr;
      if (a) {
        if (a->getIdx()->isIntegerConstantExpr(tu_.ctx)) return false;  // s[0] is one character
        base = a->getBase();
      } else if (const auto *u = llvm::dyn_cast<UnaryOperator>(x); u && u->getOpcode() == UO_Deref) {
        base = u->getSubExpr();
      }
      if (!base) return false;
      const VarDecl *root = rootVariable(base);
      if (!root) return false;
      if (!subject) subject = base;
      return rootVariable(subject) == root;
    };
    static const std::set<std::string> classes = {"isalpha", "isdigit", "isalnum", "isxdigit", "islower", "isupper"};
    for (const Expr *t : terms) {
      // !isclass(c), or isclass(c) when accepting
      const auto *u = llvm::dyn_cast<UnaryOperator>(t);
      if (const Expr *test = accepting ? t : u && u->getOpcode() == UO_LNot ? u->getSubExpr()->IgnoreParenImpCasts() : nullptr) {
        const auto *call = llvm::dyn_cast<CallExpr>(test);
        const FunctionDecl *fd = call ? call->getDirectCallee() : nullptr;
        if (fd && call->getNumArgs() == 1 && classes.count(tu_.names.name(fd)) && sameSubject(call->getArg(0))) {
          sawClass = true;
          continue;
        }
        // glibc's isalpha(c) is a macro over its class table: (*__ctype_b_loc())[(int)(c)] & _ISalpha
        if (const Expr *c = ctypeMacroArgument(test, classes); c && sameSubject(c)) {
          sawClass = true;
          continue;
        }
        if (!accepting) return 0;  // accepting: `c == 'x'` below, or no allow-list at all
      }
      // c < '0' || c > '9': outside one range of letters or digits
      if (const auto *b = llvm::dyn_cast<BinaryOperator>(t); b && !accepting && b->getOpcode() == BO_LOr) {
        if (!outsideAlnumRange(b, sameSubject)) return 0;
        sawClass = true;
        continue;
      }
      // c != 'x', or c == 'x' when accepting
      if (const auto *b = llvm::dyn_cast<BinaryOperator>(t); b && b->getOpcode() == (accepting ? BO_EQ : BO_NE)) {
        const auto *ch = llvm::dyn_cast<CharacterLiteral>(b->getRHS()->IgnoreParenImpCasts());
        if (!ch || !sameSubject(b->getLHS())) return 0;
        allowedExtra += static_cast<char>(ch->getValue());
        continue;
      }
      return 0;
    }
    if (!sawClass || !subject) return 0;
    unsigned kinds = 0;
    if (allowedExtra.find_first_of(";|&`$<>()\\n'\" *?[]{}!~") == std::string::npos) kinds |= sinkKindBit(SinkKind::Command);
    if (allowedExtra.find('%') == std::string::npos) kinds |= sinkKindBit(SinkKind::Format);
    if (allowedExtra.find('/') == std::string::npos && allowedExtra.find('.') == std::string::npos)
      kinds |= sinkKindBit(SinkKind::Path);
    // Quotes, separators, comments, spaces and operators are what turn data into SQL.
    if (allowedExtra.find_first_of("'\"\\;` =()-#/*") == std::string::npos) kinds |= sinkKindBit(SinkKind::Sql);
    return kinds;
  }

  // `c < lo || c > hi` (either operand order) where [lo, hi] lies inside 0-9, a-z or A-Z:
  // the hand-written form of isdigit/islower/isupper.
  template <typename SameSubject>
  bool outsideAlnumRange(const BinaryOperator *orExpr, SameSubject &sameSubject) {
    // One side as "subject below c" (+1) or "subject above c" (-1) with its character.
    auto bound = [&](const Expr *side, int &dir, unsigned &ch) {
      const auto *cmp = llvm::dyn_cast<BinaryOperator>(side->IgnoreParenImpCasts());
      if (!cmp || !cmp->isRelationalOp()) return false;
      const auto *rc = llvm::dyn_cast<CharacterLiteral>(cmp->getRHS()->IgnoreParenImpCasts());
      const auto *lc = llvm::dyn_cast<CharacterLiteral>(cmp->getLHS()->IgnoreParenImpCasts());
      BinaryOperatorKind op = cmp->getOpcode();
      if (rc && sameSubject(cmp->getLHS())) {
        ch = rc->getValue();
      } else if (lc && sameSubject(cmp->getRHS())) {
        ch = lc->getValue();
        op = BinaryOperator::reverseComparisonOp(op);
      } else {
        return false;
      }
      // Normalize to "c < lo" (dir +1, lo = ch) or "c > hi" (dir -1, hi = ch).
      if (op == BO_LT) dir = 1;
      else if (op == BO_LE) dir = 1, ++ch;
      else if (op == BO_GT) dir = -1;
      else if (op == BO_GE) dir = -1, --ch;
      else return false;
      return true;
    };
    int d1 = 0, d2 = 0;
    unsigned c1 = 0, c2 = 0;
    if (!bound(orExpr->getLHS(), d1, c1) || !bound(orExpr->getRHS(), d2, c2) || d1 == d2) return false;
    unsigned lo = d1 == 1 ? c1 : c2, hi = d1 == 1 ? c2 : c1;
    auto within = [&](char a, char z) { return lo >= static_cast<unsigned>(a) && hi <= static_cast<unsigned>(z) && lo <= hi; };
    return within('0', '9') || within('a', 'z') || within('A', 'Z');
  }

  // The argument of a character-class test written as a libc macro (isalpha(c) expanding
  // to a table lookup): recognized by the macro's name at the expansion site.
  const Expr *ctypeMacroArgument(const Expr *test, const std::set<std::string> &classes) {
    const SourceManager &sm = tu_.ctx.getSourceManager();
    SourceLocation loc = test->getBeginLoc();
    if (!loc.isMacroID()) return nullptr;
    llvm::StringRef macro = Lexer::getImmediateMacroNameForDiagnostics(loc, sm, tu_.ctx.getLangOpts());
    // Walk out to the outermost expansion (isalpha may expand to __isctype(...)).
    SourceLocation expansion = sm.getImmediateMacroCallerLoc(loc);
    while (expansion.isMacroID()) {
      macro = Lexer::getImmediateMacroNameForDiagnostics(expansion, sm, tu_.ctx.getLangOpts());
      expansion = sm.getImmediateMacroCallerLoc(expansion);
    }
    if (!classes.count(macro.str())) return nullptr;
    const auto *b = llvm::dyn_cast<BinaryOperator>(test);
    if (!b || b->getOpcode() != BO_And) return nullptr;
    const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(b->getLHS()->IgnoreParenImpCasts());
    return a ? a->getIdx() : nullptr;
  }

  void declare(const VarDecl *vd, State &s) {
    Loc l{vd, Loc::Var};
    if (!vd->hasInit()) {
      if (!vd->hasGlobalStorage()) s.erase(l);
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
    if (!e->isValueDependent() && e->isNullPointerConstant(ctx, Expr::NPC_ValueDependentIsNotNull)) return true;
    e = e->IgnoreParenImpCasts();
    Expr::EvalResult r;
    if (!e->isValueDependent() && e->EvaluateAsInt(r, ctx)) return r.Val.getInt() == 0;
    return false;
  }

  void refine(const Expr *cond, bool truth, State &s, unsigned depth) {
    if (depth > 16) return;
    cond = cond->IgnoreParenImpCasts();
    // The reject test of an allow-list loop: on its false branch the character passed.
    if (!truth) {
      const Expr *subject = nullptr;
      if (unsigned kinds = allowListKinds(cond, subject)) {
        sanitizeWhole(subject, kinds, s);
        return;
      }
    }
    if (const auto *u = llvm::dyn_cast<UnaryOperator>(cond)) {
      if (u->getOpcode() == UO_LNot) refine(u->getSubExpr(), !truth, s, depth + 1);
      return;
    }
    if (const auto *b = llvm::dyn_cast<BinaryOperator>(cond)) {
      switch (b->getOpcode()) {
      case BO_LT:
      case BO_LE:
      case BO_GT:
      case BO_GE: {
        const auto *call = llvm::dyn_cast<CallExpr>(b->getLHS()->IgnoreParenImpCasts());
        Expr::EvalResult k;
        if (call && call->getDirectCallee() && !b->getRHS()->isValueDependent() && b->getRHS()->EvaluateAsInt(k, tu_.ctx)) {
          long long c = k.Val.getInt().getExtValue();
          BinaryOperatorKind op = b->getOpcode();
          inferredValidation(call, call->getDirectCallee(), [&](long long v) {
            bool holds = op == BO_LT ? v < c : op == BO_LE ? v <= c : op == BO_GT ? v > c : v >= c;
            return holds == truth;
          }, s);
        }
        return;
      }
      case BO_EQ:
      case BO_NE: {
        bool eq = b->getOpcode() == BO_EQ;
        if (const auto *call = llvm::dyn_cast<CallExpr>(b->getLHS()->IgnoreParenImpCasts()); call && call->getDirectCallee()) {
          Expr::EvalResult k;
          if (!b->getRHS()->isValueDependent() && b->getRHS()->EvaluateAsInt(k, tu_.ctx)) {
            long long c = k.Val.getInt().getExtValue();
            inferredValidation(call, call->getDirectCallee(), [&](long long v) { return (v == c) == (eq == truth); }, s);
          }
        }
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
    inferredValidation(call, callee, [&](long long v) { return (v != 0) == truth; }, s);
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
        // Only a whole variable becomes that constant: fields share their object's taint,
        // and `strcmp(req->method, "GET") == 0` says nothing about req->path.
        auto isWholeVariable = [](const Expr *x) {
          x = stripParensAndCasts(x);
          if (const auto *mc = llvm::dyn_cast<CXXMemberCallExpr>(x)) x = stripParensAndCasts(mc->getImplicitObjectArgument());
          return llvm::isa<DeclRefExpr>(x);
        };
        if (lit && llvm::isa<StringLiteral>(lit)) {
          if (isWholeVariable(subject)) sanitizeExpr(subject, kAllKinds, false, s);
        } else if (llvm::isa<StringLiteral>(subject->IgnoreParenImpCasts()) && other) {
          if (isWholeVariable(other)) sanitizeExpr(other, kAllKinds, false, s);
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

  // A user function whose summary shows it validates a parameter: on this branch the
  // result is one of the values `possible` accepts; if every such value proves the
  // parameter safe, it is safe here.
  template <typename Accepts>
  void inferredValidation(const CallExpr *call, const FunctionDecl *callee, Accepts possible, State &s) {
    const FunctionDecl *def = callee->getDefinition();
    if (!def) return;
    auto it = tu_.summaries.find(def->getCanonicalDecl());
    if (it == tu_.summaries.end() || it->second.validatorBroken || it->second.validates.empty()) return;
    std::map<unsigned, unsigned> proven;
    bool first = true;
    for (const auto &[value, params] : it->second.validates) {
      if (!possible(value)) continue;
      if (first) {
        proven = params;
        first = false;
        continue;
      }
      for (auto p = proven.begin(); p != proven.end();) {
        auto q = params.find(p->first);
        if (q == params.end()) p = proven.erase(p);
        else {
          p->second &= q->second;
          ++p;
        }
      }
    }
    if (first) return;
    for (const auto &[i, mask] : proven)
      if (i < call->getNumArgs() && mask) sanitizeWhole(call->getArg(i), mask, s);
  }

  // Like sanitizeExpr, but a whole-value check of `argv[1]` counts for that argument (the
  // array shares one location, so this also covers its other elements: a known limit).
  void sanitizeWhole(const Expr *e, unsigned mask, State &s) {
    const VarDecl *root = rootVariable(e);
    if (!root) return;
    Loc l{root, Loc::Var};
    AbstractValue v = read(l, s);
    sanitizeLoc(l, mask, false, s);
    for (const Loc &p : v.pointsTo) sanitizeLoc(p, mask, false, s);
    // Other pointers into the same checked memory carry its taint in their own value
    // (`unit = line + 8; for (c = unit; *c; ++c) <check *c>`, then `unit` is used): they
    // are checked with it.
    if (v.pointsTo.empty()) return;
    for (const Loc &other : s.locations()) {
      const AbstractValue &value = *s.find(other);
      if (other.kind != Loc::Var || other == l || value.pointsTo.empty()) continue;
      bool within = std::all_of(value.pointsTo.begin(), value.pointsTo.end(), [&](const Loc &p) {
        return std::binary_search(v.pointsTo.begin(), v.pointsTo.end(), p);
      });
      if (within) sanitizeLoc(other, mask, false, s);
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
    // s.c_str() checks the string object s.
    if (const auto *mc = llvm::dyn_cast<CXXMemberCallExpr>(stripParensAndCasts(e))) {
      const FunctionModel *m = mc->getMethodDecl() ? tu_.modelFor(mc->getMethodDecl()) : nullptr;
      bool viewOfThis = m && m->propagator && !m->propagator->from.empty() &&
                        m->propagator->from.front().kind == ArgPos::Kind::This;
      if (!viewOfThis) return;
      e = mc->getImplicitObjectArgument();
    }
    // Checking one element (argv[1]) says nothing about the others (argv[2]); a variable
    // or a field is checked as a whole (fields share their object's taint).
    for (const Expr *x = stripParensAndCasts(e); x;) {
      if (llvm::isa<ArraySubscriptExpr>(x)) return;
      if (const auto *u = llvm::dyn_cast<UnaryOperator>(x); u && u->getOpcode() == UO_Deref) return;
      const auto *m = llvm::dyn_cast<MemberExpr>(x);
      x = m ? stripParensAndCasts(m->getBase()) : nullptr;
    }
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
        if (unsigned kinds = filteredCopyKinds(b)) v.taint.sanitize(kinds);
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
      if (target.functions.empty()) {
        // Unknown target (a parameter, a field set elsewhere): any address-taken function
        // of the same type may be called here.
        QualType fnType = call->getCallee()->getType();
        if (const auto *pt = fnType->getAs<PointerType>()) fnType = pt->getPointeeType();
        for (const FunctionDecl *fd : tu_.addressTaken)
          if (tu_.ctx.hasSameType(fd->getType(), fnType)) target.functions.push_back(fd->getCanonicalDecl());
      }
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
    if (!modelled && !def) {
      if (const FunctionSummary *ext = tu_.externalSummary(callee)) return applySummary(callee, *ext, cs, s);
    }
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
      if (p->resumesOnNull && !cs.args.empty()) {
        // strtok(NULL, ...) goes on cutting the string of the last call that named one. The
        // hidden pointer is kept as a location of its own, keyed by the model.
        Loc hidden{p, Loc::Alloc};
        if (cs.args[0]->IgnoreParenImpCasts()->isNullPointerConstant(tu_.ctx, Expr::NPC_ValueDependentIsNotNull)) {
          AbstractValue previous = read(hidden, s);
          t.join(contentTaint(previous, s));
          fromPointsTo.insert(fromPointsTo.end(), previous.pointsTo.begin(), previous.pointsTo.end());
        } else {
          slot(hidden, s) = cs.argVals[0];
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
      TraceStep step{TraceStep::Kind::Source, loc(cs.call), src->what + " (from '" + name + "')"};
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
            if (!ss.site.key) ss.site = siteFor(checker, call, name);
            ss.taint.add(o, f);
          } else {
            report(siteFor(checker, call, name), f.trace);
          }
        }
      }
    }
  }

  SinkSite siteFor(const TaintSinkChecker *checker, const Expr *call, const std::string &calleeName) {
    SinkSite site;
    site.checker = checker;
    site.key = call;
    site.location = loc(call);
    site.text = tu_.locations.text(call->getSourceRange(), tu_.ctx.getLangOpts());
    site.calleeName = calleeName;
    site.function = fnName_;
    return site;
  }

  void report(const SinkSite &site, const TraceRef &trace) {
    auto key = std::make_pair(site.key, site.checker);
    auto it = tu_.found.find(key);
    std::string what;
    if (trace) {
      const TraceNode *n = trace.get();
      while (n->prev) n = n->prev.get();
      what = n->step.message;
    }
    FoundSink f{site, what, trace};
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
                   TraceStep::Kind kindForSources, const std::string &sourceMessage = "") {
    Taint out;
    Location callLoc = loc(cs.call);
    for (const auto &[o, f] : calleeTaint.facts()) {
      if (!o.isParam()) {
        TaintFact nf = f;
        nf.trace = extendTrace(f.trace, {kindForSources, callLoc,
                                         sourceMessage.empty() ? "returned from '" + calleeName + "'" : sourceMessage});
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
      Taint t = substitute(effect, cs, calleeName, s, TraceStep::Kind::Return,
                           "written into '" + describe(cs.args[idx], tu_) + "' by '" + calleeName + "'");
      writeThrough(cs.args[idx], t, s);
    }
    for (const auto &[idx, mask] : sum.rewritesSafe)
      if (idx < cs.args.size()) sanitizeWhole(cs.args[idx], mask, s);
    for (const auto &[key, ss] : sum.sinks) {
      Taint reaching = substitute(ss.taint, cs, calleeName, s, TraceStep::Kind::Call)
                           .unsafeFor(sinkKindBit(ss.site.checker->kind()));
      for (const auto &[o, f] : reaching.facts()) {
        if (o.isParam()) {
          SummarySink &mine = summary_.sinks[key];
          mine.site = ss.site;
          mine.taint.add(o, f);
        } else {
          report(ss.site, f.trace);
        }
      }
    }
    return result;
  }
};

// ---------------------------------------------------------------------------------------
// TU driver: which functions, in which order, how many passes
// ---------------------------------------------------------------------------------------

// Global variables' initial values (function pointer tables) and the functions whose
// address is taken anywhere in the TU.
class GlobalCollector : public RecursiveASTVisitor<GlobalCollector> {
public:
  std::map<const VarDecl *, AbstractValue> globals;
  std::set<const DeclRefExpr *> directCallees;
  std::vector<const DeclRefExpr *> functionRefs;

  bool VisitVarDecl(VarDecl *vd) {
    if (!vd->hasGlobalStorage() || vd->isStaticLocal() || !vd->getInit()) return true;
    AbstractValue v;
    collectFunctions(vd->getInit(), v.functions);
    if (!v.functions.empty()) globals[vd] = v;
    return true;
  }
  bool VisitCallExpr(CallExpr *c) {
    if (const auto *d = llvm::dyn_cast<DeclRefExpr>(c->getCallee()->IgnoreParenImpCasts())) directCallees.insert(d);
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *e) {
    if (llvm::isa<FunctionDecl>(e->getDecl())) functionRefs.push_back(e);
    return true;
  }
  std::vector<const FunctionDecl *> addressTaken() const {
    std::set<const FunctionDecl *> out;
    for (const DeclRefExpr *e : functionRefs)
      if (!directCallees.count(e)) out.insert(llvm::cast<FunctionDecl>(e->getDecl())->getCanonicalDecl());
    return {out.begin(), out.end()};
  }

  static void collectFunctions(const Stmt *st, std::vector<const void *> &out) {
    if (!st) return;
    if (const auto *d = llvm::dyn_cast<DeclRefExpr>(st))
      if (const auto *fd = llvm::dyn_cast<FunctionDecl>(d->getDecl())) {
        const void *c = fd->getCanonicalDecl();
        if (std::find(out.begin(), out.end(), c) == out.end()) out.insert(std::lower_bound(out.begin(), out.end(), c), c);
      }
    for (const Stmt *child : st->children()) collectFunctions(child, out);
  }
};

class ReferenceCollector : public RecursiveASTVisitor<ReferenceCollector> {
public:
  ReferenceCollector(const TuContext &tu) : tu_(tu) {}
  std::vector<const FunctionDecl *> refs;
  bool VisitDeclRefExpr(DeclRefExpr *e) {
    if (const auto *fd = llvm::dyn_cast<FunctionDecl>(e->getDecl())) refs.push_back(fd);
    if (const auto *vd = llvm::dyn_cast<VarDecl>(e->getDecl())) {
      auto it = tu_.globals.find(vd);
      if (it != tu_.globals.end())
        for (const void *f : it->second.functions) refs.push_back(static_cast<const FunctionDecl *>(f));
    }
    return true;
  }
  bool VisitCallExpr(CallExpr *c) {
    if (!c->getDirectCallee()) refs.insert(refs.end(), tu_.addressTaken.begin(), tu_.addressTaken.end());
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

private:
  const TuContext &tu_;
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

// ----- the summary format shared between translation units -----
//
// {"name": "f",
//  "returns": [FACT...], "effects": {"0": [FACT...]},
//  "sinks": [{"rule": "...", "callee": "system", "function": "g", "file": "...", "line": 3,
//             "column": 5, "text": "system(cmd)", "taint": [FACT...]}]}
// FACT: {"param": 1} or {"source": "file:line:col"}, plus "sanitized" (bit per sink kind),
//       "canonical", and "trace": [{"kind", "file", "line", "column", "message"}...]

nlohmann::json stepsToJson(const TraceRef &t) {
  nlohmann::json a = nlohmann::json::array();
  for (const TraceNode *n = t.get(); n; n = n->prev.get()) {
    nlohmann::json step = {{"kind", traceKindName(n->step.kind)}, {"file", n->step.location.file},
                           {"line", n->step.location.line}, {"column", n->step.location.column},
                           {"message", n->step.message}};
    a.insert(a.begin(), step);
  }
  return a;
}

TraceRef stepsFromJson(const nlohmann::json &a) {
  TraceRef t;
  for (const auto &j : a) {
    TraceStep step;
    std::string k = j.value("kind", "propagation");
    step.kind = k == "source" ? TraceStep::Kind::Source : k == "call" ? TraceStep::Kind::Call
              : k == "return" ? TraceStep::Kind::Return : k == "sink" ? TraceStep::Kind::Sink
              : TraceStep::Kind::Propagation;
    step.location = {j.value("file", ""), j.value("line", 0u), j.value("column", 0u)};
    step.message = j.value("message", "");
    t = extendTrace(t, step);
  }
  return t;
}

std::string originId(const Origin &o, const TaintFact &f) {
  if (!f.trace) return "?";
  const TraceNode *n = f.trace.get();
  while (n->prev) n = n->prev.get();
  const Location &l = n->step.location;
  return l.file + ":" + std::to_string(l.line) + ":" + std::to_string(l.column) + ":" + n->step.message;
}

nlohmann::json taintToJson(const Taint &t) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto &[o, f] : t.facts()) {
    nlohmann::json j;
    if (o.isParam()) j["param"] = o.param;
    else j["source"] = originId(o, f);
    j["sanitized"] = f.sanitized;
    j["canonical"] = f.canonical;
    j["trace"] = stepsToJson(f.trace);
    a.push_back(j);
  }
  return a;
}

Taint taintFromJson(const nlohmann::json &a, TuContext &tu) {
  Taint t;
  if (!a.is_array()) return t;
  for (const auto &j : a) {
    Origin o;
    if (j.contains("param")) o.param = j.value("param", 0);
    else o.site = tu.intern("source:" + j.value("source", ""));
    t.add(o, TaintFact{stepsFromJson(j.value("trace", nlohmann::json::array())), j.value("sanitized", 0u),
                       j.value("canonical", false)});
  }
  return t;
}

std::string summaryToJson(const FunctionSummary &s, const std::string &name) {
  nlohmann::json j;
  j["name"] = name;
  j["returns"] = taintToJson(s.returns);
  j["effects"] = nlohmann::json::object();
  for (const auto &[i, t] : s.paramEffects) j["effects"][std::to_string(i)] = taintToJson(t);
  nlohmann::json sinks = nlohmann::json::array();
  for (const auto &[k, ss] : s.sinks) {
    sinks.push_back({{"rule", ss.site.checker->rule().id}, {"callee", ss.site.calleeName},
                     {"function", ss.site.function}, {"file", ss.site.location.file},
                     {"line", ss.site.location.line}, {"column", ss.site.location.column},
                     {"text", ss.site.text}, {"taint", taintToJson(ss.taint)}});
  }
  j["sinks"] = sinks;
  return j.dump();
}

bool summaryFromJson(const std::string &text, TuContext &tu, FunctionSummary &out) {
  nlohmann::json all = nlohmann::json::parse(text, nullptr, false);
  if (!all.is_object() || !all.contains("taint")) return false;
  const nlohmann::json &j = all["taint"];
  if (!j.is_object()) return false;
  out.returns = taintFromJson(j.value("returns", nlohmann::json::array()), tu);
  const nlohmann::json effects = j.value("effects", nlohmann::json::object());
  for (const auto &[k, v] : effects.items()) {
    if (k.empty() || k.find_first_not_of("0123456789") != std::string::npos || k.size() > 4) continue;
    out.paramEffects[static_cast<unsigned>(std::stoul(k))] = taintFromJson(v, tu);
  }
  for (const auto &sj : j.value("sinks", nlohmann::json::array())) {
    const TaintSinkChecker *checker = nullptr;
    for (const TaintSinkChecker *c : tu.checkers)
      if (c->rule().id == sj.value("rule", "")) checker = c;
    if (!checker) continue;
    SummarySink ss;
    ss.site.checker = checker;
    ss.site.location = {sj.value("file", ""), sj.value("line", 0u), sj.value("column", 0u)};
    ss.site.text = sj.value("text", "");
    ss.site.calleeName = sj.value("callee", "");
    ss.site.function = sj.value("function", "");
    ss.site.key = tu.intern("sink:" + ss.site.location.file + ":" + std::to_string(ss.site.location.line) + ":" +
                            std::to_string(ss.site.location.column) + ":" + checker->rule().id);
    ss.taint = taintFromJson(sj.value("taint", nlohmann::json::array()), tu);
    out.sinks[{ss.site.key, checker}] = std::move(ss);
  }
  return true;
}

}  // namespace

const FunctionSummary *TuContext::externalSummary(const FunctionDecl *fd) {
  if (!fd->isExternallyVisible()) return nullptr;
  const std::string &usr = usrOf(fd);
  if (usr.empty()) return nullptr;
  usedExternal.insert(usr);
  if (!external) return nullptr;
  auto cached = externalCache.find(usr);
  if (cached != externalCache.end()) return &cached->second;
  auto it = external->find(usr);
  if (it == external->end()) return nullptr;
  FunctionSummary sum;
  if (!summaryFromJson(it->second, *this, sum)) return nullptr;
  return &externalCache.emplace(usr, std::move(sum)).first->second;
}

TaintAnalysisResult analyzeTaint(ASTContext &ctx, const TaintModels &models,
                                 const std::vector<const TaintSinkChecker *> &checkers,
                                 const TaintAnalysisOptions &opts, const ExternalSummaries *external) {
  TuContext tu(ctx, models, checkers, opts);
  tu.external = external;
  const std::vector<const FunctionDecl *> fns = opts.functions ? *opts.functions : analyzableFunctions(ctx);
  GlobalCollector globals;
  traverseOutsideSystemHeaders(ctx, globals);
  tu.globals = std::move(globals.globals);
  tu.addressTaken = globals.addressTaken();

  std::map<const FunctionDecl *, unsigned> indexOf;
  for (unsigned i = 0; i < fns.size(); ++i) indexOf[fns[i]->getCanonicalDecl()] = i;
  std::vector<std::vector<unsigned>> edges(fns.size());
  for (unsigned i = 0; i < fns.size(); ++i) {
    ReferenceCollector rc(tu);
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
    const RuleInfo &rule = f.site.checker->rule();
    finding.ruleId = rule.id;
    finding.cwe = rule.cwe;
    finding.severity = rule.severity;
    finding.location = f.site.location;
    finding.function = f.site.function;
    finding.message = f.site.checker->message(f.site.calleeName, f.what);
    TraceRef full = extendTrace(f.trace, {TraceStep::Kind::Sink, finding.location,
                                          "reaches '" + f.site.calleeName + "' (" + rule.shortDescription + ")"});
    finding.trace = flattenTrace(full);
    finding.fingerprint = computeFingerprint(finding, f.site.text);
    result.findings.push_back(std::move(finding));
  }
  std::sort(result.findings.begin(), result.findings.end(), [](const Finding &a, const Finding &b) {
    return std::tie(a.location, a.ruleId) < std::tie(b.location, b.ruleId);
  });

  // Summaries other translation units can use: externally visible functions only.
  for (const FunctionDecl *fd : fns) {
    if (!fd->isExternallyVisible() || llvm::isa<CXXMethodDecl>(fd)) continue;
    const std::string &usr = tu.usrOf(fd);
    if (usr.empty()) continue;
    result.defined.insert(usr);
    auto it = tu.summaries.find(fd->getCanonicalDecl());
    if (it == tu.summaries.end() || it->second.empty()) continue;
    result.summaries[usr] = summaryToJson(it->second, fd->getQualifiedNameAsString());
    if (!ctx.getSourceManager().isInMainFile(fd->getLocation())) result.definedInIncludedFiles.insert(usr);
  }
  // Calls to functions defined elsewhere, whether or not a summary is known yet: the
  // scanner re-analyzes this TU when one of them gains a summary.
  result.usedExternal = tu.usedExternal;
  return result;
}

}  // namespace mamori
