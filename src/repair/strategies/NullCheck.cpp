// CWE-476 / CWE-690: a pointer that may be NULL is dereferenced. For the unchecked result
// of an allocation or lookup, the fix tests it right where it is stored and fails the way
// the function's other error paths do; for a pointer that is NULL on some path, it tests
// the pointer before the statement that dereferences it.
#include "repair/Strategy.h"

#include "clang/AST/ExprCXX.h"

namespace mamori {
namespace {

using namespace clang;

class NullCheck : public RepairStrategy {
public:
  const char *name() const override { return "null-check"; }
  bool handles(const Finding &f) const override { return f.cwe == 476 || f.cwe == 690; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    FixCandidate c;
    c.strategy = name();
    // The unchecked result of a call: check it where it is stored.
    if (site.finding().message.find("is not checked for NULL") != std::string::npos) {
      const TraceStep *source = site.step(TraceStep::Kind::Source);
      const Expr *call = source ? site.allocationAt(source->location) : nullptr;
      std::string ptr = call ? site.holderOf(call) : "";
      const Stmt *stmt = call ? site.enclosingStatement(call) : nullptr;
      if (!ptr.empty() && stmt) {
        std::string failure = site.failureStatement(stmt);
        if (failure.empty()) {
          why = "the function has no error return to follow";
          return {};
        }
        c.description = "check '" + ptr + "' for " + site.nullLiteral() + " where it is stored";
        if (site.insertAfter(stmt, site.guard(ptr + " == " + site.nullLiteral(), failure, stmt), c.edits)) return {c};
      }
    }
    // Otherwise: check the dereferenced pointer before the statement that uses it. A
    // dereference followed by a NULL test names the pointer it means (`s` in `free(s->buf)`).
    std::string named;
    if (site.finding().ruleId == "mamori.memory.null-check-after-dereference") {
      const std::string &m = site.finding().message;
      size_t open = m.find('\''), close = open == std::string::npos ? open : m.find('\'', open + 1);
      if (close != std::string::npos) named = m.substr(open + 1, close - open - 1);
    }
    const Expr *ptr = site.nodeAt<Expr>(site.finding().location, [&](const Expr *e) {
      return e->getType()->isPointerType() && FixSite::isStableLvalue(e) &&
             (named.empty() || site.text(e->IgnoreParenImpCasts()) == named);
    });
    if (!ptr && !named.empty()) {
      why = "the tested pointer '" + named + "' is not written at the dereference";
      return {};
    }
    if (!ptr) {
      // `*p`, `p->f` or `p[i]` at the location: the pointer is what they dereference.
      const Location &at = site.finding().location;
      const Expr *base = nullptr;
      if (auto *u = site.nodeAt<UnaryOperator>(at, [](const UnaryOperator *u) { return u->getOpcode() == UO_Deref; }))
        base = u->getSubExpr();
      else if (auto *m = site.nodeAt<MemberExpr>(at, [](const MemberExpr *m) { return m->isArrow(); }))
        base = m->getBase();
      else if (auto *a = site.nodeAt<ArraySubscriptExpr>(at))
        base = a->getBase();
      if (base && base->IgnoreParenImpCasts()->getType()->isPointerType() && FixSite::isStableLvalue(base))
        ptr = base->IgnoreParenImpCasts();
    }
    const Stmt *stmt = ptr ? site.enclosingStatement(ptr) : nullptr;
    if (!ptr || !stmt) {
      why = ptr ? "the dereference is in a loop header or a condition" : "the dereferenced pointer cannot be named again";
      return {};
    }
    std::string failure = site.failureStatement(stmt);
    if (failure.empty()) {
      why = "the function has no error return to follow";
      return {};
    }
    std::string name = site.text(ptr->IgnoreParenImpCasts());
    c.description = "check '" + name + "' for " + site.nullLiteral() + " before it is dereferenced";
    if (!site.insertBefore(stmt, site.guard(name + " == " + site.nullLiteral(), failure, stmt), c.edits)) {
      why = "the dereference is written inside a macro";
      return {};
    }
    return {c};
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeNullCheck() { return std::make_unique<NullCheck>(); }

}  // namespace mamori
