// Report writers: clang-style text, SARIF 2.1.0, and mamori's JSON. Each returns the
// whole document as a string; the CLI decides where it goes.
#pragma once

#include "core/ScanReport.h"

#include <string>

namespace mamori {

// `file:line:col: warning: message [CWE-78] [rule]`, one `note:` per trace step.
std::string renderText(const ScanReport &r, bool color);

// SARIF 2.1.0 as GitHub code scanning accepts it: rules with CWE tags, taxa and
// security-severity; results with codeFlows and stable partialFingerprints.
std::string renderSarif(const ScanReport &r);

// mamori's own JSON (documented in the README).
std::string renderJson(const ScanReport &r);

}  // namespace mamori
