#include "confirm/Confirm.h"

#include "confirm/Dictionary.h"
#include "confirm/Fuzzer.h"
#include "confirm/HarnessSynthesis.h"
#include "confirm/ProjectTests.h"
#include "confirm/SanitizerBuild.h"
#include "confirm/Triage.h"
#include "core/Fingerprint.h"

#include <cctype>
#include <chrono>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <sys/stat.h>

namespace fs = std::filesystem;

namespace mamori {

namespace {

double now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

void writeFile(const fs::path &p, const std::string &bytes) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << bytes;
}

// The canary the CWE-78 oracle looks for: running it leaves a marker for the process
// that called system()/popen().
void installCanary(const fs::path &oracleDir) {
  fs::path canary = oracleDir / "mamori_canary";
  writeFile(canary,
            "#!/bin/sh\n"
            "# Run only if a shell interpreted input as a command (mamori confirm, CWE-78 oracle).\n"
            ": > \"${MAMORI_ORACLE_DIR:-/tmp}/ran-${MAMORI_ORACLE_PID:-0}\"\n");
  chmod(canary.c_str(), 0755);
}

// The lines where an unsigned wrap, a narrowing truncation or a floating division by zero
// is a failure, for the oracle runtime: those of the findings such a report can prove.
// Anywhere else it is defined behaviour (a hash, a checksum, an infinity the program
// expects) and the program goes on.
void writeFindingLines(const fs::path &oracleDir, const std::vector<Finding> &findings) {
  auto provableBy = [](std::initializer_list<const char *> kinds) {
    std::set<unsigned> cwes;
    for (const char *kind : kinds) {
      SanitizerReport r;
      r.kind = kind;
      for (unsigned c : cwesProvenBy(r)) cwes.insert(c);
    }
    return cwes;
  };
  const std::set<unsigned> wraps = provableBy({"unsigned-integer-overflow", "implicit-conversion"});
  const std::set<unsigned> divisions = provableBy({"division-by-zero"});
  std::set<std::string> sites;
  for (const Finding &f : findings) {
    if (!f.location.valid()) continue;
    std::string at = f.location.file + ":" + std::to_string(f.location.line);
    if (wraps.count(f.cwe)) sites.insert(at + ":wrap");
    if (divisions.count(f.cwe)) sites.insert(at + ":division");
  }
  std::string text;
  for (const std::string &s : sites) text += s + "\n";
  writeFile(oracleDir / "finding-lines", text);
}

// The top frames of a report with debug information, for a proof.
std::vector<std::string> proofStack(const SanitizerReport &sr) {
  std::vector<std::string> out;
  for (const StackFrame &fr : sr.stack) {
    if (fr.file.empty()) continue;
    out.push_back(fr.function + " " + fr.file + ":" + std::to_string(fr.line));
    if (out.size() == 8) break;
  }
  return out;
}

// What one sanitizer report does to the report, wherever it came from (a fuzzing input or
// the project's tests): it confirms every finding it proves; if it proves none and was not
// seen before (`fresh`), it becomes a finding of its own. `proof(id, dynamicOnly)` makes the
// proof; `id` names it (the finding's fingerprint). `how` ends the verbose message;
// `foundBy` ("fuzzing", "the project's tests") starts a finding of its own.
using ProofMaker = std::function<Proof(const std::string &id, bool dynamicOnly)>;
void applyReport(const SanitizerReport &sr, const std::string &key, bool fresh, ScanReport &report,
                 ConfirmStats &stats, const ProofMaker &proof, bool verbose, const std::string &how,
                 const std::string &foundBy) {
  std::vector<size_t> proven = findingsProvenBy(sr, report.findings);
  for (size_t i : proven) {
    Finding &f = report.findings[i];
    if (f.status == FindingStatus::Confirmed) continue;
    f.status = FindingStatus::Confirmed;
    f.proof = proof(f.fingerprint, false);
    ++stats.confirmed;
    if (verbose)
      std::cerr << "mamori: confirmed " << f.location.file << ":" << f.location.line << " CWE-" << f.cwe << " ("
                << sr.describe() << ") " << how << "\n";
  }
  Finding d;
  if (proven.empty() && fresh && dynamicFinding(sr, report.projectRoot, foundBy, d)) {
    d.fingerprint = stableHash(key);
    d.proof = proof(d.fingerprint, true);
    report.findings.push_back(d);
    ++stats.dynamicOnly;
  }
}

// The findings a target can reach: those in the code it links; for a synthesized harness,
// which calls one function of one file, those whose sink or trace is in that file (it links
// the rest of the program too, but reaches it only from there). For the budget's sake, a
// finding in a function that another harness of the same file calls is left to that
// harness (`withSiblings` false): four harnesses of one file would otherwise all fuzz for
// every finding in it. The harness may still reach it (a helper it calls), so the corpus
// replays that come after fuzzing take it in (`withSiblings` true): the sibling may never
// have got budget.
std::string normal(const std::string &file) { return fs::path(file).lexically_normal().string(); }

std::set<size_t> findingsReachedBy(const FuzzTarget &t, const std::vector<Finding> &findings,
                                   bool withSiblings = false) {
  std::set<std::string> linked;
  for (const std::string &s : t.linkedSources) linked.insert(normal(s));
  std::string unit = t.unitFile.empty() ? "" : normal(t.unitFile);
  std::set<size_t> reached;
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding &f = findings[i];
    std::string file = normal(f.location.file);
    if (!linked.count(file)) continue;
    bool in = unit.empty() || file == unit;
    for (const TraceStep &step : f.trace) in |= !in && normal(step.location.file) == unit;
    if (in && !withSiblings && f.function != t.function && t.siblingFunctions.count(f.function)) in = false;
    if (in) reached.insert(i);
  }
  return reached;
}

