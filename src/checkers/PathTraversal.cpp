// CWE-22: path traversal. Attacker data used as a file-system path without a check that
// keeps it inside the intended directory ("../", absolute paths).
#include "checkers/TaintCheckers.h"

namespace mamori {
namespace {

class PathTraversalChecker final : public TaintSinkChecker {
public:
  SinkKind kind() const override { return SinkKind::Path; }

  const RuleInfo &rule() const override {
    static const RuleInfo r{
        "mamori.taint.path-traversal",
        "PathTraversal",
        22,
        {23, 36},
        Severity::Error,
        7.5,
        "path traversal",
        "Attacker-controlled data is used as a file-system path without validation, so '../' sequences or "
        "absolute paths can reach files outside the intended directory.",
        "Reject names containing '/' or '..', or canonicalize with realpath() and check that the result "
        "starts with the allowed root directory before opening it."};
    return r;
  }

  std::string message(const std::string &sink, const std::string &what) const override {
    return "path traversal: " + what + " is used as a path by '" + sink + "' without validation";
  }
};

}  // namespace

std::unique_ptr<TaintSinkChecker> makePathTraversalChecker() { return std::make_unique<PathTraversalChecker>(); }

}  // namespace mamori
