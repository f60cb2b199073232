#include "repair/Validation.h"

#include "confirm/ProjectTests.h"
#include "frontend/TuParser.h"
#include "support/Process.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace mamori {

namespace {

std::string yamlQuote(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The first line of the compiler's output that reports an error.
std::string firstError(const std::string &output) {
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line))
    if (line.find("error:") != std::string::npos) return line;
  return output.substr(0, 300);
}

ValidationStage stage(const std::string &name, ValidationStage::Result r, const std::string &detail = "") {
  ValidationStage s;
  s.name = name;
  s.result = r;
  s.detail = detail;
  return s;
}

}  // namespace

Validator::Validator(const CompileDatabase &db, const ScanReport &report, const FixOptions &opts)
    : db_(db), report_(report), opts_(opts) {}

std::string Validator::writeOverlay(const std::string &file, const std::string &text) {
  fs::path dir = fs::path(opts_.workDir) / "patched" / std::to_string(++overlays_);
  std::error_code ec;
  fs::create_directories(dir, ec);
  fs::path copy = dir / fs::path(file).filename();
  std::ofstream(copy, std::ios::binary | std::ios::trunc) << text;
  fs::path yaml = dir / "overlay.yaml";
  std::ofstream y(yaml, std::ios::trunc);
  y << "{ 'version': 0, 'use-external-names': false, 'roots': [ { 'type': 'file', 'name': " << yamlQuote(file)
    << ", 'external-contents': " << yamlQuote(copy.string()) << " } ] }\n";
  return yaml.string();
}

std::vector<CompileCommand> Validator::commandsFor(const std::string &file, const std::string &overlay,
                                                   bool onlyFile) const {
  std::vector<CompileCommand> out;
  for (const CompileCommand &c : db_.commands) {
    if (onlyFile && c.file != file) continue;
    out.push_back(c);
    if (!overlay.empty() && !c.arguments.empty())
      out.back().arguments.insert(out.back().arguments.begin() + 1, {"-ivfsoverlay", overlay});
  }
  return out;
}

bool Validator::runCompile(const CompileCommand &cmd, const std::string &overlay, std::string &error) {
  std::vector<std::string> argv = adjustedArguments(cmd);
  bool cpp = !cmd.arguments.empty() && cmd.arguments[0].find("++") != std::string::npos;
  argv[0] = cpp ? "clang++-19" : "clang-19";
  if (!overlay.empty()) argv.insert(argv.end() - 1, {"-ivfsoverlay", overlay});
  SandboxLimits limits;
  limits.timeoutSeconds = 300;
  ProcessResult r = runSandboxed(argv, cmd.directory, limits);
  if (r.ok()) return true;
  error = !r.launchError.empty() ? r.launchError : r.timedOut ? "the compiler timed out" : firstError(r.output);
  return false;
}

bool Validator::compilesUnpatched(const CompileCommand &cmd, std::string &error) { return runCompile(cmd, "", error); }

bool Validator::compiles(const CompileCommand &cmd, const std::string &file, const std::string &text, std::string &error) {
  return runCompile(cmd, writeOverlay(file, text), error);
}

Validator::Rescan Validator::rescan(const std::vector<CompileCommand> &cmds) const {
  CompileDatabase subset;
  subset.path = db_.path;
  subset.commands = cmds;
  ScanOptions so = opts_.scan;
  so.verbose = false;
  ScanReport r = scanDatabase(subset, so);
  Rescan out;
  out.complete = r.stats.failed == 0;
  for (const Finding &f : r.findings) out.fingerprints.insert(f.fingerprint);
  out.findings = std::move(r.findings);
  return out;
}

ValidationStage Validator::rescanStage(const std::string &file, const std::string &overlay, const Finding &finding) {
  if (!baseline_.count(file)) baseline_[file] = rescan(commandsFor(file, ""));
  const Rescan *base = &baseline_[file];
  bool whole = false;
  // A finding that needs other translation units' summaries shows only in a whole rescan.
  if (!base->fingerprints.count(finding.fingerprint)) {
    if (!baseline_.count("")) baseline_[""] = rescan(db_.commands);
    base = &baseline_[""];
    whole = true;
  }
  Rescan now = rescan(commandsFor(file, overlay, !whole));
  if (!now.complete) return stage("rescan", ValidationStage::Result::Failed, "the patched file could not be analyzed");
  if (now.fingerprints.count(finding.fingerprint))
    return stage("rescan", ValidationStage::Result::Failed, "the finding is still reported");
  // New: a fingerprint the unpatched code did not have, in a function that now has more
  // findings of that rule than before. The second test keeps an old finding whose identity
  // a patch changed (a leak whose malloc became calloc) from counting as new.
  std::map<std::pair<std::string, std::string>, int> perFunction;
  for (const Finding &f : now.findings) ++perFunction[{f.ruleId, f.function}];
  for (const Finding &f : base->findings) --perFunction[{f.ruleId, f.function}];
  std::string added;
  for (const Finding &f : now.findings) {
    if (now.fingerprints.count(f.fingerprint) <= base->fingerprints.count(f.fingerprint)) continue;
    if (perFunction[{f.ruleId, f.function}] <= 0) continue;
    if (!added.empty()) added += "; ";
    added += "CWE-" + std::to_string(f.cwe) + " at line " + std::to_string(f.location.line) + ": " + f.message;
  }
  if (!added.empty()) return stage("rescan", ValidationStage::Result::Failed, "new finding: " + added);
  return stage("rescan", ValidationStage::Result::Passed);
}

