// CWE-362 / CWE-366: race condition on a shared variable. A function that runs as several
// threads at once (a start routine created in a loop, or by more than one pthread_create)
// writes a file-scope variable with no lock held: `counter++` is a read, an add and a
// write, and two threads interleave them, losing updates or tearing values. Atomic,
// thread-local and volatile (signal-flag) variables are left alone.
#include "checkers/ApiUseCheckers.h"

namespace mamori {
namespace {

class DataRaceChecker final : public ApiUseChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.api.data-race", "UnsynchronizedSharedWrite", 362, {366},
                            Severity::Warning, 5.9, "shared variable written by concurrent threads without a lock",
                            "A function started as several threads writes a global variable while holding no "
                            "lock; concurrent read-modify-write sequences interleave and updates are lost.",
                            "Hold one mutex around every access to the variable, or make it atomic (_Atomic, "
                            "atomic_fetch_add)."};
    return r;
  }
  bool watches(ApiUseEvent::Kind k) const override { return k == ApiUseEvent::Kind::SharedWrite; }

  std::optional<Verdict> judge(const ApiUseEvent &e) const override {
    if (e.args.empty()) return std::nullopt;
    Verdict v;
    v.cwe = 366;
    v.message = "'" + e.subject + "' writes the shared variable '" + e.args[0].variable + "' in '" + e.function +
                "', which runs as several threads at once, with no lock held";
    if (e.args[0].definedAt.valid())
      v.trace.push_back({TraceStep::Kind::Source, e.args[0].definedAt, "'" + e.args[0].variable + "' is declared here"});
    return v;
  }
};

}  // namespace

std::unique_ptr<ApiUseChecker> makeDataRaceChecker() { return std::make_unique<DataRaceChecker>(); }

}  // namespace mamori
