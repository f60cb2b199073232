// CWE-253: incorrect check of a function's return value: the comparison cannot see the
// failure the function reports.
//  - A pointer compared as an integer status: `fopen(...) == -1`, `malloc(...) < 0`,
//    `fgets(...) < 0`. These report failure with NULL. A sentinel written as a pointer on
//    purpose (`MAP_FAILED`, `(void *)-1`) is its API's convention and is not compared here.
//  - An unsigned result tested for being negative: `fwrite(...) < 0` is never true.
//  - A C library function that reports failure with EOF (a negative value) tested against
//    0: `fputs(...) == 0`, `putc(...) == 0`, `fprintf(...) == 0`; the same for the
//    formatting functions that return a length, when the call itself is tested
//    (`if (snprintf(...) == 0)`); and the scanf family's
//    `== 0`, which sees a matching failure but not EOF, the end of input, after which the
//    outputs are never written.
#include "checkers/ApiUseCheckers.h"

#include <set>

namespace mamori {
namespace {

bool failsWithEof(const std::string &fn) {
  static const std::set<std::string> names = {"fputs",  "puts",    "fputc",   "putc",    "putchar", "fputwc",
                                              "putwc",  "putwchar", "fputws", "fprintf", "printf",  "vfprintf",
                                              "vprintf", "fwprintf", "wprintf", "vfwprintf", "vwprintf"};
  return names.count(fn) != 0;
}

// The formatting functions that write to memory or a descriptor: they return the length
// written (or that would be written) and a negative value on failure; 0 is an empty result.
bool formatsWithNegativeFailure(const std::string &fn) {
  static const std::set<std::string> names = {"sprintf", "snprintf", "vsprintf", "vsnprintf", "swprintf",
                                              "vswprintf", "dprintf", "vdprintf", "asprintf", "vasprintf"};
  return names.count(fn) != 0;
}

bool scansInput(const std::string &fn) {
  static const std::set<std::string> names = {"scanf",  "fscanf",  "sscanf",  "vscanf",  "vfscanf",  "vsscanf",
                                              "wscanf", "fwscanf", "swscanf", "__isoc99_scanf", "__isoc99_fscanf",
                                              "__isoc99_sscanf"};
  return names.count(fn) != 0;
}

class WrongErrorCheckChecker final : public ApiUseChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.api.wrong-error-check", "IncorrectCheckOfReturnValue", 253, {252},
                            Severity::Warning, 5.0, "return value checked against the wrong error value",
                            "A pointer returned by a function is compared with an integer status (-1, or "
                            "ordered against 0), but the function reports failure with NULL: the check "
                            "never detects the failure.",
                            "Compare the result with NULL: `if (p == NULL)`."};
    return r;
  }
  bool watches(ApiUseEvent::Kind k) const override { return k == ApiUseEvent::Kind::Comparison; }

  std::optional<Verdict> judge(const ApiUseEvent &e) const override {
    if (e.args.size() != 2 || !e.args[1].integer || e.args[0].producer.empty()) return std::nullopt;
    const std::string &fn = e.args[0].producer;
    long long k = *e.args[1].integer;
    bool ordered = e.op == "<" || e.op == "<=" || e.op == ">" || e.op == ">=";
    bool equality = e.op == "==" || e.op == "!=";
    Verdict v;
    if (e.pointerCompared) {
      if (!((ordered && k == 0) || (equality && k != 0))) return std::nullopt;
      v.message = "'" + e.subject + "' compares the pointer returned by '" + fn + "' with " + std::to_string(k) +
                  ", but '" + fn + "' reports failure with NULL: this check never detects it";
    } else if (e.unsignedCompared && k == 0 && (e.op == "<" || e.op == ">=")) {
      v.message = "'" + e.subject + "' tests whether the unsigned result of '" + fn +
                  "' is negative, which it never is: this check never detects a failure";
    } else if (equality && k == 0 && failsWithEof(fn)) {
      v.message = "'" + e.subject + "' compares the result of '" + fn + "' with 0, but '" + fn +
                  "' reports failure with EOF (a negative value): this check never detects it";
    } else if (equality && k == 0 && formatsWithNegativeFailure(fn) && e.args[0].variable.empty()) {
      // Only the call's own result tested: a length kept in a variable and tested for 0
      // is often the empty result on purpose, next to a test that catches the negative
      // one (`len == 0 || (unsigned)len >= size`).
      v.message = "'" + e.subject + "' compares the result of '" + fn + "' with 0, but '" + fn +
                  "' returns the length it formats (0 for an empty result) and a negative value on failure: "
                  "this check never detects it";
    } else if (equality && k == 0 && scansInput(fn)) {
      v.message = "'" + e.subject + "' compares the result of '" + fn + "' with 0 only: at the end of input it "
                  "returns EOF, the check passes, and the outputs are never written";
    } else {
      return std::nullopt;
    }
    if (e.args[0].definedAt.valid() && e.args[0].definedAt.line != e.location.line)
      v.trace.push_back({TraceStep::Kind::Source, e.args[0].definedAt, "'" + e.args[0].producer + "' called here"});
    return v;
  }
};

}  // namespace

std::unique_ptr<ApiUseChecker> makeWrongErrorCheckChecker() { return std::make_unique<WrongErrorCheckChecker>(); }

}  // namespace mamori
