// The confirm stage: turns static findings into proven vulnerabilities. It builds the
// project with ASan + UBSan out of tree, fuzzes its libFuzzer targets in the sandbox under
// a time budget, replays every failing input to read the sanitizer's report, and ties each
// report to the finding whose sink (or allocation) is on its stack. That finding becomes
// confirmed, with its minimized input and a command that reproduces it; a report that
// proves no finding becomes a finding of its own.
#pragma once

#include "core/ScanReport.h"
#include "ingest/CompileDatabase.h"

#include <string>
#include <vector>

namespace mamori {

struct ConfirmOptions {
  std::string projectDir;                 // the project folder (for --test-cmd's build)
  std::string searchRoot;                 // where to look for fuzz targets; default: the sources' common folder
  std::string workDir;                    // builds, corpora and proofs (outside the project)
  unsigned budgetSeconds = 600;           // fuzzing time, shared by the targets
  unsigned jobs = 1;                      // parallel compiles and fuzzing processes
  std::vector<std::string> seedDirs;      // the user's own inputs to start from
  std::vector<std::string> fuzzTargets;   // fuzz target sources outside the compile database
  std::vector<std::string> linkFlags;     // libraries the targets need (-lz, ...)
  std::string testCommand;                // the project's tests, run against a sanitizer build
  std::string testBuildCommand;           // builds the project for them instead of its build system
  unsigned testTimeoutSeconds = 1200;
  bool synthesizeHarnesses = false;       // harnesses for functions on findings' traces
  std::vector<std::string> harnessFunctions;  // and for these functions, by name
  unsigned long long targetMemoryMiB = 2048;
  unsigned inputTimeoutSeconds = 10;
  bool verbose = false;
};

struct ConfirmStats {
  unsigned fuzzTargets = 0;
  unsigned failingInputs = 0;   // artifacts libFuzzer kept
  unsigned distinctReports = 0; // after deduplication
  unsigned confirmed = 0;       // static findings proven
  unsigned dynamicOnly = 0;     // findings only the sanitizers saw
  unsigned hangs = 0, outOfMemory = 0;
  double seconds = 0;
};

// What replaying a confirmed finding's proof on changed code showed (mamori fix's proof
// stage): the entry point rebuilt with the sanitizers and the change, and the proof input run.
struct ProofReplay {
  bool ran = false;          // the entry point was rebuilt and the input replayed
  std::string error;         // why not: a test-command proof, a build failure, a missing target
  bool reproduces = false;   // a sanitizer or oracle reported again
  std::string report;        // what it reported
};

// Rebuilds the proof's entry point (a fuzz target or a synthesized harness) in `workDir` from
// `db`, whose commands may carry a file overlay with a patch, and replays the proof's input
// in the sandbox. `opts` are the options of the confirm run that produced the proof.
ProofReplay replayProof(const CompileDatabase &db, const Finding &finding, const ConfirmOptions &opts,
                        const std::string &workDir);

// Confirms what it can of `report.findings` in place and appends dynamic findings and
// diagnostics (a TU or target that does not build, hangs, out-of-memory inputs).
ConfirmStats confirmFindings(const CompileDatabase &db, ScanReport &report, const ConfirmOptions &opts);

}  // namespace mamori
