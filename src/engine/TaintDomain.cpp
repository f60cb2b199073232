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

auto TaintState::lookup(const Loc &l) -> std::vector<std::pair<Loc, std::shared_ptr<AbstractValue>>>::iterator {
  return std::lower_bound(entries_.begin(), entries_.end(), l,
                          [](const auto &e, const Loc &k) { return e.first < k; });
}

const AbstractValue *TaintState::find(const Loc &l) const {
  auto it = const_cast<TaintState *>(this)->lookup(l);
  return it != entries_.end() && it->first == l ? it->second.get() : nullptr;
}

AbstractValue &TaintState::slot(const Loc &l, const std::function<AbstractValue()> &init) {
  auto it = lookup(l);
  if (it == entries_.end() || !(it->first == l))
    it = entries_.insert(it, {l, std::make_shared<AbstractValue>(init ? init() : AbstractValue{})});
  else if (it->second.use_count() > 1)
    it->second = std::make_shared<AbstractValue>(*it->second);
  return *it->second;
}

void TaintState::set(const Loc &l, AbstractValue v) {
  auto it = lookup(l);
  if (it == entries_.end() || !(it->first == l))
    entries_.insert(it, {l, std::make_shared<AbstractValue>(std::move(v))});
  else if (it->second.use_count() > 1)
    it->second = std::make_shared<AbstractValue>(std::move(v));
  else
    *it->second = std::move(v);
}

void TaintState::erase(const Loc &l) {
  auto it = lookup(l);
  if (it != entries_.end() && it->first == l) entries_.erase(it);
}

std::vector<Loc> TaintState::locations() const {
  std::vector<Loc> out;
  out.reserve(entries_.size());
  for (const auto &e : entries_) out.push_back(e.first);
  return out;
}

static bool identical(const Taint &a, const Taint &b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto &x = a.facts()[i], &y = b.facts()[i];
    if (!(x.first == y.first) || x.second.trace != y.second.trace || x.second.sanitized != y.second.sanitized ||
        x.second.canonical != y.second.canonical)
      return false;
  }
  return true;
}

bool TaintState::join(const TaintState &other) {
  bool changed = false;
  bool missing = false;
  auto a = entries_.begin();
  for (const auto &e : other.entries_) {
    while (a != entries_.end() && a->first < e.first) ++a;
    if (a == entries_.end() || !(a->first == e.first)) {
      missing = true;
      continue;
    }
    if (a->second == e.second) continue;  // the same shared value
    AbstractValue &mine = *a->second;
    const AbstractValue &theirs = *e.second;
    if (identical(mine.taint, theirs.taint) && mine.pointsTo == theirs.pointsTo && mine.functions == theirs.functions)
      continue;
    if (a->second.use_count() > 1) a->second = std::make_shared<AbstractValue>(mine);
    changed |= a->second->join(theirs);
  }
  if (!missing) return changed;
  // Locations only `other` holds join in shared, in order.
  std::vector<std::pair<Loc, std::shared_ptr<AbstractValue>>> merged;
  merged.reserve(entries_.size() + other.entries_.size());
  std::merge(entries_.begin(), entries_.end(), other.entries_.begin(), other.entries_.end(), std::back_inserter(merged),
             [](const auto &x, const auto &y) { return x.first < y.first; });
  merged.erase(std::unique(merged.begin(), merged.end(), [](const auto &x, const auto &y) { return x.first == y.first; }),
               merged.end());
  entries_ = std::move(merged);
  return true;
}

}  // namespace mamori
