// CWE-134: data used as a format. The fix keeps the output and the call, and passes the
// data as the argument of a constant format: printf(s) -> printf("%s", s).
#include "repair/Strategy.h"

#include "clang/AST/ExprCXX.h"

#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"

namespace mamori {
namespace {

using namespace clang;

class FormatLiteral : public RepairStrategy {
public:
  const char *name() const override { return "format-literal"; }
  bool handles(const Finding &f) const override { return f.cwe == 134; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    const CallExpr *call = site.nodeAt<CallExpr>(site.finding().location, [](const CallExpr *c) {
      return c->getDirectCallee() && c->getDirectCallee()->hasAttr<FormatAttr>();
    });
    if (!call) {
      why = "the sink is not a call to a function with a printf-style format";
      return {};
    }
    const FormatAttr *fmt = call->getDirectCallee()->getAttr<FormatAttr>();
    unsigned formatIndex = static_cast<unsigned>(fmt->getFormatIdx()) - 1;  // 1-based in the attribute
    if (isa<CXXMethodDecl>(call->getDirectCallee())) --formatIndex;          // `this` counts there
    if (fmt->getFirstArg() == 0) return atWrapperCall(site, call, formatIndex, why);
    if (formatIndex >= call->getNumArgs()) {
      why = "the format argument could not be found";
      return {};
    }
    if (call->getNumArgs() > formatIndex + 1) {
      why = "the call passes arguments for its format, so the format cannot simply become \"%s\"";
      return {};
    }
    const Expr *format = call->getArg(formatIndex);
    QualType pointee = format->IgnoreImpCasts()->getType()->getPointeeOrArrayElementType()->getCanonicalTypeUnqualified();
    bool wide = !pointee.isNull() && pointee->isWideCharType();
    FixCandidate c;
    c.strategy = name();
    c.description = std::string("pass the data as the argument of a constant ") + (wide ? "L\"%ls\"" : "\"%s\"") +
                    " format instead of as the format";
    if (!site.insertAt(format->getBeginLoc().isMacroID() ? SourceLocation() : format->getBeginLoc(),
                       wide ? "L\"%ls\", " : "\"%s\", ", c.edits)) {
      why = "the format argument is written inside a macro";
      return {};
    }
    return {c};
  }

private:
  // `void say(const char *fmt, ...) { ... vprintf(fmt, ap); }` called as `say(data)`: the
  // data becomes a format in the wrapper, so the call that passes it is patched:
  // `say(data)` -> `say("%s", data)`, and `say(data, data)` -> `say("%s", data)`.
  std::vector<FixCandidate> atWrapperCall(const FixSite &site, const CallExpr *sink, unsigned formatIndex,
                                          std::string &why) const {
    why = "the format is forwarded with a va_list; the fix belongs in the callers of '" + site.finding().function + "'";
    auto *param = dyn_cast<DeclRefExpr>(sink->getArg(formatIndex)->IgnoreParenImpCasts());
    auto *parm = param ? dyn_cast<ParmVarDecl>(param->getDecl()) : nullptr;
    if (!parm) return {};
    const TraceStep *step = nullptr;
    for (const TraceStep &t : site.finding().trace)
      if (t.kind == TraceStep::Kind::Call && t.message.rfind("passed to '" + site.finding().function + "'", 0) == 0)
        step = &t;
    const Expr *arg = step ? site.nodeAt<Expr>(step->location) : nullptr;
    const CallExpr *call = nullptr;
    for (const Stmt *p = arg; p && !call; p = site.parentStmt(p))
      if (auto *c = dyn_cast<CallExpr>(p)) call = c;
    const FunctionDecl *wrapper = call ? call->getDirectCallee() : nullptr;
    unsigned k = parm->getFunctionScopeIndex();
    if (!wrapper || !wrapper->isVariadic() || wrapper->getNumParams() != k + 1 || call->getNumArgs() <= k) return {};
    const Expr *format = call->getArg(k);
    unsigned extras = call->getNumArgs() - wrapper->getNumParams();
    FixCandidate c;
    c.strategy = name();
    c.description = "pass the data to '" + wrapper->getNameAsString() + "' as the argument of a constant \"%s\" format";
    bool ok = false;
    if (extras == 0) {
      ok = site.insertAt(format->getBeginLoc().isMacroID() ? SourceLocation() : format->getBeginLoc(), "\"%s\", ", c.edits);
    } else if (extras == 1) {
      if (FixSite::isString(call->getArg(k + 1)))
        ok = site.replace(format->getSourceRange(), "\"%s\"", c.edits);
    }
    if (!ok) {
      why = "the format comes from data and is used with " + std::to_string(extras) + " argument(s) ('" + site.text(call) +
            "'), so it cannot become \"%s\"; only the format the code intends, written as a constant, fixes that";
      return {};
    }
    why.clear();
    return {c};
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeFormatLiteral() { return std::make_unique<FormatLiteral>(); }

}  // namespace mamori
