// The scan stage: runs every translation unit of a compile database through the front end
// and the checkers, in a pool of worker processes, so that a crash, a hang or a memory
// blow-up in one TU costs that TU only.
#pragma once

#include "core/ScanReport.h"
#include "ingest/CompileDatabase.h"

#include <string>
#include <vector>

namespace mamori {

struct ScanOptions {
  unsigned jobs = 0;                   // 0: every core
  unsigned tuTimeoutSeconds = 300;     // per TU; the worker is killed after it
  unsigned long long tuMemoryMiB = 4096;  // per worker address-space limit
  unsigned long long astStoreMiB = 2048;  // temporary disk for ASTs kept between rounds; 0: none
  std::vector<std::string> modelFiles; // user taint models, added to the built-in ones
  bool verbose = false;                // progress on stderr
};

// Validates the options that can be wrong before any work starts (model files);
// throws std::runtime_error naming the file.
void validateScanOptions(const ScanOptions &opts);

// Scans every command of `db`. Never throws for a problem in one TU: it becomes a
// Diagnostic and stats.failed counts it.
ScanReport scanDatabase(const CompileDatabase &db, const ScanOptions &opts);

// All rules mamori can report, for SARIF and `mamori rules`.
std::vector<RuleInfo> allRules();

}  // namespace mamori
