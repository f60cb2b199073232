#include "core/FindingJson.h"

namespace mamori {

using nlohmann::json;

json toJson(const Location &l) { return {{"file", l.file}, {"line", l.line}, {"column", l.column}}; }

static Location locationFromJson(const json &j) {
  Location l;
  l.file = j.value("file", "");
  l.line = j.value("line", 0u);
  l.column = j.value("column", 0u);
  return l;
}

json toJson(const Finding &f) {
  json trace = json::array();
  for (const TraceStep &s : f.trace) {
    json step = toJson(s.location);
    step["kind"] = traceKindName(s.kind);
    step["message"] = s.message;
    trace.push_back(step);
  }
  json out = {{"rule", f.ruleId},
          {"cwe", f.cwe},
          {"severity", severityName(f.severity)},
          {"message", f.message},
          {"location", toJson(f.location)},
          {"function", f.function},
          {"status", f.status == FindingStatus::Confirmed ? "confirmed" : "suspected"},
          {"fingerprint", f.fingerprint},
          {"trace", trace}};
  if (f.proof) out["proof"] = toJson(*f.proof);
  if (f.fix) out["fix"] = toJson(*f.fix);
  if (!f.noFixReason.empty()) out["noFix"] = f.noFixReason;
  return out;
}

json toJson(const Fix &fx) {
  json edits = json::array();
  for (const TextEdit &e : fx.edits)
    edits.push_back({{"file", e.file},
                     {"offset", e.offset},
                     {"length", e.length},
                     {"begin", toJson(e.begin)},
                     {"end", toJson(e.end)},
                     {"replacement", e.replacement}});
  json stages = json::array();
  for (const ValidationStage &s : fx.stages)
    stages.push_back({{"stage", s.name}, {"result", validationResultName(s.result)}, {"detail", s.detail}});
  json out = {{"strategy", fx.strategy}, {"description", fx.description}, {"edits", edits}, {"diff", fx.diff},
              {"stages", stages},        {"validated", fx.validated}};
  if (!fx.failedStage.empty()) out["failedStage"] = fx.failedStage;
  return out;
}

json toJson(const Proof &p) {
  return {{"kind", p.kind},       {"entryPoint", p.entryPoint}, {"input", p.input},
          {"reproduce", p.reproduce}, {"stack", p.stack},       {"dynamicOnly", p.dynamicOnly}};
}

static Proof proofFromJson(const json &j) {
  Proof p;
  p.kind = j.value("kind", "");
  p.entryPoint = j.value("entryPoint", "");
  p.input = j.value("input", "");
  p.reproduce = j.value("reproduce", "");
  p.stack = j.value("stack", std::vector<std::string>{});
  p.dynamicOnly = j.value("dynamicOnly", false);
  return p;
}

json toJson(const Diagnostic &d) {
  return {{"file", d.file}, {"level", diagnosticLevelName(d.level)}, {"message", d.message}};
}

Finding findingFromJson(const json &j) {
  Finding f;
  f.ruleId = j.value("rule", "");
  f.cwe = j.value("cwe", 0u);
  std::string sev = j.value("severity", "warning");
  f.severity = sev == "error" ? Severity::Error : sev == "note" ? Severity::Note : Severity::Warning;
  f.message = j.value("message", "");
  f.location = locationFromJson(j.value("location", json::object()));
  f.function = j.value("function", "");
  f.status = j.value("status", "suspected") == "confirmed" ? FindingStatus::Confirmed : FindingStatus::Suspected;
  f.fingerprint = j.value("fingerprint", "");
  if (j.contains("proof") && j["proof"].is_object()) f.proof = proofFromJson(j["proof"]);
  for (const json &s : j.value("trace", json::array())) {
    TraceStep step;
    step.location = locationFromJson(s);
    step.message = s.value("message", "");
    std::string k = s.value("kind", "propagation");
    step.kind = k == "source"   ? TraceStep::Kind::Source
                : k == "call"   ? TraceStep::Kind::Call
                : k == "return" ? TraceStep::Kind::Return
                : k == "sink"   ? TraceStep::Kind::Sink
                                : TraceStep::Kind::Propagation;
    f.trace.push_back(step);
  }
  return f;
}

Diagnostic diagnosticFromJson(const json &j) {
  Diagnostic d;
  std::string l = j.value("level", "error");
  d.level = l == "note" ? Diagnostic::Level::Note : l == "warning" ? Diagnostic::Level::Warning : Diagnostic::Level::Error;
  d.file = j.value("file", "");
  d.message = j.value("message", "");
  return d;
}

}  // namespace mamori
