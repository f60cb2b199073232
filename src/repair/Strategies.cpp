#include "repair/Strategy.h"

namespace mamori {

const std::vector<std::unique_ptr<RepairStrategy>> &allStrategies() {
  static const std::vector<std::unique_ptr<RepairStrategy>> strategies = [] {
    std::vector<std::unique_ptr<RepairStrategy>> v;
    v.push_back(makeFormatLiteral());
    v.push_back(makeCommandGuard());
    v.push_back(makePathGuard());
    v.push_back(makeReleaseOnce());
    v.push_back(makeDeferRelease());
    v.push_back(makeReleaseOnExit());
    v.push_back(makeNullCheck());
    v.push_back(makeInitialize());
    v.push_back(makeRemoveRelease());
    v.push_back(makeMatchingRelease());
    v.push_back(makeDivisorCheck());
    v.push_back(makeCheckedArithmetic());
    v.push_back(makeFieldWidth());
    v.push_back(makeBoundsCheck());
    v.push_back(makeSizeofPointee());
    v.push_back(makeErrorCheck());
    v.push_back(makeAllocationLimit());
    return v;
  }();
  return strategies;
}

}  // namespace mamori
