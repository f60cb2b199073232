#include "scan/Scanner.h"

#include "checkers/ApiUseCheckers.h"
#include "checkers/MemoryCheckers.h"
#include "checkers/RangeCheckers.h"
#include "checkers/TaintCheckers.h"
#include "core/FindingJson.h"
#include "core/Fingerprint.h"
#include "engine/TaintModels.h"
#include "scan/TuAnalysis.h"

#include "llvm/Support/Threading.h"
#include "llvm/Support/thread.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <iostream>
#include <map>
#include <poll.h>
#include <set>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace mamori {

namespace {

using Clock = std::chrono::steady_clock;

bool writeAll(int fd, const void *data, size_t n) {
  const char *p = static_cast<const char *>(data);
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool readAll(int fd, void *data, size_t n) {
  char *p = static_cast<char *>(data);
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

// Runs `fn` on a thread with a large stack: Clang and our evaluators recurse on deeply
// nested code, and a stack overflow would cost the whole TU.
template <typename Fn> void onBigStack(Fn fn) {
  llvm::thread t(std::optional<unsigned>(512u << 20), fn);
  t.join();
}

// Fault injection for the robustness tests: MAMORI_FAULT_INJECT="crash:NAME,hang:NAME"
// makes the worker crash or hang on a TU whose path contains NAME, to prove that one bad
// TU costs only itself; "crash-later:NAME" crashes only in a cross-file round after the
// first. It changes nothing else.
void injectFault(const std::string &file, bool laterRound) {
  const char *spec = std::getenv("MAMORI_FAULT_INJECT");
  if (!spec) return;
  std::string s = spec;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t end = s.find(',', pos);
    if (end == std::string::npos) end = s.size();
    std::string item = s.substr(pos, end - pos);
    pos = end + 1;
    size_t colon = item.find(':');
    if (colon == std::string::npos) continue;
    std::string kind = item.substr(0, colon), name = item.substr(colon + 1);
    if (name.empty() || file.find(name) == std::string::npos) continue;
    if (kind == "crash" || (kind == "crash-later" && laterRound)) raise(SIGSEGV);
    if (kind == "hang")
      for (;;) pause();
  }
}

// What a cross-file round does beyond the first: where the ASTs
// of TUs that later rounds will analyse again are kept (see AstReuse), and how much each
// worker of the round may write there.
struct RoundSetup {
  bool laterRound = false;
  std::string dir;                         // empty: every analysis parses
  bool write = false;                      // false in the last round: nobody would read it
  unsigned long long bytesPerWorker = 0;

  unsigned long long budget = 0;           // for the whole scan
  std::string pathFor(unsigned tu) const { return dir.empty() ? "" : dir + "/" + std::to_string(tu) + ".ast"; }

  // Header functions: each TU analyses those its code reaches (with several TUs; a single
  // TU analyses all of them), and the functions no TU reaches go to one TU each.
  bool headersReachedOnly = false;
  std::map<unsigned, std::set<uint64_t>> ownedHeaderFunctions;
  HeaderFunctionScope headerScopeFor(unsigned tu) const {
    HeaderFunctionScope scope;
    scope.reachedOnly = headersReachedOnly;
    if (auto it = ownedHeaderFunctions.find(tu); it != ownedHeaderFunctions.end()) scope.owned = it->second;
    return scope;
  }

  // Splits what is left of the budget between the round's workers.
  void shareBudget(unsigned jobs) {
    unsigned long long used = 0;
    std::error_code ec;
    for (const auto &f : std::filesystem::directory_iterator(dir, ec)) {
      auto n = f.file_size(ec);
      if (!ec) used += n;
    }
    bytesPerWorker = used >= budget ? 0 : (budget - used) / std::max(1u, jobs);
  }
};

// One TU to analyse, as the scanner sends it to a worker: the index and a mask of analyses.
struct Job {
  unsigned tu = 0;
  TuAnalyses which;
};
constexpr uint32_t kTaintBit = 1, kMemoryBit = 2, kLocalBit = 4, kOwnedHeadersBit = 8;

uint32_t maskOf(const TuAnalyses &w) {
  return (w.taint ? kTaintBit : 0) | (w.memory ? kMemoryBit : 0) | (w.local ? kLocalBit : 0) |
         (w.ownedHeaders ? kOwnedHeadersBit : 0);
}

TuAnalyses analysesOf(uint32_t mask) {
  return {(mask & kTaintBit) != 0, (mask & kMemoryBit) != 0, (mask & kLocalBit) != 0, (mask & kOwnedHeadersBit) != 0};
}

nlohmann::json toJson(const CrossFileResult &r) {
  nlohmann::json j;
  j["findings"] = nlohmann::json::array();
  for (const Finding &f : r.findings) j["findings"].push_back(toJson(f));
  j["summaries"] = r.summaries;
  j["used"] = r.usedExternal;
  j["included"] = r.definedInIncludedFiles;
  return j;
}

CrossFileResult crossFileResultFromJson(const nlohmann::json &j) {
  CrossFileResult r;
  if (!j.is_object()) return r;
  for (const auto &f : j.value("findings", nlohmann::json::array())) r.findings.push_back(findingFromJson(f));
  r.summaries = j.value("summaries", ExternalSummaries{});
  r.usedExternal = j.value("used", std::set<std::string>{});
  r.definedInIncludedFiles = j.value("included", std::set<std::string>{});
  return r;
}

// The worker's side: read a job, analyze its TU, answer with one JSON message.
[[noreturn]] void workerMain(int in, int out, const CompileDatabase &db, const TaintModels &models,
                             const ExternalSummaries &external, unsigned long long memoryMiB,
                             const RoundSetup &setup) {
  if (memoryMiB) {
    rlimit rl{static_cast<rlim_t>(memoryMiB << 20), static_cast<rlim_t>(memoryMiB << 20)};
    setrlimit(RLIMIT_AS, &rl);
  }
  unsigned long long astBytesWritten = 0;
  for (;;) {
    uint32_t job[2] = {0, 0};  // TU index, analyses mask
    if (!readAll(in, job, sizeof job)) _exit(0);
    const uint32_t index = job[0];
    nlohmann::json msg;
    if (index < db.commands.size()) {
      TuAnalysisResult r;
      injectFault(db.commands[index].file, setup.laterRound);
      AstReuse reuse{setup.pathFor(index),
                     [&] { return setup.write && astBytesWritten < setup.bytesPerWorker; }};
      std::error_code ec;
      bool keptBefore = !reuse.path.empty() && std::filesystem::exists(reuse.path, ec);
      onBigStack([&] { r = analyzeTranslationUnit(db.commands[index], models, &external,
                                                  setup.dir.empty() ? nullptr : &reuse, analysesOf(job[1]),
                                                  setup.headerScopeFor(index)); });
      if (setup.write && !keptBefore && !reuse.path.empty()) {  // only what this worker wrote
        auto size = std::filesystem::file_size(reuse.path, ec);
        if (!ec) astBytesWritten += size;
      }
      msg["analyzed"] = r.analyzed;
      msg["functions"] = r.functions;
      msg["defined"] = r.defined;
      msg["taint"] = toJson(r.taint);
      msg["memory"] = toJson(r.memory);
      msg["localFindings"] = nlohmann::json::array();
      for (const Finding &f : r.localFindings) msg["localFindings"].push_back(toJson(f));
      msg["headerFindings"] = nlohmann::json::array();
      for (const Finding &f : r.headerFindings) msg["headerFindings"].push_back(toJson(f));
      if (!setup.laterRound) {  // only the first round's are read
        msg["headerAnalyzed"] = r.headerAnalyzed;
        msg["headerSkipped"] = r.headerSkipped;
      }
      msg["diagnostics"] = nlohmann::json::array();
      for (const Diagnostic &d : r.diagnostics) msg["diagnostics"].push_back(toJson(d));
    }
    std::string payload = msg.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    uint32_t len = static_cast<uint32_t>(payload.size());
    if (!writeAll(out, &len, sizeof len) || !writeAll(out, payload.data(), payload.size())) _exit(1);
  }
}

struct Worker {
  pid_t pid = -1;
  int toWorker = -1;
  int fromWorker = -1;
  int tu = -1;  // the TU in progress, or -1
  Clock::time_point started;
};

Worker spawnWorker(const CompileDatabase &db, const TaintModels &models, const ExternalSummaries &external,
                   const ScanOptions &opts, const RoundSetup &setup, std::vector<Worker> &others) {
  int down[2], up[2];
  Worker w;
  if (pipe(down) != 0 || pipe(up) != 0) return w;
  std::cout.flush();
  std::cerr.flush();
  pid_t pid = fork();
  if (pid < 0) {
    close(down[0]); close(down[1]); close(up[0]); close(up[1]);
    return w;
  }
  if (pid == 0) {
    close(down[1]);
    close(up[0]);
    for (const Worker &o : others) {  // siblings' pipes are not ours to hold open
      if (o.toWorker >= 0) close(o.toWorker);
      if (o.fromWorker >= 0) close(o.fromWorker);
    }
    workerMain(down[0], up[1], db, models, external, opts.tuMemoryMiB, setup);
  }
  close(down[0]);
  close(up[1]);
  w.pid = pid;
  w.toWorker = down[1];
  w.fromWorker = up[0];
  return w;
}

void stopWorker(Worker &w, bool kill) {
  if (w.pid <= 0) return;
  if (kill) ::kill(w.pid, SIGKILL);
  close(w.toWorker);
  close(w.fromWorker);
  int status = 0;
  waitpid(w.pid, &status, 0);
  w = Worker{};
}

std::string describeDeath(int status) {
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char *name = strsignal(sig);
    return std::string("the analysis crashed (signal ") + std::to_string(sig) + ", " + (name ? name : "?") + ")";
  }
  if (WIFEXITED(status)) return "the analysis process exited unexpectedly (exit " + std::to_string(WEXITSTATUS(status)) + ")";
  return "the analysis process ended unexpectedly";
}

TaintModels loadModels(const ScanOptions &opts) {
  TaintModels models = TaintModels::builtin();
  for (const std::string &f : opts.modelFiles) models.loadFile(f);
  return models;
}

}  // namespace

