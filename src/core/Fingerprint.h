// Stable identity of a finding across runs: rule + sink location normalized to the
// enclosing function and the sink's text + the shape of the trace (kinds and the
// functions it crosses), but not raw line numbers, so unrelated edits above a finding
// do not change it. SARIF partialFingerprints, baselines, confirm and repair use it.
#pragma once

#include "core/Finding.h"

#include <string>

namespace mamori {

// `sinkText` is the normalized source text of the sink expression (whitespace collapsed).
std::string computeFingerprint(const Finding &f, const std::string &sinkText);

// 64-bit FNV-1a, printed as 16 hex digits: cheap, stable across platforms and runs.
std::string stableHash(const std::string &data);

}  // namespace mamori
