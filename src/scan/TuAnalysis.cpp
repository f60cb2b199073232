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
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

namespace mamori {

TuAnalysisResult analyzeTranslationUnit(const CompileCommand &cmd, const TaintModels &models,
                                        const ExternalSummaries *external, const AstReuse *reuse,
                                        TuAnalyses which) {
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
    TaintAnalysisOptions opts;
    TaintAnalysisResult taint = analyzeTaint(ctx, models, taintCheckers, opts, external);
    MemoryAnalysisResult mem = analyzeMemory(ctx, memoryCheckers, external);
    if (which == TuAnalyses::All) {
      RangeAnalysisResult ranges = analyzeRanges(ctx, rangeCheckers);
      for (Finding &f : ranges.findings) result.localFindings.push_back(std::move(f));
      for (Finding &f : analyzeApiUse(ctx, apiCheckers)) result.localFindings.push_back(std::move(f));
    }
    result.functions += taint.functionsAnalyzed;
    // One summary per function for other TUs, with a section per analysis.
    std::map<std::string, nlohmann::json> combined;
    for (const auto &[usr, json] : taint.summaries) combined[usr]["taint"] = nlohmann::json::parse(json);
    for (const auto &[usr, json] : mem.summaries) combined[usr]["memory"] = nlohmann::json::parse(json);
    for (const auto &[usr, j] : combined) result.summaries[usr] = j.dump();
    if (std::getenv("MAMORI_DEBUG_SUMMARIES"))
      for (const auto &[usr, json] : result.summaries) std::fprintf(stderr, "summary %s %s\n", usr.c_str(), json.c_str());
    if (reuse) callsOtherTus = refersToOtherProjectFunctions(analyzableFunctions(ctx));
    result.usedExternal = std::move(taint.usedExternal);
    result.usedExternal.insert(mem.usedExternal.begin(), mem.usedExternal.end());
    for (Finding &f : taint.findings) result.findings.push_back(std::move(f));
    for (Finding &f : mem.findings) result.findings.push_back(std::move(f));
  }, reuseIfCalled ? &*reuseIfCalled : nullptr);
  result.analyzed = parsed.parsed;
  result.diagnostics = std::move(parsed.diagnostics);
  return result;
}

}  // namespace mamori
