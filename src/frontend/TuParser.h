// Parses one translation unit with Clang 19 exactly as its compile command says, and
// hands the AST to an analysis callback. Parse errors become a Diagnostic; the callback
// runs only on a TU that parsed cleanly.
#pragma once

#include "core/CompileCommand.h"
#include "core/Finding.h"

#include <functional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
}

namespace mamori {

struct TuParseResult {
  bool parsed = false;  // the AST was built without errors and the callback ran
  std::vector<Diagnostic> diagnostics;
};

using AstCallback = std::function<void(clang::ASTContext &)>;

// A scan that analyses a TU more than once (cross-file rounds) keeps its AST on disk in
// between: reading it back costs a fraction of parsing the TU and its headers again.
struct AstReuse {
  std::string path;            // where this TU's AST is kept, or is to be written
  std::function<bool()> keep;  // asked after the callback ran on a fresh parse: write it?
};

// The compiler's own argv is adjusted: outputs and dependency files are dropped,
// -fsyntax-only is added, warnings are silenced, Clang 19's resource directory is used.
// With `reuse`, an AST kept at reuse->path is read instead of parsing (a file that cannot
// be read back, or whose sources changed, is removed and the TU parsed as usual).
TuParseResult parseTranslationUnit(const CompileCommand &cmd, const AstCallback &callback,
                                   const AstReuse *reuse = nullptr);

// Flags that make Clang 19 accept, with warnings, the pre-C99 code (implicit declarations,
// int to pointer) that Clang 16+ rejects but GCC 12, Debian 12's compiler, still builds.
const std::vector<std::string> &legacyCodeAsWarnings();

// The argv that will be given to Clang for `cmd` (exposed for tests and --verbose).
std::vector<std::string> adjustedArguments(const CompileCommand &cmd);

}  // namespace mamori
