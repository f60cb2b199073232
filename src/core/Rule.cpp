#include "core/Rule.h"

#include "core/Fingerprint.h"

namespace mamori {

Finding findingOf(const RuleInfo &rule, unsigned cwe, const std::string &message, const Location &at,
                  const Location &sinkAt, const std::string &function, std::vector<TraceStep> trace,
                  const std::string &identity) {
  Finding f;
  f.ruleId = rule.id;
  f.cwe = cwe ? cwe : rule.cwe;
  f.severity = rule.severity;
  f.message = message;
  f.location = at;
  f.function = function;
  f.trace = std::move(trace);
  f.trace.push_back({TraceStep::Kind::Sink, sinkAt, message});
  f.fingerprint = computeFingerprint(f, identity);
  return f;
}

}  // namespace mamori
