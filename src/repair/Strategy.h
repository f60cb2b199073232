// A repair strategy: for the findings of one kind, the smallest idiomatic patch, written in
// the code's own style (its error convention, indentation, NULL or nullptr). A strategy only
// proposes; repair/Validation decides whether a proposal is offered as validated.
//
// One strategy per file under strategies/, like the checkers; Strategies.cpp lists them.
#pragma once

#include "repair/FixSite.h"

#include "clang/Basic/SourceManager.h"

#include <memory>
#include <string>
#include <vector>

namespace mamori {

class RepairStrategy {
public:
  virtual ~RepairStrategy() = default;
  virtual const char *name() const = 0;
  virtual bool handles(const Finding &f) const = 0;
  // Candidates in order of preference. When there are none, `why` says what stood in
  // the way, in words a user can act on.
  virtual std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const = 0;
};

// Every strategy, in the order they are tried.
const std::vector<std::unique_ptr<RepairStrategy>> &allStrategies();

// Factories, one per file under strategies/.
std::unique_ptr<RepairStrategy> makeFormatLiteral();      // CWE-134
std::unique_ptr<RepairStrategy> makeCommandGuard();       // CWE-78
std::unique_ptr<RepairStrategy> makePathGuard();          // CWE-22
std::unique_ptr<RepairStrategy> makeReleaseOnce();        // CWE-415
std::unique_ptr<RepairStrategy> makeDeferRelease();       // CWE-416
std::unique_ptr<RepairStrategy> makeReleaseOnExit();      // CWE-401
std::unique_ptr<RepairStrategy> makeNullCheck();          // CWE-476, CWE-690
std::unique_ptr<RepairStrategy> makeInitialize();         // CWE-457
std::unique_ptr<RepairStrategy> makeRemoveRelease();      // CWE-590
std::unique_ptr<RepairStrategy> makeMatchingRelease();    // CWE-762
std::unique_ptr<RepairStrategy> makeDivisorCheck();       // CWE-369
std::unique_ptr<RepairStrategy> makeCheckedArithmetic();  // CWE-190, CWE-191
std::unique_ptr<RepairStrategy> makeFieldWidth();         // CWE-121, 122, 787 at scanf's %s
std::unique_ptr<RepairStrategy> makeBoundsCheck();        // CWE-121, 122, 124, 125, 126, 127
std::unique_ptr<RepairStrategy> makeSizeofPointee();      // CWE-467
std::unique_ptr<RepairStrategy> makeErrorCheck();         // CWE-253
std::unique_ptr<RepairStrategy> makeAllocationLimit();    // CWE-789

}  // namespace mamori
