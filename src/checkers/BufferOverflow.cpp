// CWE-121/122 (stack/heap overflow; 787 when the place is unknown), CWE-124 (underwrite), CWE-125/127 (over/under-read):
// an index outside its buffer, or a copy (memcpy, strncpy, fgets, strcpy, ...) longer than
// the destination, where the index or length is known or comes from input.
#include "checkers/RangeCheckers.h"

namespace mamori {
namespace {

class BufferOverflowChecker final : public RangeChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.range.buffer-overflow", "BufferOverflow", 787, {121, 122, 124, 125, 127},
                            Severity::Error, 8.8, "out-of-bounds access",
                            "Memory outside a buffer is written or read: an attacker can corrupt adjacent data and "
                            "control flow, or read secrets.",
                            "Bound every index by the buffer's element count and every copy by the destination's "
                            "size (sizeof the array, or the size passed to malloc)."};
    return r;
  }
  bool watches(RangeEvent::Kind k) const override {
    return k == RangeEvent::Kind::Index || k == RangeEvent::Kind::Copy;
  }

  std::optional<Verdict> judge(const RangeEvent &e) const override {
    Verdict v;
    // Where the buffer lives decides the CWE; a field reached through a pointer of unknown
    // origin is only known to be written out of bounds (CWE-787).
    std::string kind = !e.placeKnown ? "out-of-bounds write" : e.onHeap ? "heap buffer overflow" : "stack buffer overflow";
    unsigned writeCwe = !e.placeKnown ? 787 : e.onHeap ? 122 : 121;
    std::string source = e.value.external ? " (from " + e.value.originWhat + ", unchecked)" : "";
    if (e.kind == RangeEvent::Kind::Copy) {
      v.cwe = writeCwe;
      std::string amount = e.value.hi >= (static_cast<__int128>(1) << 100) ? "as many bytes as the input holds"
                                                                           : "up to " + rangeText(e.value) + " bytes";
      v.message = kind + ": '" + e.op + "' writes " + amount + " into '" + e.subject + "', which holds " +
                  std::to_string(e.bufferBytes) + source;
    } else {
      long long count = e.bufferBytes / e.elementBytes;
      // An index that can run off either end is reported as the overflow, the more
      // common way such a bug is exploited; one that can only go negative, as the underflow.
      bool below = e.value.lo < 0 && e.value.hi < count;
      if (e.write) v.cwe = below ? 124 : writeCwe;
      else v.cwe = below ? 127 : 125;
      v.message = std::string(e.write ? (below ? "buffer underwrite" : kind)
                                      : (below ? "buffer under-read" : "buffer over-read")) +
                  ": index of '" + e.subject + "' can be " + rangeText(e.value) + " but the buffer has " +
                  std::to_string(count) + " element" + (count == 1 ? "" : "s") + source;
    }
    if (e.bufferDeclaredAt.valid())
      v.trace.push_back({TraceStep::Kind::Source, e.bufferDeclaredAt,
                         e.buffer + " (" + std::to_string(e.bufferBytes) + " bytes)"});
    if (e.value.external && e.value.origin.valid())
      v.trace.push_back({TraceStep::Kind::Propagation, e.value.origin, "value from " + e.value.originWhat});
    return v;
  }
};

}  // namespace

std::unique_ptr<RangeChecker> makeBufferOverflowChecker() { return std::make_unique<BufferOverflowChecker>(); }

}  // namespace mamori
