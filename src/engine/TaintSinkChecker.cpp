#include "engine/TaintSinkChecker.h"

#include "clang/AST/Expr.h"

namespace mamori {

std::vector<unsigned> TaintSinkChecker::dangerousArguments(const clang::CallExpr &call, const SinkModel &model,
                                                           clang::ASTContext &) const {
  std::vector<unsigned> out;
  for (const ArgPos &p : model.args)
    for (unsigned i = 0; i < call.getNumArgs(); ++i)
      if (p.matches(i)) out.push_back(i);
  return out;
}

std::vector<unsigned> TaintSinkChecker::withoutLiterals(const clang::CallExpr &call, std::vector<unsigned> indices) {
  std::erase_if(indices,
                [&](unsigned i) { return llvm::isa<clang::StringLiteral>(call.getArg(i)->IgnoreParenImpCasts()); });
  return indices;
}

}  // namespace mamori
