// CWE-121/122/787 at a scanf-family call: a %s or %[...] conversion with no field width
// stores as much as the input holds. The fix gives the conversion the width its buffer
// allows (one less than its size, for the NUL): scanf("%s", name) -> scanf("%15s", name).
#include "repair/Strategy.h"

#include "frontend/AstUtil.h"

#include "clang/AST/ASTContext.h"
#include "clang/Basic/TargetInfo.h"

namespace mamori {
namespace {

using namespace clang;

class FieldWidth : public RepairStrategy {
public:
  const char *name() const override { return "field-width"; }
  bool handles(const Finding &f) const override { return f.cwe == 121 || f.cwe == 122 || f.cwe == 787; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    ASTContext &ctx = site.context();
    const CallExpr *call = site.nodeAt<CallExpr>(site.finding().location, [](const CallExpr *c) {
      return c->getDirectCallee() && scanfFormatIndex(c->getDirectCallee()->getNameAsString()) >= 0;
    });
    if (!call) return {};  // not this strategy's kind of write: the other strategies explain
    unsigned formatIndex = static_cast<unsigned>(scanfFormatIndex(call->getDirectCallee()->getNameAsString()));
    const auto *format = formatIndex < call->getNumArgs()
                             ? dyn_cast<StringLiteral>(call->getArg(formatIndex)->IgnoreParenImpCasts())
                             : nullptr;
    if (!format || format->getCharByteWidth() != 1 || format->getNumConcatenated() != 1 ||
        format->getBeginLoc().isMacroID()) {
      why = "the format is not one plain string literal";
      return {};
    }
    FixCandidate c;
    c.strategy = name();
    unsigned arg = formatIndex + 1;
    std::string widths;
    for (const ScanConversion &conv : scanfConversions(format->getString())) {
      if (conv.suppressed) continue;
      if (arg >= call->getNumArgs()) break;
      const Expr *dest = call->getArg(arg++);
      if ((conv.conversion != 's' && conv.conversion != '[') || conv.allocates || conv.width >= 0) continue;
      const auto *array = ctx.getAsConstantArrayType(dest->IgnoreParenImpCasts()->getType());
      if (!array || ctx.getTypeSizeInChars(array->getElementType()).getQuantity() != 1) continue;
      uint64_t size = array->getSize().getZExtValue();
      if (size < 2) continue;
      SourceLocation at = format->getLocationOfByte(static_cast<unsigned>(conv.widthAt), ctx.getSourceManager(),
                                                    ctx.getLangOpts(), ctx.getTargetInfo());
      if (!site.insertAt(at, std::to_string(size - 1), c.edits)) {
        why = "the format could not be edited";
        return {};
      }
      widths += (widths.empty() ? "" : ", ") + std::to_string(size - 1) + " for '" + site.text(dest) + "'";
    }
    if (c.edits.empty()) {
      why = "no unbounded string conversion writes into an array of known size";
      return {};
    }
    c.description = "give the string conversions of the format a field width (" + widths + ")";
    return {c};
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeFieldWidth() { return std::make_unique<FieldWidth>(); }

}  // namespace mamori
