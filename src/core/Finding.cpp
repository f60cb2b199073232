#include "core/Finding.h"

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

}  // namespace mamori
