// The `mamori` command: argument parsing only, then the stages do the work.
//
// Exit codes (documented in the README):
//   0  scan complete, no findings
//   1  scan complete, findings reported
//   2  usage or configuration error (bad flag, no compile database, bad models file)
//   3  partial scan: some translation units could not be analyzed (findings, if any,
//      are still reported)
#include "confirm/Confirm.h"
#include "core/Fingerprint.h"
#include "engine/TaintModels.h"
#include "ingest/CompileDatabase.h"
#include "repair/Repair.h"
#include "report/Reports.h"
#include "scan/Scanner.h"
#include "support/Process.h"

#include <CLI/CLI.hpp>
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Signals.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>
#include <unistd.h>

#ifndef MAMORI_VERSION
#define MAMORI_VERSION "0.1.0"
#endif

namespace fs = std::filesystem;
using namespace mamori;

namespace {

enum ExitCode { kClean = 0, kFindings = 1, kUsage = 2, kPartial = 3 };

struct OutputOptions {
  std::string format = "text";
  std::string outputFile;
};

int emit(const ScanReport &report, const OutputOptions &out) {
  std::string text;
  if (out.format == "sarif") text = renderSarif(report);
  else if (out.format == "json") text = renderJson(report);
  else text = renderText(report, out.outputFile.empty() && isatty(1));
  if (out.outputFile.empty()) {
    std::cout << text;
    std::cout.flush();
  } else {
    std::ofstream f(out.outputFile, std::ios::binary | std::ios::trunc);
    if (!f || !(f << text)) {
      std::cerr << "mamori: error: " << out.outputFile << ": cannot write the report\n";
      return kUsage;
    }
    if (out.format != "text") {
      // Keep a human summary on the terminal when the report goes to a file.
      std::cerr << "mamori: " << report.findings.size() << " finding(s), " << report.stats.analyzed << "/"
                << report.stats.translationUnits << " translation units analyzed; report written to "
                << out.outputFile << "\n";
    }
  }
  if (out.format != "text")
    for (const Diagnostic &d : report.diagnostics)
      std::cerr << "mamori: " << diagnosticLevelName(d.level) << ": " << d.file << ": " << d.message << "\n";
  if (report.stats.failed > 0) return kPartial;
  return report.findings.empty() ? kClean : kFindings;
}

fs::path cacheBase() {
  const char *cache = std::getenv("XDG_CACHE_HOME");
  const char *home = std::getenv("HOME");
  fs::path base = cache && *cache ? fs::path(cache) : home && *home ? fs::path(home) / ".cache" : fs::temp_directory_path();
  return base / "mamori";
}

std::string defaultScratchDir(const std::string &project) {
  return (cacheBase() / ("compdb-" + stableHash(project))).string();
}

// Where confirm keeps its builds, corpora and proofs: out of the user's tree.
std::string defaultConfirmDir(const std::string &project) {
  return (cacheBase() / ("confirm-" + fs::path(project).filename().string() + "-" + stableHash(project).substr(0, 12)))
      .string();
}

// "90", "90s", "10m", "1h" -> seconds; 0 when it cannot be read.
unsigned parseDuration(const std::string &text) {
  if (text.empty()) return 0;
  size_t used = 0;
  unsigned long v = 0;
  try {
    v = std::stoul(text, &used);
  } catch (...) {
    return 0;
  }
  std::string unit = text.substr(used);
  if (unit.empty() || unit == "s") return static_cast<unsigned>(v);
  if (unit == "m" || unit == "min") return static_cast<unsigned>(v * 60);
  if (unit == "h") return static_cast<unsigned>(v * 3600);
  return 0;
}

void addCommonOptions(CLI::App *cmd, ScanOptions &scan, OutputOptions &out) {
  cmd->add_option("-j,--jobs", scan.jobs, "Translation units analyzed in parallel (default: all cores)");
  cmd->add_option("--format", out.format, "Report format")->check(CLI::IsMember({"text", "sarif", "json"}));
  cmd->add_option("-o,--output", out.outputFile, "Write the report to FILE instead of standard output");
  cmd->add_option("--tu-timeout", scan.tuTimeoutSeconds, "Seconds allowed per translation unit (0: no limit)");
  cmd->add_option("--tu-memory", scan.tuMemoryMiB, "MiB of address space allowed per analysis process");
  cmd->add_option("--ast-disk", scan.astStoreMiB,
                  "MiB of temporary disk for ASTs kept between cross-file rounds (0: parse again)");
  cmd->add_option("--models", scan.modelFiles, "Additional taint models file(s) (JSON with comments)")
      ->check(CLI::ExistingFile);
  cmd->add_flag("-v,--verbose", scan.verbose, "Print progress to standard error");
}

}  // namespace

