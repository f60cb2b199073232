#include "frontend/AstUtil.h"

#include <cctype>

#include "clang/Basic/Builtins.h"

#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/FormatString.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Index/USRGeneration.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace mamori {

Location LocationMapper::map(clang::SourceLocation loc) {
  Location out;
  if (loc.isInvalid()) return out;
  clang::SourceLocation e = sm_.getExpansionLoc(loc);
  clang::FileID fid = sm_.getFileID(e);
  auto it = paths_.find(fid.getHashValue());
  if (it == paths_.end()) {
    std::string path;
    if (auto ref = sm_.getFileEntryRefForID(fid)) {
      llvm::StringRef real = ref->getFileEntry().tryGetRealPathName();
      if (!real.empty()) {
        path = real.str();
      } else {
        llvm::SmallString<256> abs(ref->getName());
        llvm::sys::fs::make_absolute(abs);
        llvm::sys::path::remove_dots(abs, /*remove_dot_dot=*/true);
        path = std::string(abs.str());
      }
    }
    it = paths_.insert({fid.getHashValue(), path}).first;
  }
  out.file = it->second;
  out.line = sm_.getExpansionLineNumber(e);
  out.column = sm_.getExpansionColumnNumber(e);
  return out;
}

bool LocationMapper::isInSystemHeader(clang::SourceLocation loc) const {
  return loc.isValid() && sm_.isInSystemHeader(sm_.getExpansionLoc(loc));
}

