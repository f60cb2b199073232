// Value-range analysis of one translation unit: integer intervals per local variable
// (widened at loop heads, narrowed by branch conditions), whether a value is external
// (parsed, read or random), proven non-zero facts, and the sizes of the buffers pointers
// refer to (arrays, malloc/alloca/calloc with computable sizes) and of the strings they hold.
#pragma once

#include "core/Finding.h"
#include "engine/RangeChecker.h"

#include <vector>

namespace clang {
class FunctionDecl;
class ASTContext;
}

namespace mamori {

struct RangeAnalysisResult {
  std::vector<Finding> findings;
  unsigned functionsAnalyzed = 0;
};

// `functions`: those to analyse (selectFunctions); null: every analyzable function.
RangeAnalysisResult analyzeRanges(clang::ASTContext &ctx, const std::vector<const RangeChecker *> &checkers,
                                  const std::vector<const clang::FunctionDecl *> *functions = nullptr);

}  // namespace mamori
