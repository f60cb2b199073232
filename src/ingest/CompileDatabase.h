// Ingest: find, generate and load a project's compile_commands.json.
// Everything here reports problems as Diagnostics naming the file; only a database that
// cannot be used at all is an IngestError.
#pragma once

#include "core/CompileCommand.h"
#include "core/Finding.h"

#include <stdexcept>
#include <string>
#include <vector>

namespace mamori {

struct CompileDatabase {
  std::string path;  // the compile_commands.json it came from
  std::vector<CompileCommand> commands;
};

class IngestError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Loads and validates a compile database. Entries that are unusable (missing fields, a file
// that does not exist, not a C/C++ source) are skipped with a diagnostic; a database that
// is not valid JSON or not an array throws IngestError. Duplicate entries for one file
// keep the first.
CompileDatabase loadCompileDatabase(const std::string &path, std::vector<Diagnostic> &diags);

struct LocateOptions {
  std::string projectDir;  // DIR given to `mamori scan` (default: the current directory)
  std::string buildDir;    // -p, if given
  std::string scratchDir;  // where a generated database goes (out of the user's tree)
  bool verbose = false;
};

// Finds compile_commands.json in -p, DIR, or DIR/build; otherwise generates one (CMake via
// CMAKE_EXPORT_COMPILE_COMMANDS in a scratch build folder, Makefile projects via
// `bear -- make` on a scratch copy of the tree). Throws IngestError saying what to do.
std::string locateOrGenerateDatabase(const LocateOptions &opts, std::vector<Diagnostic> &diags);

// Splits a shell-style "command" string as the compilation database spec describes.
std::vector<std::string> splitCommandLine(const std::string &command);

}  // namespace mamori
