// CWE-401: memory leak. Memory allocated in a function is neither released, returned nor
// stored anywhere on a path that leaves the function, including early error returns; or
// its only holder, declared in a loop's body, goes out of scope at the end of a pass; or
// its only holder is overwritten (by the same allocation on the loop's next pass, say).
#include "checkers/MemoryCheckers.h"

namespace mamori {
namespace {

class MemoryLeakChecker final : public MemoryChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.memory.leak", "MemoryLeak", 401, {772}, Severity::Warning, 5.3,
                            "memory leak",
                            "Memory allocated here is lost when the function returns on this path; repeated, it "
                            "exhausts memory (denial of service).",
                            "Release the allocation on every path out of the function, for example with a single "
                            "cleanup label that every error path jumps to."};
    return r;
  }
  bool watches(MemoryEvent::Kind k) const override {
    return k == MemoryEvent::Kind::Exit || k == MemoryEvent::Kind::LostOnReallocFailure;
  }

  std::optional<Verdict> judge(const MemoryEvent &e) const override {
    if (e.kind == MemoryEvent::Kind::LostOnReallocFailure) {
      Verdict v;
      v.message = "memory leak: if '" + e.callee + "' fails it returns NULL, which overwrites '" + e.subject +
                  "' and loses the original block; assign the result to a temporary first";
      return v;
    }
    if (e.objects.empty()) return std::nullopt;
    const MemoryObjectFacts &o = e.objects.front();
    Verdict v;
    std::string how = e.lostWith.empty() ? " is not released on this path"
                      : e.overwritten == MemoryEvent::Overwrite::ByItself
                          ? " on a pass of the loop is lost on the next pass, when this allocation overwrites '" +
                                e.lostWith + "', its only holder"
                      : e.overwritten == MemoryEvent::Overwrite::ByStore
                          ? " is lost when '" + e.lostWith + "', its only holder, is overwritten here"
                                      : " is lost when '" + e.lostWith + "' goes out of scope here, once per pass of the loop";
    v.message = "memory leak: memory allocated by " + o.allocator + " at " + shortLocation(o.allocatedAt) + how;
    v.trace.push_back({TraceStep::Kind::Source, o.allocatedAt, "allocated by " + o.allocator});
    return v;
  }
};

}  // namespace

std::unique_ptr<MemoryChecker> makeMemoryLeakChecker() { return std::make_unique<MemoryLeakChecker>(); }

}  // namespace mamori
