// CWE-22: data names a file. The fix canonicalizes the path with realpath (links and `..`
// resolved) and refuses it, before the file is touched, unless it lies below the folder the
// code meant it to stay in. That root is read from how the path was built: the first `%s`
// argument or the folder prefix of the format that built it (`"%s/%s", root, name`,
// `"/var/spool/%s"`), or the folder it was copied from before the name was appended, in the
// function or in the project's own path builder it calls (`build_path(path, n, name)`). When
// the code shows none, the working directory stands in for it, and the description says so.
//
// The check is a small helper function added once per file, because a file that does not
// exist yet (a path about to be created) has no canonical form: it is judged by its folder.
// Where the C library is not declared, the fallback refuses a `..` component, the one way a name
// joined under a root can leave it.
#include "frontend/AstUtil.h"
#include "repair/Strategy.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"

#include <algorithm>

namespace mamori {
namespace {

using namespace clang;

constexpr const char *kHelperName = "mamori_path_within";

// The helper, in the file's C or C++ spelling of NULL. `declareRealpath`: the build's feature
// macros hide realpath's declaration (strict C with _POSIX_C_SOURCE), so the helper declares
// it, as POSIX.1-2008 does in <stdlib.h>.
std::string helperDefinition(const std::string &null, bool declareRealpath) {
  return "/* Added by mamori fix: whether PATH, once links and \"..\" are resolved, is ROOT or lies\n"
         "   below it. A file that does not exist yet is judged by the folder it would be made in. */\n"
         "static int mamori_path_within(const char *path, const char *root)\n"
         "{\n" +
         std::string(declareRealpath ? "    char *realpath(const char *name, char *resolved);\n" : "") +
         "    char *real_root = realpath(root, " + null + ");\n"
         "    char *real = realpath(path, " + null + ");\n"
         "    if (real == " + null + ") {\n"
         "        size_t length = strlen(path);\n"
         "        char *folder = (char *)malloc(length + 1);\n"
         "        char *slash = " + null + ";\n"
         "        if (folder != " + null + ") {\n"
         "            memcpy(folder, path, length + 1);\n"
         "            slash = strrchr(folder, '/');\n"
         "        }\n"
         "        const char *leaf = slash != " + null + " ? slash + 1 : path;\n"
         "        if (folder != " + null + " && strcmp(leaf, \"..\") != 0 && strcmp(leaf, \".\") != 0) {\n"
         "            if (slash == folder)\n"
         "                slash[1] = '\\0';\n"
         "            else if (slash != " + null + ")\n"
         "                *slash = '\\0';\n"
         "            real = realpath(slash != " + null + " ? folder : \".\", " + null + ");\n"
         "        }\n"
         "        free(folder);\n"
         "    }\n"
         "    size_t n = real_root != " + null + " ? strlen(real_root) : 0;\n"
         "    if (real_root == " + null + " || real == " + null + " || strncmp(real, real_root, n) != 0 ||\n"
         "        (n > 1 && real[n] != '\\0' && real[n] != '/')) {\n"
         "        free(real_root);\n"
         "        free(real);\n"
         "        return 0;\n"
         "    }\n"
         "    free(real_root);\n"
         "    free(real);\n"
         "    return 1;\n"
         "}\n";
}

// A C string literal for `folder`, escaped.
std::string quoted(llvm::StringRef folder) {
  std::string out = "\"";
  for (char c : folder) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The folder part of a literal prefix: "/var/spool/jobs/" of "/var/spool/jobs/job-".
std::string folderOf(llvm::StringRef prefix) {
  size_t slash = prefix.rfind('/');
  if (slash == llvm::StringRef::npos) return "";
  return quoted(prefix.substr(0, slash + 1));
}

// Where the root of a path buffer shows: the last write before the sink that starts the
// buffer's contents (a formatted print, a copy, its initializer).
class RootFinder : public RecursiveASTVisitor<RootFinder> {
public:
  RootFinder(const FixSite &site, const VarDecl *buffer, SourceLocation before)
      : site_(site), buffer_(buffer), before_(before) {}

  std::string root;

  bool VisitVarDecl(VarDecl *vd) {
    if (vd != buffer_ || !vd->getInit() || !isBefore(vd->getLocation())) return true;
    root = copiedRoot(vd->getInit());
    rootIsGlobal_ = namesOnlyGlobals(vd->getInit());
    return true;
  }

  bool VisitCallExpr(CallExpr *call) {
    const FunctionDecl *fd = call->getDirectCallee();
    if (!fd || !fd->getIdentifier() || call->getNumArgs() < 2 || !isBefore(call->getBeginLoc()) || !writesBuffer(call->getArg(0)))
      return true;
    llvm::StringRef callee = fd->getName();
    if (const FunctionDecl *def = fd->getDefinition(); def && def->getBody() && !inCallee_) {
      // The project's own path builder (`build_path(path, sizeof path, name)`): its root,
      // when that is a constant or a global rather than one of its parameters.
      for (unsigned i = 0; i < call->getNumArgs() && i < def->getNumParams(); ++i) {
        if (!writesBuffer(call->getArg(i))) continue;
        RootFinder inner(site_, def->getParamDecl(i), def->getBody()->getEndLoc());
        inner.inCallee_ = true;
        inner.TraverseStmt(def->getBody());
        root = inner.rootIsGlobal_ ? inner.root : "";
      }
      return true;
    }
    int formatAt = FixSite::formatArgument(callee);
    unsigned format = formatAt < 0 ? 0 : static_cast<unsigned>(formatAt);
    if (format && format < call->getNumArgs()) {
      const auto *lit = dyn_cast<StringLiteral>(call->getArg(format)->IgnoreParenImpCasts());
      if (!lit || lit->getCharByteWidth() != 1) return true;
      llvm::StringRef f = lit->getString();
      if (f.starts_with("%s/") && format + 1 < call->getNumArgs()) {
        const Expr *first = call->getArg(format + 1);
        root = FixSite::isString(first) && FixSite::isSideEffectFree(first, site_.context()) ? site_.text(first) : "";
        rootIsGlobal_ = namesOnlyGlobals(first);
      } else {
        // "%s.%d" names a sibling of its argument, not a file below it: no root.
        root = f.starts_with("%") ? "" : folderOf(f.substr(0, f.find('%')));
        rootIsGlobal_ = true;
      }
      return true;
    }
    if (callee == "strcpy" || callee == "strncpy" || callee == "strlcpy") {
      root = copiedRoot(call->getArg(1));
      rootIsGlobal_ = namesOnlyGlobals(call->getArg(1));
    }
    return true;
  }

private:
  // The root a buffer starts from when `from` is copied into it: a folder literal as the
  // code names it (`SPOOL_DIR`), the folder part of another literal, or a string variable.
  std::string copiedRoot(const Expr *from) const {
    if (const auto *lit = dyn_cast<StringLiteral>(from->IgnoreParenImpCasts())) {
      if (lit->getCharByteWidth() != 1) return "";
      return lit->getString().ends_with("/") ? site_.text(from) : folderOf(lit->getString());
    }
    return FixSite::isString(from) && FixSite::isSideEffectFree(from, site_.context()) ? site_.text(from) : "";
  }
  // Whether `e` names nothing local to its function, so that it means the same in a caller.
  static bool namesOnlyGlobals(const Stmt *e) {
    if (const auto *ref = dyn_cast<DeclRefExpr>(e))
      if (const auto *vd = dyn_cast<VarDecl>(ref->getDecl()); vd && !vd->hasGlobalStorage()) return false;
    for (const Stmt *child : e->children())
      if (child && !namesOnlyGlobals(child)) return false;
    return true;
  }
  bool isBefore(SourceLocation loc) const {
    return site_.context().getSourceManager().isBeforeInTranslationUnit(loc, before_);
  }
  bool writesBuffer(const Expr *e) const {
    const auto *ref = dyn_cast<DeclRefExpr>(e->IgnoreParenImpCasts());
    return ref && ref->getDecl() == buffer_;
  }
  const FixSite &site_;
  const VarDecl *buffer_;
  SourceLocation before_;
  bool inCallee_ = false;      // looking inside a path builder: no deeper
  bool rootIsGlobal_ = false;  // the root found names no local of its function
};

class PathGuard : public RepairStrategy {
public:
  const char *name() const override { return "path-root-check"; }
  bool handles(const Finding &f) const override { return f.cwe == 22 || f.cwe == 23 || f.cwe == 36; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    const CallExpr *call = site.nodeAt<CallExpr>(site.finding().location, [&](const CallExpr *c) {
      return c->getDirectCallee() && c->getNumArgs() > 0;
    });
    if (!call) {
      why = "the sink is not a call";
      return {};
    }
    // Every string argument that is not a literal may be the tainted path.
    std::vector<const Expr *> paths;
    for (const Expr *arg : call->arguments()) {
      if (!FixSite::isString(arg) || isa<StringLiteral>(arg->IgnoreParenImpCasts())) continue;
      if (!FixSite::isSideEffectFree(arg, site.context())) {
        why = "a path argument has side effects";
        return {};
      }
      paths.push_back(arg);
    }
    if (paths.empty()) {
      why = "no path argument of the call is a string";
      return {};
    }
    std::vector<FixCandidate> out = rootCheck(site, call, paths, why);
    if (site.declares("strstr")) {
      std::string check;
      for (const Expr *p : paths)
        check += (check.empty() ? "" : " || ") + std::string("strstr(") + site.text(p) + ", \"..\") != " + site.nullLiteral();
      std::vector<FixCandidate> dotdot =
          site.guardBefore(call, check, "path-dotdot-guard", "refuse a path with a '..' component before it is used", why);
      out.insert(out.end(), dotdot.begin(), dotdot.end());
    } else if (out.empty()) {
      why = "<string.h> is not included, so strstr is not declared";
    }
    return out;
  }

private:
  std::vector<FixCandidate> rootCheck(const FixSite &site, const CallExpr *call, const std::vector<const Expr *> &paths,
                                      std::string &why) const {
    for (const char *needed : {"strrchr", "strcmp", "strncmp", "strlen", "memcpy", "malloc", "free"})
      if (!site.declares(needed)) {
        why = std::string("'") + needed + "' is not declared, so the path cannot be canonicalized";
        return {};
      }
    // Strict C hides realpath behind feature macros; C++ has it from <cstdlib> or not at all.
    bool declareRealpath = !site.declares("realpath");
    if (declareRealpath && site.isCpp()) {
      why = "'realpath' is not declared, so the path cannot be canonicalized";
      return {};
    }
    const FunctionDecl *fn = site.functionOf(call);
    std::string check, roots;
    std::vector<std::string> rootList;
    bool workingDirectory = false;
    for (const Expr *p : paths) {
      std::string root;
      if (const auto *ref = dyn_cast<DeclRefExpr>(p->IgnoreParenImpCasts()); ref && fn && fn->getBody())
        if (const auto *vd = dyn_cast<VarDecl>(ref->getDecl()); vd && vd->hasLocalStorage()) {
          RootFinder finder(site, vd, call->getBeginLoc());
          finder.TraverseStmt(fn->getBody());
          root = finder.root;
        }
      if (root.empty()) {
        root = "\".\"";
        workingDirectory = true;
      }
      check += (check.empty() ? "" : " || ") + std::string("!") + kHelperName + "(" + site.text(p) + ", " + root + ")";
      if (std::find(rootList.begin(), rootList.end(), root) == rootList.end()) {
        rootList.push_back(root);
        roots += (roots.empty() ? "" : ", ") + root;
      }
    }
    std::string description = "canonicalize the path with realpath and refuse it unless it lies below " + roots;
    if (workingDirectory)
      description += " (the working directory: the code shows no root folder; name the real one if it differs)";
    std::vector<FixCandidate> out = site.guardBefore(call, check, name(), description, why);
    if (out.empty()) return out;
    if (!site.addHelperFunction(kHelperName, helperDefinition(site.nullLiteral(), declareRealpath), out.front().edits)) {
      why = "the file's first function is written inside a macro, so the check has no place";
      return {};
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makePathGuard() { return std::make_unique<PathGuard>(); }

}  // namespace mamori
