#include "engine/MemoryAnalysis.h"

#include "core/Rule.h"
#include "engine/Dataflow.h"
#include "engine/Liveness.h"
#include "frontend/AstUtil.h"
#include "frontend/FunctionOrder.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/ParentMap.h"
#include "clang/Analysis/Analyses/Dominators.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Index/USRGeneration.h"

#include <nlohmann/json.hpp>

#include <climits>
#include <map>
#include <optional>
#include <set>

namespace mamori {

using namespace clang;

namespace {

// ---------------------------------------------------------------------------------------
// The domain
// ---------------------------------------------------------------------------------------

// A tracked pointer: a variable, or one field of a variable (`req->target`, `s.buf`).
struct PathKey {
  const ValueDecl *base = nullptr;
  const FieldDecl *field = nullptr;
  friend bool operator<(const PathKey &a, const PathKey &b) {
    return a.base != b.base ? std::less<const void *>()(a.base, b.base) : std::less<const void *>()(a.field, b.field);
  }
  friend bool operator==(const PathKey &, const PathKey &) = default;
};

// Must-facts at a join: keep what both paths hold (for a map, with the same value).
template <typename Set> bool keepCommon(Set &mine, const Set &theirs) {
  return std::erase_if(mine, [&](const auto &k) { return !theirs.count(k); }) > 0;
}
template <typename Map> bool keepAgreeing(Map &mine, const Map &theirs) {
  return std::erase_if(mine, [&](const auto &kv) {
           auto other = theirs.find(kv.first);
           return other == theirs.end() || !(other->second == kv.second);
         }) > 0;
}

// What branches and assignments say about a flag on some set of paths: the few constants
// it can hold (`values`), or, when that is not known, constants it does not hold
// (`excluded`). A loop that sets `scope = VMD` in one iteration and `scope = DOMAIN` with
// the pointer in another leaves the pointer NULL only where scope is -1 or VMD.
struct FlagFact {
  std::set<long long> values;    // non-empty: the flag holds one of these
  std::set<long long> excluded;  // when `values` is empty: the flag holds none of these
  static FlagFact equalTo(long long v) { return FlagFact{{v}, {}}; }
  static FlagFact notEqualTo(long long v) { return FlagFact{{}, {v}}; }
  bool operator==(const FlagFact &) const = default;
  // Whether a path where this holds can also have `flag == v` (eq) or `flag != v`.
  bool allows(bool eq, long long v) const {
    if (!values.empty()) return eq ? values.count(v) != 0 : !(values.size() == 1 && *values.begin() == v);
    return eq ? excluded.count(v) == 0 : true;
  }
  // What holds on the paths of both; nothing (nullopt) when that is no longer worth keeping.
  static std::optional<FlagFact> join(const FlagFact &a, const FlagFact &b) {
    constexpr size_t kMaxValues = 8;
    FlagFact r;
    if (!a.values.empty() && !b.values.empty()) {
      r.values = a.values;
      r.values.insert(b.values.begin(), b.values.end());
      if (r.values.size() > kMaxValues) return std::nullopt;
      return r;
    }
    if (a.values.empty() && b.values.empty()) {
      std::set_intersection(a.excluded.begin(), a.excluded.end(), b.excluded.begin(), b.excluded.end(),
                            std::inserter(r.excluded, r.excluded.end()));
    } else {
      const FlagFact &vs = a.values.empty() ? b : a, &ex = a.values.empty() ? a : b;
      for (long long v : ex.excluded)
        if (!vs.values.count(v)) r.excluded.insert(v);
    }
    if (r.excluded.empty()) return std::nullopt;
    return r;
  }
};

// Joins two maps of flag facts: a flag known on both sides keeps what holds on both.
template <typename Map> bool joinFlagFacts(Map &mine, const Map &theirs) {
  bool changed = false;
  for (auto it = mine.begin(); it != mine.end();) {
    auto other = theirs.find(it->first);
    std::optional<FlagFact> both = other == theirs.end() ? std::nullopt : FlagFact::join(it->second, other->second);
    if (!both) {
      it = mine.erase(it);
      changed = true;
      continue;
    }
    if (!(*both == it->second)) {
      it->second = std::move(*both);
      changed = true;
    }
    ++it;
  }
  return changed;
}

struct PointerValue {
  NullFacts nulls;
  std::vector<const void *> objects;  // sorted; keys of MemState::objects
  // On some path the pointer was moved forward from the start of its object (`p++`,
  // `p += n`, `p = q + n`); `movedAt` is the first such move seen.
  bool interior = false;
  Location movedAt;
  // Pointers that were dereferenced to produce this value (`q = *pp`, `q = p->next`): on
  // every path where this value is not NULL, they were not NULL either. Sorted.
  std::vector<PathKey> guards;
  // On some path the pointer held a value whose target is not tracked (read from a field
  // or a call we do not follow): its objects are then only some of what it may point to.
  bool untracked = false;
  // While the value may be NULL: what is known of flags (integer locals whose address is
  // never taken) on every path where it is NULL. `p = NULL; found = 0; if (...) found =
  // lookup(&p);` leaves p NULL only where found is 0, so `if (found) p->x` is safe; and
  // `if (!rc) rc = open(&p);` leaves it NULL only where rc is not 0.
  std::map<const void *, FlagFact> nullWhen;  // keys: flag VarDecls, or predicate keys

  void join(const PointerValue &o) {
    untracked = untracked || o.untracked;
    if (o.interior && !interior) {
      interior = true;
      movedAt = o.movedAt;
    }
    // A path where the value is NULL says nothing about the guards of the others.
    if (nulls.bits == NullFacts::Null) guards = o.guards;
    else if (o.nulls.bits != NullFacts::Null) {
      std::vector<PathKey> both;
      std::set_intersection(guards.begin(), guards.end(), o.guards.begin(), o.guards.end(), std::back_inserter(both));
      guards = std::move(both);
    }
    if (!(nulls.bits & NullFacts::Null) && (o.nulls.bits & (NullFacts::Null | NullFacts::UncheckedAlloc))) {
      nulls.nullAt = o.nulls.nullAt;
      nulls.nullWhy = o.nulls.nullWhy;
    }
    if (!(o.nulls.bits & NullFacts::Null)) {
      if (!(nulls.bits & NullFacts::Null)) nullWhen.clear();
    } else if (!(nulls.bits & NullFacts::Null)) {
      nullWhen = o.nullWhen;
    } else {
      joinFlagFacts(nullWhen, o.nullWhen);
    }
    nulls.bits |= o.nulls.bits;
    // Dereferenced here on every path only if both sides say so (an invalid location is a
    // dereference by a callee, an `&p->f`, or one already reported).
    if (!o.nulls.dereferencedAt.valid()) nulls.dereferencedAt = {};
    for (const void *x : o.objects) {
      auto it = std::lower_bound(objects.begin(), objects.end(), x);
      if (it == objects.end() || *it != x) objects.insert(it, x);
    }
  }
  bool same(const PointerValue &o) const {
    return nulls.bits == o.nulls.bits && objects == o.objects && interior == o.interior && guards == o.guards &&
           untracked == o.untracked && nullWhen == o.nullWhen;
  }
  // Equal in every field, the locations and messages too.
  bool identical(const PointerValue &o) const {
    return same(o) && movedAt == o.movedAt && nulls.nullAt == o.nulls.nullAt &&
           nulls.dereferencedAt == o.nulls.dereferencedAt && nulls.nullWhy == o.nulls.nullWhy;
  }
};

struct MemState {
  std::map<PathKey, PointerValue> pointers;
  std::map<const void *, MemoryObjectFacts> objects;
  std::set<const void *> uninitialized;  // must-uninitialized variables and allocations
  // Arrays and blocks whose first N elements are initialized on every path (a loop
  // `for (i = 0; i < N; i++) a[i] = ...`), the rest not.
  std::map<const void *, long long> initializedPrefix;
  // Integer variables that hold the result of a call (`rc = store(m)`), so a later test of
  // the variable is a test of that call's result.
  std::map<const VarDecl *, const Expr *> results;
  // Parameters whose caller's pointer was tested against NULL on every path to here: a
  // later dereference of what they point to is not the caller's NULL crashing.
  std::set<const void *> testedParams;
  // Parameters whose entry value was tested and found NULL on every path to here.
  std::set<const void *> nullParams;
  // Pointer-returning calls just tested (`get(s, id) ? get(s, id) : fallback`), by their
  // structure, with what the test found: the same call made again before any other call
  // returns what was tested.
  std::map<llvm::FoldingSetNodeID, unsigned> testedCalls;
  // What is known of flags (see PointerValue::nullWhen) on every path to here.
  std::map<const void *, FlagFact> flags;
  // Per allocated object: what the flags held on every path where it was allocated
  // (`if (want) p = malloc(n); ... if (!want) return;`). A branch where a flag holds
  // otherwise is a path where the object was never made.
  std::map<const void *, std::map<const void *, FlagFact>> allocatedWhen;

  // A value that may be NULL on this side of a join: what is known of the flags here holds
  // on its NULL paths too.
  PointerValue withFlags(PointerValue v) const {
    if (v.nulls.bits & NullFacts::Null)
      for (const auto &[flag, fact] : flags) v.nullWhen.emplace(flag, fact);
    return v;
  }

  bool join(const MemState &o) {
    bool changed = keepAgreeing(testedCalls, o.testedCalls);
    changed |= keepCommon(nullParams, o.nullParams);
    changed |= keepCommon(testedParams, o.testedParams);
    changed |= keepAgreeing(results, o.results);
    for (auto &[k, v] : pointers) {
      auto it = o.pointers.find(k);
      // Most pointers reach a join unchanged on both sides. Joining a value that cannot be
      // NULL and carries no flag facts with an identical one changes nothing; skipping it
      // saves the copies below, which dominated joins in long functions.
      if (it != o.pointers.end() && !(v.nulls.bits & NullFacts::Null) && v.nullWhen.empty() && v.identical(it->second))
        continue;
      PointerValue before = v;
      v = withFlags(v);
      if (it == o.pointers.end()) {
        v.nulls.bits |= NullFacts::Unknown;
        v.guards.clear();
      } else {
        v.join(o.withFlags(it->second));
      }
      changed |= !before.same(v);
    }
    for (const auto &[k, v] : o.pointers) {
      if (pointers.count(k)) continue;
      PointerValue nv = o.withFlags(v);
      nv.nulls.bits |= NullFacts::Unknown;
      nv.guards.clear();
      pointers.emplace(k, nv);
      changed = true;
    }
    // An object on both sides keeps the flag facts true where either made it; an object on
    // one side only was made on that side's paths alone, with that side's facts.
    for (auto it = allocatedWhen.begin(); it != allocatedWhen.end();) {
      auto other = o.allocatedWhen.find(it->first);
      if (other != o.allocatedWhen.end()) changed |= joinFlagFacts(it->second, other->second);
      else if (o.objects.count(it->first)) it->second.clear();
      if (it->second.empty()) {
        it = allocatedWhen.erase(it);
        changed = true;
      } else {
        ++it;
      }
    }
    for (const auto &[k, facts] : o.allocatedWhen)
      if (!objects.count(k)) changed |= allocatedWhen.emplace(k, facts).second;
    for (const auto &[k, v] : o.objects) {
      auto it = objects.find(k);
      if (it == objects.end()) {
        objects.emplace(k, v);
        changed = true;
        continue;
      }
      unsigned bits = it->second.bits | v.bits;
      if (bits != it->second.bits) changed = true;
      it->second.bits = bits;
      if (!it->second.releasedAt.valid() && v.releasedAt.valid()) {
        it->second.releasedAt = v.releasedAt;
        it->second.releaser = v.releaser;
      }
    }
    // Initialized prefixes of partially initialized arrays.
    auto prefixOf = [](const MemState &st, const void *o) -> long long {
      if (auto p = st.initializedPrefix.find(o); p != st.initializedPrefix.end()) return p->second;
      if (st.uninitialized.count(o)) return 0;
      return -1;  // fully initialized (or never tracked)
    };
    std::set<const void *> keys;
    for (const auto &[k, v] : initializedPrefix) keys.insert(k);
    for (const auto &[k, v] : o.initializedPrefix) keys.insert(k);
    for (const void *k : keys) {
      long long a = prefixOf(*this, k), b = prefixOf(o, k);
      // Like must-uninitialized: an element counts as uninitialized only if it is on
      // every path, so the longest initialized prefix wins.
      long long joined = (a < 0 || b < 0) ? -1 : std::max(a, b);
      auto it = initializedPrefix.find(k);
      if (joined < 0) {
        if (it != initializedPrefix.end()) {
          initializedPrefix.erase(it);
          changed = true;
        }
      } else if (it == initializedPrefix.end() || it->second != joined) {
        initializedPrefix[k] = joined;
        changed = true;
      }
    }
    changed |= joinFlagFacts(flags, o.flags);
    // Must-uninitialized: only what is uninitialized on every incoming path.
    for (auto it = uninitialized.begin(); it != uninitialized.end();) {
      if (!o.uninitialized.count(*it)) {
        it = uninitialized.erase(it);
        changed = true;
      } else {
        ++it;
      }
    }
    return changed;
  }
};

// ---------------------------------------------------------------------------------------
// Summaries
// ---------------------------------------------------------------------------------------

struct MemorySummary {
  std::set<unsigned> releases, escapes, dereferences;  // parameters
  std::set<unsigned> dereferencesUnchecked;  // dereferenced before any NULL check
  std::map<unsigned, unsigned> releaseKinds;  // parameter -> ReleaseKind it is released with
  std::map<unsigned, std::set<std::string>> releasesFields;  // parameter -> fields it frees (p->buf)
  // Two helpers that take the address of the caller's pointer: `free(*pp); *pp = NULL;`
  // (releasesPointee: the caller's pointer is released and reset) and `t = *a; *a = *b;
  // *b = t;` (swaps: the caller's two pointers trade places).
  std::set<unsigned> releasesPointee;
  std::set<std::pair<unsigned, unsigned>> swaps;
  // Parameters released only on paths that return a non-zero integer (an error code): a
  // function that takes ownership and frees what it was given when it fails. Also listed
  // in `releases`; a caller that tests the result sees the block live where it was 0.
  std::set<unsigned> releasesOnFailure;
  // Parameters whose pointee it stores where its caller reaches it (a field of another
  // parameter, a global): `add_child(parent, child)` links child into parent. Also in
  // `escapes`; for the caller the block is held there, not only by its own pointer.
  std::set<unsigned> storesOutside;
  bool returnsFresh = false;     // returns memory it allocated and still owns
  bool returnsReleased = false;  // returns a pointer to memory it released
  unsigned returnNulls = 0;      // NullFacts bits of the return value (0: not a pointer)
  // Pointer parameters that were NULL (tested so, still their entry value) at every return
  // that can give NULL: `if (!root) return NULL;` A caller whose argument was found not NULL
  // gets no NULL back. Unset until a return that can give NULL is seen. Like returnNulls'
  // Null bit, it is about NULL the function returns itself, not an unknown pointer it
  // passes on (the deviant-call rule that reads it is about those explicit NULLs too).
  std::optional<std::set<unsigned>> nullOnlyForNullParams;
  // Pointer parameters that were NULL where each block it returns fresh was allocated: the
  // buffer-or-allocate idiom, `if (buf == NULL) buf = malloc(n); ... return buf;`. A caller
  // that passes a buffer gets its own buffer back, nothing to free.
  std::optional<std::set<unsigned>> freshOnlyForNullParams;

  bool empty() const {
    return releases.empty() && escapes.empty() && dereferences.empty() && dereferencesUnchecked.empty() &&
           releasesFields.empty() && releasesPointee.empty() && swaps.empty() && releasesOnFailure.empty() &&
           storesOutside.empty() &&
           !returnsFresh && !returnsReleased &&
           !(returnNulls & (NullFacts::Null | NullFacts::UncheckedAlloc));
  }
  bool operator==(const MemorySummary &o) const {
    return releases == o.releases && escapes == o.escapes && dereferences == o.dereferences &&
           dereferencesUnchecked == o.dereferencesUnchecked && releasesFields == o.releasesFields &&
           releasesPointee == o.releasesPointee && swaps == o.swaps && releasesOnFailure == o.releasesOnFailure &&
           storesOutside == o.storesOutside &&
           returnsFresh == o.returnsFresh && returnsReleased == o.returnsReleased && returnNulls == o.returnNulls &&
           nullOnlyForNullParams == o.nullOnlyForNullParams && freshOnlyForNullParams == o.freshOnlyForNullParams;
  }
};

nlohmann::json summaryToJson(const MemorySummary &s) {
  return {{"releases", s.releases}, {"escapes", s.escapes}, {"dereferences", s.dereferences},
          {"dereferences_unchecked", s.dereferencesUnchecked}, {"release_kinds", s.releaseKinds},
          {"releases_fields", s.releasesFields}, {"releases_pointee", s.releasesPointee}, {"swaps", s.swaps},
          {"releases_on_failure", s.releasesOnFailure}, {"stores_outside", s.storesOutside},
          {"returns_fresh", s.returnsFresh}, {"returns_released", s.returnsReleased},
          {"return_nulls", s.returnNulls},
          {"null_only_for_null_params", s.nullOnlyForNullParams ? nlohmann::json(*s.nullOnlyForNullParams)
                                                                : nlohmann::json(nullptr)},
          {"fresh_only_for_null_params", s.freshOnlyForNullParams ? nlohmann::json(*s.freshOnlyForNullParams)
                                                                  : nlohmann::json(nullptr)}};
}

MemorySummary summaryFromJson(const nlohmann::json &j) {
  MemorySummary s;
  if (!j.is_object()) return s;
  s.releases = j.value("releases", std::set<unsigned>{});
  s.escapes = j.value("escapes", std::set<unsigned>{});
  s.dereferences = j.value("dereferences", std::set<unsigned>{});
  s.dereferencesUnchecked = j.value("dereferences_unchecked", std::set<unsigned>{});
  if (j.contains("releases_fields") && j["releases_fields"].is_object())
    for (const auto &[k, v] : j["releases_fields"].items())
      if (!k.empty() && k.size() < 5 && k.find_first_not_of("0123456789") == std::string::npos && v.is_array())
        for (const auto &f : v)
          if (f.is_string()) s.releasesFields[static_cast<unsigned>(std::stoul(k))].insert(f.get<std::string>());
  if (j.contains("release_kinds") && j["release_kinds"].is_object())
    for (const auto &[k, v] : j["release_kinds"].items())
      if (!k.empty() && k.size() < 5 && k.find_first_not_of("0123456789") == std::string::npos && v.is_number_unsigned())
        s.releaseKinds[static_cast<unsigned>(std::stoul(k))] = v.get<unsigned>();
  if (j.contains("releases_pointee") && j["releases_pointee"].is_array())
    for (const auto &v : j["releases_pointee"])
      if (v.is_number_unsigned()) s.releasesPointee.insert(v.get<unsigned>());
  if (j.contains("releases_on_failure") && j["releases_on_failure"].is_array())
    for (const auto &v : j["releases_on_failure"])
      if (v.is_number_unsigned()) s.releasesOnFailure.insert(v.get<unsigned>());
  if (j.contains("stores_outside") && j["stores_outside"].is_array())
    for (const auto &v : j["stores_outside"])
      if (v.is_number_unsigned()) s.storesOutside.insert(v.get<unsigned>());
  if (j.contains("swaps") && j["swaps"].is_array())
    for (const auto &v : j["swaps"])
      if (v.is_array() && v.size() == 2 && v[0].is_number_unsigned() && v[1].is_number_unsigned())
        s.swaps.insert({v[0].get<unsigned>(), v[1].get<unsigned>()});
  s.returnsFresh = j.value("returns_fresh", false);
  s.returnsReleased = j.value("returns_released", false);
  s.returnNulls = j.value("return_nulls", 0u);
  if (j.contains("null_only_for_null_params") && j["null_only_for_null_params"].is_array()) {
    s.nullOnlyForNullParams.emplace();
    for (const auto &v : j["null_only_for_null_params"])
      if (v.is_number_unsigned()) s.nullOnlyForNullParams->insert(v.get<unsigned>());
  }
  if (j.contains("fresh_only_for_null_params") && j["fresh_only_for_null_params"].is_array()) {
    s.freshOnlyForNullParams.emplace();
    for (const auto &v : j["fresh_only_for_null_params"])
      if (v.is_number_unsigned()) s.freshOnlyForNullParams->insert(v.get<unsigned>());
  }
  return s;
}

// Library functions by what they do to memory. These are facts of the C library, not
// configuration: allocation, release, and which arguments a function reads through.
enum class LibRole { None, Allocates, AllocatesZeroed, AllocatesOnStack, Reallocates, Releases, ReadsArgs };

LibRole libraryRole(const std::string &name) {
  static const std::map<std::string, LibRole> roles = {
      {"malloc", LibRole::Allocates},       {"valloc", LibRole::Allocates},
      {"alloca", LibRole::AllocatesOnStack},
      {"aligned_alloc", LibRole::Allocates}, {"strdup", LibRole::AllocatesZeroed},
      {"strndup", LibRole::AllocatesZeroed}, {"wcsdup", LibRole::AllocatesZeroed},
      {"calloc", LibRole::AllocatesZeroed}, {"realloc", LibRole::Reallocates},
      {"reallocarray", LibRole::Reallocates}, {"free", LibRole::Releases},
      {"strcpy", LibRole::ReadsArgs},       {"strncpy", LibRole::ReadsArgs},
      {"strcat", LibRole::ReadsArgs},       {"strncat", LibRole::ReadsArgs},
      {"strlen", LibRole::ReadsArgs},       {"strcmp", LibRole::ReadsArgs},
      {"strncmp", LibRole::ReadsArgs},      {"memcpy", LibRole::ReadsArgs},
      {"memmove", LibRole::ReadsArgs},      {"memset", LibRole::ReadsArgs},
      {"memcmp", LibRole::ReadsArgs},       {"strchr", LibRole::ReadsArgs},
      {"strstr", LibRole::ReadsArgs},       {"wcscpy", LibRole::ReadsArgs},
      {"wcslen", LibRole::ReadsArgs},       {"wcsncpy", LibRole::ReadsArgs},
      {"wcscat", LibRole::ReadsArgs},       {"puts", LibRole::ReadsArgs},
      {"fputs", LibRole::ReadsArgs},        {"atoi", LibRole::ReadsArgs},
      // They store through their pointer arguments (and read their stream): a NULL one crashes.
      {"scanf", LibRole::ReadsArgs},        {"fscanf", LibRole::ReadsArgs},
      {"sscanf", LibRole::ReadsArgs},       {"fgets", LibRole::ReadsArgs},
      {"fread", LibRole::ReadsArgs},
  };
  auto it = roles.find(name);
  return it == roles.end() ? LibRole::None : it->second;
}

// C library functions that write into a buffer they are given and keep no pointer to it
// (unlike an unknown function, which may store or release it). A NULL buffer makes them
// fail rather than crash, so they are not dereferences either.
bool fillsWithoutKeeping(const std::string &name) {
  static const std::set<std::string> names = {"read",     "pread",    "recv",      "recvfrom", "sprintf",
                                              "snprintf", "vsprintf", "vsnprintf", "strftime"};
  return names.count(name) != 0;
}

// ---------------------------------------------------------------------------------------
// TU-wide context
// ---------------------------------------------------------------------------------------

struct FoundEvent {
  const MemoryChecker *checker;
  Finding finding;
};

struct MemTu {
  ASTContext &ctx;
  const std::vector<const MemoryChecker *> &checkers;
  const ExternalSummaries *external;
  LocationMapper locations;
  CalleeNamer names;
  std::map<const FunctionDecl *, MemorySummary> summaries;
  std::map<std::string, MemorySummary> externalCache;
  std::set<std::string> usedExternal;
  std::map<std::pair<const void *, const MemoryChecker *>, Finding> found;
  UsrCache usrs;
  // The key of the block an allocation site made in an earlier loop iteration (see
  // retireEarlierBlock). Kept for the whole TU: findings are told apart by object key.
  std::map<const Expr *, std::unique_ptr<char>> earlierBlocks;

