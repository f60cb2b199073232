// The memory-safety checker family, one checker per file.
#pragma once

#include "engine/MemoryChecker.h"

#include <memory>
#include <vector>

namespace mamori {

std::unique_ptr<MemoryChecker> makeDoubleFreeChecker();        // CWE-415
std::unique_ptr<MemoryChecker> makeUseAfterFreeChecker();      // CWE-416
std::unique_ptr<MemoryChecker> makeMemoryLeakChecker();        // CWE-401
std::unique_ptr<MemoryChecker> makeNullDereferenceChecker();   // CWE-476 / CWE-690
std::unique_ptr<MemoryChecker> makeNullCheckAfterDereferenceChecker();  // CWE-476
std::unique_ptr<MemoryChecker> makeUninitializedReadChecker(); // CWE-457
std::unique_ptr<MemoryChecker> makeFreeNonHeapChecker();       // CWE-590
std::unique_ptr<MemoryChecker> makeMismatchedReleaseChecker(); // CWE-762
std::unique_ptr<MemoryChecker> makeFreeInteriorChecker();      // CWE-761

std::vector<std::unique_ptr<MemoryChecker>> makeMemoryCheckers();

// "file.c:12" for messages.
std::string shortLocation(const Location &l);

}  // namespace mamori
