// The interface a taint checker implements. The engine follows the data; a checker says
// which sinks it watches, which arguments of a sink call must not carry attacker data,
// and how to word the finding. Checkers depend on the engine, never the reverse.
#pragma once

#include "core/Rule.h"
#include "engine/TaintModels.h"

#include <string>
#include <vector>

namespace clang {
class CallExpr;
class ASTContext;
}  // namespace clang

namespace mamori {

class TaintSinkChecker {
public:
  virtual ~TaintSinkChecker() = default;

  virtual SinkKind kind() const = 0;
  virtual const RuleInfo &rule() const = 0;

  // Indices of the arguments of `call` that are dangerous when tainted. The default is the
  // model's "args"; a checker can refine it from the call (e.g. exec of a shell).
  virtual std::vector<unsigned> dangerousArguments(const clang::CallExpr &call, const SinkModel &model,
                                                   clang::ASTContext &ctx) const;

  // The finding's message: `sinkName` is the called function, `what` describes the source.
  virtual std::string message(const std::string &sinkName, const std::string &what) const = 0;

protected:
  // `indices` without the arguments written as a string literal (a constant format or
  // statement is what the fix asks for).
  static std::vector<unsigned> withoutLiterals(const clang::CallExpr &call, std::vector<unsigned> indices);
};

}  // namespace mamori
