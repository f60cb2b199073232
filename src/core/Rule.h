// What a rule is, independent of how it is checked: reports print rules from this.
#pragma once

#include "core/Finding.h"

#include <string>
#include <vector>

namespace mamori {

struct RuleInfo {
  std::string id;           // "mamori.taint.command-injection"
  std::string name;         // "CommandInjection" (SARIF rule name)
  unsigned cwe = 0;
  std::vector<unsigned> relatedCwes;  // e.g. CWE-23 for path traversal
  Severity severity = Severity::Warning;
  double securitySeverity = 5.0;  // CVSS-like 0.0–10.0 for GitHub code scanning
  std::string shortDescription;
  std::string fullDescription;
  std::string help;         // how to fix, in one paragraph
};

// The finding a checker's verdict makes: the rule's id and severity, its CWE (or `cwe`
// when the checker names a more precise one), the message at `at`, the checker's trace
// followed by the sink step at `sinkAt`, and a fingerprint of `identity` (the sink's text).
Finding findingOf(const RuleInfo &rule, unsigned cwe, const std::string &message, const Location &at,
                  const Location &sinkAt, const std::string &function, std::vector<TraceStep> trace,
                  const std::string &identity);

}  // namespace mamori