int main(int argc, char **argv) {
  if (std::getenv("MAMORI_CRASH_TRACES")) llvm::sys::PrintStackTraceOnErrorSignal(argv[0]);
  CLI::App app{"mamori: finds, proves and repairs vulnerabilities in C and C++ code, on your own machine"};
  app.set_version_flag("--version", "mamori " MAMORI_VERSION);
  app.require_subcommand(1);

  ScanOptions scan;
  OutputOptions out;
  std::string projectDir = ".";
  std::string buildDir;
  std::string scratchDir;
  auto *scanCmd = app.add_subcommand("scan", "Analyze a project from its compile_commands.json");
  scanCmd->add_option("DIR", projectDir, "Project folder (default: the current folder)");
  scanCmd->add_option("-p,--build-dir", buildDir, "Folder holding compile_commands.json");
  scanCmd->add_option("--scratch", scratchDir, "Where a generated compile database goes (default: ~/.cache/mamori)");
  addCommonOptions(scanCmd, scan, out);

  std::vector<std::string> checkFiles;
  std::vector<std::string> checkArgs;
  auto *checkCmd = app.add_subcommand("check", "Analyze source files directly: mamori check FILE... [-- COMPILER-FLAGS]");
  checkCmd->add_option("FILES", checkFiles, "Source files")->required();
  checkCmd->add_option("--extra-arg", checkArgs, "Compiler flag (also accepted after --)");
  addCommonOptions(checkCmd, scan, out);

  ConfirmOptions confirm;
  std::string budget = "10m";
  auto *confirmCmd = app.add_subcommand(
      "confirm", "Scan, then prove findings with ASan/UBSan builds and fuzzing in a sandbox (no network)");
  confirmCmd->add_option("DIR", projectDir, "Project folder (default: the current folder)");
  confirmCmd->add_option("-p,--build-dir", buildDir, "Folder holding compile_commands.json");
  confirmCmd->add_option("--scratch", scratchDir, "Where a generated compile database goes (default: ~/.cache/mamori)");
  confirmCmd->add_option("--budget", budget, "Fuzzing time for the whole run: 90s, 10m, 1h (default: 10m)");
  confirmCmd->add_option("--work-dir", confirm.workDir,
                         "Where sanitizer builds, corpora and proofs go (default: ~/.cache/mamori/confirm-...)");
  confirmCmd->add_option("--seeds", confirm.seedDirs, "Folder of inputs to start fuzzing from")->check(CLI::ExistingDirectory);
  confirmCmd->add_option("--fuzz-target", confirm.fuzzTargets, "A libFuzzer target source outside the compile database")
      ->check(CLI::ExistingFile);
  confirmCmd->add_option("--link-flag", confirm.linkFlags, "Extra linker flag for the fuzz targets (e.g. -lz)")
      ->allow_extra_args(false);
  confirmCmd->add_option("--test-cmd", confirm.testCommand,
                         "Build the project with its own build system and the sanitizers, and run this command "
                         "in the build folder (e.g. 'ctest --output-on-failure')");
  confirmCmd->add_option("--test-build", confirm.testBuildCommand,
                         "With --test-cmd: build the project with this command (run with sh -c in a copy of the "
                         "tree, CC/CXX/CFLAGS/CXXFLAGS/LDFLAGS set) instead of its CMake, Meson, configure or make");
  confirmCmd->add_option("--test-timeout", confirm.testTimeoutSeconds, "Seconds the test command may run (default 1200)");
  confirmCmd->add_flag("--synthesize-harness", confirm.synthesizeHarnesses,
                       "Write harnesses for functions on the findings' traces that take (void), a string, "
                       "bytes and a length, or a FILE*");
  confirmCmd->add_option("--harness-function", confirm.harnessFunctions,
                         "Also write a harness for this function (same signatures)");
  confirmCmd->add_option("--target-memory", confirm.targetMemoryMiB, "MiB of memory one input may use (default 2048)");
  confirmCmd->add_option("--input-timeout", confirm.inputTimeoutSeconds, "Seconds one input may run before it is a hang");
  addCommonOptions(confirmCmd, scan, out);

  FixOptions fix;
  bool fixConfirm = false;
  auto *fixCmd = app.add_subcommand(
      "fix", "Scan, then propose the smallest patch for each finding and validate it: it compiles, a rescan is "
             "clean, the proof no longer reproduces, the tests pass");
  fixCmd->add_option("DIR", projectDir, "Project folder (default: the current folder)");
  fixCmd->add_option("-p,--build-dir", buildDir, "Folder holding compile_commands.json");
  fixCmd->add_option("--scratch", scratchDir, "Where a generated compile database goes (default: ~/.cache/mamori)");
  fixCmd->add_option("--work-dir", fix.workDir, "Where patched copies and rebuilds go (default: ~/.cache/mamori/fix-...)");
  fixCmd->add_option("--test-cmd", fix.testCommand,
                     "Run the project's tests on each patch (built with its own build system, as in confirm)");
  fixCmd->add_option("--test-build", fix.testBuildCommand, "With --test-cmd: build the project with this command (see confirm)");
  fixCmd->add_option("--test-timeout", fix.testTimeoutSeconds, "Seconds the test command may run (default 1200)");
  fixCmd->add_flag("--confirm", fixConfirm, "Run mamori confirm first, so confirmed findings' proofs are replayed on the patches");
  fixCmd->add_option("--budget", budget, "With --confirm: fuzzing time (default: 10m)");
  fixCmd->add_option("--seeds", confirm.seedDirs, "With --confirm: folder of inputs to start fuzzing from")
      ->check(CLI::ExistingDirectory);
  fixCmd->add_flag("--synthesize-harness", confirm.synthesizeHarnesses, "With --confirm: write harnesses (see confirm)");
  fixCmd->add_option("--harness-function", confirm.harnessFunctions, "With --confirm: also a harness for this function");
  fixCmd->add_option("--fuzz-target", confirm.fuzzTargets, "With --confirm: a libFuzzer target outside the compile database")
      ->check(CLI::ExistingFile);
  fixCmd->add_flag("--apply", fix.apply, "Write validated patches into the working tree");
  fixCmd->add_flag("--force", fix.force, "With --apply: also patch files that have uncommitted changes");
  addCommonOptions(fixCmd, scan, out);

  auto *rulesCmd = app.add_subcommand("rules", "List the rules mamori checks, with their CWE ids");

  // `check FILE... -- FLAGS`: everything after `--` is compiler flags.
  std::vector<std::string> args(argv + 1, argv + argc);
  auto dashdash = std::find(args.begin(), args.end(), "--");
  std::vector<std::string> afterDash;
  if (dashdash != args.end()) {
    afterDash.assign(dashdash + 1, args.end());
    args.erase(dashdash, args.end());
  }
  std::reverse(args.begin(), args.end());  // CLI11 parses a reversed vector
  try {
    app.parse(args);
  } catch (const CLI::ParseError &e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kUsage;
  }

  if (rulesCmd->parsed()) {
    for (const RuleInfo &r : allRules())
      std::cout << r.id << "  CWE-" << r.cwe << "  " << severityName(r.severity) << "  " << r.shortDescription << "\n";
    return kClean;
  }

  try {
    validateScanOptions(scan);
  } catch (const std::exception &e) {
    std::cerr << "mamori: error: " << e.what() << "\n";
    return kUsage;
  }

  CompileDatabase db;
  std::vector<Diagnostic> ingestDiags;
  std::string root;
  if (checkCmd->parsed()) {
    checkArgs.insert(checkArgs.end(), afterDash.begin(), afterDash.end());
    std::string cwd = fs::current_path().string();
    root = cwd;
    for (const std::string &f : checkFiles) {
      std::error_code ec;
      fs::path p = fs::absolute(f).lexically_normal();
      if (!fs::is_regular_file(p, ec)) {
        std::cerr << "mamori: error: " << f << ": no such file\n";
        return kUsage;
      }
      CompileCommand c;
      c.directory = cwd;
      c.file = p.string();
      c.arguments.push_back("clang");
      c.arguments.insert(c.arguments.end(), checkArgs.begin(), checkArgs.end());
      c.arguments.push_back(c.file);
      db.commands.push_back(std::move(c));
    }
  } else {
    try {
      std::error_code ec;
      root = fs::weakly_canonical(projectDir, ec).string();
      LocateOptions lo{projectDir, buildDir, scratchDir.empty() ? defaultScratchDir(root) : scratchDir, scan.verbose};
      std::string dbPath = locateOrGenerateDatabase(lo, ingestDiags);
      db = loadCompileDatabase(dbPath, ingestDiags);
      if (db.commands.empty()) {
        for (const Diagnostic &d : ingestDiags)
          std::cerr << "mamori: " << diagnosticLevelName(d.level) << ": " << d.file << ": " << d.message << "\n";
        std::cerr << "mamori: error: " << dbPath << ": no usable C or C++ translation units in the compile database\n";
        return kUsage;
      }
    } catch (const IngestError &e) {
      std::cerr << "mamori: error: " << e.what() << "\n";
      return kUsage;
    }
  }

  bool runConfirm = confirmCmd->parsed() || (fixCmd->parsed() && fixConfirm);
  if (fixCmd->parsed() && !programExists("clang-19")) {
    std::cerr << "mamori: error: fix needs clang-19 (Debian package clang-19) to compile patches\n";
    return kUsage;
  }
  if (runConfirm) {
    confirm.budgetSeconds = parseDuration(budget);
    if (confirm.budgetSeconds == 0) {
      std::cerr << "mamori: error: --budget " << budget << ": expected a duration such as 90s, 10m or 1h\n";
      return kUsage;
    }
    for (const char *tool : {"clang-19", "llvm-nm-19", "llvm-symbolizer-19"})
      if (!programExists(tool)) {
        std::cerr << "mamori: error: confirm needs " << tool << " (Debian packages clang-19, llvm-19, libclang-rt-19-dev)\n";
        return kUsage;
      }
  }

  ScanReport report = scanDatabase(db, scan);
  report.toolVersion = MAMORI_VERSION;
  report.projectRoot = root;
  report.diagnostics.insert(report.diagnostics.begin(), ingestDiags.begin(), ingestDiags.end());
  // Skipped entries of the database mean the scan did not cover everything it was asked to.
  for (const Diagnostic &d : ingestDiags)
    if (d.level != Diagnostic::Level::Note && d.message.find("skipped") != std::string::npos) {
      ++report.stats.failed;
    }
  if (runConfirm) {
    if (confirm.workDir.empty()) confirm.workDir = defaultConfirmDir(root);
    confirm.projectDir = root;
    // A project folder named on the command line is searched for fuzz targets; with -p
    // alone the current folder may be anything, so the sources' common folder is used.
    if (confirmCmd->count("DIR") > 0 || buildDir.empty()) confirm.searchRoot = root;
    confirm.jobs = scan.jobs ? scan.jobs : std::max(1u, std::thread::hardware_concurrency());
    confirm.verbose = scan.verbose;
    ConfirmStats cs = confirmFindings(db, report, confirm);
    std::cerr << "mamori: confirm: " << cs.fuzzTargets << " fuzz target(s), " << cs.confirmed << " finding(s) confirmed, "
              << cs.dynamicOnly << " found only dynamically, " << cs.distinctReports << " distinct sanitizer report(s) from "
              << cs.failingInputs << " failing input(s), " << cs.hangs << " hang(s), " << cs.outOfMemory
              << " out-of-memory; " << static_cast<int>(cs.seconds) << " s; proofs in " << confirm.workDir << "/pov\n";
  }
  if (fixCmd->parsed()) {
    if (fix.workDir.empty()) {
      std::string confirmDir = defaultConfirmDir(root);
      fix.workDir = confirmDir.replace(confirmDir.rfind("confirm-"), 8, "fix-");
    }
    fix.projectDir = root;
    fix.scan = scan;
    fix.scan.jobs = scan.jobs ? scan.jobs : std::max(1u, std::thread::hardware_concurrency());
    fix.verbose = scan.verbose;
    if (fixConfirm) fix.confirm = &confirm;
    FixStats fs = fixFindings(db, report, fix);
    std::cerr << "mamori: fix: " << fs.proposed << " of " << fs.findings << " finding(s) have a patch, " << fs.validated
              << " validated";
    if (fix.apply) std::cerr << ", " << fs.applied << " applied";
    std::cerr << "; " << static_cast<int>(fs.seconds) << " s\n";
    for (const std::string &e : fs.applyErrors) std::cerr << "mamori: error: " << e << "\n";
    int code = emit(report, out);
    if (fix.apply && !fs.applyErrors.empty()) return kPartial;
    return code;
  }
  return emit(report, out);
}
