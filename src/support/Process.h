// Running other programs (a target's build, cmake, bear; later its tests and fuzzers)
// the way mamori promises to: resource limits, no network, a timeout, output captured.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace mamori {

struct SandboxLimits {
  unsigned timeoutSeconds = 600;      // wall clock; the process group is killed after it
  unsigned cpuSeconds = 1200;         // RLIMIT_CPU
  unsigned long long memoryMiB = 4096;  // RLIMIT_AS; 0 leaves it (sanitizers reserve terabytes of address space)
  unsigned long long fileSizeMiB = 1024;  // RLIMIT_FSIZE
  unsigned maxProcesses = 512;        // RLIMIT_NPROC (per user; 0 = leave as is)
  bool noNetwork = true;              // a private network namespace with only loopback
};

struct ProcessResult {
  int exitCode = -1;     // valid when !signaled && !timedOut
  int signal = 0;        // the signal that ended it, or 0
  bool timedOut = false;
  bool networkIsolated = false;  // whether the namespace could be created
  std::string output;    // stdout and stderr, interleaved, truncated to 1 MiB
  std::string launchError;  // non-empty if the program could not be started
  bool ok() const { return launchError.empty() && !timedOut && signal == 0 && exitCode == 0; }
};

// What a run needs beyond its limits.
struct RunOptions {
  std::vector<std::string> environment;  // KEY=VALUE added to (or replacing in) mamori's own
  std::string stdinFile;                 // default: /dev/null
  // Polled about once a second while the program runs; returning false kills it early
  // (the result then reads as timed out).
  std::function<bool()> keepGoing;
};

// Runs argv[0] (looked up in PATH) in `workdir` with the limits applied.
ProcessResult runSandboxed(const std::vector<std::string> &argv, const std::string &workdir,
                           const SandboxLimits &limits, const RunOptions &options = {});

// True if `name` is an executable found in PATH.
bool programExists(const std::string &name);

}  // namespace mamori
