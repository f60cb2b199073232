#include "engine/RangeAnalysis.h"

#include "core/Rule.h"
#include "engine/Dataflow.h"
#include "frontend/AstUtil.h"
#include "frontend/FunctionOrder.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Analysis/CFG.h"

#include <cmath>
#include <map>
#include <set>

namespace mamori {

using namespace clang;

namespace {

using i128 = __int128;
constexpr i128 kPosInf = static_cast<i128>(1) << 100;
constexpr i128 kNegInf = -kPosInf;

// APSInt to a wide integer, respecting signedness (SIZE_MAX is not -1).
i128 toI128(const llvm::APSInt &v) {
  if (v.getBitWidth() > 64) return v.isNegative() ? kNegInf : kPosInf;
  return v.isUnsigned() ? static_cast<i128>(v.getZExtValue()) : static_cast<i128>(v.getSExtValue());
}

ValueRange top() {
  ValueRange r;
  r.lo = kNegInf;
  r.hi = kPosInf;
  return r;
}

ValueRange exact(i128 v) {
  ValueRange r;
  r.lo = r.hi = v;
  r.known = true;
  r.nonZero = v != 0;
  return r;
}

ValueRange normalize(ValueRange r) {
  if (r.lo < kNegInf) r.lo = kNegInf;
  if (r.hi > kPosInf) r.hi = kPosInf;
  r.known = r.lo > kNegInf && r.hi < kPosInf;
  if (r.lo > 0 || r.hi < 0) r.nonZero = true;
  return r;
}

ValueRange hull(const ValueRange &a, const ValueRange &b) {
  ValueRange r;
  r.lo = std::min(a.lo, b.lo);
  r.hi = std::max(a.hi, b.hi);
  r.external = a.external || b.external;
  r.nonZero = a.nonZero && b.nonZero;
  r.origin = a.external ? a.origin : b.origin;
  r.originWhat = a.external ? a.originWhat : b.originWhat;
  r.commandLine = r.external && (!a.external || a.commandLine) && (!b.external || b.commandLine);
  return normalize(r);
}

bool sameRange(const ValueRange &a, const ValueRange &b) {
  return a.lo == b.lo && a.hi == b.hi && a.external == b.external && a.nonZero == b.nonZero;
}

constexpr long long kNullBuffer = -2;
// A string length for a block nothing has been written to yet (a fresh malloc/alloca, an
// array declared without initializer). strlen() there reads uninitialized memory, a bug
// of its own, so at a join the path that did write a string decides the length.
constexpr long long kNoString = -3;

// What a pointer refers to: a buffer of known size, and the length of the string in it.
struct BufferFacts {
  long long bytes = -1;
  long long stringLength = -1;  // strlen of its content, when known
  bool heap = false;
  bool placeKnown = true;  // false: stack or heap cannot be told (a field reached through a pointer)
  // The address itself was chosen outside the program on some path: an external integer
  // converted to a pointer (`(int *)strtoul(s, ...)`), or a pointer moved by an external
  // offset (`p += n`) that nothing checked. `untrustedWhy` holds that value's range.
  enum Untrusted : unsigned char { Trusted, Address, Offset };
  Untrusted untrusted = Trusted;
  ValueRange untrustedWhy;
  // A string from outside whose length nothing bounds (getenv, a command-line argument),
  // on some path; `externalWhat` says which.
  bool externalString = false;
  std::string externalWhat;
  // A string literal on every path: writing into it is undefined (it lives in read-only
  // memory on every common platform, and the program crashes).
  bool readOnly = false;
  std::string name;
  Location declaredAt;
  bool operator==(const BufferFacts &o) const {
    return bytes == o.bytes && stringLength == o.stringLength && heap == o.heap && placeKnown == o.placeKnown &&
           untrusted == o.untrusted && externalString == o.externalString && readOnly == o.readOnly;
  }
};

struct RangeState {
  std::map<const VarDecl *, ValueRange> values;
  std::map<const VarDecl *, BufferFacts> buffers;
  std::map<const VarDecl *, const VarDecl *> aliases;  // int *p = &x: *p is x
  // Relations between two variables that a test established on this path, which intervals
  // alone lose: `if (a > LIMIT - b) return;` bounds a + b, `if (len < hdr) return;` makes
  // len - hdr non-negative. A write to either variable ends the relation.
  enum class Relation { SumAtMost, DifferenceAtLeast };  // a + b <= k; a - b >= k
  using RelationKey = std::tuple<const VarDecl *, const VarDecl *, Relation>;
  std::map<RelationKey, i128> relations;
  bool infeasible = false;  // a branch condition contradicted what is known

  void forget(const VarDecl *vd) {
    for (auto it = relations.begin(); it != relations.end();)
      it = std::get<0>(it->first) == vd || std::get<1>(it->first) == vd ? relations.erase(it) : std::next(it);
  }

  bool join(const RangeState &o, bool widen) {
    bool changed = false;
    for (auto it = values.begin(); it != values.end();) {
      auto other = o.values.find(it->first);
      if (other == o.values.end()) {
        it = values.erase(it);
        changed = true;
        continue;
      }
      ValueRange j = hull(it->second, other->second);
      if (widen) {
        if (other->second.hi > it->second.hi) j.hi = kPosInf;
        if (other->second.lo < it->second.lo) j.lo = kNegInf;
        j = normalize(j);
      }
      if (!sameRange(j, it->second)) {
        it->second = j;
        changed = true;
      }
      ++it;
    }
    for (auto it = relations.begin(); it != relations.end();) {
      auto other = o.relations.find(it->first);
      if (other == o.relations.end() || (widen && other->second != it->second)) {
        it = relations.erase(it);
        changed = true;
        continue;
      }
      i128 weaker = std::get<2>(it->first) == Relation::SumAtMost ? std::max(it->second, other->second)
                                                                  : std::min(it->second, other->second);
      if (weaker != it->second) {
        it->second = weaker;
        changed = true;
      }
      ++it;
    }
    for (auto it = aliases.begin(); it != aliases.end();) {
      auto other = o.aliases.find(it->first);
      if (other == o.aliases.end() || other->second != it->second) {
        it = aliases.erase(it);
        changed = true;
      } else {
        ++it;
      }
    }
    // Buffers: a pointer absent on one path was not assigned there (using it would be
    // undefined), so the other path decides; an unknown assignment is an entry with bytes -1.
    for (const auto &[k, v] : o.buffers)
      if (!buffers.count(k)) {
        buffers.emplace(k, v);
        changed = true;
      }
    for (auto it = buffers.begin(); it != buffers.end();) {
      auto other = o.buffers.find(it->first);
      if (other == o.buffers.end()) {
        ++it;
        continue;
      }
      BufferFacts j = it->second;
      long long mine = it->second.stringLength, theirs = other->second.stringLength;
      long long length = mine == kNoString ? theirs : theirs == kNoString ? mine : mine == theirs ? mine : -1;
      // bytes -2: NULL on that path (no buffer to overflow there): the other path decides.
      if (j.bytes == kNullBuffer) {
        j = other->second;
      } else if (other->second.bytes == kNullBuffer) {
        // keep j
      } else if (j.bytes >= 0 && other->second.bytes < 0) {
        j = other->second;  // unknown on one path: nothing can be said
      } else if (other->second.bytes >= 0 && j.bytes >= 0 && other->second.bytes < j.bytes) {
        j.bytes = other->second.bytes;
        j.name = other->second.name;
        j.declaredAt = other->second.declaredAt;
      }
      if (it->second.bytes != kNullBuffer && other->second.bytes != kNullBuffer)
        j.readOnly = it->second.readOnly && other->second.readOnly;
      j.stringLength = length;
      if (j.untrusted == BufferFacts::Trusted && other->second.untrusted != BufferFacts::Trusted) {
        j.untrusted = other->second.untrusted;
        j.untrustedWhy = other->second.untrustedWhy;
      }
      j.heap = j.heap || other->second.heap;
      if (!j.externalString && other->second.externalString) {
        j.externalString = true;
        j.externalWhat = other->second.externalWhat;
        j.declaredAt = other->second.declaredAt;
      }
      if (!(j == it->second)) {
        it->second = j;
        changed = true;
      }
      ++it;
    }
    return changed;
  }
};

// Copying functions: which argument is the destination, which the length, and the unit
// of the length (bytes, or wide characters).
struct CopyModel {
  unsigned dst, len;
  bool wide;
};
const CopyModel *copyModel(const std::string &name) {
  static const std::map<std::string, CopyModel> models = {
      {"memcpy", {0, 2, false}},   {"memmove", {0, 2, false}},  {"memset", {0, 2, false}},
      {"strncpy", {0, 2, false}},  {"strncat", {0, 2, false}},  {"fgets", {0, 1, false}},
      {"read", {1, 2, false}},     {"recv", {1, 2, false}},     {"snprintf", {0, 1, false}},
      {"vsnprintf", {0, 1, false}}, {"wmemcpy", {0, 2, true}},  {"wmemmove", {0, 2, true}},
      {"wmemset", {0, 2, true}},   {"wcsncpy", {0, 2, true}},   {"wcsncat", {0, 2, true}},
      {"fread", {0, 2, false}},    {"swprintf", {0, 1, true}},  {"fgetws", {0, 1, true}},
  };
  auto it = models.find(name);
  return it == models.end() ? nullptr : &it->second;
}

bool isExternalNumberSource(const std::string &name) {
  static const std::set<std::string> names = {"atoi",  "atol",    "atoll",   "strtol", "strtoul", "strtoll",
                                              "strtoull", "strtod", "strtof", "atof",  "strtold", "rand",
                                              "random", "lrand48", "mrand48", "getchar", "fgetc",  "getc",
                                              "ntohl", "ntohs"};
  return names.count(name) != 0;
}

// What the callers of a function pass as one parameter, joined over every call site.
struct ParamFacts {
  std::optional<ValueRange> value;
  std::optional<BufferFacts> buffer;
  bool sawUnknownBuffer = false;
  unsigned calls = 0;
};

struct RangeTu {
  ASTContext &ctx;
  bool emitting = true;  // false in the first pass, which only gathers facts
  std::map<const FunctionDecl *, ValueRange> returnRanges;   // hull of what a function returns
  // Out-parameters: pointer-to-integer parameters the function uses only as `*p` (reads and
  // plain `*p = v` stores), and the hull of the values it stores (no entry: it stores none).
  // `step(&x)` then leaves x within the hull of its old value and those.
  std::set<std::pair<const FunctionDecl *, unsigned>> simpleOutParams;
  std::map<std::pair<const FunctionDecl *, unsigned>, ValueRange> outRanges;
  std::map<const FunctionDecl *, BufferFacts> returnBuffers; // the buffer a function returns
  std::map<const VarDecl *, ValueRange> staticWrites;        // hull of what is stored in a file-scope static
  std::map<const FunctionDecl *, std::vector<ParamFacts>> parameterFacts;
  std::set<const FunctionDecl *> addressTaken;  // may be called from anywhere: no caller facts
  const std::vector<const RangeChecker *> &checkers;
  LocationMapper locations;
  CalleeNamer names;
  std::map<std::pair<const void *, const RangeChecker *>, Finding> found;
  // File-scope variables with a constant initializer that nothing in the TU writes or
  // takes the address of (`static int staticFive = 5;`): they keep that value.
  std::map<const VarDecl *, i128> constantGlobals;

  RangeTu(ASTContext &c, const std::vector<const RangeChecker *> &ch)
      : ctx(c), checkers(ch), locations(c.getSourceManager()) {}

  // Whether this TU defines main: a program, whose functions the other files rarely call.
  bool definesMain() {
    if (!definesMain_) {
      definesMain_ = false;
      for (const Decl *d : ctx.getTranslationUnitDecl()->decls())
        if (const auto *fd = llvm::dyn_cast<FunctionDecl>(d); fd && fd->isMain() && fd->doesThisDeclarationHaveABody())
          definesMain_ = true;
    }
    return *definesMain_;
  }
  std::optional<bool> definesMain_;

  void findConstantGlobals() {
    struct Finder : RecursiveASTVisitor<Finder> {
      ASTContext &ctx;
      std::map<const VarDecl *, i128> candidates;
      std::set<const VarDecl *> written;
      explicit Finder(ASTContext &c) : ctx(c) {}
      bool VisitVarDecl(VarDecl *vd) {
        if (!vd->hasGlobalStorage() || vd->isStaticLocal() || !vd->getType()->isIntegerType()) return true;
        // Visible to other TUs and not const: another file may change it.
        if (vd->isExternallyVisible() && !vd->getType().isConstQualified()) return true;
        const VarDecl *def = vd->getDefinition();
        if (!def || !def->getInit()) return true;
        Expr::EvalResult r;
        if (!def->getInit()->isValueDependent() && def->getInit()->EvaluateAsInt(r, ctx))
          candidates[vd->getCanonicalDecl()] = toI128(r.Val.getInt());
        return true;
      }
      void mark(const Expr *e) {
        if (const auto *d = llvm::dyn_cast<DeclRefExpr>(e->IgnoreParenImpCasts()))
          if (const auto *v = llvm::dyn_cast<VarDecl>(d->getDecl())) written.insert(v->getCanonicalDecl());
      }
      bool VisitBinaryOperator(BinaryOperator *b) {
        if (b->isAssignmentOp()) mark(b->getLHS());
        return true;
      }
      bool VisitUnaryOperator(UnaryOperator *u) {
        if (u->isIncrementDecrementOp() || u->getOpcode() == UO_AddrOf) mark(u->getSubExpr());
        return true;
      }
    } finder(ctx);
    traverseOutsideSystemHeaders(ctx, finder);
    for (auto &[vd, v] : finder.candidates)
      if (!finder.written.count(vd)) constantGlobals[vd] = v;
  }

  void emit(const RangeEvent &e) {
    if (!emitting) return;
    for (const RangeChecker *c : checkers) {
      if (!c->watches(e.kind)) continue;
      auto key = std::make_pair(e.key, c);
      // Events keyed by a pointer variable are reported once, at the first use in the
      // text: the reporting pass may reach a loop's exit before its body.
      bool earliest = e.kind == RangeEvent::Kind::UntrustedPointer || e.kind == RangeEvent::Kind::ReadOnlyWrite;
      if (auto old = found.find(key); old != found.end()) {
        if (!earliest || old->second.location.file != e.location.file || !(e.location < old->second.location)) continue;
        std::optional<RangeChecker::Verdict> v = c->judge(e);
        if (!v) continue;
        found.erase(old);
        found.emplace(key, findingOf(c->rule(), v->cwe, v->message, e.location, e.location, e.function,
                                     std::move(v->trace), e.subject + "|" + e.op));
        continue;
      }
      std::optional<RangeChecker::Verdict> v = c->judge(e);
      if (!v) continue;
      found.emplace(key, findingOf(c->rule(), v->cwe, v->message, e.location, e.location, e.function,
                                   std::move(v->trace), e.subject + "|" + e.op));
    }
  }
};

// What leaves a loop's body other than its condition: a break of this loop (not of a loop
// or switch inside it), return, goto, throw, co_return, or a call that does not return
// (exit, abort, longjmp) or that goes through a pointer we cannot see.
class LoopExitFinder : public RecursiveASTVisitor<LoopExitFinder> {
public:
  using Base = RecursiveASTVisitor<LoopExitFinder>;
  bool found = false;

  bool TraverseWhileStmt(WhileStmt *x) { return inner([&] { return Base::TraverseWhileStmt(x); }); }
  bool TraverseForStmt(ForStmt *x) { return inner([&] { return Base::TraverseForStmt(x); }); }
  bool TraverseDoStmt(DoStmt *x) { return inner([&] { return Base::TraverseDoStmt(x); }); }
  bool TraverseCXXForRangeStmt(CXXForRangeStmt *x) { return inner([&] { return Base::TraverseCXXForRangeStmt(x); }); }
  bool TraverseSwitchStmt(SwitchStmt *x) { return inner([&] { return Base::TraverseSwitchStmt(x); }); }

  bool VisitBreakStmt(BreakStmt *) { return leaves(nested_ == 0); }
  bool VisitReturnStmt(ReturnStmt *) { return leaves(true); }
  bool VisitGotoStmt(GotoStmt *) { return leaves(true); }
  bool VisitIndirectGotoStmt(IndirectGotoStmt *) { return leaves(true); }
  bool VisitCXXThrowExpr(CXXThrowExpr *) { return leaves(true); }
  bool VisitCoreturnStmt(CoreturnStmt *) { return leaves(true); }
  bool VisitCallExpr(CallExpr *c) {
    const FunctionDecl *fd = c->getDirectCallee();
    return leaves(!fd || fd->isNoReturn());
  }

private:
  unsigned nested_ = 0;  // loops and switches a break would leave instead
  template <typename F> bool inner(F traverse) {
    ++nested_;
    bool r = traverse();
    --nested_;
    return r;
  }
  bool leaves(bool yes) {
    found = found || yes;
    return !found;  // stop at the first exit
  }
};

class FunctionRanges {
public:
  using State = RangeState;

  FunctionRanges(RangeTu &tu, const FunctionDecl *fd) : tu_(tu), fd_(fd), fnName_(fd->getNameAsString()) {
    findBitMixed();
  }
  bool reporting = false;

  State entryState() {
    State s;
    // Facts every caller in this TU agrees on (joined over the call sites).
    auto it = tu_.parameterFacts.find(fd_->getCanonicalDecl());
    if (it == tu_.parameterFacts.end()) return s;
    for (unsigned i = 0; i < fd_->getNumParams() && i < it->second.size(); ++i) {
      const ParmVarDecl *p = fd_->getParamDecl(i);
      const ParamFacts &f = it->second[i];
      if (f.value && isTracked(p)) s.values[p] = *f.value;
      // A size, or an address chosen outside the program (`process((int *)input)`): the
      // callee's dereference is where that address is used.
      if (f.buffer && (f.buffer->bytes >= 0 || f.buffer->untrusted != BufferFacts::Trusted || f.buffer->readOnly))
        s.buffers[p] = *f.buffer;
    }
    return s;
  }
  bool join(State &into, const State &from) { return into.join(from, false); }
  bool widen(State &into, const State &from) { return into.join(from, true); }
  bool isFeasible(const State &s) const { return !s.infeasible; }

  void transferBlock(const CFGBlock &block, State &s) {
    cache_.clear();
    elementValues_.clear();
    for (const CFGElement &el : block)
      if (auto cs = el.getAs<CFGStmt>()) evalStmt(cs->getStmt(), s);
  }

