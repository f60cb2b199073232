// A reusable forward dataflow solver over clang::CFG: a worklist in reverse post-order,
// with a lattice supplied by the analysis. Every checker family's domain (taint today,
// value ranges and pointer states next) runs on this one solver.
//
// The Analysis type provides:
//   using State = ...;                    // a lattice element; must be copyable
//   State entryState();                   // at the function's entry block
//   bool join(State &into, const State &from);   // least upper bound; true if `into` grew
//   void transferBlock(const clang::CFGBlock &, State &);      // the block's elements in order
//   void transferEdge(const clang::CFGBlock &from, unsigned succIndex, State &);  // branch facts
//   bool widenAt(...) is not needed: a visit cap bounds non-terminating lattices.
#pragma once

#include "clang/Analysis/CFG.h"

#include <algorithm>
#include <optional>
#include <vector>

namespace mamori {

// Each block's position (by block ID) in reverse post-order from the entry. An edge from a
// block to one of equal or lower rank goes back to a loop head.
inline std::vector<unsigned> reversePostOrderRank(const clang::CFG &cfg) {
  const unsigned n = cfg.getNumBlockIDs();
  std::vector<unsigned> post;
  std::vector<char> seen(n, 0);
  // Iterative DFS: deeply nested code must not overflow the stack.
  std::vector<std::pair<const clang::CFGBlock *, clang::CFGBlock::const_succ_iterator>> stack;
  const clang::CFGBlock *entry = &cfg.getEntry();
  seen[entry->getBlockID()] = 1;
  stack.push_back({entry, entry->succ_begin()});
  while (!stack.empty()) {
    auto &[block, it] = stack.back();
    if (it == block->succ_end()) {
      post.push_back(block->getBlockID());
      stack.pop_back();
      continue;
    }
    const clang::CFGBlock *succ = it->getReachableBlock();
    ++it;
    if (succ && !seen[succ->getBlockID()]) {
      seen[succ->getBlockID()] = 1;
      stack.push_back({succ, succ->succ_begin()});
    }
  }
  // Unreachable blocks keep rank 0; no state ever reaches them.
  std::vector<unsigned> rank(n, 0);
  for (unsigned i = 0; i < post.size(); ++i) rank[post[post.size() - 1 - i]] = i;
  return rank;
}

template <typename Analysis> class ForwardDataflow {
public:
  using State = typename Analysis::State;

  explicit ForwardDataflow(Analysis &analysis, unsigned maxVisitsPerBlock = 32)
      : analysis_(analysis), maxVisits_(maxVisitsPerBlock) {}

  // Runs to a fixpoint (or the visit cap) and returns each block's entry state
  // (std::nullopt for unreachable blocks).
  std::vector<std::optional<State>> run(const clang::CFG &cfg) {
    const unsigned n = cfg.getNumBlockIDs();
    std::vector<std::optional<State>> in(n);
    std::vector<unsigned> visits(n, 0);
    std::vector<const clang::CFGBlock *> byId(n, nullptr);
    for (const clang::CFGBlock *b : cfg) byId[b->getBlockID()] = b;
    std::vector<unsigned> rank = reversePostOrderRank(cfg);

    // A worklist ordered by reverse post-order: loops converge in few sweeps.
    std::vector<bool> queued(n, false);
    auto cmp = [&](unsigned a, unsigned b) { return rank[a] > rank[b]; };
    std::vector<unsigned> heap;
    auto push = [&](unsigned id) {
      if (queued[id]) return;
      queued[id] = true;
      heap.push_back(id);
      std::push_heap(heap.begin(), heap.end(), cmp);
    };
    const clang::CFGBlock &entry = cfg.getEntry();
    in[entry.getBlockID()] = analysis_.entryState();
    push(entry.getBlockID());
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), cmp);
      unsigned id = heap.back();
      heap.pop_back();
      queued[id] = false;
      if (++visits[id] > maxVisits_) continue;
      const clang::CFGBlock *block = byId[id];
      State out = *in[id];
      analysis_.transferBlock(*block, out);
      // The last reachable successor takes `out` itself: one state copy fewer per visit,
      // which matters for the big states of long state machines.
      unsigned lastReachable = 0, succIndex = 0;
      for (auto it = block->succ_begin(); it != block->succ_end(); ++it, ++succIndex)
        if (it->getReachableBlock()) lastReachable = succIndex;
      succIndex = 0;
      for (auto it = block->succ_begin(); it != block->succ_end(); ++it, ++succIndex) {
        const clang::CFGBlock *succ = it->getReachableBlock();
        if (!succ) continue;
        State edge = succIndex == lastReachable ? std::move(out) : out;
        analysis_.transferEdge(*block, succIndex, edge);
        if (!analysis_.isFeasible(edge)) continue;
        auto &target = in[succ->getBlockID()];
        if (!target) {
          target = std::move(edge);
          push(succ->getBlockID());
        } else if (widens(*target, edge, visits[succ->getBlockID()], rank[id] >= rank[succ->getBlockID()])) {
          push(succ->getBlockID());
        }
      }
    }
    return in;
  }

private:
  // An analysis with infinite ascending chains (value ranges) provides widen(); it is used
  // once a block has been revisited a few times, so loops converge.
  bool widens(State &into, const State &from, unsigned visits, bool backEdge) {
    // An analysis may treat what a loop body carries back to its head specially.
    if constexpr (requires(Analysis &a, State &x, const State &y) { a.joinBackEdge(x, y); }) {
      if (backEdge) return analysis_.joinBackEdge(into, from);
    }
    if constexpr (requires(Analysis &a, State &x, const State &y) { a.widen(x, y); }) {
      // Only where a loop closes: widening elsewhere would lose the bounds that the loop
      // condition puts on the body.
      if (backEdge && visits >= 2) return analysis_.widen(into, from);
    }
    return analysis_.join(into, from);
  }

  Analysis &analysis_;
  unsigned maxVisits_;

};

}  // namespace mamori
