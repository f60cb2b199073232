// CWE-134: externally controlled format string. Attacker data used as the format of the
// printf family, syslog or err/warn lets an attacker read (%x) and write (%n) memory.
#include "checkers/TaintCheckers.h"

#include "clang/AST/Expr.h"

namespace mamori {
namespace {

class FormatStringChecker final : public TaintSinkChecker {
public:
  SinkKind kind() const override { return SinkKind::Format; }

  const RuleInfo &rule() const override {
    static const RuleInfo r{
        "mamori.taint.format-string",
        "ExternallyControlledFormatString",
        134,
        {},
        Severity::Error,
        8.1,
        "externally controlled format string",
        "Attacker-controlled data is used as a format string; directives such as %n and %x let an attacker "
        "write and read memory.",
        "Pass untrusted data as an argument, never as the format: printf(\"%s\", data)."};
    return r;
  }

  std::vector<unsigned> dangerousArguments(const clang::CallExpr &call, const SinkModel &model,
                                           clang::ASTContext &ctx) const override {
    return withoutLiterals(call, TaintSinkChecker::dangerousArguments(call, model, ctx));
  }

  std::string message(const std::string &sink, const std::string &what) const override {
    return "format string controlled by the attacker: " + what + " is the format of '" + sink + "'";
  }
};

}  // namespace

std::unique_ptr<TaintSinkChecker> makeFormatStringChecker() { return std::make_unique<FormatStringChecker>(); }

}  // namespace mamori
