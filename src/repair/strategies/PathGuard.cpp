// CWE-22: data names a file. The fix refuses, before the file is touched, a path that holds
// a `..` component, the one way a name joined under a root can leave it. mamori cannot know
// the intended root, so it does not canonicalize with realpath; a project that also takes
// absolute paths from users needs a root check by hand (the note says so).
#include "frontend/AstUtil.h"
#include "repair/Strategy.h"

#include "clang/AST/ExprCXX.h"

namespace mamori {
namespace {

using namespace clang;

class PathGuard : public RepairStrategy {
public:
  const char *name() const override { return "path-dotdot-guard"; }
  bool handles(const Finding &f) const override { return f.cwe == 22 || f.cwe == 23 || f.cwe == 36; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    const CallExpr *call = site.nodeAt<CallExpr>(site.finding().location, [&](const CallExpr *c) {
      return c->getDirectCallee() && c->getNumArgs() > 0;
    });
    if (!call) {
      why = "the sink is not a call";
      return {};
    }
    // Every string argument that is not a literal may be the tainted path.
    std::vector<std::string> paths;
    for (const Expr *arg : call->arguments()) {
      if (!FixSite::isString(arg) || isa<StringLiteral>(arg->IgnoreParenImpCasts())) continue;
      if (!FixSite::isSideEffectFree(arg, site.context())) {
        why = "a path argument has side effects";
        return {};
      }
      paths.push_back(site.text(arg));
    }
    if (paths.empty()) {
      why = "no path argument of the call is a string";
      return {};
    }
    if (!site.declares("strstr")) {
      why = "<string.h> is not included, so strstr is not declared";
      return {};
    }
    std::string check;
    for (const std::string &p : paths)
      check += (check.empty() ? "" : " || ") + std::string("strstr(") + p + ", \"..\") != " + site.nullLiteral();
    return site.guardBefore(call, check, name(), "refuse a path with a '..' component before it is used", why);
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makePathGuard() { return std::make_unique<PathGuard>(); }

}  // namespace mamori
