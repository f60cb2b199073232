// CWE-476 (and CWE-690): NULL pointer dereference. A pointer that is NULL on some path and
// known non-NULL on none is dereferenced, or the result of an allocation is used without a
// check for failure.
#include "checkers/MemoryCheckers.h"

namespace mamori {
namespace {

class NullDereferenceChecker final : public MemoryChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.memory.null-dereference", "NullPointerDereference", 476, {690},
                            Severity::Error, 7.5, "NULL pointer dereference",
                            "A pointer that can be NULL here is dereferenced; the process crashes (denial of "
                            "service) or, in the kernel or on some platforms, worse.",
                            "Check the pointer (and every allocation result) for NULL before using it, and handle "
                            "the failure with the function's error convention."};
    return r;
  }
  bool watches(MemoryEvent::Kind k) const override { return k == MemoryEvent::Kind::Dereference; }

  std::optional<Verdict> judge(const MemoryEvent &e) const override {
    unsigned b = e.nulls.bits;
    Verdict v;
    if ((b & NullFacts::Null) && !(b & NullFacts::NonNull)) {
      v.message = "NULL pointer dereference: '" + e.subject + "' is NULL here" +
                  (e.callee.empty() ? "" : " and '" + e.callee + "' dereferences it");
      if (e.nulls.nullAt.valid()) v.trace.push_back({TraceStep::Kind::Source, e.nulls.nullAt, "set to NULL here"});
      return v;
    }
    if ((b & NullFacts::UncheckedAlloc) && !(b & NullFacts::Null)) {
      v.message = "NULL pointer dereference: " + e.nulls.nullWhy + " before '" + e.subject + "' is used";
      if (e.nulls.nullAt.valid())
        v.trace.push_back({TraceStep::Kind::Source, e.nulls.nullAt, "allocation that can return NULL"});
      return v;
    }
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<MemoryChecker> makeNullDereferenceChecker() { return std::make_unique<NullDereferenceChecker>(); }

}  // namespace mamori
