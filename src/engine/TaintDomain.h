// The taint domain: which attacker-controlled origins may reach a value, with the trace
// that got each one there, and which sink kinds each origin has been made safe for.
// Values also carry a small points-to set (locations and functions) so that writes
// through pointers, aliases and function pointers are followed.
#pragma once

#include "core/Finding.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mamori {

// Immutable, shared trace: each propagation step points at the one before it.
struct TraceNode {
  TraceStep step;
  std::shared_ptr<const TraceNode> prev;
  unsigned depth = 1;
};
using TraceRef = std::shared_ptr<const TraceNode>;

TraceRef extendTrace(const TraceRef &prev, TraceStep step);
std::vector<TraceStep> flattenTrace(const TraceRef &t);

// Where tainted data came from: a source call site, or (inside a function's summary) the
// data its caller passes as parameter `param`.
struct Origin {
  const void *site = nullptr;  // the source expression or declaration
  int param = -1;              // >= 0: symbolic parameter origin
  bool isParam() const { return param >= 0; }
  friend bool operator==(const Origin &, const Origin &) = default;
  friend bool operator<(const Origin &a, const Origin &b) {
    return a.param != b.param ? a.param < b.param : std::less<const void *>()(a.site, b.site);
  }
};

struct TaintFact {
  TraceRef trace;
  unsigned sanitized = 0;   // bit per SinkKind: safe for that kind of sink
  bool canonical = false;   // went through a canonicalizing call (realpath)
};

// A set of origins with their facts, sorted by origin.
class Taint {
public:
  bool empty() const { return facts_.empty(); }
  size_t size() const { return facts_.size(); }
  const std::vector<std::pair<Origin, TaintFact>> &facts() const { return facts_; }

  // Adds or joins one origin. Returns true if the set changed in a way that matters for
  // the fixpoint (a new origin, or a weaker sanitization); a shorter trace alone does not.
  bool add(const Origin &o, const TaintFact &f);
  bool join(const Taint &other);
  void clear() { facts_.clear(); }
  // Marks every origin safe for `mask` (a validator on this branch, a sanitizer call).
  void sanitize(unsigned mask);
  void setCanonical();
  // The same origins with one more trace step appended.
  Taint withStep(const TraceStep &step) const;
  // Facts that are not safe for the sink kinds in `mask`.
  Taint unsafeFor(unsigned mask) const;
  bool sameAs(const Taint &other) const;

private:
  std::vector<std::pair<Origin, TaintFact>> facts_;
};

// Abstract memory locations: a variable, what a pointer parameter points to on entry, or
// the object an allocation call returns.
struct Loc {
  enum Kind : unsigned char { Var, ParamPointee, Alloc };
  const void *ptr = nullptr;
  Kind kind = Var;
  friend bool operator==(const Loc &, const Loc &) = default;
  friend bool operator<(const Loc &a, const Loc &b) {
    return a.kind != b.kind ? a.kind < b.kind : std::less<const void *>()(a.ptr, b.ptr);
  }
};

struct AbstractValue {
  Taint taint;                        // taint of the value, and of the data it points to
  std::vector<Loc> pointsTo;          // sorted; locations whose contents this value reaches
  std::vector<const void *> functions;  // sorted; FunctionDecls a function pointer may hold

  bool join(const AbstractValue &other);
  bool sameAs(const AbstractValue &other) const;
  bool empty() const { return taint.empty() && pointsTo.empty() && functions.empty(); }
};

// The per-program-point state: contents of every tracked location, sorted by location.
// Values are shared between the states that the solver copies along each edge until one
// of them writes (copy on write): a block changes few locations, and a long state machine
// has many blocks and many live locations, so copying and joining whole values dominated.
class TaintState {
public:
  // The value held for `l`, or null.
  const AbstractValue *find(const Loc &l) const;
  // The value of `l` for writing, private to this state; `init` supplies it when absent.
  AbstractValue &slot(const Loc &l, const std::function<AbstractValue()> &init = {});
  void set(const Loc &l, AbstractValue v);
  void erase(const Loc &l);
  template <typename Fn> void forEach(Fn fn) const {
    for (const auto &[loc, v] : entries_) fn(loc, *v);
  }
  // Each location held, in order; for loops that update locations they already hold.
  std::vector<Loc> locations() const;

  bool join(const TaintState &other);

private:
  std::vector<std::pair<Loc, std::shared_ptr<AbstractValue>>> entries_;
  std::vector<std::pair<Loc, std::shared_ptr<AbstractValue>>>::iterator lookup(const Loc &l);
};

}  // namespace mamori
