// CWE-590: memory that is not on the heap is released. Its storage ends with its scope, so
// the fix removes the release. A project helper that releases a struct's heap fields and
// then the struct (`record_free(&rec)` on a local) is replaced by the field releases.
#include "repair/Strategy.h"

#include "clang/AST/ExprCXX.h"

#include <optional>

namespace mamori {
namespace {

using namespace clang;

class RemoveRelease : public RepairStrategy {
public:
  const char *name() const override { return "remove-release"; }
  bool handles(const Finding &f) const override { return f.cwe == 590; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    const Stmt *stmt = site.ownStatement(site.releaseAt(site.finding().location));
    if (!stmt) {
      why = "the release is not a statement of its own";
      return {};
    }
    // `record_free(&rec)` on a local struct: the fields the helper frees are still heap
    // memory; only the struct itself is not. Those fields are released in its place.
    if (std::optional<FixCandidate> fields = releaseFields(site, stmt)) return {*fields};
    FixCandidate c;
    c.strategy = name();
    c.description = "remove the release of memory that is not on the heap";
    if (!site.removeStatement(stmt, c.edits)) {
      why = "the release is written inside a macro";
      return {};
    }
    return {c};
  }

private:
  static std::optional<FixCandidate> releaseFields(const FixSite &site, const Stmt *stmt) {
    const auto *call = dyn_cast<CallExpr>(stmt);
    const FunctionDecl *callee = call ? call->getDirectCallee() : nullptr;
    const FunctionDecl *def = callee ? callee->getDefinition() : nullptr;
    if (!def || !def->getBody() || call->getNumArgs() != 1 || def->getNumParams() != 1) return std::nullopt;
    const auto *addr = dyn_cast<UnaryOperator>(call->getArg(0)->IgnoreParenImpCasts());
    if (!addr || addr->getOpcode() != UO_AddrOf || !FixSite::isStableLvalue(addr->getSubExpr())) return std::nullopt;
    const ParmVarDecl *param = def->getParamDecl(0);
    const auto *body = dyn_cast<CompoundStmt>(def->getBody());
    if (!body) return std::nullopt;
    std::string object = site.text(addr->getSubExpr());
    std::vector<std::string> releases;
    for (const Stmt *s : body->body()) {
      const auto *free = dyn_cast<CallExpr>(s);
      const FunctionDecl *f = free ? free->getDirectCallee() : nullptr;
      if (const auto *guard = dyn_cast<IfStmt>(s); guard && isa<ReturnStmt>(guard->getThen()) && !guard->getElse() &&
                                                   FixSite::mentions(guard->getCond(), param))
        continue;  // `if (r == NULL) return;`
      if (!f || !f->getIdentifier() || f->getName() != "free" || free->getNumArgs() != 1) return std::nullopt;
      const Expr *arg = free->getArg(0)->IgnoreParenImpCasts();
      if (const auto *ref = dyn_cast<DeclRefExpr>(arg); ref && ref->getDecl() == param) continue;  // the struct itself
      const auto *member = dyn_cast<MemberExpr>(arg);
      const auto *base = member ? dyn_cast<DeclRefExpr>(member->getBase()->IgnoreParenImpCasts()) : nullptr;
      if (!base || base->getDecl() != param || !member->isArrow()) return std::nullopt;
      releases.push_back("free(" + object + "." + member->getMemberDecl()->getName().str() + ");");
    }
    if (releases.empty()) return std::nullopt;
    std::string code;
    for (const std::string &r : releases) code += (code.empty() ? "" : "\n" + site.indentOf(stmt)) + r;
    FixCandidate c;
    c.strategy = "release-fields";
    c.description = "release only the heap fields that '" + def->getName().str() + "' releases, not '" + object +
                    "' itself, which is not on the heap";
    if (!site.replace(SourceRange(stmt->getBeginLoc(), stmt->getEndLoc()), code.substr(0, code.size() - 1), c.edits))
      return std::nullopt;
    return c;
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeRemoveRelease() { return std::make_unique<RemoveRelease>(); }

}  // namespace mamori
