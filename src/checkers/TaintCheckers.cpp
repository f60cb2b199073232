#include "checkers/TaintCheckers.h"

namespace mamori {

std::vector<std::unique_ptr<TaintSinkChecker>> makeTaintCheckers() {
  std::vector<std::unique_ptr<TaintSinkChecker>> v;
  v.push_back(makeCommandInjectionChecker());
  v.push_back(makeFormatStringChecker());
  v.push_back(makePathTraversalChecker());
  v.push_back(makeSqlInjectionChecker());
  return v;
}

}  // namespace mamori
