// Triage: which sanitizer reports are the same bug, and which static finding a report
// proves. A report proves a finding when one of its stacks passes through the finding's
// sink (or, for a leak, its allocation) and the report's kind can prove the finding's CWE.
#pragma once

#include "confirm/SanitizerReport.h"
#include "core/Finding.h"

#include <string>
#include <vector>

namespace mamori {

// Same kind and the same three innermost frames inside the project: the same bug.
std::string deduplicationKey(const SanitizerReport &r, const std::string &projectRoot);

// Indices of the findings `r` proves, best evidence first: findings whose sink is on a
// stack; when there are none, findings whose trace is.
std::vector<size_t> findingsProvenBy(const SanitizerReport &r, const std::vector<Finding> &findings);

// A finding of its own for a report that proves no static finding ("found dynamically").
// Returns false for reports that are not vulnerabilities by themselves (a clean exit).
bool dynamicFinding(const SanitizerReport &r, const std::string &projectRoot, const std::string &foundBy, Finding &out);

}  // namespace mamori
