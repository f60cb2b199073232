#include "engine/ApiUseAnalysis.h"

#include "core/Rule.h"
#include "frontend/AstUtil.h"
#include "frontend/FunctionOrder.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ParentMap.h"
#include "clang/Basic/SourceManager.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Lex/Lexer.h"

#include <map>
#include <optional>
#include <set>
#include <utility>

namespace mamori {

using namespace clang;

namespace {

// The function an argument names, as `on_error` or `&on_error`.
const FunctionDecl *addressedFunction(const Expr *x) {
  if (const auto *u = llvm::dyn_cast<UnaryOperator>(x); u && u->getOpcode() == UO_AddrOf)
    x = u->getSubExpr()->IgnoreParens();
  const auto *d = llvm::dyn_cast<DeclRefExpr>(x);
  return d ? llvm::dyn_cast<FunctionDecl>(d->getDecl()) : nullptr;
}

// Every value a variable is given in one function body (its initializer and the right-hand
// sides of `=`), and whether anything else may change it (`&v`, `v++`, `v[i] = ...`).
class Assignments : public RecursiveASTVisitor<Assignments> {
public:
  std::map<const VarDecl *, std::vector<const Expr *>> values;
  std::set<const VarDecl *> opaque;

  bool VisitVarDecl(VarDecl *vd) {
    if (vd->hasInit()) values[vd].push_back(vd->getInit());
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *b) {
    if (!b->isAssignmentOp()) return true;
    const Expr *lhs = b->getLHS()->IgnoreParenImpCasts();
    if (const auto *d = llvm::dyn_cast<DeclRefExpr>(lhs)) {
      if (const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl())) {
        if (b->getOpcode() == BO_Assign) values[vd].push_back(b->getRHS());
        else opaque.insert(vd);
      }
    } else if (const VarDecl *root = rootVariable(lhs); root && !root->getType()->isPointerType()) {
      opaque.insert(root);  // an element or field of an array or struct written (`*p = ...` leaves p)
    }
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *u) {
    if (u->getOpcode() == UO_AddrOf || u->isIncrementDecrementOp())
      if (const VarDecl *root = rootVariable(u->getSubExpr())) opaque.insert(root);
    return true;
  }
  // An array passed where the callee may write it (`derive_key(pw, key)`, `memcpy(key, ...)`):
  // its initializer is not its only value.
  bool VisitCallExpr(CallExpr *c) {
    const FunctionDecl *callee = c->getDirectCallee();
    for (unsigned i = 0; i < c->getNumArgs(); ++i) {
      const auto *d = llvm::dyn_cast<DeclRefExpr>(c->getArg(i)->IgnoreParenImpCasts());
      const auto *vd = d ? llvm::dyn_cast<VarDecl>(d->getDecl()) : nullptr;
      if (!vd || !vd->getType()->isArrayType()) continue;
      const auto *proto = callee ? callee->getType()->getAs<FunctionProtoType>() : nullptr;
      bool constTarget = proto && i < proto->getNumParams() && proto->getParamType(i)->isPointerType() &&
                         proto->getParamType(i)->getPointeeType().isConstQualified();
      if (!constTarget) opaque.insert(vd);
    }
    return true;
  }
};

// Where each parameter of a defined function goes unchanged (ForwardedArgument), computed
// once per function for the TU and followed through the defined callees it reaches.
class Forwarding {
public:
  Forwarding(CalleeNamer &names, LocationMapper &locations, const SourceManager &sm, const LangOptions &lo)
      : names_(names), locations_(locations), sm_(sm), lo_(lo) {}

