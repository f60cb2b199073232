// Findings and diagnostics as JSON: the `--format json` output and the messages workers
// send to the scan's parent process use the same shape.
#pragma once

#include "core/Finding.h"

#include <nlohmann/json.hpp>

namespace mamori {

nlohmann::json toJson(const Location &l);
nlohmann::json toJson(const Finding &f);
nlohmann::json toJson(const Proof &p);
nlohmann::json toJson(const Fix &f);
nlohmann::json toJson(const Diagnostic &d);
Finding findingFromJson(const nlohmann::json &j);
Diagnostic diagnosticFromJson(const nlohmann::json &j);

}  // namespace mamori
