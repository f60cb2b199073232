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
    if (fmt->getFirstArg() == 0) {
      why = "the format is forwarded with a va_list; the fix belongs in the callers of '" +
            site.finding().function + "'";
      return {};
    }
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
};

}  // namespace

std::unique_ptr<RepairStrategy> makeFormatLiteral() { return std::make_unique<FormatLiteral>(); }

}  // namespace mamori