  const std::vector<std::vector<ForwardedArgument>> &of(const FunctionDecl *fd) {
    fd = fd->getDefinition();
    static const std::vector<std::vector<ForwardedArgument>> none;
    // Library code (a system header's inline functions) is not followed, nor a chain of
    // wrappers deeper than a few levels.
    if (!fd || !fd->hasBody() || sm_.isInSystemHeader(fd->getLocation())) return none;
    if (depth_ >= 6) {
      incomplete_ = true;
      return none;
    }
    auto it = cache_.find(fd);
    if (it != cache_.end()) {
      incomplete_ |= inProgress_.count(fd) > 0;  // a cycle: that list is not finished
      return it->second;
    }
    auto &out = cache_[fd];  // empty while it is computed: a recursive call forwards nothing
    inProgress_.insert(fd);
    bool outerIncomplete = std::exchange(incomplete_, false);
    ++depth_;
    std::vector<std::vector<ForwardedArgument>> result(fd->getNumParams());
    Assignments written;
    written.TraverseStmt(fd->getBody());
    struct Calls : RecursiveASTVisitor<Calls> {
      std::vector<const CallExpr *> found;
      bool VisitCallExpr(CallExpr *c) { return found.push_back(c), true; }
    } calls;
    calls.TraverseStmt(fd->getBody());
    auto add = [](std::vector<ForwardedArgument> &list, const ForwardedArgument &f) {
      // One entry per (callee, argument), and a bound on handles passed everywhere.
      if (list.size() >= 32) return;
      for (const ForwardedArgument &g : list)
        if (g.callee == f.callee && g.index == f.index) return;
      list.push_back(f);
    };
    for (const CallExpr *call : calls.found) {
      const FunctionDecl *callee = call->getDirectCallee();
      if (!callee) continue;
      unsigned offset = argumentOffset(call, callee);
      for (unsigned i = offset; i < call->getNumArgs(); ++i) {
        const auto *d = llvm::dyn_cast<DeclRefExpr>(call->getArg(i)->IgnoreParenCasts());
        const auto *p = d ? llvm::dyn_cast<ParmVarDecl>(d->getDecl()) : nullptr;
        if (!p || written.values.count(p) || written.opaque.count(p)) continue;
        unsigned index = p->getFunctionScopeIndex();
        if (index >= result.size() || fd->getParamDecl(index) != p) continue;
        ForwardedArgument here{names_.name(callee), i - offset, locations_.map(call->getBeginLoc()), {}};
        for (const Expr *a : call->arguments()) here.argumentTexts.push_back(locations_.text(a->getSourceRange(), lo_));
        add(result[index], here);
        if (callee->getDefinition() && callee->getDefinition() != fd) {
          const auto &further = of(callee);
          if (i - offset < further.size())
            for (const ForwardedArgument &f : further[i - offset]) add(result[index], f);
        }
      }
    }
    --depth_;
    inProgress_.erase(fd);
    out = std::move(result);  // map references survive the insertions made meanwhile
    // A list computed while a function that reaches it was unfinished (mutual recursion)
    // or cut at the depth limit is good for this walk only: forget it at the walk's end.
    if (incomplete_ && depth_ > 0) provisional_.push_back(fd);
    incomplete_ |= outerIncomplete;
    if (depth_ == 0) {
      for (const FunctionDecl *f : provisional_) cache_.erase(f);
      provisional_.clear();
      incomplete_ = false;
    }
    return out;
  }

  // A member operator's call (`sealer(key)` through `operator()`) passes the object as its
  // first argument, before the first parameter.
  static unsigned argumentOffset(const CallExpr *call, const FunctionDecl *callee) {
    const auto *m = llvm::dyn_cast<CXXMethodDecl>(callee);
    return llvm::isa<CXXOperatorCallExpr>(call) && m && !m->isStatic() ? 1 : 0;
  }

private:
  CalleeNamer &names_;
  LocationMapper &locations_;
  const SourceManager &sm_;
  const LangOptions &lo_;
  unsigned depth_ = 0;
  bool incomplete_ = false;
  std::set<const FunctionDecl *> inProgress_;
  std::vector<const FunctionDecl *> provisional_;
  std::map<const FunctionDecl *, std::vector<std::vector<ForwardedArgument>>> cache_;
};

// For each callee and variable (named as ArgumentFacts::variable names it), the string literals passed with the variable
// in calls of that callee.
class LiteralPairs : public RecursiveASTVisitor<LiteralPairs> {
public:
  LiteralPairs(CalleeNamer &names, LocationMapper &locations, const LangOptions &lang)
      : names_(names), locations_(locations), lang_(lang) {}
  std::map<std::pair<std::string, std::string>, std::set<std::string>> literals;

  bool VisitCallExpr(CallExpr *call) {
    const FunctionDecl *callee = call->getDirectCallee();
    if (!callee || call->getNumArgs() < 2) return true;
    std::vector<std::string> variables, strings;
    for (const Expr *a : call->arguments()) {
      const Expr *x = a->IgnoreParenCasts();
      if (const auto *lit = llvm::dyn_cast<StringLiteral>(x)) {
        if (lit->getCharByteWidth() == 1) strings.push_back(lit->getString().str());
      } else if (const auto *d = llvm::dyn_cast<DeclRefExpr>(x)) {
        variables.push_back(d->getDecl()->getNameAsString());
      } else if (llvm::isa<MemberExpr>(x)) {
        variables.push_back(locations_.text(x->getSourceRange(), lang_));
      }
    }
    for (const std::string &v : variables)
      for (const std::string &s : strings) literals[{names_.name(callee), v}].insert(s);
    return true;
  }

private:
  CalleeNamer &names_;
  LocationMapper &locations_;
  const LangOptions &lang_;
};

// Functions started as threads, with how many can run at once: a pthread_create (or C11
// thrd_create) call site counts once, or twice when it sits in a loop.
class ThreadStarts : public RecursiveASTVisitor<ThreadStarts> {
public:
  explicit ThreadStarts(CalleeNamer &names) : names_(names) {}
  std::map<const FunctionDecl *, unsigned> instances;

