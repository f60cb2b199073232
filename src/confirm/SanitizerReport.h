// Reading what AddressSanitizer, UndefinedBehaviorSanitizer, LeakSanitizer, libFuzzer and
// mamori's own oracles print when a target fails: the kind of failure, the access, and
// the stacks (where it happened, where the memory was allocated and freed).
// Pure text in, data out, so it is tested without running anything.
#pragma once

#include <string>
#include <vector>

namespace mamori {

struct StackFrame {
  std::string function;
  std::string file;  // empty when the frame has no debug information
  unsigned line = 0;
  unsigned column = 0;
};

struct SanitizerReport {
  std::string tool;      // "AddressSanitizer", "UndefinedBehaviorSanitizer", "LeakSanitizer",
                         // "mamori-oracle", "libFuzzer"
  std::string kind;      // "heap-buffer-overflow", "double-free", "signed-integer-overflow",
                         // "memory-leak", "command-injection", "timeout", ...
  std::string access;    // "READ" / "WRITE" when the sanitizer says so
  std::string headline;  // the ERROR (or runtime error) line, trimmed
  std::vector<StackFrame> stack;  // where it happened, innermost first
  // Further stacks the report gives, labelled "allocated", "freed" or "previously allocated".
  std::vector<std::pair<std::string, std::vector<StackFrame>>> related;

  // A hang or an out-of-memory: a result class of its own, not a memory error.
  bool isResourceExhaustion() const { return kind == "timeout" || kind == "out-of-memory"; }
  // An unsigned wrap or a narrowing truncation: defined behaviour, so evidence only for a
  // finding at the very line it happened (see finding-lines in the oracle runtime), never a
  // finding of its own.
  bool isWellDefinedWrap() const { return kind == "unsigned-integer-overflow" || kind == "implicit-conversion"; }
  // "heap-buffer-overflow WRITE" etc., for people.
  std::string describe() const;
};

// All reports in a run's output, in order. Leak reports give one report per leaked block.
// A well-defined wrap the oracle runtime let pass (it marks them) is not a report.
std::vector<SanitizerReport> parseSanitizerOutput(const std::string &output);

// The CWEs a report of this kind can prove (the finding's CWE must be one of them).
std::vector<unsigned> cwesProvenBy(const SanitizerReport &r);

}  // namespace mamori
