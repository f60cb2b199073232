// CWE-78: data reaches a shell. The fix refuses, before the shell runs, a command holding
// any character the shell gives meaning to for chaining, substitution or redirection. The
// characters are the ones mamori's taint models accept as a validation (strpbrk), so a
// rescan sees the guard; a command that needs them by design must be rewritten with exec*.
#include "frontend/AstUtil.h"
#include "repair/Strategy.h"

#include "clang/AST/ExprCXX.h"

namespace mamori {
namespace {

using namespace clang;

class CommandGuard : public RepairStrategy {
public:
  const char *name() const override { return "command-metacharacter-guard"; }
  bool handles(const Finding &f) const override { return f.cwe == 78; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    CalleeNamer names;
    const CallExpr *call = site.nodeAt<CallExpr>(site.finding().location, [&](const CallExpr *c) {
      return c->getDirectCallee() && c->getNumArgs() > 0;
    });
    if (!call) {
      why = "the sink is not a call";
      return {};
    }
    std::string callee = names.name(call->getDirectCallee());
    if (callee != "system" && callee != "popen") {
      why = "'" + callee + "' runs no shell; check the program and its arguments against an allowlist by hand";
      return {};
    }
    const Expr *command = call->getArg(0);
    if (!FixSite::isSideEffectFree(command, site.context()) || isa<StringLiteral>(command->IgnoreImpCasts())) {
      why = "the command expression has side effects";
      return {};
    }
    const Stmt *stmt = site.enclosingStatement(call);
    std::string failure = stmt ? site.failureStatement(stmt) : "";
    if (!stmt || failure.empty()) {
      why = stmt ? "the function has no error return to follow" : "the call is in a loop header or a condition";
      return {};
    }
    if (!site.declares("strpbrk")) {
      why = "<string.h> is not included, so strpbrk is not declared";
      return {};
    }
    FixCandidate c;
    c.strategy = name();
    c.description = "refuse a command that holds shell metacharacters before '" + callee + "' runs it";
    std::string check = "strpbrk(" + site.text(command) + ", \";|&`$<>\\\\\\n\") != " + site.nullLiteral();
    if (!site.insertBefore(stmt, site.guard(check, failure, stmt), c.edits)) {
      why = "the call is written inside a macro";
      return {};
    }
    return {c};
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeCommandGuard() { return std::make_unique<CommandGuard>(); }

}  // namespace mamori