  bool TraverseForStmt(ForStmt *s) { return inLoop([&] { return RecursiveASTVisitor::TraverseForStmt(s); }); }
  bool TraverseWhileStmt(WhileStmt *s) { return inLoop([&] { return RecursiveASTVisitor::TraverseWhileStmt(s); }); }
  bool TraverseDoStmt(DoStmt *s) { return inLoop([&] { return RecursiveASTVisitor::TraverseDoStmt(s); }); }
  bool VisitCallExpr(CallExpr *call) {
    const FunctionDecl *callee = call->getDirectCallee();
    if (!callee) return true;
    const std::string &n = names_.name(callee);
    unsigned routineArg = n == "pthread_create" ? 2 : n == "thrd_create" ? 1 : ~0u;
    if (routineArg >= call->getNumArgs()) return true;
    if (const auto *d = llvm::dyn_cast<DeclRefExpr>(call->getArg(routineArg)->IgnoreParenCasts()))
      if (const auto *f = llvm::dyn_cast<FunctionDecl>(d->getDecl()))
        instances[f->getCanonicalDecl()] += loops_ > 0 ? 2 : 1;
    return true;
  }

private:
  CalleeNamer &names_;
  unsigned loops_ = 0;
  template <class F> bool inLoop(F f) {
    ++loops_;
    bool r = f();
    --loops_;
    return r;
  }
};

bool locks(const std::string &n) {
  return n == "pthread_mutex_lock" || n == "pthread_mutex_trylock" || n == "pthread_mutex_timedlock" ||
         n == "pthread_spin_lock" || n == "pthread_spin_trylock" || n == "pthread_rwlock_wrlock" ||
         n == "pthread_rwlock_rdlock" || n == "mtx_lock" || n == "mtx_trylock" || n == "mtx_timedlock" ||
         n == "flockfile";
}
bool unlocks(const std::string &n) {
  return n == "pthread_mutex_unlock" || n == "pthread_spin_unlock" || n == "pthread_rwlock_unlock" ||
         n == "mtx_unlock" || n == "funlockfile";
}

class FunctionApiUse : public RecursiveASTVisitor<FunctionApiUse> {
public:
  FunctionApiUse(ASTContext &ctx, const FunctionDecl *fd, LocationMapper &locations, CalleeNamer &names,
                 const std::vector<const ApiUseChecker *> &checkers, std::map<std::pair<const void *, const void *>, Finding> &found,
                 bool concurrent, Forwarding &forwarding)
      : ctx_(ctx), fd_(fd), locations_(locations), names_(names), checkers_(checkers), found_(found),
        concurrent_(concurrent), forwarding_(forwarding) {
    assignments_.TraverseStmt(fd->getBody());
    pairs_.TraverseStmt(fd->getBody());
    function_ = fd->getQualifiedNameAsString();
  }

  // Writes of shared variables in a function that runs as several threads at once, and
  // `*(T *)&x` accesses of x as another type.
  bool VisitUnaryOperator(UnaryOperator *u) {
    if (u->isIncrementDecrementOp()) sharedWrite(u->getSubExpr(), u);
    if (u->getOpcode() == UO_Deref)
      if (const auto *cast = llvm::dyn_cast<ExplicitCastExpr>(u->getSubExpr()->IgnoreParens()))
        if (const auto *addr = llvm::dyn_cast<UnaryOperator>(cast->getSubExpr()->IgnoreParenImpCasts());
            addr && addr->getOpcode() == UO_AddrOf)
          reinterpret(addr->getSubExpr()->getType(), cast->getType()->getPointeeType(), u, false);
    return true;
  }

  // `&x` converted implicitly to a pointer to another type (C allows it with a warning).
  bool VisitImplicitCastExpr(ImplicitCastExpr *c) {
    if (c->getCastKind() != CK_BitCast || !c->getType()->isPointerType()) return true;
    const auto *addr = llvm::dyn_cast<UnaryOperator>(c->getSubExpr()->IgnoreParens());
    if (addr && addr->getOpcode() == UO_AddrOf)
      reinterpret(addr->getSubExpr()->getType(), c->getType()->getPointeeType(), c, true);
    return true;
  }

  bool VisitCallExpr(CallExpr *call) {
    const FunctionDecl *callee = call->getDirectCallee();
    if (!callee) return true;
    if (concurrent_) {
      const std::string &n = names_.name(callee);
      if (locks(n)) ++lockDepth_;
      else if (unlocks(n) && lockDepth_ > 0) --lockDepth_;
    }
    ApiUseEvent e;
    e.kind = ApiUseEvent::Kind::Call;
    e.key = call;
    e.location = loc(call->getBeginLoc());
    e.subject = text(call);
    e.callee = names_.name(callee);
    for (const Expr *a : call->arguments()) {
      ArgumentFacts f = facts(a, 0);
      auto paired = pairs_.literals.find({e.callee, f.variable});
      if (paired != pairs_.literals.end()) f.literalsPairedByCallee = paired->second.size();
      e.args.push_back(std::move(f));
    }
    const auto &forwarded = forwarding_.of(callee);
    unsigned offset = Forwarding::argumentOffset(call, callee);
    for (unsigned i = offset; i < e.args.size() && i - offset < forwarded.size(); ++i)
      e.args[i].forwardedTo = forwarded[i - offset];
    const FunctionDecl *named = callee->getDefinition() ? callee->getDefinition() : callee;
    for (const ParmVarDecl *p : named->parameters()) e.parameters.push_back(p->getNameAsString());
    loopContext(call, e);
    e.callsOfCallee = callsOf(callee);
    e.callsInFunction = callsByName();
    emit(e);
    voidParameterTypes(call, callee);
    return true;
  }

