// CWE-78: OS command injection. Attacker data reaching a shell command (system, popen),
// the program path of exec*, or the arguments of exec* when the program is a shell.
#include "checkers/TaintCheckers.h"

#include "clang/AST/Expr.h"
#include "llvm/ADT/StringRef.h"

namespace mamori {
namespace {

// A literal program path naming a command interpreter: its arguments are shell code.
bool isShellProgram(const clang::Expr *e) {
  const auto *lit = llvm::dyn_cast<clang::StringLiteral>(e->IgnoreParenImpCasts());
  if (!lit || lit->getCharByteWidth() != 1) return false;
  llvm::StringRef path = lit->getString();
  llvm::StringRef base = path.rsplit('/').second.empty() ? path : path.rsplit('/').second;
  return base == "sh" || base == "bash" || base == "dash" || base == "zsh" || base == "ksh" || base == "csh" ||
         base == "tcsh" || base == "ash" || base == "busybox" || base.equals_insensitive("cmd.exe") ||
         base.equals_insensitive("cmd") || base.equals_insensitive("powershell.exe");
}

class CommandInjectionChecker final : public TaintSinkChecker {
public:
  SinkKind kind() const override { return SinkKind::Command; }

  const RuleInfo &rule() const override {
    static const RuleInfo r{
        "mamori.taint.command-injection",
        "OsCommandInjection",
        78,
        {77},
        Severity::Error,
        9.8,
        "OS command injection",
        "Attacker-controlled data reaches an operating-system command without validation, so an attacker "
        "can run commands of their choice.",
        "Do not build shell commands from untrusted data: run a fixed program with exec* and pass the data "
        "as a separate argument, or select the command from an allow-list; if a shell is unavoidable, reject "
        "shell metacharacters before use."};
    return r;
  }

  std::vector<unsigned> dangerousArguments(const clang::CallExpr &call, const SinkModel &model,
                                           clang::ASTContext &ctx) const override {
    std::vector<unsigned> out = TaintSinkChecker::dangerousArguments(call, model, ctx);
    if (model.shellArgs.empty() || model.args.empty()) return out;
    // exec*(path, ...): the arguments are shell code only if the program is a shell.
    unsigned programIndex = model.args.front().index;
    if (programIndex >= call.getNumArgs() || !isShellProgram(call.getArg(programIndex))) return out;
    for (const ArgPos &p : model.shellArgs)
      for (unsigned i = 0; i < call.getNumArgs(); ++i)
        if (p.matches(i)) out.push_back(i);
    return out;
  }

  std::string message(const std::string &sink, const std::string &what) const override {
    return "OS command injection: " + what + " reaches '" + sink + "' unvalidated";
  }
};

}  // namespace

std::unique_ptr<TaintSinkChecker> makeCommandInjectionChecker() { return std::make_unique<CommandInjectionChecker>(); }

}  // namespace mamori
