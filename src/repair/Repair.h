// The repair stage (`mamori fix`): for each finding, the smallest idiomatic patch, proven
// stage by stage before it is called validated:
//   compile  the patched file still compiles (clang-19, the project's own flags);
//   rescan   a rescan no longer reports the finding and reports nothing new;
//   proof    a confirmed finding's proof-of-vulnerability input no longer reproduces;
//   tests    the project's tests (--test-cmd) pass on the patched code.
// Patched files are never written into the project while they are validated: Clang sees
// them through a file overlay. `apply` writes validated patches, and only those.
#pragma once

#include "confirm/Confirm.h"
#include "core/ScanReport.h"
#include "ingest/CompileDatabase.h"
#include "scan/Scanner.h"

#include <string>
#include <vector>

namespace mamori {

struct FixOptions {
  std::string workDir;                 // patched copies, overlays and rebuilds (outside the project)
  std::string projectDir;              // for the tests stage's build
  std::string testCommand;             // the project's tests; empty skips the tests stage
  std::string testBuildCommand;        // builds the project for them instead of its build system
  unsigned testTimeoutSeconds = 1200;
  bool apply = false;                  // write validated patches into the working tree
  bool force = false;                  // ... even over uncommitted changes
  ScanOptions scan;                    // for rescans
  unsigned long long targetMemoryMiB = 2048;  // for the tests stage
  const ConfirmOptions *confirm = nullptr;    // set when confirm ran first: proofs are replayed
  bool verbose = false;
};

struct FixStats {
  unsigned findings = 0;
  unsigned proposed = 0;   // findings with a patch
  unsigned validated = 0;  // ... that passed every stage that applies
  unsigned applied = 0;    // patches written by --apply
  std::vector<std::string> applyErrors;  // files --apply refused, with the reason
  double seconds = 0;
};

// Proposes and validates a patch for every finding of `report`, recording it (or why
// there is none) on the finding. With `apply`, writes validated patches file by file:
// a file that changed since the scan, has uncommitted changes (without `force`), cannot
// be written, or no longer compiles with its patches combined is left as it was.
FixStats fixFindings(const CompileDatabase &db, ScanReport &report, const FixOptions &opts);

}  // namespace mamori