  // A callee that, first thing, casts its `void *` parameter to a pointer to struct T
  // (`Person *person = (Person *)data;`) treats whatever it is given as a T. A call that
  // passes a pointer to another struct U is a Reinterpret event (`op` "void parameter"),
  // unless U begins with a T (C's way of deriving one struct from another).
  void voidParameterTypes(const CallExpr *call, const FunctionDecl *callee) {
    const FunctionDecl *def = callee->getDefinition();
    const auto *body = def ? llvm::dyn_cast_or_null<CompoundStmt>(def->getBody()) : nullptr;
    if (!body || def->isVariadic()) return;
    for (const Stmt *st : body->body()) {
      const auto *ds = llvm::dyn_cast<DeclStmt>(st);
      if (!ds) break;  // only the declarations the body starts with
      for (const Decl *d : ds->decls()) {
        const auto *vd = llvm::dyn_cast<VarDecl>(d);
        const auto *cast = vd && vd->getInit() ? llvm::dyn_cast<ExplicitCastExpr>(vd->getInit()->IgnoreParens()) : nullptr;
        const auto *ref = cast ? llvm::dyn_cast<DeclRefExpr>(cast->getSubExpr()->IgnoreParenImpCasts()) : nullptr;
        const auto *param = ref ? llvm::dyn_cast<ParmVarDecl>(ref->getDecl()) : nullptr;
        if (!param || !param->getType()->isVoidPointerType() || !cast->getType()->isPointerType()) continue;
        QualType expected = cast->getType()->getPointeeType().getCanonicalType().getUnqualifiedType();
        if (!expected->isStructureType()) continue;
        unsigned index = param->getFunctionScopeIndex();
        if (index >= call->getNumArgs()) continue;
        const Expr *arg = call->getArg(index)->IgnoreParenImpCasts();
        QualType given;
        if (const auto *u = llvm::dyn_cast<UnaryOperator>(arg); u && u->getOpcode() == UO_AddrOf) {
          if (firstMemberOf(u->getSubExpr(), expected)) continue;
          given = u->getSubExpr()->getType();
        } else if (arg->getType()->isPointerType())
          given = arg->getType()->getPointeeType();
        if (given.isNull()) continue;
        given = given.getCanonicalType().getUnqualifiedType();
        if (!given->isStructureType() || given == expected || beginsWith(given, expected)) continue;
        if (given->isIncompleteType() || expected->isIncompleteType()) continue;
        ApiUseEvent e;
        e.kind = ApiUseEvent::Kind::Reinterpret;
        e.key = call->getArg(index);
        e.location = loc(call->getArg(index)->getBeginLoc());
        e.subject = text(call);
        e.callee = names_.name(callee);
        e.op = "void parameter";
        e.from.name = given.getAsString(ctx_.getPrintingPolicy());
        e.to.name = expected.getAsString(ctx_.getPrintingPolicy());
        ArgumentFacts where;
        where.variable = param->getNameAsString();
        where.definedAt = loc(cast->getBeginLoc());
        e.args.push_back(where);
        emit(e);
      }
    }
  }

  // Whether `member` (`x->link`, `x.hdr.link`) is, at any depth, the first member of an
  // object of type `expected` or of one that begins with it. A struct's first member sits at
  // its start (C11 6.7.2.1p15), so its address is the object's: intrusive containers pass
  // `&elem->link` to callbacks that take the element back. Every member of a union starts
  // there too.
  static bool firstMemberOf(const Expr *member, QualType expected) {
    const auto *m = llvm::dyn_cast<MemberExpr>(member->IgnoreParens());
    for (int depth = 0; m && depth < 8; ++depth) {
      const auto *field = llvm::dyn_cast<FieldDecl>(m->getMemberDecl());
      if (!field || (field->getFieldIndex() != 0 && !field->getParent()->isUnion())) return false;
      // A C++ class with a base or a vtable does not start with its first field.
      if (const auto *cxx = llvm::dyn_cast<CXXRecordDecl>(field->getParent());
          cxx && cxx->hasDefinition() && (cxx->getNumBases() > 0 || cxx->isDynamicClass()))
        return false;
      QualType outer = m->getBase()->getType();
      if (m->isArrow()) outer = outer->getPointeeType();
      if (outer.isNull()) return false;
      outer = outer.getCanonicalType().getUnqualifiedType();
      if (outer == expected || beginsWith(outer, expected)) return true;
      if (m->isArrow()) return false;  // the base is another object, reached through a pointer
      m = llvm::dyn_cast<MemberExpr>(m->getBase()->IgnoreParens());
    }
    return false;
  }