  // Reporting pass, at a loop's head after its condition was evaluated: if assuming the
  // condition false contradicts the ranges, and nothing else leaves the body, the loop
  // never ends once entered.
  void checkLoopExit(const CFGBlock &block, const State &s) {
    const Stmt *loop = block.getTerminatorStmt();
    const Stmt *body = nullptr;
    if (const auto *w = llvm::dyn_cast_or_null<WhileStmt>(loop)) body = w->getBody();
    else if (const auto *f = llvm::dyn_cast_or_null<ForStmt>(loop)) body = f->getBody();
    else if (const auto *d = llvm::dyn_cast_or_null<DoStmt>(loop)) body = d->getBody();
    const auto *cond = llvm::dyn_cast_or_null<Expr>(block.getTerminatorCondition());
    if (!body || !cond || s.infeasible) return;
    // A constant condition (`while (1)`, `for (;;)`) is a loop written to run forever.
    if (decide(cond)) return;
    std::vector<const VarDecl *> vars;
    if (!plainLocalCondition(cond, vars) || vars.empty()) return;
    // Every way out counts: `a && b` can also end the loop at a's own block.
    State exit = s;
    refine(cond, false, exit, 0, false);
    if (!exit.infeasible || loopHasOtherExit(body)) return;
    RangeEvent e;
    e.kind = RangeEvent::Kind::EndlessLoop;
    e.key = loop;
    e.location = loc(cond);
    e.subject = text(cond);
    e.variable = vars.front()->getNameAsString();
    auto it = s.values.find(vars.front());
    e.value = it == s.values.end() ? top() : it->second;
    emit(e);
  }

  // Reporting pass, at a branch whose false side fails an assertion (assert() expands to
  // `if (cond) ; else __assert_fail(...)` or `cond ? (void)0 : __assert_fail(...)`): if that
  // side is feasible while the condition reads attacker-chosen data, the attacker can stop
  // the program.
  void checkAssertion(const CFGBlock &block, const State &s) {
    const auto *cond = llvm::dyn_cast_or_null<Expr>(block.getTerminatorCondition());
    if (!cond || s.infeasible || block.succ_size() != 2) return;
    const CFGBlock *failing = *(block.succ_begin() + 1);
    if (!failing || !failsAssertion(*failing)) return;
    std::vector<const VarDecl *> vars = variablesIn(cond);
    const VarDecl *attacker = nullptr;
    ValueRange range;
    for (const VarDecl *vd : vars) {
      auto it = s.values.find(vd);
      if (it != s.values.end() && it->second.external) {
        attacker = vd;
        range = it->second;
        break;
      }
    }
    if (!attacker) return;
    State fail = s;
    // This block evaluated the condition's last operand; earlier operands that fail the
    // assertion are checked at their own blocks, which branch to the same failing block.
    refine(cond, false, fail, 0, true);
    if (fail.infeasible) return;
    RangeEvent e;
    e.kind = RangeEvent::Kind::Assertion;
    e.key = cond;
    e.location = loc(cond);
    e.subject = text(cond);
    e.variable = attacker->getNameAsString();
    e.value = range;
    emit(e);
  }

  bool failsAssertion(const CFGBlock &b) {
    static const std::set<std::string> failures = {"__assert_fail", "__assert_perror_fail", "__assert", "__assert2",
                                                   "__assert_rtn", "_assert", "_wassert"};
    for (const CFGElement &el : b)
      if (auto cs = el.getAs<CFGStmt>())
        if (const auto *call = llvm::dyn_cast<CallExpr>(cs->getStmt()))
          if (const FunctionDecl *fd = call->getDirectCallee(); fd && failures.count(tu_.names.name(fd))) return true;
    return false;
  }

  // The function can return, but no path from its entry to its return misses a call of
  // itself: once called, it never returns (clang's -Winfinite-recursion reasons the same
  // way). The first such call on the way is returned. A call to a function that does not
  // return (exit) ends its path at the exit, so it counts as a way out.
  const CallExpr *recursesOnEveryPath(const CFG &cfg) {
    const FunctionDecl *self = fd_->getCanonicalDecl();
    std::vector<const CallExpr *> selfCall(cfg.getNumBlockIDs(), nullptr);
    for (const CFGBlock *b : cfg)
      for (const CFGElement &el : *b)
        if (auto cs = el.getAs<CFGStmt>())
          if (const auto *c = llvm::dyn_cast<CallExpr>(cs->getStmt()))
            if (const FunctionDecl *callee = c->getDirectCallee();
                callee && callee->getCanonicalDecl() == self && !selfCall[b->getBlockID()] && onThisObject(c))
              selfCall[b->getBlockID()] = c;
    // Reachable blocks, from the entry: through every block, and avoiding self-calls.
    auto reaches = [&](bool avoidSelfCalls, const CallExpr **met) -> bool {
      std::vector<bool> seen(cfg.getNumBlockIDs(), false);
      std::vector<const CFGBlock *> work = {&cfg.getEntry()};
      seen[cfg.getEntry().getBlockID()] = true;
      while (!work.empty()) {
        const CFGBlock *b = work.back();
        work.pop_back();
        if (const CallExpr *c = selfCall[b->getBlockID()]) {
          if (met && !*met) *met = c;
          if (avoidSelfCalls) continue;
        }
        for (const CFGBlock *succ : b->succs())
          if (succ && !seen[succ->getBlockID()]) {
            seen[succ->getBlockID()] = true;
            work.push_back(succ);
          }
      }
      return seen[cfg.getExit().getBlockID()];
    };
    const CallExpr *first = nullptr;
    if (!reaches(false, nullptr) || reaches(true, &first)) return nullptr;
    return first;
  }

  // A member function's call reaches the same code again only on the same object: a
  // decorator's `inner->draw()` inside `draw()` is another object's.
  static bool onThisObject(const CallExpr *c) {
    const auto *m = llvm::dyn_cast<CXXMemberCallExpr>(c);
    if (!m) return true;
    const Expr *object = m->getImplicitObjectArgument();
    return object && llvm::isa<CXXThisExpr>(object->IgnoreParenImpCasts());
  }

  // Calls of the function to itself that repeat themselves. Reported whether or not the
  // callers seen in this TU reach the call: such a call is dead code or a hang.
  void checkRecursion(const CFG &cfg) {
    if (const CallExpr *call = recursesOnEveryPath(cfg)) emitRecursion(call, "every path");
    struct Calls : RecursiveASTVisitor<Calls> {
      const FunctionDecl *self;
      std::vector<const CallExpr *> found;
      bool VisitCallExpr(CallExpr *c) {
        if (const FunctionDecl *fd = c->getDirectCallee(); fd && fd->getCanonicalDecl() == self) found.push_back(c);
        return true;
      }
    } calls;
    calls.self = fd_->getCanonicalDecl();
    calls.TraverseStmt(fd_->getBody());
    if (std::optional<StepOver> over = stepsOverBaseCase(calls.found)) emitRecursion(over->call, "steps over", over->why);
    for (const CallExpr *call : calls.found)
      if (repeatsItself(call)) emitRecursion(call, "");
  }

  void emitRecursion(const CallExpr *call, const std::string &op, const std::string &why = "") {
    RangeEvent e;
    e.kind = RangeEvent::Kind::Recursion;
    e.key = call;
    e.location = loc(call);
    e.subject = text(call);
    e.op = op;
    e.variable = why;
    emit(e);
  }

  // A descent that jumps over its only base cases: `fib(n)` stops at `n == 1` alone and
  // calls both `fib(n - 1)` and `fib(n - 2)`: from n = 2 the second call passes 0, which
  // no test stops, and the recursion descends until the stack overflows. Required: an
  // integer parameter that the function never writes, tested only by `==`/`!=` against
  // constants (B), and no other condition in the function; self-calls that pass it as
  // `n - c` with constant c > 0 (every self-call passes it so), one of them with c = 1,
  // and none of them under a condition, so every value above B is reached. Reported at a
  // call whose step c skips, from some
  // value v = min(B) + k (0 < k < c) not in B, below min(B), with that reason.
  struct StepOver {
    const CallExpr *call;
    std::string why;
  };
  std::optional<StepOver> stepsOverBaseCase(const std::vector<const CallExpr *> &selfCalls) {
    if (selfCalls.empty()) return std::nullopt;
    for (unsigned pi = 0; pi < fd_->getNumParams(); ++pi) {
      const ParmVarDecl *param = fd_->getParamDecl(pi);
      if (!param->getType()->isIntegerType()) continue;
      auto isParam = [&](const Expr *e) {
        const auto *d = llvm::dyn_cast<DeclRefExpr>(e->IgnoreParenImpCasts());
        return d && d->getDecl() == param;
      };
      // Steps of the self-calls.
      std::vector<std::pair<const CallExpr *, i128>> steps;
      bool allDescend = true;
      for (const CallExpr *c : selfCalls) {
        if (pi >= c->getNumArgs()) { allDescend = false; break; }
        const auto *b = llvm::dyn_cast<BinaryOperator>(c->getArg(pi)->IgnoreParenImpCasts());
        std::optional<i128> k = b && b->getOpcode() == BO_Sub && isParam(b->getLHS()) ? constant(b->getRHS()) : std::nullopt;
        if (!k || *k <= 0) { allDescend = false; break; }
        steps.push_back({c, *k});
      }
      if (!allDescend) continue;
      // Conditions: every condition in the function reads the parameter only as `p == K`
      // or `p != K` (joined with && / || / !), and reads nothing else.
      struct Conditions : RecursiveASTVisitor<Conditions> {
        const ParmVarDecl *param;
        FunctionRanges *self;
        std::set<i128> base;
        bool ok = true;
        bool equalityOnly(const Expr *e) {
          e = e->IgnoreParenImpCasts();
          if (const auto *u = llvm::dyn_cast<UnaryOperator>(e); u && u->getOpcode() == UO_LNot)
            return equalityOnly(u->getSubExpr());
          const auto *b = llvm::dyn_cast<BinaryOperator>(e);
          if (!b) return false;
          if (b->isLogicalOp()) return equalityOnly(b->getLHS()) && equalityOnly(b->getRHS());
          if (!b->isEqualityOp()) return false;
          const Expr *l = b->getLHS()->IgnoreParenImpCasts(), *r = b->getRHS()->IgnoreParenImpCasts();
          auto named = [&](const Expr *x) {
            const auto *d = llvm::dyn_cast<DeclRefExpr>(x);
            return d && d->getDecl() == param;
          };
          std::optional<i128> k = named(l) ? self->constant(r) : named(r) ? self->constant(l) : std::nullopt;
          if (!k) return false;
          base.insert(*k);
          return true;
        }
        bool test(Expr *cond) {
          if (cond && !equalityOnly(cond)) ok = false;
          return ok;
        }
        bool VisitIfStmt(IfStmt *x) { return test(x->getCond()); }
        bool VisitWhileStmt(WhileStmt *x) { return test(x->getCond()); }
        bool VisitDoStmt(DoStmt *x) { return test(x->getCond()); }
        bool VisitForStmt(ForStmt *x) { return test(x->getCond()); }
        bool VisitSwitchStmt(SwitchStmt *) { return ok = false; }
        bool VisitConditionalOperator(ConditionalOperator *x) {
          guardBranches(x->getCond(), x->getTrueExpr(), x->getFalseExpr());
          return test(x->getCond());
        }
        bool VisitCXXTryStmt(CXXTryStmt *) { return ok = false; }
        // Self-calls that run only under a condition (a branch, the right of && or ||, a
        // loop's body) are not reached from every value: such a function is left alone.
        std::set<const Stmt *> guarded;
        void guard(const Stmt *st) {
          struct Calls : RecursiveASTVisitor<Calls> {
            std::set<const Stmt *> *into;
            bool VisitCallExpr(CallExpr *c) {
              into->insert(c);
              return true;
            }
          } calls;
          calls.into = &guarded;
          if (st) calls.TraverseStmt(const_cast<Stmt *>(st));
        }
        // Whether `e` holds only at the tested constants: `n == K`, joined by `||`
        // (`holds` false: whether it fails only there, `n != K` joined by `&&`). A call in
        // the branch where the parameter is pinned runs only at those values; the other
        // branch runs for every value but them, as a descent's recursive case does.
        bool pins(const Expr *e, bool holds) {
          e = e->IgnoreParenImpCasts();
          if (const auto *u = llvm::dyn_cast<UnaryOperator>(e); u && u->getOpcode() == UO_LNot) return pins(u->getSubExpr(), !holds);
          const auto *b = llvm::dyn_cast<BinaryOperator>(e);
          if (!b) return false;
          if (b->getOpcode() == (holds ? BO_LOr : BO_LAnd)) return pins(b->getLHS(), holds) && pins(b->getRHS(), holds);
          return b->getOpcode() == (holds ? BO_EQ : BO_NE);
        }
        void guardBranches(const Expr *cond, const Stmt *whenTrue, const Stmt *whenFalse) {
          bool trueOnlyAtConstants = cond && pins(cond, true), falseOnlyAtConstants = cond && pins(cond, false);
          if (!falseOnlyAtConstants) guard(whenTrue);
          if (!trueOnlyAtConstants) guard(whenFalse);
        }
        bool TraverseIfStmt(IfStmt *x) {
          guardBranches(x->getCond(), x->getThen(), x->getElse());
          return RecursiveASTVisitor::TraverseIfStmt(x);
        }
        bool TraverseWhileStmt(WhileStmt *x) {
          guard(x->getBody());
          return RecursiveASTVisitor::TraverseWhileStmt(x);
        }
        bool TraverseForStmt(ForStmt *x) {
          guard(x->getBody());
          return RecursiveASTVisitor::TraverseForStmt(x);
        }
        bool TraverseDoStmt(DoStmt *x) {
          guard(x->getBody());
          return RecursiveASTVisitor::TraverseDoStmt(x);
        }
        bool VisitUnaryOperator(UnaryOperator *u) {
          if ((u->isIncrementDecrementOp() || u->getOpcode() == UO_AddrOf) && llvm::isa<DeclRefExpr>(u->getSubExpr()->IgnoreParenImpCasts()) &&
              llvm::cast<DeclRefExpr>(u->getSubExpr()->IgnoreParenImpCasts())->getDecl() == param)
            ok = false;
          return ok;
        }
        bool VisitBinaryOperator(BinaryOperator *b) {
          if (b->isAssignmentOp())
            if (const auto *d = llvm::dyn_cast<DeclRefExpr>(b->getLHS()->IgnoreParenImpCasts()); d && d->getDecl() == param)
              ok = false;
          // `n > 1 && f(n - 1)`: the left side is a branch, the right side runs under it.
          if (b->isLogicalOp()) {
            // `n == 2 && f(n - 2)` runs the call at 2 only; `n == 0 || f(n - 1)` everywhere else.
            if (b->getOpcode() == BO_LAnd ? !pins(b->getLHS(), false) : !pins(b->getLHS(), true)) guard(b->getRHS());
            test(b->getLHS());
          }
          return ok;
        }
      } conditions;
      conditions.param = param;
      conditions.self = this;
      conditions.TraverseStmt(fd_->getBody());
      if (!conditions.ok || conditions.base.empty()) continue;
      bool guardedCall = false;
      for (const CallExpr *c : selfCalls) guardedCall = guardedCall || conditions.guarded.count(c);
      if (guardedCall) continue;
      bool stepOne = false;
      for (const auto &st : steps) stepOne = stepOne || st.second == 1;
      if (!stepOne) continue;
      i128 low = *conditions.base.begin();
      for (const auto &[call, step] : steps)
        for (i128 k = 1; k < step && k < 64; ++k)
          if (!conditions.base.count(low + k)) {
            return StepOver{call, "from " + param->getNameAsString() + " = " +
                                      std::to_string(static_cast<long long>(low + k)) + " it passes " +
                                      std::to_string(static_cast<long long>(low + k - step)) +
                                      ", below every value the function stops at"};
          }
    }
    return std::nullopt;
  }

  // `f(a, b)` inside `f(int a, int b)`, or `f(a--)`, which passes the old value: each
  // argument is its own parameter, no parameter is written anywhere else in the function,
  // and every branch of the function tests only scalar parameters. The path that reached
  // this call is then taken again by the call, forever.
  bool repeatsItself(const CallExpr *call) {
    if (call->getNumArgs() != fd_->getNumParams()) return false;
    std::set<const Expr *> passing;  // the argument expressions, allowed to write their parameter
    for (unsigned i = 0; i < call->getNumArgs(); ++i) {
      const Expr *a = call->getArg(i)->IgnoreParenImpCasts();
      if (const auto *u = llvm::dyn_cast<UnaryOperator>(a); u && u->isPostfix() && u->isIncrementDecrementOp()) {
        passing.insert(u);
        a = u->getSubExpr()->IgnoreParenImpCasts();
      }
      const auto *d = llvm::dyn_cast<DeclRefExpr>(a);
      if (!d || d->getDecl() != fd_->getParamDecl(i)) return false;
    }
    struct Scan : RecursiveASTVisitor<Scan> {
      const FunctionDecl *fd;
      const std::set<const Expr *> &passing;
      bool ok = true;
      Scan(const FunctionDecl *f, const std::set<const Expr *> &p) : fd(f), passing(p) {}
      bool isParam(const Expr *e) {
        const auto *d = llvm::dyn_cast<DeclRefExpr>(e->IgnoreParenImpCasts());
        return d && llvm::isa<ParmVarDecl>(d->getDecl());
      }
      bool VisitUnaryOperator(UnaryOperator *u) {
        if ((u->isIncrementDecrementOp() && !passing.count(u)) || u->getOpcode() == UO_AddrOf)
          if (isParam(u->getSubExpr())) ok = false;
        return ok;
      }
      bool VisitBinaryOperator(BinaryOperator *b) {
        if (b->isAssignmentOp() && isParam(b->getLHS())) ok = false;
        return ok;
      }
    } scan(fd_, passing);
    scan.TraverseStmt(fd_->getBody());
    if (!scan.ok || !branchesTestOnlyParameters()) return false;
    return true;
  }

  bool branchesTestOnlyParameters() {
    struct Conditions : RecursiveASTVisitor<Conditions> {
      bool ok = true;
      bool test(Expr *cond) {
        if (!cond) return true;
        struct Reads : RecursiveASTVisitor<Reads> {
          bool ok = true;
          bool VisitDeclRefExpr(DeclRefExpr *d) {
            const auto *p = llvm::dyn_cast<ParmVarDecl>(d->getDecl());
            if (!p && !llvm::isa<EnumConstantDecl>(d->getDecl())) ok = false;
            if (p && !p->getType()->isScalarType()) ok = false;
            return ok;
          }
          bool VisitCallExpr(CallExpr *) { return ok = false; }
          bool VisitMemberExpr(MemberExpr *) { return ok = false; }
          bool VisitArraySubscriptExpr(ArraySubscriptExpr *) { return ok = false; }
          bool VisitUnaryOperator(UnaryOperator *u) { return ok = u->getOpcode() != UO_Deref; }
        } reads;
        reads.TraverseStmt(cond);
        ok = ok && reads.ok;
        return ok;
      }
      bool VisitIfStmt(IfStmt *x) { return test(x->getCond()); }
      bool VisitWhileStmt(WhileStmt *x) { return test(x->getCond()); }
      bool VisitDoStmt(DoStmt *x) { return test(x->getCond()); }
      bool VisitForStmt(ForStmt *x) { return test(x->getCond()); }
      bool VisitSwitchStmt(SwitchStmt *x) { return test(x->getCond()); }
      bool VisitConditionalOperator(ConditionalOperator *x) { return test(x->getCond()); }
      bool VisitBinaryOperator(BinaryOperator *b) {
        return b->isLogicalOp() ? test(b->getLHS()) : true;  // a && f(): the right side is a branch
      }
      bool VisitCXXTryStmt(CXXTryStmt *) { return ok = false; }
    } conditions;
    conditions.TraverseStmt(fd_->getBody());
    return conditions.ok;
  }

