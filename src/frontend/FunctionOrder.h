// Which functions of a translation unit the analyses look at, and in which order: every
// function with a body outside system headers, callees before callers (or the reverse).
#pragma once

#include <cstdint>
#include <set>
#include <vector>

namespace clang {
class ASTContext;
class FunctionDecl;
}  // namespace clang

namespace mamori {

// Function definitions outside system headers that are not templates, in source order.
std::vector<const clang::FunctionDecl *> analyzableFunctions(clang::ASTContext &ctx);

// Which functions defined in included files (a header's inline functions) a TU analyses.
// Every one, by default. With `reachedOnly`, in C, only those the TU's own code reaches
// through calls and address-taking (from its functions and its globals' initializers). A
// project whose headers define thousands of inline functions (open62541) otherwise analyses
// every one of them in every file. The header functions that no TU reaches are handed to
// one TU each (`owned`), which analyses them apart (ownedHeaderFunctions). C++ keeps every
// function: its implicit calls (constructors, destructors, conversions) are not all
// references in the AST.
struct HeaderFunctionScope {
  bool reachedOnly = false;
  std::set<uint64_t> owned;
};

struct FunctionSelection {
  std::vector<const clang::FunctionDecl *> functions;  // to analyse, in source order
  std::set<uint64_t> headerAnalyzed, headerSkipped;    // keys of header functions
};

FunctionSelection selectFunctions(clang::ASTContext &ctx, const HeaderFunctionScope &scope);

// The header functions whose keys are in `owned`, and what they reach, in source order.
std::vector<const clang::FunctionDecl *> ownedHeaderFunctions(clang::ASTContext &ctx, const std::set<uint64_t> &owned);

// A header function's key, the same in every TU that includes its definition: a hash of
// its USR.
uint64_t headerFunctionKey(const clang::FunctionDecl *fd);

// Whether the bodies of `fns` call or take the address of an externally visible function
// that the TU declares outside system headers but does not define: a function whose
// summary another TU of the project may provide. C library calls do not count.
bool refersToOtherProjectFunctions(const std::vector<const clang::FunctionDecl *> &fns);

// Callees before callers: a depth-first post-order of the graph of functions referenced
// from each body (calls and address-of). Recursion is cut, not iterated.
std::vector<const clang::FunctionDecl *> calleesFirst(const std::vector<const clang::FunctionDecl *> &fns);

}  // namespace mamori
