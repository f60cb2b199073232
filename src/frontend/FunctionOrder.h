// Which functions of a translation unit the analyses look at, and in which order: every
// function with a body outside system headers, callees before callers (or the reverse).
#pragma once

#include <vector>

namespace clang {
class ASTContext;
class FunctionDecl;
}  // namespace clang

namespace mamori {

// Function definitions outside system headers that are not templates, in source order.
std::vector<const clang::FunctionDecl *> analyzableFunctions(clang::ASTContext &ctx);

// Callees before callers: a depth-first post-order of the graph of functions referenced
// from each body (calls and address-of). Recursion is cut, not iterated.
std::vector<const clang::FunctionDecl *> calleesFirst(const std::vector<const clang::FunctionDecl *> &fns);

}  // namespace mamori
