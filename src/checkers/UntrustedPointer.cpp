// CWE-822 / CWE-823: dereference of a pointer whose address comes from outside the
// program. An integer read or parsed from input becomes a pointer (`(int *)strtoul(s,
// ...)`), or an unchecked input offset moves one (`p += n`), and the program then reads or
// writes through it: the attacker chooses which memory is touched.
#include "checkers/RangeCheckers.h"

namespace mamori {
namespace {

class UntrustedPointerChecker final : public RangeChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.range.untrusted-pointer", "UntrustedPointerDereference", 822, {823},
                            Severity::Error, 8.1, "dereference of a pointer chosen by input",
                            "A pointer is made from an integer that comes from input, or is moved by an "
                            "unchecked input offset, and then dereferenced: the input decides which memory the "
                            "program reads or writes.",
                            "Never turn input into an address. Use the input as an index into a buffer the "
                            "program owns, after checking it against that buffer's size."};
    return r;
  }
  bool watches(RangeEvent::Kind k) const override { return k == RangeEvent::Kind::UntrustedPointer; }

  std::optional<Verdict> judge(const RangeEvent &e) const override {
    Verdict v;
    bool offset = e.op == "offset";
    v.cwe = offset ? 823 : 822;
    std::string from = e.value.originWhat.empty() ? "input" : e.value.originWhat;
    // An integer converted without a cast is wrong whatever it holds; an external one is
    // wrong because nothing checked it.
    v.message = "'" + e.subject + "' dereferences '" + e.variable + "', whose " + (offset ? "offset" : "address") +
                " comes from " + from + (e.value.external ? " unchecked" : "");
    if (e.value.origin.valid())
      v.trace.push_back({TraceStep::Kind::Source, e.value.origin, "the value comes from " + e.value.originWhat + " here"});
    return v;
  }
};

}  // namespace

std::unique_ptr<RangeChecker> makeUntrustedPointerChecker() { return std::make_unique<UntrustedPointerChecker>(); }

}  // namespace mamori