  // The condition reads only non-volatile local integers whose address the function never
  // takes (nothing else can change them), through comparisons and logic.
  bool plainLocalCondition(const Expr *cond, std::vector<const VarDecl *> &vars) {
    if (cond->HasSideEffects(tu_.ctx)) return false;
    bool ok = true;
    struct Walk : RecursiveASTVisitor<Walk> {
      bool &ok;
      std::vector<const VarDecl *> &vars;
      Walk(bool &o, std::vector<const VarDecl *> &v) : ok(o), vars(v) {}
      bool VisitCallExpr(CallExpr *) { return ok = false; }
      bool VisitMemberExpr(MemberExpr *) { return ok = false; }
      bool VisitArraySubscriptExpr(ArraySubscriptExpr *) { return ok = false; }
      bool VisitDeclRefExpr(DeclRefExpr *d) {
        const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl());
        if (!vd) return true;  // enumerators
        if (!isTracked(vd) || vd->getType().isVolatileQualified() || vd->getType()->isReferenceType()) return ok = false;
        if (std::find(vars.begin(), vars.end(), vd) == vars.end()) vars.push_back(vd);
        return true;
      }
    } walk(ok, vars);
    walk.TraverseStmt(const_cast<Expr *>(cond));
    if (!ok) return false;
    for (const VarDecl *vd : vars)
      if (addressTaken(vd)) return false;
    return true;
  }

  bool addressTaken(const VarDecl *vd, bool passedIsTaken = true) {
    return mamori::addressTaken(vd, fd_->getBody(), passedIsTaken);
  }

  // break (of this loop), return, goto, throw, co_return, or a call that does not return.
  static bool loopHasOtherExit(const Stmt *body) {
    LoopExitFinder finder;
    finder.TraverseStmt(const_cast<Stmt *>(body));
    return finder.found;
  }

  void transferEdge(const CFGBlock &from, unsigned succIndex, State &s) {
    const Stmt *term = from.getTerminatorStmt();
    if (const auto *sw = llvm::dyn_cast_or_null<SwitchStmt>(term)) {
      switchEdge(*sw, from, succIndex, s);
      return;
    }
    if (succIndex > 1 || from.succ_size() != 2) return;
    if (!term) return;
    if (const auto *cond = llvm::dyn_cast_or_null<Expr>(from.getTerminatorCondition()))
      refine(cond, succIndex == 0, s, 0, true);
  }

private:
  // The edge from a switch to one of its `case K:` labels: the controlling value is K there
  // (or within `case A ... B:`). A case the value cannot take is never entered, so what
  // falls through from it (a hash's tail `case 11: ... key[10] ...`) is not judged either.
  void switchEdge(const SwitchStmt &sw, const CFGBlock &from, unsigned succIndex, State &s) {
    auto it = from.succ_begin() + succIndex;
    const CFGBlock *to = it->getReachableBlock();
    const auto *label = to ? llvm::dyn_cast_or_null<CaseStmt>(to->getLabel()) : nullptr;
    if (!label) return;
    std::optional<i128> lo = constant(label->getLHS());
    std::optional<i128> hi = label->getRHS() ? constant(label->getRHS()) : lo;
    if (!lo || !hi) return;
    bool abs = false;
    if (const VarDecl *vd = subject(sw.getCond(), abs); vd && !abs) {
      constrain(vd, false, BO_GE, *lo, s);
      constrain(vd, false, BO_LE, *hi, s);
      return;
    }
    if (sw.getCond()->HasSideEffects(tu_.ctx)) return;
    ValueRange v = evalQuietly(sw.getCond(), s);
    if (v.known && (v.hi < *lo || v.lo > *hi)) s.infeasible = true;
  }

  RangeTu &tu_;
  const FunctionDecl *fd_;
  std::unique_ptr<ParentMap> parents_;
  std::string fnName_;
  std::map<const Expr *, ValueRange> cache_;
  // The values of the expressions this block evaluated as CFG elements of their own: the
  // CFG runs a comma's operands before the comma, which must not run them again
  // (`buf[n++] = c, e -= 10` would count n twice).
  std::map<const Expr *, ValueRange> elementValues_;
  unsigned depth_ = 0;

  Location loc(const Stmt *st) { return tu_.locations.map(st->getBeginLoc()); }
  Location loc(const Decl *d) { return tu_.locations.map(d->getLocation()); }
  std::string text(const Stmt *st) { return tu_.locations.text(st->getSourceRange(), tu_.ctx.getLangOpts()); }

  void emit(RangeEvent e) {
    if (!reporting) return;
    e.function = fnName_;
    tu_.emit(e);
  }

  bool typeBounds(QualType t, i128 &lo, i128 &hi) {
    t = t.getCanonicalType();
    if (const auto *et = t->getAs<EnumType>()) t = et->getDecl()->getIntegerType();
    if (!t->isIntegerType() || t->isBooleanType()) return false;
    unsigned bits = tu_.ctx.getTypeSize(t);
    if (bits == 0 || bits > 64) return false;
    if (t->isSignedIntegerType()) {
      lo = -(static_cast<i128>(1) << (bits - 1));
      hi = (static_cast<i128>(1) << (bits - 1)) - 1;
    } else {
      lo = 0;
      hi = (static_cast<i128>(1) << bits) - 1;
    }
    return true;
  }

  ValueRange externalOf(QualType t, const Expr *at, const std::string &what) {
    ValueRange r = top();
    i128 lo, hi;
    if (typeBounds(t, lo, hi)) {
      r.lo = lo;
      r.hi = hi;
    }
    r.external = true;
    r.origin = loc(at);
    r.originWhat = what;
    return normalize(r);
  }

  // A file-scope static integer: only this TU writes it, so its values are the hull of
  // its initial value and every store (gathered in the first pass).
  static bool isStaticScalar(const VarDecl *vd) {
    return vd && vd->hasGlobalStorage() && !vd->isStaticLocal() && !vd->isExternallyVisible() &&
           vd->getType()->isIntegerType();
  }

  void noteStaticWrite(const VarDecl *vd, const ValueRange &v) {
    if (!reporting || !isStaticScalar(vd)) return;
    const VarDecl *key = vd->getCanonicalDecl();
    auto it = tu_.staticWrites.find(key);
    if (it == tu_.staticWrites.end()) {
      ValueRange init = exact(0);
      if (const VarDecl *def = vd->getDefinition(); def && def->getInit())
        if (std::optional<i128> k = constant(def->getInit())) init = exact(*k);
      tu_.staticWrites[key] = hull(init, v);
    } else {
      it->second = hull(it->second, v);
    }
  }

  // `u.a` of a local union: all members share the union's one value.
  static const VarDecl *unionVariable(const Expr *e) {
    const auto *m = llvm::dyn_cast<MemberExpr>(stripParensAndCasts(e));
    if (!m || m->isArrow() || !m->getType()->isIntegerType()) return nullptr;
    const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(m->getBase()));
    const auto *vd = d ? llvm::dyn_cast<VarDecl>(d->getDecl()) : nullptr;
    if (!vd || vd->hasGlobalStorage() || !vd->getType()->isUnionType()) return nullptr;
    return vd;
  }

