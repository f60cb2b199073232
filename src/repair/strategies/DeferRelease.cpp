// CWE-416: memory used after its release. The fix moves the release after the last
// statement of the same block that still uses the pointer: the memory lives as long as it
// is used, and is released once, as before.
#include "frontend/AstUtil.h"
#include "repair/Strategy.h"

#include "clang/AST/ExprCXX.h"

namespace mamori {
namespace {

using namespace clang;

class DeferRelease : public RepairStrategy {
public:
  const char *name() const override { return "defer-release"; }
  bool handles(const Finding &f) const override { return f.cwe == 416; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    const TraceStep *released = site.step(TraceStep::Kind::Propagation, "released by");
    const Expr *release = released ? site.releaseAt(released->location) : nullptr;
    const Expr *ptr = release ? FixSite::releasedPointer(release) : nullptr;
    const VarDecl *var = ptr ? rootVariable(ptr) : nullptr;
    if (!release || !var) {
      why = "the release could not be found in this file";
      return {};
    }
    const Stmt *releaseStmt = site.ownStatement(release);
    if (!releaseStmt) {
      why = "the release is not a statement of its own";
      return {};
    }
    const CompoundStmt *block = dyn_cast_or_null<CompoundStmt>(site.parentStmt(releaseStmt));
    if (!block) {
      why = "the release is not a statement of a block";
      return {};
    }
    // The block that holds the use: the release's own, or (as in `if (c) { free(p); }
    // if (d) { use(p); }`) a later one, where the release moves in after the use; the rescan
    // then checks that no path loses the memory.
    const Expr *useExpr = site.nodeAt<Expr>(site.finding().location);
    const Stmt *useStmt = useExpr ? site.enclosingStatement(useExpr) : nullptr;
    const auto *useBlock = useStmt ? dyn_cast_or_null<CompoundStmt>(site.parentStmt(useStmt)) : nullptr;
    const Stmt *use = nullptr;
    if (useExpr)
      for (const Stmt *cur = useExpr; cur && !use; cur = site.parentStmt(cur))
        if (site.parentStmt(cur) == block) use = cur;
    const SourceManager &sm = site.context().getSourceManager();
    if (!use) {
      if (!useBlock || !sm.isBeforeInTranslationUnit(releaseStmt->getBeginLoc(), useStmt->getBeginLoc())) {
        why = "the use is not in a block after the release";
        return {};
      }
      block = useBlock;
      use = useStmt;
    }
    // The last statement of the block, from the release (or the use) on, that uses the same
    // pointer, stopping at a release of what holds it (`free(j->cmd)` must not move past
    // `free(j)`) or at a store to the pointer.
    std::string ptrText = site.text(ptr->IgnoreParenImpCasts());
    const Stmt *last = nullptr;
    bool afterRelease = false;
    for (const Stmt *s : block->body()) {
      if (s == releaseStmt || s == use) afterRelease = true;
      if (s == releaseStmt) continue;
      if (!afterRelease) continue;
      const Expr *other = isa<Expr>(s) ? cast<Expr>(s)->IgnoreParenImpCasts() : nullptr;
      const Expr *otherPtr = other && (isa<CallExpr>(other) || isa<CXXDeleteExpr>(other)) ? FixSite::releasedPointer(other) : nullptr;
      bool releasesHolder = otherPtr && rootVariable(otherPtr) == var &&
                            (isa<CXXDeleteExpr>(other) || site.text(other).rfind("free", 0) == 0 ||
                             site.text(otherPtr->IgnoreParenImpCasts()) != ptrText);
      if (releasesHolder) break;
      if (auto *b = dyn_cast_or_null<BinaryOperator>(other); b && b->isAssignmentOp() && site.text(b->getLHS()) == ptrText) break;
      if (FixSite::namesIn(site.text(s), ptrText)) last = s;
    }
    if (!last || (last != use && !FixSite::mentions(use, var))) {
      why = "no later statement of the block uses the pointer";
      return {};
    }
    std::string releaseText = site.text(releaseStmt);
    if (releaseText.empty() || releaseText.back() != ';') releaseText += ";";
    FixCandidate c;
    c.strategy = name();
    c.description = "release '" + ptrText + "' after its last use instead of before";
    // `release(p); return p->x;` -> `T result = p->x; release(p); return result;`
    if (auto *ret = dyn_cast<ReturnStmt>(last); ret && ret->getRetValue()) {
      const FunctionDecl *fd = site.functionOf(ret);
      std::string type = fd ? fd->getReturnType().getAsString(site.context().getPrintingPolicy()) : "";
      std::string local = site.freshName(ret, "result");
      if (!type.empty() && site.removeStatement(releaseStmt, c.edits) &&
          site.insertBefore(ret, type + " " + local + " = " + site.text(ret->getRetValue()) + ";\n" + site.indentOf(ret) + releaseText,
                            c.edits) &&
          site.replace(ret->getRetValue()->getSourceRange(), local, c.edits))
        return {c};
      why = "the return is written inside a macro";
      return {};
    }
    if (isa<ReturnStmt>(last) || isa<GotoStmt>(last) || isa<BreakStmt>(last) || isa<ContinueStmt>(last)) {
      why = "the last use leaves the block (" + site.text(last) + "), so the release cannot follow it";
      return {};
    }
    if (!site.removeStatement(releaseStmt, c.edits) || !site.insertAfter(last, releaseText, c.edits)) {
      why = "the statements are written inside a macro";
      return {};
    }
    // Exits among the statements the release moves past used to leave with the memory
    // released; they still must, or the fix trades the use after free for a leak.
    std::vector<const Stmt *> exits;
    bool inRange = false;
    for (const Stmt *s : block->body()) {
      if (s == releaseStmt) {
        inRange = true;
        continue;
      }
      if (inRange) collectExits(s, 0, exits);
      if (s == last) break;
    }
    const SourceManager &srcm = site.context().getSourceManager();
    for (const Stmt *exit : exits) {
      // A goto to a label on the way (`goto sink; sink: use(p);`) stays in the range.
      if (auto *g = dyn_cast<GotoStmt>(exit)) {
        SourceLocation target = g->getLabel()->getLocation();
        if (!srcm.isBeforeInTranslationUnit(target, releaseStmt->getBeginLoc()) &&
            !srcm.isBeforeInTranslationUnit(last->getEndLoc(), target))
          continue;
      }
      if (auto *ret = dyn_cast<ReturnStmt>(exit); ret && ret->getRetValue() && FixSite::mentions(ret->getRetValue(), var)) {
        why = "a return between the release and the last use returns the pointer";
        return {};
      }
      if (!site.insertBefore(exit, releaseText, c.edits)) {
        why = "an exit between the release and the last use is written inside a macro";
        return {};
      }
    }
    if (c.edits.size() > 2) c.description += ", and also before the exits on the way";
    return {c};
  }

private:
  // Statements that leave the block from inside `s`: returns, gotos, and breaks or
  // continues that are not inside a loop or switch of their own within `s`.
  static void collectExits(const Stmt *s, unsigned loops, std::vector<const Stmt *> &out) {
    if (!s || isa<LambdaExpr>(s)) return;
    if (isa<ReturnStmt>(s) || isa<GotoStmt>(s) || (loops == 0 && (isa<BreakStmt>(s) || isa<ContinueStmt>(s)))) {
      out.push_back(s);
      return;
    }
    bool loop = isa<ForStmt>(s) || isa<WhileStmt>(s) || isa<DoStmt>(s) || isa<CXXForRangeStmt>(s) || isa<SwitchStmt>(s);
    for (const Stmt *child : s->children()) collectExits(child, loops + (loop ? 1 : 0), out);
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeDeferRelease() { return std::make_unique<DeferRelease>(); }

}  // namespace mamori