  MemTu(ASTContext &c, const std::vector<const MemoryChecker *> &ch, const ExternalSummaries *ext)
      : ctx(c), checkers(ch), external(ext), locations(c.getSourceManager()) {}

  const std::string &usrOf(const FunctionDecl *fd) { return usrs.usr(fd); }

  // How the TU's callers treat each function's pointer result: how many calls there are,
  // and how many of them test the result for NULL (directly, or the variable it is stored
  // in, anywhere in the calling function). Counted once, on first use.
  // Calls are compared only with calls that pass the same integer constants where this one
  // passes one: `extend(L, 0)` may return NULL where `extend(L, 1)` raises an error instead,
  // so the tests of the first say nothing of the second.
  struct ResultChecks {
    unsigned calls = 0, checked = 0;
  };
  struct CallRecord {
    std::vector<std::optional<long long>> constants;  // per argument
    bool checked = false;
  };
  ResultChecks resultChecks(const FunctionDecl *callee, const CallExpr *call) {
    if (!resultChecks_) countResultChecks();
    ResultChecks out;
    auto it = resultChecks_->find(callee->getCanonicalDecl());
    if (it == resultChecks_->end()) return out;
    std::vector<std::optional<long long>> mine = integerArguments(call, ctx);
    for (const CallRecord &r : it->second) {
      bool comparable = true;
      for (size_t i = 0; i < mine.size() && i < r.constants.size(); ++i)
        if (mine[i] && r.constants[i] && *mine[i] != *r.constants[i]) comparable = false;
      if (!comparable) continue;
      ++out.calls;
      out.checked += r.checked;
    }
    return out;
  }

private:
  std::optional<std::map<const FunctionDecl *, std::vector<CallRecord>>> resultChecks_;

  void countResultChecks() {
    resultChecks_.emplace();
    struct Counter : RecursiveASTVisitor<Counter> {
      std::map<const FunctionDecl *, std::vector<CallRecord>> &out;
      ASTContext &ctx;
      Counter(std::map<const FunctionDecl *, std::vector<CallRecord>> &o, ASTContext &c) : out(o), ctx(c) {}
      // Per function: the calls with a pointer result, where each one's result went, and
      // the variables and call results tested against NULL.
      std::vector<const CallExpr *> calls;
      std::map<const CallExpr *, const VarDecl *> assigned;
      std::set<const VarDecl *> testedVars;
      std::set<const CallExpr *> testedCalls;
      bool isNull(const Expr *e) { return e->isNullPointerConstant(ctx, Expr::NPC_ValueDependentIsNotNull); }
      const Expr *tested(const Expr *e) {
        e = e->IgnoreParenImpCasts();
        if (const auto *u = llvm::dyn_cast<UnaryOperator>(e); u && u->getOpcode() == UO_LNot)
          return u->getSubExpr()->IgnoreParenImpCasts();
        if (const auto *b = llvm::dyn_cast<BinaryOperator>(e); b && (b->getOpcode() == BO_EQ || b->getOpcode() == BO_NE)) {
          const Expr *l = b->getLHS()->IgnoreParenImpCasts(), *r = b->getRHS()->IgnoreParenImpCasts();
          if (isNull(r)) return l;
          if (isNull(l)) return r;
          return nullptr;
        }
        return e->getType()->isPointerType() ? e : nullptr;  // if (p)
      }
      void noteTest(const Expr *cond) {
        if (!cond) return;
        cond = withoutBranchHint(cond);
        if (const auto *b = llvm::dyn_cast<BinaryOperator>(cond); b && (b->getOpcode() == BO_LAnd || b->getOpcode() == BO_LOr)) {
          noteTest(b->getLHS());
          noteTest(b->getRHS());
          return;
        }
        // `(p != NULL) != 0`, what unlikely(p != NULL) expands to.
        if (const auto *b = llvm::dyn_cast<BinaryOperator>(cond); b && (b->getOpcode() == BO_NE || b->getOpcode() == BO_EQ))
          if (const auto *inner = llvm::dyn_cast<BinaryOperator>(b->getLHS()->IgnoreParenImpCasts());
              inner && (inner->isComparisonOp() || inner->isLogicalOp())) {
            noteTest(inner);
            return;
          }
        const Expr *t = tested(cond);
        if (!t) return;
        // (p = f()) == NULL tests both p and the call.
        if (const auto *as = llvm::dyn_cast<BinaryOperator>(t); as && as->getOpcode() == BO_Assign) {
          if (const VarDecl *v = rootVariable(as->getLHS())) testedVars.insert(v);
          t = as->getRHS()->IgnoreParenImpCasts();
        }
        if (const auto *c = llvm::dyn_cast<CallExpr>(t)) testedCalls.insert(c);
        else if (const auto *d = llvm::dyn_cast<DeclRefExpr>(t))
          if (const auto *v = llvm::dyn_cast<VarDecl>(d->getDecl())) testedVars.insert(v);
      }
      bool VisitIfStmt(IfStmt *i) { return noteTest(i->getCond()), true; }
      bool VisitWhileStmt(WhileStmt *w) { return noteTest(w->getCond()), true; }
      bool VisitConditionalOperator(ConditionalOperator *c) { return noteTest(c->getCond()), true; }
      bool VisitUnaryOperator(UnaryOperator *u) {
        if (u->getOpcode() == UO_LNot) noteTest(u);
        return true;
      }
      bool VisitBinaryOperator(BinaryOperator *b) {
        if (b->getOpcode() == BO_EQ || b->getOpcode() == BO_NE) noteTest(b);
        if (b->getOpcode() == BO_Assign)
          if (const auto *c = llvm::dyn_cast<CallExpr>(b->getRHS()->IgnoreParenImpCasts()))
            if (const VarDecl *v = rootVariable(b->getLHS()); v && llvm::isa<DeclRefExpr>(b->getLHS()->IgnoreParenImpCasts()))
              assigned[c] = v;
        return true;
      }
      bool VisitVarDecl(VarDecl *v) {
        if (const Expr *init = v->getInit())
          if (const auto *c = llvm::dyn_cast<CallExpr>(init->IgnoreParenImpCasts())) assigned[c] = v;
        return true;
      }
      bool VisitCallExpr(CallExpr *c) {
        if (const FunctionDecl *fd = c->getDirectCallee(); fd && fd->getReturnType()->isPointerType())
          calls.push_back(c);
        return true;
      }
      void finishFunction() {
        for (const CallExpr *c : calls) {
          auto a = assigned.find(c);
          const VarDecl *var = a == assigned.end() ? nullptr : a->second;
          CallRecord r;
          r.constants = integerArguments(c, ctx);
          r.checked = testedCalls.count(c) || (var && testedVars.count(var));
          out[c->getDirectCallee()->getCanonicalDecl()].push_back(std::move(r));
        }
        calls.clear();
        testedVars.clear();
        testedCalls.clear();
        assigned.clear();
      }
    } counter(*resultChecks_, ctx);
    for (const FunctionDecl *fd : analyzableFunctions(ctx)) {
      if (!fd->getBody()) continue;
      counter.TraverseStmt(fd->getBody());
      counter.finishFunction();
    }
  }

public:

  const MemorySummary *summaryFor(const FunctionDecl *fd) {
    if (const FunctionDecl *def = fd->getDefinition()) {
      auto it = summaries.find(def->getCanonicalDecl());
      return it == summaries.end() ? nullptr : &it->second;
    }
    if (!fd->isExternallyVisible()) return nullptr;
    const std::string &usr = usrOf(fd);
    if (usr.empty()) return nullptr;
    usedExternal.insert(usr);
    auto cached = externalCache.find(usr);
    if (cached != externalCache.end()) return &cached->second;
    if (!external) return nullptr;
    auto it = external->find(usr);
    if (it == external->end()) return nullptr;
    nlohmann::json j = nlohmann::json::parse(it->second, nullptr, false);
    if (!j.is_object() || !j.contains("memory")) return nullptr;
    return &externalCache.emplace(usr, summaryFromJson(j["memory"])).first->second;
  }

  template <typename PathSet, typename Path>
  void emit(const MemoryEvent &e, PathSet *reportedPaths, const Path *path) {
    for (const MemoryChecker *c : checkers) {
      if (!c->watches(e.kind)) continue;
      if (reportedPaths && reportedPaths->count({*path, c})) continue;
      std::optional<MemoryChecker::Verdict> v = c->judge(e);
      if (!v) continue;
      if (reportedPaths) reportedPaths->insert({*path, c});
      auto key = std::make_pair(e.key, c);
      // A block lost on every pass of a loop is reported there, rather than where the
      // function later returns.
      if (found.count(key)) {
        if (e.lostWith.empty() || lostInLoop.count(key)) continue;
        found.erase(key);
      }
      if (!e.lostWith.empty()) lostInLoop.insert(key);
      found.emplace(key, findingOf(c->rule(), 0, v->message, e.location, e.location, e.function,
                                   std::move(v->trace), e.subject + "|" + std::to_string(static_cast<int>(e.kind))));
    }
  }
  std::set<std::pair<const void *, const MemoryChecker *>> lostInLoop;
};

// ---------------------------------------------------------------------------------------
// The per-function analysis
// ---------------------------------------------------------------------------------------

class FunctionMemory {
public:
  using State = MemState;

  FunctionMemory(MemTu &tu, const FunctionDecl *fd, MemorySummary &summary)
      : tu_(tu), fd_(fd), summary_(summary), fnName_(fd->getNameAsString()) {}

  bool reporting = false;

  State entryState() {
    State s;
    for (unsigned i = 0; i < fd_->getNumParams(); ++i) {
      const ParmVarDecl *p = fd_->getParamDecl(i);
      if (!p->getType()->isPointerType()) continue;
      MemoryObjectFacts obj;
      obj.kind = AllocKind::Parameter;
      obj.allocatedAt = loc(p);
      obj.allocator = "parameter '" + p->getNameAsString() + "'";
      s.objects[p] = obj;
      PointerValue v;
      v.nulls.bits = NullFacts::Unknown;
      v.objects.push_back(p);
      s.pointers[{p, nullptr}] = v;
    }
    return s;
  }

  bool join(State &into, const State &from) { return into.join(from); }
  // At a loop head, the prefix a loop has initialized so far is what the loop is building:
  // keep the body's prefix rather than the 0 it had on entry.
  bool joinBackEdge(State &into, const State &from) {
    std::map<const void *, long long> carried;
    for (const auto &[o, n] : from.initializedPrefix) {
      auto mine = into.initializedPrefix.find(o);
      if (into.uninitialized.count(o) || (mine != into.initializedPrefix.end() && mine->second < n)) carried[o] = n;
    }
    bool changed = into.join(from);
    for (const auto &[o, n] : carried) {
      auto it = into.initializedPrefix.find(o);
      if (it == into.initializedPrefix.end() || it->second < n) {
        into.initializedPrefix[o] = n;
        into.uninitialized.erase(o);
        changed = true;
      }
    }
    return changed;
  }
  bool isFeasible(const State &) const { return true; }

  void transferBlock(const CFGBlock &block, State &s) {
    callCache_.clear();
    block_ = &block;
    for (const CFGElement &el : block) {
      if (auto cs = el.getAs<CFGStmt>()) {
        current_ = cs->getStmt();
        for (const VarDecl *written : predicateObjectsWrittenBy(current_)) notePredicateObjectWrite(written, s);
        evalStmt(cs->getStmt(), s);
      } else if (auto le = el.getAs<CFGLifetimeEnds>()) {
        checkLostInLoop(le->getVarDecl(), le->getTriggerStmt(), s);
        endLifetime(le->getVarDecl(), s);
      } else if (auto ci = el.getAs<CFGInitializer>()) {
        initializeMember(ci->getInitializer(), s);
      }
    }
    current_ = nullptr;
    if (reporting) checkTestAfterDereference(block, s);
    // (The reporting pass runs blocks, not edges: a plain way back carries the block's state.)
    if (reporting && block.succ_size() == 1 && retreating(block, 0)) checkLoopTestAfterDereference(block, 0, s);
    // Paths that leave the function normally (not through exit()/abort()).
    if (reporting && !block.hasNoReturnElement())
      for (auto it = block.succ_begin(); it != block.succ_end(); ++it)
        if (it->getReachableBlock() == &cfg_->getExit()) {
          if (!endState_) endState_ = s;
          else endState_->join(s);
        }
  }

  void transferEdge(const CFGBlock &from, unsigned succIndex, State &s) {
    if (retreating(from, succIndex)) forgetDeadDanglingPointers(from, s);
    if (succIndex > 1 || from.succ_size() != 2) return;
    const Stmt *term = from.getTerminatorStmt();
    if (!term || llvm::isa<SwitchStmt>(term)) return;
    // Leaving `for (i = 0; i < N; i++) a[i] = ...;`: the first N elements are written.
    if (const auto *f = llvm::dyn_cast<ForStmt>(term); f && succIndex == 1) {
      for (const Expr *lhs : elementWrites(f)) markInitialized(lhs, s);
    }
    const Expr *cond = llvm::dyn_cast_or_null<Expr>(from.getTerminatorCondition());
    if (cond) refine(cond, succIndex == 0, s, 0);
  }

  void setCfg(CFG *cfg) {
    cfg_ = cfg;
    liveness_ = std::make_unique<LocalLiveness>(*cfg, *fd_);
    rank_ = reversePostOrderRank(*cfg);
    postDominators_.buildDominatorTree(cfg);
    // Parameters that decide a branch somewhere in the function.
    for (const CFGBlock *b : *cfg) {
      const Stmt *cond = b ? b->getTerminatorCondition() : nullptr;
      for (const VarDecl *vd : variablesIn(cond))
        if (const auto *p = llvm::dyn_cast<ParmVarDecl>(vd)) branchParams_.insert(p);
    }
    for (const CFGBlock *b : *cfg)
      for (const CFGElement &el : *b)
        if (auto cs = el.getAs<CFGStmt>()) elements_.insert(cs->getStmt());
  }
  std::optional<MemState> endState_;  // joined states of the normal ways out (reporting pass)

  // Leaving the function by falling off its end: the exit state joins every path, so an
  // allocation released on any of them is not reported here (each `return` was checked on
  // its own path already).
  void checkFunctionEnd() {
    if (fd_->getBody() && endState_) checkExit(*endState_, fd_->getBody()->getEndLoc(), fd_->getBody());
  }

  // After the fixpoint, from the exit state: what the function does to its parameters.
  void summarize(const State &exit) {
    summarizeIdioms();
    for (const auto &entry : entryObjects_) {
      auto it = exit.objects.find(&entry);
      if (it == exit.objects.end() || !(it->second.bits & MemoryObjectFacts::Released)) continue;
      for (unsigned i = 0; i < fd_->getNumParams(); ++i)
        if (fd_->getParamDecl(i) == entry.first) summary_.releasesFields[i].insert(entry.second->getNameAsString());
    }
    for (unsigned i = 0; i < fd_->getNumParams(); ++i) {
      auto it = exit.objects.find(fd_->getParamDecl(i));
      if (it == exit.objects.end()) continue;
      if (it->second.bits & MemoryObjectFacts::Released) {
        summary_.releases.insert(i);
        summary_.releaseKinds[i] = static_cast<unsigned>(it->second.releasedWith);
        auto r = releasingReturns_.find(i);
        if (r != releasingReturns_.end() && r->second.onFailure && !r->second.otherwise)
          summary_.releasesOnFailure.insert(i);
      }
      if (it->second.bits & MemoryObjectFacts::Escaped) summary_.escapes.insert(i);
      if (storedInCallerMemory_.count(fd_->getParamDecl(i))) summary_.storesOutside.insert(i);
    }
  }

private:
  // The parameter a `*p` expression dereferences, when p is a pointer-to-pointer parameter.
  std::optional<unsigned> pointeeOfParameter(const Expr *e) const {
    const auto *u = llvm::dyn_cast<UnaryOperator>(stripParensAndCasts(e));
    if (!u || u->getOpcode() != UO_Deref) return std::nullopt;
    return pointerToPointerParameter(u->getSubExpr());
  }

  // The parameter `e` names, when it is a pointer-to-pointer parameter (`pp`).
  std::optional<unsigned> pointerToPointerParameter(const Expr *e) const {
    const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(e));
    const auto *pv = d ? llvm::dyn_cast<ParmVarDecl>(d->getDecl()) : nullptr;
    if (!pv || !pv->getType()->isPointerType() || !pv->getType()->getPointeeType()->isPointerType()) return std::nullopt;
    for (unsigned i = 0; i < fd_->getNumParams(); ++i)
      if (fd_->getParamDecl(i) == pv) return i;
    return std::nullopt;
  }

  // Recognizes the free-and-reset and swap helpers from their statements (in any order,
  // null checks around them allowed): `free(*p)` with `*p = NULL`, and `t = *a`, `*a = *b`,
  // `*b = t`, with nothing else written through those parameters.
  void summarizeIdioms() {
    struct Finder : RecursiveASTVisitor<Finder> {
      FunctionMemory *self;
      std::set<unsigned> freed, nulled, writtenOther;
      std::map<unsigned, unsigned> copiedFrom;           // *a = *b: a -> b
      std::map<const VarDecl *, unsigned> savedFrom;     // t = *a: t -> a
      std::map<unsigned, const VarDecl *> restoredFrom;  // *b = t: b -> t
      bool VisitCallExpr(CallExpr *c) {
        const FunctionDecl *f = c->getDirectCallee();
        if (f && c->getNumArgs() == 1 && libraryRole(self->tu_.names.name(f)) == LibRole::Releases)
          if (std::optional<unsigned> i = self->pointeeOfParameter(c->getArg(0))) freed.insert(*i);
        // `pp` handed on (`read_bytes(pp)`): the callee may store a fresh block through it,
        // so the helper does more than release and reset.
        for (const Expr *a : c->arguments())
          if (std::optional<unsigned> i = self->pointerToPointerParameter(a)) writtenOther.insert(*i);
        return true;
      }
      bool VisitVarDecl(VarDecl *v) {
        if (v->hasInit())
          if (std::optional<unsigned> i = self->pointeeOfParameter(v->getInit())) savedFrom[v] = *i;
        return true;
      }
      bool VisitBinaryOperator(BinaryOperator *b) {
        if (b->getOpcode() != BO_Assign) return true;
        if (const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(b->getLHS())))
          if (const auto *v = llvm::dyn_cast<VarDecl>(d->getDecl()))
            if (std::optional<unsigned> i = self->pointeeOfParameter(b->getRHS())) savedFrom[v] = *i;
        std::optional<unsigned> target = self->pointeeOfParameter(b->getLHS());
        if (!target) return true;
        const Expr *rhs = stripParensAndCasts(b->getRHS());
        if (self->isNull(b->getRHS())) nulled.insert(*target);
        else if (std::optional<unsigned> from = self->pointeeOfParameter(rhs)) copiedFrom[*target] = *from;
        else if (const auto *d = llvm::dyn_cast<DeclRefExpr>(rhs); d && llvm::isa<VarDecl>(d->getDecl()))
          restoredFrom[*target] = llvm::cast<VarDecl>(d->getDecl());
        else writtenOther.insert(*target);
        return true;
      }
    } finder;
    finder.self = this;
    if (!fd_->getBody()) return;
    finder.TraverseStmt(const_cast<Stmt *>(fd_->getBody()));
    for (unsigned i : finder.freed)
      if (finder.nulled.count(i) && !finder.writtenOther.count(i) && !finder.copiedFrom.count(i))
        summary_.releasesPointee.insert(i);
    for (const auto &[a, b] : finder.copiedFrom) {
      auto r = finder.restoredFrom.find(b);
      if (a == b || r == finder.restoredFrom.end()) continue;
      auto saved = finder.savedFrom.find(r->second);
      if (saved == finder.savedFrom.end() || saved->second != a) continue;
      if (finder.writtenOther.count(a) || finder.writtenOther.count(b) || finder.nulled.count(a) || finder.nulled.count(b))
        continue;
      summary_.swaps.insert({std::min(a, b), std::max(a, b)});
    }
  }

