#include "confirm/Triage.h"

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace mamori {

namespace {

bool inProject(const StackFrame &f, const std::string &root) {
  if (f.file.empty() || f.line == 0) return false;
  // mamori's oracle runtime (WORK/oracle/oracle.c) and the sanitizers' are never the project.
  fs::path file(f.file);
  if ((file.filename() == "oracle.c" && file.parent_path().filename() == "oracle") ||
      f.file.find("compiler-rt") != std::string::npos)
    return false;
  if (root.empty()) return f.file.rfind("/usr/", 0) != 0;
  return f.file.rfind(root, 0) == 0;
}

bool sameFile(const std::string &a, const std::string &b) {
  if (a == b) return true;
  fs::path pa = fs::path(a).lexically_normal(), pb = fs::path(b).lexically_normal();
  if (pa == pb) return true;
  // Relative paths in debug information: fall back to the file name.
  if (!pa.is_absolute() || !pb.is_absolute()) return pa.filename() == pb.filename();
  return false;
}

bool onStacks(const SanitizerReport &r, const Location &l) {
  if (!l.valid()) return false;
  auto hit = [&](const std::vector<StackFrame> &stack) {
    return std::any_of(stack.begin(), stack.end(),
                       [&](const StackFrame &f) { return f.line == l.line && sameFile(f.file, l.file); });
  };
  if (hit(r.stack)) return true;
  for (const auto &[label, stack] : r.related)
    if (hit(stack)) return true;
  return false;
}

}  // namespace

std::string deduplicationKey(const SanitizerReport &r, const std::string &projectRoot) {
  std::string key = r.kind + "|" + r.access;
  unsigned taken = 0;
  for (const StackFrame &f : r.stack) {
    if (!inProject(f, projectRoot)) continue;
    key += "|" + f.function + ":" + std::to_string(f.line);
    if (++taken == 3) break;
  }
  if (taken == 0)
    for (const StackFrame &f : r.stack) {
      key += "|" + f.function;
      if (++taken == 3) break;
    }
  return key;
}

std::vector<size_t> findingsProvenBy(const SanitizerReport &r, const std::vector<Finding> &findings) {
  std::vector<unsigned> cwes = cwesProvenBy(r);
  std::vector<size_t> atSink, onTrace;
  for (size_t i = 0; i < findings.size(); ++i) {
    const Finding &f = findings[i];
    if (f.proof && f.proof->dynamicOnly) continue;
    if (std::find(cwes.begin(), cwes.end(), f.cwe) == cwes.end()) continue;
    if (r.isWellDefinedWrap()) {
      // Defined behaviour proves the finding only where it happened: the innermost frame.
      if (!r.stack.empty() && r.stack.front().line == f.location.line && sameFile(r.stack.front().file, f.location.file))
        atSink.push_back(i);
      continue;
    }
    if (onStacks(r, f.location)) {
      atSink.push_back(i);
      continue;
    }
    for (const TraceStep &s : f.trace)
      if (s.kind != TraceStep::Kind::Sink && onStacks(r, s.location)) {
        onTrace.push_back(i);
        break;
      }
  }
  // A leak's evidence is its allocation, which is on the trace, not at the sink.
  if (r.kind == "memory-leak") {
    atSink.insert(atSink.end(), onTrace.begin(), onTrace.end());
    return atSink;
  }
  return atSink.empty() ? onTrace : atSink;
}

bool dynamicFinding(const SanitizerReport &r, const std::string &projectRoot, const std::string &foundBy, Finding &out) {
  if (r.kind == "exit" || r.isResourceExhaustion() || r.isWellDefinedWrap()) return false;
  std::vector<unsigned> cwes = cwesProvenBy(r);
  std::vector<const StackFrame *> frames;
  for (const StackFrame &f : r.stack)
    if (inProject(f, projectRoot)) frames.push_back(&f);
  if (frames.empty()) return false;  // nowhere in the project to point at
  out = Finding{};
  out.ruleId = "mamori.dynamic." + r.kind;
  out.cwe = cwes.empty() ? 0 : cwes.front();
  if (r.kind == "heap-buffer-overflow") out.cwe = r.access == "READ" ? 125 : 122;
  if (r.kind == "stack-buffer-overflow") out.cwe = r.access == "READ" ? 125 : 121;
  out.severity = r.kind == "excessive-allocation" ? Severity::Warning : Severity::Error;
  out.message = "found by " + foundBy + ": " + r.headline;
  out.location = {frames.front()->file, frames.front()->line, frames.front()->column};
  out.function = frames.front()->function;
  // The trace reads from the outermost project frame down to the failing one.
  for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
    TraceStep s;
    s.kind = *it == frames.front() ? TraceStep::Kind::Sink : TraceStep::Kind::Call;
    s.location = {(*it)->file, (*it)->line, (*it)->column};
    s.message = s.kind == TraceStep::Kind::Sink ? r.describe() : "in " + (*it)->function;
    out.trace.push_back(s);
  }
  out.status = FindingStatus::Confirmed;
  return true;
}

}  // namespace mamori
