// Everything a report needs to know about one scan; report/ reads only this.
#pragma once

#include "core/Finding.h"
#include "core/Rule.h"

#include <string>
#include <vector>

namespace mamori {

struct ScanStats {
  unsigned translationUnits = 0;
  unsigned analyzed = 0;
  unsigned failed = 0;
  unsigned functions = 0;
  double seconds = 0;
};

struct ScanReport {
  std::string toolVersion;
  std::string projectRoot;  // absolute; SARIF URIs are relative to it
  std::vector<RuleInfo> rules;
  std::vector<Finding> findings;
  std::vector<Diagnostic> diagnostics;
  ScanStats stats;
};

}  // namespace mamori