size_t countUnconfirmed(const std::set<size_t> &which, const std::vector<Finding> &findings) {
  size_t n = 0;
  for (size_t i : which) n += findings[i].status != FindingStatus::Confirmed;
  return n;
}

// Everything needed while one target is fuzzed and its artifacts are triaged.
class TargetSession {
public:
  TargetSession(const FuzzTarget &t, ScanReport &report, const FuzzEnvironment &env, const fs::path &povDir,
                ConfirmStats &stats, double startedAt, bool verbose)
      : target_(t), report_(report), env_(env), povDir_(povDir), stats_(stats), startedAt_(startedAt),
        verbose_(verbose), candidates_(findingsReachedBy(t, report.findings)) {}

  const std::set<size_t> &candidates() const { return candidates_; }

  // Whether other targets still have findings to prove: then a target stops as soon as its
  // own are proven, and leaves them the budget.
  void setOthersWaiting(bool waiting) { othersWaiting_ = waiting; }

  // True when the target may stop: its findings are all proven and other targets wait.
  // Otherwise it fuzzes for its whole share: what it finds then is new (bugs the scan
  // missed), and a clean run of a harness is evidence too.
  bool allCandidatesConfirmed() const {
    return !candidates_.empty() && othersWaiting_ && countUnconfirmed(candidates_, report_.findings) == 0;
  }

  // Triage of artifacts not seen yet. Shallow bugs make libFuzzer keep hundreds of inputs
  // for the same report, and each replay costs a process start and symbolization, so at
  // most `maxReplays` are replayed now: leaks and rare prefixes first, then a sample in
  // name order (the names are content hashes, so that order is an unbiased shuffle).
  void triageNew(const fs::path &artifactDir, unsigned maxReplays, double sliceSeconds) {
    std::error_code ec;
    for (const auto &e : fs::directory_iterator(artifactDir, ec))
      if (e.is_regular_file() && seen_.insert(e.path().string()).second) pending_.push_back(e.path());
    std::stable_sort(pending_.begin(), pending_.end(), [](const fs::path &a, const fs::path &b) {
      auto rank = [](const fs::path &p) { return p.filename().string().rfind("crash-", 0) == 0 ? 1 : 0; };
      return rank(a) != rank(b) ? rank(a) < rank(b) : a < b;
    });
    unsigned replayed = 0;
    double until = now() + sliceSeconds;
    while (!pending_.empty() && replayed < maxReplays && replays_ < kMaxReplaysPerTarget && now() < until) {
      fs::path p = pending_.front();
      pending_.erase(pending_.begin());
      if (triage(p)) {
        ++replayed;
        ++replays_;
      }
    }
  }
  size_t pendingCount() const { return pending_.size(); }
  void markSeen(const fs::path &p) { seen_.insert(p.string()); }

  // Hangs and memory exhaustion are result classes: counted, the first input kept and told.
  void noteResource(bool hang, const fs::path &artifact) {
    unsigned &count = hang ? stats_.hangs : stats_.outOfMemory;
    if (++count == 1)
      diagnostics.push_back({Diagnostic::Level::Warning, target_.source,
                             std::string(hang ? "an input makes the target hang (over the per-input timeout)"
                                              : "an input makes the target exhaust its memory") +
                                 "; input kept at " + artifact.string()});
  }

  // The MemorySanitizer replay: a report counts only when it is an uninitialized read that
  // proves a finding. An input that overflows a buffer (proven under ASan) reads bytes MSan
  // takes for uninitialized, and those reports prove nothing of their own.
  void setUninitializedOnly() { uninitializedOnly_ = true; }

