// Interprocedural taint analysis of one translation unit.
//
// Each function is analyzed once per pass with the forward dataflow solver over its CFG;
// callees come first (strongly connected components of the reference graph in post-order,
// iterated to a fixpoint), so that a call applies its callee's summary: which parameters
// reach which sinks, what the return value carries, what is written through pointer
// parameters. Globals are flow-insensitive and trigger another pass when they grow after
// being read. Findings come only from the last pass.
#pragma once

#include "core/Finding.h"
#include "engine/TaintModels.h"
#include "engine/TaintSinkChecker.h"

#include <nlohmann/json_fwd.hpp>

#include <vector>

namespace clang {
class ASTContext;
}

namespace mamori {

struct TaintAnalysisOptions {
  unsigned maxPasses = 3;          // whole-TU passes for globals
  unsigned maxSccIterations = 4;   // fixpoint rounds for recursive functions
  unsigned maxExprDepth = 2000;    // deeper expressions are treated as opaque
  unsigned maxBlockVisits = 32;    // per CFG block, bounds the dataflow
};

struct TaintAnalysisResult {
  std::vector<Finding> findings;
  // Function summaries keyed by USR, in the format a cross-TU linker will read (see
  // docs in README "Summaries"): {"usr": {"name", "returns", "param_effects", "sinks"}}.
  std::vector<std::pair<std::string, std::string>> summaryJson;
  unsigned functionsAnalyzed = 0;
};

TaintAnalysisResult analyzeTaint(clang::ASTContext &ctx, const TaintModels &models,
                                 const std::vector<const TaintSinkChecker *> &checkers,
                                 const TaintAnalysisOptions &opts, bool wantSummaries = false);

}  // namespace mamori
