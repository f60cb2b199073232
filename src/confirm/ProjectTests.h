// The project's own tests under the sanitizers (`mamori confirm --test-cmd CMD`): the project
// is built again with its own build system (CMake or Meson in a scratch build folder;
// ./configure (after autoreconf, if only configure.ac is there) and make, or make alone, on a
// scratch copy of the tree; or the user's --test-build command on that copy), with clang-19,
// ASan + UBSan and mamori's oracles, and CMD runs in that build folder inside the sandbox. Every sanitizer report in the output is triaged
// like a fuzzing crash; the test command is the proof.
#pragma once

#include "confirm/Fuzzer.h"
#include "confirm/SanitizerReport.h"

#include <string>
#include <vector>

namespace mamori {

struct ProjectTestOptions {
  std::string projectDir;   // holds CMakeLists.txt, meson.build, configure(.ac) or a Makefile
  std::string buildCommand; // --test-build: overrides the build system, runs with sh -c in a copy
  std::string workDir;      // the build goes to workDir/test-build (or test-tree for make)
  std::string testCommand;  // run with sh -c in the build folder
  std::string oracleObject; // oracle.o, linked into every executable; empty: no oracles
  std::string extraFlags;   // added to the compile flags (mamori fix: -ivfsoverlay for a patch)
  unsigned jobs = 1;
  unsigned timeoutSeconds = 1200;
};

struct ProjectTestRun {
  std::string error;        // why the project could not be built or the tests not run
  std::string buildDir;
  ProcessResult result;     // of the test command
  std::vector<SanitizerReport> reports;
  std::string reproduce;    // the command a person can paste
};

ProjectTestRun runProjectTests(const ProjectTestOptions &opts, const FuzzEnvironment &env);

}  // namespace mamori
