#include "confirm/SanitizerReport.h"

#include <algorithm>
#include <map>
#include <regex>
#include <sstream>

namespace mamori {

namespace {

std::string trim(const std::string &s) {
  size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// "    #3 0x55d1 in handle_echo /src/handlers.c:145:5"
// "    #0 0x7f12 in malloc (/usr/lib/...+0x...)"
bool parseFrame(const std::string &line, StackFrame &f) {
  static const std::regex withFile(R"(^\s*#\d+\s+0x[0-9a-fA-F]+\s+in\s+(.+?)\s+(\S+?):(\d+)(?::(\d+))?\s*$)");
  static const std::regex withoutFile(R"(^\s*#\d+\s+0x[0-9a-fA-F]+\s+(?:in\s+(.+?)\s+)?\(.*\)\s*$)");
  static const std::regex bare(R"(^\s*#\d+\s+0x[0-9a-fA-F]+)");
  std::smatch m;
  if (std::regex_match(line, m, withFile)) {
    f.function = m[1];
    f.file = m[2];
    f.line = static_cast<unsigned>(std::stoul(m[3]));
    f.column = m[4].matched ? static_cast<unsigned>(std::stoul(m[4])) : 0;
    return true;
  }
  if (std::regex_match(line, m, withoutFile)) {
    f.function = m[1].matched ? std::string(m[1]) : "";
    return true;
  }
  if (std::regex_search(line, m, bare)) return true;
  return false;
}

// Turns the sanitizer's words into one kind name.
std::string ubsanKind(const std::string &message) {
  static const std::vector<std::pair<std::string, std::string>> kinds = {
      {"unsigned integer overflow", "unsigned-integer-overflow"},
      {"in type 'unsigned", "unsigned-integer-overflow"},  // negation of an unsigned value
      {"signed integer overflow", "signed-integer-overflow"},
      {"cannot be represented in type", "signed-integer-overflow"},  // INT_MIN / -1
      {"negation of", "signed-integer-overflow"},
      {"division by zero", "division-by-zero"},
      {"null pointer", "null-pointer"},
      {"out of bounds for type", "array-index-out-of-bounds"},
      {"shift exponent", "invalid-shift"},
      {"left shift of", "invalid-shift"},
      {"implicit conversion", "implicit-conversion"},
      {"is outside the range of representable values", "float-cast-overflow"},
      {"misaligned address", "misaligned-access"},
      {"applying non-zero offset", "pointer-overflow"},
      {"pointer index expression", "pointer-overflow"},
      {"addition of unsigned offset", "pointer-overflow"},
      {"load of value", "invalid-value"},
      {"execution reached an unreachable program point", "unreachable"},
  };
  for (const auto &[needle, kind] : kinds)
    if (message.find(needle) != std::string::npos) return kind;
  return "undefined-behavior";
}

}  // namespace

std::string SanitizerReport::describe() const {
  std::string d = tool + " " + kind;
  if (!access.empty()) d += " " + access;
  return d;
}

std::vector<SanitizerReport> parseSanitizerOutput(const std::string &output) {
  std::vector<SanitizerReport> reports;
  std::istringstream in(output);
  std::string line;
  static const std::regex error(R"(==\d+==\s*ERROR:\s*(AddressSanitizer|LeakSanitizer|libFuzzer|mamori-oracle|UndefinedBehaviorSanitizer|MemorySanitizer):\s*(.*))");
  // MemorySanitizer calls its reports warnings; other tools' warnings (ASan's "failed to
  // allocate" under allocator_may_return_null) are not reports.
  static const std::regex msanWarning(R"(==\d+==\s*WARNING:\s*(MemorySanitizer):\s*(.*))");
  static const std::regex runtimeError(R"((\S+?):(\d+):(\d+): runtime error: (.*))");
  static const std::regex access(R"(^(READ|WRITE) of size \d+)");
  static const std::regex leak(R"(^(Direct|Indirect) leak of \d+ byte)");
  // "started" is the oracles' own: the popen() whose shell ran the canary.
  static const std::regex section(R"(^(freed|previously allocated|allocated|started) by thread .* here:)");
  // MemorySanitizer's origins: where the uninitialized value was stored on its way, and the
  // allocation (a stack frame's variable, a malloc) that created it.
  static const std::regex origin(R"(^Uninitialized value was (stored to memory|created) )");

  SanitizerReport *current = nullptr;
  std::vector<StackFrame> *stack = nullptr;
  bool leakBlock = false;
  bool oracleSeen = false;
  bool skipNextRuntimeError = false;
  while (std::getline(in, line)) {
    std::smatch m;
    if (line.rfind("mamori-oracle: well-defined wrap let pass", 0) == 0) {
      skipNextRuntimeError = true;
      continue;
    }
    // The mark applies to the report printed right after it; one without a position
    // ("<unknown>: runtime error") must not make the parser skip a later, real one.
    bool skipThis = skipNextRuntimeError;
    skipNextRuntimeError = false;
    if (std::regex_search(line, m, error) || std::regex_search(line, m, msanWarning)) {
      std::string tool = m[1], rest = trim(m[2]);
      // After an oracle's abort libFuzzer adds its own "deadly signal" report: same event.
      if (tool == "libFuzzer" && rest.rfind("deadly signal", 0) == 0 && oracleSeen) {
        current = nullptr;
        stack = nullptr;
        continue;
      }
      reports.emplace_back();
      current = &reports.back();
      current->tool = tool;
      size_t headlineAt = line.find("ERROR:");
      if (headlineAt == std::string::npos) headlineAt = line.find("WARNING:");  // MemorySanitizer's
      current->headline = trim(line.substr(headlineAt));
      leakBlock = false;
      if (tool == "mamori-oracle") {
        oracleSeen = true;
        current->kind = rest.find("CWE-78") != std::string::npos    ? "command-injection"
                        : rest.find("CWE-134") != std::string::npos ? "format-string"
                        : rest.find("CWE-22") != std::string::npos  ? "path-traversal"
                                                                     : "oracle";
      } else if (tool == "LeakSanitizer") {
        current->kind = "memory-leak";
        leakBlock = true;
      } else if (tool == "libFuzzer") {
        current->kind = rest.rfind("timeout", 0) == 0         ? "timeout"
                        : rest.rfind("out-of-memory (malloc(", 0) == 0 ? "excessive-allocation"
                        : rest.rfind("out-of-memory", 0) == 0 ? "out-of-memory"
                        : rest.rfind("deadly signal", 0) == 0 ? "deadly-signal"
                        : rest.rfind("fuzz target exited", 0) == 0 ? "exit"
                                                              : trim(rest.substr(0, rest.find(' ')));
      } else {
        // "heap-buffer-overflow on address ...", "attempting double-free on ...",
        // "SEGV on unknown address 0x000000000000 ...", "requested allocation size ..."
        std::string first = rest.substr(0, rest.find(' '));
        if (first == "attempting") {
          std::string second = rest.substr(11, rest.find(' ', 11) - 11);
          first = second;  // double-free, free
          if (first == "free") first = "bad-free";
        }
        if (rest.rfind("requested allocation size", 0) == 0) first = "allocation-size-too-big";
        if (first == "SEGV" || first == "FPE" || first == "BUS") {
          static const std::regex addr(R"(address (0x[0-9a-fA-F]+))");
          std::smatch am;
          if (first == "SEGV" && std::regex_search(rest, am, addr) &&
              std::stoull(am[1].str(), nullptr, 16) < 0x10000)
            first = "null-dereference";
          else if (first == "FPE")
            first = "division-by-zero";
        }
        current->kind = first;
      }
      stack = &current->stack;
      continue;
    }
    if (std::regex_search(line, m, runtimeError)) {
      if (skipThis) {
        // Its stack lines follow; with no current report they are passed over.
        current = nullptr;
        stack = nullptr;
        continue;
      }
      reports.emplace_back();
      current = &reports.back();
      current->tool = "UndefinedBehaviorSanitizer";
      current->kind = ubsanKind(m[4]);
      current->headline = "runtime error: " + trim(m[4]);
      // The report's own position is its innermost frame, even without a stack trace.
      StackFrame f;
      f.file = m[1];
      f.line = static_cast<unsigned>(std::stoul(m[2]));
      f.column = static_cast<unsigned>(std::stoul(m[3]));
      current->stack.push_back(f);
      stack = &current->stack;
      leakBlock = false;
      continue;
    }
    if (!current) continue;
    std::string t = trim(line);
    if (std::regex_search(t, m, access) && current->access.empty()) {
      current->access = m[1];
      continue;
    }
    if (current->kind == "null-dereference" && t.find("caused by a WRITE") != std::string::npos) current->access = "WRITE";
    if (current->kind == "null-dereference" && t.find("caused by a READ") != std::string::npos) current->access = "READ";
    if (leakBlock && std::regex_search(t, m, leak)) {
      // Each leaked block is a report of its own, with its allocation stack.
      if (!current->stack.empty()) {
        SanitizerReport next;
        next.tool = current->tool;
        next.kind = current->kind;
        next.headline = current->headline;
        reports.push_back(next);
        current = &reports.back();
      }
      current->access = m[1] == "Direct" ? "direct" : "indirect";
      stack = &current->stack;
      continue;
    }
    if (std::regex_search(t, m, origin)) {
      current->related.emplace_back(m[1] == "created" ? "created" : "stored", std::vector<StackFrame>{});
      stack = &current->related.back().second;
      continue;
    }
    if (std::regex_search(t, m, section)) {
      std::string label = m[1];
      current->related.emplace_back(label, std::vector<StackFrame>{});
      stack = &current->related.back().second;
      continue;
    }
    StackFrame f;
    if (stack && parseFrame(line, f)) {
      // For a UBSan report the first frame repeats the position already recorded.
      if (current->tool == "UndefinedBehaviorSanitizer" && stack == &current->stack && stack->size() == 1 &&
          (*stack)[0].function.empty() && (*stack)[0].file == f.file && (*stack)[0].line == f.line) {
        (*stack)[0] = f;
        continue;
      }
      stack->push_back(f);
      continue;
    }
    if (t.rfind("SUMMARY:", 0) == 0) stack = nullptr;
  }
  // LeakSanitizer: indirect leaks follow from a direct one; keep the direct ones when any.
  bool anyDirect = std::any_of(reports.begin(), reports.end(), [](const SanitizerReport &r) {
    return r.kind == "memory-leak" && r.access == "direct";
  });
  if (anyDirect)
    reports.erase(std::remove_if(reports.begin(), reports.end(),
                                 [](const SanitizerReport &r) { return r.kind == "memory-leak" && r.access == "indirect"; }),
                  reports.end());
  return reports;
}

std::vector<unsigned> cwesProvenBy(const SanitizerReport &r) {
  static const std::vector<unsigned> overflowWrite = {121, 122, 124, 787, 788, 190, 191, 131, 680, 129, 805, 806, 193};
  static const std::vector<unsigned> overflowRead = {125, 126, 127, 121, 122, 190, 191, 129, 805, 193};
  static const std::map<std::string, std::vector<unsigned>> table = {
      {"stack-buffer-underflow", {124, 127, 121, 191}},
      {"global-buffer-overflow", {121, 122, 125, 126, 127, 129, 787, 190}},
      {"dynamic-stack-buffer-overflow", {121, 124, 125, 127, 190}},
      {"heap-use-after-free", {416}},
      {"stack-use-after-return", {562, 416}},
      {"stack-use-after-scope", {416, 562}},
      {"double-free", {415}},
      {"bad-free", {590, 761}},
      {"alloc-dealloc-mismatch", {762}},
      {"new-delete-type-mismatch", {762}},
      {"memory-leak", {401}},
      {"null-dereference", {476, 690}},
      {"null-pointer", {476, 690}},
      {"division-by-zero", {369}},
      {"signed-integer-overflow", {190, 191}},
      {"unsigned-integer-overflow", {190, 191}},
      {"implicit-conversion", {190, 191, 197, 681}},
      {"allocation-size-too-big", {190, 789, 131}},
      // One allocation over the memory limit: the size is attacker-controlled (CWE-789),
      // which is not proof that it wrapped (CWE-190).
      {"excessive-allocation", {789, 770}},
      {"negative-size-param", {190, 191, 124, 127, 195}},
      {"array-index-out-of-bounds", {121, 122, 124, 125, 127, 129}},
      {"command-injection", {78}},
      {"format-string", {134}},
      {"path-traversal", {22, 23, 36}},
      {"stack-overflow", {674}},
      {"use-of-uninitialized-value", {457, 908, 909, 824}},
  };
  if (r.kind == "heap-buffer-overflow" || r.kind == "stack-buffer-overflow") {
    std::vector<unsigned> v = r.access == "READ" ? overflowRead : overflowWrite;
    if (r.access.empty()) v.insert(v.end(), overflowRead.begin(), overflowRead.end());
    return v;
  }
  if (r.kind == "SEGV" || r.kind == "unknown-crash" || r.kind == "deadly-signal") {
    // A wild access proves an out-of-bounds or dangling access, or a format string gone wrong.
    return {121, 122, 124, 125, 126, 127, 787, 416, 134, 476, 690, 190};
  }
  auto it = table.find(r.kind);
  return it == table.end() ? std::vector<unsigned>{} : it->second;
}

}  // namespace mamori
