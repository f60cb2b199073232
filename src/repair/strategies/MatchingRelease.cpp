// CWE-762: memory released by the wrong function. The fix uses the release that matches
// the allocation: delete for new, delete[] for new[], free for the malloc family.
#include "repair/Strategy.h"

#include "clang/AST/ExprCXX.h"

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
    return {c};
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeMatchingRelease() { return std::make_unique<MatchingRelease>(); }

}  // namespace mamori
