// One translation unit, start to finish, in the current process: parse, run every checker
// family, collect findings. The worker processes of the scanner call this.
#pragma once

#include "core/CompileCommand.h"
#include "core/Finding.h"
#include "engine/TaintAnalysis.h"
#include "engine/TaintModels.h"
#include "frontend/FunctionOrder.h"
#include "frontend/TuParser.h"

#include <vector>

namespace mamori {

// What one of the analyses that read other TUs' summaries (taint, memory) found in a TU.
struct CrossFileResult {
  std::vector<Finding> findings;
  ExternalSummaries summaries;         // this analysis's section of each summary, for other TUs
  std::set<std::string> usedExternal;  // functions it looked up that this TU calls but does not define
  std::set<std::string> definedInIncludedFiles;  // summaries of functions defined outside the main file
};

struct TuAnalysisResult {
  bool analyzed = false;
  unsigned functions = 0;              // counted by the taint analysis, when it runs
  std::set<std::string> defined;       // externally visible functions defined here (taint run)
  CrossFileResult taint;
  CrossFileResult memory;
  std::vector<Finding> localFindings;  // of those that read no summaries (value ranges, API use)
  // Keys of the functions defined in included files that this TU analysed, and of those it
  // left to another TU (see HeaderFunctionScope).
  std::set<uint64_t> headerAnalyzed, headerSkipped;
  std::vector<Finding> headerFindings;  // in the owned header functions (TuAnalyses::ownedHeaders)
  std::vector<Diagnostic> diagnostics;
};

// Which analyses to run. Those that read no summaries of other TUs give the same findings
// in every cross-file round, so the scanner runs them in the first round only; taint and
// memory run again only when a summary they looked up changed.
struct TuAnalyses {
  bool taint = true;
  bool memory = true;
  bool local = true;
  // All four analyses over the header functions this TU was handed because no TU's code
  // reaches them (HeaderFunctionScope::owned), apart from the rest: nothing calls them, so
  // they give findings but no summary anyone reads, and need analysing once.
  bool ownedHeaders = false;
};

// With `reuse`, the TU's AST is read from reuse->path if an earlier analysis kept it
// there; after a fresh parse it is kept only if the TU calls functions that other TUs of
// the project may define (so a later round may analyse it again) and reuse->keep agrees.
TuAnalysisResult analyzeTranslationUnit(const CompileCommand &cmd, const TaintModels &models,
                                        const ExternalSummaries *external, const AstReuse *reuse = nullptr,
                                        TuAnalyses which = {}, const HeaderFunctionScope &headers = {});

}  // namespace mamori
