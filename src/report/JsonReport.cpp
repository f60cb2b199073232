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
  // Source text and sanitizer output may hold bytes that are not UTF-8; they are replaced,
  // never a reason to lose the report.
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace mamori
