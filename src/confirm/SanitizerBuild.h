// Sanitizer builds for `mamori confirm`: every translation unit of the compile database
// compiled again with clang-19 and ASan + UBSan (+ libFuzzer's coverage), out of tree,
// then linked into one binary per fuzz target together with the project's other objects
// and mamori's oracles. The user's sources and build folder are only read.
// A second flavour, MemorySanitizer, finds reads of uninitialized memory, which ASan cannot
// see; MSan cannot be combined with ASan and needs every instruction instrumented, so it is
// built separately, for C targets only (the C++ library is not built with MSan here).
#pragma once

#include "confirm/HarnessSynthesis.h"
#include "core/Finding.h"
#include "ingest/CompileDatabase.h"

#include <set>
#include <string>
#include <vector>

namespace mamori {

// The symbols mamori's oracle runtime wraps (linked with -Wl,--wrap=NAME).
const std::vector<std::string> &oracleWrappedSymbols();

// The oracle runtime's C source (src/confirm/runtime/oracle.c), as linked into every target.
const char *oracleRuntimeSource();

enum class SanitizerFlavour { AddressAndUndefined, Memory };

struct SanitizerBuildOptions {
  std::string projectRoot;                // where fuzz targets outside the database are looked for
  std::string workDir;                    // objects go to workDir/obj, binaries to workDir/bin
  std::vector<std::string> extraTargets;  // fuzz target sources given with --fuzz-target
  std::vector<std::string> linkFlags;     // e.g. -lz, for libraries the compile database cannot name
  std::vector<SynthesizedHarness> harnesses;  // linked like fuzz targets, without their unit's object
  unsigned jobs = 1;
  bool verbose = false;
  SanitizerFlavour flavour = SanitizerFlavour::AddressAndUndefined;
};

struct FuzzTarget {
  std::string name;    // the fuzz target's file stem, made unique
  std::string source;  // the file that defines LLVMFuzzerTestOneInput
  std::string binary;  // the linked libFuzzer binary
  std::vector<std::string> linkedSources;  // every source compiled into it
  bool synthesized = false;
  std::string unitFile;  // synthesized: the file whose function the harness calls
  std::string function;  // synthesized: that function
  std::set<std::string> siblingFunctions;  // synthesized: the functions other harnesses of that file call
};

struct SanitizerBuild {
  std::vector<FuzzTarget> targets;
  unsigned compiled = 0, failed = 0;
};

// Builds what it can; each TU or target that does not build becomes a Diagnostic naming
// the file and quoting the compiler's first error lines.
SanitizerBuild buildWithSanitizers(const CompileDatabase &db, const SanitizerBuildOptions &opts,
                                   std::vector<Diagnostic> &diags);

// Finds sources under `root` that define LLVMFuzzerTestOneInput, skipping build folders
// and `skip` (mamori's own work folder).
std::vector<std::string> discoverFuzzTargets(const std::string &root, const std::string &skip);

}  // namespace mamori
