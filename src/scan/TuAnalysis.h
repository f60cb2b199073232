// One translation unit, start to finish, in the current process: parse, run every checker
// family, collect findings. The worker processes of the scanner call this.
#pragma once

#include "core/CompileCommand.h"
#include "core/Finding.h"
#include "engine/TaintAnalysis.h"
#include "engine/TaintModels.h"

#include <vector>

namespace mamori {

struct TuAnalysisResult {
  bool analyzed = false;
  unsigned functions = 0;
  std::vector<Finding> findings;
  std::vector<Diagnostic> diagnostics;
  ExternalSummaries summaries;         // for other TUs
  std::set<std::string> usedExternal;  // functions this TU calls but does not define
};

TuAnalysisResult analyzeTranslationUnit(const CompileCommand &cmd, const TaintModels &models,
                                        const ExternalSummaries *external);

}  // namespace mamori
