// Checkers built on the value-range analysis, one per file.
#pragma once

#include "engine/RangeChecker.h"

#include <memory>
#include <vector>

namespace mamori {

std::unique_ptr<RangeChecker> makeDivideByZeroChecker();    // CWE-369
std::unique_ptr<RangeChecker> makeIntegerOverflowChecker(); // CWE-190 / CWE-191
std::unique_ptr<RangeChecker> makeBufferOverflowChecker();  // CWE-121/122/124/125/127 (787)
std::unique_ptr<RangeChecker> makeEndlessLoopChecker();     // CWE-835
std::unique_ptr<RangeChecker> makeReachableAssertionChecker(); // CWE-617
std::unique_ptr<RangeChecker> makeUncontrolledRecursionChecker(); // CWE-674
std::unique_ptr<RangeChecker> makeSizeofPointerAllocationChecker(); // CWE-467
std::unique_ptr<RangeChecker> makeUntrustedPointerChecker();  // CWE-822 / CWE-823
std::unique_ptr<RangeChecker> makeUncontrolledAllocationChecker();  // CWE-789 (770)
std::unique_ptr<RangeChecker> makeStringLiteralWriteChecker();  // CWE-758 / CWE-628

std::vector<std::unique_ptr<RangeChecker>> makeRangeCheckers();

}  // namespace mamori