void validateScanOptions(const ScanOptions &opts) { (void)loadModels(opts); }

std::vector<RuleInfo> allRules() {
  std::vector<RuleInfo> rules;
  for (const auto &c : makeTaintCheckers()) rules.push_back(c->rule());
  for (const auto &c : makeMemoryCheckers()) rules.push_back(c->rule());
  for (const auto &c : makeRangeCheckers()) rules.push_back(c->rule());
  for (const auto &c : makeApiUseCheckers()) rules.push_back(c->rule());
  return rules;
}

namespace {

// What the analyses of one TU produced; a later round replaces only the parts it re-ran.
struct TuOutcome {
  bool analyzed = false;
  unsigned functions = 0;
  std::set<std::string> defined;
  CrossFileResult taint;
  CrossFileResult memory;
  std::vector<Finding> localFindings;
  std::vector<Diagnostic> diagnostics;
  std::set<uint64_t> headerAnalyzed, headerSkipped;
  std::vector<Finding> headerFindings;
};

TuOutcome outcomeOf(TuAnalysisResult &&r) {
  TuOutcome o;
  o.analyzed = r.analyzed;
  o.functions = r.functions;
  o.defined = std::move(r.defined);
  o.taint = std::move(r.taint);
  o.memory = std::move(r.memory);
  o.localFindings = std::move(r.localFindings);
  o.diagnostics = std::move(r.diagnostics);
  o.headerAnalyzed = std::move(r.headerAnalyzed);
  o.headerSkipped = std::move(r.headerSkipped);
  o.headerFindings = std::move(r.headerFindings);
  return o;
}

// How many worker processes a round of `tus` translation units runs.
unsigned workersFor(const ScanOptions &opts, size_t tus) {
  unsigned jobs = opts.jobs ? opts.jobs : std::max(1u, std::thread::hardware_concurrency());
  return std::min<unsigned>(jobs, std::max<size_t>(1, tus));
}

// Analyzes the TUs in `todo` in a pool of worker processes forked now, so each sees the
// current `external` summaries.
std::map<unsigned, TuOutcome> runRound(const CompileDatabase &db, const std::vector<Job> &todo,
                                       const TaintModels &models, const ExternalSummaries &external,
                                       const ScanOptions &opts, const RoundSetup &setup, unsigned round) {
  std::map<unsigned, TuOutcome> outcomes;
  if (std::getenv("MAMORI_IN_PROCESS")) {
    // Debugging aid: analyze in this process, so a debugger sees the crash.
    for (const Job &job : todo) {
      AstReuse reuse{setup.pathFor(job.tu), [&] { return setup.write; }};
      outcomes[job.tu] = outcomeOf(analyzeTranslationUnit(db.commands[job.tu], models, &external,
                                                          setup.dir.empty() ? nullptr : &reuse, job.which,
                                                          setup.headerScopeFor(job.tu)));
    }
    return outcomes;
  }
  const unsigned jobs = workersFor(opts, todo.size());
  // Largest sources first: a round ends when its last TU does, and a big file started
  // last would leave the other workers idle meanwhile.
  std::vector<std::pair<std::uintmax_t, Job>> bySize;
  for (const Job &job : todo) {
    std::error_code ec;
    std::uintmax_t size = std::filesystem::file_size(db.commands[job.tu].file, ec);
    bySize.push_back({ec ? 0 : size, job});
  }
  std::stable_sort(bySize.begin(), bySize.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
  std::deque<Job> pending;
  for (const auto &[size, job] : bySize) pending.push_back(job);
  std::vector<Worker> workers;
  size_t done = 0;

  auto fail = [&](unsigned tu, const std::string &why) {
    TuOutcome &o = outcomes[tu];
    o.analyzed = false;
    o.diagnostics.push_back({Diagnostic::Level::Error, db.commands[tu].file, why + "; translation unit skipped"});
    ++done;
  };

  while (done < todo.size()) {
    while (workers.size() < jobs && !pending.empty()) {
      Worker w = spawnWorker(db, models, external, opts, setup, workers);
      if (w.pid < 0) break;
      workers.push_back(w);
    }
    if (workers.empty()) {
      while (!pending.empty()) {
        fail(pending.front().tu, "no analysis process could be started");
        pending.pop_front();
      }
      break;
    }
    for (Worker &w : workers) {
      if (w.tu >= 0 || pending.empty()) continue;
      Job job = pending.front();
      pending.pop_front();
      const uint32_t index = job.tu;
      const uint32_t message[2] = {index, maskOf(job.which)};
      w.tu = static_cast<int>(index);
      w.started = Clock::now();
      if (opts.verbose)
        std::cerr << "mamori: " << (round ? "[round " + std::to_string(round + 1) + "] " : "") << "["
                  << done + 1 << "/" << todo.size() << "] " << db.commands[index].file << "\n";
      if (!writeAll(w.toWorker, message, sizeof message)) {
        pending.push_front(job);
        w.tu = -1;
        stopWorker(w, true);
      }
    }
    workers.erase(std::remove_if(workers.begin(), workers.end(), [](const Worker &w) { return w.pid < 0; }),
                  workers.end());

    std::vector<pollfd> fds;
    for (const Worker &w : workers)
      if (w.tu >= 0) fds.push_back({w.fromWorker, POLLIN, 0});
    if (fds.empty()) continue;
    int r = poll(fds.data(), fds.size(), 200);
    if (r < 0 && errno != EINTR) break;

    for (Worker &w : workers) {
      if (w.tu < 0) continue;
      bool readable = false;
      for (const pollfd &p : fds)
        if (p.fd == w.fromWorker && (p.revents & (POLLIN | POLLHUP | POLLERR))) readable = true;
      unsigned tu = static_cast<unsigned>(w.tu);
      if (!readable) {
        auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - w.started).count();
        if (opts.tuTimeoutSeconds && elapsed >= opts.tuTimeoutSeconds) {
          stopWorker(w, true);
          fail(tu, "analysis exceeded --tu-timeout of " + std::to_string(opts.tuTimeoutSeconds) + " s");
        }
        continue;
      }
      uint32_t len = 0;
      std::string payload;
      bool ok = readAll(w.fromWorker, &len, sizeof len);
      if (ok) {
        payload.resize(len);
        ok = readAll(w.fromWorker, payload.data(), len);
      }
      if (!ok) {
        ::kill(w.pid, SIGKILL);
        int status = 0;
        waitpid(w.pid, &status, 0);
        close(w.toWorker);
        close(w.fromWorker);
        w = Worker{};
        std::string why = describeDeath(status);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) why = "the analysis ran out of memory or was killed";
        fail(tu, why);
        continue;
      }
      w.tu = -1;
      ++done;
      TuOutcome &o = outcomes[tu];
      nlohmann::json msg = nlohmann::json::parse(payload, nullptr, false);
      if (msg.is_discarded()) {
        o.diagnostics.push_back({Diagnostic::Level::Error, db.commands[tu].file, "internal error: malformed worker reply"});
        continue;
      }
      o.analyzed = msg.value("analyzed", false);
      o.functions = msg.value("functions", 0u);
      for (const auto &d : msg["diagnostics"]) o.diagnostics.push_back(diagnosticFromJson(d));
      o.defined = msg.value("defined", std::set<std::string>{});
      o.taint = crossFileResultFromJson(msg["taint"]);
      o.memory = crossFileResultFromJson(msg["memory"]);
      for (const auto &f : msg["localFindings"]) o.localFindings.push_back(findingFromJson(f));
      for (const auto &f : msg["headerFindings"]) o.headerFindings.push_back(findingFromJson(f));
      o.headerAnalyzed = msg.value("headerAnalyzed", std::set<uint64_t>{});
      o.headerSkipped = msg.value("headerSkipped", std::set<uint64_t>{});
    }
    workers.erase(std::remove_if(workers.begin(), workers.end(), [](const Worker &w) { return w.pid < 0; }),
                  workers.end());
  }
  for (Worker &w : workers) stopWorker(w, false);
  return outcomes;
}

