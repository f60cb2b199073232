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
    // The strings the shell will read: the command of system/popen, or what an exec* call
    // hands to a shell it names (`execl("/bin/sh", "sh", "-c", cmd, NULL)`).
    std::vector<const Expr *> commands;
    if (callee == "system" || callee == "popen") {
      commands.push_back(call->getArg(0));
    } else if (callee.rfind("exec", 0) == 0) {
      bool shell = false;
      for (const Expr *a : call->arguments())
        if (auto *lit = dyn_cast<StringLiteral>(a->IgnoreParenImpCasts()); lit && lit->getCharByteWidth() == 1) {
          llvm::StringRef v = lit->getString();
          shell |= v == "sh" || v.ends_with("/sh") || v == "bash" || v.ends_with("/bash") || v.ends_with("/dash");
        }
      for (const Expr *a : call->arguments()) {
        if (FixSite::isString(a) && !isa<StringLiteral>(a->IgnoreParenImpCasts()) &&
            !a->IgnoreParenCasts()->isNullPointerConstant(site.context(), Expr::NPC_ValueDependentIsNotNull))
          commands.push_back(a);
      }
      if (!shell) commands.clear();
    }
    if (commands.empty()) {
      why = "'" + callee + "' runs no shell; check the program and its arguments against an allowlist by hand";
      return {};
    }
    for (const Expr *command : commands)
      if (!FixSite::isSideEffectFree(command, site.context()) || isa<StringLiteral>(command->IgnoreImpCasts())) {
        why = "the command expression has side effects";
        return {};
      }
    if (!site.declares("strpbrk")) {
      why = "<string.h> is not included, so strpbrk is not declared";
      return {};
    }
    std::string check;
    for (const Expr *command : commands)
      check += (check.empty() ? "" : " || ") + std::string("strpbrk(") + site.text(command) + ", \";|&`$<>\\\\\\n\") != " +
               site.nullLiteral();
    return site.guardBefore(call, check, name(),
                            "refuse a command that holds shell metacharacters before '" + callee + "' runs it", why);
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeCommandGuard() { return std::make_unique<CommandGuard>(); }

}  // namespace mamori