  // `*p` where p is known to point to a local integer.
  static const VarDecl *aliasTarget(const Expr *e, const State &s) {
    const auto *u = llvm::dyn_cast<UnaryOperator>(stripParensAndCasts(e));
    if (!u || u->getOpcode() != UO_Deref) return nullptr;
    const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(u->getSubExpr()));
    const auto *p = d ? llvm::dyn_cast<VarDecl>(d->getDecl()) : nullptr;
    if (!p) return nullptr;
    auto it = s.aliases.find(p);
    return it == s.aliases.end() ? nullptr : it->second;
  }

  static const VarDecl *addressOfLocal(const Expr *e) {
    const auto *u = llvm::dyn_cast<UnaryOperator>(stripParensAndCasts(e));
    if (!u || u->getOpcode() != UO_AddrOf) return nullptr;
    const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(u->getSubExpr()));
    const auto *vd = d ? llvm::dyn_cast<VarDecl>(d->getDecl()) : nullptr;
    return vd && !vd->hasGlobalStorage() && vd->getType()->isIntegerType() ? vd : nullptr;
  }

  static bool isTracked(const VarDecl *vd) {
    return vd && !vd->hasGlobalStorage() && (vd->getType()->isIntegerType() || vd->getType()->isRealFloatingType());
  }

  // ----- statements -----

  void evalStmt(const Stmt *st, State &s) {
    if (const auto *ds = llvm::dyn_cast<DeclStmt>(st)) {
      for (const Decl *d : ds->decls())
        if (const auto *vd = llvm::dyn_cast<VarDecl>(d)) declare(vd, s);
      return;
    }
    if (const auto *rs = llvm::dyn_cast<ReturnStmt>(st)) {
      if (rs->getRetValue()) {
        ValueRange v = eval(rs->getRetValue(), s);
        if (reporting && rs->getRetValue()->getType()->isPointerType()) {
          std::optional<BufferFacts> b = evalBuffer(rs->getRetValue(), s);
          BufferFacts facts = b ? *b : BufferFacts{};
          auto it = tu_.returnBuffers.find(fd_->getCanonicalDecl());
          if (it == tu_.returnBuffers.end()) tu_.returnBuffers[fd_->getCanonicalDecl()] = facts;
          else if (it->second.bytes == kNullBuffer) it->second = facts;
          else if (facts.bytes != kNullBuffer && facts.bytes != it->second.bytes) {
            if (facts.bytes < 0 || it->second.bytes < 0) it->second = BufferFacts{};
            else if (facts.bytes < it->second.bytes) it->second = facts;
          }
        }
        if (reporting && rs->getRetValue()->getType()->isIntegerType()) {
          auto it = tu_.returnRanges.find(fd_->getCanonicalDecl());
          if (it == tu_.returnRanges.end()) tu_.returnRanges[fd_->getCanonicalDecl()] = v;
          else it->second = hull(it->second, v);
        }
      }
      return;
    }
    if (const auto *e = llvm::dyn_cast<Expr>(st)) elementValues_[e] = eval(e, s);
  }

  void declare(const VarDecl *vd, State &s) {
    if (vd->hasGlobalStorage()) return;
    QualType t = vd->getType();
    if (const auto *at = tu_.ctx.getAsConstantArrayType(t)) {
      BufferFacts b;
      b.bytes = tu_.ctx.getTypeSizeInChars(at).getQuantity();
      b.name = vd->getNameAsString();
      b.declaredAt = loc(vd);
      if (vd->hasInit()) {
        if (const auto *lit = llvm::dyn_cast<StringLiteral>(vd->getInit()->IgnoreParenImpCasts()))
          b.stringLength = lit->getLength();
        else
          eval(vd->getInit(), s);
      } else {
        b.stringLength = kNoString;
      }
      s.buffers[vd] = b;
      return;
    }
    if (std::optional<BufferFacts> c = containerAtDeclaration(vd, s)) {
      s.buffers[vd] = *c;
      return;
    }
    if (!vd->hasInit()) {
      s.values.erase(vd);
      s.forget(vd);
      s.buffers.erase(vd);
      return;
    }
    if (t->isPointerType()) {
      if (const VarDecl *target = addressOfLocal(vd->getInit())) s.aliases[vd] = target;
      else s.aliases.erase(vd);
      std::optional<BufferFacts> b = evalBuffer(vd->getInit(), s);
      checkAllocation(t, vd->getInit(), b);
      s.buffers[vd] = b ? *b : BufferFacts{};
      return;
    }
    ValueRange v = eval(vd->getInit(), s);
    if (isTracked(vd)) store(vd, v, vd->getInit(), s);
  }

  void store(const VarDecl *vd, ValueRange v, const Expr *from, State &s) {
    i128 lo, hi;
    if ((v.known || v.external) && typeBounds(vd->getType(), lo, hi) && (v.lo < lo || v.hi > hi)) {
      ValueRange w = v;
      w.nonZero = false;
      if (vd->getType()->isSignedIntegerType() && (v.lo >= lo || v.hi <= hi) && v.lo <= hi && v.hi >= lo) {
        // Signed arithmetic that leaves its type is undefined: a program that runs on does
        // not wrap (compilers assume as much), so the side that overflows stops at the
        // type's bound. `for (long i = 0; i > -1; i++)` never ends.
        w.lo = std::max(v.lo, lo);
        w.hi = std::min(v.hi, hi);
      } else {
        // The value wraps or is truncated here; what is left is within the type.
        w.lo = lo;
        w.hi = hi;
      }
      v = normalize(w);
    } else if (!v.known && !v.external && typeBounds(vd->getType(), lo, hi) && (v.lo < lo || v.hi > hi) &&
               (v.lo > kNegInf || v.hi < kPosInf)) {
      // Known on one side only: an unsigned value below 0 has wrapped, so nothing is known;
      // a signed one cannot wrap, and the infinite side stands for the type's bound.
      if (!vd->getType()->isSignedIntegerType() || (v.lo > kNegInf && v.lo > hi) || (v.hi < kPosInf && v.hi < lo))
        v = top();
    }
    s.values[vd] = v;
    s.forget(vd);
  }


  // ----- standard containers -----
  // std::array<T, N> has N elements for its whole life; std::vector<T> v(n) has n until a
  // member call or a non-const reference may change its size. Their operator[] does not
  // check the index, so it is checked like a C array's.

  enum class Container { None, Array, Vector };

  static Container containerKind(QualType t) {
    const auto *rd = t.getNonReferenceType()->getAsCXXRecordDecl();
    if (!rd || !rd->isInStdNamespace() || !rd->getIdentifier()) return Container::None;
    if (rd->getName() == "array") return Container::Array;
    if (rd->getName() == "vector") return Container::Vector;
    return Container::None;
  }

  // The element type of a std::array / std::vector specialization.
  static QualType containerElement(QualType t) {
    const auto *spec = llvm::dyn_cast_or_null<ClassTemplateSpecializationDecl>(t.getNonReferenceType()->getAsCXXRecordDecl());
    if (!spec || spec->getTemplateArgs().size() < 1 || spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
      return QualType();
    return spec->getTemplateArgs()[0].getAsType();
  }

  std::optional<BufferFacts> containerAtDeclaration(const VarDecl *vd, State &s) {
    QualType t = vd->getType();
    if (t->isReferenceType()) return std::nullopt;
    Container kind = containerKind(t);
    if (kind == Container::None) return std::nullopt;
    QualType elem = containerElement(t);
    if (elem.isNull() || elem->isDependentType() || elem->isIncompleteType()) return std::nullopt;
    long long elemBytes = tu_.ctx.getTypeSizeInChars(elem).getQuantity();
    if (elemBytes <= 0) return std::nullopt;
    BufferFacts b;
    b.name = vd->getNameAsString();
    b.declaredAt = loc(vd);
    if (kind == Container::Array) {
      const auto *spec = llvm::cast<ClassTemplateSpecializationDecl>(t->getAsCXXRecordDecl());
      if (spec->getTemplateArgs().size() < 2 || spec->getTemplateArgs()[1].getKind() != TemplateArgument::Integral)
        return std::nullopt;
      if (vd->hasInit()) eval(vd->getInit(), s);
      b.bytes = static_cast<long long>(spec->getTemplateArgs()[1].getAsIntegral().getZExtValue()) * elemBytes;
      return b;
    }
    // std::vector<T> v(n) or v(n, value): n elements on the heap.
    const auto *ctor = vd->hasInit() ? llvm::dyn_cast<CXXConstructExpr>(vd->getInit()->IgnoreImplicit()) : nullptr;
    if (!ctor) {
      if (vd->hasInit()) eval(vd->getInit(), s);
      return std::nullopt;
    }
    for (const Expr *a : ctor->arguments()) eval(a, s);
    if (ctor->getNumArgs() == 0 || llvm::isa<CXXDefaultArgExpr>(ctor->getArg(0))) {
      b.bytes = 0;  // an empty vector
    } else if (ctor->getArg(0)->getType()->isIntegerType() &&
               (ctor->getNumArgs() == 1 || llvm::isa<CXXDefaultArgExpr>(ctor->getArg(1)) ||
                !ctor->getArg(1)->getType()->isIntegerType() ||
                !ctor->getArg(0)->getType()->isIntegerType() || elem->isIntegerType())) {
      std::optional<i128> n = constant(ctor->getArg(0));
      if (!n || *n < 0) return std::nullopt;
      b.bytes = static_cast<long long>(*n) * elemBytes;
    } else {
      return std::nullopt;
    }
    b.heap = true;
    return b;
  }

  // The container variable an expression names directly, if it is one we track.
  const VarDecl *trackedContainer(const Expr *e, State &s) {
    const auto *d = llvm::dyn_cast<DeclRefExpr>(e->IgnoreParenImpCasts());
    const auto *vd = d ? llvm::dyn_cast<VarDecl>(d->getDecl()) : nullptr;
    if (!vd || containerKind(vd->getType()) == Container::None) return nullptr;
    return s.buffers.count(vd) ? vd : nullptr;
  }

  // The CFG evaluates `v[i]` as an element of its own before the assignment that stores
  // into it, so whether it is a write is decided from the syntax: the left side of an
  // assignment, or the operand of ++/--.
  std::optional<std::set<const Expr *>> written_;
  const std::set<const Expr *> &writtenElements() {
    if (written_) return *written_;
    written_.emplace();
    struct Finder : RecursiveASTVisitor<Finder> {
      std::set<const Expr *> &out;
      explicit Finder(std::set<const Expr *> &o) : out(o) {}
      void note(const Expr *e) {
        if (const auto *op = llvm::dyn_cast<CXXOperatorCallExpr>(stripParensAndCasts(e));
            op && op->getOperator() == OO_Subscript)
          out.insert(op);
      }
      bool VisitBinaryOperator(BinaryOperator *b) {
        if (b->isAssignmentOp()) note(b->getLHS());
        return true;
      }
      bool VisitUnaryOperator(UnaryOperator *u) {
        if (u->isIncrementDecrementOp()) note(u->getSubExpr());
        return true;
      }
    } finder(*written_);
    if (fd_->getBody()) finder.TraverseStmt(const_cast<Stmt *>(fd_->getBody()));
    return *written_;
  }

  // Member calls that leave a vector's size alone; any other may change it.
  static bool keepsSize(const CXXMethodDecl *m) {
    if (!m) return false;
    if (m->isConst()) return true;
    if (m->getOverloadedOperator() == OO_Subscript) return true;
    if (!m->getIdentifier()) return false;
    static const std::set<std::string> kept = {"at", "data", "begin", "end", "rbegin", "rend", "front",
                                               "back", "reserve", "shrink_to_fit", "fill"};
    return kept.count(m->getName().str()) > 0;
  }

  // Calls that may change a tracked vector's size forget it; operator[] is checked.
  // Returns true when the call was an element access that has been evaluated.
  bool containerCall(const CallExpr *call, State &s) {
    const Expr *object = nullptr;
    const CXXMethodDecl *method = llvm::dyn_cast_or_null<CXXMethodDecl>(call->getDirectCallee());
    if (const auto *mc = llvm::dyn_cast<CXXMemberCallExpr>(call)) object = mc->getImplicitObjectArgument();
    else if (llvm::isa<CXXOperatorCallExpr>(call) && method && call->getNumArgs() > 0) object = call->getArg(0);
    // Any container passed to a non-const reference parameter may be resized there.
    const FunctionDecl *fd = call->getDirectCallee();
    unsigned first = llvm::isa<CXXOperatorCallExpr>(call) && method ? 1 : 0;
    for (unsigned i = first; i < call->getNumArgs(); ++i) {
      const VarDecl *vd = trackedContainer(call->getArg(i), s);
      if (!vd) continue;
      unsigned p = i - first;
      bool constRef = fd && p < fd->getNumParams() &&
                      (!fd->getParamDecl(p)->getType()->isReferenceType() ||
                       fd->getParamDecl(p)->getType().getNonReferenceType().isConstQualified());
      if (!constRef) s.buffers.erase(vd);
    }
    if (!object) return false;
    const VarDecl *vd = trackedContainer(object, s);
    if (!vd) return false;
    if (method && method->getOverloadedOperator() == OO_Subscript && call->getNumArgs() == 2) {
      checkElement(call, call->getArg(1), call->getType(), writtenElements().count(call) > 0, s);
      return true;
    }
    if (!keepsSize(method) && containerKind(vd->getType()) == Container::Vector) s.buffers.erase(vd);
    return false;
  }

  // `v.size()` of a container whose size is known: its element count, so that a guard
  // `if (i >= v.size()) return;` bounds the index as a guard against a constant would.
  std::optional<i128> containerSize(const CallExpr *call, State &s) {
    const auto *mc = llvm::dyn_cast<CXXMemberCallExpr>(call);
    const CXXMethodDecl *method = mc ? mc->getMethodDecl() : nullptr;
    if (!method || !method->getIdentifier() || method->getName() != "size" || call->getNumArgs() != 0) return std::nullopt;
    const VarDecl *vd = trackedContainer(mc->getImplicitObjectArgument(), s);
    if (!vd) return std::nullopt;
    auto it = s.buffers.find(vd);
    QualType elem = containerElement(vd->getType());
    if (it == s.buffers.end() || it->second.bytes < 0 || elem.isNull() || elem->isIncompleteType()) return std::nullopt;
    long long elemBytes = tu_.ctx.getTypeSizeInChars(elem).getQuantity();
    if (elemBytes <= 0) return std::nullopt;
    return static_cast<i128>(it->second.bytes / elemBytes);
  }

  // ----- conditions -----

  std::optional<i128> constant(const Expr *e) {
    if (e->isValueDependent()) return std::nullopt;
    Expr::EvalResult r;
    if (!e->HasSideEffects(tu_.ctx) && e->EvaluateAsInt(r, tu_.ctx)) return toI128(r.Val.getInt());
    if (std::optional<double> d = floating(e); d && std::fabs(*d) < 1e30) return static_cast<i128>(std::floor(*d));
    return std::nullopt;
  }

  // Constant folding of floating expressions, including sqrt() of a constant.
  std::optional<double> floating(const Expr *e) {
    e = e->IgnoreParens();
    if (e->isValueDependent()) return std::nullopt;
    if (const auto *c = llvm::dyn_cast<CastExpr>(e)) {
      std::optional<double> d = floating(c->getSubExpr());
      if (d && e->getType()->isIntegerType()) return std::trunc(*d);
      return d;
    }
    if (const auto *call = llvm::dyn_cast<CallExpr>(e)) {
      const FunctionDecl *fd = call->getDirectCallee();
      std::string n = fd ? tu_.names.name(fd) : "";
      if (call->getNumArgs() == 1 && (n == "sqrt" || n == "sqrtf" || n == "sqrtl")) {
        std::optional<double> a = floating(call->getArg(0));
        if (a && *a >= 0) return std::sqrt(*a);
      }
      return std::nullopt;
    }
    llvm::APFloat f(0.0);
    if (e->getType()->isRealFloatingType() && !e->HasSideEffects(tu_.ctx) && e->EvaluateAsFloat(f, tu_.ctx))
      return f.convertToDouble();
    Expr::EvalResult r;
    if (e->getType()->isIntegerType() && !e->HasSideEffects(tu_.ctx) && e->EvaluateAsInt(r, tu_.ctx))
      return static_cast<double>(toI128(r.Val.getInt()));
    return std::nullopt;
  }

  // The variable a condition constrains: `x`, `(long)x`, `abs(x)` (then `absolute` is set).
  const VarDecl *subject(const Expr *e, bool &absolute) {
    e = stripParensAndCasts(e);
    absolute = false;
    // `(n = read(...)) > 0` tests n: an assignment's value is its left side's new value.
    while (const auto *as = llvm::dyn_cast<BinaryOperator>(e)) {
      if (as->getOpcode() != BO_Assign) break;
      e = stripParensAndCasts(as->getLHS());
    }
    if (const auto *call = llvm::dyn_cast<CallExpr>(e)) {
      const FunctionDecl *fd = call->getDirectCallee();
      std::string n = fd ? tu_.names.name(fd) : "";
      if (call->getNumArgs() == 1 && (n == "abs" || n == "labs" || n == "llabs" || n == "imaxabs" || n == "fabs" ||
                                      n == "fabsf" || n == "fabsl")) {
        absolute = true;
        e = stripParensAndCasts(call->getArg(0));
      }
    }
    const auto *d = llvm::dyn_cast<DeclRefExpr>(e);
    const auto *vd = d ? llvm::dyn_cast<VarDecl>(d->getDecl()) : nullptr;
    return isTracked(vd) ? vd : nullptr;
  }

  // Floating variables: only whether the value can be zero matters (division).
  void constrainFloating(const VarDecl *vd, bool absolute, BinaryOperatorKind op, double k, State &s) {
    bool nonZero = (op == BO_GT && k >= 0) || (op == BO_GE && k > 0) || (op == BO_NE && k == 0) ||
                   (op == BO_EQ && k != 0) || (!absolute && ((op == BO_LT && k <= 0) || (op == BO_LE && k < 0)));
    if (!nonZero) return;
    auto it = s.values.find(vd);
    ValueRange r = it == s.values.end() ? top() : it->second;
    r.nonZero = true;
    s.values[vd] = r;
  }

  void constrain(const VarDecl *vd, bool absolute, BinaryOperatorKind op, i128 k, State &s) {
    auto it = s.values.find(vd);
    ValueRange r = it == s.values.end() ? top() : it->second;
    if (absolute) {
      // |x| op k
      switch (op) {
      case BO_LT: r.lo = std::max(r.lo, -k + 1); r.hi = std::min(r.hi, k - 1); break;
      case BO_LE: r.lo = std::max(r.lo, -k); r.hi = std::min(r.hi, k); break;
      case BO_GT: if (k >= 0) r.nonZero = true; break;
      case BO_GE: if (k >= 1) r.nonZero = true; break;
      default: break;
      }
    } else {
      switch (op) {
      case BO_LT: r.hi = std::min(r.hi, k - 1); break;
      case BO_LE: r.hi = std::min(r.hi, k); break;
      case BO_GT: r.lo = std::max(r.lo, k + 1); break;
      case BO_GE: r.lo = std::max(r.lo, k); break;
      case BO_EQ: r.lo = std::max(r.lo, k); r.hi = std::min(r.hi, k); break;
      case BO_NE:
        if (k == 0) r.nonZero = true;
        if (r.lo == k) r.lo = k + 1;
        else if (r.hi == k) r.hi = k - 1;
        break;
      default: break;
      }
    }
    i128 tlo, thi;
    bool wasKnown = it != s.values.end() && (it->second.known || it->second.external);
    if (wasKnown && typeBounds(vd->getType(), tlo, thi)) {
      r.lo = std::max(r.lo, tlo);
      r.hi = std::min(r.hi, thi);
    }
    // An unsigned variable is never below zero, whatever else is known of it: `u < 0` is a
    // branch that never runs. (Its other bounds stay unknown, not "known to be the type".)
    if (!wasKnown && vd->getType()->isUnsignedIntegerOrEnumerationType() && typeBounds(vd->getType(), tlo, thi) &&
        std::max(r.lo, tlo) > std::min(r.hi, thi)) {
      s.infeasible = true;
      return;
    }
    if (r.lo > r.hi) {
      s.infeasible = true;  // e.g. `if (x < 10)` when x is known to be 127: that branch never runs
      return;
    }
    bool ext = r.external;
    r = normalize(r);
    r.external = ext;
    s.values[vd] = r;
  }

  std::optional<i128> constantOrGlobal(const Expr *e) {
    e = e->IgnoreParenImpCasts();
    if (const auto *d = llvm::dyn_cast<DeclRefExpr>(e))
      if (const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl())) {
        auto g = tu_.constantGlobals.find(vd->getCanonicalDecl());
        if (g != tu_.constantGlobals.end()) return g->second;
      }
    if (e->getType()->isIntegerType() && !e->isValueDependent() && !e->HasSideEffects(tu_.ctx)) {
      Expr::EvalResult r;
      if (e->EvaluateAsInt(r, tu_.ctx)) return toI128(r.Val.getInt());
    }
    return std::nullopt;
  }

  std::optional<bool> decide(const Expr *cond) {
    const Expr *c = cond->IgnoreParenImpCasts();
    if (const auto *b = llvm::dyn_cast<BinaryOperator>(c); b && b->isComparisonOp()) {
      std::optional<i128> l = constantOrGlobal(b->getLHS()), r = constantOrGlobal(b->getRHS());
      if (!l || !r) return std::nullopt;
      switch (b->getOpcode()) {
      case BO_LT: return *l < *r;
      case BO_LE: return *l <= *r;
      case BO_GT: return *l > *r;
      case BO_GE: return *l >= *r;
      case BO_EQ: return *l == *r;
      case BO_NE: return *l != *r;
      default: return std::nullopt;
      }
    }
    if (llvm::isa<DeclRefExpr>(c))
      if (std::optional<i128> v = constantOrGlobal(c)) return *v != 0;
    return std::nullopt;
  }

  static BinaryOperatorKind negate(BinaryOperatorKind op) {
    switch (op) {
    case BO_LT: return BO_GE;
    case BO_LE: return BO_GT;
    case BO_GT: return BO_LE;
    case BO_GE: return BO_LT;
    case BO_EQ: return BO_NE;
    case BO_NE: return BO_EQ;
    default: return op;
    }
  }
  static BinaryOperatorKind mirror(BinaryOperatorKind op) {
    switch (op) {
    case BO_LT: return BO_GT;
    case BO_LE: return BO_GE;
    case BO_GT: return BO_LT;
    case BO_GE: return BO_LE;
    default: return op;
    }
  }

  // `lastLeaf`: the state is at the CFG block that evaluated the condition's last operand
  // (a branch's own edge), so `A && B` false means A held and B failed. Without it (a whole
  // condition assumed false elsewhere, or the left side of && / ||) only what holds on
  // every way of reaching that truth value is used: `A && B` false says nothing, and
  // `A || B` false says both failed.
  void refine(const Expr *cond, bool truth, State &s, unsigned depth, bool lastLeaf) {
    if (depth > 16) return;
    cond = withoutBranchHint(cond);
    // A condition over constants (including never-written file-scope variables) decides
    // which branch runs.
    if (std::optional<bool> known = decide(cond)) {
      if (*known != truth) s.infeasible = true;
      return;
    }
    if (const auto *u = llvm::dyn_cast<UnaryOperator>(cond)) {
      if (u->getOpcode() == UO_LNot) refine(u->getSubExpr(), !truth, s, depth + 1, lastLeaf);
      return;
    }
    const auto *b = llvm::dyn_cast<BinaryOperator>(cond);
    if (!b) {
      bool abs = false;
      if (const VarDecl *vd = subject(cond, abs)) constrain(vd, abs, truth ? BO_NE : BO_EQ, 0, s);
      return;
    }
    if (b->getOpcode() == BO_LAnd) {
      if (truth || lastLeaf) {
        refine(b->getLHS(), true, s, depth + 1, false);
        refine(b->getRHS(), truth, s, depth + 1, lastLeaf);
      }
      return;
    }
    if (b->getOpcode() == BO_LOr) {
      if (!truth || lastLeaf) {
        refine(b->getLHS(), false, s, depth + 1, false);
        refine(b->getRHS(), truth, s, depth + 1, lastLeaf);
      }
      return;
    }
    if (!b->isComparisonOp()) return;
    BinaryOperatorKind op = truth ? b->getOpcode() : negate(b->getOpcode());
    relate(b->getLHS(), op, b->getRHS(), s);
    relate(b->getRHS(), mirror(op), b->getLHS(), s);
    bool abs = false;
    if (const VarDecl *vd = subject(b->getLHS(), abs); vd && vd->getType()->isRealFloatingType()) {
      if (std::optional<double> f = floating(b->getRHS())) constrainFloating(vd, abs, op, *f, s);
      return;
    }
    if (const VarDecl *vd = subject(b->getRHS(), abs); vd && vd->getType()->isRealFloatingType()) {
      if (std::optional<double> f = floating(b->getLHS())) constrainFloating(vd, abs, mirror(op), *f, s);
      return;
    }
    // A guard on the next value of a counter (`if (depth + 1 >= MAX) goto out;`).
    if (auto shifted = offsetSubject(b->getLHS()))
      if (std::optional<i128> k = constant(b->getRHS())) {
        constrain(shifted->first, false, op, *k - shifted->second, s);
        return;
      }
    if (auto shifted = offsetSubject(b->getRHS()))
      if (std::optional<i128> k = constant(b->getLHS())) {
        constrain(shifted->first, false, mirror(op), *k - shifted->second, s);
        return;
      }
    if (const VarDecl *vd = subject(b->getLHS(), abs)) {
      std::optional<i128> k = constantOrSize(b->getRHS(), s);
      if (!k) {
        // Against another variable, or an expression of known variables (`i < len + 1`):
        // use what is known of it. Evaluating has no effect on the state when the bound
        // has none.
        bool abs2 = false;
        if (const VarDecl *other = subject(b->getRHS(), abs2); other && !abs2) {
          auto it = s.values.find(other);
          if (it != s.values.end() && it->second.known)
            k = (op == BO_LT || op == BO_LE) ? it->second.hi : it->second.lo;
        } else if (!other && !b->getRHS()->HasSideEffects(tu_.ctx)) {
          // Quietly: the bound's own arithmetic was judged where the condition ran.
          ValueRange bound = evalQuietly(b->getRHS(), s);
          // Only a single value: a bound that varies (`x > LIMIT - total`) relates two
          // variables, which intervals cannot keep, and is handled as an unknown cap.
          // Either way the program compared the value with a cap of its own making.
          if (bound.known && bound.lo == bound.hi) k = bound.lo;
          if (!abs && (op == BO_LT || op == BO_LE)) boundedByCheck(vd, s);
        }
      }
      if (k) constrain(vd, abs, op, *k, s);
      else if (!abs && (op == BO_LT || op == BO_LE)) boundedByCheck(vd, s);
      else if (std::optional<double> f = floating(b->getRHS()); f && abs && (op == BO_GT || op == BO_GE) && *f >= 0)
        constrain(vd, true, BO_GT, 0, s);
      return;
    }
    if (const VarDecl *vd = subject(b->getRHS(), abs)) {
      if (std::optional<i128> k = constantOrSize(b->getLHS(), s)) constrain(vd, abs, mirror(op), *k, s);
      else if (!abs && (op == BO_GT || op == BO_GE)) boundedByCheck(vd, s);
    }
  }

  // ----- relations between two variables -----

  // A variable a relation may name: read as it is (no explicit cast, which may change its
  // sign), and never written through an address kept in a pointer or a reference, where no
  // write would end the relation (`&x` handed to a call is fine: the call's write is seen).
  const VarDecl *relatable(const Expr *e) {
    const auto *d = llvm::dyn_cast<DeclRefExpr>(e->IgnoreParenImpCasts());
    const auto *vd = d ? llvm::dyn_cast<VarDecl>(d->getDecl()) : nullptr;
    if (!vd || !isTracked(vd) || !vd->getType()->isIntegerType()) return nullptr;
    auto cached = relatable_.find(vd);
    if (cached == relatable_.end()) cached = relatable_.emplace(vd, !addressTaken(vd, /*passedIsTaken=*/false)).first;
    return cached->second ? vd : nullptr;
  }
  std::map<const VarDecl *, bool> relatable_;

  // Two plain variables combined by `op` (`a + b`, `a - b`), if that is what `e` is.
  std::optional<std::pair<const VarDecl *, const VarDecl *>> variablePair(const Expr *e, BinaryOperatorKind op) {
    const auto *b = llvm::dyn_cast<BinaryOperator>(e->IgnoreParenImpCasts());
    if (!b || b->getOpcode() != op) return std::nullopt;
    const VarDecl *a = relatable(b->getLHS()), *c = relatable(b->getRHS());
    if (!a || !c || a == c) return std::nullopt;
    return std::make_pair(a, c);
  }

  static void tighten(State &s, const VarDecl *a, const VarDecl *b, RangeState::Relation r, i128 k) {
    if (r == RangeState::Relation::SumAtMost && b < a) std::swap(a, b);  // a sum has no order
    auto [it, fresh] = s.relations.emplace(RangeState::RelationKey{a, b, r}, k);
    if (!fresh) it->second = r == RangeState::Relation::SumAtMost ? std::min(it->second, k) : std::max(it->second, k);
  }

  // What `lhs op rhs` holding says about two variables: `a >= b` (a - b >= 0), `a + b <= K`,
  // and `a <= K - b` (a + b <= K), the form that cannot itself wrap.
  void relate(const Expr *lhs, BinaryOperatorKind op, const Expr *rhs, State &s) {
    using R = RangeState::Relation;
    const VarDecl *a = relatable(lhs), *b = relatable(rhs);
    if (a && b && a != b && a->getType()->isSignedIntegerType() == b->getType()->isSignedIntegerType()) {
      if (op == BO_GE || op == BO_EQ) tighten(s, a, b, R::DifferenceAtLeast, 0);
      if (op == BO_GT) tighten(s, a, b, R::DifferenceAtLeast, 1);
      return;  // `a <= b` is recorded from the mirrored call
    }
    if (op != BO_LE && op != BO_LT && op != BO_EQ) return;
    i128 slack = op == BO_LT ? 1 : 0;
    // The test's own arithmetic must not wrap in the type it is done in (before any
    // widening to the comparison's type): `if (a + b > LIMIT)` on values that can wrap
    // passes for a wrapped sum and proves nothing.
    auto cannotWrap = [&](const Expr *x) {
      i128 lo, hi;
      x = x->IgnoreParenImpCasts();
      ValueRange v = evalQuietly(x, s);
      return v.known && typeBounds(x->getType(), lo, hi) && v.lo >= lo && v.hi <= hi;
    };
    if (auto sum = variablePair(lhs, BO_Add)) {
      if (!cannotWrap(lhs)) return;
      if (std::optional<i128> k = constantOrGlobal(rhs)) tighten(s, sum->first, sum->second, R::SumAtMost, *k - slack);
      return;
    }
    if (!a) return;
    if (const auto *d = llvm::dyn_cast<BinaryOperator>(rhs->IgnoreParenImpCasts()); d && d->getOpcode() == BO_Sub) {
      const VarDecl *c = relatable(d->getRHS());
      std::optional<i128> k = constantOrGlobal(d->getLHS());
      if (c && c != a && k && cannotWrap(rhs)) tighten(s, a, c, R::SumAtMost, *k - slack);
    }
  }

  // `a + b` or `a - b` of two variables a test related: the relation bounds the result.
  void applyRelations(BinaryOperatorKind op, const Expr *lhs, const Expr *rhs, ValueRange &res, const State &s) {
    if (s.relations.empty() || (op != BO_Add && op != BO_Sub)) return;
    const VarDecl *a = relatable(lhs), *b = relatable(rhs);
    if (!a || !b) return;
    using R = RangeState::Relation;
    if (op == BO_Add) {
      auto it = s.relations.find({std::min(a, b), std::max(a, b), R::SumAtMost});
      if (it != s.relations.end() && it->second < res.hi && it->second >= res.lo) res.hi = it->second;
    } else {
      auto it = s.relations.find({a, b, R::DifferenceAtLeast});
      if (it != s.relations.end() && it->second > res.lo && it->second <= res.hi) res.lo = it->second;
    }
  }

  // A constant, or the known size of a container (`v.size()`).
  std::optional<i128> constantOrSize(const Expr *e, State &s) {
    if (std::optional<i128> k = constant(e)) return k;
    if (const auto *call = llvm::dyn_cast<CallExpr>(stripParensAndCasts(e))) return containerSize(call, s);
    return std::nullopt;
  }

  // `if (len < cap)` with a cap we know nothing about: the input was validated against an
  // upper bound of the program's choosing; it no longer counts as attacker-chosen.
  void boundedByCheck(const VarDecl *vd, State &s) {
    auto it = s.values.find(vd);
    if (it != s.values.end() && it->second.external) it->second.external = false;
  }

  // ----- expressions -----

  // The value of an expression the program has already evaluated (and been judged on) at
  // its own statement: no events a second time.
  ValueRange evalQuietly(const Expr *e, State &s) {
    bool wasReporting = reporting;
    reporting = false;
    ValueRange v = eval(e, s);
    reporting = wasReporting;
    return v;
  }

  ValueRange eval(const Expr *e, State &s) {
    if (!e || depth_ > 1500) return top();
    ++depth_;
    ValueRange v = evalInner(e, s);
    --depth_;
    return v;
  }

  // `x - k * (x / k)` (or `x -= (x / k) * k`) is x % k written out, the way digit
  // extraction often is: within [0, k-1] for a non-negative x, [-(k-1), k-1] otherwise.
  std::optional<ValueRange> remainderIdiom(const Expr *lhs, const Expr *product, const ValueRange &x) {
    const auto *var = llvm::dyn_cast<DeclRefExpr>(lhs->IgnoreParenImpCasts());
    const auto *mul = llvm::dyn_cast<BinaryOperator>(product->IgnoreParenImpCasts());
    if (!var || !mul || mul->getOpcode() != BO_Mul || !lhs->getType()->isIntegerType()) return std::nullopt;
    for (int side = 0; side < 2; ++side) {
      const Expr *k = side ? mul->getLHS() : mul->getRHS(), *q = side ? mul->getRHS() : mul->getLHS();
      std::optional<i128> kv = constant(k);
      const auto *div = llvm::dyn_cast<BinaryOperator>(q->IgnoreParenImpCasts());
      if (!kv || *kv <= 0 || !div || div->getOpcode() != BO_Div) continue;
      const auto *dv = llvm::dyn_cast<DeclRefExpr>(div->getLHS()->IgnoreParenImpCasts());
      std::optional<i128> dk = constant(div->getRHS());
      if (!dv || dv->getDecl() != var->getDecl() || !dk || *dk != *kv) continue;
      ValueRange r = x;
      r.lo = x.lo >= 0 ? 0 : -(*kv - 1);
      r.hi = x.lo >= 0 && x.hi < *kv ? x.hi : *kv - 1;
      r.nonZero = false;
      return normalize(r);
    }
    return std::nullopt;
  }

  // Floating arithmetic on integer ranges: sums, differences and products of the bounds
  // still bound the result, but a quotient does not truncate (0.1 / 10 is not 0): it is
  // known only when it divides exactly.
  ValueRange floatingArithmetic(BinaryOperatorKind op, const ValueRange &l, const ValueRange &r) {
    if (op != BO_Div) return arithmetic(op, l, r);
    if (l.known && r.known && !l.external && !r.external && l.lo == l.hi && r.lo == r.hi && r.lo != 0 &&
        l.lo % r.lo == 0)
      return arithmetic(op, l, r);
    ValueRange out = top();
    out.external = l.external || r.external;
    out.origin = l.external ? l.origin : r.origin;
    out.originWhat = l.external ? l.originWhat : r.originWhat;
    return out;
  }

  ValueRange arithmetic(BinaryOperatorKind op, const ValueRange &l, const ValueRange &r) {
    ValueRange out = top();
    // A value known on one side only (a counter after widening: [0, +inf)) keeps that side
    // when a constant is added or subtracted, so `i++` in a loop keeps `i >= 0`.
    auto halfBounded = [](const ValueRange &v) {
      return !v.known && !v.external && (v.lo > kNegInf) != (v.hi < kPosInf);
    };
    auto constantOf = [](const ValueRange &v) { return v.known && !v.external && v.lo == v.hi; };
    if ((op == BO_Add || op == BO_Sub) && halfBounded(l) && constantOf(r)) {
      i128 k = op == BO_Add ? r.lo : -r.lo;
      if (l.lo > kNegInf) out.lo = l.lo + k;
      else out.hi = l.hi + k;
      return normalize(out);
    }
    if (op == BO_Add && constantOf(l) && halfBounded(r)) return arithmetic(op, r, l);
    // A mask bounds a value from outside: `getc(f) & 0x0f` is in [0, 15]. A value the
    // analysis knows nothing about stays unknown: a mask's bound is not the program's
    // (a type tag masked with 0x0F indexes a table of 9).
    if (op == BO_And && (constantOf(r) || constantOf(l))) {
      const ValueRange &mask = constantOf(r) ? r : l, &other = constantOf(r) ? l : r;
      if (mask.lo >= 0 && other.external) {
        ValueRange m = other;  // keeps where the value came from
        m.lo = 0;
        m.hi = other.known && other.lo >= 0 ? std::min(mask.lo, other.hi) : mask.lo;
        m = normalize(m);
        m.nonZero = false;
        return m;
      }
    }
    // An operand we know nothing about makes the result unknown, not attacker-chosen.
    if ((!l.known && !l.external) || (!r.known && !r.external)) return out;
    out.external = l.external || r.external;
    out.origin = l.external ? l.origin : r.origin;
    out.originWhat = l.external ? l.originWhat : r.originWhat;
    out.commandLine = out.external && (!l.external || l.commandLine) && (!r.external || r.commandLine);
    bool bounded = l.lo > kNegInf && l.hi < kPosInf && r.lo > kNegInf && r.hi < kPosInf;
    if (!bounded) return out;
    switch (op) {
    case BO_Add: out.lo = l.lo + r.lo; out.hi = l.hi + r.hi; break;
    case BO_Sub: out.lo = l.lo - r.hi; out.hi = l.hi - r.lo; break;
    case BO_Mul: {
      i128 c[4] = {l.lo * r.lo, l.lo * r.hi, l.hi * r.lo, l.hi * r.hi};
      out.lo = *std::min_element(c, c + 4);
      out.hi = *std::max_element(c, c + 4);
      break;
    }
    case BO_Div:
      if (r.lo > 0 || r.hi < 0) {
        i128 c[4] = {l.lo / r.lo, l.lo / r.hi, l.hi / r.lo, l.hi / r.hi};
        out.lo = *std::min_element(c, c + 4);
        out.hi = *std::max_element(c, c + 4);
      }
      break;
    case BO_Rem: {
      i128 m = std::max(r.lo < 0 ? -r.lo : r.lo, r.hi < 0 ? -r.hi : r.hi);
      if (m > 0) {
        out.lo = l.lo >= 0 ? 0 : -(m - 1);
        out.hi = l.hi <= 0 ? 0 : m - 1;
      }
      break;
    }
    // Shifts by a known amount: `b >> 4` of a byte is [0, 15] (getc's -1 gives -1); a left
    // shift of a non-negative value grows it, and whether that overflows is judged as such.
    case BO_Shr:
      if (r.lo != r.hi || r.lo < 0 || r.lo > 120) return out;
      out.lo = l.lo >> static_cast<int>(r.lo);
      out.hi = l.hi >> static_cast<int>(r.lo);
      break;
    case BO_Shl:
      if (r.lo != r.hi || r.lo < 0 || r.lo > 64 || l.lo < 0 || l.hi > (static_cast<i128>(1) << 62)) return out;
      out.lo = l.lo << static_cast<int>(r.lo);
      out.hi = l.hi << static_cast<int>(r.lo);
      break;
    // Non-negative operands: the result has no bit above the highest either has.
    case BO_And:
    case BO_Or:
    case BO_Xor: {
      if (l.lo < 0 || r.lo < 0) return out;
      i128 top = std::max(l.hi, r.hi), all = 1;
      while (all <= top && all < kPosInf) all <<= 1;
      out.lo = 0;
      out.hi = op == BO_And ? std::min(l.hi, r.hi) : all - 1;
      break;
    }
    default:
      return out;
    }
    bool ext = out.external;
    out = normalize(out);
    out.external = ext;
    out.nonZero = false;
    if (out.lo > 0 || out.hi < 0) out.nonZero = true;
    return out;
  }

  void checkArithmetic(const Expr *e, const ValueRange &result, QualType type, const std::string &op) {
    i128 lo, hi;
    if (!typeBounds(type, lo, hi)) return;
    if (!(result.lo < lo || result.hi > hi)) return;
    RangeEvent ev;
    ev.kind = RangeEvent::Kind::Arithmetic;
    ev.key = e;
    ev.location = loc(e);
    ev.subject = text(e);
    ev.value = result;
    ev.typeMin = lo;
    ev.typeMax = hi;
    ev.typeName = type.getAsString();
    ev.op = op;
    for (const Stmt *child : e->children()) {
      const Expr *x = child ? stripParensAndCasts(llvm::cast<Expr>(child)) : nullptr;
      if (const auto *d = llvm::dyn_cast_or_null<DeclRefExpr>(x))
        if (const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl()); vd && bitMixed_.count(vd)) ev.bitMixed = true;
      // Byte assembly, `(v << 8) + byte`: the shifted operand is meant to drop its top bits.
      // Only whole-byte shifts: `(n << 4) + header` is a size, not an assembled word.
      if (const auto *b = llvm::dyn_cast_or_null<BinaryOperator>(x); b && b->getOpcode() == BO_Shl && op == "+")
        if (std::optional<i128> k = constant(b->getRHS()); k && *k > 0 && *k % 8 == 0) ev.bitMixed = true;
      if (op == "conversion" && lo < 0 && x)
        if (std::optional<i128> k = constant(x); k && *k > hi && *k <= 2 * hi + 1) ev.bitPattern = true;
    }
    emit(ev);
  }

  // Variables the function mixes with ^, << or >>: the state of a hash, checksum or random
  // generator, where unsigned wraparound is the arithmetic the author means.
  std::set<const VarDecl *> bitMixed_;
  // `x + c` or `x - c` in signed arithmetic, which cannot wrap: x and the offset (c, or -c).
  std::optional<std::pair<const VarDecl *, i128>> offsetSubject(const Expr *e) {
    const auto *b = llvm::dyn_cast<BinaryOperator>(stripParensAndCasts(e));
    if (!b || (b->getOpcode() != BO_Add && b->getOpcode() != BO_Sub) || !b->getType()->isSignedIntegerType())
      return std::nullopt;
    bool abs = false;
    const VarDecl *vd = subject(b->getLHS(), abs);
    std::optional<i128> c = constant(b->getRHS());
    if (!vd || abs || !c || !vd->getType()->isIntegerType()) return std::nullopt;
    return std::pair{vd, b->getOpcode() == BO_Add ? *c : -*c};
  }

  void findBitMixed() {
    struct Finder : RecursiveASTVisitor<Finder> {
      std::set<const VarDecl *> &out;
      explicit Finder(std::set<const VarDecl *> &o) : out(o) {}
      bool VisitBinaryOperator(BinaryOperator *b) {
        switch (b->getOpcode()) {
        case BO_Xor: case BO_Shl: case BO_Shr: case BO_XorAssign: case BO_ShlAssign: case BO_ShrAssign:
          for (const Expr *side : {b->getLHS(), b->getRHS()})
            if (const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(side)))
              if (const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl())) out.insert(vd);
          break;
        default:
          break;
        }
        return true;
      }
    } finder(bitMixed_);
    if (fd_->getBody()) finder.TraverseStmt(const_cast<Stmt *>(fd_->getBody()));
  }

  ValueRange evalInner(const Expr *e, State &s) {
    e = e->IgnoreParens();
    if (e->getType()->isIntegerType() || e->getType()->isRealFloatingType()) {
      if (std::optional<i128> k = constant(e)) {
        ValueRange r = exact(*k);
        if (e->getType()->isRealFloatingType()) {
          std::optional<double> d = floating(e);
          // Ranges are integers: a fraction lies between its floor and its ceiling.
          if (d && std::isfinite(*d) && std::fabs(*d) < 1e30 && *d != std::trunc(*d)) {
            r.lo = static_cast<i128>(std::floor(*d));
            r.hi = static_cast<i128>(std::ceil(*d));
          }
          r.nonZero = d && *d != 0.0;
        }
        return r;
      }
    }
    if (const auto *c = llvm::dyn_cast<ImplicitCastExpr>(e)) {
      ValueRange v = eval(c->getSubExpr(), s);
      if (c->getCastKind() == CK_IntegralCast && reporting) {
        // A wider result stored into a narrower type (char c = x + 1): checked where it narrows.
        const Expr *inner = c->getSubExpr()->IgnoreParenImpCasts();
        auto overflowingOp = [](const Expr *x) {
          if (const auto *b = llvm::dyn_cast<BinaryOperator>(x))
            return b->getOpcode() == BO_Add || b->getOpcode() == BO_Sub || b->getOpcode() == BO_Mul;
          if (const auto *u = llvm::dyn_cast<UnaryOperator>(x)) return u->isIncrementDecrementOp() || u->getOpcode() == UO_Minus;
          return false;
        };
        if (overflowingOp(inner) &&
            tu_.ctx.getTypeSize(c->getType()) < tu_.ctx.getTypeSize(c->getSubExpr()->getType()))
          checkArithmetic(inner, v, c->getType(), "conversion");
      }
      return v;
    }
    if (const auto *c = llvm::dyn_cast<CastExpr>(e)) return eval(c->getSubExpr(), s);
    switch (e->getStmtClass()) {
    case Stmt::DeclRefExprClass: {
      const auto *vd = llvm::dyn_cast<VarDecl>(llvm::cast<DeclRefExpr>(e)->getDecl());
      if (vd) {
        auto g = tu_.constantGlobals.find(vd->getCanonicalDecl());
        if (g != tu_.constantGlobals.end()) return exact(g->second);
        if (isStaticScalar(vd)) {
          auto w = tu_.staticWrites.find(vd->getCanonicalDecl());
          if (w != tu_.staticWrites.end()) return w->second;
        }
      }
      if (!isTracked(vd)) return top();
      auto it = s.values.find(vd);
      return it == s.values.end() ? top() : it->second;
    }
    case Stmt::UnaryOperatorClass: {
      const auto *u = llvm::cast<UnaryOperator>(e);
      // `&buf[n]` only computes an address: one past the end is a valid one (a loop's
      // end pointer), and nothing is read.
      if (u->getOpcode() == UO_AddrOf)
        if (const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(u->getSubExpr()->IgnoreParens())) {
          checkDereference(a->getBase(), a, s);
          reportIndex(a, eval(a->getIdx(), s), evalBuffer(a->getBase(), s), a->getType(), false, /*onePastEnd=*/true);
          return top();
        }
      if (u->isIncrementDecrementOp()) {
        // `a[i++]++`: the index's side effects happen once, in the read below; the write is
        // judged on a copy of the state.
        if (const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(stripParensAndCasts(u->getSubExpr()))) {
          if (a->getIdx()->HasSideEffects(tu_.ctx)) {
            State probe = s;
            checkIndex(a, true, probe);
          } else {
            checkIndex(a, true, s);
          }
        }
        checkWriteThroughDeref(u->getSubExpr(), s);
        ValueRange v = eval(u->getSubExpr(), s);
        ValueRange one = exact(1);
        ValueRange r = arithmetic(u->isIncrementOp() ? BO_Add : BO_Sub, v, one);
        if (u->getType()->isIntegerType() && (v.external || v.known))
          checkArithmetic(u, r, u->getType(), u->isIncrementOp() ? "++" : "--");
        if (const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(u->getSubExpr())))
          if (const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl()); isTracked(vd)) store(vd, r, u, s);
        return u->isPrefix() ? r : v;
      }
      if (u->getOpcode() == UO_Minus) {
        ValueRange v = eval(u->getSubExpr(), s);
        // Negating an unsigned value is deliberate modular arithmetic: no range survives it.
        if (u->getType()->isUnsignedIntegerType()) return top();
        return arithmetic(BO_Sub, exact(0), v);
      }
      if (u->getOpcode() == UO_Deref) {
        checkDereference(u->getSubExpr(), u, s);
        if (const VarDecl *target = aliasTarget(u, s)) {
          auto it = s.values.find(target);
          return it == s.values.end() ? top() : it->second;
        }
        evalBuffer(u->getSubExpr(), s);
        return top();
      }
      eval(u->getSubExpr(), s);
      return top();
    }
    case Stmt::BinaryOperatorClass:
    case Stmt::CompoundAssignOperatorClass: {
      const auto *b = llvm::cast<BinaryOperator>(e);
      if (b->getOpcode() == BO_Assign) {
        if (b->getLHS()->getType()->isPointerType()) {
          if (const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(b->getLHS())))
            if (const auto *pv = llvm::dyn_cast<VarDecl>(d->getDecl())) {
              if (const VarDecl *target = addressOfLocal(b->getRHS())) s.aliases[pv] = target;
              else s.aliases.erase(pv);
            }
          if (const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(stripParensAndCasts(b->getLHS()))) checkIndex(a, true, s);
          std::optional<BufferFacts> buf = evalBuffer(b->getRHS(), s);
          checkAllocation(b->getLHS()->getType(), b->getRHS(), buf);
          if (const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(b->getLHS())))
            if (const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl())) {
              s.buffers[vd] = buf ? *buf : BufferFacts{};
            }
          return top();
        }
        ValueRange v = eval(b->getRHS(), s);
        assignTo(b->getLHS(), v, b->getRHS(), s);
        return v;
      }
      if (b->isCompoundAssignmentOp()) {
        // `a[i++] += x` writes the element it reads: its index's side effects happen once, in
        // the read below; the write is judged on a copy of the state.
        const auto *element = llvm::dyn_cast<ArraySubscriptExpr>(stripParensAndCasts(b->getLHS()));
        const bool indexHasEffects = element && element->getIdx()->HasSideEffects(tu_.ctx);
        if (indexHasEffects) {
          State probe = s;
          checkIndex(element, true, probe);
        } else if (element) {
          checkIndex(element, true, s);
        }
        checkWriteThroughDeref(b->getLHS(), s);
        ValueRange l = eval(b->getLHS(), s);
        ValueRange r = eval(b->getRHS(), s);
        BinaryOperatorKind op = BinaryOperator::getOpForCompoundAssignment(b->getOpcode());
        if (op == BO_Div || op == BO_Rem) checkDivision(b, b->getRHS(), r);
        ValueRange res = b->getLHS()->getType()->isRealFloatingType() ? floatingArithmetic(op, l, r) : arithmetic(op, l, r);
        if (op == BO_Sub)
          if (std::optional<ValueRange> m = remainderIdiom(b->getLHS(), b->getRHS(), l)) res = *m;
        if (b->getType()->isIntegerType()) applyRelations(op, b->getLHS(), b->getRHS(), res, s);
        if ((op == BO_Add || op == BO_Sub || op == BO_Mul) && b->getType()->isIntegerType() &&
            (res.external || (l.known && r.known)))
          checkArithmetic(b, res, b->getLHS()->getType(), BinaryOperator::getOpcodeStr(op).str() + "=");
        // A left-hand side with side effects (`a[i++]`, `*(p + i++)`) was evaluated once above.
        if (!indexHasEffects && !b->getLHS()->HasSideEffects(tu_.ctx)) assignTo(b->getLHS(), res, b, s);
        // `p += n` with an external, unchecked n: the address is now the input's choice.
        if (b->getLHS()->getType()->isPointerType() && (op == BO_Add || op == BO_Sub) && r.external &&
            uncheckedValue(r, b->getRHS()->getType()))
          if (const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(b->getLHS())))
            if (const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl())) {
              BufferFacts &f = s.buffers[vd];
              if (f.untrusted == BufferFacts::Trusted) f.untrusted = BufferFacts::Offset;
              f.untrustedWhy = r;
            }
        return res;
      }
      if (b->getOpcode() == BO_Comma) {
        auto operand = [&](const Expr *x) {
          auto done = elementValues_.find(x);
          return done != elementValues_.end() ? done->second : eval(x, s);
        };
        operand(b->getLHS());
        return operand(b->getRHS());
      }
      // `a && b`, `a || b`: the CFG evaluates each operand in a block of its own, under the
      // test before it; the operator's own element, in the block where the paths join, must
      // not judge them again there (`n != 0 && total / n > 5` divides only where n != 0).
      if (b->isLogicalOp()) return top();
      ValueRange l = eval(b->getLHS(), s);
      ValueRange r = eval(b->getRHS(), s);
      if (b->isComparisonOp() || b->isLogicalOp()) return top();
      if (b->getOpcode() == BO_Div || b->getOpcode() == BO_Rem) checkDivision(b, b->getRHS(), r);
      if (e->getType()->isPointerType()) return top();
      ValueRange res = e->getType()->isRealFloatingType() ? floatingArithmetic(b->getOpcode(), l, r)
                                                           : arithmetic(b->getOpcode(), l, r);
      if (b->getOpcode() == BO_Sub)
        if (std::optional<ValueRange> m = remainderIdiom(b->getLHS(), b->getRHS(), l)) res = *m;
      if (e->getType()->isIntegerType()) applyRelations(b->getOpcode(), b->getLHS(), b->getRHS(), res, s);
      if ((b->getOpcode() == BO_Add || b->getOpcode() == BO_Sub || b->getOpcode() == BO_Mul) &&
          e->getType()->isIntegerType() && (res.external || (l.known && r.known)))
        checkArithmetic(b, res, e->getType(), BinaryOperator::getOpcodeStr(b->getOpcode()).str());
      return res;
    }
    case Stmt::ArraySubscriptExprClass: {
      const auto *a = llvm::cast<ArraySubscriptExpr>(e);
      checkIndex(a, false, s);
      return top();
    }
    case Stmt::MemberExprClass: {
      if (const auto *m = llvm::cast<MemberExpr>(e); m->isArrow()) checkDereference(m->getBase(), m, s);
      if (const VarDecl *u = unionVariable(e)) {
        auto it = s.values.find(u);
        return it == s.values.end() ? top() : it->second;
      }
      break;
    }
    case Stmt::ConditionalOperatorClass: {
      const auto *c = llvm::cast<ConditionalOperator>(e);
      eval(c->getCond(), s);
      if (c->getTrueExpr()->HasSideEffects(tu_.ctx) || c->getFalseExpr()->HasSideEffects(tu_.ctx))
        return hull(eval(c->getTrueExpr(), s), eval(c->getFalseExpr(), s));
      // Each arm under its side of the condition (`n > 0 ? n - 1 : 0`); an arm the
      // condition rules out is not evaluated, nor judged.
      State whenTrue = s, whenFalse = s;
      refine(c->getCond(), true, whenTrue, 0, true);
      refine(c->getCond(), false, whenFalse, 0, true);
      std::optional<ValueRange> t, f;
      if (!whenTrue.infeasible) t = eval(c->getTrueExpr(), whenTrue);
      if (!whenFalse.infeasible) f = eval(c->getFalseExpr(), whenFalse);
      if (t && f) return hull(*t, *f);
      if (t) return *t;
      if (f) return *f;
      return top();
    }
    case Stmt::CallExprClass:
      containerCall(llvm::cast<CallExpr>(e), s);  // f(v) with a non-const reference may resize v
      return evalCall(llvm::cast<CallExpr>(e), s);
    case Stmt::CXXMemberCallExprClass:
    case Stmt::CXXOperatorCallExprClass:
      if (containerCall(llvm::cast<CallExpr>(e), s)) return top();
      if (std::optional<i128> n = containerSize(llvm::cast<CallExpr>(e), s)) return exact(*n);
      break;
    case Stmt::CXXNewExprClass: {
      const auto *n = llvm::cast<CXXNewExpr>(e);
      std::optional<const Expr *> count = n->getArraySize();
      QualType element = n->getAllocatedType();
      if (!count || !*count || element->isDependentType() || element->isIncompleteType()) break;
      ValueRange elements = eval(*count, s);
      checkAllocationSize(n, "new[]",
                          arithmetic(BO_Mul, elements, exact(tu_.ctx.getTypeSizeInChars(element).getQuantity())));
      for (const Expr *a : n->placement_arguments()) eval(a, s);
      if (const Expr *init = n->getInitializer()) eval(init, s);
      return top();
    }
    default:
      break;
    }
    for (const Stmt *child : e->children())
      if (const auto *ce = llvm::dyn_cast_or_null<Expr>(child)) eval(ce, s);
    return top();
  }

  void assignTo(const Expr *lhs, const ValueRange &v, const Expr *from, State &s) {
    const Expr *l = stripParensAndCasts(lhs);
    if (const auto *d = llvm::dyn_cast<DeclRefExpr>(l)) {
      if (const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl()); isTracked(vd)) store(vd, v, from, s);
      else if (isStaticScalar(vd)) noteStaticWrite(vd, v);
      return;
    }
    if (const VarDecl *u = unionVariable(l)) {
      s.values[u] = v;
      s.forget(u);
      return;
    }
    if (const VarDecl *target = aliasTarget(l, s)) {
      store(target, v, from, s);
      return;
    }
    if (const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(l)) {
      checkIndex(a, true, s);
      // buf[k] = '\0' ends the string at k.
      if (std::optional<i128> k = constant(a->getIdx()))
        if (v.known && v.lo == 0 && v.hi == 0)
          if (const VarDecl *root = rootVariable(a->getBase())) {
            auto it = s.buffers.find(root);
            if (it != s.buffers.end() && (it->second.stringLength < 0 || it->second.stringLength > *k))
              it->second.stringLength = static_cast<long long>(*k);
          }
      return;
    }
    if (const auto *u = llvm::dyn_cast<UnaryOperator>(l); u && u->getOpcode() == UO_Deref) {
      checkReadOnlyWrite(u->getSubExpr(), l, s);
      if (std::optional<unsigned> i = simpleOutParam(u->getSubExpr()); i && reporting) {
        auto key = std::make_pair(fd_->getCanonicalDecl(), *i);
        auto it = tu_.outRanges.find(key);
        if (it == tu_.outRanges.end()) tu_.outRanges[key] = v;
        else it->second = hull(it->second, v);
      }
    }
    eval(lhs, s);
  }

  // The index of the out-parameter `e` names (see RangeTu::simpleOutParams), if it is one.
  std::optional<unsigned> simpleOutParam(const Expr *e) {
    const auto *d = llvm::dyn_cast<DeclRefExpr>(e->IgnoreParenImpCasts());
    const auto *p = d ? llvm::dyn_cast<ParmVarDecl>(d->getDecl()) : nullptr;
    if (!p || p->getDeclContext() != fd_ || !p->getType()->isPointerType() ||
        !p->getType()->getPointeeType()->isIntegerType())
      return std::nullopt;
    if (!outParams_) {
      // Every use of the parameter is the operand of a `*` that is read or plainly assigned.
      struct Uses : RecursiveASTVisitor<Uses> {
        std::set<const ParmVarDecl *> spoiled;
        std::set<const DeclRefExpr *> allowed;
        bool VisitUnaryOperator(UnaryOperator *u) {
          if (u->getOpcode() == UO_Deref)
            if (const auto *r = llvm::dyn_cast<DeclRefExpr>(u->getSubExpr()->IgnoreParenImpCasts())) allowed.insert(r);
          // `(*p)++`, `&*p`: not a plain store.
          if (u->isIncrementDecrementOp() || u->getOpcode() == UO_AddrOf)
            if (const auto *in = llvm::dyn_cast<UnaryOperator>(u->getSubExpr()->IgnoreParens()); in && in->getOpcode() == UO_Deref)
              spoil(in->getSubExpr());
          return true;
        }
        bool VisitCompoundAssignOperator(CompoundAssignOperator *b) {
          if (const auto *in = llvm::dyn_cast<UnaryOperator>(b->getLHS()->IgnoreParens()); in && in->getOpcode() == UO_Deref)
            spoil(in->getSubExpr());
          return true;
        }
        void spoil(const Expr *e) {
          if (const auto *r = llvm::dyn_cast<DeclRefExpr>(e->IgnoreParenImpCasts()))
            if (const auto *p = llvm::dyn_cast<ParmVarDecl>(r->getDecl())) spoiled.insert(p);
        }
        std::vector<const DeclRefExpr *> refs;
        bool VisitDeclRefExpr(DeclRefExpr *r) {
          refs.push_back(r);
          return true;
        }
      } uses;
      if (fd_->getBody()) uses.TraverseStmt(fd_->getBody());
      outParams_.emplace();
      for (const DeclRefExpr *r : uses.refs)
        if (const auto *q = llvm::dyn_cast<ParmVarDecl>(r->getDecl()); q && !uses.allowed.count(r)) uses.spoiled.insert(q);
      for (unsigned i = 0; i < fd_->getNumParams(); ++i) {
        const ParmVarDecl *q = fd_->getParamDecl(i);
        if (q->getType()->isPointerType() && q->getType()->getPointeeType()->isIntegerType() && !uses.spoiled.count(q))
          outParams_->insert(i);
      }
    }
    unsigned i = p->getFunctionScopeIndex();
    if (!outParams_->count(i)) return std::nullopt;
    if (reporting) tu_.simpleOutParams.insert({fd_->getCanonicalDecl(), i});
    return i;
  }
  std::optional<std::set<unsigned>> outParams_;

  // `*p += c`, `(*p)++`: a write through p.
  void checkWriteThroughDeref(const Expr *target, State &s) {
    if (const auto *u = llvm::dyn_cast<UnaryOperator>(stripParensAndCasts(target)); u && u->getOpcode() == UO_Deref)
      checkReadOnlyWrite(u->getSubExpr(), u, s);
  }

  void checkDivision(const Expr *at, const Expr *divisor, const ValueRange &r) {
    // Events count only in the reporting pass; the loop test below walks the AST's parents.
    if (!reporting || r.nonZero || r.lo > 0 || r.hi < 0) return;
    RangeEvent ev;
    ev.kind = RangeEvent::Kind::Division;
    ev.key = at;
    ev.location = loc(at);
    ev.subject = text(divisor);
    ev.value = r;
    ev.floating = divisor->getType()->isRealFloatingType();
    ev.counterReachesZero = counterReachesZero(at, divisor);
    emit(ev);
  }

  // `for (i = 0; ...; ++i) { ... x / i ... }` or `for (i = n; i >= 0; --i) { ... x / i ... }`.
  bool counterReachesZero(const Expr *at, const Expr *divisor) {
    const auto *ref = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(divisor));
    const auto *var = ref ? llvm::dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
    if (!var || !var->isLocalVarDeclOrParm() || var->isStaticLocal() || !var->getType()->isIntegerType()) return false;
    auto isVar = [&](const Expr *e) {
      const auto *r = e ? llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(e)) : nullptr;
      return r && r->getDecl() == var;
    };
    auto isConstant = [&](const Expr *e, long long want) {
      std::optional<llvm::APSInt> v = e ? e->IgnoreParenImpCasts()->getIntegerConstantExpr(tu_.ctx) : std::nullopt;
      return v && v->getExtValue() == want;
    };
    // The function's own parent map: ASTContext::getParents would map the whole TU.
    if (!parents_) parents_ = std::make_unique<ParentMap>(fd_->getBody());
    const Stmt *from = at;
    const Stmt *parent = parents_->getParent(from);
    for (int depth = 0; parent && depth < 64; ++depth) {
      const auto *loop = llvm::dyn_cast<ForStmt>(parent);
      if (loop && loop->getBody() && from == loop->getBody() && loop->getInc()) {
        // The increment: ++i / i++ / i += k (up) or --i / i-- / i -= k (down).
        int step = 0;
        const Expr *inc = loop->getInc()->IgnoreParenImpCasts();
        if (const auto *u = llvm::dyn_cast<UnaryOperator>(inc); u && isVar(u->getSubExpr()))
          step = u->isIncrementOp() ? 1 : u->isDecrementOp() ? -1 : 0;
        if (const auto *c = llvm::dyn_cast<CompoundAssignOperator>(inc); c && isVar(c->getLHS()))
          step = c->getOpcode() == BO_AddAssign ? 1 : c->getOpcode() == BO_SubAssign ? -1 : 0;
        if (step == 0) return false;
        // Starts at zero (and goes up: nothing in between can skip the first iteration's 0).
        bool startsAtZero = false;
        if (const auto *ds = llvm::dyn_cast_or_null<DeclStmt>(loop->getInit()))
          startsAtZero = ds->isSingleDecl() && ds->getSingleDecl() == var && isConstant(var->getInit(), 0);
        if (const auto *as = llvm::dyn_cast_or_null<BinaryOperator>(loop->getInit()))
          startsAtZero = as->getOpcode() == BO_Assign && isVar(as->getLHS()) && isConstant(as->getRHS(), 0);
        if (startsAtZero && step > 0) return true;
        // Counts down while >= 0 (i >= 0, i > -1, 0 <= i): its last iteration has it 0.
        const auto *cond = llvm::dyn_cast_or_null<BinaryOperator>(loop->getCond() ? loop->getCond()->IgnoreParenImpCasts() : nullptr);
        if (!cond || step > 0) return false;
        if (const auto *u = llvm::dyn_cast<UnaryOperator>(inc); !u) return false;  // i -= 2 may step over 0
        return (cond->getOpcode() == BO_GE && isVar(cond->getLHS()) && isConstant(cond->getRHS(), 0)) ||
               (cond->getOpcode() == BO_GT && isVar(cond->getLHS()) && isConstant(cond->getRHS(), -1)) ||
               (cond->getOpcode() == BO_LE && isVar(cond->getRHS()) && isConstant(cond->getLHS(), 0));
      }
      from = parent;
      parent = parents_->getParent(parent);
    }
    return false;
  }

  // ----- buffers -----

  std::optional<BufferFacts> evalBuffer(const Expr *e, State &s) {
    if (e->getType()->isPointerType() && !e->isValueDependent() &&
        e->isNullPointerConstant(tu_.ctx, Expr::NPC_ValueDependentIsNotNull)) {
      BufferFacts b;
      b.bytes = kNullBuffer;
      return b;
    }
    const Expr *x = e->IgnoreParens();
    while (const auto *c = llvm::dyn_cast<CastExpr>(x)) {
      if (c->getCastKind() == CK_IntegralToPointer)
        return addressFromInteger(c->getSubExpr(), s, llvm::isa<ImplicitCastExpr>(c));
      x = c->getSubExpr()->IgnoreParens();
    }
    if (const auto *d = llvm::dyn_cast<DeclRefExpr>(x)) {
      const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl());
      if (!vd) return std::nullopt;
      auto it = s.buffers.find(vd);
      if (it != s.buffers.end()) return it->second;
      return std::nullopt;
    }
    if (const auto *m = llvm::dyn_cast<MemberExpr>(x)) return memberArray(m, s);
    if (const auto *lit = llvm::dyn_cast<StringLiteral>(x)) {
      BufferFacts b;
      b.bytes = lit->getByteLength() + lit->getCharByteWidth();
      b.stringLength = lit->getLength();
      b.name = "a string literal";
      b.readOnly = true;
      b.declaredAt = loc(lit);
      b.placeKnown = false;  // static storage: neither the stack nor the heap
      return b;
    }
    if (const auto *call = llvm::dyn_cast<CallExpr>(x)) {
      evalCall(call, s);
      const FunctionDecl *fd = call->getDirectCallee();
      if (fd && fd->getDefinition()) {
        auto r = tu_.returnBuffers.find(fd->getDefinition()->getCanonicalDecl());
        if (r != tu_.returnBuffers.end() && (r->second.bytes >= 0 || r->second.untrusted != BufferFacts::Trusted))
          return r->second;
      }
      std::string n = fd ? tu_.names.name(fd) : "";
      if (n == "getenv" || n == "secure_getenv") return externalString("the environment variable read by '" + n + "'", call);
      std::vector<const Expr *> factors = allocationSizeFactors(n, call);
      std::optional<i128> size;
      if (!factors.empty()) size = 1;
      for (const Expr *factor : factors) {
        std::optional<i128> k = constant(factor);
        if (!k) {
          size.reset();
          break;
        }
        *size *= *k;
      }
      if (!size || *size < 0) return std::nullopt;
      BufferFacts b;
      b.bytes = static_cast<long long>(*size);
      b.stringLength = n == "calloc" ? 0 : n == "realloc" ? -1 : kNoString;
      b.heap = n != "alloca";
      b.name = "the block from '" + n + "'";
      b.declaredAt = loc(call);
      return b;
    }
    if (const auto *u = llvm::dyn_cast<UnaryOperator>(x); u && u->getOpcode() == UO_AddrOf) {
      if (const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(u->getSubExpr()->IgnoreParens()))
        if (std::optional<i128> k = constant(a->getIdx()); k && *k == 0) return evalBuffer(a->getBase(), s);
      return std::nullopt;
    }
    // argv[i] in main: a command-line argument, as long as the caller likes.
    if (const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(x)) {
      if (isMainArgv(a->getBase())) {
        eval(a->getIdx(), s);
        return externalString("a command-line argument", a);
      }
    }
    eval(e, s);
    return std::nullopt;
  }

  BufferFacts externalString(const std::string &what, const Expr *at) {
    BufferFacts b;
    b.externalString = true;
    b.externalWhat = what;
    b.name = what;
    b.declaredAt = loc(at);
    return b;
  }

  // A pointer made from an integer: untrusted when the integer is external and unchecked
  // (a constant address, or one computed from another pointer, is the program's own).
  // `implicit`: C does not convert an integer to a pointer without a cast (compilers that
  // accept it warn): `ptr = input` or `ptr = arr[1]` meant `*ptr = ...` or `&arr[1]`, and
  // whatever the integer holds becomes the address, external or not. A constant (`p = 0`
  // is NULL), a value known exactly (a const global) and the result of a function called
  // without a declaration (whose int result is a truncated pointer, a different mistake)
  // are left alone.
  std::optional<BufferFacts> addressFromInteger(const Expr *integer, State &s, bool implicit = false) {
    ValueRange v = eval(integer, s);
    bool uncheckedInput = v.external && uncheckedValue(v, integer->getType());
    bool exact = v.known && v.lo == v.hi;  // `reg = BASE` with `static const uint32_t BASE = 0x4000...`
    if (implicit && !uncheckedInput && !exact && !integer->isValueDependent() &&
        !integer->isIntegerConstantExpr(tu_.ctx) && !calledWithoutDeclaration(integer)) {
      v.external = false;
      v.origin = loc(integer);
      v.originWhat = "the integer '" + text(integer) + "', stored in a pointer without a cast";
      BufferFacts b;
      b.untrusted = BufferFacts::Address;
      b.untrustedWhy = v;
      b.name = text(integer);
      return b;
    }
    if (!uncheckedInput) return std::nullopt;
    BufferFacts b;
    b.untrusted = BufferFacts::Address;
    b.untrustedWhy = v;
    b.name = text(integer);
    return b;
  }

  static bool calledWithoutDeclaration(const Expr *e) {
    const auto *call = llvm::dyn_cast<CallExpr>(e->IgnoreParenImpCasts());
    const FunctionDecl *fd = call ? call->getDirectCallee() : nullptr;
    return fd && fd->isImplicit();
  }

  // An external value nothing has bounded: it still reaches its type's maximum (or, when
  // signed, its minimum). A value checked against a window (`n >= 0 && n < count`) is not.
  bool uncheckedValue(const ValueRange &v, QualType t) {
    i128 lo, hi;
    if (!v.known || !typeBounds(t, lo, hi)) return !v.known;
    return v.hi >= hi || (t->isSignedIntegerType() && v.lo <= lo);
  }

  // `*p`, `p[i]`, `p->f` of a pointer whose address came from outside: one event per
  // pointer variable, at its first dereference.
  // An event about pointer variable `vd`, used at `at`: keyed by the variable, so each
  // pointer is reported once (at its first use in the text, see RangeTu::emit).
  RangeEvent pointerEvent(RangeEvent::Kind kind, const VarDecl *vd, const Expr *at) {
    RangeEvent ev;
    ev.kind = kind;
    ev.key = vd;
    ev.location = loc(at);
    ev.subject = text(at);
    ev.variable = vd->getNameAsString();
    return ev;
  }

  void checkDereference(const Expr *pointer, const Expr *at, State &s) {
    const VarDecl *vd = nullptr;
    if (const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(pointer))) vd = llvm::dyn_cast<VarDecl>(d->getDecl());
    if (!vd) return;
    auto it = s.buffers.find(vd);
    if (it == s.buffers.end() || it->second.untrusted == BufferFacts::Trusted) return;
    RangeEvent ev = pointerEvent(RangeEvent::Kind::UntrustedPointer, vd, at);
    ev.value = it->second.untrustedWhy;
    ev.op = it->second.untrusted == BufferFacts::Address ? "address" : "offset";
    emit(ev);
  }

  // `T *p = malloc(n * sizeof(p))`, or `sizeof(T *)`: the size counts pointers to T, not
  // Ts. A T that is itself a pointer (or void) is left alone: there the two sizes agree.
  void checkAllocation(QualType target, const Expr *init, const std::optional<BufferFacts> &block) {
    if (!target->isPointerType()) return;
    QualType element = target->getPointeeType();
    if (element->isVoidType() || element->isPointerType() || element->isIncompleteType() ||
        element->isDependentType())
      return;
    const auto *call = llvm::dyn_cast<CallExpr>(stripParensAndCasts(init));
    const FunctionDecl *fd = call ? call->getDirectCallee() : nullptr;
    if (!fd) return;
    std::string n = tu_.names.name(fd);
    for (const Expr *size : allocationSizeFactors(n, call)) {
      const UnaryExprOrTypeTraitExpr *so = sizeofFactor(size);
      if (!so || so->getKind() != UETT_SizeOf) continue;
      QualType measured = so->getTypeOfArgument();
      if (!measured->isPointerType() || !tu_.ctx.hasSameUnqualifiedType(measured->getPointeeType(), element)) continue;
      RangeEvent ev;
      ev.kind = RangeEvent::Kind::Allocation;
      ev.key = so;
      ev.location = loc(so);
      ev.subject = text(call);
      ev.variable = text(so);
      ev.typeName = element.getAsString(tu_.ctx.getPrintingPolicy());
      ev.elementBytes = tu_.ctx.getTypeSizeInChars(element).getQuantity();
      ev.bufferBytes = block && block->bytes >= 0 ? block->bytes : -1;
      ev.onHeap = n != "alloca";
      emit(ev);
      return;
    }
  }

  // Reporting pass: the size of every block an allocator is asked for, with where it came
  // from (a checker decides whether input chooses it unchecked).
  void checkAllocationSize(const Expr *call, const std::string &allocator, const ValueRange &bytes) {
    if (!reporting) return;
    RangeEvent ev;
    ev.kind = RangeEvent::Kind::AllocationSize;
    ev.key = call;
    ev.location = loc(call);
    ev.subject = text(call);
    ev.op = allocator;
    ev.value = bytes;
    emit(ev);
  }

  void checkAllocationSize(const CallExpr *call, const std::string &name, const std::vector<ValueRange> &args) {
    std::vector<unsigned> factors = allocationSizeArguments(name, static_cast<unsigned>(args.size()));
    if (factors.empty()) return;
    ValueRange bytes = args[factors[0]];
    for (size_t i = 1; i < factors.size(); ++i) bytes = arithmetic(BO_Mul, bytes, args[factors[i]]);
    checkAllocationSize(call, name, bytes);
  }

  // The arguments whose product is the size of the block an allocator returns (malloc,
  // alloca, calloc, realloc), or none for other functions.
  static std::vector<const Expr *> allocationSizeFactors(const std::string &n, const CallExpr *call) {
    std::vector<const Expr *> out;
    for (unsigned i : allocationSizeArguments(n, call->getNumArgs())) out.push_back(call->getArg(i));
    return out;
  }

  // The sizeof a size is a multiple of: `sizeof(x)`, `k * sizeof(x)`, `sizeof(x) * k`.
  static const UnaryExprOrTypeTraitExpr *sizeofFactor(const Expr *e) {
    e = stripParensAndCasts(e);
    if (const auto *so = llvm::dyn_cast<UnaryExprOrTypeTraitExpr>(e)) return so;
    if (const auto *b = llvm::dyn_cast<BinaryOperator>(e); b && b->getOpcode() == BO_Mul) {
      if (const UnaryExprOrTypeTraitExpr *l = sizeofFactor(b->getLHS())) return l;
      return sizeofFactor(b->getRHS());
    }
    return nullptr;
  }

  // An array field (`req->name`, `s.buf`): its declared size, except a trailing one of
  // zero or one element, the old spelling of a flexible array member that code writes past
  // on purpose.
  std::optional<BufferFacts> memberArray(const MemberExpr *m, State &s) {
    const auto *field = llvm::dyn_cast<FieldDecl>(m->getMemberDecl());
    const auto *at = field ? tu_.ctx.getAsConstantArrayType(field->getType()) : nullptr;
    if (!at) {
      eval(m->getBase(), s);
      return std::nullopt;
    }
    const RecordDecl *rd = field->getParent();
    bool last = true;
    for (const FieldDecl *f : rd->fields()) last = f == field;
    if (last && at->getSize().getZExtValue() <= 1) return std::nullopt;
    if (rd->isUnion()) return std::nullopt;
    BufferFacts b;
    b.bytes = tu_.ctx.getTypeSizeInChars(at).getQuantity();
    b.name = text(m);
    b.declaredAt = loc(field);
    if (m->isArrow()) {
      std::optional<BufferFacts> base = evalBufferQuiet(m->getBase(), s);
      if (base && base->bytes >= 0) b.heap = base->heap;
      else b.placeKnown = false;
    } else {
      const Expr *root = m->getBase()->IgnoreParenImpCasts();
      while (const auto *inner = llvm::dyn_cast<MemberExpr>(root)) {
        if (inner->isArrow()) {
          b.placeKnown = false;
          break;
        }
        root = inner->getBase()->IgnoreParenImpCasts();
      }
    }
    return b;
  }

  // A write through `pointer` (as in `*pointer = c`, `pointer[i] = c`, a copy into it):
  // one event per pointer variable that holds a string literal on every path.
  void checkReadOnlyWrite(const Expr *pointer, const Expr *at, const State &s) {
    const Expr *x = stripParensAndCasts(pointer);
    for (;;) {
      if (const auto *u = llvm::dyn_cast<UnaryOperator>(x); u && u->isIncrementDecrementOp())
        x = stripParensAndCasts(u->getSubExpr());
      else if (const auto *b = llvm::dyn_cast<BinaryOperator>(x); b && b->isAdditiveOp() && b->getLHS()->getType()->isPointerType())
        x = stripParensAndCasts(b->getLHS());
      else
        break;
    }
    const auto *d = llvm::dyn_cast<DeclRefExpr>(x);
    const auto *vd = d ? llvm::dyn_cast<VarDecl>(d->getDecl()) : nullptr;
    if (!vd || !vd->getType()->isPointerType()) return;
    auto it = s.buffers.find(vd);
    if (it == s.buffers.end() || !it->second.readOnly) return;
    // `load_name(&name)`, `asprintf(&s, ...)`, `pp = &p; *pp = buf`: whatever takes the
    // pointer's address may point it elsewhere.
    if (addressTaken().count(vd)) return;
    // A parameter judged by this file's calls alone: an external function may be called
    // from other files with a buffer of theirs, unless this file is a program (has main).
    if (llvm::isa<ParmVarDecl>(vd) && fd_->isExternallyVisible() && !tu_.definesMain()) return;
    RangeEvent ev = pointerEvent(RangeEvent::Kind::ReadOnlyWrite, vd, at);
    ev.buffer = it->second.name;
    ev.bufferDeclaredAt = it->second.declaredAt;
    if (llvm::isa<ParmVarDecl>(vd)) ev.op = "parameter";
    emit(ev);
  }

  // Local variables of this function whose address is taken anywhere in it.
  const std::set<const VarDecl *> &addressTaken() {
    if (!addressTaken_) {
      struct Finder : RecursiveASTVisitor<Finder> {
        std::set<const VarDecl *> found;
        bool VisitUnaryOperator(UnaryOperator *u) {
          if (u->getOpcode() == UO_AddrOf)
            if (const auto *d = llvm::dyn_cast<DeclRefExpr>(u->getSubExpr()->IgnoreParenImpCasts()))
              if (const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl())) found.insert(vd);
          return true;
        }
      } finder;
      if (fd_->getBody()) finder.TraverseStmt(fd_->getBody());
      addressTaken_ = std::move(finder.found);
    }
    return *addressTaken_;
  }
  std::optional<std::set<const VarDecl *>> addressTaken_;

  void checkIndex(const ArraySubscriptExpr *a, bool write, State &s) {
    if (write) checkReadOnlyWrite(a->getBase(), a, s);
    checkDereference(a->getBase(), a, s);
    ValueRange idx = eval(a->getIdx(), s);
    std::optional<BufferFacts> buf = evalBuffer(a->getBase(), s);
    // A global or static array is judged by its type for an index chosen outside the
    // program (a table looked up by a received command number); other indices into such
    // arrays are often bounded by code the intervals cannot follow (a count in a global).
    if (!buf && idx.external) buf = staticArray(a->getBase());
    reportIndex(a, idx, buf, a->getType(), write);
  }

  // container[i] through std::array / std::vector operator[].
  void checkElement(const CallExpr *call, const Expr *index, QualType elemType, bool write, State &s) {
    ValueRange idx = eval(index, s);
    const VarDecl *vd = trackedContainer(call->getArg(0), s);
    if (!vd) return;
    reportIndex(call, idx, s.buffers[vd], elemType, write);
  }

  void reportIndex(const Expr *a, const ValueRange &idx, const std::optional<BufferFacts> &buf, QualType elemType,
                   bool write, bool onePastEnd = false) {
    if (!buf || buf->bytes < 0) return;
    if (elemType->isIncompleteType() || elemType->isDependentType()) return;
    long long elem = tu_.ctx.getTypeSizeInChars(elemType).getQuantity();
    if (elem <= 0) return;
    long long count = buf->bytes / elem + (onePastEnd ? 1 : 0);
    if (!(idx.hi >= count || idx.lo < 0)) return;
    if (!idx.external && !idx.known) return;
    RangeEvent ev;
    ev.kind = RangeEvent::Kind::Index;
    ev.key = a;
    ev.location = loc(a);
    ev.subject = text(a);
    ev.value = idx;
    ev.bufferBytes = buf->bytes;
    ev.elementBytes = elem;
    ev.onHeap = buf->heap;
    ev.placeKnown = buf->placeKnown;
    ev.write = write;
    ev.buffer = buf->name;
    ev.bufferDeclaredAt = buf->declaredAt;
    emit(ev);
  }

  // Whether the function takes the length of the string `e` names anywhere (strlen(x),
  // strnlen(x, n), with x the same variable): then it is taken to check it before copying.
  bool measuredIn(const Expr *e) {
    const VarDecl *root = rootVariable(e);
    if (!root || !fd_->getBody()) return false;
    // The answer depends on the function's text only; the fixpoint asks at every visit.
    auto cached = measured_.find(root);
    if (cached != measured_.end()) return cached->second;
    struct Finder : RecursiveASTVisitor<Finder> {
      const VarDecl *root;
      RangeTu *tu;
      bool found = false;
      bool VisitCallExpr(CallExpr *c) {
        const FunctionDecl *f = c->getDirectCallee();
        std::string n = f ? tu->names.name(f) : "";
        if ((n == "strlen" || n == "strnlen" || n == "wcslen") && c->getNumArgs() >= 1 && rootVariable(c->getArg(0)) == root)
          found = true;
        return !found;
      }
    } finder;
    finder.root = root;
    finder.tu = &tu_;
    finder.TraverseStmt(fd_->getBody());
    return measured_[root] = finder.found;
  }
  std::map<const VarDecl *, bool> measured_;

  // A copy's destination: as evalBuffer, and a global or static array by its type (what it
  // holds is not followed across functions; it is neither on the stack nor on the heap,
  // so an overflow of it is CWE-787). Indexing such arrays is judged only for external
  // indices (see checkIndex).
  std::optional<BufferFacts> destinationBuffer(const Expr *e, State &s) {
    if (std::optional<BufferFacts> b = evalBuffer(e, s)) return b;
    return staticArray(e);
  }

  // A global or static array, by its type.
  std::optional<BufferFacts> staticArray(const Expr *e) {
    const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(e));
    const auto *vd = d ? llvm::dyn_cast<VarDecl>(d->getDecl()) : nullptr;
    if (!vd || !vd->hasGlobalStorage()) return std::nullopt;
    const ConstantArrayType *at = tu_.ctx.getAsConstantArrayType(vd->getType());
    if (!at) return std::nullopt;
    BufferFacts b;
    b.bytes = static_cast<long long>(tu_.ctx.getTypeSizeInChars(at).getQuantity());
    b.placeKnown = false;
    b.name = "'" + vd->getNameAsString() + "'";
    b.declaredAt = loc(vd);
    return b;
  }

  void checkCopy(const CallExpr *call, const std::string &name, unsigned dstArg, const ValueRange &bytes, State &s) {
    if (dstArg >= call->getNumArgs()) return;
    checkReadOnlyWrite(call->getArg(dstArg), call, s);
    std::optional<BufferFacts> buf = destinationBuffer(call->getArg(dstArg), s);
    if (!buf || buf->bytes < 0) return;
    if (!(bytes.hi > buf->bytes)) return;
    if (!bytes.external && !bytes.known) return;
    RangeEvent ev;
    ev.kind = RangeEvent::Kind::Copy;
    ev.key = call;
    ev.location = loc(call);
    ev.subject = text(call->getArg(dstArg));
    ev.value = bytes;
    ev.bufferBytes = buf->bytes;
    ev.onHeap = buf->heap;
    ev.placeKnown = buf->placeKnown;
    ev.write = true;
    ev.op = name;
    ev.buffer = buf->name;
    ev.bufferDeclaredAt = buf->declaredAt;
    emit(ev);
  }

  // `bytes`, as the length of a string that `call` read from outside.
  ValueRange readBy(ValueRange bytes, const CallExpr *call, const std::string &name) {
    bytes.external = true;
    bytes.origin = loc(call);
    bytes.originWhat = "'" + name + "'";
    return bytes;
  }

  // A string read from outside with no limit but the input's own length.
  ValueRange unboundedInput(const CallExpr *call, const std::string &name) {
    ValueRange r;
    r.lo = 1;
    r.hi = kPosInf;
    return readBy(normalize(r), call, name);
  }

  // The scanf family's string conversions: `%s` and `%[...]` store as many characters as
  // the input holds plus a NUL, `%Ns` at most N + 1. Each is a copy into its argument.
  void checkScannedStrings(const CallExpr *call, const std::string &name, unsigned firstOut, State &s) {
    if (firstOut == 0 || firstOut > call->getNumArgs()) return;
    const auto *lit = llvm::dyn_cast<StringLiteral>(call->getArg(firstOut - 1)->IgnoreParenImpCasts());
    if (!lit || lit->getCharByteWidth() != 1) return;
    llvm::StringRef f = lit->getString();
    // sscanf reads from a string: no field can be longer than that string. One whose size
    // is unknown here bounds it all the same, so only a known smaller source is judged.
    long long sourceBytes = -1;
    if (name == "sscanf" || name == "__isoc99_sscanf") {
      std::optional<BufferFacts> src = evalBufferQuiet(call->getArg(0), s);
      if (!src || (src->bytes < 0 && src->stringLength < 0)) return;
      sourceBytes = src->stringLength >= 0 ? src->stringLength + 1 : src->bytes;
    }
    unsigned arg = firstOut;
    for (const ScanConversion &c : scanfConversions(f)) {
      if (c.suppressed) continue;
      if (arg >= call->getNumArgs()) return;
      if ((c.conversion == 's' || c.conversion == '[') && !c.allocates) {
        ValueRange bytes = c.width < 0 ? unboundedInput(call, name) : readBy(exact(c.width + 1), call, name);
        if (sourceBytes >= 0 && bytes.hi > sourceBytes) bytes.hi = sourceBytes;
        checkCopy(call, name, arg, bytes, s);
        setStringLength(call->getArg(arg), -1, s);
      }
      ++arg;
    }
  }

  // Converged states only (the reporting pass): the argument facts of this call site.
  void recordCall(const FunctionDecl *callee, const CallExpr *call, const std::vector<ValueRange> &args, State &s) {
    if (tu_.addressTaken.count(callee->getCanonicalDecl())) return;
    auto &facts = tu_.parameterFacts[callee->getCanonicalDecl()];
    facts.resize(callee->getNumParams());
    for (unsigned i = 0; i < callee->getNumParams() && i < call->getNumArgs(); ++i) {
      ParamFacts &f = facts[i];
      const Expr *arg = call->getArg(i);
      // Call sites must agree: joining them independently would pair one caller's buffer
      // with another caller's length.
      if (i < args.size()) {
        if (f.calls == 0) f.value = args[i];
        else if (f.value && !sameRange(*f.value, args[i])) f.value.reset();
      }
      if (arg->getType()->isPointerType() || arg->getType()->isArrayType()) {
        std::optional<BufferFacts> b = evalBufferQuiet(arg, s);
        if (!b || (b->bytes < 0 && b->untrusted == BufferFacts::Trusted && !b->readOnly)) f.sawUnknownBuffer = true;
        else if (f.calls == 0) f.buffer = b;
        else if (f.buffer && (b->bytes != f.buffer->bytes || b->untrusted != f.buffer->untrusted ||
                              b->readOnly != f.buffer->readOnly))
          f.sawUnknownBuffer = true;
        if (f.sawUnknownBuffer) f.buffer.reset();
      }
    }
    for (ParamFacts &f : facts) ++f.calls;
  }

  // `argv[i]` of main (also through a local set to it) or getopt's `optarg`.
  bool isCommandLineArgument(const Expr *e, int depth = 0) const {
    const Expr *x = stripParensAndCasts(e);
    if (const auto *d = llvm::dyn_cast<DeclRefExpr>(x)) {
      const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl());
      if (!vd) return false;
      if (vd->hasGlobalStorage()) return vd->getName() == "optarg";
      if (!llvm::isa<ParmVarDecl>(vd) && vd->getInit() && depth < 4)
        return isCommandLineArgument(vd->getInit(), depth + 1);
      return false;
    }
    const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(x);
    return a && isMainArgv(a->getBase());
  }

  std::optional<BufferFacts> evalBufferQuiet(const Expr *e, State &s) {
    // `write_word((uint32_t *)strtoul(arg, NULL, 16), v)`: an address made from an integer
    // where it is passed (calls are cached; anything else is evaluated on a copy).
    const Expr *c = e->IgnoreParens();
    while (const auto *cast = llvm::dyn_cast<CastExpr>(c)) {
      if (cast->getCastKind() == CK_IntegralToPointer) {
        State copy = s;  // the argument's side effects (`(int *)n++`) already happened once
        return addressFromInteger(cast->getSubExpr(), copy, llvm::isa<ImplicitCastExpr>(cast));
      }
      c = cast->getSubExpr()->IgnoreParens();
    }
    const Expr *x = stripParensAndCasts(e);
    if (const auto *d = llvm::dyn_cast<DeclRefExpr>(x))
      if (const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl())) {
        auto it = s.buffers.find(vd);
        if (it != s.buffers.end()) return it->second;
      }
    // A literal passed directly: read-only, and nothing more. Its size would bound the
    // callee's reads of every caller's text (`s[i]` in a loop that stops at the NUL).
    if (const auto *lit = llvm::dyn_cast<StringLiteral>(x)) {
      BufferFacts b;
      b.readOnly = true;
      b.name = "a string literal";
      b.declaredAt = loc(lit);
      return b;
    }
    return std::nullopt;
  }

  void setStringLength(const Expr *dst, long long len, State &s) {
    if (const VarDecl *root = rootVariable(dst)) {
      auto it = s.buffers.find(root);
      if (it != s.buffers.end()) it->second.stringLength = len;
    }
  }

  // x after `f(&x)`, when f (defined in this file, analyzed already) uses that parameter only
  // as an out-parameter: the hull of x's value before and what f may store.
  std::optional<ValueRange> outParameterValue(const FunctionDecl *fd, unsigned i, const VarDecl *vd,
                                              const Expr *addressed, const State &s) {
    const FunctionDecl *def = fd ? fd->getDefinition() : nullptr;
    if (!def || !isTracked(vd) || !vd->getType()->isIntegerType() || addressed->IgnoreParenImpCasts() != addressed ||
        !llvm::isa<DeclRefExpr>(addressed))
      return std::nullopt;
    auto key = std::make_pair(def->getCanonicalDecl(), i);
    if (!tu_.simpleOutParams.count(key)) return std::nullopt;
    auto old = s.values.find(vd);
    if (old == s.values.end()) return std::nullopt;
    auto stored = tu_.outRanges.find(key);
    return stored == tu_.outRanges.end() ? old->second : hull(old->second, stored->second);
  }

  ValueRange evalCall(const CallExpr *call, State &s) {
    auto cached = cache_.find(call);
    if (cached != cache_.end()) return cached->second;
    const FunctionDecl *fd = call->getDirectCallee();
    if (!fd) fd = localFunctionPointerTarget(call->getCallee(), fd_->getBody());
    std::string name = fd ? tu_.names.name(fd) : "";
    std::vector<ValueRange> args;
    for (const Expr *a : call->arguments()) args.push_back(eval(a, s));
    ValueRange result = top();
    if (reporting && fd && fd->getDefinition()) recordCall(fd->getDefinition(), call, args, s);
    if (fd && fd->getDefinition() && call->getType()->isIntegerType()) {
      auto r = tu_.returnRanges.find(fd->getDefinition()->getCanonicalDecl());
      if (r != tu_.returnRanges.end()) result = r->second;
    }

    checkAllocationSize(call, name, args);
    if (isExternalNumberSource(name)) {
      result = externalOf(call->getType(), call, "'" + name + "'");
      result.commandLine = call->getNumArgs() > 0 && isCommandLineArgument(call->getArg(0));
      if (name == "getchar" || name == "fgetc" || name == "getc") {
        result.lo = -1;
        result.hi = 255;
        result = normalize(result);
        result.external = true;
      }
      if (name == "rand" || name == "random") {
        result.lo = 0;
        result.hi = 2147483647;
        result = normalize(result);
        result.external = true;
      }
    } else if ((name == "read" || name == "recv" || name == "recvfrom" || name == "pread" || name == "fread") &&
               call->getNumArgs() >= 3) {
      // Returns at most the length asked for (or -1).
      const ValueRange &len = args[name == "fread" ? 2 : 2];
      if (len.known) {
        ValueRange r;
        r.lo = name == "fread" ? 0 : -1;
        r.hi = len.hi;
        result = normalize(r);
      }
    } else if (name == "strlen" || name == "wcslen") {
      if (call->getNumArgs() == 1)
        if (std::optional<BufferFacts> b = evalBuffer(call->getArg(0), s); b && b->stringLength >= 0)
          result = exact(b->stringLength);
    }
    // scanf family: every pointer argument after the format receives external data.
    int formatIndex = scanfFormatIndex(name);
    unsigned firstOut = formatIndex < 0 ? ~0u : static_cast<unsigned>(formatIndex) + 1;
    for (unsigned i = firstOut; i < call->getNumArgs(); ++i) {
      const Expr *x = stripParensAndCasts(call->getArg(i));
      if (const auto *u = llvm::dyn_cast<UnaryOperator>(x); u && u->getOpcode() == UO_AddrOf)
        if (const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(u->getSubExpr())))
          if (const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl()); isTracked(vd))
          {
            s.values[vd] = externalOf(vd->getType(), call, "'" + name + "'");
            s.forget(vd);
          }
    }
    if (firstOut != ~0u) checkScannedStrings(call, name, firstOut, s);
    // gets() reads a whole line, however long, into its buffer.
    if (name == "gets" && call->getNumArgs() == 1) checkCopy(call, name, 0, unboundedInput(call, name), s);
    // Copies into a buffer of known size.
    // Writers of their first argument, whatever the length they write is known to be.
    static const std::set<std::string> firstArgWriters = {"strcpy", "strcat", "stpcpy", "sprintf", "vsprintf",
                                                          "wcscpy", "wcscat", "gets"};
    if (call->getNumArgs() > 0 && firstArgWriters.count(name)) checkReadOnlyWrite(call->getArg(0), call, s);
    if (const CopyModel *m = copyModel(name); m && m->dst < call->getNumArgs()) checkReadOnlyWrite(call->getArg(m->dst), call, s);
    if (const CopyModel *m = copyModel(name); m && m->len < args.size()) {
      ValueRange bytes = args[m->len];
      if (name == "fread" && args.size() >= 3) bytes = arithmetic(BO_Mul, args[1], args[2]);  // size * nmemb
      if (m->wide && bytes.lo > kNegInf && bytes.hi < kPosInf) {
        bytes.lo *= 4;
        bytes.hi *= 4;
      }
      checkCopy(call, name, m->dst, bytes, s);
      if (name == "memset" && call->getNumArgs() == 3) {
        std::optional<i128> c = constant(call->getArg(1)), n = constant(call->getArg(2));
        if (c && n) setStringLength(call->getArg(0), *c == 0 ? 0 : static_cast<long long>(*n), s);
      }
      if (name == "strncpy" || name == "memcpy" || name == "memmove") setStringLength(call->getArg(0), -1, s);
    }
    if ((name == "strcpy" || name == "strcat" || name == "wcscpy" || name == "wcscat") && call->getNumArgs() == 2) {
      std::optional<BufferFacts> src = evalBuffer(call->getArg(1), s);
      std::optional<BufferFacts> dst = evalBuffer(call->getArg(0), s);
      if (src && src->stringLength >= 0) {
        long long unit = name[0] == 'w' ? 4 : 1;
        long long already = (name == "strcat" || name == "wcscat") ? (dst ? dst->stringLength : -1) : 0;
        if (already >= 0) {
          checkCopy(call, name, 0, exact((already + src->stringLength + 1) * unit), s);
          setStringLength(call->getArg(0), already + src->stringLength, s);
        }
      } else {
        // The string's length is unknown, but not its buffer: a copy of a string held in a
        // larger buffer (`fgets(line, 100, f); strcpy(name, line)` with name[10]) can
        // overflow, unless the function measures the string (strlen, strnlen) somewhere.
        if (src && !measuredIn(call->getArg(1))) {
          ValueRange r;
          r.lo = 1;
          if (src->bytes > 0 && src->untrusted == BufferFacts::Trusted && (name == "strcpy" || name == "wcscpy")) {
            r.known = true;
            r.hi = src->bytes;
            checkCopy(call, name, 0, r, s);
          } else if (src->externalString) {
            // A string from the environment or the command line: its length is the user's.
            r.external = true;
            r.hi = kPosInf;
            r.origin = src->declaredAt;
            r.originWhat = src->externalWhat;
            checkCopy(call, name, 0, r, s);
          }
        }
        setStringLength(call->getArg(0), -1, s);
      }
    }
    // Anything else that gets `&x` may change x; a function of this file that uses the
    // parameter only as an out-parameter leaves x within its old value and what it stores.
    if (firstOut == ~0u && !isExternalNumberSource(name))
      for (unsigned i = 0; i < call->getNumArgs(); ++i) {
        const Expr *x = stripParensAndCasts(call->getArg(i));
        if (const auto *u = llvm::dyn_cast<UnaryOperator>(x); u && u->getOpcode() == UO_AddrOf)
          if (const VarDecl *vd = rootVariable(u->getSubExpr())) {
            std::optional<ValueRange> after = outParameterValue(fd, i, vd, u->getSubExpr(), s);
            s.values.erase(vd);
            s.forget(vd);
            if (after) s.values[vd] = *after;
          }
      }
    cache_[call] = result;
    return result;
  }
};

