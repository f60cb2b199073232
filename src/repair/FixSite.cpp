#include "repair/FixSite.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

#include <algorithm>
#include <functional>
#include <cctype>
#include <set>

namespace mamori {

using namespace clang;

namespace {

// Records each statement of the functions defined in one file, outermost first.
class Indexer : public RecursiveASTVisitor<Indexer> {
public:
  Indexer(ASTContext &ctx, FileID file, std::map<std::pair<unsigned, unsigned>, std::vector<const Stmt *>> &positions,
          std::map<const Stmt *, const FunctionDecl *> &functions)
      : ctx_(ctx), file_(file), positions_(positions), functions_(functions) {}

  bool shouldVisitTemplateInstantiations() const { return false; }

  bool TraverseFunctionDecl(FunctionDecl *fd) {
    const FunctionDecl *saved = current_;
    if (fd->doesThisDeclarationHaveABody()) current_ = fd;
    bool r = RecursiveASTVisitor::TraverseFunctionDecl(fd);
    current_ = saved;
    return r;
  }
  bool TraverseCXXMethodDecl(CXXMethodDecl *fd) {
    const FunctionDecl *saved = current_;
    if (fd->doesThisDeclarationHaveABody()) current_ = fd;
    bool r = RecursiveASTVisitor::TraverseCXXMethodDecl(fd);
    current_ = saved;
    return r;
  }