  // Whether struct `outer` starts with a member of struct type `inner` (at any depth).
  static bool beginsWith(QualType outer, QualType inner) {
    for (int depth = 0; depth < 8; ++depth) {
      const RecordDecl *rd = outer->getAsRecordDecl();
      if (!rd || rd->field_empty()) return false;
      outer = rd->field_begin()->getType().getCanonicalType().getUnqualifiedType();
      if (outer == inner) return true;
    }
    return false;
  }

  // The argument names of every call of `callee` in this function, gathered once.
  std::shared_ptr<const std::vector<std::vector<std::string>>> callsOf(const FunctionDecl *callee) {
    gatherCalls();
    auto it = callsByCallee_->find(callee->getCanonicalDecl());
    return it == callsByCallee_->end() ? nullptr : it->second;
  }
  // The same for every callee, by name.
  std::shared_ptr<const std::map<std::string, std::vector<std::vector<std::string>>>> callsByName() {
    gatherCalls();
    return callsByName_;
  }
  void gatherCalls() {
    if (!callsByCallee_) {
      struct Calls : RecursiveASTVisitor<Calls> {
        std::map<const FunctionDecl *, std::vector<std::vector<std::string>>> found;
        bool VisitCallExpr(CallExpr *c) {
          const FunctionDecl *fd = c->getDirectCallee();
          if (!fd) return true;
          std::vector<std::string> names;
          for (const Expr *a : c->arguments()) {
            const Expr *x = a->IgnoreParenCasts();
            if (const FunctionDecl *fn = addressedFunction(x)) names.push_back(fn->getNameAsString());
            else if (const auto *d = llvm::dyn_cast<DeclRefExpr>(x)) names.push_back(d->getDecl()->getNameAsString());
            else if (const auto *m = llvm::dyn_cast<MemberExpr>(x)) names.push_back(m->getMemberDecl()->getNameAsString());
            else names.emplace_back();
          }
          found[fd->getCanonicalDecl()].push_back(std::move(names));
          return true;
        }
      } calls;
      calls.TraverseStmt(fd_->getBody());
      callsByCallee_.emplace();
      auto byName = std::make_shared<std::map<std::string, std::vector<std::vector<std::string>>>>();
      for (auto &[fd, list] : calls.found) {
        auto &named = (*byName)[names_.name(fd)];
        named.insert(named.end(), list.begin(), list.end());
        (*callsByCallee_)[fd] = std::make_shared<const std::vector<std::vector<std::string>>>(std::move(list));
      }
      callsByName_ = std::move(byName);
    }
  }

  // The innermost loop around `call` in this function, and whether a relational test
  // between the loop and the call (or the loop's own condition) decides that it runs.
  void loopContext(const CallExpr *call, ApiUseEvent &e) {
    // The function's own parent map: ASTContext::getParents would map the whole TU,
    // headers included, for one function's statements.
    if (!parents_) parents_ = std::make_unique<ParentMap>(fd_->getBody());
    const Stmt *child = call, *loop = nullptr;
    bool limited = false;
    for (int depth = 0; depth < 128 && !loop; ++depth) {
      const Stmt *p = parents_->getParent(child);
      if (!p || llvm::isa<LambdaExpr>(p)) break;  // a lambda's loops are its own
      const Expr *cond = nullptr;
      if (const auto *i = llvm::dyn_cast<IfStmt>(p)) cond = child != i->getCond() ? i->getCond() : nullptr;
      else if (const auto *c = llvm::dyn_cast<ConditionalOperator>(p)) cond = child != c->getCond() ? c->getCond() : nullptr;
      else if (const auto *w = llvm::dyn_cast<WhileStmt>(p)) loop = p, cond = w->getCond();
      else if (const auto *f = llvm::dyn_cast<ForStmt>(p)) loop = p, cond = f->getCond();
      else if (const auto *d = llvm::dyn_cast<DoStmt>(p)) loop = p, cond = d->getCond();
      else if (llvm::isa<CXXForRangeStmt>(p)) loop = p;
      if (cond && hasRelationalTest(cond)) limited = true;
      child = p;
    }
    if (!loop) return;
    e.inLoop = true;
    e.limitedByComparison = limited || limitedEarlier(loop, call);
    auto cached = loopCalls_.find(loop);
    if (cached == loopCalls_.end()) {
      struct Calls : RecursiveASTVisitor<Calls> {
        ASTContext &ctx;
        CalleeNamer &names;
        std::vector<LoopCallFacts> found;
        Calls(ASTContext &c, CalleeNamer &n) : ctx(c), names(n) {}
        bool VisitCallExpr(CallExpr *c) {
          const FunctionDecl *fd = c->getDirectCallee();
          if (!fd) return true;
          found.push_back({names.name(fd), integerArguments(c, ctx)});
          return true;
        }
      } calls(ctx_, names_);
      calls.TraverseStmt(const_cast<Stmt *>(loop));
      cached = loopCalls_.emplace(loop, std::make_shared<const std::vector<LoopCallFacts>>(std::move(calls.found))).first;
    }
    e.loopCalls = cached->second;
  }