std::string LocationMapper::text(clang::SourceRange range, const clang::LangOptions &lo) const {
  clang::CharSourceRange r = clang::CharSourceRange::getTokenRange(
      sm_.getExpansionRange(range.getBegin()).getBegin(), sm_.getExpansionRange(range.getEnd()).getEnd());
  bool invalid = false;
  llvm::StringRef t = clang::Lexer::getSourceText(r, sm_, lo, &invalid);
  if (invalid) return {};
  std::string out;
  bool space = false;
  for (char c : t.take_front(400)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

const std::string &CalleeNamer::name(const clang::FunctionDecl *fd) {
  auto it = cache_.find(fd);
  if (it != cache_.end()) return it->second;
  std::string base;
  if (const clang::IdentifierInfo *id = fd->getIdentifier()) {
    base = id->getName().str();
  } else if (llvm::isa<clang::CXXConstructorDecl>(fd)) {
    base = llvm::cast<clang::CXXConstructorDecl>(fd)->getParent()->getName().str();
  } else {
    base = fd->getDeclName().getAsString();  // operators: "operator<<"
  }
  // Fortified and builtin spellings of libc calls use the same model.
  if (base.rfind("__builtin___", 0) == 0 && base.size() > 16 && base.compare(base.size() - 4, 4, "_chk") == 0)
    base = base.substr(12, base.size() - 16);
  else if (base.rfind("__builtin_", 0) == 0)
    base = base.substr(10);
  else if (base.rfind("__", 0) == 0 && base.size() > 6 && base.compare(base.size() - 4, 4, "_chk") == 0)
    base = base.substr(2, base.size() - 6);
  std::string qual;
  for (const clang::DeclContext *dc = fd->getDeclContext(); dc; dc = dc->getParent()) {
    if (const auto *ns = llvm::dyn_cast<clang::NamespaceDecl>(dc)) {
      if (ns->isInline() || ns->isAnonymousNamespace()) continue;
      qual = ns->getName().str() + "::" + qual;
    } else if (const auto *rd = llvm::dyn_cast<clang::RecordDecl>(dc)) {
      qual = rd->getName().str() + "::" + qual;
    }
  }
  return cache_[fd] = qual + base;
}

const std::string &UsrCache::usr(const clang::FunctionDecl *fd) {
  auto it = cache_.find(fd);
  if (it != cache_.end()) return it->second;
  llvm::SmallString<128> buf;
  std::string out;
  if (!clang::index::generateUSRForDecl(fd, buf)) out = std::string(buf.str());
  return cache_[fd] = out;
}

const clang::Expr *withoutBranchHint(const clang::Expr *e) {
  for (int depth = 0; e && depth < 8; ++depth) {
    e = e->IgnoreParenImpCasts();
    const auto *call = llvm::dyn_cast<clang::CallExpr>(e);
    unsigned id = call ? call->getBuiltinCallee() : 0;
    if ((id != clang::Builtin::BI__builtin_expect && id != clang::Builtin::BI__builtin_expect_with_probability &&
         id != clang::Builtin::BI__builtin_unpredictable) ||
        call->getNumArgs() < 1)
      return e;
    e = call->getArg(0);
  }
  return e;
}

const clang::Expr *stripParensAndCasts(const clang::Expr *e) {
  while (e) {
    e = e->IgnoreParens();
    if (const auto *c = llvm::dyn_cast<clang::CastExpr>(e)) {
      e = c->getSubExpr();
      continue;
    }
    if (const auto *m = llvm::dyn_cast<clang::MaterializeTemporaryExpr>(e)) {
      e = m->getSubExpr();
      continue;
    }
    if (const auto *b = llvm::dyn_cast<clang::CXXBindTemporaryExpr>(e)) {
      e = b->getSubExpr();
      continue;
    }
    if (const auto *w = llvm::dyn_cast<clang::ExprWithCleanups>(e)) {
      e = w->getSubExpr();
      continue;
    }
    break;
  }
  return e;
}

const clang::VarDecl *rootVariable(const clang::Expr *e) {
  for (unsigned guard = 0; e && guard < 256; ++guard) {
    e = stripParensAndCasts(e);
    if (const auto *d = llvm::dyn_cast<clang::DeclRefExpr>(e)) return llvm::dyn_cast<clang::VarDecl>(d->getDecl());
    if (const auto *u = llvm::dyn_cast<clang::UnaryOperator>(e)) {
      e = u->getSubExpr();
      continue;
    }
    if (const auto *b = llvm::dyn_cast<clang::BinaryOperator>(e)) {
      if (b->isAdditiveOp() || b->isAssignmentOp() || b->getOpcode() == clang::BO_Comma) {
        if (b->getOpcode() == clang::BO_Comma || b->isAssignmentOp())
          e = b->getOpcode() == clang::BO_Comma ? b->getRHS() : b->getLHS();
        else
          e = b->getRHS()->getType()->isPointerType() ? b->getRHS() : b->getLHS();
        continue;
      }
      return nullptr;
    }
    if (const auto *a = llvm::dyn_cast<clang::ArraySubscriptExpr>(e)) {
      e = a->getBase();
      continue;
    }
    if (const auto *m = llvm::dyn_cast<clang::MemberExpr>(e)) {
      e = m->getBase();
      continue;
    }
    return nullptr;
  }
  return nullptr;
}

const clang::FunctionDecl *localFunctionPointerTarget(const clang::Expr *callee, const clang::Stmt *body) {
  const auto *d = llvm::dyn_cast<clang::DeclRefExpr>(stripParensAndCasts(callee));
  const auto *vd = d ? llvm::dyn_cast<clang::VarDecl>(d->getDecl()) : nullptr;
  if (!vd || !vd->hasInit() || vd->hasGlobalStorage()) return nullptr;
  const clang::Expr *init = stripParensAndCasts(vd->getInit());
  if (const auto *u = llvm::dyn_cast<clang::UnaryOperator>(init); u && u->getOpcode() == clang::UO_AddrOf)
    init = stripParensAndCasts(u->getSubExpr());
  const auto *f = llvm::dyn_cast<clang::DeclRefExpr>(init);
  const auto *fd = f ? llvm::dyn_cast<clang::FunctionDecl>(f->getDecl()) : nullptr;
  if (!fd || vd->getType().isConstQualified()) return fd;
  struct Writes : clang::RecursiveASTVisitor<Writes> {
    const clang::VarDecl *target;
    bool found = false;
    bool names(const clang::Expr *e) const {
      const auto *r = llvm::dyn_cast<clang::DeclRefExpr>(stripParensAndCasts(e));
      return r && r->getDecl() == target;
    }
    bool VisitBinaryOperator(clang::BinaryOperator *b) {
      found |= b->isAssignmentOp() && names(b->getLHS());
      return true;
    }
    bool VisitUnaryOperator(clang::UnaryOperator *u) {
      found |= u->getOpcode() == clang::UO_AddrOf && names(u->getSubExpr());
      return true;
    }
  } writes;
  writes.target = vd;
  if (body) writes.TraverseStmt(const_cast<clang::Stmt *>(body));
  return writes.found ? nullptr : fd;
}

std::vector<ScanConversion> scanfConversions(llvm::StringRef f) {
  std::vector<ScanConversion> out;
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '%') continue;
    ScanConversion c;
    c.percent = i++;
    if (i < f.size() && f[i] == '%') continue;  // "%%"
    if (i < f.size() && f[i] == '*') c.suppressed = true, ++i;
    c.widthAt = i;
    while (i < f.size() && f[i] >= '0' && f[i] <= '9') c.width = (c.width < 0 ? 0 : c.width * 10) + (f[i++] - '0');
    while (i < f.size() && llvm::StringRef("hljztLqm").contains(f[i])) c.allocates |= f[i++] == 'm';
    if (i >= f.size()) break;
    c.conversion = f[i];
    if (c.conversion == '[') {  // "[]...]" and "[^]...]" keep their first ']'
      size_t j = i + 1;
      if (j < f.size() && f[j] == '^') ++j;
      if (j < f.size() && f[j] == ']') ++j;
      while (j < f.size() && f[j] != ']') ++j;
      i = j;
    }
    out.push_back(c);
  }
  return out;
}

