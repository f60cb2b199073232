// CWE-590: memory that is not on the heap is released. Its storage ends with its scope, so
// the fix removes the release.
#include "repair/Strategy.h"

#include "clang/AST/ExprCXX.h"

namespace mamori {
namespace {

using namespace clang;

class RemoveRelease : public RepairStrategy {
public:
  const char *name() const override { return "remove-release"; }
  bool handles(const Finding &f) const override { return f.cwe == 590; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    const Stmt *stmt = site.ownStatement(site.releaseAt(site.finding().location));
    if (!stmt) {
      why = "the release is not a statement of its own";
      return {};
    }
    FixCandidate c;
    c.strategy = name();
    c.description = "remove the release of memory that is not on the heap";
    if (!site.removeStatement(stmt, c.edits)) {
      why = "the release is written inside a macro";
      return {};
    }
    return {c};
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeRemoveRelease() { return std::make_unique<RemoveRelease>(); }

}  // namespace mamori
