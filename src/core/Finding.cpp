#include "core/Finding.h"

#include <string>
#include <utility>

namespace mamori {

const char *severityName(Severity s) {
  switch (s) {
  case Severity::Note: return "note";
  case Severity::Warning: return "warning";
  case Severity::Error: return "error";
  }
  return "warning";
}

const char *validationResultName(ValidationStage::Result r) {
  switch (r) {
  case ValidationStage::Result::Passed: return "passed";
  case ValidationStage::Result::Failed: return "failed";
  case ValidationStage::Result::Skipped: return "skipped";
  }
  return "skipped";
}

const char *traceKindName(TraceStep::Kind k) {
  switch (k) {
  case TraceStep::Kind::Source: return "source";
  case TraceStep::Kind::Propagation: return "propagation";
  case TraceStep::Kind::Call: return "call";
  case TraceStep::Kind::Return: return "return";
  case TraceStep::Kind::Sink: return "sink";
  }
  return "propagation";
}

const char *diagnosticLevelName(Diagnostic::Level l) {
  switch (l) {
  case Diagnostic::Level::Note: return "note";
  case Diagnostic::Level::Warning: return "warning";
  case Diagnostic::Level::Error: return "error";
  }
  return "error";
}

void mergeFindingsAtOneSink(std::vector<Finding> &findings) {
  std::vector<Finding> merged;
  for (size_t i = 0; i < findings.size();) {
    size_t j = i + 1;
    // Taint only: several sources reaching one sink are one defect. Two leaks reported at
    // one exit are two blocks, and stay two findings.
    bool taint = findings[i].ruleId.rfind("mamori.taint.", 0) == 0;
    while (taint && j < findings.size() && findings[j].location == findings[i].location && findings[j].ruleId == findings[i].ruleId &&
           findings[j].cwe == findings[i].cwe)
      ++j;
    size_t best = i;
    for (size_t k = i + 1; k < j; ++k)
      if (std::make_pair(findings[k].trace.size(), findings[k].fingerprint) <
          std::make_pair(findings[best].trace.size(), findings[best].fingerprint))
        best = k;
    Finding f = std::move(findings[best]);
    if (j - i > 1)
      f.message += " (" + std::to_string(j - i - 1) +
                   (j - i - 1 == 1 ? " other path reaches" : " other paths reach") + " this sink)";
    merged.push_back(std::move(f));
    i = j;
  }
  findings = std::move(merged);
}

}  // namespace mamori