  std::vector<Diagnostic> diagnostics;

private:
  bool uninitializedOnly_ = false;
  const FuzzTarget &target_;
  ScanReport &report_;
  const FuzzEnvironment &env_;
  fs::path povDir_;
  ConfirmStats &stats_;
  double startedAt_;
  bool verbose_;
  bool othersWaiting_ = false;
  std::set<size_t> candidates_;
  std::set<std::string> seen_;
  std::vector<fs::path> pending_;
  std::set<std::string> signatures_;
  unsigned replays_ = 0;
  static constexpr unsigned kMaxReplaysPerTarget = 2000;
  std::set<std::string> reportKeys_;
  std::map<std::string, size_t> dynamicByKey_;

  // Returns whether the input was replayed.
  bool triage(const fs::path &artifact) {
    ++stats_.failingInputs;
    std::string name = artifact.filename().string();
    bool oom = name.rfind("oom-", 0) == 0;
    if (oom) {
      // An allocation over the limit names its size and stack: a finding. Running over the
      // RSS limit by accumulation is a resource class.
      ProcessResult r = replayInput(target_.binary, artifact.string(), env_);
      for (const SanitizerReport &sr : parseSanitizerOutput(r.output))
        if (sr.kind == "excessive-allocation") return triageReports({sr}, artifact), true;
    }
    if (name.rfind("timeout-", 0) == 0 || name.rfind("slow-unit-", 0) == 0 || oom) {
      noteResource(!oom, artifact);
      return false;
    }
    std::string signature = quickSignature(target_.binary, artifact.string(), env_);
    if (signature.empty() || !signatures_.insert(signature).second) return true;  // passes now, or a known bug
    // From now on the fuzzer may go on past this bug.
    if (signature.rfind("sig:", 0) == 0) std::ofstream(env_.knownSignaturesFile(), std::ios::app) << signature.substr(4) << "\n";
    ProcessResult r = replayInput(target_.binary, artifact.string(), env_);
    std::vector<SanitizerReport> reports = parseSanitizerOutput(r.output);
    for (const SanitizerReport &sr : reports)
      if (sr.isResourceExhaustion()) noteResource(sr.kind == "timeout", artifact);
    triageReports(reports, artifact);
    return true;
  }


  void triageReports(const std::vector<SanitizerReport> &reports, const fs::path &artifact) {
    for (const SanitizerReport &sr : reports) {
      if (sr.isResourceExhaustion()) continue;
      if (uninitializedOnly_ && (sr.kind != "use-of-uninitialized-value" || findingsProvenBy(sr, report_.findings).empty()))
        continue;
      std::string key = deduplicationKey(sr, report_.projectRoot);
      bool fresh = reportKeys_.insert(key).second;
      if (fresh) ++stats_.distinctReports;
      applyReport(sr, key, fresh, report_, stats_,
                  [&](const std::string &id, bool dynamicOnly) { return makeProof(sr, artifact, id, dynamicOnly); },
                  verbose_, "after " + std::to_string(static_cast<int>(now() - startedAt_)) + " s", "fuzzing");
    }
  }

  Proof makeProof(const SanitizerReport &sr, const fs::path &artifact, const std::string &id, bool dynamicOnly) {
    Proof p;
    p.kind = sr.describe();
    p.entryPoint = target_.name + " (" + target_.source + ")";
    p.dynamicOnly = dynamicOnly;
    fs::path pov = povDir_ / (target_.name + "-" + (id.empty() ? stableHash(artifact.string()) : id.substr(0, 16)) + ".pov");
    std::error_code ec;
    fs::copy_file(artifact, pov, fs::copy_options::overwrite_existing, ec);
    p.input = pov.string();
    p.reproduce = env_.commandPrefix() + " " + shellQuote(target_.binary) + " " + shellQuote(p.input);
    p.stack = proofStack(sr);
    return p;
  }
};

// Smaller proofs are easier to read and to turn into regression tests; a minimized input
// is kept only if it still proves the same finding.
void minimizeProofs(ScanReport &report, const std::vector<FuzzTarget> &targets, const FuzzEnvironment &env,
                    double seconds) {
  double until = now() + seconds;
  for (Finding &f : report.findings) {
    if (now() > until) break;
    if (!f.proof || f.proof->input.empty()) continue;
    if (f.proof->kind.rfind("MemorySanitizer", 0) == 0) continue;  // its binary is not among `targets`
    const FuzzTarget *t = nullptr;
    for (const FuzzTarget &c : targets)
      if (f.proof->entryPoint.rfind(c.name + " (", 0) == 0) t = &c;
    if (!t) continue;
    std::string smaller = f.proof->input + ".min";
    if (fs::file_size(f.proof->input) <= 64 || !minimizeInput(t->binary, f.proof->input, smaller, env, 2)) continue;
    std::vector<SanitizerReport> again = parseSanitizerOutput(replayInput(t->binary, smaller, env).output);
    bool stillProves = false;
    for (const SanitizerReport &sr : again) {
      if (f.proof->dynamicOnly) stillProves |= sr.describe() == f.proof->kind;
      else {
        std::vector<Finding> one = {f};
        one[0].proof.reset();
        stillProves |= !findingsProvenBy(sr, one).empty();
      }
    }
    std::error_code ec;
    if (stillProves && fs::file_size(smaller, ec) < fs::file_size(f.proof->input, ec)) fs::rename(smaller, f.proof->input, ec);
    else fs::remove(smaller, ec);
  }
}

