// API-use analysis of one translation unit: every call in the main file's functions, and
// every comparison of a call's result with a constant, with what is known of the values
// involved (ApiUseChecker.h). Flow-insensitive by design: a local variable's value is
// known only when the variable is assigned exactly once and never has its address taken.
#pragma once

#include "core/Finding.h"
#include "engine/ApiUseChecker.h"

#include <vector>

namespace clang {
class FunctionDecl;
class ASTContext;
}

namespace mamori {

// `functions`: those to analyse (selectFunctions); null: every analyzable function.
std::vector<Finding> analyzeApiUse(clang::ASTContext &ctx, const std::vector<const ApiUseChecker *> &checkers,
                                   const std::vector<const clang::FunctionDecl *> *functions = nullptr);

}  // namespace mamori
