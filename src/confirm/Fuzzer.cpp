#include "confirm/Fuzzer.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <regex>

namespace fs = std::filesystem;

namespace mamori {

namespace {

SandboxLimits targetLimits(const FuzzEnvironment &env, unsigned seconds) {
  SandboxLimits l;
  l.timeoutSeconds = seconds;
  l.cpuSeconds = seconds * 4 + 60;  // fork mode runs jobs in parallel
  l.memoryMiB = 0;                  // ASan reserves terabytes of address space; RSS is capped instead
  l.fileSizeMiB = 256;
  l.maxProcesses = 256;
  l.noNetwork = true;
  return l;
}

}  // namespace

std::string shellQuote(const std::string &word) {
  if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+./:=,@%") ==
                           std::string::npos)
    return word;
  std::string q = "'";
  for (char c : word) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::vector<std::string> FuzzEnvironment::variables() const {
  std::string path = oracleDir;
  if (const char *p = std::getenv("PATH")) path += std::string(":") + p;
  std::string rss = std::to_string(memoryMiB);
  return {
      "ASAN_OPTIONS=detect_leaks=1:symbolize=1:abort_on_error=0:allocator_may_return_null=1:detect_stack_use_after_return=0:"
      "hard_rss_limit_mb=" + rss + ":malloc_limit_mb=" + rss,
      // The oracle runtime ends the program after a UBSan report (see its
      // __ubsan_on_report), except for a well-defined wrap at no finding's line.
      "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=0:print_summary=1:symbolize=1",
      "LSAN_OPTIONS=symbolize=1",
      "MSAN_OPTIONS=symbolize=1:print_stats=0",
      "MSAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-19",
      "ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-19",
      "MAMORI_ORACLE_DIR=" + oracleDir,
      "MAMORI_PRINT_SIGNATURE=1",
      "PATH=" + path,
  };
}

std::vector<std::string> FuzzEnvironment::fuzzingVariables() const {
  std::vector<std::string> v = variables();
  for (std::string &kv : v) {
    if (kv.rfind("ASAN_OPTIONS=", 0) == 0) kv += ":halt_on_error=0";
    if (kv.rfind("UBSAN_OPTIONS=", 0) == 0) kv = "UBSAN_OPTIONS=print_stacktrace=0:halt_on_error=0:symbolize=0";
  }
  v.erase(std::remove(v.begin(), v.end(), "MAMORI_PRINT_SIGNATURE=1"), v.end());
  v.push_back("MAMORI_SUPPRESS_KNOWN=1");
  v.push_back("MAMORI_KNOWN_FILE=" + knownSignaturesFile());
  return v;
}

std::string FuzzEnvironment::commandPrefix() const {
  std::string s = "env";
  for (const std::string &v : variables())
    if (v == "MAMORI_PRINT_SIGNATURE=1") continue;
    else if (v.rfind("PATH=", 0) == 0) s += " " + shellQuote("PATH=" + oracleDir + ":/usr/bin:/bin");
    else s += " " + shellQuote(v);
  return s;
}

ProcessResult runFuzzer(const FuzzRun &run, const FuzzEnvironment &env, const std::function<bool()> &keepGoing) {
  std::vector<std::string> argv = {run.binary,
                                    "-fork=" + std::to_string(std::max(1u, run.jobs)),
                                    "-ignore_crashes=1",
                                    "-ignore_ooms=1",
                                    "-ignore_timeouts=1",
                                    "-max_total_time=" + std::to_string(run.seconds),
                                    "-timeout=" + std::to_string(env.inputTimeoutSeconds),
                                    "-rss_limit_mb=" + std::to_string(env.memoryMiB),
                                    "-max_len=8192",
                                    // Length fields want long inputs early; comparisons
                                    // with constants are solved faster with value profiles.
                                    "-len_control=0",
                                    "-use_value_profile=1",
                                    "-close_fd_mask=1",
                                    "-print_final_stats=1",
                                    "-artifact_prefix=" + run.artifactDir + "/"};
  if (!run.dictionary.empty()) argv.push_back("-dict=" + run.dictionary);
  argv.push_back(run.corpusDir);
  RunOptions o;
  o.environment = env.fuzzingVariables();
  o.keepGoing = keepGoing;
  // Fork mode waits for its running jobs at the end; a job in a slow input takes up to the
  // input timeout more.
  return runSandboxed(argv, env.workDir, targetLimits(env, run.seconds + env.inputTimeoutSeconds + 5), o);
}

ProcessResult replayInput(const std::string &binary, const std::string &input, const FuzzEnvironment &env) {
  RunOptions o;
  o.environment = env.variables();
  return runSandboxed({binary, "-timeout=" + std::to_string(env.inputTimeoutSeconds),
                       "-rss_limit_mb=" + std::to_string(env.memoryMiB), input},
                      env.workDir, targetLimits(env, env.inputTimeoutSeconds * 3 + 10), o);
}

std::string quickSignature(const std::string &binary, const std::string &input, const FuzzEnvironment &env) {
  RunOptions o;
  o.environment = env.variables();
  o.environment.push_back("ASAN_OPTIONS=detect_leaks=1:symbolize=0:allocator_may_return_null=1:hard_rss_limit_mb=" +
                          std::to_string(env.memoryMiB));
  o.environment.push_back("UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=0:print_summary=1:symbolize=0");
  ProcessResult r = runSandboxed({binary, "-timeout=" + std::to_string(env.inputTimeoutSeconds), input}, env.workDir,
                                 targetLimits(env, env.inputTimeoutSeconds * 2 + 10), o);
  if (r.ok()) return "";
  size_t at = r.output.find("mamori-signature: ");
  if (at != std::string::npos) {
    size_t end = r.output.find('\n', at);
    std::string sig = r.output.substr(at + 18, end == std::string::npos ? std::string::npos : end - at - 18);
    if (!sig.empty()) return "sig:" + sig;
  }
  static const std::regex headline(R"((ERROR: \S+: \S+(?: \S+)?|WARNING: MemorySanitizer: \S+|runtime error: [a-z ]+|leak of))");
  static const std::regex frame(R"(#(\d+) 0x[0-9a-f]+\s+(?:in \S+\s+)?\((\S+)\+(0x[0-9a-f]+)\))");
  std::string sig;
  std::smatch m;
  if (std::regex_search(r.output, m, headline)) sig = m[1];
  auto begin = m.empty() ? r.output.cbegin() : m[0].second;
  unsigned frames = 0;
  for (auto it = std::sregex_iterator(begin, r.output.cend(), frame); it != std::sregex_iterator() && frames < 4; ++it) {
    sig += "|" + (*it)[3].str();
    ++frames;
  }
  if (sig.empty()) sig = "exit:" + std::to_string(r.exitCode) + ":" + std::to_string(r.signal);
  return sig;
}

std::vector<std::string> failingInputs(const std::string &binary, const std::vector<std::string> &inputs,
                                       const FuzzEnvironment &env, bool suppressKnown,
                                       const std::function<bool(const std::string &, const std::string &)> &onFailure,
                                       double wallSeconds) {
  auto clock = [] { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); };
  const double deadline = wallSeconds > 0 ? clock() + wallSeconds : 0;
  std::vector<std::string> failing;
  std::vector<std::string> left = inputs;
  RunOptions o;
  o.environment = suppressKnown ? env.fuzzingVariables() : env.variables();
  o.environment.push_back(std::string("ASAN_OPTIONS=detect_leaks=1:symbolize=0:allocator_may_return_null=1") +
                          (suppressKnown ? ":halt_on_error=0" : ""));
  while (!left.empty() && failing.size() < 256) {
    std::vector<std::string> argv = {binary, "-timeout=" + std::to_string(env.inputTimeoutSeconds),
                                     "-rss_limit_mb=" + std::to_string(env.memoryMiB)};
    size_t batch = std::min<size_t>(left.size(), 400);
    argv.insert(argv.end(), left.begin(), left.begin() + static_cast<long>(batch));
    SandboxLimits limits = targetLimits(env, env.inputTimeoutSeconds * 2 + 30 + static_cast<unsigned>(batch / 10));
    if (deadline) {
      double left = deadline - clock();
      if (left < 1) break;
      limits.timeoutSeconds = std::min(limits.timeoutSeconds, static_cast<unsigned>(left) + 1);
    }
    ProcessResult r = runSandboxed(argv, env.workDir, limits, o);
    if (r.timedOut && deadline && clock() >= deadline - 1) break;  // out of time in the middle of the batch
    if (r.ok()) {
      left.erase(left.begin(), left.begin() + static_cast<long>(batch));
      continue;
    }
    // The last "Running: FILE" names the input that failed.
    size_t at = r.output.rfind("Running: ");
    if (at == std::string::npos) break;
    size_t end = r.output.find('\n', at);
    std::string file = r.output.substr(at + 9, end == std::string::npos ? std::string::npos : end - at - 9);
    auto it = std::find(left.begin(), left.end(), file);
    if (it == left.end()) break;
    failing.push_back(file);
    left.erase(left.begin(), it + 1);
    if (onFailure && !onFailure(file, r.output.substr(at))) break;
  }
  return failing;
}

bool minimizeInput(const std::string &binary, const std::string &input, const std::string &output,
                   const FuzzEnvironment &env, unsigned seconds) {
  RunOptions o;
  o.environment = env.variables();
  std::error_code ec;
  fs::remove(output, ec);
  runSandboxed({binary, "-minimize_crash=1", "-max_total_time=" + std::to_string(seconds),
                "-timeout=" + std::to_string(env.inputTimeoutSeconds), "-exact_artifact_path=" + output, input},
               env.workDir, targetLimits(env, seconds + 2), o);
  return fs::exists(output, ec) && fs::file_size(output, ec) > 0;
}

}  // namespace mamori
