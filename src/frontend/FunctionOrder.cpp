#include "frontend/FunctionOrder.h"

#include "frontend/AstUtil.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Index/USRGeneration.h"
#include "llvm/Support/xxhash.h"

#include <map>
#include <set>

namespace mamori {

using namespace clang;

std::vector<const FunctionDecl *> analyzableFunctions(ASTContext &ctx) {
  struct Collector : RecursiveASTVisitor<Collector> {
    const SourceManager &sm;
    std::vector<const FunctionDecl *> out;
    explicit Collector(const SourceManager &s) : sm(s) {}
    bool VisitFunctionDecl(FunctionDecl *fd) {
      if (!fd->doesThisDeclarationHaveABody() || fd->isDependentContext() || fd->isInvalidDecl()) return true;
      if (sm.isInSystemHeader(sm.getExpansionLoc(fd->getLocation()))) return true;
      out.push_back(fd);
      return true;
    }
    // C has no functions inside statements, declarators or types (no lambdas, no local
    // classes): its definitions are all at file scope, and walking every expression and
    // type of every header to find them is most of this function's cost.
    bool TraverseStmt(Stmt *s) { return cplusplus ? RecursiveASTVisitor::TraverseStmt(s) : true; }
    bool TraverseTypeLoc(TypeLoc tl) { return cplusplus ? RecursiveASTVisitor::TraverseTypeLoc(tl) : true; }
    bool cplusplus = false;
  } collector(ctx.getSourceManager());
  collector.cplusplus = ctx.getLangOpts().CPlusPlus;
  traverseOutsideSystemHeaders(ctx, collector);
  return collector.out;
}

uint64_t headerFunctionKey(const FunctionDecl *fd) {
  llvm::SmallString<128> usr;
  if (index::generateUSRForDecl(fd, usr)) return 0;
  return llvm::xxh3_64bits(llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(usr.data()), usr.size()));
}

namespace {

// Each function in `fns` by its canonical declaration: what a reference resolves to.
std::map<const FunctionDecl *, const FunctionDecl *> definitionsByCanonical(const std::vector<const FunctionDecl *> &fns) {
  std::map<const FunctionDecl *, const FunctionDecl *> defs;
  for (const FunctionDecl *fd : fns) defs[fd->getCanonicalDecl()] = fd;
  return defs;
}

// The functions referenced (called or address-taken) by what it traverses, in `refs`.
struct FunctionRefs : RecursiveASTVisitor<FunctionRefs> {
  std::vector<const FunctionDecl *> refs;
  bool VisitDeclRefExpr(DeclRefExpr *e) {
    if (const auto *fd = llvm::dyn_cast<FunctionDecl>(e->getDecl())) refs.push_back(fd);
    return true;
  }
  // The functions of `all` reachable from `roots` and from what `refs` already holds (an
  // initializer traversed before).
  std::set<const FunctionDecl *> closure(const std::vector<const FunctionDecl *> &all,
                                         const std::vector<const FunctionDecl *> &roots) {
    std::map<const FunctionDecl *, const FunctionDecl *> defs = definitionsByCanonical(all);
    std::set<const FunctionDecl *> reached;
    std::vector<const FunctionDecl *> work;
    auto reach = [&](const FunctionDecl *fd) {
      if (reached.insert(fd).second) work.push_back(fd);
    };
    for (const FunctionDecl *fd : roots) reach(fd);
    while (true) {
      for (const FunctionDecl *r : refs)
        if (auto it = defs.find(r->getCanonicalDecl()); it != defs.end()) reach(it->second);
      refs.clear();
      if (work.empty()) break;
      const FunctionDecl *fd = work.back();
      work.pop_back();
      TraverseStmt(const_cast<Stmt *>(fd->getBody()));
    }
    return reached;
  }
};

}  // namespace

