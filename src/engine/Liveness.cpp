#include "engine/Liveness.h"

#include "frontend/AstUtil.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/BitVector.h"

namespace mamori {

using namespace clang;

namespace {

// Locals a function declares, less those something other than their name can reach.
class TrackedLocals : public RecursiveASTVisitor<TrackedLocals> {
public:
  std::set<const VarDecl *> locals, reachable;

  bool VisitVarDecl(VarDecl *vd) {
    if (vd->isLocalVarDecl() && !vd->isStaticLocal() && !vd->getType()->isReferenceType()) locals.insert(vd);
    // `T &r = x;`: r reads x later.
    if (vd->getType()->isReferenceType() && vd->hasInit())
      if (const VarDecl *root = rootVariable(vd->getInit())) reachable.insert(root);
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *u) {
    if (u->getOpcode() == UO_AddrOf)
      if (const VarDecl *root = rootVariable(u->getSubExpr())) reachable.insert(root);
    return true;
  }
  bool VisitLambdaExpr(LambdaExpr *l) {
    for (const LambdaCapture &c : l->captures())
      if (c.capturesVariable())
        if (const auto *vd = llvm::dyn_cast<VarDecl>(c.getCapturedVar())) reachable.insert(vd);
    return true;
  }
};

// Reads of tracked variables anywhere under `s`, except `skip` (an assignment's target).
void collectReads(const Stmt *s, const Stmt *skip, const std::set<const VarDecl *> &tracked,
                  std::set<const VarDecl *> &out) {
  if (!s || s == skip) return;
  if (const auto *d = llvm::dyn_cast<DeclRefExpr>(s))
    if (const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl()); vd && tracked.count(vd)) out.insert(vd);
  for (const Stmt *child : s->children()) collectReads(child, skip, tracked, out);
}

}  // namespace

LocalLiveness::LocalLiveness(const CFG &cfg, const FunctionDecl &fd) {
  TrackedLocals locals;
  if (fd.getBody()) locals.TraverseStmt(const_cast<Stmt *>(fd.getBody()));
  for (const VarDecl *vd : locals.locals)
    if (!locals.reachable.count(vd) && vd->getType()->isPointerType()) tracked_.insert(vd);
  if (tracked_.empty()) return;
  unsigned index = 0;
  for (const VarDecl *vd : tracked_) index_[vd] = index++;

  // Per block: variables read before any assignment in it (gen), and those assigned (kill).
  unsigned n = cfg.getNumBlockIDs();
  std::vector<llvm::BitVector> gen(n, llvm::BitVector(index)), kill(n, llvm::BitVector(index));
  std::vector<llvm::BitVector> liveIn(n, llvm::BitVector(index));
  liveOut_.assign(n, llvm::BitVector(index));
  std::vector<const CFGBlock *> blocks(n, nullptr);
  for (const CFGBlock *b : cfg) {
    if (!b) continue;
    unsigned id = b->getBlockID();
    blocks[id] = b;
    for (auto el = b->rbegin(); el != b->rend(); ++el) {
      auto cs = el->getAs<CFGStmt>();
      if (!cs) continue;
      const Stmt *st = cs->getStmt();
      const VarDecl *assigned = nullptr;
      const Stmt *target = nullptr;
      if (const auto *bo = llvm::dyn_cast<BinaryOperator>(st); bo && bo->getOpcode() == BO_Assign) {
        if (const auto *d = llvm::dyn_cast<DeclRefExpr>(bo->getLHS()->IgnoreParens())) {
          assigned = llvm::dyn_cast<VarDecl>(d->getDecl());
          target = d;
        }
      } else if (const auto *ds = llvm::dyn_cast<DeclStmt>(st); ds && ds->isSingleDecl()) {
        assigned = llvm::dyn_cast<VarDecl>(ds->getSingleDecl());
      }
      if (assigned && tracked_.count(assigned)) {
        gen[id].reset(index_.at(assigned));
        kill[id].set(index_.at(assigned));
      }
      std::set<const VarDecl *> reads;
      if (const auto *ds = llvm::dyn_cast<DeclStmt>(st)) {
        for (const Decl *d : ds->decls())
          if (const auto *vd = llvm::dyn_cast<VarDecl>(d); vd && vd->hasInit())
            collectReads(vd->getInit(), nullptr, tracked_, reads);
      } else {
        collectReads(st, target, tracked_, reads);
      }
      for (const VarDecl *vd : reads) gen[id].set(index_.at(vd));
    }
  }
  // liveIn = gen | (liveOut & ~kill), liveOut = | liveIn(successors): a worklist that
  // revisits the predecessors of a block whose liveIn grew.
  std::vector<unsigned> work;
  std::vector<bool> queued(n, true);
  for (unsigned id = 0; id < n; ++id) work.push_back(id);
  while (!work.empty()) {
    unsigned id = work.back();
    work.pop_back();
    queued[id] = false;
    const CFGBlock *b = blocks[id];
    if (!b) continue;
    llvm::BitVector out(index);
    for (const CFGBlock::AdjacentBlock &s : b->succs())
      if (const CFGBlock *succ = s.getReachableBlock()) out |= liveIn[succ->getBlockID()];
    llvm::BitVector in = out;
    in.reset(kill[id]);
    in |= gen[id];
    liveOut_[id] = std::move(out);
    if (in == liveIn[id]) continue;
    liveIn[id] = std::move(in);
    for (const CFGBlock::AdjacentBlock &p : b->preds())
      if (const CFGBlock *pred = p.getReachableBlock(); pred && !queued[pred->getBlockID()]) {
        queued[pred->getBlockID()] = true;
        work.push_back(pred->getBlockID());
      }
  }
}

bool LocalLiveness::liveAfter(const CFGBlock &block, const VarDecl *vd) const {
  auto it = index_.find(vd);
  if (it == index_.end()) return true;
  unsigned id = block.getBlockID();
  return id >= liveOut_.size() || liveOut_[id].test(it->second);
}

}  // namespace mamori
