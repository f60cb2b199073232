// CWE-789: an allocation whose size input chooses with no upper limit. The fix rejects a
// size above a limit before the statement that allocates, failing the way the function's
// other error paths do, and names the limit once per file for the owner to set:
//   p = malloc(len + 1);        ->  if (len > INPUT_ALLOCATION_LIMIT - 1) { return NULL; }
//   calloc(n, sizeof(T))        ->  if (n < 0 || n > INPUT_ALLOCATION_LIMIT / sizeof(T)) { ... }
//   new T[n]                    ->  if (n > INPUT_ALLOCATION_LIMIT / sizeof(T)) { ... }
// The check is written on the input's own value (a count, a length) so that it cannot wrap
// where the size's arithmetic would.
#include "repair/Strategy.h"

#include "frontend/AstUtil.h"

#include "clang/AST/ExprCXX.h"

namespace mamori {
namespace {

using namespace clang;

const char *kLimit = "INPUT_ALLOCATION_LIMIT";
const char *kLimitDefinition =
    "/* The largest block input may make this file allocate: set it to what the data needs. */\n"
    "#define INPUT_ALLOCATION_LIMIT ((size_t)16 << 20)\n";

bool isConstant(const Expr *e, const ASTContext &ctx) {
  return !e->isValueDependent() && e->isIntegerConstantExpr(ctx);
}

class AllocationLimit : public RepairStrategy {
public:
  const char *name() const override { return "allocation-limit"; }
  bool handles(const Finding &f) const override { return f.cwe == 789; }

  std::vector<FixCandidate> propose(const FixSite &site, std::string &why) const override {
    const ASTContext &ctx = site.context();
    const Location &at = site.finding().location;
    const Stmt *allocation = nullptr;
    const Expr *count = nullptr;  // the value input chooses
    std::string bound;            // what it must not exceed
    if (const auto *n = site.nodeAt<CXXNewExpr>(at, [](const CXXNewExpr *n) { return n->isArray(); })) {
      std::optional<const Expr *> size = n->getArraySize();
      if (!size || !*size) return none(why);
      allocation = n;
      count = *size;
      bound = std::string(kLimit) + " / sizeof(" + n->getAllocatedType().getAsString(ctx.getPrintingPolicy()) + ")";
    } else if (const auto *call = site.nodeAt<CallExpr>(at, [](const CallExpr *c) { return !sizeArguments(c).empty(); })) {
      allocation = call;
      std::vector<unsigned> factors = sizeArguments(call);
      if (factors.size() == 2) {  // calloc(count, each)
        count = call->getArg(factors[0]);
        const Expr *each = call->getArg(factors[1]);
        if (isConstant(count, ctx) && !isConstant(each, ctx)) std::swap(count, each);
        bound = std::string(kLimit) + " / " + site.operand(each);
        if (!isConstant(each, ctx)) return none(why);
      } else {
        const Expr *size = call->getArg(factors[0]);
        count = size;
        bound = kLimit;
        // `n * sizeof(T)` or `n + 1`: the check goes on n, with the constant moved across.
        if (const auto *b = dyn_cast<BinaryOperator>(size->IgnoreParenImpCasts());
            b && (b->getOpcode() == BO_Mul || b->getOpcode() == BO_Add)) {
          const Expr *l = b->getLHS(), *r = b->getRHS();
          if (isConstant(l, ctx) && !isConstant(r, ctx)) std::swap(l, r);
          if (isConstant(r, ctx) && !isConstant(l, ctx)) {
            count = l;
            bound = std::string(kLimit) + (b->getOpcode() == BO_Mul ? " / " : " - ") + site.operand(r);
          }
        }
      }
    }
    if (!allocation || !count) {
      why = "the allocation could not be found";
      return {};
    }
    if (!FixSite::isSideEffectFree(count, ctx)) {
      why = "the size has side effects";
      return {};
    }
    std::string value = site.operand(count);
    QualType t = count->IgnoreImpCasts()->getType();
    std::string condition = (t->isSignedIntegerType() ? value + " < 0 || " : "") + value + " > " + bound;
    std::vector<FixCandidate> out =
        site.guardBefore(allocation, condition, name(),
                         "reject a size above " + std::string(kLimit) + " before allocating", why);
    for (FixCandidate &c : out)
      if (!site.addFileDefinition(kLimit, kLimitDefinition, c.edits)) {
        why = "the limit's definition would go inside a macro";
        return {};
      }
    return out;
  }

private:
  // The size arguments of an allocator call (frontend/AstUtil knows the allocators).
  static std::vector<unsigned> sizeArguments(const CallExpr *c) {
    const FunctionDecl *fd = c->getDirectCallee();
    if (!fd || !fd->getIdentifier()) return {};
    return allocationSizeArguments(fd->getName(), c->getNumArgs());
  }
  static std::vector<FixCandidate> none(std::string &why) {
    why = "the array's size could not be found";
    return {};
  }
};

}  // namespace

std::unique_ptr<RepairStrategy> makeAllocationLimit() { return std::make_unique<AllocationLimit>(); }

}  // namespace mamori
