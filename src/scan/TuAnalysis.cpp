#include "scan/TuAnalysis.h"

#include "checkers/TaintCheckers.h"
#include "engine/TaintAnalysis.h"
#include "frontend/TuParser.h"

namespace mamori {

TuAnalysisResult analyzeTranslationUnit(const CompileCommand &cmd, const TaintModels &models) {
  TuAnalysisResult result;
  static const auto checkers = makeTaintCheckers();
  std::vector<const TaintSinkChecker *> taintCheckers;
  for (const auto &c : checkers) taintCheckers.push_back(c.get());

  TuParseResult parsed = parseTranslationUnit(cmd, [&](clang::ASTContext &ctx) {
    TaintAnalysisOptions opts;
    TaintAnalysisResult taint = analyzeTaint(ctx, models, taintCheckers, opts);
    result.functions += taint.functionsAnalyzed;
    for (Finding &f : taint.findings) result.findings.push_back(std::move(f));
  });
  result.analyzed = parsed.parsed;
  result.diagnostics = std::move(parsed.diagnostics);
  return result;
}

}  // namespace mamori
