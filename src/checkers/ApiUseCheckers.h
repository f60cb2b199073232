// Checkers built on the API-use analysis (how library APIs are called), one per file.
#pragma once

#include "engine/ApiUseChecker.h"

#include <memory>
#include <vector>

namespace mamori {

std::unique_ptr<ApiUseChecker> makeWeakCryptoChecker();           // CWE-327
std::unique_ptr<ApiUseChecker> makeHardcodedCredentialsChecker(); // CWE-798
std::unique_ptr<ApiUseChecker> makeCleartextCredentialsChecker(); // CWE-256 / CWE-312
std::unique_ptr<ApiUseChecker> makeWrongErrorCheckChecker();      // CWE-253
std::unique_ptr<ApiUseChecker> makeDataRaceChecker();             // CWE-362 / CWE-366
std::unique_ptr<ApiUseChecker> makeSwappedArgumentsChecker();     // CWE-628 / CWE-683
std::unique_ptr<ApiUseChecker> makeTypeConfusionChecker();        // CWE-843
std::unique_ptr<ApiUseChecker> makeUnlimitedProcessesChecker();   // CWE-770

std::vector<std::unique_ptr<ApiUseChecker>> makeApiUseCheckers();

}  // namespace mamori