std::string commonFolder(const CompileDatabase &db) {
  std::optional<fs::path> common;
  for (const CompileCommand &c : db.commands) {
    fs::path dir = fs::path(c.file).lexically_normal().parent_path();
    if (!common) {
      common = dir;
      continue;
    }
    fs::path shared;
    auto a = common->begin(), b = dir.begin();
    for (; a != common->end() && b != dir.end() && *a == *b; ++a, ++b) shared /= *a;
    common = shared;
  }
  return common ? common->string() : "";
}

// Findings seen only dynamically have rules of their own (one per report kind), so that
// SARIF consumers can show them like any other.
void addDynamicRules(ScanReport &report) {
  std::set<std::string> known;
  for (const RuleInfo &r : report.rules) known.insert(r.id);
  for (const Finding &f : report.findings) {
    if (!f.proof || !f.proof->dynamicOnly || known.count(f.ruleId)) continue;
    known.insert(f.ruleId);
    RuleInfo r;
    r.id = f.ruleId;
    std::string kind = f.ruleId.substr(f.ruleId.rfind('.') + 1);
    r.name = "Dynamic";
    for (size_t i = 0; i < kind.size(); ++i)
      if (kind[i] != '-') r.name += (i == 0 || kind[i - 1] == '-') ? static_cast<char>(std::toupper(kind[i])) : kind[i];
    r.cwe = f.cwe;
    r.severity = f.severity;
    r.securitySeverity = f.severity == Severity::Error ? 8.0 : 5.0;
    r.shortDescription = "Found by fuzzing under the sanitizers: " + kind;
    r.fullDescription = "A sanitizer or one of mamori's oracles reported " + kind +
                        " while fuzzing or running the project's tests, at a place no static rule reported.";
    r.help = "Replay the proof with the reproduce command, read the stack, and fix the first bad access or "
             "operation it shows.";
    report.rules.push_back(r);
  }
}

// The project's tests under the sanitizers: each report in their output is triaged like a
// fuzzing crash, with the test command as the proof.
void confirmWithTests(const ConfirmOptions &opts, const std::string &projectDir, const fs::path &work,
                      const FuzzEnvironment &env, ScanReport &report, ConfirmStats &stats) {
  ProjectTestOptions po;
  po.projectDir = projectDir;
  po.workDir = work.string();
  po.testCommand = opts.testCommand;
  po.buildCommand = opts.testBuildCommand;
  po.oracleObject = (work / "oracle" / "oracle.o").string();
  po.jobs = opts.jobs;
  po.timeoutSeconds = opts.testTimeoutSeconds;
  if (opts.verbose) std::cerr << "mamori: building the project with the sanitizers to run: " << opts.testCommand << "\n";
  ProjectTestRun run = runProjectTests(po, env);
  if (!run.error.empty()) report.diagnostics.push_back({Diagnostic::Level::Error, projectDir, run.error});
  std::set<std::string> keys;
  for (const SanitizerReport &sr : run.reports) {
    if (sr.isResourceExhaustion()) continue;
    std::string key = deduplicationKey(sr, report.projectRoot);
    bool fresh = keys.insert(key).second;
    if (fresh) ++stats.distinctReports;
    applyReport(sr, key, fresh, report, stats,
                [&](const std::string &, bool dynamicOnly) {
                  Proof p;
                  p.kind = sr.describe();
                  p.entryPoint = "test command: " + opts.testCommand;
                  p.reproduce = run.reproduce;
                  p.stack = proofStack(sr);
                  p.dynamicOnly = dynamicOnly;
                  return p;
                },
                opts.verbose, "by the test command", "the project's tests");
  }
}

// How the project is built for confirm, from its options. Fuzz targets outside the database
// are looked for where its sources are: under their common folder (the project folder given
// with -p alone may be any working directory).
SanitizerBuildOptions buildOptions(const CompileDatabase &db, const ConfirmOptions &opts, const fs::path &work) {
  SanitizerBuildOptions bo;
  bo.projectRoot = opts.searchRoot.empty() ? commonFolder(db) : opts.searchRoot;
  bo.workDir = work.string();
  bo.extraTargets = opts.fuzzTargets;
  bo.linkFlags = opts.linkFlags;
  bo.jobs = opts.jobs;
  bo.verbose = opts.verbose;
  return bo;
}