bool usesAny(const std::set<std::string> &used, const std::set<std::string> &changed) {
  return std::any_of(used.begin(), used.end(), [&](const std::string &u) { return changed.count(u) != 0; });
}

// The next cross-file round: each TU that looked up a changed section, for the analyses that
// read it, plus what `deferred` owes. A TU whose functions no other TU calls (a program's
// main file, a test) only consumes summaries: while a TU that provides it with some runs
// again in the same round, those may change once more, so with `mayWait` it waits in
// `deferred` and runs once on what they settle to, instead of in every round.
std::vector<Job> planNextRound(const std::map<unsigned, TuOutcome> &latest, const std::set<std::string> &taintChanged,
                               const std::set<std::string> &memoryChanged, std::map<unsigned, TuAnalyses> &deferred,
                               bool mayWait) {
  std::map<unsigned, TuAnalyses> candidates = std::move(deferred);
  deferred.clear();
  for (const auto &[tu, o] : latest) {
    if (!o.analyzed) continue;
    TuAnalyses &which = candidates.try_emplace(tu, TuAnalyses{false, false, false}).first->second;
    which.taint = which.taint || usesAny(o.taint.usedExternal, taintChanged);
    which.memory = which.memory || usesAny(o.memory.usedExternal, memoryChanged);
    if (!which.taint && !which.memory) candidates.erase(tu);
  }
  std::set<unsigned> waiting;
  if (mayWait) {
    std::set<std::string> usedAnywhere;
    std::map<std::string, std::vector<unsigned>> definers;
    for (const auto &[tu, o] : latest) {
      usedAnywhere.insert(o.taint.usedExternal.begin(), o.taint.usedExternal.end());
      usedAnywhere.insert(o.memory.usedExternal.begin(), o.memory.usedExternal.end());
      for (const std::string &usr : o.defined) definers[usr].push_back(tu);
    }
    std::set<unsigned> leaves;
    for (const auto &[tu, o] : latest)
      if (!usesAny(o.defined, usedAnywhere)) leaves.insert(tu);
    auto waitsForProvider = [&](unsigned tu) {
      const TuOutcome &o = latest.at(tu);
      for (const std::set<std::string> *used : {&o.taint.usedExternal, &o.memory.usedExternal})
        for (const std::string &usr : *used) {
          auto d = definers.find(usr);
          if (d == definers.end()) continue;
          for (unsigned provider : d->second)
            if (provider != tu && candidates.count(provider) && !leaves.count(provider)) return true;
        }
      return false;
    };
    for (const auto &[tu, which] : candidates)
      if (leaves.count(tu) && waitsForProvider(tu)) waiting.insert(tu);
  }
  std::vector<Job> todo;
  for (const auto &[tu, which] : candidates) {
    if (waiting.count(tu)) deferred[tu] = which;
    else todo.push_back({tu, which});
  }
  return todo;
}

