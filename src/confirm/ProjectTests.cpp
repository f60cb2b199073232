#include "confirm/ProjectTests.h"

#include "confirm/SanitizerBuild.h"

#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace mamori {

namespace {

std::string tail(const std::string &text, size_t lines) {
  size_t pos = text.size();
  for (size_t n = 0; n <= lines && pos > 0; ++n) pos = text.rfind('\n', pos - 1);
  return pos == std::string::npos ? text : text.substr(pos + 1);
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

  if (fs::exists(project / "CMakeLists.txt")) {
    fs::path build = fs::path(opts.workDir) / "test-build";
    fs::remove_all(build, ec);  // a fresh build: flags or overlaid files may differ from the last one
    std::vector<std::string> configure = {"cmake", "-S", project.string(), "-B", build.string(),
                                          "-DCMAKE_BUILD_TYPE=Debug", "-DCMAKE_C_COMPILER=clang-19",
                                          "-DCMAKE_CXX_COMPILER=clang++-19", "-DCMAKE_C_FLAGS=" + sanitize,
                                          "-DCMAKE_CXX_FLAGS=" + sanitize, "-DCMAKE_EXE_LINKER_FLAGS=" + link};
    if (programExists("ninja")) configure.insert(configure.begin() + 1, {"-G", "Ninja"});
    ProcessResult c = runSandboxed(configure, project.string(), buildLimits(600));
    if (!c.ok()) {
      run.error = "configuring the sanitizer build with CMake failed:\n    " + tail(c.output, 6);
      return run;
    }
    ProcessResult b = runSandboxed({"cmake", "--build", build.string(), "-j", std::to_string(std::max(1u, opts.jobs))},
                                   project.string(), buildLimits(1800));
    if (!b.ok()) {
      run.error = "the sanitizer build of the project failed:\n    " + tail(b.output, 8);
      return run;
    }
    run.buildDir = build.string();
  } else if (fs::exists(project / "Makefile") || fs::exists(project / "makefile") || fs::exists(project / "GNUmakefile")) {
    fs::path tree = fs::path(opts.workDir) / "test-tree";
    fs::remove_all(tree, ec);
    fs::copy(project, tree, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    if (ec) {
      run.error = "cannot copy the tree to " + tree.string() + ": " + ec.message();
      return run;
    }
    ProcessResult b = runSandboxed({"make", "-j" + std::to_string(std::max(1u, opts.jobs)), "CC=clang-19",
                                    "CXX=clang++-19", "CFLAGS=" + sanitize, "CXXFLAGS=" + sanitize, "LDFLAGS=" + link},
                                   tree.string(), buildLimits(1800));
    if (!b.ok()) {
      run.error = "the sanitizer build of the project (make) failed:\n    " + tail(b.output, 8);
      return run;
    }
    run.buildDir = tree.string();
  } else {
    run.error = project.string() + ": --test-cmd needs a CMake or Makefile project to build with the sanitizers";
    return run;
  }

  RunOptions o;
  o.environment = env.variables();
  SandboxLimits l = buildLimits(opts.timeoutSeconds);
  l.maxProcesses = 512;
  run.result = runSandboxed({"sh", "-c", opts.testCommand}, run.buildDir, l, o);
  run.reports = parseSanitizerOutput(run.result.output);
  run.reproduce = "cd " + shellQuote(run.buildDir) + " && " + env.commandPrefix() + " sh -c " + shellQuote(opts.testCommand);
  if (run.result.timedOut)
    run.error = "the test command did not finish within " + std::to_string(opts.timeoutSeconds) + " s";
  return run;
}

}  // namespace mamori
