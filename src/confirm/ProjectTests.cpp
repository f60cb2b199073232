#include "confirm/ProjectTests.h"

#include "confirm/SanitizerBuild.h"

#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace mamori {

namespace {

// The last `lines` lines of `text` (a trailing newline ends the last line, it starts none).
std::string tail(const std::string &text, size_t lines) {
  size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') --pos;
  for (size_t n = 0; n < lines; ++n) {
    if (pos == 0) return text;
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
  }
  return text.substr(pos + 1);
}

SandboxLimits buildLimits(unsigned seconds) {
  SandboxLimits l;
  l.timeoutSeconds = seconds;
  l.cpuSeconds = seconds * 4;
  l.memoryMiB = 0;  // the build runs sanitized code generators and tests; RSS is capped by ASan
  l.fileSizeMiB = 2048;
  return l;
}

}  // namespace

ProjectTestRun runProjectTests(const ProjectTestOptions &opts, const FuzzEnvironment &env) {
  ProjectTestRun run;
  fs::path project = fs::absolute(opts.projectDir).lexically_normal();
  std::string sanitize = "-g -O0 -fno-omit-frame-pointer -fno-optimize-sibling-calls -fsanitize=address,undefined "
                         "-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=0";
  if (!opts.extraFlags.empty()) sanitize += " " + opts.extraFlags;
  std::string link = "-fsanitize=address,undefined";
  if (!opts.oracleObject.empty()) {
    link += " " + opts.oracleObject;
    for (const std::string &s : oracleWrappedSymbols()) link += " -Wl,--wrap=" + s;
  }
  std::error_code ec;
  const std::string jobs = std::to_string(std::max(1u, opts.jobs));
  // What every build system below reads: its compilers and flags. Meson and build commands
  // take them from the environment; configure and make also as arguments, which override
  // what a Makefile sets.
  const std::vector<std::string> toolchainVars = {"CC=clang-19", "CXX=clang++-19", "CFLAGS=" + sanitize,
                                                  "CXXFLAGS=" + sanitize, "LDFLAGS=" + link};
  RunOptions toolchain;
  toolchain.environment = toolchainVars;
  auto withToolchain = [&](std::vector<std::string> argv) {
    argv.insert(argv.end(), toolchainVars.begin(), toolchainVars.end());
    return argv;
  };

  // A copy of the tree, for build systems that build in place.
  auto copyTree = [&](fs::path &tree) {
    tree = fs::path(opts.workDir) / "test-tree";
    fs::remove_all(tree, ec);
    fs::copy(project, tree, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    if (ec) run.error = "cannot copy the tree to " + tree.string() + ": " + ec.message();
    return !ec;
  };
  auto step = [&](const std::vector<std::string> &argv, const fs::path &dir, const std::string &what, unsigned seconds,
                  size_t lines) {
    ProcessResult r = runSandboxed(argv, dir.string(), buildLimits(seconds), toolchain);
    if (!r.ok())
      run.error = what + " failed (" +
                  (!r.launchError.empty() ? r.launchError
                   : r.timedOut           ? "timed out after " + std::to_string(seconds) + " s"
                   : r.signal             ? "signal " + std::to_string(r.signal)
                                          : "exit " + std::to_string(r.exitCode)) +
                  "):\n    " + tail(r.output, lines);
    return r.ok();
  };
  auto missingTool = [&](const std::string &file, const std::string &tool, const std::string &package) {
    run.error = project.string() + " has " + file + ", but " + tool + " is not installed (apt-get install " + package +
                "), or pass --test-build CMD";
    return run;
  };

  bool makefile = fs::exists(project / "Makefile") || fs::exists(project / "makefile") || fs::exists(project / "GNUmakefile");
  bool autoconf = fs::exists(project / "configure.ac") || fs::exists(project / "configure.in");
  if (!opts.buildCommand.empty()) {
    // The user's own build command, in a copy of the tree, with the toolchain exported.
    fs::path tree;
    if (!copyTree(tree)) return run;
    if (!step({"sh", "-c", opts.buildCommand}, tree, "the sanitizer build of the project (" + opts.buildCommand + ")", 1800, 8))
      return run;
    run.buildDir = tree.string();
  } else if (fs::exists(project / "CMakeLists.txt")) {
    fs::path build = fs::path(opts.workDir) / "test-build";
    fs::remove_all(build, ec);  // a fresh build: flags or overlaid files may differ from the last one
    std::vector<std::string> configure = {"cmake", "-S", project.string(), "-B", build.string(),
                                          "-DCMAKE_BUILD_TYPE=Debug", "-DCMAKE_C_COMPILER=clang-19",
                                          "-DCMAKE_CXX_COMPILER=clang++-19", "-DCMAKE_C_FLAGS=" + sanitize,
                                          "-DCMAKE_CXX_FLAGS=" + sanitize, "-DCMAKE_EXE_LINKER_FLAGS=" + link};
    if (programExists("ninja")) configure.insert(configure.begin() + 1, {"-G", "Ninja"});
    if (!step(configure, project, "configuring the sanitizer build with CMake", 600, 6) ||
        !step({"cmake", "--build", build.string(), "-j", jobs}, project, "the sanitizer build of the project", 1800, 8))
      return run;
    run.buildDir = build.string();
  } else if (fs::exists(project / "meson.build")) {
    if (!programExists("meson")) return missingTool("meson.build", "meson", "meson");
    fs::path build = fs::path(opts.workDir) / "test-build";
    fs::remove_all(build, ec);
    // b_lundef=false: the sanitizers' runtime resolves symbols a shared library leaves open.
    if (!step({"meson", "setup", build.string(), project.string(), "--buildtype=debug", "-Db_lundef=false"}, project,
              "configuring the sanitizer build with Meson", 600, 6) ||
        !step({"meson", "compile", "-C", build.string(), "-j", jobs}, project, "the sanitizer build of the project (Meson)",
              1800, 8))
      return run;
    run.buildDir = build.string();
  } else if (fs::exists(project / "configure") || autoconf) {
    // Autotools, or a hand-written configure script (zlib's): configure, then make, in a copy.
    fs::path tree;
    if (!fs::exists(project / "configure") && !programExists("autoreconf"))
      return missingTool("configure.ac and no configure script", "autoreconf", "autoconf automake libtool");
    if (!copyTree(tree)) return run;
    if (!fs::exists(tree / "configure") && !step({"autoreconf", "-fi"}, tree, "autoreconf", 600, 6)) return run;
    if (!step(withToolchain({"sh", "./configure"}), tree, "configuring the sanitizer build (./configure)", 600, 6) ||
        !step({"make", "-j" + jobs}, tree, "the sanitizer build of the project (make)", 1800, 8))
      return run;
    run.buildDir = tree.string();
  } else if (makefile) {
    fs::path tree;
    if (!copyTree(tree)) return run;
    if (!step(withToolchain({"make", "-j" + jobs}), tree, "the sanitizer build of the project (make)", 1800, 8))
      return run;
    run.buildDir = tree.string();
  } else {
    run.error = project.string() + ": --test-cmd needs a CMake, Meson, configure or Makefile project to build with the "
                                   "sanitizers, or a build command (--test-build CMD)";
    return run;
  }

  RunOptions o;
  o.environment = env.variables();
  // Without the oracle runtime nothing else ends the program at a UBSan report.
  if (opts.oracleObject.empty()) o.environment.push_back("UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:symbolize=1");
  SandboxLimits l = buildLimits(opts.timeoutSeconds);
  l.maxProcesses = 512;
  run.result = runSandboxed({"sh", "-c", opts.testCommand}, run.buildDir, l, o);
  run.reports = parseSanitizerOutput(run.result.output);
  // Frames name files as the build named them: Meson relative to its build folder
  // ("build/../../src/x.c"), make on a copy of the tree inside the copy. Point them at the
  // project's files, where the findings are.
  bool onCopy = fs::path(run.buildDir).filename() == "test-tree";
  std::string copy = fs::path(run.buildDir).lexically_normal().string() + "/";
  std::string original = project.string() + "/";
  auto remap = [&](std::vector<StackFrame> &frames) {
    for (StackFrame &f : frames) {
      if (f.file.empty()) continue;
      f.file = fs::path(f.file).lexically_normal().string();
      if (onCopy && f.file.rfind(copy, 0) == 0) f.file = original + f.file.substr(copy.size());
    }
  };
  for (SanitizerReport &r : run.reports) {
    remap(r.stack);
    for (auto &[what, frames] : r.related) remap(frames);
  }
  run.reproduce = "cd " + shellQuote(run.buildDir) + " && " + env.commandPrefix() + " sh -c " + shellQuote(opts.testCommand);
  if (run.result.timedOut)
    run.error = "the test command did not finish within " + std::to_string(opts.timeoutSeconds) + " s";
  return run;
}

}  // namespace mamori
