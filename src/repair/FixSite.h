// What a repair strategy works with: one finding, the AST of the translation unit it lies
// in, and the means to turn AST nodes into edits of the text that was scanned. Strategies
// ask questions of the code here (which node is the sink, how does this function report a
// failure) and never touch the file themselves.
#pragma once

#include "core/Finding.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"

#include <map>
#include <string>
#include <vector>

namespace mamori {

// A patch one strategy proposes; validation decides whether it is offered as validated.
struct FixCandidate {
  std::string strategy;
  std::string description;
  std::vector<TextEdit> edits;  // offsets into the scanned text; begin/end are filled later
};

// Every statement of one file, indexed by where it begins, with the function around it.
class StatementIndex {
public:
  StatementIndex(clang::ASTContext &ctx, const std::string &file);
  // Statements whose first token (or, for expressions, whose operator or name) is at
  // `line:column`, outermost first.
  std::vector<const clang::Stmt *> at(unsigned line, unsigned column) const;
  const clang::FunctionDecl *functionOf(const clang::Stmt *s) const;
  clang::FileID fileId() const { return fileId_; }

private:
  std::map<std::pair<unsigned, unsigned>, std::vector<const clang::Stmt *>> byPosition_;
  std::map<const clang::Stmt *, const clang::FunctionDecl *> function_;
  clang::FileID fileId_;
};

class FixSite {
public:
  FixSite(clang::ASTContext &ctx, const StatementIndex &index, const Finding &finding);

  const Finding &finding() const { return finding_; }
  clang::ASTContext &context() const { return ctx_; }
  bool isCpp() const;

  // The first node of type T at `loc` (outermost first), optionally satisfying `accept`.
  template <class T, class Pred>
  const T *nodeAt(const Location &loc, Pred accept) const {
    if (loc.file != finding_.location.file) return nullptr;
    for (const clang::Stmt *s : index_.at(loc.line, loc.column))
      if (const T *t = llvm::dyn_cast<T>(s))
        if (accept(t)) return t;
    return nullptr;
  }
  template <class T>
  const T *nodeAt(const Location &loc) const {
    return nodeAt<T>(loc, [](const T *) { return true; });
  }
  // The trace step of this kind whose message starts with `prefix` (empty: any).
  const TraceStep *step(TraceStep::Kind kind, const std::string &prefix = "") const;

  const clang::FunctionDecl *functionOf(const clang::Stmt *s) const { return index_.functionOf(s); }
  const clang::Stmt *parentStmt(const clang::Stmt *s) const;
  // The statement that holds `s` and before which code can run: a statement of a block,
  // a label's statement or a control statement's body. Null when `s` is in the header of
  // a loop (code before the loop would run once, not on every iteration), in a condition
  // evaluated only sometimes (`a && b`, `c ? x : y`), or outside any function body.
  const clang::Stmt *enclosingStatement(const clang::Stmt *s) const;
  // True when `s` is a statement of a block (or of a label or case); false when it is the
  // lone body of an if/else/loop, where inserted statements need braces.
  bool inBlock(const clang::Stmt *s) const;

  // Source text as written (macros unexpanded), and the indentation of a statement's line.
  std::string text(const clang::Stmt *s) const;
  std::string text(clang::SourceRange range) const;
  std::string indentOf(const clang::Stmt *s) const;
  std::string indentUnit() const;
  // The indentation of code placed next to `s`: its own in a block, a body's in braces
  // that mamori adds around a lone body.
  std::string bodyIndent(const clang::Stmt *s) const;

  // Edits. Each returns false (and adds nothing) when the place is inside a macro or
  // outside the finding's file.
  bool insertBefore(const clang::Stmt *stmt, const std::string &code, std::vector<TextEdit> &out) const;
  bool insertAfter(const clang::Stmt *stmt, const std::string &code, std::vector<TextEdit> &out) const;
  bool replace(clang::SourceRange tokens, const std::string &code, std::vector<TextEdit> &out) const;
  bool insertAt(clang::SourceLocation loc, const std::string &code, std::vector<TextEdit> &out) const;
  // A static helper function for patches to call, placed before the file's first function
  // definition. Every patch of the file puts it at that same place, so patches applied
  // together add it once. Nothing is added when the file already defines `name` (a patch
  // applied earlier). False when that place is inside a macro.
  bool addHelperFunction(const std::string &name, const std::string &definition, std::vector<TextEdit> &out) const;
  // Adds a file-scope definition of `macro` (a limit the fix names) at the same place, unless
  // the file defines it already. False when that place is inside a macro.
  bool addFileDefinition(const std::string &macro, const std::string &definition, std::vector<TextEdit> &out) const;
  // Removes a whole statement with its semicolon (and its line, when it is alone there).
  bool removeStatement(const clang::Stmt *stmt, std::vector<TextEdit> &out) const;