  // Before `call` in the loop's body, a relational test that ends the iteration
  // (`if (children >= MAX) { close(c); continue; }`) or an inner loop that waits on one
  // (`while (children >= MAX) pause();`). The loop's limiting statements are found once.
  bool limitedEarlier(const Stmt *loop, const CallExpr *call) {
    auto cached = limits_.find(loop);
    if (cached == limits_.end()) cached = limits_.emplace(loop, limitingStatementEnds(loop)).first;
    const SourceManager &sm = ctx_.getSourceManager();
    for (SourceLocation end : cached->second)
      if (sm.isBeforeInTranslationUnit(end, call->getBeginLoc())) return true;
    return false;
  }

  // Where each statement in the loop's body that limits what follows it ends.
  std::vector<SourceLocation> limitingStatementEnds(const Stmt *loop) {
    struct Finder : RecursiveASTVisitor<Finder> {
      const Stmt *outer;
      std::vector<SourceLocation> ends;
      explicit Finder(const Stmt *o) : outer(o) {}
      static bool leaves(const Stmt *s) {
        if (!s) return false;
        if (llvm::isa<ContinueStmt>(s) || llvm::isa<BreakStmt>(s) || llvm::isa<ReturnStmt>(s) || llvm::isa<GotoStmt>(s))
          return true;
        for (const Stmt *c : s->children())
          if (leaves(c)) return true;
        return false;
      }
      bool VisitIfStmt(IfStmt *i) {
        if (hasRelationalTest(i->getCond()) && leaves(i->getThen())) ends.push_back(i->getEndLoc());
        return true;
      }
      bool VisitWhileStmt(WhileStmt *w) {
        if (w != outer && hasRelationalTest(w->getCond())) ends.push_back(w->getEndLoc());
        return true;
      }
      bool VisitDoStmt(DoStmt *d) {
        if (d != outer && hasRelationalTest(d->getCond())) ends.push_back(d->getEndLoc());
        return true;
      }
    } finder(loop);
    finder.TraverseStmt(const_cast<Stmt *>(loop));
    return finder.ends;
  }

  // A relational test against a bound: `n < MAX`, `used >= limit`. An error check against 0
  // or -1 (`fd < 0`, `n <= 0`) bounds nothing.
  static bool hasRelationalTest(const Expr *cond) {
    struct Finder : RecursiveASTVisitor<Finder> {
      bool found = false;
      static bool errorValue(const Expr *e) {
        if (const auto *u = llvm::dyn_cast<UnaryOperator>(e->IgnoreParenImpCasts()); u && u->getOpcode() == UO_Minus)
          return true;
        const auto *i = llvm::dyn_cast<IntegerLiteral>(e->IgnoreParenImpCasts());
        return i && i->getValue() == 0;
      }
      bool VisitBinaryOperator(BinaryOperator *b) {
        found |= b->isRelationalOp() && !errorValue(b->getLHS()) && !errorValue(b->getRHS());
        return !found;
      }
    } finder;
    finder.TraverseStmt(const_cast<Expr *>(cond));
    return finder.found;
  }

  // `p < 0`, `f == -1`, `fgets(...) < 0`: a value compared with an integer constant.
  bool VisitBinaryOperator(BinaryOperator *b) {
    if (b->isAssignmentOp()) sharedWrite(b->getLHS(), b);
    if (!b->isComparisonOp()) return true;
    const Expr *value = b->getLHS(), *constant = b->getRHS();
    std::string op = b->getOpcodeStr().str();
    if (!integerConstant(constant, ctx_) && integerConstant(value, ctx_)) {
      std::swap(value, constant);
      op = BinaryOperator::getOpcodeStr(BinaryOperator::reverseComparisonOp(b->getOpcode())).str();
    }
    if (!integerConstant(constant, ctx_) || integerConstant(value, ctx_)) return true;
    ApiUseEvent e;
    e.kind = ApiUseEvent::Kind::Comparison;
    e.key = b;
    e.location = loc(b->getBeginLoc());
    e.subject = text(b);
    e.op = op;
    e.args.push_back(facts(value, 0));
    e.args.push_back(facts(constant, 0));
    e.callee = e.args[0].producer;
    // A sentinel written as a pointer (`MAP_FAILED`, `(void *)-1`) is its API's convention.
    e.pointerCompared = value->IgnoreParenImpCasts()->getType()->isPointerType() &&
                        !constant->IgnoreParenImpCasts()->getType()->isPointerType();
    e.unsignedCompared = value->IgnoreParenImpCasts()->getType()->isUnsignedIntegerType();
    emit(e);
    return true;
  }

private:
  ASTContext &ctx_;
  const FunctionDecl *fd_;
  std::unique_ptr<ParentMap> parents_;
  LocationMapper &locations_;
  CalleeNamer &names_;
  const std::vector<const ApiUseChecker *> &checkers_;
  std::map<std::pair<const void *, const void *>, Finding> &found_;
  Assignments assignments_;
  LiteralPairs pairs_{names_, locations_, ctx_.getLangOpts()};
  std::string function_;
  bool concurrent_;
  Forwarding &forwarding_;
  unsigned lockDepth_ = 0;
  std::set<const VarDecl *> reportedShared_;
  // Per loop, built when a call in it is first seen: its calls, and where its limiting
  // statements end.
  std::map<const Stmt *, std::shared_ptr<const std::vector<LoopCallFacts>>> loopCalls_;
  std::map<const Stmt *, std::vector<SourceLocation>> limits_;
  // Per callee, the argument names of its calls in this function, built on first use.
  std::optional<std::map<const FunctionDecl *, std::shared_ptr<const std::vector<std::vector<std::string>>>>>
      callsByCallee_;
  std::shared_ptr<const std::map<std::string, std::vector<std::vector<std::string>>>> callsByName_;  // the same, by name

