// CWE-476: a pointer is dereferenced and only afterwards tested for NULL. The test says the
// author expects NULL here; on that path the earlier dereference has already crashed. (Or
// the pointer can never be NULL and the test is dead code hiding a wrong assumption.) The
// engine raises the event only when the dereference is on every path to the test, was not
// itself reported, and the test is not written by a macro. A loop's head that tests the
// value its body dereferenced (`while (q) { use(q->next->id); q = q->next; }`) is such a
// test too, judged on the way back: the loop ends when that value is NULL.
#include "checkers/MemoryCheckers.h"

namespace mamori {
namespace {

class NullCheckAfterDereferenceChecker final : public MemoryChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.memory.null-check-after-dereference", "NullCheckAfterDereference", 476, {},
                            Severity::Warning, 5.5, "pointer dereferenced before its NULL check",
                            "A pointer is dereferenced and later tested for NULL. If it can be NULL, the "
                            "dereference crashes before the test is reached; if it cannot, the test is dead.",
                            "Move the NULL test before the first dereference (or, if the pointer can never be "
                            "NULL, remove the test)."};
    return r;
  }
  bool watches(MemoryEvent::Kind k) const override { return k == MemoryEvent::Kind::CheckedAfterDereference; }

  std::optional<Verdict> judge(const MemoryEvent &e) const override {
    Verdict v;
    if (e.checkedOnNextPass) {
      // `while (q) { use(q->next->id); q = q->next; }`: the loop ends when the value it
      // dereferenced is NULL, so its last pass dereferences NULL.
      v.message = "NULL pointer dereference: this pass dereferences the value that '" + e.subject +
                  "' holds on the next one, which the loop's test at " + shortLocation(e.checkedAt) +
                  " expects to be NULL at its end";
      v.trace.push_back({TraceStep::Kind::Sink, e.checkedAt, "the loop ends when '" + e.subject + "' is NULL"});
      return v;
    }
    v.message = "NULL pointer dereference: '" + e.subject + "' is dereferenced here but tested for NULL at " +
                shortLocation(e.checkedAt) + " afterwards";
    v.trace.push_back({TraceStep::Kind::Sink, e.checkedAt, "tested for NULL here, after the dereference"});
    return v;
  }
};

}  // namespace

std::unique_ptr<MemoryChecker> makeNullCheckAfterDereferenceChecker() {
  return std::make_unique<NullCheckAfterDereferenceChecker>();
}

}  // namespace mamori
