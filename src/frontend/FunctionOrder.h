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

// Whether the bodies of `fns` call or take the address of an externally visible function
// that the TU declares outside system headers but does not define: a function whose
// summary another TU of the project may provide. C library calls do not count.
bool refersToOtherProjectFunctions(const std::vector<const clang::FunctionDecl *> &fns);

// Callees before callers: a depth-first post-order of the graph of functions referenced
// from each body (calls and address-of). Recursion is cut, not iterated.
std::vector<const clang::FunctionDecl *> calleesFirst(const std::vector<const clang::FunctionDecl *> &fns);

}  // namespace mamori