// Header functions that no TU's code reaches were analysed nowhere in the first round: each
// goes to the first TU (in database order) that includes it, which analyses them in the next
// round, apart from its own functions (TuAnalyses::ownedHeaders).
void assignUnreachedHeaderFunctions(const std::map<unsigned, TuOutcome> &latest,
                                    std::map<unsigned, std::set<uint64_t>> &owned, std::vector<Job> &todo) {
  std::set<uint64_t> analyzed;
  for (const auto &[tu, o] : latest) analyzed.insert(o.headerAnalyzed.begin(), o.headerAnalyzed.end());
  for (const auto &[tu, o] : latest)
    for (uint64_t key : o.headerSkipped)
      if (analyzed.insert(key).second) owned[tu].insert(key);
  for (const auto &[tu, keys] : owned) {
    auto job = std::find_if(todo.begin(), todo.end(), [&](const Job &j) { return j.tu == tu; });
    if (job == todo.end()) todo.push_back({tu, TuAnalyses{false, false, false, true}});
    else job->which.ownedHeaders = true;
  }
}

// Folders of scans that ended without removing theirs (killed, interrupted): the pid in the
// name is no longer running.
void removeAbandonedAstFolders(const std::filesystem::path &tmp) {
  std::error_code ec;
  for (const auto &entry : std::filesystem::directory_iterator(tmp, ec)) {
    std::string name = entry.path().filename().string();
    const std::string prefix = "mamori-asts-";
    if (name.rfind(prefix, 0) != 0 || !entry.is_directory(ec)) continue;
    long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) std::filesystem::remove_all(entry.path(), ec);
  }
}

