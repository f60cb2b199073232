#include "scan/TuAnalysis.h"

#include "checkers/TaintCheckers.h"
#include "engine/TaintAnalysis.h"
#include "frontend/TuParser.h"

#include <cstdio>
#include <cstdlib>

namespace mamori {

TuAnalysisResult analyzeTranslationUnit(const CompileCommand &cmd, const TaintModels &models,
                                        const ExternalSummaries *external) {
  TuAnalysisResult result;
  static const auto checkers = makeTaintCheckers();
  std::vector<const TaintSinkChecker *> taintCheckers;
  for (const auto &c : checkers) taintCheckers.push_back(c.get());

  TuParseResult parsed = parseTranslationUnit(cmd, [&](clang::ASTContext &ctx) {
    TaintAnalysisOptions opts;
    TaintAnalysisResult taint = analyzeTaint(ctx, models, taintCheckers, opts, external);
    result.functions += taint.functionsAnalyzed;
    if (std::getenv("MAMORI_DEBUG_SUMMARIES"))
      for (const auto &[usr, json] : taint.summaries) std::fprintf(stderr, "summary %s %s\n", usr.c_str(), json.c_str());
    result.summaries = std::move(taint.summaries);
    result.usedExternal = std::move(taint.usedExternal);
    for (Finding &f : taint.findings) result.findings.push_back(std::move(f));
  });
  result.analyzed = parsed.parsed;
  result.diagnostics = std::move(parsed.diagnostics);
  return result;
}

}  // namespace mamori
