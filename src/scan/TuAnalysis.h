// One translation unit, start to finish, in the current process: parse, run every checker
// family, collect findings. The worker processes of the scanner call this.
#pragma once

#include "core/CompileCommand.h"
#include "core/Finding.h"
#include "engine/TaintModels.h"

#include <vector>

namespace mamori {

struct TuAnalysisResult {
  bool analyzed = false;
  unsigned functions = 0;
  std::vector<Finding> findings;
  std::vector<Diagnostic> diagnostics;
};

TuAnalysisResult analyzeTranslationUnit(const CompileCommand &cmd, const TaintModels &models);

}  // namespace mamori
