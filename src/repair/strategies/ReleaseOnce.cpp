// CWE-415: memory released twice. The preferred fix empties the pointer right after its
// first release, so the second release sees NULL (a no-op for free and delete) and any
// later test of the pointer reads true state; when the pointer cannot be named again,
// the second release is removed instead.
#include "repair/Strategy.h"

#include "clang/AST/ExprCXX.h"

namespace mamori {
namespace {

using namespace clang;

class ReleaseOnce : public RepairStrategy {
public:
  const char *name() const override { return "release-once"; }
  bool handles(const Finding &f) const override { return f.cwe == 415; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    std::vector<FixCandidate> out;
    const TraceStep *first = site.step(TraceStep::Kind::Propagation, "first released");
    const Expr *firstRelease = first ? site.releaseAt(first->location) : nullptr;
    if (firstRelease) {
      const Expr *ptr = FixSite::releasedPointer(firstRelease);
      // Only when the release is the whole statement: `free(p);`, `delete p;`.
      const Stmt *stmt = site.ownStatement(firstRelease);
      if (ptr && FixSite::isStableLvalue(ptr) && stmt) {
        FixCandidate c;
        c.strategy = "null-after-release";
        c.description = "set '" + site.text(ptr->IgnoreParenImpCasts()) + "' to " + site.nullLiteral() +
                        " after its first release, so the second one does nothing";
        if (site.insertAfter(stmt, site.text(ptr->IgnoreParenImpCasts()) + " = " + site.nullLiteral() + ";", c.edits))
          out.push_back(c);
      }
    }
    if (const Stmt *secondStmt = site.ownStatement(site.releaseAt(site.finding().location))) {
      FixCandidate c;
      c.strategy = "remove-second-release";
      c.description = "remove the second release of memory that was already released";
      if (site.removeStatement(secondStmt, c.edits)) out.push_back(c);
    }
    if (out.empty()) why = "neither release is a statement of its own with a pointer that can be named again";
    return out;
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeReleaseOnce() { return std::make_unique<ReleaseOnce>(); }

}  // namespace mamori
