// Plain data that every stage speaks: where something is, what was found, and how the
// data got there. No Clang and no I/O here, so report/, confirm/ and repair/ can depend on it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mamori {

struct Location {
  std::string file;  // absolute, normalized path
  unsigned line = 0;
  unsigned column = 0;

  bool valid() const { return !file.empty() && line > 0; }
  friend bool operator==(const Location &, const Location &) = default;
  friend auto operator<=>(const Location &, const Location &) = default;
};

enum class Severity { Note, Warning, Error };
const char *severityName(Severity s);

// One step of a finding's trace, from the source of the data to the sink.
struct TraceStep {
  enum class Kind { Source, Propagation, Call, Return, Sink };
  Kind kind = Kind::Propagation;
  Location location;
  std::string message;
};
const char *traceKindName(TraceStep::Kind k);

// Static findings are leads ("suspected"); confirm/ can prove them ("confirmed").
enum class FindingStatus { Suspected, Confirmed };

// What confirm/ observed when it proved a finding: the sanitizer's or oracle's verdict,
// the input that causes it, and one command that shows it again.
struct Proof {
  std::string kind;        // e.g. "heap-buffer-overflow WRITE", "oracle: command injection"
  std::string entryPoint;  // the fuzz target, harness or test command that reached it
  std::string input;       // path of the proof-of-vulnerability input; empty for a test command
  std::string reproduce;   // one shell command that reproduces it
  std::vector<std::string> stack;  // top frames as "function file:line"
  bool dynamicOnly = false;        // found by the sanitizers, with no static finding behind it
};

// One replacement in a source file, relative to the text that was scanned.
struct TextEdit {
  std::string file;       // absolute path
  unsigned offset = 0;    // bytes from the start of the file
  unsigned length = 0;    // bytes replaced (0: an insertion)
  Location begin, end;    // the replaced region; `end` is the position just after it
  std::string replacement;
};

// One stage of a patch's validation, in the order they run: compile, rescan, proof, tests.
struct ValidationStage {
  enum class Result { Passed, Failed, Skipped };
  std::string name;
  Result result = Result::Skipped;
  std::string detail;  // why it failed, or why it did not apply
};
const char *validationResultName(ValidationStage::Result r);

// A patch repair/ proposes for a finding. It is `validated` only when every stage that
// applies passed; otherwise `failedStage` names the first one that did not.
struct Fix {
  std::string strategy;     // e.g. "format-literal", "null-check"
  std::string description;  // one sentence for the user
  std::vector<TextEdit> edits;
  std::string diff;         // unified diff of the patch
  std::vector<ValidationStage> stages;
  bool validated = false;
  std::string failedStage;
};

struct Finding {
  std::string ruleId;    // e.g. "mamori.taint.command-injection"
  unsigned cwe = 0;      // primary CWE id
  Severity severity = Severity::Warning;
  std::string message;
  Location location;     // the sink
  std::string function;  // enclosing function of the sink
  std::vector<TraceStep> trace;
  FindingStatus status = FindingStatus::Suspected;
  std::optional<Proof> proof;  // set when status is Confirmed
  std::optional<Fix> fix;      // set by `mamori fix`
  std::string noFixReason;     // why `mamori fix` offers no patch, when it offers none
  std::string fingerprint;  // stable across runs; see fingerprint.h
};

// A problem with the scan itself (a TU that did not parse, a bad config), not with the code.
struct Diagnostic {
  enum class Level { Note, Warning, Error };
  Level level = Level::Error;
  std::string file;
  std::string message;
};
const char *diagnosticLevelName(Diagnostic::Level l);

// Several tainted paths to one sink (a wrapper's fopen reached from nine callers, or one
// file compiled into several targets) are one defect to fix: keeps one taint finding per
// location, rule and CWE, the one with the shortest trace, and says in its message how
// many other paths reach it. `findings` must be sorted by location, rule and CWE.
void mergeFindingsAtOneSink(std::vector<Finding> &findings);

}  // namespace mamori
