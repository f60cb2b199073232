// The taint checker family. Each checker lives in its own file; this header is how the
// scan stage gets all of them.
#pragma once

#include "engine/TaintSinkChecker.h"

#include <memory>
#include <vector>

namespace mamori {

std::unique_ptr<TaintSinkChecker> makeCommandInjectionChecker();  // CWE-78
std::unique_ptr<TaintSinkChecker> makeFormatStringChecker();      // CWE-134
std::unique_ptr<TaintSinkChecker> makePathTraversalChecker();     // CWE-22
std::unique_ptr<TaintSinkChecker> makeSqlInjectionChecker();      // CWE-89

// Every taint checker, in a stable order.
std::vector<std::unique_ptr<TaintSinkChecker>> makeTaintCheckers();

}  // namespace mamori