FunctionSelection selectFunctions(ASTContext &ctx, const HeaderFunctionScope &scope) {
  FunctionSelection sel;
  std::vector<const FunctionDecl *> all = analyzableFunctions(ctx);
  const SourceManager &sm = ctx.getSourceManager();
  auto inMainFile = [&](const Decl *d) { return sm.isInMainFile(sm.getExpansionLoc(d->getLocation())); };
  if (!scope.reachedOnly || ctx.getLangOpts().CPlusPlus) {
    // The keys tell the other TUs of a scan (reachedOnly) what this one analysed.
    if (scope.reachedOnly)
      for (const FunctionDecl *fd : all)
        if (!inMainFile(fd)) sel.headerAnalyzed.insert(headerFunctionKey(fd));
    sel.functions = std::move(all);
    return sel;
  }
  FunctionRefs reach;
  std::vector<const FunctionDecl *> roots;
  for (const FunctionDecl *fd : all)
    if (inMainFile(fd)) roots.push_back(fd);
  // A table of handlers in a global's initializer reaches them as much as a call does.
  for (Decl *d : topLevelDeclsOutsideSystemHeaders(ctx))
    if (auto *vd = llvm::dyn_cast<VarDecl>(d); vd && vd->getInit() && inMainFile(vd)) reach.TraverseStmt(vd->getInit());
  std::set<const FunctionDecl *> reached = reach.closure(all, roots);
  for (const FunctionDecl *fd : all) {
    if (reached.count(fd)) sel.functions.push_back(fd);
    if (inMainFile(fd)) continue;
    (reached.count(fd) ? sel.headerAnalyzed : sel.headerSkipped).insert(headerFunctionKey(fd));
  }
  return sel;
}

std::vector<const FunctionDecl *> ownedHeaderFunctions(ASTContext &ctx, const std::set<uint64_t> &owned) {
  std::vector<const FunctionDecl *> all = analyzableFunctions(ctx), roots, out;
  const SourceManager &sm = ctx.getSourceManager();
  for (const FunctionDecl *fd : all)
    if (!sm.isInMainFile(sm.getExpansionLoc(fd->getLocation())) && owned.count(headerFunctionKey(fd))) roots.push_back(fd);
  if (roots.empty()) return out;
  FunctionRefs reach;
  std::set<const FunctionDecl *> reached = reach.closure(all, roots);
  for (const FunctionDecl *fd : all)
    if (reached.count(fd)) out.push_back(fd);
  return out;
}

bool refersToOtherProjectFunctions(const std::vector<const FunctionDecl *> &fns) {
  struct Refs : RecursiveASTVisitor<Refs> {
    const SourceManager *sm = nullptr;
    bool found = false;
    bool VisitDeclRefExpr(DeclRefExpr *e) {
      const auto *fd = llvm::dyn_cast<FunctionDecl>(e->getDecl());
      if (!fd || fd->getDefinition() || !fd->isExternallyVisible()) return true;
      for (const FunctionDecl *r : fd->redecls())
        if (!sm->isInSystemHeader(sm->getExpansionLoc(r->getLocation()))) found = true;
      return !found;  // stops the walk at the first one
    }
  } refs;
  for (const FunctionDecl *fd : fns) {
    refs.sm = &fd->getASTContext().getSourceManager();
    refs.TraverseStmt(fd->getBody());
    if (refs.found) return true;
  }
  return false;
}

std::vector<const FunctionDecl *> calleesFirst(const std::vector<const FunctionDecl *> &fns) {
  std::map<const FunctionDecl *, const FunctionDecl *> defs = definitionsByCanonical(fns);
  std::vector<const FunctionDecl *> order;
  std::set<const FunctionDecl *> seen;
  // Iterative depth-first search: generated code can have very long call chains.
  for (const FunctionDecl *root : fns) {
    if (seen.count(root)) continue;
    std::vector<std::pair<const FunctionDecl *, std::vector<const FunctionDecl *>>> stack;
    auto push = [&](const FunctionDecl *fd) {
      seen.insert(fd);
      FunctionRefs refs;
      refs.TraverseStmt(const_cast<Stmt *>(fd->getBody()));
      std::vector<const FunctionDecl *> next;
      for (const FunctionDecl *r : refs.refs)
        if (auto it = defs.find(r->getCanonicalDecl()); it != defs.end() && !seen.count(it->second))
          next.push_back(it->second);
      stack.push_back({fd, std::move(next)});
    };
    push(root);
    while (!stack.empty()) {
      auto &[fd, next] = stack.back();
      if (!next.empty()) {
        const FunctionDecl *n = next.back();
        next.pop_back();
        if (!seen.count(n)) push(n);
        continue;
      }
      order.push_back(fd);
      stack.pop_back();
    }
  }
  return order;
}

}  // namespace mamori
