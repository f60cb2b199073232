#include "engine/TaintDomain.h"

#include <algorithm>

namespace mamori {

TraceRef extendTrace(const TraceRef &prev, TraceStep step) {
  auto n = std::make_shared<TraceNode>();
  n->step = std::move(step);
  n->prev = prev;
  n->depth = prev ? prev->depth + 1 : 1;
  return n;
}

std::vector<TraceStep> flattenTrace(const TraceRef &t) {
  std::vector<TraceStep> out;
  for (const TraceNode *n = t.get(); n; n = n->prev.get()) out.push_back(n->step);
  std::reverse(out.begin(), out.end());
  // Consecutive duplicates (a loop revisiting one statement) say nothing new.
  out.erase(std::unique(out.begin(), out.end(),
                        [](const TraceStep &a, const TraceStep &b) {
                          return a.location == b.location && a.message == b.message;
                        }),
            out.end());
  return out;
}

static bool preferTrace(const TraceRef &candidate, const TraceRef &current) {
  if (!current) return candidate != nullptr;
  if (!candidate) return false;
  if (candidate->depth != current->depth) return candidate->depth < current->depth;
  return candidate->step.location < current->step.location;
}

bool Taint::add(const Origin &o, const TaintFact &f) {
  auto it = std::lower_bound(facts_.begin(), facts_.end(), o,
                             [](const auto &p, const Origin &k) { return p.first < k; });
  if (it == facts_.end() || !(it->first == o)) {
    facts_.insert(it, {o, f});
    return true;
  }
  TaintFact &cur = it->second;
  bool changed = false;
  unsigned s = cur.sanitized & f.sanitized;
  if (s != cur.sanitized) {
    cur.sanitized = s;
    changed = true;
  }
  bool c = cur.canonical && f.canonical;
  if (c != cur.canonical) {
    cur.canonical = c;
    changed = true;
  }
  if (preferTrace(f.trace, cur.trace)) cur.trace = f.trace;
  return changed;
}

bool Taint::join(const Taint &other) {
  bool changed = false;
  for (const auto &[o, f] : other.facts_) changed |= add(o, f);
  return changed;
}

void Taint::sanitize(unsigned mask) {
  for (auto &p : facts_) p.second.sanitized |= mask;
}

void Taint::setCanonical() {
  for (auto &p : facts_) p.second.canonical = true;
}

Taint Taint::withStep(const TraceStep &step) const {
  Taint t = *this;
  for (auto &p : t.facts_) p.second.trace = extendTrace(p.second.trace, step);
  return t;
}

Taint Taint::unsafeFor(unsigned mask) const {
  Taint t;
  for (const auto &p : facts_)
    if ((p.second.sanitized & mask) != mask) t.facts_.push_back(p);
  return t;
}

bool Taint::sameAs(const Taint &other) const {
  if (facts_.size() != other.facts_.size()) return false;
  for (size_t i = 0; i < facts_.size(); ++i) {
    const auto &a = facts_[i], &b = other.facts_[i];
    if (!(a.first == b.first) || a.second.sanitized != b.second.sanitized ||
        a.second.canonical != b.second.canonical)
      return false;
  }
  return true;
}

template <typename T> static bool unionSorted(std::vector<T> &into, const std::vector<T> &from) {
  bool changed = false;
  for (const T &x : from) {
    auto it = std::lower_bound(into.begin(), into.end(), x);
    if (it == into.end() || !(*it == x)) {
      into.insert(it, x);
      changed = true;
    }
  }
  return changed;
}

bool AbstractValue::join(const AbstractValue &other) {
  bool changed = taint.join(other.taint);
  changed |= unionSorted(pointsTo, other.pointsTo);
  changed |= unionSorted(functions, other.functions);
  return changed;
}

bool AbstractValue::sameAs(const AbstractValue &other) const {
  return taint.sameAs(other.taint) && pointsTo == other.pointsTo && functions == other.functions;
}

bool TaintState::join(const TaintState &other) {
  bool changed = false;
  for (const auto &[loc, v] : other.locs) {
    auto it = locs.find(loc);
    if (it == locs.end()) {
      locs.emplace(loc, v);
      changed = true;
    } else {
      changed |= it->second.join(v);
    }
  }
  return changed;
}

}  // namespace mamori