  ScalarTypeFacts scalar(QualType t) {
    ScalarTypeFacts f;
    t = t.getCanonicalType().getUnqualifiedType();
    f.name = t.getAsString(ctx_.getPrintingPolicy());
    if (t->isAnyCharacterType() || t->isSpecificBuiltinType(BuiltinType::SChar) ||
        t->isSpecificBuiltinType(BuiltinType::UChar) || t->isSpecificBuiltinType(BuiltinType::Char_U) ||
        t->isSpecificBuiltinType(BuiltinType::Char_S))
      f.kind = ScalarTypeFacts::Character;
    else if (t->isIntegerType() && !t->isEnumeralType() && !t->isBooleanType()) f.kind = ScalarTypeFacts::Integer;
    else if (t->isRealFloatingType()) f.kind = ScalarTypeFacts::Floating;
    if (f.kind != ScalarTypeFacts::Other && !t->isIncompleteType()) f.bytes = ctx_.getTypeSizeInChars(t).getQuantity();
    return f;
  }

  void reinterpret(QualType object, QualType access, const Expr *at, bool implicit) {
    if (object->isDependentType() || access->isDependentType()) return;
    ApiUseEvent e;
    e.kind = ApiUseEvent::Kind::Reinterpret;
    e.key = at;
    e.location = loc(at->getBeginLoc());
    e.subject = text(at);
    e.from = scalar(object);
    e.to = scalar(access);
    e.implicitConversion = implicit;
    emit(e);
  }

  void sharedWrite(const Expr *target, const Expr *at) {
    if (!concurrent_ || lockDepth_ > 0) return;
    const auto *d = llvm::dyn_cast<DeclRefExpr>(target->IgnoreParenImpCasts());
    const auto *vd = d ? llvm::dyn_cast<VarDecl>(d->getDecl()) : nullptr;
    if (!vd || !vd->hasGlobalStorage() || vd->getTLSKind() != VarDecl::TLS_None) return;
    QualType t = vd->getType();
    if (t.isConstQualified() || t->isAtomicType() || !(t->isIntegerType() || t->isPointerType() || t->isRealFloatingType()))
      return;
    // sig_atomic_t and the like: a flag the program means to share without a lock.
    if (t.isVolatileQualified()) return;
    if (!reportedShared_.insert(vd).second) return;
    ApiUseEvent e;
    e.kind = ApiUseEvent::Kind::SharedWrite;
    e.key = at;
    e.location = loc(at->getBeginLoc());
    e.subject = text(at);
    ArgumentFacts v;
    v.variable = vd->getNameAsString();
    v.definedAt = loc(vd->getLocation());
    e.args.push_back(v);
    emit(e);
  }

  Location loc(SourceLocation l) { return locations_.map(l); }
  std::string text(const Stmt *s) { return locations_.text(s->getSourceRange(), ctx_.getLangOpts()); }


  // The one value a variable ever holds in this function (or, for a const file-scope
  // variable, its initializer). Null when it is assigned more than once or may change.
  const Expr *onlyValue(const VarDecl *vd) {
    if (vd->hasGlobalStorage() && !vd->isLocalVarDecl()) {
      bool constant = vd->getType().isConstQualified() ||
                      (vd->getType()->isArrayType() && ctx_.getAsArrayType(vd->getType())->getElementType().isConstQualified());
      return constant && vd->hasInit() ? vd->getInit() : nullptr;
    }
    if (assignments_.opaque.count(vd)) return nullptr;
    auto it = assignments_.values.find(vd);
    if (it == assignments_.values.end() || it->second.size() != 1) return nullptr;
    return it->second.front();
  }