  // How the function around `s` reports a failure, as one statement: the early return its
  // other error paths use (`return -1;`, `return NULL;`, `goto fail;`), or the usual one for
  // its return type. Empty when there is none that fits (a function returning a struct).
  std::string failureStatement(const clang::Stmt *s) const;
  // Releases for the local pointers that own heap memory at `s`: allocated before it in a
  // block that holds it, and not released, returned or handed to other code on the way.
  // An early return must release them, or the fix trades one bug for a leak.
  std::vector<std::string> liveAllocationReleases(const clang::Stmt *s) const;
  // Releases for pointer fields given heap memory in this function before `s`
  // (`out->samples = malloc(n)`), on every path to it and not handed on since; each also
  // resets the field, since a caller may release the struct's fields after a failure.
  std::vector<std::string> liveFieldReleases(const clang::Stmt *s) const;
  // The release that matches an allocator ("new", "new[]", anything else: the malloc
  // family) of `ptr`, as a statement: `delete p;`, `delete[] p;`, `free(p);`.
  static std::string releaseFor(const std::string &allocator, const std::string &ptr);
  // Whether `e` runs on every path to `at`: its statement belongs to a block that holds `at`.
  bool onEveryPathTo(const clang::Expr *e, const clang::Stmt *at) const;
  // The position of the format among a formatting call's arguments: 1 for sprintf, 2 for
  // snprintf (and their v-forms); -1 for any other function.
  static int formatArgument(llvm::StringRef callee);
  // `NULL` in C, `nullptr` in C++.
  const char *nullLiteral() const;
  // A simple lvalue: a variable, or fields and subscripts of one, with no calls or
  // side effects, so that it can be named again in inserted code.
  static bool isStableLvalue(const clang::Expr *e);
  static bool isSideEffectFree(const clang::Expr *e, const clang::ASTContext &ctx);
  // Whether `e` is a narrow string: a char pointer or array, literals included.
  static bool isString(const clang::Expr *e);
  // `if (condition) {\n    failure\n}` indented for a statement placed before `at`.
  std::string guard(const std::string &condition, const std::string &failure, const clang::Stmt *at) const;
  // The usual guard: `if (condition) { <the function's failure> }` before the statement that
  // holds `at`. Empty, with `why` set, when `at` has no such statement, the function no
  // failure convention, or a macro is in the way.
  std::vector<FixCandidate> guardBefore(const clang::Stmt *at, const std::string &condition, const std::string &strategy,
                                        const std::string &description, std::string &why) const;
  // The text of `e`, parenthesized unless it is a name, literal, call or subscript.
  std::string operand(const clang::Expr *e) const;
  // What holds `value` when it is stored: `p` in `p = malloc(n)` or `char *p = malloc(n)`.
  // Empty when the value is not stored in a simple lvalue.
  std::string holderOf(const clang::Expr *value) const;
  // The local variable that holds `value`, when it is one (null otherwise).
  const clang::VarDecl *holderVariable(const clang::Expr *value) const;
  // The statement `e` makes up on its own (`free(p);`, `delete p;`), or null when `e` is
  // part of a larger one.
  const clang::Stmt *ownStatement(const clang::Expr *e) const;
  // The release at `loc`: a call (free, a function that frees) or a delete expression;
  // and the pointer it releases (the first pointer argument of a call).
  const clang::Expr *releaseAt(const Location &loc) const;
  static const clang::Expr *releasedPointer(const clang::Expr *release);
  // The allocation at `loc`: a call or a new expression.
  const clang::Expr *allocationAt(const Location &loc) const;
  // Whether `code` names `name` as a whole: `j` is in `j->id` but not in `job`.
  static bool namesIn(const std::string &code, const std::string &name);
  // Whether `s` mentions `v`.
  static bool mentions(const clang::Stmt *s, const clang::ValueDecl *v);
  // A name not declared in the function around `s`, starting from `base`.
  std::string freshName(const clang::Stmt *s, const std::string &base) const;
  // Whether the translation unit declares a function of this name (snprintf, strpbrk, ...).
  bool declares(const std::string &function) const;

  // The position just past a statement's last character, its semicolon included.
  clang::SourceLocation endOfStatement(const clang::Stmt *s) const;

private:
  // Inserts `definition` above the file's first function and the comments that introduce
  // it; nothing when a function named `name` (if given) is defined already.
  bool addAboveFirstFunction(const std::string &name, const std::string &definition,
                             std::vector<TextEdit> &out) const;
  std::string defaultFailure(const clang::FunctionDecl *fd) const;
  bool errorReporter(const clang::Expr *e) const;
  // Puts braces around a lone body, with `before` and `after` as statements inside them.
  bool braceLoneBody(const clang::Stmt *stmt, const std::string &before, const std::string &after,
                     std::vector<TextEdit> &out) const;
  clang::SourceLocation afterLineComment(clang::SourceLocation end) const;
  const clang::Expr *assignedFrom(const clang::Expr *value) const;
  mutable const clang::VarDecl *assignedDecl_ = nullptr;
  bool offsetOf(clang::SourceLocation loc, unsigned &offset) const;
  clang::ASTContext &ctx_;
  const StatementIndex &index_;
  const Finding &finding_;
};

}  // namespace mamori
