// CWE-762: memory released by the wrong function. The fix uses the release that matches
// the allocation: delete for new, delete[] for new[], free for the malloc family. When
// `new[]` of plain data and malloc both reach one free, the new[] becomes a malloc.
#include "repair/Strategy.h"

#include "clang/AST/ExprCXX.h"

#include <optional>

namespace mamori {
namespace {

using namespace clang;

class MatchingRelease : public RepairStrategy {
public:
  const char *name() const override { return "matching-release"; }
  bool handles(const Finding &f) const override { return f.cwe == 762; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    const std::string &m = site.finding().message;
    size_t q = m.find("allocated by '");
    std::string allocator = q == std::string::npos ? "" : m.substr(q + 14, m.find('\'', q + 14) - q - 14);
    const Expr *release = site.releaseAt(site.finding().location);
    const Expr *ptr = release ? FixSite::releasedPointer(release) : nullptr;
    if (!ptr || allocator.empty()) {
      why = "the release or its allocation could not be found";
      return {};
    }
    std::string p = site.text(ptr->IgnoreImpCasts());
    std::string fixed = allocator == "new"     ? "delete " + site.operand(ptr->IgnoreImpCasts())
                        : allocator == "new[]" ? "delete[] " + site.operand(ptr->IgnoreImpCasts())
                                               : "free(" + p + ")";
    FixCandidate c;
    c.strategy = name();
    c.description = "release with '" + std::string(allocator == "new" ? "delete" : allocator == "new[]" ? "delete[]" : "free") +
                    "', which matches '" + allocator + "'";
    if (!site.replace(release->getSourceRange(), fixed, c.edits)) {
      why = "the release is written inside a macro";
      return {};
    }
    std::vector<FixCandidate> out{c};
    // The pointer may also hold memory from malloc on another path (`n < k ? new char[k] :
    // malloc(n)`): then no single release matches, and the `new[]` of plain data becomes
    // the malloc that free expects.
    if (std::optional<FixCandidate> alt = allocateToMatch(site, release)) out.push_back(*alt);
    return out;
  }

private:
  static std::optional<FixCandidate> allocateToMatch(const FixSite &site, const Expr *release) {
    const auto *call = dyn_cast<CallExpr>(release->IgnoreParenImpCasts());
    const FunctionDecl *callee = call ? call->getDirectCallee() : nullptr;
    if (!callee || !callee->getIdentifier() || callee->getName() != "free" || !site.isCpp()) return std::nullopt;
    const TraceStep *allocated = site.step(TraceStep::Kind::Source, "allocated by");
    const auto *newExpr = allocated ? dyn_cast_or_null<CXXNewExpr>(site.allocationAt(allocated->location)) : nullptr;
    if (!newExpr || !newExpr->isArray() || newExpr->getNumPlacementArgs() > 0 || !newExpr->getArraySize()) return std::nullopt;
    QualType elem = newExpr->getAllocatedType();
    ASTContext &ctx = site.context();
    if (!elem.isTriviallyCopyableType(ctx) || (elem->getAsCXXRecordDecl() && !elem->getAsCXXRecordDecl()->hasTrivialDefaultConstructor()))
      return std::nullopt;
    const Expr *count = *newExpr->getArraySize();
    std::string type = elem.getAsString(ctx.getPrintingPolicy());
    std::string bytes = ctx.getTypeSizeInChars(elem).isOne() ? site.text(count) : site.operand(count) + " * sizeof(" + type + ")";
    std::string malloc = site.declares("malloc") ? "std::malloc" : "";
    if (malloc.empty()) return std::nullopt;
    FixCandidate alt;
    alt.strategy = "allocate-to-match";
    alt.description = "allocate with malloc, as the other allocations that reach this 'free' do";
    if (!site.replace(newExpr->getSourceRange(), "static_cast<" + type + " *>(" + malloc + "(" + bytes + "))", alt.edits))
      return std::nullopt;
    return alt;
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeMatchingRelease() { return std::make_unique<MatchingRelease>(); }

}  // namespace mamori
