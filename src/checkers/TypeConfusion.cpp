// CWE-843: access of a resource using an incompatible type. A scalar object is read or
// written through a pointer to another scalar type: `*(long *)&f` for a float f, or `&f`
// passed where an `int *` is expected. The bytes of one representation are taken for the
// other (and the compiler, by the aliasing rules, may assume the two never meet). Access
// through a character type (how bytes are meant to be inspected) and between integers of
// one size that differ only in sign are allowed. Structs too, through `void *`: a function
// that starts by casting its `void *` parameter to `T *` is given a pointer to another
// struct U at a call (U does not begin with a T, as a C-style derived struct would).
#include "checkers/ApiUseCheckers.h"

namespace mamori {
namespace {

class TypeConfusionChecker final : public ApiUseChecker {
public:
  const RuleInfo &rule() const override {
    static const RuleInfo r{"mamori.api.type-confusion", "IncompatibleTypeAccess", 843, {704},
                            Severity::Warning, 5.9, "object accessed through a pointer to an incompatible type",
                            "A variable of one scalar type is read or written through a pointer to another "
                            "(float as integer, int as double, int as long): its bytes are misinterpreted, and "
                            "the strict-aliasing rules let the compiler reorder or drop the access.",
                            "Convert the value (`(long)f`), or copy its bytes with memcpy into a variable of "
                            "the other type; pass a pointer to the parameter's own type."};
    return r;
  }
  bool watches(ApiUseEvent::Kind k) const override { return k == ApiUseEvent::Kind::Reinterpret; }

  std::optional<Verdict> judge(const ApiUseEvent &e) const override {
    if (e.op == "void parameter") {
      Verdict v;
      const ArgumentFacts &param = e.args.front();
      v.message = "'" + e.subject + "' passes a '" + e.from.name + "' to '" + e.callee + "', which treats its 'void *' "
                  "parameter '" + param.variable + "' as a '" + e.to.name + "'";
      if (param.definedAt.valid())
        v.trace.push_back({TraceStep::Kind::Sink, param.definedAt, "'" + param.variable + "' is taken as a '" + e.to.name + "' here"});
      return v;
    }
    using C = ScalarTypeFacts;
    if (e.from.kind == C::Other || e.to.kind == C::Other) return std::nullopt;
    if (e.from.kind == C::Character || e.to.kind == C::Character) return std::nullopt;
    if (e.from.name == e.to.name) return std::nullopt;
    if (e.from.kind == C::Integer && e.to.kind == C::Integer && e.from.bytes == e.to.bytes) return std::nullopt;
    Verdict v;
    v.message = "'" + e.subject + "' " + (e.implicitConversion ? "passes" : "accesses") + " a '" + e.from.name +
                "' (" + std::to_string(e.from.bytes) + " bytes) as '" + e.to.name + "' (" + std::to_string(e.to.bytes) +
                " bytes)";
    return v;
  }
};

}  // namespace

std::unique_ptr<ApiUseChecker> makeTypeConfusionChecker() { return std::make_unique<TypeConfusionChecker>(); }

}  // namespace mamori
