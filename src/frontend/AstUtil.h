// Small pieces of Clang glue that every analysis needs: stable locations for findings,
// normalized callee names for model lookup, and the source text of an expression.
#pragma once

#include "core/Finding.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"

#include <optional>
#include <string>
#include <set>
#include <vector>

namespace mamori {

// The TU's top-level declarations that can hold code the analyses read (functions,
// variables, and the namespaces, classes and linkage blocks that contain them; not
// typedefs, enums or C structs), outside system headers, in source order. From an AST read
// back from disk (AstReuse) only those kinds are deserialized.
std::vector<clang::Decl *> topLevelDeclsOutsideSystemHeaders(clang::ASTContext &ctx);

// Runs a RecursiveASTVisitor over the top-level declarations that are not written in system
// headers. System headers hold no code the analyses look at, and cannot refer to the
// project's functions or globals; skipping them saves walking every libc declaration, and
// leaves an AST read back from disk (AstReuse) mostly undeserialized.
template <typename Visitor> void traverseOutsideSystemHeaders(clang::ASTContext &ctx, Visitor &visitor) {
  for (clang::Decl *d : topLevelDeclsOutsideSystemHeaders(ctx)) visitor.TraverseDecl(d);
}

// Converts Clang source locations into Locations. Macro locations map to where the macro
// was expanded (the user's code), and file names become absolute, normalized paths.
class LocationMapper {
public:
  explicit LocationMapper(const clang::SourceManager &sm) : sm_(sm) {}
  Location map(clang::SourceLocation loc);
  bool isInSystemHeader(clang::SourceLocation loc) const;
  // The text of [begin, end] after macro expansion ranges, whitespace collapsed.
  std::string text(clang::SourceRange range, const clang::LangOptions &lo) const;

private:
  const clang::SourceManager &sm_;
  llvm::DenseMap<unsigned, std::string> paths_;  // FileID hash -> absolute path
};

// "strcpy", "std::basic_string::c_str": qualified, without template arguments or inline
// namespaces, and without the `__builtin___`/`_chk` of fortified builtins, so that one
// model entry matches every spelling. Cached per declaration.
class CalleeNamer {
public:
  const std::string &name(const clang::FunctionDecl *fd);

private:
  llvm::DenseMap<const clang::FunctionDecl *, std::string> cache_;
};

// Unified Symbol Resolution ids of functions: the key that links summaries across
// translation units. Empty when Clang cannot name the function. Cached per declaration.
class UsrCache {
public:
  const std::string &usr(const clang::FunctionDecl *fd);

private:
  llvm::DenseMap<const clang::FunctionDecl *, std::string> cache_;
};

// Strips parentheses and no-op casts, but keeps the casts that matter to dataflow.
const clang::Expr *stripParensAndCasts(const clang::Expr *e);

// The condition inside a branch hint: `__builtin_expect(c, v)` (what likely()/unlikely()
// macros expand to), `__builtin_expect_with_probability` and `__builtin_unpredictable`
// branch on c. Other expressions are returned as they are, without parentheses.
const clang::Expr *withoutBranchHint(const clang::Expr *e);

// `void (*sink)(char *) = badSink; sink(x);`: the function a call through a local function
// pointer reaches, when the pointer is initialized with one function and never assigned or
// has its address taken in `body` afterwards. Null otherwise.
const clang::FunctionDecl *localFunctionPointerTarget(const clang::Expr *callee, const clang::Stmt *body);

// The variable at the root of an lvalue or pointer expression: `p` in `p->f[3]`,
// `buf` in `(char *)(buf + n)`, `x` in `&x`. Null if there is none.
const clang::VarDecl *rootVariable(const clang::Expr *e);

// The value of an integer constant expression, casts included (`-1`, `(void *)0`'s 0, an
// enumerator, a macro such as `EOF`). Nothing for anything else.
std::optional<long long> integerConstant(const clang::Expr *e, const clang::ASTContext &ctx);

// integerConstant of each argument of a call, in order.
std::vector<std::optional<long long>> integerArguments(const clang::CallExpr *call, const clang::ASTContext &ctx);

// The arguments whose product is the size of the block an allocator returns: {0} for
// malloc and alloca (also `__builtin_alloca`), {0, 1} for calloc, {1} for realloc; none for
// other functions or a wrong argument count.
std::vector<unsigned> allocationSizeArguments(llvm::StringRef allocator, unsigned numArgs);

// Whether `e` names main's argument vector (`argv` in `argv[i]`).
bool isMainArgv(const clang::Expr *e);

// Whether `body` takes the address of `vd` or binds a reference or a lambda capture to it,
// so that it may change through another name. `passedIsTaken` false: `&x` written directly as
// a call's argument does not count (the call's effect on x is modelled where it is made:
// scanf's outputs, an unknown callee's).
bool addressTaken(const clang::VarDecl *vd, const clang::Stmt *body, bool passedIsTaken = true);
// Whether `body` only reads `vd`'s value, assigns it (`=`, `op=`) and increments or
// decrements it: a variable whose every write the analysis sees.
bool onlyReadOrAssigned(const clang::VarDecl *vd, const clang::Stmt *body);

// The variables an expression or statement reads or writes, each once, in order of
// appearance (parameters included).
std::vector<const clang::VarDecl *> variablesIn(const clang::Stmt *s);

// One conversion of a scanf-family format: where it starts ('%'), where a field width goes
// (after the '%' and any '*'), its width (-1: none), and its conversion character ('s',
// '[' for a scanset, 'd', ...). `suppressed` (%*d) takes no argument; `allocates` (%ms)
// stores into a buffer the library allocates.
struct ScanConversion {
  size_t percent = 0, widthAt = 0;
  long long width = -1;
  char conversion = 0;
  bool suppressed = false, allocates = false;
};
std::vector<ScanConversion> scanfConversions(llvm::StringRef format);
// The argument index of a scanf-family function's format (scanf 0, fscanf/sscanf 1), or -1.
int scanfFormatIndex(const std::string &name);

// The arguments of a printf-style call (the callee has a `format(printf, ...)` attribute,
// as the C library's printf family gets from Clang) that its literal format prints with
// `%p`: their value is printed, the memory they point to is never read. Empty when the
// format is not a literal.
std::set<unsigned> printfAddressArguments(const clang::CallExpr *call, const clang::ASTContext &ctx);

}  // namespace mamori
