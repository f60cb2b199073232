// CWE-789 (CWE-770): memory allocated with a size that input chooses and nothing bounds.
// A length field, count or size read from a file, a socket or the command line goes to
// malloc/calloc/realloc/alloca/new[] with no upper limit checked on the way: one request
// can ask for gigabytes (exhausting memory, or the stack with alloca), and a negative
// signed size becomes a huge size_t. A size limited by a check (`if (n > MAX) fail`,
// `n = n < MAX ? n : MAX`) is left alone, and so is a size from a random generator or
// from the command line (`atoi(argv[2])`: the person starting the program chose it).
#include "checkers/RangeCheckers.h"

namespace mamori {
namespace {

// A block of 1 GiB or more, or a negative size, is one no bound was put on: real limits
// on a request (a message, an image, a record count) sit far below it.
constexpr __int128 kExcessiveBytes = static_cast<__int128>(1) << 30;

bool fromRandomness(const ValueRange &v) {
  for (const char *r : {"'rand'", "'random'", "'lrand48'", "'mrand48'"})
    if (v.originWhat == r) return true;
  return false;
}

class UncontrolledAllocationChecker final : public RangeChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.range.uncontrolled-allocation", "UncontrolledAllocationSize", 789, {770},
                            Severity::Warning, 6.5, "memory allocation with a size chosen by input",
                            "The size of an allocation comes from input with no upper limit checked, so one "
                            "request can make the program allocate gigabytes (or overflow the stack with "
                            "alloca), and a negative size becomes a huge one.",
                            "Check the size against a limit that fits the data (a maximum message, record "
                            "count or image size) and reject larger requests before allocating; keep signed "
                            "sizes from going negative."};
    return r;
  }
  bool watches(RangeEvent::Kind k) const override { return k == RangeEvent::Kind::AllocationSize; }

  std::optional<Verdict> judge(const RangeEvent &e) const override {
    const ValueRange &size = e.value;
    // A size given on the command line is the choice of whoever starts the program.
    if (!size.external || size.commandLine || fromRandomness(size)) return std::nullopt;
    bool negative = size.lo < 0, huge = size.hi >= kExcessiveBytes;
    if (!negative && !huge) return std::nullopt;
    Verdict v;
    std::string from = size.originWhat.empty() ? "input" : size.originWhat;
    v.message = "'" + e.op + "' allocates a size that comes from " + from + " with no upper limit checked (" +
                rangeText(size) + " bytes)" + (negative ? "; a negative size becomes a huge one" : "");
    if (size.origin.valid())
      v.trace.push_back({TraceStep::Kind::Source, size.origin, "the size comes from " + from + " here"});
    return v;
  }
};

}  // namespace

std::unique_ptr<RangeChecker> makeUncontrolledAllocationChecker() {
  return std::make_unique<UncontrolledAllocationChecker>();
}

}  // namespace mamori