  MemTu &tu_;
  const FunctionDecl *fd_;
  MemorySummary &summary_;
  std::string fnName_;
  const CFG *cfg_ = nullptr;
  CFGPostDomTree postDominators_;
  std::set<const ParmVarDecl *> branchParams_;
  const CFGBlock *block_ = nullptr;  // the block being transferred
  std::map<const Expr *, PointerValue> callCache_;
  std::set<std::pair<const ValueDecl *, const FieldDecl *>> entryObjects_;  // stable keys for field objects
  std::map<const Expr *, std::vector<const void *>> reallocatedFrom_;     // realloc call -> old blocks
  std::map<const void *, std::set<unsigned>> nullParamsAtAllocation_;  // allocation -> parameters NULL there
  // The indices of the parameters tested and found NULL on every path to here.
  std::set<unsigned> nullParamIndices(const State &s) const {
    std::set<unsigned> out;
    for (unsigned i = 0; i < fd_->getNumParams(); ++i)
      if (s.nullParams.count(fd_->getParamDecl(i))) out.insert(i);
    return out;
  }
  // A must-set over all the returns seen so far: the first sets it, later ones intersect.
  static void keepCommonOrSet(std::optional<std::set<unsigned>> &all, const std::set<unsigned> &here) {
    if (!all) all = here;
    else keepCommon(*all, here);
  }
  // Blocks stored, on some path, into memory rooted in a parameter or a global: what the
  // summary's storesOutside reports (StoredOutside also counts a field of a local pointer's
  // block, which the caller cannot reach).
  std::set<const void *> storedInCallerMemory_;
  void noteStoredInCallerMemory(const PointerValue &v) { storedInCallerMemory_.insert(v.objects.begin(), v.objects.end()); }
  static bool rootedInCallerMemory(const VarDecl *root) {
    return root && (llvm::isa<ParmVarDecl>(root) || root->hasGlobalStorage());
  }
  std::unique_ptr<LocalLiveness> liveness_;
  std::vector<unsigned> rank_;  // by block ID: position in reverse post-order
  // Calls of functions that release an argument only when they fail: the argument's blocks
  // as they were before the call, restored where the result is tested to be 0.
  std::map<const Expr *, std::vector<std::pair<const void *, MemoryObjectFacts>>> releasedOnFailure_;
  // Per parameter: does some return release it with a non-zero constant result
  // (onFailure), or with another result (otherwise)?
  struct ReleasingReturns {
    bool onFailure = false, otherwise = false;
  };
  std::map<unsigned, ReleasingReturns> releasingReturns_;

