// CWE-770: a process forked for every connection a server accepts, with nothing limiting
// how many run at once. A client that opens connections faster than they finish fills the
// process table (and memory) of the machine: every other service on it stops too. A
// count checked before forking (`if (workers < MAX_WORKERS)`), a loop bounded by a
// comparison, or a parent that waits for each child before accepting again limits it.
#include "checkers/ApiUseCheckers.h"

namespace mamori {
namespace {

bool accepts(const std::string &fn) { return fn == "accept" || fn == "accept4"; }

// wait(), or waitpid()/wait4() whose options are a constant without WNOHANG (1): the
// parent blocks until a child ends.
bool waitsForAChild(const LoopCallFacts &c) {
  if (c.callee == "wait") return true;
  if ((c.callee == "waitpid" || c.callee == "wait4") && c.integers.size() >= 3 && c.integers[2])
    return (*c.integers[2] & 1) == 0;
  return false;
}

class UnlimitedProcessesChecker final : public ApiUseChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.api.unlimited-processes", "UnlimitedProcessCreation", 770, {400},
                            Severity::Warning, 6.5, "a process per connection, without a limit",
                            "The server forks a process for every connection it accepts and nothing limits how "
                            "many run at once: a client that opens connections quickly exhausts the process "
                            "table and memory of the machine.",
                            "Count the children (decrement on SIGCHLD or waitpid) and stop accepting, or refuse "
                            "the connection, while the count is at its limit; or serve connections from a fixed "
                            "pool of workers."};
    return r;
  }
  bool watches(ApiUseEvent::Kind k) const override { return k == ApiUseEvent::Kind::Call; }

  std::optional<Verdict> judge(const ApiUseEvent &e) const override {
    if ((e.callee != "fork" && e.callee != "vfork") || !e.inLoop || e.limitedByComparison || !e.loopCalls)
      return std::nullopt;
    bool perConnection = false;
    for (const LoopCallFacts &c : *e.loopCalls) {
      if (waitsForAChild(c)) return std::nullopt;
      perConnection |= accepts(c.callee);
    }
    if (!perConnection) return std::nullopt;
    Verdict v;
    v.message = "'" + e.callee + "' runs for every connection the loop accepts, and nothing limits how many "
                "children run at once: a client can exhaust the process table";
    return v;
  }
};

}  // namespace

std::unique_ptr<ApiUseChecker> makeUnlimitedProcessesChecker() { return std::make_unique<UnlimitedProcessesChecker>(); }

}  // namespace mamori
