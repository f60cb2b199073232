#include "frontend/FunctionOrder.h"

#include "frontend/AstUtil.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

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
  std::map<const FunctionDecl *, const FunctionDecl *> defs;
  for (const FunctionDecl *fd : fns) defs[fd->getCanonicalDecl()] = fd;
  struct Refs : RecursiveASTVisitor<Refs> {
    std::vector<const FunctionDecl *> out;
    bool VisitDeclRefExpr(DeclRefExpr *e) {
      if (const auto *fd = llvm::dyn_cast<FunctionDecl>(e->getDecl())) out.push_back(fd);
      return true;
    }
  };
  std::vector<const FunctionDecl *> order;
  std::set<const FunctionDecl *> seen;
  // Iterative depth-first search: generated code can have very long call chains.
  for (const FunctionDecl *root : fns) {
    if (seen.count(root)) continue;
    std::vector<std::pair<const FunctionDecl *, std::vector<const FunctionDecl *>>> stack;
    auto push = [&](const FunctionDecl *fd) {
      seen.insert(fd);
      Refs refs;
      refs.TraverseStmt(const_cast<Stmt *>(fd->getBody()));
      std::vector<const FunctionDecl *> next;
      for (const FunctionDecl *r : refs.out)
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
