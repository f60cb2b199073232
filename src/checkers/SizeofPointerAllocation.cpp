// CWE-467: use of sizeof() on a pointer type. A block stored in a `T *` is sized in
// pointers to T (`T *p = malloc(n * sizeof(p))`, `sizeof(T *)`) where Ts were meant. When
// T is larger than a pointer every write past the first few bytes overflows the block;
// when it is not, the program works here and breaks on the next platform. The fix is
// `sizeof(*p)` or `sizeof(T)`.
#include "checkers/RangeCheckers.h"

namespace mamori {
namespace {

class SizeofPointerAllocationChecker final : public RangeChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.range.sizeof-pointer-allocation", "SizeofPointerInAllocation", 467, {},
                            Severity::Warning, 6.5, "allocation sized with sizeof of a pointer",
                            "The size of an allocation is counted in sizeof of a pointer to the element type "
                            "instead of the element type itself, so the block can be smaller than the objects "
                            "stored in it.",
                            "Size the block by what it holds: sizeof(*p) or sizeof(T)."};
    return r;
  }
  bool watches(RangeEvent::Kind k) const override { return k == RangeEvent::Kind::Allocation; }

  std::optional<Verdict> judge(const RangeEvent &e) const override {
    Verdict v;
    v.message = "'" + e.subject + "' is sized by '" + e.variable + "', the size of a pointer, but the block holds '" +
                e.typeName + "' (" + std::to_string(e.elementBytes) + " bytes each)";
    if (e.bufferBytes >= 0 && e.bufferBytes < e.elementBytes)
      v.message += ": " + std::to_string(e.bufferBytes) + " bytes cannot hold one";
    return v;
  }
};

}  // namespace

std::unique_ptr<RangeChecker> makeSizeofPointerAllocationChecker() {
  return std::make_unique<SizeofPointerAllocationChecker>();
}

}  // namespace mamori
