#include "checkers/MemoryCheckers.h"

namespace mamori {

std::string shortLocation(const Location &l) {
  auto slash = l.file.find_last_of('/');
  return (slash == std::string::npos ? l.file : l.file.substr(slash + 1)) + ":" + std::to_string(l.line);
}

std::vector<std::unique_ptr<MemoryChecker>> makeMemoryCheckers() {
  std::vector<std::unique_ptr<MemoryChecker>> v;
  v.push_back(makeDoubleFreeChecker());
  v.push_back(makeUseAfterFreeChecker());
  v.push_back(makeMemoryLeakChecker());
  v.push_back(makeNullDereferenceChecker());
  v.push_back(makeNullCheckAfterDereferenceChecker());
  v.push_back(makeUninitializedReadChecker());
  v.push_back(makeFreeNonHeapChecker());
  v.push_back(makeMismatchedReleaseChecker());
  v.push_back(makeFreeInteriorChecker());
  return v;
}

}  // namespace mamori
