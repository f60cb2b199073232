// Writing into a string literal. `char *s = "hello"; s[0] = 'H';` compiles in C (a
// literal's type is `char[]` there), but the literal lives in read-only memory and the
// write crashes the program; C and C++ both leave it undefined. Where the pointer is a
// parameter and every caller in the file passes a literal (`url_decode(out, url)` with the
// two swapped, `upcase("text")`), the call gives the function the wrong argument: CWE-628.
#include "checkers/RangeCheckers.h"

namespace mamori {
namespace {

class StringLiteralWriteChecker final : public RangeChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.range.string-literal-write", "WriteToStringLiteral", 758, {628},
                            Severity::Error, 6.2, "write into a string literal",
                            "A string literal is written through a pointer. Literals are read-only: the program "
                            "crashes (or, where they are writable, changes every use of the same literal).",
                            "Write into an array of the program's own (`char s[] = \"...\"`, or a copy made with "
                            "strdup), or pass the writable buffer where the function expects it."};
    return r;
  }
  bool watches(RangeEvent::Kind k) const override { return k == RangeEvent::Kind::ReadOnlyWrite; }

  std::optional<Verdict> judge(const RangeEvent &e) const override {
    Verdict v;
    bool parameter = e.op == "parameter";
    v.cwe = parameter ? 628 : 758;
    v.message = "'" + e.subject + "' writes through '" + e.variable + "', which points to a string literal" +
                (parameter ? " (every call in this file passes one)" : "") + ": literals are read-only";
    if (e.bufferDeclaredAt.valid())
      v.trace.push_back({TraceStep::Kind::Source, e.bufferDeclaredAt,
                         parameter ? "the literal a caller passes" : "the literal '" + e.variable + "' points to"});
    return v;
  }
};

}  // namespace

std::unique_ptr<RangeChecker> makeStringLiteralWriteChecker() { return std::make_unique<StringLiteralWriteChecker>(); }

}  // namespace mamori
