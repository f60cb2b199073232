// CWE-401: memory lost on some path. The fix releases it where the path leaves: before the
// `return`, `goto`, `break` or overwrite the finding points at, or before the end of the
// function. A return whose value still reads the memory keeps its value in a local first.
#include "repair/Strategy.h"

#include "clang/AST/ParentMapContext.h"

#include "clang/AST/ExprCXX.h"

namespace mamori {
namespace {

using namespace clang;

class ReleaseOnExit : public RepairStrategy {
public:
  const char *name() const override { return "release-on-exit"; }
  bool handles(const Finding &f) const override { return f.cwe == 401; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    if (site.finding().message.find("if 'realloc' fails") != std::string::npos) return reallocTemporary(site, why);
    const TraceStep *alloc = site.step(TraceStep::Kind::Source, "allocated by");
    const Expr *allocation = alloc ? site.allocationAt(alloc->location) : nullptr;
    if (!allocation) {
      why = "the allocation could not be found in this file";
      return {};
    }
    std::string ptr = site.holderOf(allocation);
    if (ptr.empty()) {
      why = "the allocation is not stored in a variable that can be released by name";
      return {};
    }
    std::string allocator;
    size_t q = alloc->message.find('\'');
    if (q != std::string::npos) allocator = alloc->message.substr(q + 1, alloc->message.find('\'', q + 1) - q - 1);
    std::string release = FixSite::releaseFor(allocator, ptr);

    FixCandidate c;
    c.strategy = name();
    c.description = "release '" + ptr + "' on the path that loses it";
    const Location &at = site.finding().location;
    const Stmt *exit = site.nodeAt<ReturnStmt>(at);
    if (!exit) exit = site.nodeAt<GotoStmt>(at);
    if (!exit) exit = site.nodeAt<BreakStmt>(at);
    if (!exit) exit = site.nodeAt<ContinueStmt>(at);
    if (auto *ret = dyn_cast_or_null<ReturnStmt>(exit); ret && ret->getRetValue()) {
      const Expr *value = ret->getRetValue();
      if (site.text(value->IgnoreParenImpCasts()) == ptr) {
        why = "the path returns the memory to its caller";
        return {};
      }
      if (FixSite::namesIn(site.text(value), ptr)) {
        // `return atoi(v);` -> `int result = atoi(v); free(v); return result;`
        const FunctionDecl *fd = site.functionOf(ret);
        if (!fd || !site.inBlock(ret)) {
          why = "the return value reads the memory and the return is not in a block";
          return {};
        }
        std::string type = fd->getReturnType().getAsString(site.context().getPrintingPolicy());
        std::string local = site.freshName(ret, "result");
        std::string indent = site.indentOf(ret);
        if (!site.insertBefore(ret, type + " " + local + " = " + site.text(value) + ";\n" + indent + release, c.edits) ||
            !site.replace(value->getSourceRange(), local, c.edits)) {
          why = "the return is written inside a macro";
          return {};
        }
        return {c};
      }
    }
    if (exit) {
      if (!site.insertBefore(exit, release, c.edits)) {
        why = "the exit is written inside a macro";
        return {};
      }
      return {c};
    }
    // The end of the function: the finding points at its closing brace.
    const Stmt *overwrite = site.nodeAt<Stmt>(at, [](const Stmt *s) { return isa<Expr>(s) || isa<DeclStmt>(s); });
    if (overwrite) {
      const Stmt *stmt = site.enclosingStatement(overwrite);
      if (stmt && site.insertBefore(stmt, release, c.edits)) return {c};
    }
    if (const FunctionDecl *fd = site.functionOf(allocation)) {
      if (auto *body = dyn_cast_or_null<CompoundStmt>(fd->getBody())) {
        const SourceManager &sm = site.context().getSourceManager();
        SourceLocation brace = body->getRBracLoc();
        // A variable declared in an inner block goes out of scope there: release it at the
        // end of that block, where it can still be named.
        const VarDecl *var = site.holderVariable(allocation);
        const CompoundStmt *scope = body;
        if (var && var->isLocalVarDecl())
          for (const DynTypedNode &n : site.context().getParents(*var))
            if (const DeclStmt *ds = n.get<DeclStmt>())
              if (auto *block = dyn_cast_or_null<CompoundStmt>(site.parentStmt(ds))) scope = block;
        if (sm.getExpansionLineNumber(brace) == at.line && sm.getExpansionColumnNumber(brace) == at.column &&
            scope != body) {
          if (site.insertAt(scope->getRBracLoc(), site.indentUnit() + release + "\n" + site.indentOf(scope), c.edits))
            return {c};
        }
        if (sm.getExpansionLineNumber(brace) == at.line && sm.getExpansionColumnNumber(brace) == at.column) {
          if (site.insertAt(brace, site.indentUnit() + release + "\n" + site.indentOf(body), c.edits)) return {c};
        }
      }
    }
    why = "the place where the memory is lost is not a statement mamori can release it before";
    return {};
  }

private:
  // `p = realloc(p, n);` loses the block when realloc fails. Keep the result in a
  // temporary, release the old block and fail when it is NULL, and only then store it.
  static std::vector<FixCandidate> reallocTemporary(const FixSite &site, std::string &why) {
    const CallExpr *call = site.nodeAt<CallExpr>(site.finding().location, [](const CallExpr *c) {
      return c->getDirectCallee() && c->getDirectCallee()->getIdentifier() && c->getDirectCallee()->getName() == "realloc";
    });
    const auto *assign = call ? dyn_cast_or_null<BinaryOperator>(site.parentStmt(call)) : nullptr;
    for (const Stmt *p = call ? site.parentStmt(call) : nullptr; p && !assign; p = site.parentStmt(p)) {
      if (auto *b = dyn_cast<BinaryOperator>(p)) assign = b;
      if (!isa<CastExpr>(p) && !isa<ParenExpr>(p) && !isa<BinaryOperator>(p)) break;
    }
    if (!call || !assign || assign->getOpcode() != BO_Assign || site.enclosingStatement(assign) != assign ||
        !site.inBlock(assign) || !FixSite::isStableLvalue(assign->getLHS())) {
      why = "the realloc is not a statement `p = realloc(p, n);` of a block";
      return {};
    }
    std::string p = site.text(assign->getLHS());
    std::string failure = site.failureStatement(assign);
    if (failure.empty()) {
      why = "the function has no error return to follow";
      return {};
    }
    if (failure.find("free(" + p + ");") == std::string::npos) failure = "free(" + p + ");\n" + failure;
    std::string type = assign->getLHS()->getType().getAsString(site.context().getPrintingPolicy());
    std::string tmp = site.freshName(assign, "grown");
    std::string indent = site.indentOf(assign);
    std::string code = type + (type.back() == '*' ? "" : " ") + tmp + " = " + site.text(assign->getRHS()) + ";\n" + indent +
                       site.guard(tmp + " == " + site.nullLiteral(), failure, assign) + "\n" + indent + p + " = " + tmp;
    FixCandidate c;
    c.strategy = "realloc-temporary";
    c.description = "keep realloc's result in a temporary, so a failure does not lose '" + p + "'";
    if (!site.replace(assign->getSourceRange(), code, c.edits)) {
      why = "the realloc is written inside a macro";
      return {};
    }
    return {c};
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeReleaseOnExit() { return std::make_unique<ReleaseOnExit>(); }

}  // namespace mamori
