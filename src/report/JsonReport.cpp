#include "core/FindingJson.h"
#include "report/Reports.h"

namespace mamori {

std::string renderJson(const ScanReport &r) {
  nlohmann::json findings = nlohmann::json::array();
  for (const Finding &f : r.findings) findings.push_back(toJson(f));
  nlohmann::json diags = nlohmann::json::array();
  for (const Diagnostic &d : r.diagnostics) diags.push_back(toJson(d));
  nlohmann::json doc = {
      {"tool", {{"name", "mamori"}, {"version", r.toolVersion}}},
      {"findings", findings},
      {"diagnostics", diags},
      {"stats",
       {{"translation_units", r.stats.translationUnits},
        {"analyzed", r.stats.analyzed},
        {"failed", r.stats.failed},
        {"functions", r.stats.functions},
        {"seconds", r.stats.seconds}}}};
  return doc.dump(2) + "\n";
}

}  // namespace mamori