std::optional<long long> integerConstant(const clang::Expr *e, const clang::ASTContext &ctx) {
  const clang::Expr *x = e->IgnoreParenCasts();
  if (!x->getType()->isIntegerType() || x->isValueDependent()) return std::nullopt;
  clang::Expr::EvalResult r;
  if (!x->EvaluateAsInt(r, ctx)) return std::nullopt;
  return r.Val.getInt().tryExtValue();  // nullopt for a constant wider than 64 bits
}

std::vector<std::optional<long long>> integerArguments(const clang::CallExpr *call, const clang::ASTContext &ctx) {
  std::vector<std::optional<long long>> out;
  for (const clang::Expr *a : call->arguments()) out.push_back(integerConstant(a, ctx));
  return out;
}

std::vector<unsigned> allocationSizeArguments(llvm::StringRef allocator, unsigned numArgs) {
  if ((allocator == "malloc" || allocator == "alloca" || allocator == "__builtin_alloca") && numArgs == 1) return {0};
  if (allocator == "calloc" && numArgs == 2) return {0, 1};
  if (allocator == "realloc" && numArgs == 2) return {1};
  return {};
}

bool isMainArgv(const clang::Expr *e) {
  const auto *d = llvm::dyn_cast<clang::DeclRefExpr>(stripParensAndCasts(e));
  const auto *p = d ? llvm::dyn_cast<clang::ParmVarDecl>(d->getDecl()) : nullptr;
  const auto *fn = p ? llvm::dyn_cast<clang::FunctionDecl>(p->getDeclContext()) : nullptr;
  return fn && fn->isMain() && fn->getNumParams() >= 2 && fn->getParamDecl(1) == p;
}

int scanfFormatIndex(const std::string &name) {
  if (name == "scanf" || name == "__isoc99_scanf") return 0;
  if (name == "fscanf" || name == "sscanf" || name == "__isoc99_fscanf" || name == "__isoc99_sscanf") return 1;
  return -1;
}

std::vector<const clang::VarDecl *> variablesIn(const clang::Stmt *s) {
  struct Walk : clang::RecursiveASTVisitor<Walk> {
    std::vector<const clang::VarDecl *> vars;
    bool VisitDeclRefExpr(clang::DeclRefExpr *d) {
      if (const auto *vd = llvm::dyn_cast<clang::VarDecl>(d->getDecl()))
        if (std::find(vars.begin(), vars.end(), vd) == vars.end()) vars.push_back(vd);
      return true;
    }
  } walk;
  if (s) walk.TraverseStmt(const_cast<clang::Stmt *>(s));
  return walk.vars;
}

