// CWE-190 / CWE-191: integer overflow and underflow. Arithmetic (+, -, *, ++, --, and
// narrowing conversions of their results) whose result can leave its type's range, when an
// operand comes from input, parsing or randomness, or when the overflow is certain.
// Unsigned arithmetic on the state of a hash or checksum (a variable the function also
// mixes with xor or shifts) is meant to wrap and is left alone, and so is a byte pattern
// stored into a narrow signed type (`out[0] = 0xC0 + (cp >> 6)` into a `char`).
#include "checkers/RangeCheckers.h"

namespace mamori {
namespace {

class IntegerOverflowChecker final : public RangeChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.range.integer-overflow", "IntegerOverflow", 190, {191, 680}, Severity::Error, 7.5,
                            "integer overflow or wraparound",
                            "An arithmetic result can exceed the range of its type; it wraps (or is undefined for "
                            "signed types), and a size, index or length computed from it is wrong.",
                            "Check the operands against the type's limits before the operation (for example "
                            "`if (x < INT_MAX) x + 1`, `if (n <= SIZE_MAX / size)`) or use __builtin_*_overflow."};
    return r;
  }
  bool watches(RangeEvent::Kind k) const override {
    return k == RangeEvent::Kind::Arithmetic || k == RangeEvent::Kind::Narrowing;
  }

  std::optional<Verdict> judge(const RangeEvent &e) const override {
    bool over = e.value.hi > e.typeMax, under = e.value.lo < e.typeMin;
    // Without external input, only an overflow on every value of a known range is reported:
    // a range joined from constants on different paths may include paths that never run.
    bool certain = e.value.known && (e.value.lo > e.typeMax || e.value.hi < e.typeMin);
    if (!(e.value.external || certain)) return std::nullopt;
    // Unsigned arithmetic on a value that is also mixed with xor and shifts is a hash or
    // checksum: wrapping modulo 2^n is what it is written for.
    if (e.bitMixed && e.typeMin == 0 && e.kind == RangeEvent::Kind::Arithmetic) return std::nullopt;
    // `out[0] = 0xC0 + (cp >> 6)` into a `char`: a byte pattern, whose every value fits the
    // type's width; the conversion keeps the bits, which is what an encoder wants.
    if (e.bitPattern && e.value.lo >= e.typeMin && e.value.hi <= 2 * e.typeMax + 1) return std::nullopt;
    Verdict v;
    v.cwe = over ? 190 : 191;
    std::string what = over ? "integer overflow" : "integer underflow";
    v.message = what + ": '" + e.subject + "' can be " + rangeText(e.value) + ", outside the range of '" + e.typeName +
                "'" + (e.value.external ? " (operand from " + e.value.originWhat + ", unchecked)" : "");
    if (e.value.external && e.value.origin.valid())
      v.trace.push_back({TraceStep::Kind::Source, e.value.origin, "value from " + e.value.originWhat});
    (void)under;
    return v;
  }
};

}  // namespace

std::unique_ptr<RangeChecker> makeIntegerOverflowChecker() { return std::make_unique<IntegerOverflowChecker>(); }

}  // namespace mamori
