// Running a libFuzzer binary the way confirm needs it: inside the sandbox (no network,
// limits, a scratch folder), with a time budget, and replaying single inputs to read the
// sanitizer's report.
#pragma once

#include "support/Process.h"

#include <functional>
#include <string>
#include <vector>

namespace mamori {

struct FuzzEnvironment {
  std::string workDir;     // scratch working folder of the target
  std::string oracleDir;   // holds mamori_canary; first in PATH
  unsigned long long memoryMiB = 2048;  // per input (libFuzzer -rss_limit_mb, ASan's limit)
  unsigned inputTimeoutSeconds = 10;    // one input longer than this is a hang

  // The environment a replay runs with: sanitizer options (halt at the first report),
  // symbolizer, oracles, and the failure's signature printed.
  std::vector<std::string> variables() const;
  // While fuzzing: reports go on, and the oracle runtime lets known bugs pass
  // (oracleDir/known) and aborts on any other, so libFuzzer keeps the input.
  std::vector<std::string> fuzzingVariables() const;
  // Where known bug signatures are listed: one list per fuzz target, since a signature is
  // made of offsets in one binary (near-identical programs, such as Juliet's cases, share
  // offsets, and one's known bug would hide another's).
  std::string knownFile;
  std::string knownSignaturesFile() const { return knownFile.empty() ? oracleDir + "/known" : knownFile; }
  // The same as a `env K=V ...` prefix for a reproduction command a person can paste.
  std::string commandPrefix() const;
};

struct FuzzRun {
  std::string binary;
  std::string corpusDir;     // seeds in, new coverage out
  std::string artifactDir;   // crash-*, leak-*, timeout-*, oom-* files land here
  std::string dictionary;    // may be empty
  unsigned seconds = 60;
  unsigned jobs = 1;
};

// Fuzzes until the budget ends or `keepGoing` returns false (it is asked about once a second).
ProcessResult runFuzzer(const FuzzRun &run, const FuzzEnvironment &env, const std::function<bool()> &keepGoing);

// Runs the binary once on `input` and returns what it printed.
ProcessResult replayInput(const std::string &binary, const std::string &input, const FuzzEnvironment &env);

// A cheap identity for a failing input: the report's first words and the module offsets
// of its innermost frames, read from a run without symbolization (about a quarter of the
// cost of a full replay). Two inputs with the same signature are the same bug, so only
// the first is replayed in full. Empty if the input did not fail.
std::string quickSignature(const std::string &binary, const std::string &input, const FuzzEnvironment &env);

// Runs the inputs one after another and returns those that fail (crash, leak or oracle),
// in one process start per failing input plus one: libFuzzer stops at the first failure.
// A corpus that fails at once makes every fork-mode job die on its first input, so confirm
// takes failing seeds out of the corpus and triages them directly.
// With `suppressKnown`, known bugs do not count as failures (as while fuzzing).
// `onFailure` is called for each failing input as soon as it is found, so that the caller
// can triage it (and list it as known) before the rest run; it gets the input and what the
// run printed. Returning false stops there. With `wallSeconds`, the replay stops when that
// much time has passed (slow inputs would otherwise take the fuzzing budget's time); the
// inputs not replayed by then are simply not looked at.
std::vector<std::string> failingInputs(const std::string &binary, const std::vector<std::string> &inputs,
                                       const FuzzEnvironment &env, bool suppressKnown = false,
                                       const std::function<bool(const std::string &, const std::string &)> &onFailure = {},
                                       double wallSeconds = 0);

// Asks libFuzzer for a smaller input that still fails; writes it to `output`. False if
// minimization failed (the caller keeps the original).
bool minimizeInput(const std::string &binary, const std::string &input, const std::string &output,
                   const FuzzEnvironment &env, unsigned seconds);

// Shell-quotes one word.
std::string shellQuote(const std::string &word);

}  // namespace mamori