namespace {
// Collects the data-argument positions that only `%p` prints: a position also taken by
// another conversion (`%1$p %1$s`) is read, and so is one of the kernel's `%pM`-style
// extensions, which print what the pointer points to.
class AddressConversions : public clang::analyze_format_string::FormatStringHandler {
public:
  explicit AddressConversions(const char *end) : end_(end) {}
  std::set<unsigned> addressOnly, read;
  bool HandlePrintfSpecifier(const clang::analyze_printf::PrintfSpecifier &fs, const char *start, unsigned len,
                             const clang::TargetInfo &) override {
    if (!fs.consumesDataArgument()) return true;
    const char *after = start + len;
    bool plainP = fs.getConversionSpecifier().getKind() == clang::analyze_format_string::ConversionSpecifier::pArg &&
                  !(after < end_ && std::isalnum(static_cast<unsigned char>(*after)));
    (plainP ? addressOnly : read).insert(fs.getArgIndex());
    return true;
  }

private:
  const char *end_;
};
}  // namespace

std::set<unsigned> printfAddressArguments(const clang::CallExpr *call, const clang::ASTContext &ctx) {
  const clang::FunctionDecl *fd = call->getDirectCallee();
  const clang::FormatAttr *attr = fd ? fd->getAttr<clang::FormatAttr>() : nullptr;
  if (!attr || !attr->getType() || attr->getType()->getName() != "printf" || attr->getFirstArg() == 0) return {};
  // The attribute counts from 1 (and counts `this` for a method: not a C library call).
  unsigned formatIdx = attr->getFormatIdx() - 1, firstArg = attr->getFirstArg() - 1;
  if (llvm::isa<clang::CXXMethodDecl>(fd) || formatIdx >= call->getNumArgs()) return {};
  const auto *lit = llvm::dyn_cast<clang::StringLiteral>(call->getArg(formatIdx)->IgnoreParenImpCasts());
  if (!lit || !lit->isOrdinary()) return {};
  llvm::StringRef text = lit->getString();
  AddressConversions h(text.end());
  clang::analyze_format_string::ParsePrintfString(h, text.begin(), text.end(), ctx.getLangOpts(),
                                                  ctx.getTargetInfo(), false);
  std::set<unsigned> out;
  for (unsigned p : h.addressOnly)
    if (!h.read.count(p)) out.insert(firstArg + p);
  return out;
}

bool addressTaken(const clang::VarDecl *vd, const clang::Stmt *body, bool passedIsTaken) {
  using namespace clang;
  struct Finder : RecursiveASTVisitor<Finder> {
    const VarDecl *vd;
    bool found = false;
    bool passedIsTaken = true;
    std::set<const Expr *> passed;
    bool VisitUnaryOperator(UnaryOperator *u) {
      if (u->getOpcode() == UO_AddrOf && !passed.count(u))
        if (const auto *d = llvm::dyn_cast<DeclRefExpr>(u->getSubExpr()->IgnoreParenImpCasts()); d && d->getDecl() == vd)
          found = true;
      return !found;
    }
    bool VisitLambdaExpr(LambdaExpr *) { return !(found = true); }  // a capture may alias it
    bool VisitVarDecl(VarDecl *r) {  // int &ref = x;
      if (r->getType()->isReferenceType() && r->getInit())
        if (const auto *d = llvm::dyn_cast<DeclRefExpr>(r->getInit()->IgnoreParenImpCasts()); d && d->getDecl() == vd)
          found = true;
      return !found;
    }
    bool VisitCallExpr(CallExpr *c) {  // f(x) with a reference parameter
      if (!passedIsTaken)
        for (const Expr *a : c->arguments()) passed.insert(a->IgnoreParenImpCasts());
      const FunctionProtoType *proto = nullptr;
      if (const FunctionDecl *fd = c->getDirectCallee()) proto = fd->getType()->getAs<FunctionProtoType>();
      else if (const auto *pt = c->getCallee()->getType()->getAs<PointerType>()) proto = pt->getPointeeType()->getAs<FunctionProtoType>();
      for (unsigned i = 0; i < c->getNumArgs(); ++i) {
        const auto *d = llvm::dyn_cast<DeclRefExpr>(c->getArg(i)->IgnoreParenImpCasts());
        if (!d || d->getDecl() != vd) continue;
        // Variadic arguments and parameters of unknown type are passed by value.
        if (proto && i < proto->getNumParams() && proto->getParamType(i)->isReferenceType()) found = true;
      }
      return !found;
    }
  } finder;
  finder.vd = vd;
  finder.passedIsTaken = passedIsTaken;
  finder.TraverseStmt(const_cast<Stmt *>(body));
  return finder.found;
}