// Reads of uninitialized memory (CWE-457 and kin) do not fault and ASan cannot see them.
// After fuzzing, each C target that reaches such a finding not proven yet is built again
// with MemorySanitizer (one build for all of them), and the inputs fuzzing kept for it (its
// corpus, seeds included) are replayed on that build; a report is
// triaged like any other, through the same target's session. C++ targets are left out:
// the C++ library here is not built with MSan, and MSan would report its every copy.
bool isUninitializedRead(unsigned cwe) { return cwe == 457 || cwe == 908 || cwe == 909 || cwe == 824; }

bool uninitializedReadUnproven(const std::set<size_t> &which, const std::vector<Finding> &findings) {
  for (size_t i : which)
    if (isUninitializedRead(findings[i].cwe) && findings[i].status != FindingStatus::Confirmed) return true;
  return false;
}

void replayUnderMemorySanitizer(const CompileDatabase &db, const SanitizerBuildOptions &base,
                                const std::vector<FuzzTarget> &targets, const fs::path &work, ScanReport &report,
                                const FuzzEnvironment &env, const fs::path &povDir, ConfirmStats &stats, double started,
                                double seconds, bool verbose) {
  std::vector<const FuzzTarget *> wanted;
  std::set<std::string> sources;
  for (const FuzzTarget &t : targets) {
    bool allC = true;
    for (const std::string &s : t.linkedSources) allC &= fs::path(s).extension() == ".c";
    if (!allC || !uninitializedReadUnproven(findingsReachedBy(t, report.findings, /*withSiblings=*/true),
                                            report.findings))
      continue;
    wanted.push_back(&t);
    for (const std::string &s : t.linkedSources) sources.insert(normal(s));
  }
  if (wanted.empty()) return;
  if (!base.linkFlags.empty()) {
    // Libraries from outside the database are not built with MSan: their every write would
    // look uninitialized to it.
    report.diagnostics.push_back({Diagnostic::Level::Note, report.projectRoot,
                                  "uninitialized reads are not replayed under MemorySanitizer: the targets link "
                                  "libraries (--link-flag) that are not built with it"});
    return;
  }
  SanitizerBuildOptions mo = base;
  mo.flavour = SanitizerFlavour::Memory;
  mo.workDir = (work / "msan").string();
  mo.projectRoot.clear();
  mo.extraTargets.clear();
  mo.harnesses.clear();
  CompileDatabase only;
  only.path = db.path;
  std::set<std::string> inOnly;
  for (const CompileCommand &c : db.commands)
    if (sources.count(normal(c.file))) {
      only.commands.push_back(c);
      inOnly.insert(normal(c.file));
    }
  for (const FuzzTarget *t : wanted) {
    if (t->synthesized) {
      for (const SynthesizedHarness &h : base.harnesses)
        if (normal(h.command.file) == normal(t->source)) mo.harnesses.push_back(h);
    } else if (!inOnly.count(normal(t->source))) {
      mo.extraTargets.push_back(t->source);
    }
  }
  if (verbose)
    std::cerr << "mamori: [" << static_cast<int>(now() - started) << " s] building " << wanted.size()
              << " target(s) with MemorySanitizer for their uninitialized reads\n";
  std::vector<Diagnostic> buildDiags;
  SanitizerBuild msan = buildWithSanitizers(only, mo, buildDiags);
  double until = now() + seconds;
  for (const FuzzTarget *t : wanted) {
    const FuzzTarget *built = nullptr;
    for (const FuzzTarget &m : msan.targets)
      if (normal(m.source) == normal(t->source)) built = &m;
    if (!built) {
      std::string why = buildDiags.empty() ? std::string("it did not link") : buildDiags.front().message.substr(0, 300);
      report.diagnostics.push_back({Diagnostic::Level::Note, t->source,
                                    "not built with MemorySanitizer, so its uninitialized reads stay suspected: " + why});
      continue;
    }
    // The same target (its name, so that a proof names the harness), on the MSan binary.
    FuzzTarget m = *t;
    m.binary = built->binary;
    FuzzEnvironment targetEnv = env;
    TargetSession session(m, report, targetEnv, povDir, stats, started, verbose);
    session.setUninitializedOnly();
    fs::path found = work / "msan" / "failing" / t->name;
    std::error_code ec;
    fs::create_directories(found);
    // The corpus only: an input that fails under ASan (an overflow) reads bytes MSan would
    // call uninitialized, on the very line of an uninitialized-read finding perhaps.
    std::vector<std::string> inputs;
    for (const auto &e : fs::directory_iterator(work / "corpus" / t->name, ec))
      if (e.is_regular_file() && inputs.size() < 4000) inputs.push_back(e.path().string());
    std::sort(inputs.begin(), inputs.end());
    failingInputs(m.binary, inputs, targetEnv, /*suppressKnown=*/false, [&](const std::string &bad, const std::string &) {
      fs::copy_file(bad, found / fs::path(bad).filename(), fs::copy_options::overwrite_existing, ec);
      session.triageNew(found, 4, 20);
      return uninitializedReadUnproven(session.candidates(), report.findings) && now() < until;
    }, std::max(1.0, until - now()));
  }
}

}  // namespace

