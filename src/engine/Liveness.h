// Which local variables a function may still read after each block of its CFG ends: a
// backward may-liveness over the CFG an analysis already built. An analysis uses it to
// forget what a dead variable held, so an old block that only a dead pointer still names
// (`sub = sub_mount; ... free(sub);` in a loop) is not mistaken for the next iteration's.
#pragma once

#include "llvm/ADT/BitVector.h"

#include <map>
#include <set>
#include <vector>

namespace clang {
class CFG;
class CFGBlock;
class FunctionDecl;
class VarDecl;
}  // namespace clang

namespace mamori {

class LocalLiveness {
public:
  LocalLiveness(const clang::CFG &cfg, const clang::FunctionDecl &fd);

  // False only for a tracked local pointer that no path from the end of `block` reads
  // before it is assigned again. Globals, parameters, statics, non-pointers, and locals
  // whose address is taken or that a lambda or reference can reach are always live.
  bool liveAfter(const clang::CFGBlock &block, const clang::VarDecl *vd) const;

private:
  std::set<const clang::VarDecl *> tracked_;  // local pointers only reached by name
  std::map<const clang::VarDecl *, unsigned> index_;
  std::vector<llvm::BitVector> liveOut_;  // by block ID
};

}  // namespace mamori