  // `rc = f(...)`: rc now holds that call's result; any other write forgets it.
  void noteResult(const Expr *lhs, const Expr *rhs, State &s) {
    const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(lhs));
    if (const auto *vd = d ? llvm::dyn_cast<VarDecl>(d->getDecl()) : nullptr) noteResult(vd, rhs, s);
  }
  void noteResult(const VarDecl *vd, const Expr *rhs, State &s) {
    const auto *call = rhs ? llvm::dyn_cast<CallExpr>(stripParensAndCasts(rhs)) : nullptr;
    if (call && vd->getType()->isIntegerType()) s.results[vd] = call;
    else s.results.erase(vd);
    noteFlagWrite(vd, rhs, s);
  }

  // ----- flags: integer locals that say which way an earlier branch went -----

  // A local of this function (not one captured from outside) of integer type, or a pointer
  // tested for NULL (`if (type) decoded = alloc(type); ... if (!type) return;`), whose every
  // write is an assignment, increment or decrement written in the body.
  bool isFlag(const VarDecl *vd) {
    if (!vd->hasLocalStorage() || !(vd->getType()->isIntegralOrEnumerationType() || vd->getType()->isPointerType()) ||
        vd->getDeclContext() != static_cast<const DeclContext *>(fd_))
      return false;
    auto cached = flags_.find(vd);
    if (cached == flags_.end()) cached = flags_.emplace(vd, onlyReadOrAssigned(vd, fd_->getBody())).first;
    return cached->second;
  }
  // The value a constant expression (with its conversions, as written) gives, as the flag's
  // own type holds it.
  std::optional<long long> flagValue(const Expr *e) {
    if (e->isValueDependent() || !e->getType()->isIntegralOrEnumerationType()) return std::nullopt;
    Expr::EvalResult r;
    if (!e->EvaluateAsInt(r, tu_.ctx)) return std::nullopt;
    return r.Val.getInt().tryExtValue();
  }
  // `flag == k` with k in the comparison's type: the flag's value that compares equal to k,
  // or nothing when none can (an `unsigned char` is never -1).
  std::optional<long long> flagValueComparingEqual(const VarDecl *flag, const Expr *k) {
    Expr::EvalResult r;
    if (k->isValueDependent() || !k->EvaluateAsInt(r, tu_.ctx)) return std::nullopt;
    const llvm::APSInt &inCommon = r.Val.getInt();
    QualType t = flag->getType();
    llvm::APSInt own = inCommon.extOrTrunc(tu_.ctx.getIntWidth(t));
    own.setIsSigned(t->isSignedIntegerOrEnumerationType());
    llvm::APSInt back = own.extOrTrunc(inCommon.getBitWidth());
    back.setIsSigned(inCommon.isSigned());
    if (back != inCommon) return std::nullopt;
    return own.tryExtValue();
  }
  const VarDecl *flagIn(const Expr *e) {
    const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(e));
    const auto *vd = d ? llvm::dyn_cast<VarDecl>(d->getDecl()) : nullptr;
    return vd && isFlag(vd) ? vd : nullptr;
  }
  // A write of `vd` (rhs null: `++`, `+=`, a declaration without a value): what was known
  // about it, as a constant or about the paths where a pointer is NULL, no longer holds.
  void noteFlagWrite(const VarDecl *vd, const Expr *rhs, State &s) {
    if (!isFlag(vd)) return;
    // The right-hand side as written carries its conversion to the flag's type.
    std::optional<long long> value = rhs ? flagValue(rhs) : std::nullopt;
    // Every path here, those where a pointer is NULL included, now has the flag at `value`.
    for (auto &[k, v] : s.pointers) {
      if (value && (v.nulls.bits & NullFacts::Null)) v.nullWhen[vd] = FlagFact::equalTo(*value);
      else v.nullWhen.erase(vd);
    }
    if (value) s.flags[vd] = FlagFact::equalTo(*value);
    else s.flags.erase(vd);
    forgetAllocationConditionsOn(vd, s);
    // The relations it takes part in (`len > max`) say nothing from here on.
    if (auto rel = relationsOf_.find(vd); rel != relationsOf_.end())
      for (const void *key : rel->second) forgetFlag(key, s);
  }
  // A flag that may hold anything now: no pointer's NULL paths, no path and no object's
  // allocation say anything of it any more.
  static void forgetFlag(const void *flag, State &s) {
    for (auto &[k, v] : s.pointers) v.nullWhen.erase(flag);
    s.flags.erase(flag);
    forgetAllocationConditionsOn(flag, s);
  }

  // ----- relations: `if (len > max) buf = malloc(len); ... if (len > max) free(buf);` -----
  //
  // A comparison of two integer expressions made of flags and constants only (no memory
  // read, no call) is a flag of its own whose value is the sign of their difference: -1, 0
  // or 1. A write of any flag in it forgets it, so it holds exactly as long as both sides
  // keep their values. The operands keep their implicit conversions, so a signed and an
  // unsigned comparison of the same variables are different relations.

  // Whether `e` is made of flags, constants and arithmetic only; collects the flags.
  bool pureOfFlags(const Expr *e, std::set<const VarDecl *> &vars, unsigned depth = 0) {
    if (depth > 8 || e->isValueDependent() || !e->getType()->isIntegralOrEnumerationType()) return false;
    e = e->IgnoreParens();
    if (llvm::isa<IntegerLiteral>(e) || llvm::isa<CharacterLiteral>(e)) return true;
    if (const auto *d = llvm::dyn_cast<DeclRefExpr>(e)) {
      if (llvm::isa<EnumConstantDecl>(d->getDecl())) return true;
      const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl());
      if (!vd || !vd->getType()->isIntegralOrEnumerationType() || !isFlag(vd)) return false;
      vars.insert(vd);
      return true;
    }
    if (const auto *c = llvm::dyn_cast<ImplicitCastExpr>(e))
      return (c->getCastKind() == CK_LValueToRValue || c->getCastKind() == CK_IntegralCast) &&
             pureOfFlags(c->getSubExpr(), vars, depth + 1);
    if (const auto *c = llvm::dyn_cast<CStyleCastExpr>(e))
      return c->getCastKind() == CK_IntegralCast && pureOfFlags(c->getSubExpr(), vars, depth + 1);
    if (const auto *u = llvm::dyn_cast<UnaryOperator>(e))
      return (u->getOpcode() == UO_Minus || u->getOpcode() == UO_Not) && pureOfFlags(u->getSubExpr(), vars, depth + 1);
    if (const auto *b = llvm::dyn_cast<BinaryOperator>(e))
      return (b->isAdditiveOp() || b->isMultiplicativeOp() || b->isShiftOp() || b->isBitwiseOp()) &&
             pureOfFlags(b->getLHS(), vars, depth + 1) && pureOfFlags(b->getRHS(), vars, depth + 1);
    if (llvm::isa<UnaryExprOrTypeTraitExpr>(e)) return true;  // sizeof, alignof: constants
    return false;
  }

  void refineRelation(const BinaryOperator *b, bool truth, State &s) {
    if (!b->isRelationalOp() && !b->isEqualityOp()) return;
    std::set<const VarDecl *> vars;
    if (!pureOfFlags(b->getLHS(), vars) || !pureOfFlags(b->getRHS(), vars) || vars.empty()) return;
    llvm::FoldingSetNodeID lhs, rhs;
    b->getLHS()->IgnoreParens()->Profile(lhs, tu_.ctx, /*Canonical=*/true);
    b->getRHS()->IgnoreParens()->Profile(rhs, tu_.ctx, /*Canonical=*/true);
    // sign(lhs - rhs); with the operands in canonical order, the sign flips.
    const bool swapped = rhs < lhs;
    std::pair<llvm::FoldingSetNodeID, llvm::FoldingSetNodeID> operands =
        swapped ? std::make_pair(rhs, lhs) : std::make_pair(lhs, rhs);
    if (operands.first == operands.second) return;
    std::unique_ptr<char> &slot = relationKeys_[operands];
    if (!slot) {
      slot = std::make_unique<char>();
      for (const VarDecl *vd : vars) relationsOf_[vd].push_back(slot.get());
    }
    // The comparison as `sign == v` (equal) or `sign != v` on this branch.
    bool equal = true;
    long long v = 0;
    switch (b->getOpcode()) {
    case BO_LT: equal = truth; v = -1; break;
    case BO_GT: equal = truth; v = 1; break;
    case BO_LE: equal = !truth; v = 1; break;
    case BO_GE: equal = !truth; v = -1; break;
    case BO_EQ: equal = truth; v = 0; break;
    case BO_NE: equal = !truth; v = 0; break;
    default: return;
    }
    if (swapped) v = -v;
    refineFlag(slot.get(), equal, v, s);
  }
  // The flag changes: what it held where objects were made says nothing of it from here.
  static void forgetAllocationConditionsOn(const void *flag, State &s) {
    for (auto it = s.allocatedWhen.begin(); it != s.allocatedWhen.end();) {
      it->second.erase(flag);
      it = it->second.empty() ? s.allocatedWhen.erase(it) : std::next(it);
    }
  }
  // A branch where `flag == value` (equal) or `flag != value` holds: objects made only where
  // it held otherwise do not exist on this branch.
  void dropObjectsNotMadeWhen(const void *flag, bool equal, long long value, State &s) {
    std::vector<const void *> absent;
    for (const auto &[o, facts] : s.allocatedWhen)
      if (auto f = facts.find(flag); f != facts.end() && !f->second.allows(equal, value)) absent.push_back(o);
    for (const void *o : absent) {
      s.allocatedWhen.erase(o);
      s.objects.erase(o);
      s.uninitialized.erase(o);
      s.initializedPrefix.erase(o);
      for (auto &[k, v] : s.pointers)
        if (auto at = std::lower_bound(v.objects.begin(), v.objects.end(), o); at != v.objects.end() && *at == o)
          v.objects.erase(at);
    }
  }
  // A branch where `flag == value` (equal) or `flag != value` holds: a pointer whose NULL
  // paths all had the flag otherwise is not NULL on this branch.
  void refineFlag(const void *flag, bool equal, long long value, State &s) {
    dropObjectsNotMadeWhen(flag, equal, value, s);
    // What every path here knows of the flag holds on the NULL paths too (a state that no
    // join has reached yet has not copied it into the pointers).
    auto everywhere = s.flags.find(flag);
    for (auto &[k, v] : s.pointers) {
      if (!(v.nulls.bits & NullFacts::Null)) continue;
      auto f = v.nullWhen.find(flag);
      bool ruledOut = (f != v.nullWhen.end() && !f->second.allows(equal, value)) ||
                      (everywhere != s.flags.end() && !everywhere->second.allows(equal, value));
      if (!ruledOut) continue;
      v.nulls.bits &= ~NullFacts::Null;
      if (!v.nulls.bits) v.nulls.bits = NullFacts::Unknown;
      v.nullWhen.clear();
    }
    auto known = s.flags.find(flag);
    if (equal) {
      s.flags[flag] = FlagFact::equalTo(value);
    } else if (known == s.flags.end()) {
      s.flags[flag] = FlagFact::notEqualTo(value);
    } else if (!known->second.values.empty()) {
      if (known->second.values.size() > 1) known->second.values.erase(value);
    } else {
      known->second.excluded.insert(value);
    }
  }

  // ----- predicates: a const method of a local object, tested like a flag -----
  //
  // `Status s = a(); if (s.ok()) s = b(&p); if (!s.ok()) return s; use(p);`: `s.ok()` says
  // which way the branch went, as long as `s` does not change in between. An object whose
  // every use is a method call, an assignment, a copy or move, or a reference argument of a
  // known callee is such a predicate's subject: an assignment, a move, a non-const method or
  // a non-const reference argument forgets what its predicates said where it happens; a
  // pointer to the object would let it change unseen.

  bool isPredicateObject(const VarDecl *vd) {
    if (!vd->hasLocalStorage() || !vd->getType()->isRecordType() ||
        vd->getDeclContext() != static_cast<const DeclContext *>(fd_))
      return false;
    // Types whose const methods answer from state shared with other objects: a weak
    // pointer expires when its last owner lets go, an atomic when another thread stores.
    if (const CXXRecordDecl *rd = vd->getType()->getAsCXXRecordDecl(); rd && rd->isInStdNamespace()) {
      llvm::StringRef n = rd->getName();
      if (n == "weak_ptr" || n.starts_with("atomic") || n == "shared_future" || n == "future") return false;
    }
    auto cached = predicateObjects_.find(vd);
    if (cached != predicateObjects_.end()) return cached->second;
    if (!parents_) parents_ = std::make_unique<ParentMap>(const_cast<Stmt *>(fd_->getBody()));
    struct Uses : RecursiveASTVisitor<Uses> {
      const VarDecl *vd;
      ParentMap &parents;
      bool ok = true;
      Uses(const VarDecl *v, ParentMap &p) : vd(v), parents(p) {}
      bool VisitDeclRefExpr(DeclRefExpr *d) {
        if (d->getDecl() != vd) return true;
        // Inside a lambda: the lambda may run, and write it, at any call.
        if (d->refersToEnclosingVariableOrCapture()) return ok = false;
        const Stmt *use = d;
        const Stmt *p = parents.getParent(use);
        while (p && (llvm::isa<ParenExpr>(p) || llvm::isa<MaterializeTemporaryExpr>(p) ||
                     (llvm::isa<ImplicitCastExpr>(p) && llvm::cast<ImplicitCastExpr>(p)->getCastKind() == CK_NoOp))) {
          use = p;
          p = parents.getParent(p);
        }
        ok = p && allowed(use, p);
        return ok;
      }
      // A call that could hand back an alias of the object (`Status &r = s.self()`,
      // `std::ref(s)`) would let it change unseen later.
      static bool returnsNoAlias(const CallExpr *call) { return !call->isGLValue() && !call->getType()->isPointerType(); }
      bool allowed(const Stmt *use, const Stmt *p) {
        if (const auto *m = llvm::dyn_cast<MemberExpr>(p)) {  // s.ok(); s.Annotate(..) is a write
          const auto *call = llvm::dyn_cast_or_null<CXXMemberCallExpr>(parents.getParent(m));
          const auto *method = llvm::dyn_cast<CXXMethodDecl>(m->getMemberDecl());
          return !m->isArrow() && call && method && (method->isConst() || returnsNoAlias(call));
        }
        if (const auto *op = llvm::dyn_cast<CXXOperatorCallExpr>(p))
          return op->getOperator() == OO_Equal && op->getNumArgs() == 2 && op->getArg(0) == use;
        if (const auto *c = llvm::dyn_cast<CXXConstructExpr>(p)) return c->getConstructor()->isCopyOrMoveConstructor();
        if (const auto *call = llvm::dyn_cast<CallExpr>(p)) {
          const FunctionDecl *callee = call->getDirectCallee();
          // `T t = std::move(s);`: the move is the construction that takes it.
          if (callee && callee->isInStdNamespace() && callee->getName() == "move" && call->getNumArgs() == 1) {
            const Stmt *up = parents.getParent(call);
            while (up && (llvm::isa<MaterializeTemporaryExpr>(up) || llvm::isa<ImplicitCastExpr>(up)))
              up = parents.getParent(up);
            const auto *c = llvm::dyn_cast_or_null<CXXConstructExpr>(up);
            return c && c->getConstructor()->isMoveConstructor();
          }
          for (unsigned i = 0; callee && i < call->getNumArgs() && i < callee->getNumParams(); ++i)
            if (call->getArg(i) == use) {
              QualType t = callee->getParamDecl(i)->getType();
              return t->isReferenceType() && (t->getPointeeType().isConstQualified() || returnsNoAlias(call));
            }
          return false;
        }
        return false;
      }
    } uses(vd, *parents_);
    uses.TraverseStmt(const_cast<Stmt *>(fd_->getBody()));
    return predicateObjects_.emplace(vd, uses.ok).first->second;
  }
  // `s.ok()` (no arguments, a const method, a predicate object): its key, or null.
  const void *predicateIn(const Expr *e) {
    const auto *call = llvm::dyn_cast<CXXMemberCallExpr>(stripParensAndCasts(e));
    if (!call || call->getNumArgs() != 0) return nullptr;
    const CXXMethodDecl *method = call->getMethodDecl();
    if (!method || !method->isConst()) return nullptr;
    const auto *d = llvm::dyn_cast_or_null<DeclRefExpr>(call->getImplicitObjectArgument()
                                                            ? call->getImplicitObjectArgument()->IgnoreParenImpCasts()
                                                            : nullptr);
    const auto *vd = d ? llvm::dyn_cast<VarDecl>(d->getDecl()) : nullptr;
    if (!vd || !isPredicateObject(vd)) return nullptr;
    return &*predicates_.insert({vd, method->getCanonicalDecl()}).first;
  }
  // The objects that `s = ...` (any assignment operator), a non-const `s.m(...)`, or a call
  // taking `s` by non-const reference may change.
  static std::vector<const VarDecl *> predicateObjectsWrittenBy(const Stmt *st) {
    std::vector<const Expr *> objects;
    if (const auto *op = llvm::dyn_cast<CXXOperatorCallExpr>(st); op && op->isAssignmentOp() && op->getNumArgs() > 0)
      objects.push_back(op->getArg(0));
    else if (const auto *mc = llvm::dyn_cast<CXXMemberCallExpr>(st); mc && mc->getMethodDecl() && !mc->getMethodDecl()->isConst())
      objects.push_back(mc->getImplicitObjectArgument());
    if (const auto *c = llvm::dyn_cast<CXXConstructExpr>(st); c && c->getConstructor()->isMoveConstructor()) {
      const Expr *from = c->getArg(0)->IgnoreParenImpCasts();  // `return s;`
      if (const auto *m = llvm::dyn_cast<MaterializeTemporaryExpr>(from)) from = m->getSubExpr()->IgnoreParenImpCasts();
      if (const auto *mv = llvm::dyn_cast<CallExpr>(from); mv && mv->getNumArgs() == 1) from = mv->getArg(0);  // std::move(s)
      objects.push_back(from);
    }
    if (const auto *call = llvm::dyn_cast<CallExpr>(st))
      if (const FunctionDecl *callee = call->getDirectCallee())
        for (unsigned i = 0; i < call->getNumArgs() && i < callee->getNumParams(); ++i) {
          QualType t = callee->getParamDecl(i)->getType();
          if (t->isReferenceType() && !t->getPointeeType().isConstQualified()) objects.push_back(call->getArg(i));
        }
    std::vector<const VarDecl *> out;
    for (const Expr *o : objects) {
      const auto *d = o ? llvm::dyn_cast<DeclRefExpr>(o->IgnoreParenImpCasts()) : nullptr;
      if (const auto *vd = d ? llvm::dyn_cast<VarDecl>(d->getDecl()) : nullptr) out.push_back(vd);
    }
    return out;
  }
  // `s = ...`, `s.reset()` or a new `s`: every predicate of `s` may answer otherwise now.
  void notePredicateObjectWrite(const VarDecl *vd, State &s) {
    for (auto it = predicates_.lower_bound({vd, nullptr}); it != predicates_.end() && it->first == vd; ++it)
      forgetFlag(&*it, s);
  }

  void noteReleasingReturn(const ReturnStmt *rs, const State &s) {
    std::optional<long long> value;
    if (const Expr *rv = rs->getRetValue(); rv && rv->getType()->isIntegerType()) value = integerConstant(rv, tu_.ctx);
    for (unsigned i = 0; i < fd_->getNumParams(); ++i) {
      auto it = s.objects.find(fd_->getParamDecl(i));
      if (it == s.objects.end() || !(it->second.bits & MemoryObjectFacts::Released)) continue;
      if (value && *value != 0) releasingReturns_[i].onFailure = true;
      else releasingReturns_[i].otherwise = true;
    }
  }

  // Where the result of `call` (or a variable holding it) is known to be 0, the arguments
  // a releases-on-failure callee was given are as they were before the call.
  void refineResult(const Expr *cond, bool truth, State &s) {
    const Expr *call = cond;
    if (const auto *d = llvm::dyn_cast<DeclRefExpr>(cond))
      if (const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl())) {
        auto r = s.results.find(vd);
        if (r == s.results.end()) return;
        call = r->second;
      }
    auto it = releasedOnFailure_.find(call);
    if (it == releasedOnFailure_.end() || truth) return;
    for (const auto &[o, before] : it->second)
      if (auto obj = s.objects.find(o); obj != s.objects.end()) obj->second = before;
  }
  unsigned depth_ = 0;

  Location loc(const Decl *d) { return tu_.locations.map(d->getLocation()); }
  Location loc(const Stmt *st) { return tu_.locations.map(st->getBeginLoc()); }
  std::string text(const Stmt *st) { return tu_.locations.text(st->getSourceRange(), tu_.ctx.getLangOpts()); }

  static bool isPointerLike(QualType t) { return t->isPointerType() || t->isArrayType(); }

  // The tracked path an expression names, if it is one: `p`, `s.f`, `p->f`.
  static std::optional<PathKey> pathOf(const Expr *e) {
    e = stripParensAndCasts(e);
    if (const auto *d = llvm::dyn_cast<DeclRefExpr>(e))
      if (const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl())) return PathKey{vd, nullptr};
    if (const auto *m = llvm::dyn_cast<MemberExpr>(e)) {
      const auto *fd = llvm::dyn_cast<FieldDecl>(m->getMemberDecl());
      const auto *base = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(m->getBase()));
      if (fd && base)
        if (const auto *vd = llvm::dyn_cast<VarDecl>(base->getDecl())) {
          // The members of a union share one storage: they are one path.
          if (fd->getParent()->isUnion()) return PathKey{vd, *fd->getParent()->field_begin()};
          return PathKey{vd, fd};
        }
    }
    return std::nullopt;
  }

  void emit(MemoryEvent e, const PathKey *path = nullptr) {
    if (!reporting) return;
    e.function = fnName_;
    tu_.emit(e, path ? &reportedPaths_ : nullptr, path);
  }
  // (path, checker) pairs already reported in this function: the first NULL dereference
  // of a pointer is the finding; the later ones are its consequences.
  std::set<std::pair<PathKey, const MemoryChecker *>> reportedPaths_;
  const Expr *addressOfMember_ = nullptr;  // the `p->f` of an `&p->f` being evaluated
  std::map<const VarDecl *, bool> flags_;    // isFlag(), per variable
  // Relations between two integer expressions of flags and constants (see refineRelation):
  // a key per pair of operands, and the keys each flag takes part in.
  std::map<std::pair<llvm::FoldingSetNodeID, llvm::FoldingSetNodeID>, std::unique_ptr<char>> relationKeys_;
  std::map<const VarDecl *, std::vector<const void *>> relationsOf_;
  std::map<const VarDecl *, bool> predicateObjects_;  // isPredicateObject(), per variable
  // One key per (object, const method) pair a branch tested: `s.ok()` is a flag of its own.
  std::set<std::pair<const VarDecl *, const CXXMethodDecl *>> predicates_;

  std::vector<MemoryObjectFacts> objectsOf(const PointerValue &v, const State &s) {
    std::vector<MemoryObjectFacts> out;
    for (const void *o : v.objects) {
      auto it = s.objects.find(o);
      if (it != s.objects.end()) out.push_back(it->second);
    }
    return out;
  }

  // ----- statements -----

  void evalStmt(const Stmt *st, State &s) {
    if (const auto *as = llvm::dyn_cast<AsmStmt>(st)) {
      // `asm("..." : "=r"(x), "+r"(y) : "r"(z))` reads its inputs and its "+" outputs, and
      // writes its outputs: x holds a value after it, and a pointer output is unknown. (An
      // "m" input is an address; what the assembly reads there is not known.)
      for (unsigned i = 0; i < as->getNumInputs(); ++i) eval(as->getInputExpr(i), s);
      for (unsigned i = 0; i < as->getNumOutputs(); ++i) {
        const Expr *out = as->getOutputExpr(i);
        if (as->isOutputPlusConstraint(i)) checkRead(out, s);
        markInitialized(out, s);
        if (out->getType()->isPointerType())
          if (std::optional<PathKey> key = pathOf(stripParensAndCasts(out))) s.pointers[*key] = unknown();
      }
      return;
    }
    if (const auto *ds = llvm::dyn_cast<DeclStmt>(st)) {
      for (const Decl *d : ds->decls())
        if (const auto *vd = llvm::dyn_cast<VarDecl>(d)) declare(vd, s);
      return;
    }
    if (const auto *rs = llvm::dyn_cast<ReturnStmt>(st)) {
      if (const Expr *rv = rs->getRetValue()) {
        // Returning a struct by value hands over what its pointer fields point to (in C++,
        // through the copy or move constructor that returns it, elided or not).
        const Expr *returned = stripParensAndCasts(rv);
        if (const auto *c = llvm::dyn_cast<CXXConstructExpr>(returned);
            c && c->getNumArgs() == 1 && c->getConstructor()->isCopyOrMoveConstructor())
          returned = stripParensAndCasts(c->getArg(0));
        if (const auto *d = llvm::dyn_cast<DeclRefExpr>(returned); d && rv->getType()->isRecordType())
          for (const auto &[k, pv] : s.pointers)
            if (k.base == d->getDecl()) escape(pv, s);
        PointerValue v = eval(rv, s);
        if (isPointerLike(rv->getType())) {
          summary_.returnNulls |= v.nulls.bits;
          if (v.nulls.bits & NullFacts::Null) keepCommonOrSet(summary_.nullOnlyForNullParams, nullParamIndices(s));
          for (const void *o : v.objects) {
            auto it = s.objects.find(o);
            if (it == s.objects.end()) continue;
            if (it->second.kind != AllocKind::Parameter && it->second.kind != AllocKind::Stack) {
              // Fresh for the caller only if nothing else holds it: memory also stored in a
              // parameter's field or a global (libpng's jmp_buf kept in png_ptr), here or by a
              // callee (a node that its constructor links into the parent it is given:
              // libiec61850's `DataAttribute_create(name, parent, ...)`), is owned there.
              if ((it->second.bits & MemoryObjectFacts::Allocated) &&
                  !(it->second.bits & (MemoryObjectFacts::Released | MemoryObjectFacts::StoredOutside))) {
                summary_.returnsFresh = true;
                auto at = nullParamsAtAllocation_.find(o);
                keepCommonOrSet(summary_.freshOnlyForNullParams,
                                at == nullParamsAtAllocation_.end() ? std::set<unsigned>{} : at->second);
              }
              if (it->second.bits & MemoryObjectFacts::Released) summary_.returnsReleased = true;
            }
            it->second.bits |= MemoryObjectFacts::Escaped;  // the caller owns it now
          }
        }
      }
      if (reporting) {
        noteReleasingReturn(rs, s);
        checkExit(s, rs->getBeginLoc(), rs);
      }
      return;
    }
    if (const auto *e = llvm::dyn_cast<Expr>(st)) eval(e, s);
  }

  void declare(const VarDecl *vd, State &s) {
    if (vd->hasGlobalStorage()) return;
    notePredicateObjectWrite(vd, s);
    PathKey key{vd, nullptr};
    QualType t = vd->getType();
    if (t->isArrayType()) {
      MemoryObjectFacts obj;
      obj.kind = AllocKind::Stack;
      obj.allocatedAt = loc(vd);
      obj.allocator = "the local array '" + vd->getNameAsString() + "'";
      s.objects[vd] = obj;
    }
    if (!vd->hasInit()) {
      if (t->isScalarType() || t->isArrayType() || t->isStructureType()) s.uninitialized.insert(vd);
      s.pointers.erase(key);
      noteFlagWrite(vd, nullptr, s);
      return;
    }
    s.uninitialized.erase(vd);
    PointerValue v = eval(vd->getInit(), s);
    if (t->isPointerType()) s.pointers[key] = v;
    if (t->isRecordType()) copyStruct(key, nullptr, vd->getInit(), s);
    noteResult(vd, vd->getInit(), s);
  }

  // `dst = src` of a whole struct: src's pointer fields go where dst is. Into a local struct
  // variable they become the values of its fields; anywhere else (`*payload = message`,
  // `out->bytes = message`, `chunk.bytes = message`) they are stored where no path follows
  // them, as a pointer stored there would be. `dst` is the variable's path when it has one.
  void copyStruct(std::optional<PathKey> dst, const Expr *lhs, const Expr *rhs, State &s) {
    const auto *ref = rhs ? llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(rhs)) : nullptr;
    const auto *src = ref ? llvm::dyn_cast<VarDecl>(ref->getDecl()) : nullptr;
    if (!src || (dst && dst->base == src && !dst->field)) return;
    std::vector<std::pair<const FieldDecl *, PointerValue>> fields;
    for (const auto &[k, v] : s.pointers)
      if (k.base == src && k.field) fields.emplace_back(k.field, v);
    const auto *dstVar = dst ? llvm::dyn_cast<VarDecl>(dst->base) : nullptr;
    if (dst && !dst->field && dstVar && !dstVar->hasGlobalStorage()) {
      std::vector<PointerValue> old;
      for (auto it = s.pointers.begin(); it != s.pointers.end();) {
        if (it->first.base != dst->base || !it->first.field) {
          ++it;
          continue;
        }
        old.push_back(std::move(it->second));
        PathKey key = it->first;
        it = s.pointers.erase(it);
        forgetGuardsOn(key, s);
      }
      for (const auto &[field, v] : fields) s.pointers[PathKey{dst->base, field}] = v;
      for (const PointerValue &v : old) forgetUnreachableReleased(v, s);
      return;
    }
    const bool callers = lhs && rootedInCallerMemory(rootVariable(lhs));
    for (const auto &[field, v] : fields) {
      escape(v, s);
      if (callers) {
        markStoredOutside(v, s);
        noteStoredInCallerMemory(v);
      }
    }
  }

  // ----- branch conditions: null checks -----

  // NULL, or the constant 0: what a test of a pointer compares it with.
  bool nullOrZero(const Expr *x) {
    std::optional<long long> v = integerConstant(x, tu_.ctx);
    return isNull(x) || (v && *v == 0);
  }

  // A predicate helper: a function whose whole body is `return` of a parameter, of its
  // negation or of its comparison with NULL or 0 (`static inline int isNonNull(const void *p)
  // { return p != NULL; }`), so that its result is true exactly when that argument is
  // non-null. Returns the argument (`negated` when the result is true when it is null). An
  // argument that is itself such a call is returned as it is and resolved in turn, as in
  // open62541's `if (!isTrue(isNonNull(p)))`; other arguments must be free of side effects.
  const Expr *predicateArgument(const CallExpr *call, bool &negated) {
    const FunctionDecl *callee = call->getDirectCallee();
    const FunctionDecl *def = callee ? callee->getDefinition() : nullptr;
    const auto *body = def ? llvm::dyn_cast_or_null<CompoundStmt>(def->getBody()) : nullptr;
    if (!body || body->size() != 1 || !def->getReturnType()->isScalarType()) return nullptr;
    const auto *ret = llvm::dyn_cast<ReturnStmt>(body->body_front());
    const Expr *e = ret && ret->getRetValue() ? stripParensAndCasts(ret->getRetValue()) : nullptr;
    negated = false;
    for (int steps = 0; e && steps < 4; ++steps) {
      if (const auto *u = llvm::dyn_cast<UnaryOperator>(e); u && u->getOpcode() == UO_LNot) {
        negated = !negated;
        e = stripParensAndCasts(u->getSubExpr());
        continue;
      }
      if (const auto *b = llvm::dyn_cast<BinaryOperator>(e); b && b->isEqualityOp()) {
        const Expr *other = nullOrZero(b->getRHS()) ? b->getLHS() : nullOrZero(b->getLHS()) ? b->getRHS() : nullptr;
        if (!other) return nullptr;
        if (b->getOpcode() == BO_EQ) negated = !negated;
        e = stripParensAndCasts(other);
        continue;
      }
      break;
    }
    const auto *ref = e ? llvm::dyn_cast<DeclRefExpr>(e) : nullptr;
    const auto *param = ref ? llvm::dyn_cast<ParmVarDecl>(ref->getDecl()) : nullptr;
    if (!param || param->getFunctionScopeIndex() >= call->getNumArgs()) return nullptr;
    const Expr *arg = call->getArg(param->getFunctionScopeIndex());
    if (const auto *inner = llvm::dyn_cast<CallExpr>(stripParensAndCasts(arg))) {
      bool innerNegated = false;
      return predicateArgument(inner, innerNegated) ? arg : nullptr;
    }
    return arg->HasSideEffects(tu_.ctx) ? nullptr : arg;
  }

  void refine(const Expr *cond, bool truth, State &s, unsigned depth) {
    if (depth > 16) return;
    cond = withoutBranchHint(cond);
    if (const auto *rel = llvm::dyn_cast<BinaryOperator>(cond->IgnoreParens())) refineRelation(rel, truth, s);
    if (const VarDecl *flag = flagIn(cond)) refineFlag(flag, !truth, 0, s);  // `if (found)`
    if (const void *pred = predicateIn(cond)) refineFlag(pred, !truth, 0, s);  // `if (s.ok())`
    if (const auto *b = llvm::dyn_cast<BinaryOperator>(stripParensAndCasts(cond)); b && b->isEqualityOp()) {
      // `if (state == 2)`; comparisons with 0 go through the operand below.
      const VarDecl *flag = flagIn(b->getLHS());
      const Expr *other = b->getRHS();
      if (!flag) {
        flag = flagIn(b->getRHS());
        other = b->getLHS();
      }
      // A pointer flag is compared with NULL only; that goes through the operand below,
      // which refines the pointer's own facts too.
      if (flag && flag->getType()->isPointerType()) flag = nullptr;
      std::optional<long long> zero = integerConstant(other, tu_.ctx);
      if (flag && !(zero && *zero == 0)) {
        if (!other->isValueDependent() && other->isIntegerConstantExpr(tu_.ctx)) {
          if (std::optional<long long> value = flagValueComparingEqual(flag, other))
            refineFlag(flag, (b->getOpcode() == BO_EQ) == truth, *value, s);
        }
        return;
      }
    }
    if (const auto *u = llvm::dyn_cast<UnaryOperator>(cond)) {
      if (u->getOpcode() == UO_LNot) refine(u->getSubExpr(), !truth, s, depth + 1);
      return;
    }
    if (const auto *b = llvm::dyn_cast<BinaryOperator>(cond)) {
      switch (b->getOpcode()) {
      case BO_EQ:
      case BO_NE: {
        bool eq = b->getOpcode() == BO_EQ;
        if (nullOrZero(b->getRHS())) refine(b->getLHS(), eq ? !truth : truth, s, depth + 1);
        else if (nullOrZero(b->getLHS())) refine(b->getRHS(), eq ? !truth : truth, s, depth + 1);
        return;
      }
      case BO_LAnd:
        if (truth) refine(b->getLHS(), true, s, depth + 1);
        refine(b->getRHS(), truth, s, depth + 1);
        return;
      case BO_LOr:
        if (!truth) refine(b->getLHS(), false, s, depth + 1);
        refine(b->getRHS(), truth, s, depth + 1);
        return;
      case BO_Assign:
        refine(b->getLHS(), truth, s, depth + 1);  // if ((p = malloc(n)) == NULL)
        return;
      case BO_LT: case BO_GT: case BO_LE: case BO_GE:
        // `if (dst < dstend) *dst++ = c;` bounds a write by a window the caller gave, and
        // `(NULL, 0)` is the caller's way to ask for none: a parameter compared so is a
        // tested one, not dereferenced blindly (asn1c's UTF8String__process). Nothing is
        // learned about NULL.
        if (b->getLHS()->getType()->isPointerType() && b->getRHS()->getType()->isPointerType())
          for (const Expr *side : {b->getLHS(), b->getRHS()})
            if (std::optional<PathKey> key = pathOf(stripParensAndCasts(side)))
              if (auto it = s.pointers.find(*key); it != s.pointers.end())
                for (const void *o : it->second.objects)
                  for (const ParmVarDecl *p : fd_->parameters())
                    if (o == p) s.testedParams.insert(p);
        return;
      default:
        return;
      }
    }
    if (const auto *call = llvm::dyn_cast<CallExpr>(stripParensAndCasts(cond))) {
      bool negated = false;
      if (const Expr *tested = predicateArgument(call, negated)) {
        refine(tested, negated ? !truth : truth, s, depth + 1);
        return;
      }
    }
    if (cond->getType()->isIntegerType()) refineResult(cond, truth, s);
    if (!cond->getType()->isPointerType()) return;
    if (std::optional<llvm::FoldingSetNodeID> id = repeatableCall(cond))
      s.testedCalls[*id] = truth ? NullFacts::NonNull : NullFacts::Null;
    std::optional<PathKey> key = pathOf(cond);
    if (!key) return;
    auto it = s.pointers.find(*key);
    if (it != s.pointers.end())
      for (const void *o : it->second.objects)
        for (const ParmVarDecl *p : fd_->parameters())
          if (o == p) {
            s.testedParams.insert(p);
            if (!truth && it->second.objects.size() == 1) s.nullParams.insert(p);
          }
    if (it == s.pointers.end()) {
      PointerValue v;
      v.nulls.bits = truth ? NullFacts::NonNull : NullFacts::Null;
      s.pointers[*key] = v;
      return;
    }
    if (truth) {
      it->second.nulls.bits = NullFacts::NonNull;
      for (const PathKey &g : std::vector<PathKey>(it->second.guards))
        if (auto gv = s.pointers.find(g); gv != s.pointers.end()) gv->second.nulls.bits = NullFacts::NonNull;
    } else {
      it->second.nulls.bits = NullFacts::Null;
      it->second.nullWhen.clear();  // its earlier NULL paths are not all of them now
      // On the path where an allocation returned NULL there is nothing to release, and a
      // failed realloc left the old block with its owner.
      for (const void *o : it->second.objects) {
        if (auto re = reallocatedFrom_.find(static_cast<const Expr *>(o)); re != reallocatedFrom_.end())
          for (const void *oldObj : re->second)
            if (auto old = s.objects.find(oldObj); old != s.objects.end() && old->second.kind != AllocKind::Parameter)
              old->second.bits = (old->second.bits & ~MemoryObjectFacts::Escaped) | MemoryObjectFacts::Allocated;
        auto obj = s.objects.find(o);
        if (obj != s.objects.end() && obj->second.kind != AllocKind::Parameter && obj->second.kind != AllocKind::Stack)
          obj->second.bits &= ~MemoryObjectFacts::Allocated;
      }
      it->second.objects.clear();
    }
  }

  bool isNull(const Expr *e) {
    return !e->isValueDependent() && e->isNullPointerConstant(tu_.ctx, Expr::NPC_ValueDependentIsNotNull);
  }

  // ----- exits: leaks -----

  // A pointer declared in a loop's body goes out of scope at the end of an iteration (or
  // at a `break`/`continue`) while it alone holds a block allocated here: the block is
  // lost, once per iteration. Leaks are otherwise judged where the function returns,
  // which a server's `while (1)` accept loop never does, and not at all in main; a block
  // lost on every pass of a loop grows without bound there too. A `return` is left to
  // checkExit.
  void checkLostInLoop(const VarDecl *vd, const Stmt *trigger, const State &s) {
    if (!reporting || !vd || !trigger || llvm::isa<ReturnStmt>(trigger) || !vd->getType()->isPointerType() ||
        !declaredInLoopBody(vd))
      return;
    auto held = s.pointers.find(PathKey{vd, nullptr});
    if (held == s.pointers.end()) return;
    for (const void *o : held->second.objects) {
      auto obj = s.objects.find(o);
      if (obj == s.objects.end() || obj->second.bits != MemoryObjectFacts::Allocated) continue;
      if (obj->second.kind == AllocKind::Parameter || obj->second.kind == AllocKind::Stack) continue;
      bool otherHolder = false;
      for (const auto &[k, pv] : s.pointers)
        if (!(k.base == vd && !k.field) && std::binary_search(pv.objects.begin(), pv.objects.end(), o)) otherHolder = true;
      if (otherHolder) continue;
      SourceLocation where = trigger->getEndLoc();
      if (const auto *body = llvm::dyn_cast<CompoundStmt>(trigger)) where = body->getRBracLoc();
      else where = trigger->getBeginLoc();
      MemoryEvent e = leakEvent(o, obj->second, tu_.locations.map(where));
      e.lostWith = vd->getNameAsString();
      emit(e);
    }
  }

  // A store into `holder`, a local pointer variable, while it alone holds a block allocated
  // here and not released or handed on along any path: the block is lost at the store.
  // Inside a loop, only a store made on every pass: one under a test (a search loop's
  // `if (match) found = strdup(v)`, an option parser's `case 'n': name = strdup(arg)`)
  // repeats only if the data repeats, and an allocation that overwrites its own earlier
  // block needs a loop that runs twice. Not in main, whose blocks the process's exit
  // releases (a block lost on every pass of a loop there is checkLostInLoop's).
  void checkOverwrite(const PathKey &holder, const void *o, const MemoryObjectFacts &obj, const Stmt *at,
                      const State &s, bool byItself = false) {
    const auto *vd = llvm::dyn_cast_or_null<VarDecl>(holder.base);
    if (!reporting || holder.field || !vd || vd->hasGlobalStorage() || !vd->getType()->isPointerType()) return;
    if (obj.bits != MemoryObjectFacts::Allocated || obj.kind == AllocKind::Parameter || obj.kind == AllocKind::Stack)
      return;
    if (fd_->isMain() || notOnEveryPass(at, o == static_cast<const void *>(at))) return;
    for (const auto &[k, pv] : s.pointers)
      if (!(k == holder) && std::binary_search(pv.objects.begin(), pv.objects.end(), o)) return;
    MemoryEvent e = leakEvent(o, obj, loc(at));
    e.lostWith = vd->getNameAsString();
    e.overwritten = byItself ? MemoryEvent::Overwrite::ByItself : MemoryEvent::Overwrite::ByStore;
    emit(e);
  }

  // Whether `vd` is declared inside the body of a loop of this function (a new one each
  // iteration); a `for`'s own init variable is not. Judged by source position against the
  // function's loop bodies (ASTContext::getParents would map the whole TU).
  bool declaredInLoopBody(const VarDecl *vd) {
    if (!loopBodies_) {
      struct Loops : RecursiveASTVisitor<Loops> {
        std::vector<SourceRange> bodies;
        bool VisitStmt(Stmt *st) {
          if (const Stmt *body = loopBody(st)) bodies.push_back(body->getSourceRange());
          return true;
        }
      } loops;
      if (fd_->getBody()) loops.TraverseStmt(const_cast<Stmt *>(fd_->getBody()));
      loopBodies_ = std::move(loops.bodies);
    }
    const SourceManager &sm = tu_.ctx.getSourceManager();
    SourceLocation at = sm.getExpansionLoc(vd->getLocation());
    for (const SourceRange &body : *loopBodies_) {
      SourceLocation b = sm.getExpansionLoc(body.getBegin()), e = sm.getExpansionLoc(body.getEnd());
      if (!sm.isBeforeInTranslationUnit(at, b) && !sm.isBeforeInTranslationUnit(e, at)) return true;
    }
    return false;
  }
  std::optional<std::vector<SourceRange>> loopBodies_;

  // A leak of `obj` (keyed `o`) found at `where`.
  MemoryEvent leakEvent(const void *o, const MemoryObjectFacts &obj, Location where) {
    MemoryEvent e;
    e.kind = MemoryEvent::Kind::Exit;
    e.key = o;
    e.location = where;
    // The allocation's line counts from the function's first line, so that an edit
    // elsewhere in the file (a patch, say) leaves the finding's identity alone.
    unsigned first = tu_.locations.map(fd_->getBeginLoc()).line;
    unsigned line = obj.allocatedAt.line >= first ? obj.allocatedAt.line - first : obj.allocatedAt.line;
    e.subject = obj.allocator + "@+" + std::to_string(line);
    e.objects.push_back(obj);
    return e;
  }

  void checkExit(const State &s, SourceLocation where, const Stmt *key) {
    // Returning from main ends the process, which releases its memory: not a leak that
    // can grow (a block lost on each pass of a loop is, see checkLostInLoop).
    if (fd_->isMain()) return;
    for (const auto &[k, obj] : s.objects) {
      if (obj.kind == AllocKind::Parameter || obj.kind == AllocKind::Stack) continue;
      if (obj.bits != MemoryObjectFacts::Allocated) continue;  // released or escaped on some path
      emit(leakEvent(k, obj, tu_.locations.map(where)));
    }
  }

  // ----- expressions -----

  PointerValue unknown() {
    PointerValue v;
    v.nulls.bits = NullFacts::Unknown;
    return v;
  }
  // NULL, made at `at` for the reason given (reports quote it).
  PointerValue nullValue(const Stmt *at, std::string why) {
    PointerValue v;
    v.nulls.bits = NullFacts::Null;
    v.nulls.nullAt = loc(at);
    v.nulls.nullWhy = std::move(why);
    return v;
  }
  // A pointer read from memory the analysis does not follow (`*pp`, `node->next`).
  PointerValue untrackedValue() {
    PointerValue v = unknown();
    v.untracked = true;
    return v;
  }

  PointerValue eval(const Expr *e, State &s) {
    if (!e || depth_ > 2000) return unknown();
    // A sub-expression the CFG evaluates as an element of its own (a call, an arm of ?:)
    // already ran on this path: use its value, do not repeat its effects (a second free).
    if (e != current_ && elements_.count(e)) {
      auto it = elementValues_.find(e);
      return it == elementValues_.end() ? unknown() : it->second;
    }
    ++depth_;
    PointerValue v = evalInner(e, s);
    --depth_;
    if (e == current_) elementValues_[e] = v;
    return v;
  }
  const Stmt *current_ = nullptr;
  std::set<const Stmt *> elements_;
  std::map<const Stmt *, PointerValue> elementValues_;

  // The object whose field `e` names, through `.` only (`s.f`, `a[i].f.g`); `e` itself
  // when it is no such field. A field reached through `->` is in memory of its own.
  static const Expr *objectOfField(const Expr *e) {
    while (const auto *m = llvm::dyn_cast<MemberExpr>(e)) {
      if (m->isArrow()) break;
      e = m->getBase()->IgnoreParenImpCasts();
    }
    return e;
  }

  void checkRead(const Expr *e, State &s) {
    // An rvalue read of a variable, an element or a field: must it be uninitialized?
    // s.f, a[i].f: the field of an object is read from that object.
    const Expr *x = objectOfField(e->IgnoreParens());
    if (const auto *d = llvm::dyn_cast<DeclRefExpr>(x)) {
      const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl());
      if (vd && !vd->hasGlobalStorage() && s.uninitialized.count(vd)) reportUninit(e, vd, s);
      return;
    }
    if (const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(x)) {
      // Reading a[i] in `for (i = 0; i < M; i++)` past what was initialized.
      std::vector<const void *> objs = elementObjects(a, s);
      std::optional<long long> m = loopBound(a->getIdx(), a);
      Expr::EvalResult c;
      if (!m && !a->getIdx()->isValueDependent() && a->getIdx()->EvaluateAsInt(c, tu_.ctx)) m = c.Val.getInt().getExtValue() + 1;
      if (m && !objs.empty()) {
        bool all = true;
        for (const void *o : objs) {
          auto p = s.initializedPrefix.find(o);
          all &= p != s.initializedPrefix.end() && p->second < *m;
        }
        if (all) {
          if (const VarDecl *root = rootVariable(a->getBase())) reportUninit(e, root, s);
          return;
        }
      }
    }
    const Expr *pointer = nullptr;
    if (const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(x)) pointer = a->getBase();
    else if (const auto *u = llvm::dyn_cast<UnaryOperator>(x); u && u->getOpcode() == UO_Deref) pointer = u->getSubExpr();
    else if (const auto *m = llvm::dyn_cast<MemberExpr>(x); m && m->isArrow()) pointer = m->getBase();
    if (!pointer) return;
    const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(pointer));
    const auto *bv = d ? llvm::dyn_cast<VarDecl>(d->getDecl()) : nullptr;
    if (!bv || bv->hasGlobalStorage()) return;
    if (bv->getType()->isArrayType()) {
      if (s.uninitialized.count(bv)) reportUninit(e, bv, s);
      return;
    }
    // Through a pointer: every object it may point to is uninitialized.
    auto it = s.pointers.find({bv, nullptr});
    if (it == s.pointers.end() || it->second.objects.empty() || (it->second.nulls.bits & NullFacts::Unknown)) return;
    bool all = true;
    for (const void *o : it->second.objects) all &= s.uninitialized.count(o) > 0;
    if (all) reportUninit(e, bv, s);
  }

  void reportUninit(const Expr *e, const VarDecl *vd, State &s) {
    MemoryEvent ev;
    ev.kind = MemoryEvent::Kind::UninitializedRead;
    ev.key = e;
    ev.location = loc(e);
    ev.subject = text(e);
    ev.declaredAt = loc(vd);
    PathKey path{vd, nullptr};
    emit(ev, &path);  // the first read of a variable is the finding, later ones follow from it
  }

  // The constant bound N of the `for (i = 0; i < N; i++)` loop that `index` (a plain
  // variable) counts, found by walking up from the access.
  std::optional<long long> loopBound(const Expr *index, const Stmt *access) {
    const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(index));
    const auto *iv = d ? llvm::dyn_cast<VarDecl>(d->getDecl()) : nullptr;
    if (!iv) return std::nullopt;
    if (!parents_) parents_ = std::make_unique<ParentMap>(const_cast<Stmt *>(fd_->getBody()));
    for (const Stmt *p = parents_->getParent(access); p; p = parents_->getParent(p)) {
      const auto *f = llvm::dyn_cast<ForStmt>(p);
      if (!f) continue;
      const auto *c = llvm::dyn_cast_or_null<BinaryOperator>(f->getCond() ? f->getCond()->IgnoreParenImpCasts() : nullptr);
      if (!c || (c->getOpcode() != BO_LT && c->getOpcode() != BO_LE)) continue;
      const auto *cv = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(c->getLHS()));
      if (!cv || cv->getDecl() != iv) continue;
      Expr::EvalResult r;
      if (c->getRHS()->isValueDependent() || !c->getRHS()->EvaluateAsInt(r, tu_.ctx)) return std::nullopt;
      // The loop must start at 0.
      const Expr *start = forStart(f).second;
      Expr::EvalResult z;
      if (!start || start->isValueDependent() || !start->EvaluateAsInt(z, tu_.ctx) || z.Val.getInt() != 0) return std::nullopt;
      long long n = r.Val.getInt().getExtValue();
      return c->getOpcode() == BO_LE ? n + 1 : n;
    }
    return std::nullopt;
  }
  std::unique_ptr<ParentMap> parents_;

  // `a[i] = ...` stores in a for loop's body (a and i as written).
  const std::vector<const Expr *> &elementWrites(const ForStmt *f) {
    auto it = loopWrites_.find(f);
    if (it != loopWrites_.end()) return it->second;
    struct Finder : RecursiveASTVisitor<Finder> {
      std::vector<const Expr *> out;
      bool VisitBinaryOperator(BinaryOperator *b) {
        if (b->getOpcode() == BO_Assign && llvm::isa<ArraySubscriptExpr>(stripParensAndCasts(b->getLHS())))
          out.push_back(stripParensAndCasts(b->getLHS()));
        return true;
      }
    } finder;
    if (f->getBody()) finder.TraverseStmt(const_cast<Stmt *>(f->getBody()));
    return loopWrites_[f] = finder.out;
  }
  std::map<const ForStmt *, std::vector<const Expr *>> loopWrites_;

  // The objects an element access reaches: the array itself or what the pointer points to.
  std::vector<const void *> elementObjects(const ArraySubscriptExpr *a, State &s) {
    const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(a->getBase()));
    const auto *bv = d ? llvm::dyn_cast<VarDecl>(d->getDecl()) : nullptr;
    if (!bv || bv->hasGlobalStorage()) return {};
    if (bv->getType()->isArrayType()) return {bv};
    auto it = s.pointers.find({bv, nullptr});
    if (it == s.pointers.end() || (it->second.nulls.bits & NullFacts::Unknown)) return {};
    return it->second.objects;
  }

  void markInitialized(const Expr *target, State &s) {
    // a[i] = ... in `for (i = 0; i < N; i++)`: the first N elements, not the whole array.
    // A field of each element (`a[i].f = ...`) counts as the element: reads are judged per
    // element too (checkRead), so the two agree.
    const Expr *element = objectOfField(stripParensAndCasts(target));
    if (const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(element)) {
      if (std::optional<long long> n = loopBound(a->getIdx(), a)) {
        std::vector<const void *> objects = elementObjects(a, s);
        for (const void *o : objects) {
          long long before = s.uninitialized.count(o) ? 0 : -1;
          if (auto p = s.initializedPrefix.find(o); p != s.initializedPrefix.end()) before = p->second;
          if (before < 0) continue;  // already fully initialized
          s.uninitialized.erase(o);
          s.initializedPrefix[o] = std::max(before, *n);
        }
        // An array member (`set.bits[i] = ...`) has no prefix of its own: the write
        // initializes its struct, as a write of any other member does (below).
        const auto *member = llvm::dyn_cast<MemberExpr>(a->getBase()->IgnoreParenImpCasts());
        if (!objects.empty() || !member || !member->getType()->isArrayType()) return;
      }
    }
    if (const VarDecl *root = rootVariable(target)) {
      s.initializedPrefix.erase(root);
      s.uninitialized.erase(root);
      auto it = s.pointers.find({root, nullptr});
      if (it != s.pointers.end() && stripParensAndCasts(target) != nullptr) {
        // Writing through a pointer initializes what it points to.
        const Expr *st = stripParensAndCasts(target);
        if (!llvm::isa<DeclRefExpr>(st) || root->getType()->isPointerType())
          for (const void *o : it->second.objects) {
            s.uninitialized.erase(o);
            s.initializedPrefix.erase(o);
          }
      }
    }
  }

  // Past a dereference the pointer was not NULL (or the program stopped): one report, not
  // one per later use. A pointer already known to be non-NULL stays known: otherwise a
  // path that checked it (`if (head) { head->tbl... }`) would, joined with the path where
  // it was NULL, look NULL on every path that "knows".
  // `at` is a dereference written here (invalid for one made by a callee): a later test of
  // the pointer for NULL contradicts it, unless the dereference was itself reported.
  // A field the analysis held no value for (`q->next` once `q` has moved off its entry
  // object) gets one here, so that `q = q->next` carries the dereference to `q`.
  void assumeNonNullAfterUse(const Expr *ptrExpr, State &s, Location at = {}) {
    if (std::optional<PathKey> key = pathOf(ptrExpr)) {
      auto it = s.pointers.find(*key);
      if (it == s.pointers.end() && key->field && at.valid() && ptrExpr->getType()->isPointerType())
        it = s.pointers.emplace(*key, untrackedValue()).first;
      if (it == s.pointers.end() || it->second.nulls.bits == NullFacts::NonNull) return;
      NullFacts &n = it->second.nulls;
      if (n.bits != NullFacts::AssumedNonNull)
        n.dereferencedAt = (n.bits & (NullFacts::Null | NullFacts::UncheckedAlloc)) ? Location{} : at;
      n.bits = NullFacts::AssumedNonNull;
    }
  }

  // A branch that tests for NULL a pointer dereferenced on every path to it: either the
  // dereference can crash or the test is dead. Tests written by a macro (`FREE(p)`,
  // `CHECK(p)`) are shared by many call sites and prove nothing about this one.
  // The way back to a loop's head that tests a pointer for NULL first thing (`while (q !=
  // NULL) { use(q->next->id); q = q->next; }`): the value the head tests was dereferenced
  // on this pass. The loop ends when that value is NULL, so its last pass crashes. The
  // head's joined state mixes in the way into the loop, which did not dereference it, so
  // the test is judged on this edge's state.
  void checkLoopTestAfterDereference(const CFGBlock &from, unsigned succIndex, const State &s) {
    const CFGBlock *head = (from.succ_begin() + succIndex)->getReachableBlock();
    if (!head) return;
    const Expr *cond = llvm::dyn_cast_or_null<Expr>(head->getTerminatorCondition());
    if (!cond) return;
    // Nothing the head evaluates before its test may change the pointer: only the
    // condition's own sub-expressions.
    if (!parents_) parents_ = std::make_unique<ParentMap>(const_cast<Stmt *>(fd_->getBody()));
    for (const CFGElement &el : *head) {
      auto cs = el.getAs<CFGStmt>();
      const Stmt *x = cs ? cs->getStmt() : nullptr;
      while (x && x != cond) x = parents_->getParent(x);
      if (!x) return;
    }
    checkTestAfterDereference(*head, s, true);
  }

  void checkTestAfterDereference(const CFGBlock &block, const State &s, bool nextPass = false) {
    const Expr *cond = llvm::dyn_cast_or_null<Expr>(block.getTerminatorCondition());
    if (!cond) return;
    const Expr *tested = withoutBranchHint(cond);
    // `if (unlikely(!p))` is the user's test; a test a macro writes (`FREE(p)` expanding to
    // `if (p) free(p)`, `NAME(p)` to `(p) ? p->name : "?"`) is the macro's, shared by all
    // its uses: the branch itself must be written in the file.
    const Stmt *term = block.getTerminatorStmt();
    if (!term || !term->getBeginLoc().isFileID()) return;
    for (;;) {
      tested = stripParensAndCasts(tested);
      if (const auto *u = llvm::dyn_cast<UnaryOperator>(tested); u && u->getOpcode() == UO_LNot) {
        tested = u->getSubExpr();
        continue;
      }
      if (const auto *b = llvm::dyn_cast<BinaryOperator>(tested); b && b->isEqualityOp()) {
        if (isNull(b->getRHS())) tested = b->getLHS();
        else if (isNull(b->getLHS())) tested = b->getRHS();
        else return;
        continue;
      }
      break;
    }
    if (!tested->getType()->isPointerType()) return;
    std::optional<PathKey> key = pathOf(tested);
    if (!key) return;
    auto it = s.pointers.find(*key);
    if (it == s.pointers.end() || it->second.nulls.bits != NullFacts::AssumedNonNull ||
        !it->second.nulls.dereferencedAt.valid())
      return;
    MemoryEvent e;
    e.kind = MemoryEvent::Kind::CheckedAfterDereference;
    e.key = cond;
    e.location = it->second.nulls.dereferencedAt;
    e.checkedAt = loc(cond);
    e.checkedOnNextPass = nextPass;
    e.subject = text(tested);
    e.nulls = it->second.nulls;
    emit(e, &*key);
  }

  // Whether a NULL argument for `param` crashes this function: its dereference is on every
  // path through the function (its block post-dominates the entry), or no other parameter
  // decides a branch. A dereference made only in a mode the caller chooses
  // (`if (len == 1) x = buf[0];`, a loop over `n` elements) is not: callers pass NULL
  // together with the other mode.
  bool crashesOnNull(const ParmVarDecl *param) {
    if (!block_ || !cfg_) return false;
    auto *entry = const_cast<CFGBlock *>(&cfg_->getEntry());
    if (postDominators_.dominates(const_cast<CFGBlock *>(block_), entry)) return true;
    for (const ParmVarDecl *p : branchParams_)
      if (p != param) return false;
    return true;
  }

  void noteParameterDereference(const PointerValue &v, const State &s, bool unchecked = true) {
    for (const void *o : v.objects)
      for (unsigned i = 0; i < fd_->getNumParams(); ++i)
        if (o == fd_->getParamDecl(i)) {
          summary_.dereferences.insert(i);
          // Still as the caller passed it (no NULL check on this path): a NULL argument crashes.
          // A value joined from the parameter and from something else (`item` is `list`, then
          // `item->next`) is unknown because of the other; a test of the parameter on every
          // path to here (`if (!list) return;`) says the caller's pointer was checked.
          if (unchecked && (v.nulls.bits & NullFacts::Unknown) && crashesOnNull(fd_->getParamDecl(i)) &&
              !s.testedParams.count(fd_->getParamDecl(i)))
            summary_.dereferencesUnchecked.insert(i);
        }
  }

  void dereference(const Expr *ptrExpr, const Expr *at, State &s) {
    PointerValue v = eval(ptrExpr, s);
    noteParameterDereference(v, s);
    // `&p->f` computes an address without reading through p.
    assumeNonNullAfterUse(ptrExpr, s, at == addressOfMember_ ? Location{} : loc(at));
    if (!reporting) return;
    MemoryEvent e;
    e.kind = MemoryEvent::Kind::Dereference;
    e.key = at;
    e.location = loc(at);
    e.subject = text(ptrExpr);
    e.nulls = v.nulls;
    e.objects = objectsOf(v, s);
    e.untracked = v.untracked;
    std::optional<PathKey> path = pathOf(ptrExpr);
    emit(e, path ? &*path : nullptr);
  }

  PointerValue evalInner(const Expr *e, State &s) {
    e = e->IgnoreParens();
    if (const auto *c = llvm::dyn_cast<ImplicitCastExpr>(e)) {
      if (c->getCastKind() == CK_LValueToRValue) checkRead(c->getSubExpr(), s);
      if (c->getCastKind() == CK_NullToPointer) return nullValue(e, "NULL");
      if (c->getCastKind() == CK_ArrayToPointerDecay) {
        PointerValue v = eval(c->getSubExpr(), s);
        return v;
      }
      return eval(c->getSubExpr(), s);
    }
    if (e->getType()->isPointerType() && isNull(e)) return nullValue(e, "NULL");
    switch (e->getStmtClass()) {
    case Stmt::DeclRefExprClass: {
      const auto *vd = llvm::dyn_cast<VarDecl>(llvm::cast<DeclRefExpr>(e)->getDecl());
      if (!vd) return unknown();
      if (vd->getType()->isArrayType()) {
        PointerValue v;
        v.nulls.bits = NullFacts::NonNull;
        if (s.objects.count(vd)) v.objects.push_back(vd);
        return v;
      }
      auto it = s.pointers.find({vd, nullptr});
      return it == s.pointers.end() ? unknown() : it->second;
    }
    case Stmt::MemberExprClass: {
      const auto *m = llvm::cast<MemberExpr>(e);
      if (m->isArrow()) dereference(m->getBase(), m, s);
      else eval(m->getBase(), s);
      if (auto key = pathOf(m)) {
        auto it = s.pointers.find(*key);
        if (it != s.pointers.end()) return m->isArrow() ? guardedBy(it->second, m->getBase()) : it->second;
        // `req->buf` of a parameter: the memory it points to on entry, so that freeing it
        // twice or using it after free is seen. Only while the parameter still points where
        // it did on entry: after `h = h->parent`, `h->parent` is another object.
        auto param = s.pointers.find({key->base, nullptr});
        bool atEntry = param != s.pointers.end() && param->second.objects.size() == 1 &&
                       param->second.objects.front() == static_cast<const void *>(key->base);
        if (m->getType()->isPointerType() && llvm::isa<ParmVarDecl>(key->base) && atEntry) {
          const void *obj = &*entryObjects_.insert({key->base, key->field}).first;
          MemoryObjectFacts facts;
          facts.kind = AllocKind::Parameter;
          facts.allocatedAt = loc(m);
          facts.allocator = "'" + text(m) + "' on entry";
          s.objects.emplace(obj, facts);
          PointerValue v;
          v.nulls.bits = NullFacts::Unknown;
          v.objects.push_back(obj);
          s.pointers[*key] = v;
          return v;
        }
      }
      if (m->getType()->isArrayType()) {
        PointerValue v;
        v.nulls.bits = NullFacts::NonNull;
        return v;
      }
      return m->getType()->isPointerType() ? guardedBy(untrackedValue(), m->getBase()) : unknown();
    }
    case Stmt::UnaryOperatorClass: {
      const auto *u = llvm::cast<UnaryOperator>(e);
      if (u->getOpcode() == UO_Deref) {
        dereference(u->getSubExpr(), u, s);
        return guardedBy(untrackedValue(), u->getSubExpr());
      }
      if (u->getOpcode() == UO_AddrOf) {
        const Expr *sub = stripParensAndCasts(u->getSubExpr());
        PointerValue v;
        v.nulls.bits = NullFacts::NonNull;
        if (const auto *d = llvm::dyn_cast<DeclRefExpr>(sub)) {
          if (const auto *vd = llvm::dyn_cast<VarDecl>(d->getDecl())) {
            if (!s.objects.count(vd) && !vd->hasGlobalStorage()) {
              MemoryObjectFacts obj;
              obj.kind = AllocKind::Stack;
              obj.allocatedAt = loc(vd);
              obj.allocator = "the local variable '" + vd->getNameAsString() + "'";
              s.objects[vd] = obj;
            }
            if (s.objects.count(vd)) v.objects.push_back(vd);
          }
          return v;
        }
        if (const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(sub)) {
          eval(a->getIdx(), s);
          PointerValue base = eval(a->getBase(), s);
          return movedPointer(base, offsetSign(a->getIdx()), u);  // &p[k] is p + k
        }
        // `&p->f`, `&p->f.g`, `&p->arr[i]`: an address computed from p, no read through it.
        const Expr *member = sub;
        for (;;) {
          if (const auto *m = llvm::dyn_cast<MemberExpr>(member); m && !m->isArrow()) {
            member = stripParensAndCasts(m->getBase());
          } else if (const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(member);
                     a && stripParensAndCasts(a->getBase())->getType()->isArrayType()) {
            member = stripParensAndCasts(a->getBase());
          } else {
            break;
          }
        }
        addressOfMember_ = member;
        eval(u->getSubExpr(), s);
        addressOfMember_ = nullptr;
        // `&p->f` points into p's block: returning it, storing it or passing it on hands the
        // block over as much as p itself (`return &impl->base;`, an intrusive tree's
        // `insert(tree, &conn->node)`). Past the first member it is an interior pointer.
        if (const auto *m = llvm::dyn_cast<MemberExpr>(member); m && m->isArrow())
          if (std::optional<PathKey> key = pathOf(stripParensAndCasts(m->getBase())))
            if (auto it = s.pointers.find(*key); it != s.pointers.end() && !it->second.objects.empty()) {
              v.objects = it->second.objects;
              v.untracked = it->second.untracked;
              if (!atFirstMember(sub, m)) v = movedPointer(v, 1, u);
            }
        return v;
      }
      if (u->isIncrementDecrementOp()) {
        s.testedCalls.clear();
        noteResult(u->getSubExpr(), nullptr, s);
        checkRead(u->getSubExpr(), s);  // x++ reads x
        PointerValue v = eval(u->getSubExpr(), s);
        markInitialized(u->getSubExpr(), s);
        if (u->getSubExpr()->getType()->isPointerType()) {
          PointerValue moved = movedPointer(v, u->isIncrementOp() ? 1 : -1, u);
          storeMoved(u->getSubExpr(), moved, s);
          if (u->isPrefix()) return moved;
        }
        return v;
      }
      eval(u->getSubExpr(), s);
      return unknown();
    }
    case Stmt::BinaryOperatorClass:
    case Stmt::CompoundAssignOperatorClass: {
      const auto *b = llvm::cast<BinaryOperator>(e);
      if (b->getOpcode() == BO_Assign) {
        PointerValue v = eval(b->getRHS(), s);
        noteResult(b->getLHS(), b->getRHS(), s);
        if (b->getLHS()->getType()->isRecordType()) copyStruct(pathOf(b->getLHS()), b->getLHS(), b->getRHS(), s);
        if (const auto *rc = llvm::dyn_cast<CallExpr>(stripParensAndCasts(b->getRHS())))
          if (rc->getDirectCallee() && libraryRole(tu_.names.name(rc->getDirectCallee())) == LibRole::Reallocates)
            pendingRealloc_ = rc;
        assign(b->getLHS(), v, s);
        pendingRealloc_ = nullptr;
        return v;
      }
      if (b->isCompoundAssignmentOp()) {
        s.testedCalls.clear();
        noteResult(b->getLHS(), nullptr, s);
        checkRead(b->getLHS(), s);  // x += y reads x
        eval(b->getRHS(), s);
        PointerValue v = eval(b->getLHS(), s);
        markInitialized(b->getLHS(), s);
        if (b->getLHS()->getType()->isPointerType() &&
            (b->getOpcode() == BO_AddAssign || b->getOpcode() == BO_SubAssign)) {
          int step = offsetSign(b->getRHS()) * (b->getOpcode() == BO_AddAssign ? 1 : -1);
          v = movedPointer(v, step, b);
          storeMoved(b->getLHS(), v, s);
        }
        return v;
      }
      if (b->getOpcode() == BO_Comma) {
        eval(b->getLHS(), s);
        return eval(b->getRHS(), s);
      }
      // `a && b`, `a || b`: the CFG evaluates each operand in a block of its own, under the
      // test before it; the operator's own element, in the block where the paths join, must
      // not run them again there (`return p && p->x` would dereference a maybe-NULL p).
      if (b->isLogicalOp()) return unknown();
      PointerValue l = eval(b->getLHS(), s);
      PointerValue r = eval(b->getRHS(), s);
      if (e->getType()->isPointerType()) {
        bool leftIsPointer = b->getLHS()->getType()->isPointerType();
        int step = offsetSign(leftIsPointer ? b->getRHS() : b->getLHS()) * (b->getOpcode() == BO_Sub ? -1 : 1);
        return movedPointer(leftIsPointer ? l : r, step, b);
      }
      return unknown();
    }
    case Stmt::ArraySubscriptExprClass: {
      const auto *a = llvm::cast<ArraySubscriptExpr>(e);
      eval(a->getIdx(), s);
      if (!stripParensAndCasts(a->getBase())->getType()->isArrayType()) dereference(a->getBase(), a, s);
      else eval(a->getBase(), s);
      return unknown();
    }
    case Stmt::ConditionalOperatorClass:
    case Stmt::BinaryConditionalOperatorClass: {
      const auto *c = llvm::cast<AbstractConditionalOperator>(e);
      eval(c->getCond(), s);
      PointerValue v = eval(c->getTrueExpr(), s);
      v.join(eval(c->getFalseExpr(), s));
      return v;
    }
    case Stmt::CallExprClass:
    case Stmt::CXXMemberCallExprClass:
    case Stmt::CXXOperatorCallExprClass:
      return evalCall(llvm::cast<CallExpr>(e), s);
    case Stmt::CXXNewExprClass:
      return evalNew(llvm::cast<CXXNewExpr>(e), s);
    case Stmt::CXXConstructExprClass:
    case Stmt::CXXTemporaryObjectExprClass: {
      // A constructor that receives a pointer may keep it: `std::unique_ptr<T[]> q(new T[n])`
      // hands the block to an owner that releases it.
      for (const Expr *a : llvm::cast<CXXConstructExpr>(e)->arguments()) {
        PointerValue v = eval(a, s);
        if (isPointerLike(a->getType())) escape(v, s);
      }
      return unknown();
    }
    case Stmt::CXXDeleteExprClass: {
      const auto *d = llvm::cast<CXXDeleteExpr>(e);
      release(d->getArgument(), d, d->isArrayForm() ? ReleaseKind::DeleteArray : ReleaseKind::Delete,
              d->isArrayForm() ? "'delete[]'" : "'delete'", s);
      return unknown();
    }
    case Stmt::StringLiteralClass: {
      PointerValue v;
      v.nulls.bits = NullFacts::NonNull;
      return v;
    }
    case Stmt::UnaryExprOrTypeTraitExprClass:
    case Stmt::StmtExprClass:
    case Stmt::LambdaExprClass:
      return unknown();
    default:
      break;
    }
    if (const auto *c = llvm::dyn_cast<CastExpr>(e)) return eval(c->getSubExpr(), s);
    if (const auto *fe = llvm::dyn_cast<FullExpr>(e)) return eval(fe->getSubExpr(), s);
    if (const auto *m = llvm::dyn_cast<MaterializeTemporaryExpr>(e)) return eval(m->getSubExpr(), s);
    for (const Stmt *child : e->children())
      if (const auto *ce = llvm::dyn_cast_or_null<Expr>(child)) eval(ce, s);
    return unknown();
  }

  // `buffer_(new char[n])` in a constructor's initializer list stores the block in the
  // object being built, which its owner reaches (and whose destructor releases it): the
  // same as `this->buffer_ = new char[n]` in the body. The CFG evaluated the initializer
  // expression as elements of its own just before.
  void initializeMember(const CXXCtorInitializer *init, State &s) {
    const Expr *e = init ? init->getInit() : nullptr;
    if (!e) return;
    PointerValue v = eval(e, s);
    escape(v, s);
    markStoredOutside(v, s);
  }

  void escape(const PointerValue &v, State &s) {
    for (const void *o : v.objects) {
      auto it = s.objects.find(o);
      if (it != s.objects.end()) it->second.bits |= MemoryObjectFacts::Escaped;
    }
  }
  // Stored where the caller reaches it (a parameter's pointee, a global, the object a
  // constructor builds): the function's result does not hand it over alone.
  void markStoredOutside(const PointerValue &v, State &s) {
    for (const void *o : v.objects)
      if (auto it = s.objects.find(o); it != s.objects.end()) it->second.bits |= MemoryObjectFacts::StoredOutside;
  }

  // The sign of a pointer offset: 0 for a constant zero, -1 for a negative constant, +1
  // otherwise (a positive constant, or a value we do not know, which is how `p + n` is
  // normally meant).
  int offsetSign(const Expr *offset) const {
    Expr::EvalResult r;
    if (!offset->isValueDependent() && offset->EvaluateAsInt(r, tu_.ctx)) {
      const llvm::APSInt &v = r.Val.getInt();
      return v.isZero() ? 0 : (v.isNegative() ? -1 : 1);
    }
    return 1;
  }

  // Whether `&sub` is the address of the block `arrow`'s base points to: every member on
  // the way from `arrow` out to `sub` is a first field (or a union's), with no subscript.
  static bool atFirstMember(const Expr *sub, const MemberExpr *arrow) {
    for (const Expr *e = sub;;) {
      const auto *m = llvm::dyn_cast<MemberExpr>(e);
      if (!m) return false;
      const auto *field = llvm::dyn_cast<FieldDecl>(m->getMemberDecl());
      if (!field || (field->getFieldIndex() != 0 && !field->getParent()->isUnion())) return false;
      if (m == arrow) return true;
      e = stripParensAndCasts(m->getBase());
    }
  }

  // `v` moved by an offset of sign `step`. Moving forward makes it an interior pointer;
  // moving an interior pointer back may return it to the start, so it is no longer
  // known to be interior.
  PointerValue movedPointer(PointerValue v, int step, const Expr *at) {
    if (step > 0 && !v.interior) {
      v.interior = true;
      v.movedAt = loc(at);
    } else if (step < 0) {
      v.interior = false;
    }
    return v;
  }

  // `p++` / `p += n` on a tracked pointer: the same objects, moved.
  void storeMoved(const Expr *lhs, const PointerValue &moved, State &s) {
    std::optional<PathKey> key = pathOf(stripParensAndCasts(lhs));
    if (!key) return;
    auto it = s.pointers.find(*key);
    if (it == s.pointers.end()) return;
    it->second.interior = moved.interior;
    it->second.movedAt = moved.movedAt;
  }

  // The edge goes back to a loop head (as the solver decides it, by reverse post-order).
  bool retreating(const CFGBlock &from, unsigned succIndex) const {
    const CFGBlock *to = (from.succ_begin() + succIndex)->getReachableBlock();
    return to && rank_[from.getBlockID()] >= rank_[to->getBlockID()];
  }

  // On the way back to a loop's head: a local pointer that no later statement reads, still
  // naming a released block, is forgotten as if it had gone out of scope. Otherwise the
  // released block of one iteration would be joined with the fresh block the same
  // allocation makes in the next one (`sub = copy; ... free(sub);`), and the fresh block
  // would look released. Elsewhere released blocks stay: a leak is judged by them.
  void forgetDeadDanglingPointers(const CFGBlock &from, State &s) {
    std::set<const VarDecl *> dead;
    for (const auto &[k, v] : s.pointers) {
      const auto *vd = llvm::dyn_cast<VarDecl>(k.base);
      if (!vd || dead.count(vd) || liveness_->liveAfter(from, vd)) continue;
      for (const void *o : v.objects)
        if (auto obj = s.objects.find(o); obj != s.objects.end() && (obj->second.bits & MemoryObjectFacts::Released)) {
          dead.insert(vd);
          break;
        }
    }
    for (const VarDecl *vd : dead) endLifetime(vd, s);
  }

  // A block-scoped pointer goes out of scope: it no longer refers to anything, so memory
  // released through it on this path cannot be confused with what other paths still hold
  // (`old = p->buf; p->buf = grow(); free(old);` inside an `if`). Allocations stay tracked:
  // a leak is decided by the objects, not by the pointers.
  void endLifetime(const VarDecl *vd, State &s) {
    if (!vd || vd->hasGlobalStorage() || llvm::isa<ParmVarDecl>(vd)) return;
    std::vector<PointerValue> dropped;
    for (auto it = s.pointers.begin(); it != s.pointers.end();) {
      if (it->first.base == vd) {
        dropped.push_back(it->second);
        it = s.pointers.erase(it);
      } else {
        ++it;
      }
    }
    if (dropped.empty()) return;
    forgetGuardsOn(PathKey{vd, nullptr}, s);
    for (const PointerValue &old : dropped) forgetUnreachableReleased(old, s);
  }

  // `v`, read through `base`: when it is not NULL, `base` was not NULL either.
  PointerValue guardedBy(PointerValue v, const Expr *base) {
    if (std::optional<PathKey> k = pathOf(stripParensAndCasts(base))) {
      auto at = std::lower_bound(v.guards.begin(), v.guards.end(), *k);
      if (at == v.guards.end() || !(*at == *k)) v.guards.insert(at, *k);
    }
    return v;
  }

  // `key` gets a new value: what other values said about its old one no longer holds.
  static void forgetGuardsOn(const PathKey &key, State &s) {
    for (auto &[k, pv] : s.pointers)
      std::erase_if(pv.guards, [&](const PathKey &g) { return g == key || (!key.field && g.base == key.base); });
  }

  void assign(const Expr *lhs, const PointerValue &v, State &s) {
    s.testedCalls.clear();  // the write may change an argument of a tested call
    const Expr *l = stripParensAndCasts(lhs);
    markInitialized(l, s);
    if (!lhs->getType()->isPointerType()) {
      // Writing through a pointer or into an element: that may be a dereference.
      if (const auto *u = llvm::dyn_cast<UnaryOperator>(l); u && u->getOpcode() == UO_Deref) dereference(u->getSubExpr(), u, s);
      else if (const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(l)) {
        eval(a->getIdx(), s);
        if (!stripParensAndCasts(a->getBase())->getType()->isArrayType()) dereference(a->getBase(), a, s);
      } else if (const auto *m = llvm::dyn_cast<MemberExpr>(l); m && m->isArrow()) dereference(m->getBase(), m, s);
      return;
    }
    std::optional<PathKey> key = pathOf(l);
    if (const auto *m = llvm::dyn_cast<MemberExpr>(l); m && m->isArrow()) dereference(m->getBase(), m, s);
    if (!key) {
      escape(v, s);  // stored somewhere we do not follow
      // `*list = node`, `head->next->item = node` through a parameter or a global: the
      // caller can reach it there, so the function's result does not hand it over alone.
      if (const VarDecl *root = rootVariable(l); rootedInCallerMemory(root)) {
        markStoredOutside(v, s);
        noteStoredInCallerMemory(v);
      }
      forgetFieldsTheStoreMayReach(l, s);
      if (const auto *u = llvm::dyn_cast<UnaryOperator>(l); u && u->getOpcode() == UO_Deref) dereference(u->getSubExpr(), u, s);
      else if (const auto *a = llvm::dyn_cast<ArraySubscriptExpr>(l)) {
        eval(a->getIdx(), s);
        if (!stripParensAndCasts(a->getBase())->getType()->isArrayType()) dereference(a->getBase(), a, s);
      }
      return;
    }
    reallocOverwrite(l, s);
    const auto *base = llvm::dyn_cast<VarDecl>(key->base);
    bool callerVisible = base && (base->hasGlobalStorage() || (key->field && llvm::isa<ParmVarDecl>(base)) ||
                                  (key->field && base->getType()->isPointerType()));
    if (callerVisible) {
      escape(v, s);
      markStoredOutside(v, s);
      if (base->hasGlobalStorage() || (key->field && llvm::isa<ParmVarDecl>(base))) noteStoredInCallerMemory(v);
    }
    PointerValue old;
    if (auto it = s.pointers.find(*key); it != s.pointers.end()) old = it->second;
    for (const void *o : old.objects)
      if (!std::binary_search(v.objects.begin(), v.objects.end(), o))
        if (auto obj = s.objects.find(o); obj != s.objects.end()) checkOverwrite(*key, o, obj->second, lhs, s);
    // A pointer variable that now points elsewhere says nothing of its old target's fields
    // (`item->next` checked for NULL, then `item = other`).
    if (!key->field)
      for (auto it = s.pointers.begin(); it != s.pointers.end();)
        it = it->first.base == key->base && it->first.field ? s.pointers.erase(it) : std::next(it);
    PointerValue &stored = s.pointers[*key] = v;
    // A non-NULL value with no tracked target (the result of a call we do not follow).
    if (v.objects.empty() && v.nulls.bits != NullFacts::Null) stored.untracked = true;
    // Guards on the old value, in other pointers and in this one (`p = p->next`).
    forgetGuardsOn(*key, s);
    forgetUnreachableReleased(old, s);
  }

  // A pointer stored where no path names (`*elm->prev = elm->next`: sys/queue.h's
  // TAILQ_REMOVE unlinking a queue's first element) may land in a field a tracked path does
  // name (`queue->first`): in that very member when it is written as one, and through `*pp`
  // or `pp[i]` in any field of the stored type. What those paths held is no longer known.
  // Only fields reached through a pointer: a local struct's own fields are reached by name.
  void forgetFieldsTheStoreMayReach(const Expr *l, State &s) {
    // Into a local array or struct (`parts[0] = name`): its own storage, named by no field path.
    if (const VarDecl *root = rootVariable(l); root && root->hasLocalStorage() && !root->getType()->isPointerType())
      return;
    const auto *member = llvm::dyn_cast<MemberExpr>(l);
    const QualType stored = l->getType().getCanonicalType().getUnqualifiedType();
    for (auto it = s.pointers.begin(); it != s.pointers.end();) {
      const PathKey key = it->first;
      const auto *base = llvm::dyn_cast<VarDecl>(key.base);
      bool reached = key.field && base && base->getType()->isPointerType() &&
                     (member ? member->getMemberDecl() == key.field
                             : key.field->getType().getCanonicalType().getUnqualifiedType() == stored);
      if (!reached) {
        ++it;
        continue;
      }
      // Unknown rather than absent: an absent field of a parameter reads as the block it
      // pointed to on entry, which the function may have released since.
      PointerValue old = std::exchange(it->second, untrackedValue());
      ++it;
      forgetGuardsOn(key, s);
      forgetUnreachableReleased(old, s);
    }
  }

  // A released object that no pointer refers to any more cannot be released or used again
  // on this path; dropping it keeps `free(p); p = NULL;` on one branch from looking like a
  // double free when the branches join, and `next = n->next; free(n); n = next;` loops clean.
  void forgetUnreachableReleased(const PointerValue &old, State &s) {
    for (const void *o : old.objects) {
      auto obj = s.objects.find(o);
      if (obj == s.objects.end() || !(obj->second.bits & MemoryObjectFacts::Released)) continue;
      bool referenced = false;
      for (const auto &[k, pv] : s.pointers)
        if (std::find(pv.objects.begin(), pv.objects.end(), o) != pv.objects.end()) referenced = true;
      if (!referenced) s.objects.erase(obj);
    }
  }

  // `p = realloc(p, n)`: when realloc fails it returns NULL and the block p pointed to is
  // lost. Raised as an exit-like event for that block.
  const Expr *pendingRealloc_ = nullptr;
  void reallocOverwrite(const Expr *lhs, State &s) {
    if (!pendingRealloc_ || !reporting) return;
    const auto *call = llvm::dyn_cast<CallExpr>(pendingRealloc_);
    pendingRealloc_ = nullptr;
    if (!call || call->getNumArgs() == 0) return;
    std::optional<PathKey> target = pathOf(lhs), source = pathOf(call->getArg(0));
    if (!target || !source || !(*target == *source)) return;
    // realloc(NULL, n) is malloc(n): there is no old block to lose. A pointer the analysis
    // holds no value for (a global, a field of a moved pointer) may hold one.
    auto old = s.pointers.find(*source);
    if (old != s.pointers.end() &&
        !(old->second.nulls.bits & (NullFacts::NonNull | NullFacts::Unknown | NullFacts::AssumedNonNull)))
      return;
    MemoryEvent e;
    e.kind = MemoryEvent::Kind::LostOnReallocFailure;
    e.key = call;
    e.location = loc(call);
    e.subject = text(lhs);
    e.callee = tu_.names.name(call->getDirectCallee());
    emit(e);
  }

  // An allocation that runs again while a pointer still names the block it made before
  // (`tmp = alloc(2 * space); copy(tmp, buf); release(buf); buf = tmp;` growing a buffer
  // in a loop) makes another block: the earlier one moves to a key of its own, so that
  // releasing it does not release the new one. Earlier blocks of all iterations before
  // share that key, with what happened to any of them.
  void retireEarlierBlock(const Expr *at, State &s) {
    auto current = s.objects.find(at);
    if (current == s.objects.end()) return;
    // Named by a pointer other than the one the new block goes into: `p = alloc()` again
    // with nothing else holding p's block keeps one object, as when the loop runs once.
    std::optional<PathKey> assignee = assigneeOf(at);
    bool named = false;
    for (const auto &[k, v] : s.pointers)
      named |= !(assignee && k == *assignee) && std::binary_search(v.objects.begin(), v.objects.end(), at);
    if (!named) {
      // Held by the assignee alone, which the new block overwrites: the earlier pass's
      // block is lost (`while (fgets(...)) { line = strdup(buf); ... }`).
      // A pointer declared in the loop's body is a new one each pass (checkLostInLoop).
      if (auto held = assignee ? s.pointers.find(*assignee) : s.pointers.end();
          held != s.pointers.end() && std::binary_search(held->second.objects.begin(), held->second.objects.end(), at)) {
        const auto *vd = llvm::dyn_cast_or_null<VarDecl>(assignee->base);
        if (!vd || !declaredInLoopBody(vd)) checkOverwrite(*assignee, at, current->second, at, s, true);
      }
      return;
    }
    std::unique_ptr<char> &slot = tu_.earlierBlocks[at];
    if (!slot) slot = std::make_unique<char>();
    const void *earlier = slot.get();
    if (auto nulls = nullParamsAtAllocation_.find(at); nulls != nullParamsAtAllocation_.end())
      nullParamsAtAllocation_.try_emplace(earlier, nulls->second);
    if (storedInCallerMemory_.count(at)) storedInCallerMemory_.insert(earlier);
    MemoryObjectFacts facts = current->second;
    s.objects.erase(current);
    auto [kept, fresh] = s.objects.try_emplace(earlier, facts);
    // An older block released before (and still named by a dangling pointer) must not make
    // the live one retired now look released: its uses would be reported.
    if (!fresh && (kept->second.bits & MemoryObjectFacts::Released) && !(facts.bits & MemoryObjectFacts::Released))
      kept->second = facts;
    else if (!fresh)
      kept->second.bits |= facts.bits;
    bool uninitialized = s.uninitialized.erase(at) > 0;
    if (uninitialized && fresh) s.uninitialized.insert(earlier);
    else if (!uninitialized) s.uninitialized.erase(earlier);
    s.initializedPrefix.erase(at);
    s.initializedPrefix.erase(earlier);
    // What a realloc or a release-on-failure recorded of the old block now names its new key.
    for (auto &[call, olds] : reallocatedFrom_) std::replace(olds.begin(), olds.end(), static_cast<const void *>(at), earlier);
    for (auto &[call, olds] : releasedOnFailure_)
      for (auto &[o, f] : olds)
        if (o == at) o = earlier;
    for (auto &[k, v] : s.pointers) {
      auto o = std::lower_bound(v.objects.begin(), v.objects.end(), at);
      if (o == v.objects.end() || *o != at) continue;
      v.objects.erase(o);
      auto e = std::lower_bound(v.objects.begin(), v.objects.end(), earlier);
      if (e == v.objects.end() || *e != earlier) v.objects.insert(e, earlier);
    }
  }

  // The pointer an expression's value goes straight into: `p = e`, `T *p = e`.
  std::optional<PathKey> assigneeOf(const Expr *e) {
    if (!parents_) parents_ = std::make_unique<ParentMap>(const_cast<Stmt *>(fd_->getBody()));
    const Stmt *parent = parents_->getParentIgnoreParenCasts(e);
    if (const auto *b = llvm::dyn_cast_or_null<BinaryOperator>(parent); b && b->getOpcode() == BO_Assign)
      return pathOf(b->getLHS());
    if (const auto *ds = llvm::dyn_cast_or_null<DeclStmt>(parent))
      for (const Decl *d : ds->decls())
        if (const auto *vd = llvm::dyn_cast<VarDecl>(d); vd && vd->getInit() && stripParensAndCasts(vd->getInit()) == e)
          return PathKey{vd, nullptr};
    return std::nullopt;
  }

  PointerValue allocation(const Expr *at, AllocKind kind, const std::string &allocator, bool mayBeNull, bool zeroed,
                          State &s) {
    retireEarlierBlock(at, s);
    MemoryObjectFacts obj;
    obj.bits = MemoryObjectFacts::Allocated;
    obj.kind = kind;
    obj.allocatedAt = loc(at);
    // The parameters NULL on every path through this allocation (see freshOnlyForNullParams).
    std::set<unsigned> nullHere = nullParamIndices(s);
    auto [seen, first] = nullParamsAtAllocation_.try_emplace(at, nullHere);
    if (!first) keepCommon(seen->second, nullHere);
    obj.allocator = "'" + allocator + "'";
    s.objects[at] = obj;
    if (s.flags.empty()) s.allocatedWhen.erase(at);
    else s.allocatedWhen[at] = s.flags;
    if (!zeroed) s.uninitialized.insert(at);
    else s.uninitialized.erase(at);
    PointerValue v;
    v.nulls.bits = mayBeNull ? (NullFacts::NonNull | NullFacts::UncheckedAlloc) : NullFacts::NonNull;
    if (mayBeNull) {
      v.nulls.nullAt = obj.allocatedAt;
      v.nulls.nullWhy = "the result of '" + allocator + "' is not checked for NULL";
    }
    v.objects.push_back(at);
    return v;
  }

  PointerValue evalNew(const CXXNewExpr *n, State &s) {
    for (const Expr *a : n->placement_arguments()) eval(a, s);
    if (n->getNumPlacementArgs() > 0) return unknown();  // placement new: not an allocation
    if (n->hasInitializer()) eval(n->getInitializer(), s);
    bool nothrow = n->shouldNullCheckAllocation();
    PointerValue v = allocation(n, n->isArray() ? AllocKind::NewArray : AllocKind::New,
                                n->isArray() ? "new[]" : "new", nothrow, n->hasInitializer(), s);
    return v;
  }

  // Whether `st`, inside a loop, may not run on every pass of the innermost loop around it:
  // it runs only under a test (an `if` or `switch` arm, a `?:` arm, the right of `&&`/`||`),
  // or, with `onlyRepeats` (a store that loses only what the same store made on an earlier
  // pass), the loop runs at most once (`for (i = 0; i < 1; i++)`). False outside any loop.
  bool notOnEveryPass(const Stmt *st, bool onlyRepeats) {
    if (!parents_) parents_ = std::make_unique<ParentMap>(const_cast<Stmt *>(fd_->getBody()));
    bool conditional = false;
    for (const Stmt *child = st, *p = parents_->getParent(st); p; child = p, p = parents_->getParent(p)) {
      // `do { ... } while (0)`, a macro's statement wrapper, runs once: not the loop.
      if (const auto *d = llvm::dyn_cast<DoStmt>(p); d && isConstantFalse(d->getCond())) continue;
      if (loopBody(p)) {
        if (const auto *f = llvm::dyn_cast<ForStmt>(p); f && onlyRepeats && child == f->getBody())
          if (std::optional<long long> n = constantTripCount(f); n && *n <= 1) return true;
        return conditional || skipsAheadBefore(p, st);
      }
      if (const auto *i = llvm::dyn_cast<IfStmt>(p); i && child != i->getCond()) conditional = true;
      if (const auto *sw = llvm::dyn_cast<SwitchStmt>(p); sw && child != sw->getCond()) conditional = true;
      if (const auto *c = llvm::dyn_cast<AbstractConditionalOperator>(p); c && child != c->getCond()) conditional = true;
      if (const auto *b = llvm::dyn_cast<BinaryOperator>(p); b && b->isLogicalOp() && child == b->getRHS())
        conditional = true;
    }
    return false;
  }

  bool isConstantFalse(const Expr *cond) {
    bool value = true;
    return cond && !cond->isValueDependent() && cond->EvaluateAsBooleanCondition(value, tu_.ctx) && !value;
  }

  // Whether a `continue` of `loop` or a `goto` is written in its body before `st`: the
  // pass may skip `st` (`if (!match) continue; found = strdup(v);`).
  bool skipsAheadBefore(const Stmt *loop, const Stmt *st) {
    struct Finder : RecursiveASTVisitor<Finder> {
      const SourceManager *sm = nullptr;
      SourceLocation before;
      bool found = false;
      unsigned nested = 0;
      bool early(const Stmt *x) { return sm->isBeforeInTranslationUnit(x->getBeginLoc(), before); }
      bool TraverseStmt(Stmt *x) {
        if (!x || found) return true;
        bool loop = loopBody(x) != nullptr;
        nested += loop;
        bool r = RecursiveASTVisitor::TraverseStmt(x);
        nested -= loop;
        return r;
      }
      bool VisitContinueStmt(ContinueStmt *c) { return found |= nested == 0 && early(c), true; }
      bool VisitGotoStmt(GotoStmt *g) { return found |= early(g), true; }
    } finder;
    finder.sm = &tu_.ctx.getSourceManager();
    finder.before = st->getBeginLoc();
    if (const Stmt *body = loopBody(loop)) finder.TraverseStmt(const_cast<Stmt *>(body));
    return finder.found;
  }

  // A `for`'s start: the variable its init sets (`i = 0`, `int i = 0`; null when it sets
  // something else, such as a field) and the value it sets it to.
  static std::pair<const ValueDecl *, const Expr *> forStart(const ForStmt *f) {
    if (const auto *a = llvm::dyn_cast_or_null<BinaryOperator>(f->getInit()); a && a->getOpcode() == BO_Assign) {
      const auto *lhs = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(a->getLHS()));
      return {lhs ? lhs->getDecl() : nullptr, a->getRHS()};
    }
    if (const auto *ds = llvm::dyn_cast_or_null<DeclStmt>(f->getInit()); ds && ds->isSingleDecl())
      if (const auto *v = llvm::dyn_cast<VarDecl>(ds->getSingleDecl())) return {v, v->getInit()};
    return {nullptr, nullptr};
  }

  // `for (i = C0; i < C1; i++)` (or `<=`, `++i`) with constant bounds: how many passes.
  std::optional<long long> constantTripCount(const ForStmt *f) {
    const auto *c = llvm::dyn_cast_or_null<BinaryOperator>(f->getCond() ? f->getCond()->IgnoreParenImpCasts() : nullptr);
    if (!c || (c->getOpcode() != BO_LT && c->getOpcode() != BO_LE)) return std::nullopt;
    const auto *cv = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(c->getLHS()));
    const auto *inc = llvm::dyn_cast_or_null<UnaryOperator>(f->getInc() ? f->getInc()->IgnoreParenImpCasts() : nullptr);
    const auto *iv = inc && inc->isIncrementOp() ? llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(inc->getSubExpr())) : nullptr;
    if (!cv || !iv || cv->getDecl() != iv->getDecl()) return std::nullopt;
    auto [counter, start] = forStart(f);
    if (counter != cv->getDecl()) return std::nullopt;
    Expr::EvalResult lo, hi;
    if (!start || start->isValueDependent() || c->getRHS()->isValueDependent() || !start->EvaluateAsInt(lo, tu_.ctx) ||
        !c->getRHS()->EvaluateAsInt(hi, tu_.ctx))
      return std::nullopt;
    std::optional<int64_t> l = lo.Val.getInt().tryExtValue(), h = hi.Val.getInt().tryExtValue();
    long long n = 0;
    if (!l || !h || __builtin_sub_overflow(*h, *l, &n) || n == LLONG_MAX) return std::nullopt;
    n += c->getOpcode() == BO_LE ? 1 : 0;
    return n < 0 ? 0 : n;
  }

  // The body of a `for`, `while`, `do` or range-`for` statement; null for any other.
  static const Stmt *loopBody(const Stmt *st) {
    if (const auto *f = llvm::dyn_cast_or_null<ForStmt>(st)) return f->getBody();
    if (const auto *w = llvm::dyn_cast_or_null<WhileStmt>(st)) return w->getBody();
    if (const auto *d = llvm::dyn_cast_or_null<DoStmt>(st)) return d->getBody();
    if (const auto *r = llvm::dyn_cast_or_null<CXXForRangeStmt>(st)) return r->getBody();
    return nullptr;
  }

  bool insideLoop(const Stmt *st) {
    if (!parents_) parents_ = std::make_unique<ParentMap>(const_cast<Stmt *>(fd_->getBody()));
    for (const Stmt *p = parents_->getParent(st); p; p = parents_->getParent(p))
      if (loopBody(p)) return true;
    return false;
  }

  // `helper(&p)` with a free-and-reset or swap summary: release p and make it NULL, or
  // exchange p and q, instead of forgetting what they held. Returns the arguments done.
  std::set<unsigned> applyPointerHelpers(const CallExpr *call, const MemorySummary *sum, const std::string &name,
                                         State &s) {
    std::set<unsigned> done;
    if (!sum || (sum->releasesPointee.empty() && sum->swaps.empty())) return done;
    auto addressed = [&](unsigned i) -> const DeclRefExpr * {
      if (i >= call->getNumArgs()) return nullptr;
      const auto *u = llvm::dyn_cast<UnaryOperator>(stripParensAndCasts(call->getArg(i)));
      if (!u || u->getOpcode() != UO_AddrOf) return nullptr;
      const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(u->getSubExpr()));
      const auto *vd = d ? llvm::dyn_cast<VarDecl>(d->getDecl()) : nullptr;
      return vd && vd->getType()->isPointerType() && !vd->hasGlobalStorage() ? d : nullptr;
    };
    for (unsigned i : sum->releasesPointee)
      if (const DeclRefExpr *d = addressed(i)) {
        release(d, call, ReleaseKind::Free, "'" + name + "'", s);
        s.pointers[{llvm::cast<VarDecl>(d->getDecl()), nullptr}] = nullValue(call, "reset to NULL by '" + name + "'");
        done.insert(i);
      }
    // In a loop the two pointers end up pointing "to either block" once the iterations
    // are joined, which would make releasing both look like a double free; there the
    // call is left to the general rule (the callee may rewrite both).
    if (!sum->swaps.empty() && insideLoop(call)) return done;
    for (const auto &[a, b] : sum->swaps) {
      const DeclRefExpr *da = addressed(a), *db = addressed(b);
      if (!da || !db) continue;
      PathKey ka{llvm::cast<VarDecl>(da->getDecl()), nullptr}, kb{llvm::cast<VarDecl>(db->getDecl()), nullptr};
      if (!s.pointers.count(ka)) s.pointers[ka] = unknown();
      if (!s.pointers.count(kb)) s.pointers[kb] = unknown();
      std::swap(s.pointers[ka], s.pointers[kb]);
      done.insert(a);
      done.insert(b);
    }
    return done;
  }

  void release(const Expr *ptr, const Expr *at, ReleaseKind kind, const std::string &releaser, State &s) {
    PointerValue v = eval(ptr, s);
    if (v.nulls.bits == NullFacts::Null) return;  // free(NULL) does nothing
    if (reporting) {
      MemoryEvent e;
      e.kind = MemoryEvent::Kind::Release;
      e.key = at;
      e.location = loc(at);
      e.subject = text(ptr);
      e.callee = releaser;
      e.release = kind;
      e.nulls = v.nulls;
      e.objects = objectsOf(v, s);
      e.untracked = v.untracked;
      e.interior = v.interior;
      e.movedAt = v.movedAt;
      emit(e);
    }
    bool strong = v.objects.size() == 1;
    for (const void *o : v.objects) {
      auto it = s.objects.find(o);
      if (it == s.objects.end()) continue;
      // A pointer that holds either the caller's memory or a block of the function's own
      // (`content = input` on one path, a copy read from a file on another, freed under a
      // flag that says which) does not release the caller's: the flag decides, and the
      // function's summary would otherwise say it frees its parameter.
      if ((!strong || v.untracked) && it->second.kind == AllocKind::Parameter) continue;
      if (strong) it->second.bits = (it->second.bits & MemoryObjectFacts::Escaped) | MemoryObjectFacts::Released;
      else it->second.bits |= MemoryObjectFacts::Released;
      it->second.releasedAt = loc(at);
      it->second.releaser = releaser;
      it->second.releasedWith = kind;
    }
  }

  // Whether every block the pointer may hold is tracked and already released, by another
  // statement than `here` (a loop's `if (last) conn_close(c);` meets its own release of an
  // earlier pass, which the double-free rule does not report either).
  bool releasedOnEveryObject(const PointerValue &v, const State &s, const Location &here) const {
    if (v.objects.empty() || v.untracked) return false;
    for (const void *o : v.objects) {
      auto it = s.objects.find(o);
      if (it == s.objects.end() || !(it->second.bits & MemoryObjectFacts::Released) || it->second.releasedAt == here)
        return false;
    }
    return true;
  }

  void useThroughCall(const Expr *arg, const PointerValue &v, const CallExpr *call, const std::string &callee,
                      bool dereferences, bool unchecked, State &s) {
    if (dereferences) noteParameterDereference(v, s, unchecked);
    if (unchecked) assumeNonNullAfterUse(arg, s);
    if (!reporting) return;
    MemoryEvent e;
    // A callee that checks for NULL before dereferencing is a plain use (for use after free).
    e.kind = unchecked ? MemoryEvent::Kind::Dereference : MemoryEvent::Kind::Use;
    e.key = arg;
    e.location = loc(arg);
    e.subject = text(arg);
    e.callee = callee;
    e.nulls = v.nulls;
    e.objects = objectsOf(v, s);
    e.untracked = v.untracked;
    std::optional<PathKey> path = pathOf(arg);
    emit(e, path ? &*path : nullptr);
  }

  // f(&rec) or f(p) where f frees rec.msg / p->msg: release what those fields point to here.
  void releaseFieldsThrough(const Expr *arg, const std::set<std::string> &fields, const std::string &callee, State &s) {
    const Expr *x = stripParensAndCasts(arg);
    if (const auto *u = llvm::dyn_cast<UnaryOperator>(x); u && u->getOpcode() == UO_AddrOf) x = stripParensAndCasts(u->getSubExpr());
    const auto *d = llvm::dyn_cast<DeclRefExpr>(x);
    if (!d) return;
    for (auto &[key, pv] : s.pointers) {
      if (key.base != d->getDecl() || !key.field || !fields.count(key.field->getNameAsString())) continue;
      for (const void *o : pv.objects) {
        auto obj = s.objects.find(o);
        if (obj == s.objects.end()) continue;
        obj->second.bits = (obj->second.bits & MemoryObjectFacts::Escaped) | MemoryObjectFacts::Released;
        obj->second.releasedAt = loc(arg);
        obj->second.releaser = "'" + callee + "'";
      }
    }
  }

  // What an argument for a transparent union parameter wraps: Clang builds the union as a
  // compound literal, `(__SOCKADDR_ARG){ (struct sockaddr *)&addr }`.
  static const Expr *transparentUnionArgument(const Expr *arg) {
    const auto *cl = llvm::dyn_cast<CompoundLiteralExpr>(arg->IgnoreParenImpCasts());
    const RecordDecl *rd = cl ? cl->getType()->getAsRecordDecl() : nullptr;
    if (!rd || !rd->isUnion() || !rd->hasAttr<TransparentUnionAttr>()) return nullptr;
    const auto *init = llvm::dyn_cast_or_null<InitListExpr>(cl->getInitializer());
    if (!init || init->getNumInits() != 1) return nullptr;
    return init->getInit(0);
  }

  // The member of a transparent union parameter that an argument of type `arg` converts to
  // (glibc's __SOCKADDR_ARG holds `struct sockaddr *`, its __CONST_SOCKADDR_ARG the const
  // one); the union's first member if none has that type, as all share one representation.
  QualType transparentUnionMember(QualType param, QualType arg) const {
    const RecordDecl *rd = param->getAsRecordDecl();
    if (!rd || !rd->isUnion() || rd->field_empty()) return arg;
    for (const FieldDecl *f : rd->fields())
      if (tu_.ctx.hasSameUnqualifiedType(f->getType(), arg)) return f->getType();
    return rd->field_begin()->getType();
  }

  static bool pointsToConst(QualType t) {
    if (const auto *pt = t->getAs<PointerType>()) return pt->getPointeeType().isConstQualified();
    return false;
  }

  // A call's structure, when making it again with the same arguments is expected to give the
  // same pointer: a direct call whose arguments have no side effects.
  // Only functions of the program with a summary that returns no fresh memory (a lookup, a
  // getter): a library call may keep state between calls (strtok, readdir, fgets) and an
  // allocation may fail the second time.
  std::optional<llvm::FoldingSetNodeID> repeatableCall(const Expr *e) {
    const auto *call = llvm::dyn_cast<CallExpr>(stripParensAndCasts(e));
    if (!call || !call->getDirectCallee() || !call->getType()->isPointerType()) return std::nullopt;
    const MemorySummary *sum = tu_.summaryFor(call->getDirectCallee());
    if (!sum || sum->returnsFresh || sum->returnsReleased) return std::nullopt;
    for (const Expr *a : call->arguments())
      if (a->HasSideEffects(tu_.ctx)) return std::nullopt;
    llvm::FoldingSetNodeID id;
    call->Profile(id, tu_.ctx, /*Canonical=*/true);
    return id;
  }

  PointerValue evalCall(const CallExpr *call, State &s) {
    auto cached = callCache_.find(call);
    if (cached != callCache_.end()) return cached->second;
    PointerValue result = evalCallUncached(call, s);
    // The same call as one just tested gives what the test found; any other call may
    // change what such a call returns.
    std::optional<llvm::FoldingSetNodeID> id = repeatableCall(call);
    auto tested = id ? s.testedCalls.find(*id) : s.testedCalls.end();
    if (tested != s.testedCalls.end() && tested->second == NullFacts::NonNull) result.nulls.bits = NullFacts::NonNull;
    else s.testedCalls.clear();
    callCache_[call] = result;
    return result;
  }

  PointerValue evalCallUncached(const CallExpr *call, State &s) {
    const FunctionDecl *callee = call->getDirectCallee();
    if (!callee) callee = localFunctionPointerTarget(call->getCallee(), fd_->getBody());
    std::string name = callee ? tu_.names.name(callee) : "";
    LibRole role = callee ? libraryRole(name) : LibRole::None;
    // A user's own function of the same name is what runs.
    if (callee && callee->getDefinition() && !tu_.locations.isInSystemHeader(callee->getDefinition()->getLocation()))
      role = LibRole::None;
    // A function of the program may change a field or a global (`grow(b)` sets `b->data`):
    // a dereference of one before the call says nothing about a test after it.
    bool programFunction = !callee || (!callee->getBuiltinID() && !tu_.locations.isInSystemHeader(callee->getLocation()));
    if (role == LibRole::None && programFunction)
      for (auto &[k, v] : s.pointers)
        if (const auto *vd = llvm::dyn_cast_or_null<VarDecl>(k.base); k.field || (vd && vd->hasGlobalStorage()))
          v.nulls.dereferencedAt = {};

    if (const auto *mc = llvm::dyn_cast<CXXMemberCallExpr>(call)) {
      const Expr *obj = mc->getImplicitObjectArgument();
      if (obj && obj->getType()->isPointerType()) dereference(obj, call, s);  // p->method()
      else if (obj) eval(obj, s);
    }
    else if (!callee) eval(call->getCallee(), s);

    PointerValue result = unknown();
    switch (role) {
    case LibRole::AllocatesOnStack:
      for (const Expr *a : call->arguments()) eval(a, s);
      result = allocation(call, AllocKind::Stack, name, false, false, s);
      s.objects[call].bits = 0;  // released with the frame, never by the program
      break;
    case LibRole::Allocates:
    case LibRole::AllocatesZeroed:
      for (const Expr *a : call->arguments()) eval(a, s);
      result = allocation(call, AllocKind::Malloc, name, true, role == LibRole::AllocatesZeroed, s);
      break;
    case LibRole::Reallocates: {
      if (call->getNumArgs() > 0) {
        PointerValue old = eval(call->getArg(0), s);
        escape(old, s);  // ownership moves to the new block (or stays, on failure)
        reallocatedFrom_[call] = old.objects;
        for (unsigned i = 1; i < call->getNumArgs(); ++i) eval(call->getArg(i), s);
      }
      result = allocation(call, AllocKind::Malloc, name, true, true, s);
      break;
    }
    case LibRole::Releases:
      if (call->getNumArgs() > 0) release(call->getArg(0), call, ReleaseKind::Free, "'" + name + "'", s);
      break;
    case LibRole::ReadsArgs:
    case LibRole::None: {
      const MemorySummary *sum = callee ? tu_.summaryFor(callee) : nullptr;
      // All arguments are evaluated before the callee runs: `xfree(o, o->tag)` reads o->tag
      // before xfree releases o.
      std::vector<PointerValue> argValues;
      for (const Expr *a : call->arguments()) {
        const Expr *inner = transparentUnionArgument(a);
        argValues.push_back(eval(inner ? inner : a, s));
      }
      std::set<unsigned> handled = applyPointerHelpers(call, sum, name, s);
      const std::set<unsigned> addressArgs = printfAddressArguments(call, tu_.ctx);
      for (unsigned i = 0; i < call->getNumArgs(); ++i) {
        if (handled.count(i)) continue;
        const Expr *arg = call->getArg(i);
        PointerValue v = argValues[i];
        QualType paramType = callee && i < callee->getNumParams() ? callee->getParamDecl(i)->getType() : arg->getType();
        // glibc declares the socket-address parameters of accept, recvfrom, bind, ... as
        // transparent unions under _GNU_SOURCE: the callee receives the pointer inside.
        if (const Expr *inner = transparentUnionArgument(arg)) {
          arg = inner;
          paramType = transparentUnionMember(paramType, arg->getType());
        }
        // A struct passed by value hands the callee a copy of its pointer fields
        // (`send_request(..., param)` with `param.ptr = strdup(name)`, libiec61850's
        // MmsConnection_obtainFileAsync), which it may keep: summaries describe pointer
        // parameters only.
        if (arg->getType()->isRecordType()) {
          if (const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(arg)))
            for (const auto &[key, pv] : s.pointers)
              if (key.base == d->getDecl() && key.field) escape(pv, s);
          continue;
        }
        if (!isPointerLike(arg->getType())) continue;
        bool constParam = pointsToConst(paramType);
        if (sum && sum->releasesFields.count(i)) releaseFieldsThrough(arg, sum->releasesFields.at(i), name, s);
        if (sum && sum->releases.count(i)) {
          if (sum->releasesOnFailure.count(i)) {
            auto &before = releasedOnFailure_[call];
            before.clear();
            for (const void *o : v.objects)
              if (auto obj = s.objects.find(o); obj != s.objects.end()) {
                before.push_back(*obj);
                // Where it succeeded, the callee kept the block (the reason it frees it on failure).
                if (sum->escapes.count(i)) before.back().second.bits |= MemoryObjectFacts::Escaped;
              }
          }
          auto k = sum->releaseKinds.find(i);
          ReleaseKind kind = k == sum->releaseKinds.end() ? ReleaseKind::Free : static_cast<ReleaseKind>(k->second);
          // A callee that reads the block and releases it (`int b = *a * *a; ...; free(a);`),
          // given a block already released, first reads freed memory: that is the fault the
          // program meets, and the one a sanitizer reports, so it is reported instead of the
          // double free.
          bool readsFirst = sum->dereferences.count(i) && releasedOnEveryObject(v, s, loc(arg));
          if (readsFirst) {
            useThroughCall(arg, v, call, name, true, sum->dereferencesUnchecked.count(i) > 0, s);
            bool wasReporting = reporting;
            reporting = false;
            release(arg, arg, kind, "'" + name + "'", s);
            reporting = wasReporting;
          } else {
            release(arg, arg, kind, "'" + name + "'", s);
          }
          continue;
        }
        bool derefs = role == LibRole::ReadsArgs || (sum && sum->dereferences.count(i));
        bool unchecked = role == LibRole::ReadsArgs || (sum && sum->dereferencesUnchecked.count(i));
        // `printf("%p", p)` prints the address; it never reads what p points to.
        if (addressArgs.count(i)) continue;
        // A function whose summary shows it never touches the memory does not use it.
        if (!sum || derefs) useThroughCall(arg, v, call, name.empty() ? "an indirect call" : name, derefs, unchecked, s);
        // Reading uninitialized memory through a const pointer; a non-const one may fill it.
        if (constParam && role != LibRole::ReadsArgs) {
          const Expr *x = stripParensAndCasts(arg);
          if (const auto *u = llvm::dyn_cast<UnaryOperator>(x); u && u->getOpcode() == UO_AddrOf)
            if (const VarDecl *vd = rootVariable(u->getSubExpr()); vd && s.uninitialized.count(vd))
              reportUninit(arg, vd, s);
        } else {
          markInitialized(arg, s);
          for (const void *o : v.objects) {
            s.uninitialized.erase(o);
            s.initializedPrefix.erase(o);
          }
          // f(p) with a pointer to non-const (`memset(s, 0, sizeof *s)`, `reset(s)`) may
          // rewrite p's fields: a dereference of `p->f` before the call says nothing of
          // `p->f` after it.
          if (const auto *d = llvm::dyn_cast<DeclRefExpr>(stripParensAndCasts(arg)))
            for (auto &[key, pv] : s.pointers)
              if (key.base == d->getDecl() && key.field && (pv.nulls.bits & NullFacts::AssumedNonNull)) {
                pv.nulls.bits = NullFacts::Unknown;
                pv.nulls.dereferencedAt = {};
              }
          // f(&p): the callee may store a new pointer into p (getline, strtol's end, ...).
          const Expr *x = stripParensAndCasts(arg);
          if (const auto *u = llvm::dyn_cast<UnaryOperator>(x); u && u->getOpcode() == UO_AddrOf) {
            const Expr *target = stripParensAndCasts(u->getSubExpr());
            if (const auto *d = llvm::dyn_cast<DeclRefExpr>(target)) {
              // &p or &s: the callee may rewrite p, or any pointer field of s.
              // What p pointed to is now the callee's business too (it may free or keep it).
              for (auto it = s.pointers.begin(); it != s.pointers.end(); ++it)
                if (it->first.base == d->getDecl()) {
                  escape(it->second, s);
                  it->second = unknown();
                }
            } else if (const auto *m = llvm::dyn_cast<MemberExpr>(target)) {
              // &s.p or &ctx->p (an out parameter into a field): the callee may store there.
              if (std::optional<PathKey> key = pathOf(m)) {
                if (auto it = s.pointers.find(*key); it != s.pointers.end()) escape(it->second, s);
                s.pointers[*key] = unknown();
              }
            }
          }
        }
        if (sum) {
          if (sum->escapes.count(i)) escape(v, s);
          if (sum->storesOutside.count(i)) {
            markStoredOutside(v, s);
            // Into what another pointer argument reaches: the caller's memory if that
            // argument is rooted in a parameter or a global, points to what a parameter
            // pointed to on entry (`root = parent->parent`), or to nothing this function knows.
            for (unsigned j = 0; j < call->getNumArgs() && j < argValues.size(); ++j) {
              if (j == i || !isPointerLike(call->getArg(j)->getType())) continue;
              bool callers = rootedInCallerMemory(rootVariable(call->getArg(j))) || argValues[j].untracked ||
                             argValues[j].objects.empty();
              for (const void *o : argValues[j].objects)
                if (auto obj = s.objects.find(o); obj != s.objects.end()) callers |= obj->second.kind == AllocKind::Parameter;
              if (callers) noteStoredInCallerMemory(v);
            }
          }
        } else if (!constParam && role == LibRole::None && !fillsWithoutKeeping(name)) {
          escape(v, s);  // an unknown function may keep or release it
        }
      }
      if (sum && callee->getReturnType()->isPointerType()) {
        // Every return of the callee is NULL (a stub, a lookup that cannot succeed): its
        // result is NULL, not merely unchecked. One that returns NULL only on some paths
        // stays unknown: its callers may know when it cannot fail.
        if (sum->returnNulls == NullFacts::Null && !sum->returnsFresh && !sum->returnsReleased)
          result = nullValue(call, "'" + name + "' returns NULL on every path");
        else if ((sum->returnNulls & NullFacts::Null) && !sum->returnsFresh && !sum->returnsReleased) {
          // Returns NULL on some paths: most callers know when it cannot. Where the TU's
          // other callers mostly test its result (at least two of them, and at least half
          // of all calls), a call whose result is used untested is reported (the
          // statistical rule of Engler et al., "Bugs as Deviant Behavior").
          const MemTu::ResultChecks rc = tu_.resultChecks(callee, call);
          // It returns NULL only for a NULL argument, and this one was found not NULL.
          bool argumentRulesOutNull = false;
          if (sum->nullOnlyForNullParams)
            for (unsigned i : *sum->nullOnlyForNullParams)
              argumentRulesOutNull |= i < argValues.size() && (argValues[i].nulls.bits & NullFacts::NonNull) &&
                                      !(argValues[i].nulls.bits & (NullFacts::Null | NullFacts::Unknown));
          if (!argumentRulesOutNull && rc.checked >= 2 && rc.checked * 2 >= rc.calls) {
            result = unknown();
            result.nulls.bits = NullFacts::NonNull | NullFacts::UncheckedAlloc;
            result.nulls.nullAt = loc(call);
            result.nulls.nullWhy = "'" + name + "' can return NULL (" + std::to_string(rc.checked) + " of its " +
                                   std::to_string(rc.calls) + " calls test for it) and its result is not checked";
          }
        }
        // The buffer-or-allocate idiom: the result is a block for this caller to free only
        // where it passes NULL. A buffer of its own, or a pointer it was given (its caller's
        // buffer: `MmsValue_printToBuffer(v, buffer, n)` passing `buffer` on), is not NULL
        // as far as anything here says, and the result is that buffer.
        bool bufferGiven = false;
        if (sum->freshOnlyForNullParams)
          for (unsigned i : *sum->freshOnlyForNullParams)
            bufferGiven |= i < argValues.size() && !(argValues[i].nulls.bits & NullFacts::Null);
        if ((sum->returnsFresh && !bufferGiven) || sum->returnsReleased) {
          result = allocation(call, AllocKind::Returned, name,
                              (sum->returnNulls & (NullFacts::Null | NullFacts::UncheckedAlloc)) != 0, true, s);
          if (sum->returnsReleased && !sum->returnsFresh) {
            auto &obj = s.objects[call];
            obj.bits = MemoryObjectFacts::Released;
            obj.releasedAt = loc(call);
            obj.releaser = "'" + name + "'";
          }
          if (!(sum->returnNulls & NullFacts::UncheckedAlloc)) {
            result.nulls.bits &= ~NullFacts::UncheckedAlloc;
            if (sum->returnNulls & NullFacts::Null) result.nulls.bits |= NullFacts::Unknown;
          }
        }
      }
      break;
    }
    }
    return result;
  }
};

