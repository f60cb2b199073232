// Memory-safety analysis of one translation unit: allocation state (allocated, released,
// escaped), null-ness and definite initialization, flow-sensitively over clang::CFG with the
// shared dataflow solver, with per-function summaries (frees / stores / dereferences a
// parameter, returns fresh or released memory) used within the TU and across TUs.
#pragma once

#include "core/Finding.h"
#include "engine/MemoryChecker.h"
#include "engine/TaintAnalysis.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace clang {
class FunctionDecl;
class ASTContext;
}

namespace mamori {

struct MemoryAnalysisResult {
  std::vector<Finding> findings;
  std::map<std::string, std::string> summaries;  // USR -> JSON, externally visible functions
  std::set<std::string> usedExternal;
  std::set<std::string> definedInIncludedFiles;  // USRs of `summaries` defined outside the main file
  unsigned functionsAnalyzed = 0;
};

// `external`: summaries of other TUs keyed by USR; each value is a JSON object whose
// "memory" member this analysis reads.
// `functions`: those to analyse (selectFunctions); null: every analyzable function.
MemoryAnalysisResult analyzeMemory(clang::ASTContext &ctx, const std::vector<const MemoryChecker *> &checkers,
                                   const ExternalSummaries *external,
                                   const std::vector<const clang::FunctionDecl *> *functions = nullptr);

}  // namespace mamori