// Functions whose address escapes (their callers are not all visible as calls).
class AddressTaken : public RecursiveASTVisitor<AddressTaken> {
public:
  bool VisitCallExpr(CallExpr *c) {
    if (const auto *d = llvm::dyn_cast<DeclRefExpr>(c->getCallee()->IgnoreParenImpCasts())) callees.insert(d);
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *e) {
    if (llvm::isa<FunctionDecl>(e->getDecl())) refs.push_back(e);
    return true;
  }
  // `void (*f)(int) = sink;` in a function: calls through f are resolved, so this use of
  // sink's address does not hide its callers.
  bool VisitVarDecl(VarDecl *vd) {
    if (vd->hasGlobalStorage() || !vd->hasInit()) return true;
    const Expr *init = stripParensAndCasts(vd->getInit());
    if (const auto *u = llvm::dyn_cast<UnaryOperator>(init); u && u->getOpcode() == UO_AddrOf) init = stripParensAndCasts(u->getSubExpr());
    if (const auto *d = llvm::dyn_cast<DeclRefExpr>(init); d && llvm::isa<FunctionDecl>(d->getDecl())) callees.insert(d);
    return true;
  }
  std::set<const DeclRefExpr *> callees;
  std::vector<const DeclRefExpr *> refs;
};

}  // namespace