ConfirmStats confirmFindings(const CompileDatabase &db, ScanReport &report, const ConfirmOptions &opts) {
  ConfirmStats stats;
  double started = now();
  fs::path work = fs::absolute(opts.workDir);
  fs::create_directories(work);
  fs::path oracleDir = work / "oracle", povDir = work / "pov", runDir = work / "run";
  fs::create_directories(oracleDir);
  fs::create_directories(povDir);
  fs::create_directories(runDir);
  installCanary(oracleDir);
  writeFindingLines(oracleDir, report.findings);
  fs::remove(oracleDir / "known");

  SanitizerBuildOptions bo = buildOptions(db, opts, work);
  if (opts.synthesizeHarnesses || !opts.harnessFunctions.empty()) {
    std::vector<Finding> onTraces;
    if (opts.synthesizeHarnesses) onTraces = report.findings;
    bo.harnesses = synthesizeHarnesses(db, onTraces, opts.harnessFunctions, (work / "harness").string(), report.diagnostics);
    if (opts.verbose) std::cerr << "mamori: " << bo.harnesses.size() << " harness(es) synthesized\n";
  }
  if (opts.verbose) std::cerr << "mamori: building " << db.commands.size() << " translation units with ASan + UBSan\n";
  SanitizerBuild build = buildWithSanitizers(db, bo, report.diagnostics);
  stats.fuzzTargets = static_cast<unsigned>(build.targets.size());
  FuzzEnvironment env;
  env.workDir = runDir.string();
  env.oracleDir = oracleDir.string();
  env.memoryMiB = opts.targetMemoryMiB;
  env.inputTimeoutSeconds = opts.inputTimeoutSeconds;
  if (!opts.testCommand.empty()) confirmWithTests(opts, opts.projectDir, work, env, report, stats);
  if (build.targets.empty() && !opts.testCommand.empty()) {
    addDynamicRules(report);
    stats.seconds = now() - started;
    return stats;
  }
  if (build.targets.empty()) {
    report.diagnostics.push_back(
        {Diagnostic::Level::Warning, report.projectRoot,
         "no fuzz target to run: confirm needs a libFuzzer entry point (a file defining LLVMFuzzerTestOneInput, "
         "found in the project or given with --fuzz-target) or --synthesize-harness; the findings stay suspected"});
    stats.seconds = now() - started;
    return stats;
  }

  // The budget is shared: the target whose code holds the most findings not proven yet goes
  // next (so the entry points of proven findings wait for the rest), each gets an equal
  // share of what is left (at least 5 s), and targets the budget does not reach are named
  // in a note.
  // Each target with the findings it reaches, worked out once; what is proven changes.
  std::vector<std::pair<const FuzzTarget *, std::set<size_t>>> waiting;
  for (const FuzzTarget &t : build.targets) waiting.push_back({&t, findingsReachedBy(t, report.findings)});
  const double fuzzDeadline = now() + opts.budgetSeconds;
  while (!waiting.empty()) {
    size_t pick = 0, most = 0;
    std::vector<size_t> unconfirmed;
    for (size_t r = 0; r < waiting.size(); ++r) {
      unconfirmed.push_back(countUnconfirmed(waiting[r].second, report.findings));
      if (unconfirmed[r] > most) most = unconfirmed[r], pick = r;
    }
    const FuzzTarget &t = *waiting[pick].first;
    bool othersWaiting = false;
    for (size_t r = 0; r < waiting.size(); ++r) othersWaiting |= r != pick && unconfirmed[r] > 0;
    double left = fuzzDeadline - now();
    if (left < 3) {
      std::string skipped;
      for (size_t r = 0; r < waiting.size(); ++r) skipped += (r ? ", " : "") + waiting[r].first->name;
      report.diagnostics.push_back({Diagnostic::Level::Note, report.projectRoot,
                                    "the fuzzing budget ran out before these targets: " + skipped +
                                        " (raise --budget)"});
      break;
    }
    unsigned perTarget = std::max(5u, static_cast<unsigned>(left / static_cast<double>(waiting.size())));
    waiting.erase(waiting.begin() + static_cast<long>(pick));
    FuzzEnvironment targetEnv = env;
    fs::create_directories(work / "known");
    targetEnv.knownFile = (work / "known" / t.name).string();
    fs::remove(targetEnv.knownFile);
    TargetSession session(t, report, targetEnv, povDir, stats, started, opts.verbose);
    session.setOthersWaiting(othersWaiting);
    fs::path corpus = work / "corpus" / t.name, artifacts = work / "crashes" / t.name, dict = work / "dict" / (t.name + ".dict");
    std::error_code ec;
    fs::remove_all(artifacts, ec);
    fs::create_directories(corpus);
    fs::create_directories(artifacts);
    fs::create_directories(dict.parent_path());

    std::vector<const Finding *> targeted;
    for (size_t i : session.candidates()) targeted.push_back(&report.findings[i]);
    FuzzHints hints = hintsFromFindings(targeted);
    {
      // The findings' constants first; then those of the rest of the code the target links.
      std::set<std::string> have(hints.tokens.begin(), hints.tokens.end());
      for (const std::string &t : constantsOfSources(t.linkedSources, 400))
        if (have.insert(t).second) hints.tokens.push_back(t);
    }
    writeFile(dict, renderDictionary(hints.tokens));
    std::vector<std::string> userSeeds;
    for (const std::string &d : opts.seedDirs)
      for (const auto &e : fs::directory_iterator(d, ec))
        if (e.is_regular_file() && e.file_size(ec) <= (1u << 20)) {
          std::ifstream in(e.path(), std::ios::binary);
          std::stringstream ss;
          ss << in.rdbuf();
          userSeeds.push_back(ss.str());
        }
    std::vector<std::string> seeds = userSeeds;
    seeds.insert(seeds.end(), hints.seeds.begin(), hints.seeds.end());
    std::vector<std::string> variants = injectionSeeds(userSeeds, hints.tokens, 200);
    std::vector<std::string> substituted = substitutionSeeds(userSeeds, hints.tokens, 1500);
    variants.insert(variants.end(), substituted.begin(), substituted.end());
    seeds.insert(seeds.end(), variants.begin(), variants.end());
    std::vector<std::string> seedFiles;
    for (size_t i = 0; i < seeds.size(); ++i) {
      fs::path p = corpus / ("seed-" + std::to_string(i));
      writeFile(p, seeds[i]);
      seedFiles.push_back(p.string());
    }

    // Seeds that fail already are proofs in their own right, and would kill every
    // fork-mode job at its start. Each is triaged at once (its bug becomes known, so the
    // next seeds with the same bug pass) and goes back into the corpus if it passes then.
    // Code that fails on every input (nothing to explore) stops this after a few seeds
    // that teach nothing new.
    unsigned nothingNew = 0;
    const double seedsStarted = now();
    failingInputs(t.binary, seedFiles, targetEnv, /*suppressKnown=*/true, [&](const std::string &bad, const std::string &output) {
      fs::path moved = artifacts / fs::path(bad).filename();
      fs::rename(bad, moved, ec);
      // A hang or exhaustion is told by the run itself: replaying it would cost as much again.
      for (const SanitizerReport &sr : parseSanitizerOutput(output))
        if (sr.isResourceExhaustion()) {
          session.noteResource(sr.kind == "timeout", moved);
          session.markSeen(moved);
          return ++nothingNew < 4;
        }
      unsigned before = stats.distinctReports;
      session.triageNew(artifacts, 8, 30);
      if (failingInputs(t.binary, {moved.string()}, targetEnv, true).empty())
        fs::copy_file(moved, bad, fs::copy_options::overwrite_existing, ec);
      nothingNew = stats.distinctReports > before ? 0 : nothingNew + 1;
      return nothingNew < 4;
    }, /*wallSeconds=*/perTarget);
    if (opts.verbose)
      std::cerr << "mamori: [" << static_cast<int>(now() - started) << " s] " << seeds.size() << " seeds ("
                << variants.size() << " derived from the findings' constants)\n";
    if (session.allCandidatesConfirmed()) {
      // The seeds proved everything in its code; others still wait for the budget.
      if (opts.verbose)
        std::cerr << "mamori: [" << static_cast<int>(now() - started) << " s] " << t.name
                  << ": its findings are proven by the seeds; the budget goes to the other targets\n";
      report.diagnostics.insert(report.diagnostics.end(), session.diagnostics.begin(), session.diagnostics.end());
      continue;
    }

    // The seeds' time comes out of the target's share (slow seeds would otherwise double it).
    unsigned fuzzSeconds = static_cast<unsigned>(std::max(3.0, perTarget - (now() - seedsStarted)));
    if (opts.verbose)
      std::cerr << "mamori: [" << static_cast<int>(now() - started) << " s] fuzzing " << t.name << " for up to " << fuzzSeconds << " s (" << session.candidates().size()
                << " findings in its code)\n";
    FuzzRun run{t.binary, corpus.string(), artifacts.string(), dict.string(), fuzzSeconds, std::max(1u, opts.jobs)};
    double lastPoll = 0;
    const double fuzzEnds = now() + fuzzSeconds + 0.5;
    ProcessResult fr = runFuzzer(run, targetEnv, [&] {
      // Fork mode lets its running jobs finish after -max_total_time (its k-th job may run
      // k seconds), which overran every target's share by 2-3 s and left the last targets
      // of a budget unrun; the share is held here. Crashes are on disk as they happen.
      if (now() >= fuzzEnds) return false;
      if (now() - lastPoll < 1.0) return true;
      lastPoll = now();
      session.triageNew(artifacts, 40, 1.5);
      return !session.allCandidatesConfirmed();
    });
    if (opts.verbose) std::cerr << "mamori: [" << static_cast<int>(now() - started) << " s] triage of the last inputs\n";
    session.triageNew(artifacts, 400, std::min(30.0, std::max(5.0, perTarget * 0.5)));
    if (!fr.launchError.empty())
      report.diagnostics.push_back({Diagnostic::Level::Error, t.binary, fr.launchError});
    report.diagnostics.insert(report.diagnostics.end(), session.diagnostics.begin(), session.diagnostics.end());
  }
  replayUnderMemorySanitizer(db, bo, build.targets, work, report, env, povDir, stats, started,
                             std::max(20.0, opts.budgetSeconds * 0.15), opts.verbose);
  addDynamicRules(report);
  if (opts.verbose) std::cerr << "mamori: fuzzing done after " << static_cast<int>(now() - started) << " s; minimizing proofs\n";
  minimizeProofs(report, build.targets, env, std::max(10.0, opts.budgetSeconds * 0.1));
  stats.seconds = now() - started;
  return stats;
}

