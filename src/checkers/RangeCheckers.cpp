#include "checkers/RangeCheckers.h"

namespace mamori {

std::vector<std::unique_ptr<RangeChecker>> makeRangeCheckers() {
  std::vector<std::unique_ptr<RangeChecker>> v;
  v.push_back(makeDivideByZeroChecker());
  v.push_back(makeIntegerOverflowChecker());
  v.push_back(makeBufferOverflowChecker());
  v.push_back(makeEndlessLoopChecker());
  v.push_back(makeReachableAssertionChecker());
  v.push_back(makeUncontrolledRecursionChecker());
  v.push_back(makeSizeofPointerAllocationChecker());
  v.push_back(makeUntrustedPointerChecker());
  v.push_back(makeStringLiteralWriteChecker());
  v.push_back(makeUncontrolledAllocationChecker());
  return v;
}

}  // namespace mamori