bool onlyReadOrAssigned(const clang::VarDecl *vd, const clang::Stmt *body) {
  using namespace clang;
  // Every mention of vd must be one of these; anything else (an address, a reference
  // binding, `std::cin >> v`, `(c ? v : w) = 1`, sizeof, asm) may change or alias it.
  struct Finder : RecursiveASTVisitor<Finder> {
    const VarDecl *vd;
    std::set<const Expr *> allowed;
    bool other = false;
    void allow(const Expr *e) {
      if (const auto *d = llvm::dyn_cast<DeclRefExpr>(e->IgnoreParens())) allowed.insert(d);
    }
    bool VisitImplicitCastExpr(ImplicitCastExpr *c) {
      if (c->getCastKind() == CK_LValueToRValue) allow(c->getSubExpr());
      return true;
    }
    bool VisitBinaryOperator(BinaryOperator *b) {
      if (b->isAssignmentOp()) allow(b->getLHS());
      return true;
    }
    bool VisitUnaryOperator(UnaryOperator *u) {
      if (u->isIncrementDecrementOp()) allow(u->getSubExpr());
      return true;
    }
    bool VisitDeclRefExpr(DeclRefExpr *d) {
      if (d->getDecl() == vd && !allowed.count(d)) other = true;
      return !other;
    }
    bool VisitLambdaExpr(LambdaExpr *) { return !(other = true); }
  } finder;
  finder.vd = vd;
  // Parents are visited before their children, so a DeclRefExpr is judged after the cast
  // or operator above it has allowed it.
  finder.TraverseStmt(const_cast<Stmt *>(body));
  return !finder.other;
}

}  // namespace mamori

namespace mamori {

namespace {
bool mayHoldCode(clang::Decl::Kind k) {
  using K = clang::Decl::Kind;
  switch (k) {
  case K::Function: case K::CXXMethod: case K::CXXConstructor: case K::CXXDestructor: case K::CXXConversion:
  case K::FunctionTemplate: case K::Var: case K::Decomposition: case K::VarTemplate:
  case K::VarTemplateSpecialization: case K::VarTemplatePartialSpecialization: case K::LinkageSpec:
  case K::Namespace: case K::Export: case K::CXXRecord: case K::ClassTemplate:
  case K::ClassTemplateSpecialization: case K::ClassTemplatePartialSpecialization:
    return true;
  default:
    return false;
  }
}
}  // namespace

std::vector<clang::Decl *> topLevelDeclsOutsideSystemHeaders(clang::ASTContext &ctx) {
  const clang::SourceManager &sm = ctx.getSourceManager();
  clang::TranslationUnitDecl *tu = ctx.getTranslationUnitDecl();
  std::vector<clang::Decl *> out;
  auto keep = [&](clang::Decl *d) {
    if (mayHoldCode(d->getKind()) && !sm.isInSystemHeader(sm.getExpansionLoc(d->getLocation()))) out.push_back(d);
  };
  clang::ExternalASTSource *external = ctx.getExternalSource();
  if (external && tu->hasExternalLexicalStorage()) {
    // Asking the reader for the wanted kinds leaves the thousands of system-header
    // typedefs and structs on disk; tu->decls() would read every one.
    llvm::SmallVector<clang::Decl *, 512> decls;
    external->FindExternalLexicalDecls(tu, mayHoldCode, decls);
    for (clang::Decl *d : decls) keep(d);
    return out;
  }
  for (clang::Decl *d : tu->decls()) keep(d);
  return out;
}

}  // namespace mamori
