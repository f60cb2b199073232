// Interprocedural taint analysis of one translation unit.
//
// Each function is analyzed once per pass with the forward dataflow solver over its CFG;
// callees come first (strongly connected components of the reference graph in post-order,
// iterated to a fixpoint), so that a call applies its callee's summary: which parameters
// reach which sinks, what the return value carries, what is written through pointer
// parameters. Globals are flow-insensitive and trigger another pass when they grow after
// being read. Findings come only from the last pass. Calls to functions defined in other
// translation units use their summaries when the scanner provides them (ExternalSummaries).
#pragma once

#include "core/Finding.h"
#include "engine/TaintModels.h"
#include "engine/TaintSinkChecker.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace clang {
class FunctionDecl;
class ASTContext;
}

namespace mamori {

struct TaintAnalysisOptions {
  unsigned maxPasses = 3;          // whole-TU passes for globals
  unsigned maxSccIterations = 4;   // fixpoint rounds for recursive functions
  unsigned maxExprDepth = 2000;    // deeper expressions are treated as opaque
  unsigned maxBlockVisits = 32;    // per CFG block, bounds the dataflow
  // The functions to analyse (selectFunctions); null: every analyzable function.
  const std::vector<const clang::FunctionDecl *> *functions = nullptr;
};

// Summaries of functions defined in other translation units: USR -> summary JSON (the
// format is documented in TaintAnalysis.cpp and the README).
using ExternalSummaries = std::map<std::string, std::string>;

struct TaintAnalysisResult {
  std::vector<Finding> findings;
  ExternalSummaries summaries;         // this TU's externally visible functions
  std::set<std::string> usedExternal;  // USRs of functions called here, defined elsewhere
  // USRs of `summaries` whose definition is not in the main file (a unit test that includes
  // the source file it tests): the scanner prefers the summary of the file that owns them.
  std::set<std::string> definedInIncludedFiles;
  // USRs of every externally visible function this TU defines, with a summary or not: who
  // may provide summaries to whom, for the scanner's order of cross-file analyses.
  std::set<std::string> defined;
  unsigned functionsAnalyzed = 0;
};

TaintAnalysisResult analyzeTaint(clang::ASTContext &ctx, const TaintModels &models,
                                 const std::vector<const TaintSinkChecker *> &checkers,
                                 const TaintAnalysisOptions &opts, const ExternalSummaries *external = nullptr);

}  // namespace mamori
