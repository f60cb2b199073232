// Seeds and a libFuzzer dictionary derived from the static findings: the constants the
// code compares its input with along the findings' traces (string and character
// literals, numbers in comparisons and case labels), length-field extremes, and the
// tokens each CWE's oracle needs (shell syntax that runs the canary, format directives,
// "../" runs).
#pragma once

#include "core/Finding.h"

#include <set>
#include <string>
#include <vector>

namespace mamori {

struct FuzzHints {
  std::vector<std::string> tokens;  // dictionary entries, raw bytes
  std::vector<std::string> seeds;   // small inputs to start from, raw bytes
};

// Reads the functions on the findings' traces (from the source files on disk) for their
// constants, and adds the oracle tokens of the findings' CWEs.
FuzzHints hintsFromFindings(const std::vector<const Finding *> &findings);

// Constants of whole source files (at most `limit` tokens), for targets whose code has no
// static finding to direct the fuzzer: what the code compares with is still the best guess.
std::vector<std::string> constantsOfSources(const std::vector<std::string> &files, size_t limit);

// Variants of the user's seeds that end with an oracle's payload (`;mamori_canary;`, `%n`,
// `../`): a command, format or path the seed already carries to its sink gets the
// injection right away, before the fuzzer has to find it. A trailing newline stays last.
std::vector<std::string> injectionSeeds(const std::vector<std::string> &seeds, const std::vector<std::string> &tokens,
                                        size_t limit);

// Variants of the user's seeds with one word replaced by a token of the same shape (a
// path by a path, a number by a number, a name by a name): a request for "/files/x" gives
// one for each path the code compares with. Capped at `limit`.
std::vector<std::string> substitutionSeeds(const std::vector<std::string> &seeds,
                                           const std::vector<std::string> &tokens, size_t limit);

// libFuzzer's dictionary syntax: one "quoted" entry per line, \xNN escapes.
std::string renderDictionary(const std::vector<std::string> &tokens);

}  // namespace mamori