  // Whether every element is an integer constant; `allZero` is cleared unless all are 0
  // (`salt[32] = {0}`: a placeholder or an all-zero salt, not a chosen secret).
  static bool allConstants(const InitListExpr *list, ASTContext &ctx, bool &allZero) {
    if (list->getNumInits() == 0) return false;
    for (const Expr *i : list->inits()) {
      const Expr *x = i->IgnoreParenImpCasts();
      if (const auto *inner = llvm::dyn_cast<InitListExpr>(x)) {
        if (!allConstants(inner, ctx, allZero)) return false;
        continue;
      }
      std::optional<llvm::APSInt> value = x->isValueDependent() ? std::nullopt : x->getIntegerConstantExpr(ctx);
      if (!value) return false;
      allZero &= *value == 0;
    }
    return true;
  }

  ArgumentFacts facts(const Expr *arg, unsigned depth) {
    ArgumentFacts f;
    f.text = text(arg);
    f.integer = integerConstant(arg, ctx_);
    SourceLocation begin = arg->getBeginLoc();
    if (begin.isMacroID()) {
      llvm::StringRef m = Lexer::getImmediateMacroName(begin, ctx_.getSourceManager(), ctx_.getLangOpts());
      f.macro = m.str();
    }
    const Expr *x = arg->IgnoreParenCasts();
    if (const FunctionDecl *fn = addressedFunction(x)) f.function = fn->getNameAsString();
    if (const auto *lit = llvm::dyn_cast<StringLiteral>(x)) {
      if (lit->getCharByteWidth() == 1) f.literal = lit->getString().str();
      f.definedAt = loc(lit->getBeginLoc());
    } else if (const auto *call = llvm::dyn_cast<CallExpr>(x)) {
      if (const FunctionDecl *fd = call->getDirectCallee()) f.producer = names_.name(fd);
      f.definedAt = loc(call->getBeginLoc());
    } else if (const auto *m = llvm::dyn_cast<MemberExpr>(x)) {
      f.variable = text(m);
    } else if (const auto *d = llvm::dyn_cast<DeclRefExpr>(x)) {
      const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl());
      if (!vd) return f;
      f.variable = vd->getNameAsString();
      if (llvm::isa<ParmVarDecl>(vd) || depth > 4) return f;
      const Expr *value = onlyValue(vd);
      if (!value) return f;
      if (const auto *list = llvm::dyn_cast<InitListExpr>(value->IgnoreParenImpCasts());
          list && vd->getType()->isArrayType()) {
        bool zero = true;
        f.constantBytes = allConstants(list, ctx_, zero);
        f.zeroBytes = f.constantBytes && zero;
        f.definedAt = loc(vd->getLocation());
        return f;
      }
      ArgumentFacts inner = facts(value, depth + 1);
      f.literal = inner.literal;
      f.producer = inner.producer;
      f.constantBytes = inner.constantBytes;
      f.zeroBytes = inner.zeroBytes;
      if (f.macro.empty()) f.macro = inner.macro;
      if (!f.integer) f.integer = inner.integer;
      f.definedAt = inner.literal || !inner.producer.empty() ? inner.definedAt : loc(vd->getLocation());
    }
    return f;
  }

  void emit(const ApiUseEvent &e0) {
    ApiUseEvent e = e0;
    e.function = function_;
    for (const ApiUseChecker *c : checkers_) {
      if (!c->watches(e.kind)) continue;
      auto key = std::make_pair(e.key, static_cast<const void *>(c));
      if (found_.count(key)) continue;
      std::optional<ApiUseChecker::Verdict> v = c->judge(e);
      if (!v) continue;
      // At the checker's place (a secret's literal) when it names one; the sink is the use.
      Location at = v->location.valid() ? v->location : e.location;
      found_.emplace(key, findingOf(c->rule(), v->cwe, v->message, at, e.location, e.function, std::move(v->trace),
                                    e.subject));
    }
  }
};

}  // namespace

std::vector<Finding> analyzeApiUse(ASTContext &ctx, const std::vector<const ApiUseChecker *> &checkers,
                                   const std::vector<const FunctionDecl *> *functions) {
  LocationMapper locations(ctx.getSourceManager());
  CalleeNamer names;
  std::map<std::pair<const void *, const void *>, Finding> found;
  ThreadStarts threads(names);
  Forwarding forwarding(names, locations, ctx.getSourceManager(), ctx.getLangOpts());
  traverseOutsideSystemHeaders(ctx, threads);
  for (const FunctionDecl *fd : functions ? *functions : analyzableFunctions(ctx)) {
    auto started = threads.instances.find(fd->getCanonicalDecl());
    bool concurrent = started != threads.instances.end() && started->second >= 2;
    FunctionApiUse visitor(ctx, fd, locations, names, checkers, found, concurrent, forwarding);
    visitor.TraverseStmt(fd->getBody());
  }
  std::vector<Finding> out;
  for (auto &[k, f] : found) out.push_back(std::move(f));
  std::sort(out.begin(), out.end(), [](const Finding &a, const Finding &b) {
    return std::tie(a.location, a.ruleId) < std::tie(b.location, b.ruleId);
  });
  return out;
}

}  // namespace mamori