// ---------------------------------------------------------------------------------------
// TU driver
// ---------------------------------------------------------------------------------------

}  // namespace

MemoryAnalysisResult analyzeMemory(ASTContext &ctx, const std::vector<const MemoryChecker *> &checkers,
                                   const ExternalSummaries *external, const std::vector<const FunctionDecl *> *selected) {
  MemTu tu(ctx, checkers, external);
  const std::vector<const FunctionDecl *> functions = selected ? *selected : analyzableFunctions(ctx);
  MemoryAnalysisResult result;

  for (const FunctionDecl *fd : calleesFirst(functions)) {
    CFG::BuildOptions o;
    o.PruneTriviallyFalseEdges = true;
    o.AddInitializers = true;
    o.AddLifetime = true;  // block-scoped pointers end (endLifetime)
    std::unique_ptr<CFG> cfg = CFG::buildCFG(fd, fd->getBody(), &ctx, o);
    if (!cfg) continue;
    MemorySummary summary;
    FunctionMemory analysis(tu, fd, summary);
    analysis.setCfg(cfg.get());
    ForwardDataflow<FunctionMemory> solver(analysis, 32);
    auto in = solver.run(*cfg);
    // Report from the converged states only: an intermediate state lacks paths that
    // arrive later and would raise false alarms.
    analysis.reporting = true;
    std::vector<const CFGBlock *> blocks(cfg->begin(), cfg->end());
    for (const CFGBlock *b : blocks) {
      if (!in[b->getBlockID()]) continue;
      MemState s = *in[b->getBlockID()];
      analysis.transferBlock(*b, s);
    }
    const auto &exit = in[cfg->getExit().getBlockID()];
    if (exit) {
      analysis.checkFunctionEnd();
      analysis.summarize(*exit);
    }
    // Dereferences of parameters, for callers: a dereference event on a parameter object.
    tu.summaries[fd->getCanonicalDecl()] = summary;
    ++result.functionsAnalyzed;
  }

  for (const FunctionDecl *fd : functions) {
    if (!fd->isExternallyVisible() || llvm::isa<CXXMethodDecl>(fd)) continue;
    auto it = tu.summaries.find(fd->getCanonicalDecl());
    if (it == tu.summaries.end() || it->second.empty()) continue;
    const std::string &usr = tu.usrOf(fd);
    if (usr.empty()) continue;
    result.summaries[usr] = summaryToJson(it->second).dump();
    if (!ctx.getSourceManager().isInMainFile(fd->getLocation())) result.definedInIncludedFiles.insert(usr);
  }
  result.usedExternal = tu.usedExternal;
  for (auto &[k, f] : tu.found) result.findings.push_back(std::move(f));
  std::sort(result.findings.begin(), result.findings.end(), [](const Finding &a, const Finding &b) {
    return std::tie(a.location, a.ruleId) < std::tie(b.location, b.ruleId);
  });
  return result;
}

}  // namespace mamori
