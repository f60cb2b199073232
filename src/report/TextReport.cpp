#include "report/Reports.h"

#include <filesystem>
#include <sstream>

namespace mamori {

// Paths under the current folder print relative to it, as a compiler would print them.
static std::string displayPath(const std::string &file) {
  static const std::string cwd = [] {
    std::error_code ec;
    std::string c = std::filesystem::current_path(ec).string();
    return ec ? std::string() : c + "/";
  }();
  if (!cwd.empty() && file.rfind(cwd, 0) == 0) return file.substr(cwd.size());
  return file;
}

static std::string where(const Location &l) {
  return displayPath(l.file) + ":" + std::to_string(l.line) + ":" + std::to_string(l.column);
}

std::string renderText(const ScanReport &r, bool color) {
  const char *bold = color ? "\033[1m" : "";
  const char *magenta = color ? "\033[1;35m" : "";
  const char *red = color ? "\033[1;31m" : "";
  const char *cyan = color ? "\033[1;36m" : "";
  const char *reset = color ? "\033[0m" : "";
  std::ostringstream out;
  for (const Diagnostic &d : r.diagnostics) {
    out << bold << "mamori: " << reset << (d.level == Diagnostic::Level::Error ? red : cyan)
        << diagnosticLevelName(d.level) << ": " << reset << d.file << ": " << d.message << "\n";
  }
  for (const Finding &f : r.findings) {
    const char *level = f.severity == Severity::Error ? "error" : f.severity == Severity::Note ? "note" : "warning";
    out << bold << where(f.location) << ": " << reset << (f.severity == Severity::Error ? red : magenta) << level
        << ": " << reset << bold << f.message << " [CWE-" << f.cwe << "] [" << f.ruleId << "]" << reset;
    if (f.status == FindingStatus::Confirmed) out << " [confirmed]";
    out << "\n";
    for (const TraceStep &s : f.trace) {
      if (s.kind == TraceStep::Kind::Sink) continue;
      out << bold << where(s.location) << ": " << reset << cyan << "note: " << reset << s.message << "\n";
    }
    if (f.proof) {
      out << bold << where(f.location) << ": " << reset << cyan << "note: " << reset << "proved by " << f.proof->kind
          << " through " << f.proof->entryPoint << (f.proof->input.empty() ? "" : " with input " + f.proof->input)
          << "\n";
      out << bold << where(f.location) << ": " << reset << cyan << "note: " << reset << "reproduce: " << f.proof->reproduce
          << "\n";
    }
    if (f.fix) {
      const Fix &fx = *f.fix;
      out << bold << where(f.location) << ": " << reset << cyan << "note: " << reset << "fix ("
          << (fx.validated ? "validated" : "not validated: failed " + fx.failedStage) << "): " << fx.description << "\n";
      for (const ValidationStage &st : fx.stages)
        out << "    " << st.name << ": " << validationResultName(st.result) << (st.detail.empty() ? "" : " (" + st.detail + ")")
            << "\n";
      out << fx.diff;
      if (!fx.diff.empty() && fx.diff.back() != '\n') out << "\n";
    } else if (!f.noFixReason.empty()) {
      out << bold << where(f.location) << ": " << reset << cyan << "note: " << reset << "no fix: " << f.noFixReason << "\n";
    }
  }
  out << r.findings.size() << " finding" << (r.findings.size() == 1 ? "" : "s") << " in "
      << r.stats.translationUnits << " translation unit" << (r.stats.translationUnits == 1 ? "" : "s");
  if (r.stats.failed) out << " (" << r.stats.failed << " could not be analyzed)";
  out << "\n";
  return out.str();
}

}  // namespace mamori
