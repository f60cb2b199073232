#include "scan/TuAnalysis.h"

#include "checkers/ApiUseCheckers.h"
#include "checkers/MemoryCheckers.h"
#include "checkers/RangeCheckers.h"
#include "engine/RangeAnalysis.h"
#include "checkers/TaintCheckers.h"
#include "engine/ApiUseAnalysis.h"
#include "engine/MemoryAnalysis.h"
#include "engine/TaintAnalysis.h"
#include "frontend/FunctionOrder.h"
#include "frontend/TuParser.h"

#include <cstdio>
#include <cstdlib>
#include <optional>


namespace mamori {

TuAnalysisResult analyzeTranslationUnit(const CompileCommand &cmd, const TaintModels &models,
                                        const ExternalSummaries *external, const AstReuse *reuse,
                                        TuAnalyses which, const HeaderFunctionScope &headers) {
  TuAnalysisResult result;
  static const auto checkers = makeTaintCheckers();
  std::vector<const TaintSinkChecker *> taintCheckers;
  for (const auto &c : checkers) taintCheckers.push_back(c.get());

  static const auto range = makeRangeCheckers();
  std::vector<const RangeChecker *> rangeCheckers;
  for (const auto &c : range) rangeCheckers.push_back(c.get());
  static const auto memory = makeMemoryCheckers();
  std::vector<const MemoryChecker *> memoryCheckers;
  for (const auto &c : memory) memoryCheckers.push_back(c.get());
  static const auto api = makeApiUseCheckers();
  std::vector<const ApiUseChecker *> apiCheckers;
  for (const auto &c : api) apiCheckers.push_back(c.get());

  // Only a TU that calls functions of other TUs can be analysed again in a later round;
  // serializing the others' ASTs would cost a third of a parse each, for nothing.
  bool callsOtherTus = false;
  std::optional<AstReuse> reuseIfCalled;
  if (reuse) {
    reuseIfCalled = *reuse;
    reuseIfCalled->keep = [&] { return callsOtherTus && (!reuse->keep || reuse->keep()); };
  }
  TuParseResult parsed = parseTranslationUnit(cmd, [&](clang::ASTContext &ctx) {
    FunctionSelection selected = selectFunctions(ctx, headers);
    result.headerAnalyzed = std::move(selected.headerAnalyzed);
    result.headerSkipped = std::move(selected.headerSkipped);
    if (which.taint) {
      TaintAnalysisOptions options;
      options.functions = &selected.functions;
      TaintAnalysisResult taint = analyzeTaint(ctx, models, taintCheckers, options, external);
      result.functions = taint.functionsAnalyzed;
      result.defined = std::move(taint.defined);
      result.taint = {std::move(taint.findings), std::move(taint.summaries), std::move(taint.usedExternal),
                      std::move(taint.definedInIncludedFiles)};
    }
    if (which.memory) {
      MemoryAnalysisResult mem = analyzeMemory(ctx, memoryCheckers, external, &selected.functions);
      result.memory = {std::move(mem.findings), std::move(mem.summaries), std::move(mem.usedExternal),
                       std::move(mem.definedInIncludedFiles)};
    }
    if (which.local) {
      RangeAnalysisResult ranges = analyzeRanges(ctx, rangeCheckers, &selected.functions);
      for (Finding &f : ranges.findings) result.localFindings.push_back(std::move(f));
      for (Finding &f : analyzeApiUse(ctx, apiCheckers, &selected.functions)) result.localFindings.push_back(std::move(f));
    }
    if (which.ownedHeaders) {
      std::vector<const clang::FunctionDecl *> owned = ownedHeaderFunctions(ctx, headers.owned);
      if (!owned.empty()) {
        std::vector<Finding> &out = result.headerFindings;
        TaintAnalysisOptions options;
        options.functions = &owned;
        for (Finding &f : analyzeTaint(ctx, models, taintCheckers, options, external).findings) out.push_back(std::move(f));
        for (Finding &f : analyzeMemory(ctx, memoryCheckers, external, &owned).findings) out.push_back(std::move(f));
        for (Finding &f : analyzeRanges(ctx, rangeCheckers, &owned).findings) out.push_back(std::move(f));
        for (Finding &f : analyzeApiUse(ctx, apiCheckers, &owned)) out.push_back(std::move(f));
      }
    }
    if (std::getenv("MAMORI_DEBUG_SUMMARIES")) {
      for (const auto &[usr, json] : result.taint.summaries) std::fprintf(stderr, "summary taint %s %s\n", usr.c_str(), json.c_str());
      for (const auto &[usr, json] : result.memory.summaries) std::fprintf(stderr, "summary memory %s %s\n", usr.c_str(), json.c_str());
    }
    if (reuse) callsOtherTus = refersToOtherProjectFunctions(selected.functions);
  }, reuseIfCalled ? &*reuseIfCalled : nullptr);
  result.analyzed = parsed.parsed;
  result.diagnostics = std::move(parsed.diagnostics);
  return result;
}

}  // namespace mamori
