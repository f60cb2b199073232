#include "report/Reports.h"

#include <nlohmann/json.hpp>

#include <map>
#include <set>

namespace mamori {

using nlohmann::json;

namespace {

// Percent-encodes what a URI path may not hold literally.
std::string uriEscape(const std::string &path) {
  static const char *hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

json artifactLocation(const std::string &file, const std::string &root) {
  std::string prefix = root.empty() || root.back() == '/' ? root : root + "/";
  if (!prefix.empty() && file.rfind(prefix, 0) == 0)
    return {{"uri", uriEscape(file.substr(prefix.size()))}, {"uriBaseId", "%SRCROOT%"}};
  return {{"uri", "file://" + uriEscape(file)}};
}

json physicalLocation(const Location &l, const std::string &root) {
  json region = {{"startLine", std::max(1u, l.line)}};
  if (l.column > 0) region["startColumn"] = l.column;
  return {{"artifactLocation", artifactLocation(l.file, root)}, {"region", region}};
}

const char *level(Severity s) {
  switch (s) {
  case Severity::Error: return "error";
  case Severity::Warning: return "warning";
  case Severity::Note: return "note";
  }
  return "warning";
}

}  // namespace

std::string renderSarif(const ScanReport &r) {
  std::map<std::string, size_t> ruleIndex;
  std::set<unsigned> cwes;
  json rules = json::array();
  for (const RuleInfo &rule : r.rules) {
    ruleIndex[rule.id] = rules.size();
    cwes.insert(rule.cwe);
    json tags = {"security", "external/cwe/cwe-" + std::to_string(rule.cwe)};
    for (unsigned c : rule.relatedCwes) tags.push_back("external/cwe/cwe-" + std::to_string(c));
    char sev[16];
    std::snprintf(sev, sizeof sev, "%.1f", rule.securitySeverity);
    rules.push_back({{"id", rule.id},
                     {"name", rule.name},
                     {"shortDescription", {{"text", rule.shortDescription}}},
                     {"fullDescription", {{"text", rule.fullDescription}}},
                     {"help", {{"text", rule.help}, {"markdown", rule.help}}},
                     {"helpUri", "https://cwe.mitre.org/data/definitions/" + std::to_string(rule.cwe) + ".html"},
                     {"defaultConfiguration", {{"level", level(rule.severity)}}},
                     {"properties", {{"tags", tags}, {"security-severity", sev}, {"precision", "high"},
                                     {"problem.severity", level(rule.severity)}}},
                     {"relationships",
                      json::array({{{"target", {{"id", std::to_string(rule.cwe)},
                                                {"toolComponent", {{"name", "CWE"}}}}},
                                    {"kinds", json::array({"superset"})}}})}});
  }
  json taxa = json::array();
  for (unsigned c : cwes)
    taxa.push_back({{"id", std::to_string(c)},
                    {"helpUri", "https://cwe.mitre.org/data/definitions/" + std::to_string(c) + ".html"}});

  json results = json::array();
  for (const Finding &f : r.findings) {
    json threadLocations = json::array();
    for (const TraceStep &s : f.trace) {
      threadLocations.push_back({{"location", {{"physicalLocation", physicalLocation(s.location, r.projectRoot)},
                                               {"message", {{"text", s.message}}}}},
                                 {"kinds", json::array({traceKindName(s.kind)})}});
    }
    json result = {{"ruleId", f.ruleId},
                   {"level", level(f.severity)},
                   {"message", {{"text", f.message}}},
                   {"locations", json::array({{{"physicalLocation", physicalLocation(f.location, r.projectRoot)}}})},
                   {"partialFingerprints", {{"mamori/v1", f.fingerprint}}},
                   {"codeFlows", json::array({{{"threadFlows", json::array({{{"locations", threadLocations}}})}}})},
                   {"properties",
                    {{"status", f.status == FindingStatus::Confirmed ? "confirmed" : "suspected"},
                     {"cwe", "CWE-" + std::to_string(f.cwe)},
                     {"function", f.function}}}};
    if (f.proof) {
      // The proof travels with the result: how it was triggered and how to see it again.
      json &p = result["properties"];
      p["sanitizerReport"] = f.proof->kind;
      p["entryPoint"] = f.proof->entryPoint;
      if (!f.proof->input.empty()) p["pov"] = f.proof->input;
      p["reproduce"] = f.proof->reproduce;
      p["stack"] = f.proof->stack;
      if (f.proof->dynamicOnly) p["foundBy"] = "dynamic";
    }
    if (f.fix) {
      // SARIF `fixes` carry the replacements; whether they survived validation, and which
      // stage stopped them, is ours to say, in the result's properties.
      json changes = json::array();
      std::map<std::string, json> byFile;
      std::vector<std::string> order;
      for (const TextEdit &e : f.fix->edits) {
        if (!byFile.count(e.file)) order.push_back(e.file);
        byFile[e.file].push_back(
            {{"deletedRegion",
              {{"startLine", e.begin.line}, {"startColumn", e.begin.column}, {"endLine", e.end.line}, {"endColumn", e.end.column}}},
             {"insertedContent", {{"text", e.replacement}}}});
      }
      for (const std::string &file : order)
        changes.push_back({{"artifactLocation", artifactLocation(file, r.projectRoot)}, {"replacements", byFile[file]}});
      result["fixes"] = json::array({{{"description", {{"text", f.fix->description}}}, {"artifactChanges", changes}}});
      json &p = result["properties"];
      p["fixStatus"] = f.fix->validated ? "validated" : "failed " + f.fix->failedStage;
      p["fixStrategy"] = f.fix->strategy;
      json stages = json::object();
      for (const ValidationStage &st : f.fix->stages) stages[st.name] = validationResultName(st.result);
      p["fixValidation"] = stages;
    }
    if (auto it = ruleIndex.find(f.ruleId); it != ruleIndex.end()) result["ruleIndex"] = it->second;
    results.push_back(result);
  }

  json notifications = json::array();
  for (const Diagnostic &d : r.diagnostics) {
    json n = {{"level", d.level == Diagnostic::Level::Error ? "error" : d.level == Diagnostic::Level::Warning ? "warning" : "note"},
              {"message", {{"text", d.message}}}};
    if (!d.file.empty())
      n["locations"] = json::array({{{"physicalLocation", {{"artifactLocation", artifactLocation(d.file, r.projectRoot)}}}}});
    notifications.push_back(n);
  }

  std::string rootUri = "file://" + uriEscape(r.projectRoot.empty() || r.projectRoot.back() == '/' ? r.projectRoot : r.projectRoot + "/");
  json run = {
      {"tool",
       {{"driver",
         {{"name", "mamori"},
          {"version", r.toolVersion},
          {"semanticVersion", r.toolVersion},
          {"informationUri", "https://cwe.mitre.org/"},
          {"rules", rules},
          {"supportedTaxonomies", json::array({{{"name", "CWE"}}})}}}}},
      {"taxonomies", json::array({{{"name", "CWE"},
                                   {"version", "4.14"},
                                   {"organization", "MITRE"},
                                   {"informationUri", "https://cwe.mitre.org/"},
                                   {"taxa", taxa}}})},
      {"originalUriBaseIds", {{"%SRCROOT%", {{"uri", rootUri}}}}},
      {"invocations", json::array({{{"executionSuccessful", r.stats.failed == 0},
                                     {"toolExecutionNotifications", notifications}}})},
      {"results", results}};
  json doc = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"}, {"version", "2.1.0"}, {"runs", json::array({run})}};
  // Source text and sanitizer output may hold bytes that are not UTF-8; they are replaced,
  // never a reason to lose the report.
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace mamori
