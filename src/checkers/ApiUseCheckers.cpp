#include "checkers/ApiUseCheckers.h"

namespace mamori {

std::vector<std::unique_ptr<ApiUseChecker>> makeApiUseCheckers() {
  std::vector<std::unique_ptr<ApiUseChecker>> v;
  v.push_back(makeWeakCryptoChecker());
  v.push_back(makeHardcodedCredentialsChecker());
  v.push_back(makeCleartextCredentialsChecker());
  v.push_back(makeWrongErrorCheckChecker());
  v.push_back(makeDataRaceChecker());
  v.push_back(makeSwappedArgumentsChecker());
  v.push_back(makeTypeConfusionChecker());
  v.push_back(makeUnlimitedProcessesChecker());
  return v;
}

}  // namespace mamori