ProofReplay replayProof(const CompileDatabase &db, const Finding &finding, const ConfirmOptions &opts,
                        const std::string &workDir) {
  ProofReplay out;
  if (!finding.proof || finding.proof->input.empty()) {
    out.error = "the proof is a test command; the tests stage replays it";
    return out;
  }
  const std::string &entry = finding.proof->entryPoint;
  std::string target = entry.substr(0, entry.find(" ("));
  fs::path work = fs::absolute(workDir);
  std::error_code ec;
  fs::remove_all(work, ec);
  fs::create_directories(work / "oracle");
  fs::create_directories(work / "run");
  installCanary(work / "oracle");
  writeFindingLines(work / "oracle", {finding});

  SanitizerBuildOptions bo = buildOptions(db, opts, work);
  bo.verbose = false;
  if (finding.proof->kind.rfind("MemorySanitizer", 0) == 0) bo.flavour = SanitizerFlavour::Memory;
  std::vector<Diagnostic> diags;
  if (target.rfind("harness-", 0) == 0) {
    // The same harness the proof ran through, written again for this finding.
    std::vector<SynthesizedHarness> hs =
        synthesizeHarnesses(db, {finding}, opts.harnessFunctions, (work / "harness").string(), diags);
    for (const SynthesizedHarness &h : hs)
      if (h.name == target) bo.harnesses.push_back(h);
  }
  SanitizerBuild build = buildWithSanitizers(db, bo, diags);
  const FuzzTarget *t = nullptr;
  for (const FuzzTarget &ft : build.targets)
    if (ft.name == target) t = &ft;
  if (!t) {
    out.error = "the entry point " + target + " could not be rebuilt";
    for (const Diagnostic &d : diags)
      if (d.level == Diagnostic::Level::Error) {
        out.error += ": " + d.file + ": " + d.message.substr(0, 300);
        break;
      }
    return out;
  }
  FuzzEnvironment env;
  env.workDir = (work / "run").string();
  env.oracleDir = (work / "oracle").string();
  env.memoryMiB = opts.targetMemoryMiB;
  env.inputTimeoutSeconds = opts.inputTimeoutSeconds;
  ProcessResult r = replayInput(t->binary, finding.proof->input, env);
  out.ran = true;
  std::vector<SanitizerReport> reports = parseSanitizerOutput(r.output);
  if (!reports.empty()) {
    out.reproduces = true;
    out.report = reports.front().describe();
  } else if (r.timedOut) {
    out.reproduces = true;
    out.report = "the input now hangs";
  } else if (r.signal != 0) {
    out.reproduces = true;
    out.report = "the input now ends the program with signal " + std::to_string(r.signal);
  }
  return out;
}

}  // namespace mamori
