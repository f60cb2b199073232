// CWE-628 / CWE-683: function call with arguments in the wrong order. Two arguments are
// passed crosswise to the parameters their names say they are: `write_file(text, path)`
// for `write_file(const char *path, const char *text)`, `on(url, on_error, on_success)`
// for `on(url, success, error)`. And `memset(p, n, 0)`: the length and the fill byte
// swapped, so nothing is written. A function that also makes the call in the straight
// order flips the two on purpose.
#include "checkers/ApiUseCheckers.h"

#include <algorithm>
#include <cctype>

namespace mamori {
namespace {

// "on_success", "onSuccess" and "ON_SUCCESS" are one name.
std::string normalized(const std::string &name) {
  std::string out;
  for (unsigned char c : name)
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
  return out;
}

// Whether the function also calls the callee with the two in their parameters' order:
// then the crosswise call is a deliberate flip (`flip ? f(b, a) : f(a, b)`, a restore
// that undoes `rehash(v, old, new)` with `rehash(v, new, old)`).
bool alsoCalledStraight(const ApiUseEvent &e, size_t i, size_t j) {
  if (!e.callsOfCallee) return false;
  std::string ai = normalized(e.args[i].passedName()), aj = normalized(e.args[j].passedName());
  for (const std::vector<std::string> &call : *e.callsOfCallee)
    if (call.size() > j && normalized(call[i]) == aj && normalized(call[j]) == ai) return true;
  return false;
}

class SwappedArgumentsChecker final : public ApiUseChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.api.swapped-arguments", "ArgumentsInWrongOrder", 628, {683, 687},
                            Severity::Warning, 5.3, "function called with arguments in the wrong order",
                            "Two arguments are passed crosswise: each has the name of the other's parameter. "
                            "The function works on the wrong data (writes where it should read, tests the "
                            "opposite condition, calls the wrong handler).",
                            "Pass the arguments in the order of the function's parameters."};
    return r;
  }
  bool watches(ApiUseEvent::Kind k) const override { return k == ApiUseEvent::Kind::Call; }

  std::optional<Verdict> judge(const ApiUseEvent &e) const override {
    // memset(p, n, 0): a zero length with a fill value that is not zero.
    if (e.callee == "memset" && e.args.size() == 3 && e.args[2].integer && *e.args[2].integer == 0 &&
        !(e.args[1].integer && *e.args[1].integer == 0)) {
      Verdict v;
      v.cwe = 687;
      v.message = "'memset' is called with length 0 and fill value '" + e.args[1].text +
                  "': the two are swapped, and nothing is written";
      return v;
    }
    size_t n = std::min(e.args.size(), e.parameters.size());
    for (size_t i = 0; i < n; ++i) {
      std::string ai = normalized(e.args[i].passedName()), pi = normalized(e.parameters[i]);
      if (ai.empty() || pi.empty() || ai == pi) continue;
      for (size_t j = i + 1; j < n; ++j) {
        std::string aj = normalized(e.args[j].passedName()), pj = normalized(e.parameters[j]);
        if (aj.empty() || pj.empty() || ai != pj || aj != pi) continue;
        if (alsoCalledStraight(e, i, j)) continue;
        Verdict v;
        v.cwe = 683;
        v.message = "'" + e.callee + "' is called with '" + e.args[i].text + "' for its parameter '" +
                    e.parameters[i] + "' and '" + e.args[j].text + "' for '" + e.parameters[j] +
                    "': the two arguments are swapped";
        return v;
      }
    }
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<ApiUseChecker> makeSwappedArgumentsChecker() { return std::make_unique<SwappedArgumentsChecker>(); }

}  // namespace mamori
