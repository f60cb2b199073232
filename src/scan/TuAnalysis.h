// One translation unit, start to finish, in the current process: parse, run every checker
// family, collect findings. The worker processes of the scanner call this.
#pragma once

#include "core/CompileCommand.h"
#include "core/Finding.h"
#include "engine/TaintAnalysis.h"
#include "engine/TaintModels.h"
#include "frontend/TuParser.h"

#include <vector>

namespace mamori {

struct TuAnalysisResult {
  bool analyzed = false;
  unsigned functions = 0;
  std::vector<Finding> findings;       // of the analyses that read other TUs' summaries
  std::vector<Finding> localFindings;  // of those that do not (value ranges, API use)
  std::vector<Diagnostic> diagnostics;
  ExternalSummaries summaries;         // for other TUs
  std::set<std::string> usedExternal;  // functions this TU calls but does not define
};

// Which analyses to run. Those that read no summaries of other TUs give the same findings
// in every cross-file round, so the scanner runs them in the first round only.
enum class TuAnalyses { All, SummaryReaders };

// With `reuse`, the TU's AST is read from reuse->path if an earlier analysis kept it
// there; after a fresh parse it is kept only if the TU calls functions that other TUs of
// the project may define (so a later round may analyse it again) and reuse->keep agrees.
TuAnalysisResult analyzeTranslationUnit(const CompileCommand &cmd, const TaintModels &models,
                                        const ExternalSummaries *external, const AstReuse *reuse = nullptr,
                                        TuAnalyses which = TuAnalyses::All);

}  // namespace mamori
