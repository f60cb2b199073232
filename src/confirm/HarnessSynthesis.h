// Synthesized libFuzzer harnesses (`mamori confirm --synthesize-harness`), for code that has
// no fuzz target of its own. A harness is written for a function on a finding's trace (or
// named with --harness-function) when its parameters say how to feed it bytes:
//   f(void)                                   the input becomes the program's standard input
//   f(const char *s)                          the input as a NUL-terminated string
//   f(const T *buf, size_t|int|unsigned n)    T a byte type (char, unsigned char, uint8_t, void)
//   f(FILE *fp)                               the input through fmemopen()
// Any other parameter list is skipped with a note: mamori does not invent structs,
// handles or callbacks. The harness #includes the function's own file, so static
// functions work, and renames that file's main().
#pragma once

#include "core/Finding.h"
#include "ingest/CompileDatabase.h"

#include <string>
#include <vector>

namespace mamori {

struct SynthesizedHarness {
  std::string name;          // harness-<file>-<function>
  std::string function;
  std::string unitFile;      // the TU the harness includes (its object is left out of the link)
  std::string source;        // the generated harness file
  CompileCommand command;    // how to compile it: the TU's own command, on the harness
};

// Writes harnesses into `dir`. `functions` are extra function names to cover.
std::vector<SynthesizedHarness> synthesizeHarnesses(const CompileDatabase &db, const std::vector<Finding> &findings,
                                                    const std::vector<std::string> &functions, const std::string &dir,
                                                    std::vector<Diagnostic> &diags);

}  // namespace mamori