// A private folder for kept ASTs, with a budget of opts.astStoreMiB (never more than a
// quarter of the free space) that each round shares between its workers. None for a single
// TU, which is analysed once, or for commands that read sources through a VFS overlay
// (`mamori fix` validating a patch): the AST's record of its inputs would not match the
// files on disk.
RoundSetup firstRoundSetup(const CompileDatabase &db, const ScanOptions &opts) {
  RoundSetup setup;
  if (opts.astStoreMiB == 0 || db.commands.size() < 2) return setup;
  for (const CompileCommand &c : db.commands)
    for (const std::string &a : c.arguments)
      if (a == "-ivfsoverlay") return setup;
  std::error_code ec;
  std::filesystem::path tmp = std::filesystem::temp_directory_path(ec);
  if (ec) return setup;
  removeAbandonedAstFolders(tmp);
  std::string templ = (tmp / ("mamori-asts-" + std::to_string(::getpid()) + "-XXXXXX")).string();
  if (!mkdtemp(templ.data())) return setup;
  unsigned long long budget = opts.astStoreMiB << 20;
  std::filesystem::space_info space = std::filesystem::space(templ, ec);
  if (!ec) budget = std::min<unsigned long long>(budget, space.available / 4);
  setup.dir = templ;
  setup.budget = budget;
  return setup;
}

}  // namespace

