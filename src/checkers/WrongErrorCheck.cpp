// CWE-253: incorrect check of a function's return value. A pointer a function returned is
// compared as if it were an integer status: `fopen(...) == -1`, `malloc(...) < 0`,
// `fgets(...) < 0`. These functions report failure with NULL, so the check never fires
// and the failure goes on as a NULL pointer. A sentinel written as a pointer on purpose
// (`MAP_FAILED`, `(void *)-1`) is a different convention and is not compared here.
#include "checkers/ApiUseCheckers.h"

namespace mamori {
namespace {

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
    if (!e.pointerCompared || e.args.size() != 2 || !e.args[1].integer || e.args[0].producer.empty()) return std::nullopt;
    long long k = *e.args[1].integer;
    bool ordered = e.op == "<" || e.op == "<=" || e.op == ">" || e.op == ">=";
    bool equality = e.op == "==" || e.op == "!=";
    if (!((ordered && k == 0) || (equality && k != 0))) return std::nullopt;
    Verdict v;
    v.message = "'" + e.subject + "' compares the pointer returned by '" + e.args[0].producer + "' with " +
                std::to_string(k) + ", but '" + e.args[0].producer +
                "' reports failure with NULL: this check never detects it";
    if (e.args[0].definedAt.valid() && e.args[0].definedAt.line != e.location.line)
      v.trace.push_back({TraceStep::Kind::Source, e.args[0].definedAt, "'" + e.args[0].producer + "' called here"});
    return v;
  }
};

}  // namespace

std::unique_ptr<ApiUseChecker> makeWrongErrorCheckChecker() { return std::make_unique<WrongErrorCheckChecker>(); }

}  // namespace mamori
