// CWE-78: data reaches a shell. The preferred fix is an allowlist on the data itself, where
// the command is built from it (`snprintf(cmd, n, "ping -c 1 %s 2>&1", host)`): before that,
// the data must be one shell word of letters, digits and `. _ - + : @ , = /`, not starting
// with `-`, so that it can neither end the command, start another, redirect, quote or expand
// anything, nor pass an option. The command's own fixed text (here `2>&1`) keeps working.
// The allowlist is a small helper added once per file; mamori's taint engine reads its loop
// as a validation, so a rescan sees it.
//
// When the data cannot be told apart from the command (it was read straight into it), the
// fallback refuses, before the shell runs, a command holding any character the shell gives
// meaning to for chaining, substitution or redirection (strpbrk).
#include "frontend/AstUtil.h"
#include "repair/Strategy.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"

#include <algorithm>
#include <set>

namespace mamori {
namespace {

using namespace clang;

class CommandGuard : public RepairStrategy {
public:
  const char *name() const override { return "command-metacharacter-guard"; }
  bool handles(const Finding &f) const override { return f.cwe == 78; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    CalleeNamer names;
    const CallExpr *call = site.nodeAt<CallExpr>(site.finding().location, [&](const CallExpr *c) {
      return c->getDirectCallee() && c->getNumArgs() > 0;
    });
    if (!call) {
      why = "the sink is not a call";
      return {};
    }
    std::string callee = names.name(call->getDirectCallee());
    // The strings the shell will read: the command of system/popen, or what an exec* call
    // hands to a shell it names (`execl("/bin/sh", "sh", "-c", cmd, NULL)`).
    std::vector<const Expr *> commands;
    if (callee == "system" || callee == "popen") {
      commands.push_back(call->getArg(0));
    } else if (callee.rfind("exec", 0) == 0) {
      bool shell = false;
      for (const Expr *a : call->arguments())
        if (auto *lit = dyn_cast<StringLiteral>(a->IgnoreParenImpCasts()); lit && lit->getCharByteWidth() == 1) {
          llvm::StringRef v = lit->getString();
          shell |= v == "sh" || v.ends_with("/sh") || v == "bash" || v.ends_with("/bash") || v.ends_with("/dash");
        }
      for (const Expr *a : call->arguments()) {
        if (FixSite::isString(a) && !isa<StringLiteral>(a->IgnoreParenImpCasts()) &&
            !a->IgnoreParenCasts()->isNullPointerConstant(site.context(), Expr::NPC_ValueDependentIsNotNull))
          commands.push_back(a);
      }
      if (!shell) commands.clear();
    }
    if (commands.empty()) {
      why = "'" + callee + "' runs no shell; check the program and its arguments against an allowlist by hand";
      return {};
    }
    for (const Expr *command : commands)
      if (!FixSite::isSideEffectFree(command, site.context()) || isa<StringLiteral>(command->IgnoreImpCasts())) {
        why = "the command expression has side effects";
        return {};
      }
    std::vector<FixCandidate> out = dataAllowlist(site, call, commands, why);
    if (!site.declares("strpbrk")) {
      if (out.empty()) why = "<string.h> is not included, so strpbrk is not declared";
      return out;
    }
    std::string check;
    for (const Expr *command : commands)
      check += (check.empty() ? "" : " || ") + std::string("strpbrk(") + site.text(command) + ", \";|&`$<>\\\\\\n\") != " +
               site.nullLiteral();
    std::vector<FixCandidate> guard = site.guardBefore(
        call, check, name(), "refuse a command that holds shell metacharacters before '" + callee + "' runs it", why);
    out.insert(out.end(), guard.begin(), guard.end());
    return out;
  }

private:
  // The allowlist on the data a command buffer is built from, placed before the first call
  // that builds it. Data is a string argument of the builders (snprintf, strcat, ...) that
  // the trace names; with no name in the trace, every string argument counts.
  std::vector<FixCandidate> dataAllowlist(const FixSite &site, const CallExpr *sink,
                                          const std::vector<const Expr *> &commands, std::string &why) const {
    const FunctionDecl *fn = site.functionOf(sink);
    if (!fn || !fn->getBody()) return {};
    // C allows declaring a library function that needs no header type (C11 7.1.4): the
    // helper does so for isalnum when <ctype.h> is not included. C++ must include it.
    bool declareIsalnum = !site.declares("isalnum");
    if (declareIsalnum && site.isCpp()) return {};
    std::set<std::string> traced;
    for (const TraceStep &step : site.finding().trace)
      for (size_t q = step.message.find('\''); q != std::string::npos; q = step.message.find('\'', q + 1)) {
        size_t end = step.message.find('\'', q + 1);
        if (end == std::string::npos) break;
        traced.insert(step.message.substr(q + 1, end - q - 1));
        q = end;
      }
    // A source that writes through an argument (`fgets(name, ...)`) names its variable there.
    for (const TraceStep &step : site.finding().trace)
      if (step.kind == TraceStep::Kind::Source)
        if (const CallExpr *c = site.nodeAt<CallExpr>(step.location))
          for (const Expr *a : c->arguments())
            if (const auto *r = dyn_cast<DeclRefExpr>(a->IgnoreParenImpCasts())) traced.insert(r->getDecl()->getName().str());
    struct Builders : RecursiveASTVisitor<Builders> {
      std::set<const VarDecl *> buffers;
      SourceLocation before;
      const SourceManager *sm = nullptr;
      std::vector<const CallExpr *> calls;
      bool VisitCallExpr(CallExpr *c) {
        const FunctionDecl *fd = c->getDirectCallee();
        if (!fd || !fd->getIdentifier() || c->getNumArgs() < 2 || !sm->isBeforeInTranslationUnit(c->getBeginLoc(), before))
          return true;
        static const std::set<std::string> builders = {"snprintf", "sprintf", "strcat", "strncat", "strcpy", "strncpy"};
        const auto *ref = dyn_cast<DeclRefExpr>(c->getArg(0)->IgnoreParenImpCasts());
        const auto *vd = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
        if (builders.count(fd->getName().str()) && vd && buffers.count(vd)) calls.push_back(c);
        return true;
      }
    } builders;
    for (const Expr *command : commands) {
      const auto *ref = dyn_cast<DeclRefExpr>(command->IgnoreParenImpCasts());
      const auto *vd = ref ? dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
      if (!vd || !vd->hasLocalStorage() || !vd->getType()->isArrayType()) return {};  // built elsewhere
      builders.buffers.insert(vd);
    }
    builders.before = sink->getBeginLoc();
    builders.sm = &site.context().getSourceManager();
    builders.TraverseStmt(fn->getBody());
    std::vector<const Expr *> data, named;
    const CallExpr *first = nullptr;
    for (const CallExpr *c : builders.calls) {
      llvm::StringRef callee = c->getDirectCallee()->getName();
      // The content: what follows the format, or the source of a copy or concatenation.
      int format = FixSite::formatArgument(callee);
      unsigned from = format < 0 ? 1 : static_cast<unsigned>(format) + 1;
      unsigned to = callee == "strncat" || callee == "strncpy" ? 2 : c->getNumArgs();
      for (unsigned i = from; i < to && i < c->getNumArgs(); ++i) {
        const Expr *a = c->getArg(i);
        if (!FixSite::isString(a) || isa<StringLiteral>(a->IgnoreParenImpCasts())) continue;
        if (!FixSite::isStableLvalue(a->IgnoreParenImpCasts())) return {};
        data.push_back(a);
        if (const auto *r = dyn_cast<DeclRefExpr>(a->IgnoreParenImpCasts()); r && traced.count(r->getDecl()->getName().str()))
          named.push_back(a);
      }
    }
    if (!named.empty()) data = named;
    if (data.empty()) return {};
    // Before the first call that builds the command from the data.
    for (const CallExpr *c : builders.calls)
      for (const Expr *a : c->arguments())
        if (!first && std::find(data.begin(), data.end(), a) != data.end()) first = c;
    std::string check;
    std::set<std::string> seen;
    for (const Expr *d : data)
      if (seen.insert(site.text(d)).second)
        check += (check.empty() ? "" : " || ") + std::string("!mamori_shell_word(") + site.text(d) + ")";
    std::string what;
    for (const std::string &n : seen) what += (what.empty() ? "'" : ", '") + n + "'";
    std::vector<FixCandidate> out =
        site.guardBefore(first, check, "command-allowlist",
                         "allow " + what + " into the command only as one plain word (letters, digits, . _ - + : @ , = /)", why);
    if (out.empty()) return out;
    if (!site.addHelperFunction("mamori_shell_word", helperDefinition(declareIsalnum), out.front().edits)) return {};
    return out;
  }

  static std::string helperDefinition(bool declareIsalnum) {
    return "/* Added by mamori fix: whether TEXT is one plain shell word: letters, digits and . _ - + : @ , = /\n"
           "   only, and no leading '-'. A shell reads none of them as syntax, so the text can neither end\n"
           "   the command nor start another, redirect, quote, expand, or pass an option. */\n"
           "static int mamori_shell_word(const char *text)\n"
           "{\n" +
           std::string(declareIsalnum ? "    int isalnum(int c);\n" : "") +
           "    if (text[0] == '-')\n"
           "        return 0;\n"
           "    for (size_t i = 0; text[i] != '\\0'; i++) {\n"
           "        if (!isalnum((unsigned char)text[i]) && text[i] != '.' && text[i] != '_' && text[i] != '-' &&\n"
           "            text[i] != '+' && text[i] != ':' && text[i] != '@' && text[i] != ',' && text[i] != '=' &&\n"
           "            text[i] != '/')\n"
           "            return 0;\n"
           "    }\n"
           "    return 1;\n"
           "}\n";
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeCommandGuard() { return std::make_unique<CommandGuard>(); }

}  // namespace mamori