ScanReport scanDatabase(const CompileDatabase &db, const ScanOptions &opts) {
  const auto start = Clock::now();
  ScanReport report;
  report.rules = allRules();
  report.stats.translationUnits = static_cast<unsigned>(db.commands.size());
  TaintModels models = loadModels(opts);
  signal(SIGPIPE, SIG_IGN);

  // Round 1 analyzes every TU and collects summaries of its exported functions. A TU that
  // calls a function whose summary appeared or changed is analyzed again with it, so data
  // is followed across files (main.c's recv -> parser.c -> handlers.c's popen).
  constexpr unsigned kMaxRounds = 4;
  RoundSetup setup = firstRoundSetup(db, opts);
  setup.headersReachedOnly = db.commands.size() > 1;
  // Removes the kept ASTs however the scan ends (an exception included).
  struct RemoveFolder {
    std::string dir;
    ~RemoveFolder() {
      std::error_code ec;
      if (!dir.empty()) std::filesystem::remove_all(dir, ec);
    }
  } removeFolder{setup.dir};
  // Each analysis's section of the summaries, kept apart so that a change in one re-runs
  // only the analysis that reads it; `external` joins them as the analyses read them.
  // A function defined by several TUs (a unit test that includes the source file it tests,
  // `main` of every example program) takes its section from one owner: the first TU that
  // defines it in its own source file, or failing that, the first that gave one. Taking
  // each TU's in turn would flip the summary every round and re-run its callers for nothing.
  struct Section {
    unsigned tu = 0;
    bool included = false;  // defined in a file the owner includes
    std::string json;
  };
  std::map<std::string, Section> taintSections, memorySections;
  ExternalSummaries external;
  auto updateSections = [](unsigned tu, const CrossFileResult &part, std::map<std::string, Section> &sections,
                           std::set<std::string> &changed) {
    for (const auto &[usr, json] : part.summaries) {
      const bool included = part.definedInIncludedFiles.count(usr) != 0;
      auto [it, added] = sections.try_emplace(usr, Section{tu, included, json});
      Section &owner = it->second;
      if (!added) {
        const bool takeOver = owner.included && !included;
        if (owner.tu != tu && !takeOver) continue;
        if (owner.tu == tu && owner.json == json) continue;
        owner = Section{tu, included, json};
      }
      changed.insert(usr);
    }
  };
  std::map<unsigned, TuOutcome> latest;
  std::map<unsigned, TuAnalyses> deferred;  // analyses a TU owes, run once its providers settle
  std::vector<Job> todo;
  for (unsigned i = 0; i < db.commands.size(); ++i) todo.push_back({i, TuAnalyses{}});
  for (unsigned round = 0; round < kMaxRounds && !todo.empty(); ++round) {
    setup.write = round + 1 < kMaxRounds;
    setup.laterRound = round > 0;
    if (!setup.dir.empty()) setup.shareBudget(workersFor(opts, todo.size()));
    std::map<unsigned, TuOutcome> outcomes = runRound(db, todo, models, external, opts, setup, round);
    std::set<std::string> taintChanged, memoryChanged;
    for (const Job &job : todo) {
      auto found = outcomes.find(job.tu);
      if (found == outcomes.end()) continue;
      TuOutcome &o = found->second;
      // A later round that fails (a timeout, a crash) costs that round only: what the
      // earlier analysis found stands, with a warning.
      if (round > 0 && !o.analyzed) {
        TuOutcome &earlier = latest[job.tu];
        for (Diagnostic &d : o.diagnostics) {
          d.level = Diagnostic::Level::Warning;
          d.message = "cross-file round " + std::to_string(round + 1) + ": " + d.message +
                      " in that round; the findings of the round before are kept";
          earlier.diagnostics.push_back(std::move(d));
        }
        continue;
      }
      if (job.which.taint) updateSections(job.tu, o.taint, taintSections, taintChanged);
      if (job.which.memory) updateSections(job.tu, o.memory, memorySections, memoryChanged);
      if (round == 0) {
        latest[job.tu] = std::move(o);
        continue;
      }
      // A later round re-ran only some analyses; the others' results stand.
      TuOutcome &merged = latest[job.tu];
      if (job.which.taint) {
        merged.taint = std::move(o.taint);
        merged.functions = o.functions;
      }
      if (job.which.memory) merged.memory = std::move(o.memory);
      if (job.which.ownedHeaders) merged.headerFindings = std::move(o.headerFindings);
      for (Diagnostic &d : o.diagnostics) merged.diagnostics.push_back(std::move(d));
    }
    for (const std::set<std::string> *changed : {&taintChanged, &memoryChanged})
      for (const std::string &usr : *changed) {
        auto t = taintSections.find(usr);
        auto m = memorySections.find(usr);
        nlohmann::json j = nlohmann::json::object();
        if (t != taintSections.end()) j["taint"] = nlohmann::json::parse(t->second.json, nullptr, false);
        if (m != memorySections.end()) j["memory"] = nlohmann::json::parse(m->second.json, nullptr, false);
        external[usr] = j.dump();
      }
    todo = planNextRound(latest, taintChanged, memoryChanged, deferred, /*mayWait=*/round + 2 < kMaxRounds);
    if (round == 0) {
      assignUnreachedHeaderFunctions(latest, setup.ownedHeaderFunctions, todo);
      if (opts.verbose)
        for (const auto &[tu, keys] : setup.ownedHeaderFunctions)
          std::cerr << "mamori: " << db.commands[tu].file << " analyses " << keys.size()
                    << " header functions that no file's code reaches\n";
    }
    if (opts.verbose && !todo.empty() && round + 1 < kMaxRounds) {
      size_t taint = 0, memory = 0;
      for (const Job &job : todo) {
        taint += job.which.taint;
        memory += job.which.memory;
      }
      std::cerr << "mamori: cross-file round " << round + 2 << ": " << todo.size() << " translation units ("
                << taint << " for taint summaries, " << memory << " for memory summaries; " << deferred.size()
                << " wait for the files they call)\n";
    }
  }

  std::set<std::string> seen;
  for (auto &[tu, o] : latest) {
    if (o.analyzed) ++report.stats.analyzed;
    else ++report.stats.failed;
    report.stats.functions += o.functions;
    for (Diagnostic &d : o.diagnostics) report.diagnostics.push_back(std::move(d));
    std::vector<Finding> all = std::move(o.localFindings);
    all.insert(all.end(), std::make_move_iterator(o.headerFindings.begin()), std::make_move_iterator(o.headerFindings.end()));
    for (CrossFileResult *part : {&o.taint, &o.memory})
      all.insert(all.end(), std::make_move_iterator(part->findings.begin()), std::make_move_iterator(part->findings.end()));
    for (Finding &f : all) {
      // A function in a header, or a sink reached from several files, is reported once.
      std::string key = f.fingerprint + "@" + f.location.file + ":" + std::to_string(f.location.line) + ":" +
                        std::to_string(f.location.column) + ":" + f.ruleId;
      if (seen.insert(key).second) report.findings.push_back(std::move(f));
    }
  }
  std::sort(report.findings.begin(), report.findings.end(), [](const Finding &a, const Finding &b) {
    return std::tie(a.location, a.ruleId, a.cwe) < std::tie(b.location, b.ruleId, b.cwe);
  });
  mergeFindingsAtOneSink(report.findings);
  // Identical code in one function (two `free(p);` lines) gives identical fingerprints: the
  // second and later get their occurrence number mixed in, in source order, which stays
  // stable as long as the identical statements keep their relative order.
  std::map<std::string, unsigned> occurrences;
  for (Finding &f : report.findings) {
    unsigned n = occurrences[f.fingerprint]++;
    if (n > 0) f.fingerprint = stableHash(f.fingerprint + "#" + std::to_string(n));
  }
  report.stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

}  // namespace mamori