std::string rangeText(const ValueRange &r) {
  auto num = [](i128 v) -> std::string {
    if (v <= kNegInf) return "-inf";
    if (v >= kPosInf) return "+inf";
    bool neg = v < 0;
    unsigned __int128 u = neg ? static_cast<unsigned __int128>(-v) : static_cast<unsigned __int128>(v);
    std::string s;
    do {
      s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
      u /= 10;
    } while (u);
    return neg ? "-" + s : s;
  };
  if (r.lo == r.hi) return num(r.lo);
  return "[" + num(r.lo) + ", " + num(r.hi) + "]";
}

RangeAnalysisResult analyzeRanges(ASTContext &ctx, const std::vector<const RangeChecker *> &checkers,
                                  const std::vector<const FunctionDecl *> *functions) {
  RangeTu tu(ctx, checkers);
  tu.findConstantGlobals();
  AddressTaken collector;
  traverseOutsideSystemHeaders(ctx, collector);
  for (const DeclRefExpr *r : collector.refs)
    if (!collector.callees.count(r)) tu.addressTaken.insert(llvm::cast<FunctionDecl>(r->getDecl())->getCanonicalDecl());
  RangeAnalysisResult result;
  // Callers before callees, so that every call site's argument facts are known when a
  // function is analyzed.
  std::vector<const FunctionDecl *> order = calleesFirst(functions ? *functions : analyzableFunctions(ctx));
  std::reverse(order.begin(), order.end());
  std::map<const FunctionDecl *, std::unique_ptr<CFG>> cfgs;
  // Pass 1 gathers what functions return and what file-scope statics hold; pass 2 uses
  // them (a value returned by a source helper, a static set in one function and read in
  // another) and reports.
  for (int pass = 0; pass < 2; ++pass) {
    tu.emitting = pass == 1;
    tu.parameterFacts.clear();
    for (const FunctionDecl *fd : order) {
      auto &cfg = cfgs[fd];
      if (!cfg) {
        CFG::BuildOptions o;
        o.PruneTriviallyFalseEdges = true;
        cfg = CFG::buildCFG(fd, fd->getBody(), &ctx, o);
      }
      if (!cfg) continue;
      FunctionRanges analysis(tu, fd);
      ForwardDataflow<FunctionRanges> solver(analysis, 24);
      auto in = solver.run(*cfg);
      analysis.reporting = true;
      analysis.checkRecursion(*cfg);
      for (const CFGBlock *b : *cfg) {
        if (!in[b->getBlockID()]) continue;
        RangeState s = *in[b->getBlockID()];
        analysis.transferBlock(*b, s);
        analysis.checkLoopExit(*b, s);
        analysis.checkAssertion(*b, s);
      }
      if (pass == 1) ++result.functionsAnalyzed;
    }
  }
  for (auto &[k, f] : tu.found) result.findings.push_back(std::move(f));
  std::sort(result.findings.begin(), result.findings.end(), [](const Finding &a, const Finding &b) {
    return std::tie(a.location, a.ruleId) < std::tie(b.location, b.ruleId);
  });
  return result;
}

}  // namespace mamori