ValidationStage Validator::testsStage(const std::string &overlay) {
  // One run of the tests; `failure` names how they failed ("" when they passed).
  auto run = [&](const std::string &flags, const std::string &dir, std::string &failure) {
    ProjectTestOptions po;
    po.projectDir = opts_.projectDir;
    po.workDir = (fs::path(opts_.workDir) / dir).string();
    po.testCommand = opts_.testCommand;
    po.buildCommand = opts_.testBuildCommand;
    po.extraFlags = flags;
    po.jobs = opts_.scan.jobs ? opts_.scan.jobs : 1;
    po.timeoutSeconds = opts_.testTimeoutSeconds;
    FuzzEnvironment env;
    env.workDir = po.workDir;
    env.oracleDir = (fs::path(opts_.workDir) / "oracle").string();
    env.memoryMiB = opts_.targetMemoryMiB;
    ProjectTestRun r = runProjectTests(po, env);
    if (!r.error.empty()) return failure = r.error, false;
    if (!r.reports.empty()) {
      failure = "the tests report";
      for (const SanitizerReport &sr : r.reports) failure += " " + sr.describe() + ";";
      return false;
    }
    if (!r.result.ok()) {
      std::string out = r.result.output;
      failure = "the test command failed (exit " + std::to_string(r.result.exitCode) + "): " +
                (out.size() > 400 ? out.substr(out.size() - 400) : out);
      return false;
    }
    failure.clear();
    return true;
  };
  if (baselineTests_ < 0) baselineTests_ = run("", "tests-unpatched", baselineTestsDetail_) ? 1 : 0;
  std::string failure;
  if (run("-ivfsoverlay " + overlay, "tests-patched", failure))
    return stage("tests", ValidationStage::Result::Passed, baselineTests_ ? "" : "the tests pass now; they failed before the patch");
  // Tests that already failed the same way before the patch say nothing against it (the
  // failure is often the very bug of another finding).
  if (!baselineTests_ && failure == baselineTestsDetail_)
    return stage("tests", ValidationStage::Result::Passed, "the tests fail as they did before the patch: " + failure);
  return stage("tests", ValidationStage::Result::Failed, failure);
}

size_t Validator::validate(const CompileCommand &cmd, const std::string &file, const Finding &finding,
                           const std::string &patched, Fix &fx) {
  std::string overlay = writeOverlay(file, patched);
  size_t passed = 0;
  auto finish = [&](ValidationStage s) {
    fx.stages.push_back(s);
    if (s.result == ValidationStage::Result::Failed && fx.failedStage.empty()) fx.failedStage = s.name;
    if (s.result == ValidationStage::Result::Passed) ++passed;
    return s.result != ValidationStage::Result::Failed;
  };
  std::string error;
  if (!finish(runCompile(cmd, overlay, error) ? stage("compile", ValidationStage::Result::Passed)
                                              : stage("compile", ValidationStage::Result::Failed, error)))
    return passed;
  if (!finish(rescanStage(cmd.file, overlay, finding))) return passed;
  if (finding.status != FindingStatus::Confirmed || !finding.proof) {
    finish(stage("proof", ValidationStage::Result::Skipped, "the finding is not confirmed (run with --confirm)"));
  } else if (!opts_.confirm) {
    finish(stage("proof", ValidationStage::Result::Skipped, "confirm did not run in this invocation"));
  } else {
    // The patched code, rebuilt with the sanitizers, must run the proof input cleanly.
    CompileDatabase patched = db_;
    patched.commands = commandsFor(cmd.file, overlay, false);
    ProofReplay r = replayProof(patched, finding, *opts_.confirm, (fs::path(opts_.workDir) / "proof").string());
    ValidationStage ps;
    if (!r.ran)
      ps = stage("proof", r.error.find("test command") != std::string::npos ? ValidationStage::Result::Skipped
                                                                             : ValidationStage::Result::Failed,
                 r.error);
    else if (r.reproduces)
      ps = stage("proof", ValidationStage::Result::Failed, "the proof still fails: " + r.report);
    else
      ps = stage("proof", ValidationStage::Result::Passed, "the proof input runs cleanly: " + finding.proof->input);
    // Without a trace, nothing but the proof shows that a dynamic-only finding is gone.
    if (finding.proof->dynamicOnly && ps.result == ValidationStage::Result::Skipped)
      ps = stage("proof", ValidationStage::Result::Failed,
                 "the finding was seen only by the sanitizers, so only a replay of its proof can validate a patch (" +
                     ps.detail + ")");
    if (!finish(ps)) return passed;
  }
  if (opts_.testCommand.empty())
    finish(stage("tests", ValidationStage::Result::Skipped, "no --test-cmd"));
  else
    finish(testsStage(overlay));
  fx.validated = fx.failedStage.empty();
  return passed;
}

}  // namespace mamori