  bool VisitStmt(Stmt *s) {
    if (!current_) return true;
    const SourceManager &sm = ctx_.getSourceManager();
    functions_[s] = current_;
    auto record = [&](SourceLocation loc) {
      if (loc.isInvalid()) return;
      SourceLocation e = sm.getExpansionLoc(loc);
      if (sm.getFileID(e) != file_) return;
      auto &list = positions_[{sm.getExpansionLineNumber(e), sm.getExpansionColumnNumber(e)}];
      if (std::find(list.begin(), list.end(), s) == list.end()) list.push_back(s);
    };
    record(s->getBeginLoc());
    if (auto *e = dyn_cast<Expr>(s)) record(e->getExprLoc());
    return true;
  }

private:
  ASTContext &ctx_;
  FileID file_;
  std::map<std::pair<unsigned, unsigned>, std::vector<const Stmt *>> &positions_;
  std::map<const Stmt *, const FunctionDecl *> &functions_;
  const FunctionDecl *current_ = nullptr;
};

bool isBlank(char c) { return c == ' ' || c == '\t'; }

// The blanks that begin the line holding `offset`.
std::string indentOfLineAt(StringRef buf, size_t offset) {
  size_t lineStart = buf.rfind('\n', offset);  // searches before `offset`
  lineStart = lineStart == StringRef::npos ? 0 : lineStart + 1;
  size_t i = lineStart;
  while (i < buf.size() && isBlank(buf[i])) ++i;
  return buf.substr(lineStart, i - lineStart).str();
}

}  // namespace

StatementIndex::StatementIndex(ASTContext &ctx, const std::string &file) {
  SourceManager &sm = ctx.getSourceManager();
  if (auto ref = sm.getFileManager().getOptionalFileRef(file)) fileId_ = sm.translateFile(*ref);
  if (fileId_.isInvalid()) return;
  Indexer indexer(ctx, fileId_, byPosition_, function_);
  indexer.TraverseDecl(ctx.getTranslationUnitDecl());
}

std::vector<const Stmt *> StatementIndex::at(unsigned line, unsigned column) const {
  auto it = byPosition_.find({line, column});
  return it == byPosition_.end() ? std::vector<const Stmt *>{} : it->second;
}

const FunctionDecl *StatementIndex::functionOf(const Stmt *s) const {
  auto it = function_.find(s);
  return it == function_.end() ? nullptr : it->second;
}

FixSite::FixSite(ASTContext &ctx, const StatementIndex &index, const Finding &finding)
    : ctx_(ctx), index_(index), finding_(finding) {}

bool FixSite::isCpp() const { return ctx_.getLangOpts().CPlusPlus; }

const char *FixSite::nullLiteral() const { return isCpp() && ctx_.getLangOpts().CPlusPlus11 ? "nullptr" : "NULL"; }

const TraceStep *FixSite::step(TraceStep::Kind kind, const std::string &prefix) const {
  for (const TraceStep &s : finding_.trace)
    if (s.kind == kind && s.message.rfind(prefix, 0) == 0) return &s;
  return nullptr;
}

const Stmt *FixSite::parentStmt(const Stmt *s) const {
  for (const DynTypedNode &p : ctx_.getParents(*s))
    if (const Stmt *ps = p.get<Stmt>()) return ps;
  return nullptr;
}

const Stmt *FixSite::enclosingStatement(const Stmt *s) const {
  const Stmt *cur = s;
  while (cur) {
    const Stmt *p = parentStmt(cur);
    if (!p) {
      // A variable's initializer: carry on from its declaration statement.
      const DeclStmt *ds = nullptr;
      for (const DynTypedNode &n : ctx_.getParents(*cur))
        if (const VarDecl *vd = n.get<VarDecl>())
          for (const DynTypedNode &d : ctx_.getParents(*vd))
            if (!ds) ds = d.get<DeclStmt>();
      if (!ds) return nullptr;
      cur = ds;
      continue;
    }
    if (isa<CompoundStmt>(p)) return cur;
    if (auto *l = dyn_cast<LabelStmt>(p); l && l->getSubStmt() == cur) return cur;
    if (auto *c = dyn_cast<SwitchCase>(p); c && c->getSubStmt() == cur) return cur;
    if (auto *i = dyn_cast<IfStmt>(p); i && (i->getThen() == cur || i->getElse() == cur)) return cur;
    if (auto *w = dyn_cast<WhileStmt>(p)) {
      if (w->getBody() == cur) return cur;
      return nullptr;
    }
    if (auto *d = dyn_cast<DoStmt>(p)) {
      if (d->getBody() == cur) return cur;
      return nullptr;
    }
    if (auto *f = dyn_cast<ForStmt>(p)) {
      if (f->getBody() == cur) return cur;
      if (f->getInit() != cur) return nullptr;
    }
    if (isa<CXXForRangeStmt>(p)) {
      if (cast<CXXForRangeStmt>(p)->getBody() == cur) return cur;
      return nullptr;
    }
    if (auto *b = dyn_cast<BinaryOperator>(p); b && b->isLogicalOp() && b->getRHS() == cur) return nullptr;
    if (auto *c = dyn_cast<AbstractConditionalOperator>(p); c && c->getCond() != cur) return nullptr;
    if (isa<LambdaExpr>(p) || isa<BlockExpr>(p) || isa<StmtExpr>(p)) return nullptr;
    cur = p;
  }
  return nullptr;
}

bool FixSite::inBlock(const Stmt *s) const {
  const Stmt *p = parentStmt(s);
  return p && (isa<CompoundStmt>(p) || isa<LabelStmt>(p) || isa<SwitchCase>(p));
}

std::string FixSite::text(SourceRange range) const {
  const SourceManager &sm = ctx_.getSourceManager();
  CharSourceRange r = Lexer::makeFileCharRange(CharSourceRange::getTokenRange(range), sm, ctx_.getLangOpts());
  if (r.isInvalid()) return "";
  return Lexer::getSourceText(r, sm, ctx_.getLangOpts()).str();
}

std::string FixSite::text(const Stmt *s) const { return s ? text(s->getSourceRange()) : ""; }

std::string FixSite::indentOf(const Stmt *s) const {
  const SourceManager &sm = ctx_.getSourceManager();
  SourceLocation b = sm.getExpansionLoc(s->getBeginLoc());
  auto [fid, offset] = sm.getDecomposedLoc(b);
  return indentOfLineAt(sm.getBufferData(fid), offset);
}

std::string FixSite::indentUnit() const {
  // The indentation of the file's first indented line of code, else four spaces. Clang's raw
  // lexer skips comments (whose continuation lines are often aligned with their text, not
  // indented by the file's unit) and reads literals whole (`"Accept: */*"`).
  const SourceManager &sm = ctx_.getSourceManager();
  FileID fid = index_.fileId();
  StringRef buf = sm.getBufferData(fid);
  Lexer lexer(sm.getLocForStartOfFile(fid), ctx_.getLangOpts(), buf.begin(), buf.begin(), buf.end());
  Token tok;
  while (!lexer.LexFromRawLexer(tok)) {
    if (!tok.isAtStartOfLine() || tok.is(tok::hash)) continue;  // not a line's first token; a directive
    std::string indent = indentOfLineAt(buf, sm.getFileOffset(tok.getLocation()));
    if (!indent.empty()) return indent;
  }
  return "    ";
}

bool FixSite::offsetOf(SourceLocation loc, unsigned &offset) const {
  const SourceManager &sm = ctx_.getSourceManager();
  if (loc.isInvalid() || loc.isMacroID()) return false;
  auto [fid, off] = sm.getDecomposedLoc(loc);
  if (fid != index_.fileId()) return false;
  offset = off;
  return true;
}

SourceLocation FixSite::endOfStatement(const Stmt *s) const {
  if (!s) return {};
  if (auto *c = dyn_cast<CompoundStmt>(s)) return c->getRBracLoc().getLocWithOffset(1);
  if (auto *i = dyn_cast<IfStmt>(s)) return endOfStatement(i->getElse() ? i->getElse() : i->getThen());
  if (auto *w = dyn_cast<WhileStmt>(s)) return endOfStatement(w->getBody());
  if (auto *f = dyn_cast<ForStmt>(s)) return endOfStatement(f->getBody());
  if (auto *f = dyn_cast<CXXForRangeStmt>(s)) return endOfStatement(f->getBody());
  if (auto *sw = dyn_cast<SwitchStmt>(s)) return endOfStatement(sw->getBody());
  if (auto *l = dyn_cast<LabelStmt>(s)) return endOfStatement(l->getSubStmt());
  if (auto *c = dyn_cast<SwitchCase>(s)) return endOfStatement(c->getSubStmt());
  const SourceManager &sm = ctx_.getSourceManager();
  CharSourceRange r = Lexer::makeFileCharRange(CharSourceRange::getTokenRange(s->getSourceRange()), sm, ctx_.getLangOpts());
  if (r.isInvalid()) return {};
  SourceLocation end = r.getEnd();
  auto [fid, offset] = sm.getDecomposedLoc(end);
  StringRef buf = sm.getBufferData(fid);
  if (offset > 0 && buf[offset - 1] == ';') return end;
  size_t i = offset;
  while (i < buf.size() && (isBlank(buf[i]) || buf[i] == '\n' || buf[i] == '\r')) ++i;
  if (i < buf.size() && buf[i] == ';') return end.getLocWithOffset(static_cast<int>(i - offset + 1));
  return end;
}

static TextEdit makeEdit(const std::string &file, unsigned offset, unsigned length, std::string text) {
  TextEdit e;
  e.file = file;
  e.offset = offset;
  e.length = length;
  e.replacement = std::move(text);
  return e;
}

bool FixSite::insertAt(SourceLocation loc, const std::string &code, std::vector<TextEdit> &out) const {
  unsigned off = 0;
  if (!offsetOf(loc, off)) return false;
  out.push_back(makeEdit(finding_.location.file, off, 0, code));
  return true;
}

bool FixSite::addHelperFunction(const std::string &name, const std::string &definition, std::vector<TextEdit> &out) const {
  return addAboveFirstFunction(name, definition, out);
}

bool FixSite::addFileDefinition(const std::string &macro, const std::string &definition, std::vector<TextEdit> &out) const {
  const SourceManager &sm = ctx_.getSourceManager();
  llvm::StringRef buf = sm.getBufferData(index_.fileId());
  // Applied before (by an earlier run of mamori fix, or by the user): use it.
  for (size_t at = buf.find(macro); at != llvm::StringRef::npos; at = buf.find(macro, at + 1)) {
    size_t lineStart = buf.rfind('\n', at);
    llvm::StringRef before = buf.slice(lineStart == llvm::StringRef::npos ? 0 : lineStart + 1, at).trim();
    if (before == "#define" || before == "# define") return true;
  }
  return addAboveFirstFunction("", definition, out);
}

bool FixSite::addAboveFirstFunction(const std::string &name, const std::string &definition,
                                    std::vector<TextEdit> &out) const {
  const SourceManager &sm = ctx_.getSourceManager();
  const Decl *first = nullptr;
  for (const Decl *d : ctx_.getTranslationUnitDecl()->decls()) {
    const auto *fd = dyn_cast<FunctionDecl>(d);
    if (const auto *ft = dyn_cast<FunctionTemplateDecl>(d)) fd = ft->getTemplatedDecl();
    if (!fd || !fd->doesThisDeclarationHaveABody() || sm.getFileID(sm.getExpansionLoc(d->getBeginLoc())) != index_.fileId())
      continue;
    if (!name.empty() && fd->getName() == name) return true;  // applied before: call it
    if (!first) first = d;
  }
  if (!first || first->getBeginLoc().isMacroID()) return false;
  // Above the comment lines that introduce the function, so that they stay with it.
  auto [fid, offset] = sm.getDecomposedLoc(first->getBeginLoc());
  llvm::StringRef buf = sm.getBufferData(fid);
  size_t lineStart = buf.rfind('\n', offset);
  lineStart = lineStart == llvm::StringRef::npos ? 0 : lineStart + 1;
  bool inBlockComment = false;
  while (lineStart > 0) {
    size_t prevStart = buf.rfind('\n', lineStart - 2);
    prevStart = prevStart == llvm::StringRef::npos ? 0 : prevStart + 1;
    llvm::StringRef line = buf.slice(prevStart, lineStart - 1).trim();
    if (inBlockComment) {
      inBlockComment = !line.contains("/*");
    } else if (line.starts_with("//")) {
    } else if (line.ends_with("*/")) {
      inBlockComment = !line.contains("/*");
    } else {
      break;
    }
    lineStart = prevStart;
  }
  if (inBlockComment) return false;
  out.push_back(makeEdit(finding_.location.file, static_cast<unsigned>(lineStart), 0, definition + "\n"));
  return true;
}

bool FixSite::replace(SourceRange tokens, const std::string &code, std::vector<TextEdit> &out) const {
  const SourceManager &sm = ctx_.getSourceManager();
  CharSourceRange r = Lexer::makeFileCharRange(CharSourceRange::getTokenRange(tokens), sm, ctx_.getLangOpts());
  unsigned b = 0, e = 0;
  if (r.isInvalid() || !offsetOf(r.getBegin(), b) || !offsetOf(r.getEnd(), e) || e < b) return false;
  out.push_back(makeEdit(finding_.location.file, b, e - b, code));
  return true;
}

bool FixSite::insertBefore(const Stmt *stmt, const std::string &code, std::vector<TextEdit> &out) const {
  const SourceManager &sm = ctx_.getSourceManager();
  CharSourceRange r = Lexer::makeFileCharRange(CharSourceRange::getTokenRange(stmt->getSourceRange()), sm, ctx_.getLangOpts());
  if (r.isInvalid()) return false;
  std::string indent = indentOf(stmt);
  if (inBlock(stmt)) return insertAt(r.getBegin(), code + "\n" + indent, out);
  // A lone body gets braces around the new code and the old statement.
  std::vector<TextEdit> edits;
  if (!braceLoneBody(stmt, code, "", edits)) return false;
  out.insert(out.end(), edits.begin(), edits.end());
  return true;
}

SourceLocation FixSite::afterLineComment(SourceLocation end) const {
  const SourceManager &sm = ctx_.getSourceManager();
  unsigned off = 0;
  if (!offsetOf(end, off)) return end;
  StringRef buf = sm.getBufferData(index_.fileId());
  size_t i = off;
  while (i < buf.size() && isBlank(buf[i])) ++i;
  if (buf.substr(i).starts_with("//")) {
    size_t nl = buf.find('\n', i);
    i = nl == StringRef::npos ? buf.size() : nl;
    return end.getLocWithOffset(static_cast<int>(i - off));
  }
  if (buf.substr(i).starts_with("/*")) {
    size_t close = buf.find("*/", i);
    size_t j = close == StringRef::npos ? i : close + 2;
    while (j < buf.size() && isBlank(buf[j])) ++j;
    if (close != StringRef::npos && (j == buf.size() || buf[j] == '\n')) return end.getLocWithOffset(static_cast<int>(j - off));
  }
  return end;
}

bool FixSite::braceLoneBody(const Stmt *stmt, const std::string &before, const std::string &after,
                            std::vector<TextEdit> &out) const {
  const SourceManager &sm = ctx_.getSourceManager();
  CharSourceRange r = Lexer::makeFileCharRange(CharSourceRange::getTokenRange(stmt->getSourceRange()), sm, ctx_.getLangOpts());
  unsigned begin = 0;
  if (r.isInvalid() || !offsetOf(r.getBegin(), begin)) return false;
  StringRef buf = sm.getBufferData(index_.fileId());
  // Where the header ends: the last character before the body, past blanks and newlines.
  size_t h = begin;
  while (h > 0 && (isBlank(buf[h - 1]) || buf[h - 1] == '\n' || buf[h - 1] == '\r')) --h;
  bool ownLine = buf.substr(h, begin - h).contains('\n');
  const Stmt *parent = parentStmt(stmt);
  std::string outer = parent ? indentOf(parent) : indentOf(stmt);
  std::string inner = ownLine ? indentOf(stmt) : outer + indentUnit();
  std::string open = before.empty() ? "" : before + "\n" + inner;
  std::string close = (after.empty() ? "" : "\n" + inner + after) + "\n" + outer + "}";
  if (ownLine) {
    // `if (c)\n    stmt;` -> `if (c) {\n    code\n    stmt;\n}`
    size_t lineStart = buf.rfind('\n', h == 0 ? 0 : h - 1);
    lineStart = lineStart == StringRef::npos ? 0 : lineStart + 1;
    if (buf.substr(lineStart, h - lineStart).contains("//") || buf.substr(lineStart, h - lineStart).ends_with("*/"))
      return false;  // a comment ends the header line; a brace after it would be commented out
    out.push_back({});
    out.back().file = finding_.location.file;
    out.back().offset = static_cast<unsigned>(h);
    out.back().replacement = " {";
    return insertAt(r.getBegin(), open, out) && insertAt(afterLineComment(endOfStatement(stmt)), close, out);
  }
  // `if (c) stmt;` -> `if (c) {\n    code\n    stmt;\n}`
  return insertAt(r.getBegin(), "{\n" + inner + open, out) && insertAt(afterLineComment(endOfStatement(stmt)), close, out);
}

bool FixSite::insertAfter(const Stmt *stmt, const std::string &code, std::vector<TextEdit> &out) const {
  const SourceManager &sm = ctx_.getSourceManager();
  CharSourceRange r = Lexer::makeFileCharRange(CharSourceRange::getTokenRange(stmt->getSourceRange()), sm, ctx_.getLangOpts());
  if (r.isInvalid()) return false;
  // After a comment that ends the statement's line, so the comment stays with it.
  if (inBlock(stmt)) return insertAt(afterLineComment(endOfStatement(stmt)), "\n" + indentOf(stmt) + code, out);
  std::vector<TextEdit> edits;
  if (!braceLoneBody(stmt, "", code, edits)) return false;
  out.insert(out.end(), edits.begin(), edits.end());
  return true;
}

bool FixSite::removeStatement(const Stmt *stmt, std::vector<TextEdit> &out) const {
  // A lone body keeps its semicolon as an empty statement.
  if (!inBlock(stmt)) return replace(stmt->getSourceRange(), "", out);
  const SourceManager &sm = ctx_.getSourceManager();
  CharSourceRange r = Lexer::makeFileCharRange(CharSourceRange::getTokenRange(stmt->getSourceRange()), sm, ctx_.getLangOpts());
  unsigned b = 0, e = 0;
  if (r.isInvalid() || !offsetOf(r.getBegin(), b) || !offsetOf(endOfStatement(stmt), e)) return false;
  StringRef buf = sm.getBufferData(index_.fileId());
  size_t lineStart = b;
  while (lineStart > 0 && isBlank(buf[lineStart - 1])) --lineStart;
  size_t lineEnd = e;
  while (lineEnd < buf.size() && isBlank(buf[lineEnd])) ++lineEnd;
  bool aloneOnLine = (lineStart == 0 || buf[lineStart - 1] == '\n') && (lineEnd == buf.size() || buf[lineEnd] == '\n');
  if (aloneOnLine) {
    b = static_cast<unsigned>(lineStart);
    e = static_cast<unsigned>(lineEnd < buf.size() ? lineEnd + 1 : lineEnd);
  }
  out.push_back(makeEdit(finding_.location.file, b, e - b, ""));
  return true;
}

namespace {

// Early returns of a constant from an `if`: the function's error convention.
class ErrorPaths : public RecursiveASTVisitor<ErrorPaths> {
public:
  explicit ErrorPaths(ASTContext &ctx) : ctx_(ctx) {}
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  bool TraverseIfStmt(IfStmt *i) {
    if (const Stmt *t = i->getThen()) {
      const Stmt *last = t;
      if (auto *c = dyn_cast<CompoundStmt>(t); c && !c->body_empty()) last = c->body_back();
      if (auto *r = dyn_cast<ReturnStmt>(last)) returns.push_back(r);
      if (auto *g = dyn_cast<GotoStmt>(last)) gotos.push_back(g);
    }
    return RecursiveASTVisitor::TraverseIfStmt(i);
  }
  std::vector<const ReturnStmt *> returns;
  std::vector<const GotoStmt *> gotos;

private:
  ASTContext &ctx_;
};

}  // namespace

std::string FixSite::failureStatement(const Stmt *s) const {
  const FunctionDecl *fd = functionOf(s);
  if (!fd || !fd->getBody()) return "";
  const SourceManager &sm = ctx_.getSourceManager();
  // A block that ends the process (a forked child's `_exit(127);`) fails that way: a return
  // from there would run the parent's code in the child.
  if (auto *block = dyn_cast_or_null<CompoundStmt>(parentStmt(s)); block && !block->body_empty())
    if (auto *call = dyn_cast<CallExpr>(block->body_back()))
      if (const FunctionDecl *callee = call->getDirectCallee(); callee && callee->getIdentifier()) {
        llvm::StringRef n = callee->getName();
        if ((n == "_exit" || n == "exit" || n == "_Exit" || n == "abort") && call != s) return text(call) + ";";
      }
  ErrorPaths paths(ctx_);
  paths.TraverseStmt(fd->getBody());
  std::map<std::string, unsigned> votes;
  // A cleanup label later in the function is where its error paths go.
  for (const GotoStmt *g : paths.gotos)
    if (sm.isBeforeInTranslationUnit(s->getBeginLoc(), g->getLabel()->getLocation()))
      ++votes["goto " + g->getLabel()->getName().str() + ";"];
  if (votes.empty()) {
    for (const ReturnStmt *r : paths.returns) {
      const Expr *v = r->getRetValue();
      if (!v) {
        ++votes["return;"];
        continue;
      }
      const Expr *bare = v->IgnoreParenImpCasts();
      bool constant = v->isNullPointerConstant(ctx_, Expr::NPC_ValueDependentIsNotNull) ||
                      (!bare->HasSideEffects(ctx_) && !bare->isValueDependent() && bare->isEvaluatable(ctx_)) ||
                      errorReporter(bare);
      std::string t = text(v);
      if (constant && !t.empty()) ++votes["return " + t + ";"];
    }
  }
  std::string releases;
  for (const std::string &r : liveAllocationReleases(s)) releases += r + "\n";
  if (!votes.empty()) {
    auto best = std::max_element(votes.begin(), votes.end(), [](auto &a, auto &b) { return a.second < b.second; });
    return best->first.rfind("goto", 0) == 0 ? best->first : releases + best->first;
  }
  std::string plain = defaultFailure(fd);
  return plain.empty() ? plain : releases + plain;
}

bool FixSite::errorReporter(const Expr *e) const {
  // `return set_status(res, 400, "Bad Request");`: a call that builds the error from the
  // function's parameters and constants, so it means the same anywhere in the function.
  auto *call = dyn_cast<CallExpr>(e);
  if (!call || !call->getDirectCallee()) return false;
  std::function<bool(const Stmt *)> fixed = [&](const Stmt *s) {
    if (!s) return true;
    if (auto *d = dyn_cast<DeclRefExpr>(s)) {
      const ValueDecl *v = d->getDecl();
      if (auto *var = dyn_cast<VarDecl>(v); var && var->isLocalVarDecl()) return false;
      return true;
    }
    if (isa<CallExpr>(s) && s != call) return false;
    if (auto *u = dyn_cast<UnaryOperator>(s); u && u->isIncrementDecrementOp()) return false;
    if (auto *b = dyn_cast<BinaryOperator>(s); b && b->isAssignmentOp()) return false;
    for (const Stmt *c : s->children())
      if (!fixed(c)) return false;
    return true;
  };
  for (const Expr *a : call->arguments())
    if (!fixed(a)) return false;
  return true;
}

std::string FixSite::defaultFailure(const FunctionDecl *fd) const {
  QualType rt = fd->getReturnType().getCanonicalType();
  if (rt->isVoidType()) return "return;";
  if (fd->isMain()) return ctx_.Idents.get("EXIT_FAILURE").hasMacroDefinition() ? "return EXIT_FAILURE;" : "return 1;";
  if (rt->isPointerType()) return std::string("return ") + nullLiteral() + ";";
  if (rt->isBooleanType()) return "return false;";
  if (rt->isEnumeralType()) return "";
  if (rt->isSignedIntegerType()) return "return -1;";
  if (rt->isIntegerType() || rt->isRealFloatingType()) return "return 0;";
  if (isCpp() && rt->isRecordType()) return "return {};";
  return "";
}

std::string FixSite::bodyIndent(const Stmt *s) const {
  if (inBlock(s)) return indentOf(s);
  // A lone body on a line of its own keeps its indentation inside the new braces; one on
  // its header's line goes one level in from the header.
  const Stmt *parent = parentStmt(s);
  const SourceManager &sm = ctx_.getSourceManager();
  if (parent && sm.getExpansionLineNumber(s->getBeginLoc()) == sm.getExpansionLineNumber(parent->getBeginLoc()))
    return indentOf(parent) + indentUnit();
  return indentOf(s);
}

std::string FixSite::guard(const std::string &condition, const std::string &failure, const Stmt *at) const {
  std::string indent = bodyIndent(at);
  std::string body;
  size_t pos = 0;
  while (pos <= failure.size()) {
    size_t nl = failure.find('\n', pos);
    std::string line = failure.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    if (!line.empty()) body += indent + indentUnit() + line + "\n";
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return "if (" + condition + ") {\n" + body + indent + "}";
}

std::vector<FixCandidate> FixSite::guardBefore(const Stmt *at, const std::string &condition, const std::string &strategy,
                                               const std::string &description, std::string &why) const {
  const Stmt *stmt = enclosingStatement(at);
  if (!stmt) {
    why = "the code is in a loop header or in a condition evaluated only sometimes";
    return {};
  }
  std::string failure = failureStatement(stmt);
  if (failure.empty()) {
    why = "the function has no error return to follow";
    return {};
  }
  FixCandidate c;
  c.strategy = strategy;
  c.description = description;
  if (!insertBefore(stmt, guard(condition, failure, stmt), c.edits)) {
    why = "the code is written inside a macro";
    return {};
  }
  return {c};
}

namespace {

// In source order: where local pointers receive heap memory and where they give it up.
class OwnershipEvents : public RecursiveASTVisitor<OwnershipEvents> {
public:
  struct Event {
    const VarDecl *var;
    bool acquires;
    const Expr *at;
    std::string allocator;
    bool storesNull = false;  // `p = NULL;`: releasing p later is safe whatever happens between
    bool fromCall = false;    // `p = make_thing();`: owned when the function frees p somewhere
  };
  explicit OwnershipEvents(ASTContext &ctx) : ctx_(ctx) {}
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }

  static std::string allocatorOf(const Expr *e) {
    e = e->IgnoreParenCasts();
    if (auto *n = dyn_cast<CXXNewExpr>(e)) return n->isArray() ? "new[]" : "new";
    if (auto *c = dyn_cast<CallExpr>(e))
      if (const FunctionDecl *fd = c->getDirectCallee(); fd && fd->getIdentifier()) {
        static const std::set<std::string> allocators = {"malloc", "calloc", "realloc", "strdup", "strndup"};
        if (allocators.count(fd->getName().str())) return "malloc";
      }
    return "";
  }
  const VarDecl *local(const Expr *e) const {
    auto *d = dyn_cast<DeclRefExpr>(e->IgnoreParenImpCasts());
    auto *v = d ? dyn_cast<VarDecl>(d->getDecl()) : nullptr;
    return v && v->isLocalVarDecl() && !v->isStaticLocal() && v->getType()->isPointerType() ? v : nullptr;
  }
  bool VisitVarDecl(VarDecl *v) {
    if (v->isLocalVarDecl() && v->getInit() && v->getType()->isPointerType()) {
      std::string a = allocatorOf(v->getInit());
      if (!a.empty()) events.push_back({v, true, v->getInit(), a});
      else if (isa<CallExpr>(v->getInit()->IgnoreParenCasts())) events.push_back({v, false, v->getInit(), "", false, true});
      else if (v->getInit()->IgnoreParenCasts()->isNullPointerConstant(ctx_, Expr::NPC_ValueDependentIsNotNull))
        events.push_back({v, false, v->getInit(), "", true});
    }
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *b) {
    if (b->getOpcode() != BO_Assign) return true;
    if (const VarDecl *v = local(b->getLHS())) {
      std::string a = allocatorOf(b->getRHS());
      // Any other value ends the ownership we know of.
      events.push_back({v, !a.empty(), b, a,
                        a.empty() && b->getRHS()->IgnoreParenCasts()->isNullPointerConstant(
                                         ctx_, Expr::NPC_ValueDependentIsNotNull),
                        a.empty() && isa<CallExpr>(b->getRHS()->IgnoreParenCasts())});
    }
    if (const VarDecl *v = local(b->getRHS())) events.push_back({v, false, b, ""});  // stored elsewhere
    return true;
  }
  bool VisitCXXDeleteExpr(CXXDeleteExpr *d) {
    if (const VarDecl *v = local(d->getArgument())) events.push_back({v, false, d, ""});
    return true;
  }
  bool VisitReturnStmt(ReturnStmt *r) {
    if (r->getRetValue())
      if (const VarDecl *v = local(r->getRetValue())) events.push_back({v, false, r->getRetValue(), ""});
    return true;
  }
  bool VisitCallExpr(CallExpr *c) {
    // Library functions other than the releasers only read or fill memory; any other
    // function may keep the pointer.
    const FunctionDecl *fd = c->getDirectCallee();
    bool library = fd && ctx_.getSourceManager().isInSystemHeader(fd->getLocation());
    bool releases = fd && fd->getIdentifier() && (fd->getName() == "free" || fd->getName() == "realloc");
    for (const Expr *a : c->arguments())
      if (const VarDecl *v = local(a); v && (!library || releases)) {
        events.push_back({v, false, c, ""});
        if (releases && fd->getName() == "free") freed.insert(v);
      }
    return true;
  }
  // A pointer the function frees owns what a call gave it: the call is an allocator of
  // this project's own (`decoded = url_decode(...)`, later `free(decoded)`).
  void ownCallResults() {
    for (Event &e : events)
      if (e.fromCall && freed.count(e.var)) {
        e.acquires = true;
        e.allocator = "malloc";
      }
  }
  std::vector<Event> events;
  std::set<const VarDecl *> freed;

private:
  ASTContext &ctx_;
};

}  // namespace

std::vector<std::string> FixSite::liveAllocationReleases(const Stmt *s) const {
  const FunctionDecl *fd = functionOf(s);
  if (!fd || !fd->getBody()) return {};
  const SourceManager &sm = ctx_.getSourceManager();
  OwnershipEvents ev(ctx_);
  ev.TraverseStmt(fd->getBody());
  ev.ownCallResults();
  std::map<const VarDecl *, const OwnershipEvents::Event *> owner;
  std::vector<const VarDecl *> order;
  SourceLocation here = sm.getExpansionLoc(s->getBeginLoc());
  std::stable_sort(ev.events.begin(), ev.events.end(), [&](const auto &a, const auto &b) {
    return sm.isBeforeInTranslationUnit(sm.getExpansionLoc(a.at->getBeginLoc()), sm.getExpansionLoc(b.at->getBeginLoc()));
  });
  auto holds = [&](const Stmt *block) {
    SourceRange r = block->getSourceRange();
    return sm.isBeforeInTranslationUnit(sm.getExpansionLoc(r.getBegin()), here) &&
           sm.isBeforeInTranslationUnit(here, sm.getExpansionLoc(r.getEnd()));
  };
  // Pointers set to NULL on every path to `s`: an allocation on some paths only (in a
  // branch) still leaves them safe to release.
  std::set<const VarDecl *> nullOrOwned;
  for (const auto &e : ev.events) {
    if (!sm.isBeforeInTranslationUnit(sm.getExpansionLoc(e.at->getBeginLoc()), here)) break;
    const Stmt *stmt = enclosingStatement(e.at);
    const Stmt *block = stmt ? parentStmt(stmt) : nullptr;
    if (e.storesNull) {
      owner.erase(e.var);
      if (block && isa<CompoundStmt>(block) && holds(block)) nullOrOwned.insert(e.var);
      else nullOrOwned.erase(e.var);
      continue;
    }
    if (!e.acquires) {
      // A release in a branch that leaves the function (`if (bad) { free(p); return -1; }`)
      // is not on the way to `s`; any other may be.
      if (block && !holds(block)) {
        const Stmt *lastOfBlock = isa<CompoundStmt>(block) && !cast<CompoundStmt>(block)->body_empty()
                                      ? cast<CompoundStmt>(block)->body_back()
                                      : stmt;
        if (isa<ReturnStmt>(lastOfBlock) || isa<GotoStmt>(lastOfBlock)) continue;
      }
      owner.erase(e.var);
      nullOrOwned.erase(e.var);
      continue;
    }
    // The allocation must happen on every path to `s` (in a block that holds `s`), or the
    // pointer must be NULL on the others.
    bool everyPath = block && isa<CompoundStmt>(block) && holds(block);
    if (!everyPath && !nullOrOwned.count(e.var)) continue;
    if (!owner.count(e.var)) order.push_back(e.var);
    owner[e.var] = &e;
  }
  std::vector<std::string> out;
  for (const VarDecl *v : order) {
    auto it = owner.find(v);
    if (it == owner.end()) continue;
    const std::string &a = it->second->allocator;
    std::string name = v->getName().str();
    out.push_back(releaseFor(a, name));
  }
  for (const std::string &r : liveFieldReleases(s)) out.push_back(r);
  return out;
}

std::string FixSite::releaseFor(const std::string &allocator, const std::string &ptr) {
  if (allocator == "new") return "delete " + ptr + ";";
  if (allocator == "new[]") return "delete[] " + ptr + ";";
  return "free(" + ptr + ");";
}

int FixSite::formatArgument(llvm::StringRef callee) {
  if (callee == "sprintf" || callee == "vsprintf") return 1;
  if (callee == "snprintf" || callee == "vsnprintf") return 2;
  return -1;
}

bool FixSite::onEveryPathTo(const Expr *e, const Stmt *at) const {
  const Stmt *stmt = enclosingStatement(e);
  const Stmt *block = stmt ? parentStmt(stmt) : nullptr;
  if (!block || !isa<CompoundStmt>(block)) return false;
  for (const Stmt *cur = at; cur; cur = parentStmt(cur))
    if (cur == block) return true;
  return false;
}

std::vector<std::string> FixSite::liveFieldReleases(const Stmt *s) const {
  const FunctionDecl *fd = functionOf(s);
  if (!fd || !fd->getBody()) return {};
  const SourceManager &sm = ctx_.getSourceManager();
  // In source order: stores into pointer fields, and calls that may take a pointer on.
  struct Walk : RecursiveASTVisitor<Walk> {
    std::vector<const BinaryOperator *> stores;
    std::vector<const CallExpr *> calls;
    bool TraverseLambdaExpr(LambdaExpr *) { return true; }
    bool VisitBinaryOperator(BinaryOperator *b) {
      if (b->isAssignmentOp()) stores.push_back(b);
      return true;
    }
    bool VisitCallExpr(CallExpr *c) {
      calls.push_back(c);
      return true;
    }
  } walk;
  walk.TraverseStmt(fd->getBody());
  SourceLocation here = sm.getExpansionLoc(s->getBeginLoc());
  auto between = [&](SourceLocation after, SourceLocation l) {
    l = sm.getExpansionLoc(l);
    return sm.isBeforeInTranslationUnit(after, l) && sm.isBeforeInTranslationUnit(l, here);
  };
  std::vector<std::string> out;
  for (const BinaryOperator *store : walk.stores) {
    const auto *field = dyn_cast<MemberExpr>(store->getLHS()->IgnoreParenImpCasts());
    std::string allocator = field ? OwnershipEvents::allocatorOf(store->getRHS()) : "";
    SourceLocation at = sm.getExpansionLoc(store->getBeginLoc());
    if (allocator.empty() || !isStableLvalue(field) || !sm.isBeforeInTranslationUnit(at, here)) continue;
    if (!onEveryPathTo(store, s)) continue;
    std::string name = text(field);
    // Stored over, released or handed on since: someone else owns it now.
    bool given = false;
    for (const BinaryOperator *other : walk.stores)
      given |= other != store && between(at, other->getBeginLoc()) && text(other->getLHS()) == name;
    for (const CallExpr *call : walk.calls) {
      if (!between(at, call->getBeginLoc())) continue;
      const FunctionDecl *callee = call->getDirectCallee();
      bool library = callee && sm.isInSystemHeader(callee->getLocation()) && callee->getIdentifier() &&
                     callee->getName() != "free" && callee->getName() != "realloc";
      for (const Expr *a : call->arguments())
        given |= !library && namesIn(text(a), text(field->getBase()));
    }
    if (given) continue;
    // The caller may release the struct's fields after a failure: leave nothing to free twice.
    out.push_back(releaseFor(allocator, name) + "\n" + name + " = " + nullLiteral() + ";");
  }
  return out;
}

std::string FixSite::operand(const Expr *e) const {
  const Expr *bare = e->IgnoreImpCasts();
  std::string t = text(e);
  if (isa<DeclRefExpr>(bare) || isa<MemberExpr>(bare) || isa<IntegerLiteral>(bare) || isa<CallExpr>(bare) ||
      isa<ArraySubscriptExpr>(bare) || isa<ParenExpr>(bare) || isa<FloatingLiteral>(bare) ||
      isa<UnaryExprOrTypeTraitExpr>(bare))
    return t;
  // A macro name reads like a variable.
  if (!t.empty() && t.find_first_of(" +-*/%&|^<>?:=!~()") == std::string::npos) return t;
  return "(" + t + ")";
}

const Expr *FixSite::assignedFrom(const Expr *value) const {
  // Looks up through parentheses and casts for `x = value` or `T x = value`.
  const Stmt *cur = value;
  for (int depth = 0; depth < 6 && cur; ++depth) {
    for (const DynTypedNode &p : ctx_.getParents(*cur)) {
      if (const VarDecl *vd = p.get<VarDecl>()) {
        assignedDecl_ = vd;
        return nullptr;
      }
    }
    const Stmt *p = parentStmt(cur);
    if (!p) break;
    if (auto *b = dyn_cast<BinaryOperator>(p); b && b->getOpcode() == BO_Assign && b->getRHS()->IgnoreParenCasts() ==
                                                       cast<Expr>(cur)->IgnoreParenCasts())
      return b->getLHS();
    if (!isa<ParenExpr>(p) && !isa<CastExpr>(p) && !isa<FullExpr>(p) && !isa<MaterializeTemporaryExpr>(p) &&
        !isa<CXXBindTemporaryExpr>(p))
      break;
    cur = p;
  }
  return nullptr;
}

std::string FixSite::holderOf(const Expr *value) const {
  assignedDecl_ = nullptr;
  if (const Expr *lhs = assignedFrom(value)) return isStableLvalue(lhs) ? text(lhs) : "";
  if (assignedDecl_) return assignedDecl_->getName().str();
  return "";
}

const VarDecl *FixSite::holderVariable(const Expr *value) const {
  assignedDecl_ = nullptr;
  if (const Expr *lhs = assignedFrom(value)) {
    auto *d = dyn_cast<DeclRefExpr>(lhs->IgnoreParenImpCasts());
    return d ? dyn_cast<VarDecl>(d->getDecl()) : nullptr;
  }
  return assignedDecl_;
}

const Stmt *FixSite::ownStatement(const Expr *e) const {
  const Stmt *stmt = e ? enclosingStatement(e) : nullptr;
  return stmt && isa<Expr>(stmt) && cast<Expr>(stmt)->IgnoreParenImpCasts() == e ? stmt : nullptr;
}

const Expr *FixSite::releaseAt(const Location &loc) const {
  if (auto *d = nodeAt<CXXDeleteExpr>(loc)) return d;
  if (auto *c = nodeAt<CallExpr>(loc, [](const CallExpr *c) { return releasedPointer(c) != nullptr; })) return c;
  // The location may name the released argument rather than the call.
  if (const Expr *arg = nodeAt<Expr>(loc))
    for (const Stmt *p = parentStmt(arg); p && (isa<CastExpr>(p) || isa<ParenExpr>(p) || isa<CallExpr>(p)); p = parentStmt(p))
      if (auto *c = dyn_cast<CallExpr>(p)) return releasedPointer(c) ? c : nullptr;
  return nullptr;
}

const Expr *FixSite::releasedPointer(const Expr *release) {
  if (auto *d = dyn_cast_or_null<CXXDeleteExpr>(release)) return d->getArgument();
  if (auto *c = dyn_cast_or_null<CallExpr>(release))
    for (const Expr *a : c->arguments())
      if (a->getType()->isPointerType()) return a;
  return nullptr;
}

const Expr *FixSite::allocationAt(const Location &loc) const {
  if (auto *n = nodeAt<CXXNewExpr>(loc)) return n;
  return nodeAt<CallExpr>(loc, [](const CallExpr *c) { return c->getType()->isPointerType(); });
}

bool FixSite::isSideEffectFree(const Expr *e, const ASTContext &ctx) {
  // Naming an expression again in a guard must not change what the program does: calls
  // are allowed only to const member functions and to library functions without effects.
  if (!e) return false;
  e = e->IgnoreParens();
  if (auto *m = dyn_cast<CXXMemberCallExpr>(e)) {
    const CXXMethodDecl *md = m->getMethodDecl();
    if (!md || !md->isConst() || !isSideEffectFree(m->getImplicitObjectArgument(), ctx)) return false;
    for (const Expr *a : m->arguments())
      if (!isSideEffectFree(a, ctx)) return false;
    return true;
  }
  if (auto *c = dyn_cast<CallExpr>(e)) {
    static const std::set<std::string> pure = {"strlen", "strnlen", "wcslen", "abs", "labs", "llabs"};
    const FunctionDecl *fd = c->getDirectCallee();
    if (!fd || !fd->getIdentifier() || !pure.count(fd->getName().str())) return false;
    for (const Expr *a : c->arguments())
      if (!isSideEffectFree(a, ctx)) return false;
    return true;
  }
  if (isa<CXXOperatorCallExpr>(e) || isa<CXXConstructExpr>(e) || isa<CXXNewExpr>(e) || isa<CXXDeleteExpr>(e))
    return !e->HasSideEffects(ctx);
  if (auto *u = dyn_cast<UnaryOperator>(e); u && u->isIncrementDecrementOp()) return false;
  if (auto *b = dyn_cast<BinaryOperator>(e); b && b->isAssignmentOp()) return false;
  if (isa<StmtExpr>(e)) return false;
  for (const Stmt *child : e->children())
    if (auto *ce = dyn_cast_or_null<Expr>(child); ce && !isSideEffectFree(ce, ctx)) return false;
  return true;
}

bool FixSite::isString(const Expr *e) {
  QualType t = e->IgnoreParenImpCasts()->getType();
  return (t->isPointerType() || t->isArrayType()) && t->getPointeeOrArrayElementType()->isCharType();
}

bool FixSite::isStableLvalue(const Expr *e) {
  if (!e) return false;
  e = e->IgnoreParenImpCasts();
  if (auto *d = dyn_cast<DeclRefExpr>(e)) return isa<VarDecl>(d->getDecl());
  if (auto *m = dyn_cast<MemberExpr>(e)) {
    if (auto *f = dyn_cast<FieldDecl>(m->getMemberDecl()); f && f->isBitField()) return false;
    return isStableLvalue(m->getBase());
  }
  if (auto *a = dyn_cast<ArraySubscriptExpr>(e)) {
    const Expr *i = a->getIdx()->IgnoreParenImpCasts();
    return isStableLvalue(a->getBase()) && (isa<IntegerLiteral>(i) || isStableLvalue(i));
  }
  if (auto *u = dyn_cast<UnaryOperator>(e); u && u->getOpcode() == UO_Deref) return isStableLvalue(u->getSubExpr());
  return false;
}

bool FixSite::namesIn(const std::string &code, const std::string &name) {
  auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (name.empty()) return false;
  for (size_t pos = code.find(name); pos != std::string::npos; pos = code.find(name, pos + 1)) {
    bool before = pos == 0 || !ident(code[pos - 1]) || !ident(name.front());
    bool after = pos + name.size() >= code.size() || !ident(code[pos + name.size()]) || !ident(name.back());
    if (before && after) return true;
  }
  return false;
}

bool FixSite::mentions(const Stmt *s, const ValueDecl *v) {
  if (!s || !v) return false;
  if (auto *d = dyn_cast<DeclRefExpr>(s); d && d->getDecl() == v) return true;
  if (auto *ds = dyn_cast<DeclStmt>(s))
    for (const Decl *d : ds->decls())
      if (auto *vd = dyn_cast<VarDecl>(d); vd && vd->getInit() && mentions(vd->getInit(), v)) return true;
  for (const Stmt *c : s->children())
    if (mentions(c, v)) return true;
  return false;
}

std::string FixSite::freshName(const Stmt *s, const std::string &base) const {
  for (unsigned n = 1;; ++n) {
    std::string name = n == 1 ? base : base + std::to_string(n);
    if (ctx_.Idents.find(name) == ctx_.Idents.end()) return name;
  }
}

bool FixSite::declares(const std::string &function) const {
  auto it = ctx_.Idents.find(function);
  if (it == ctx_.Idents.end()) return false;
  return !ctx_.getTranslationUnitDecl()->lookup(DeclarationName(it->getValue())).empty();
}

}  // namespace mamori
