// The interface a memory-safety checker implements. The memory analysis (MemoryAnalysis.h)
// follows pointers, allocations and initialization through each function and raises events
// at the statements that matter (a release, a dereference, a use, a read, a function exit);
// a checker watches one kind of event and decides from the domain's facts whether it is a
// finding. Checkers depend on the engine, never the reverse.
#pragma once

#include "core/Finding.h"
#include "core/Rule.h"

#include <optional>
#include <string>
#include <vector>

namespace mamori {

enum class AllocKind : unsigned char { Unknown, Malloc, New, NewArray, Stack, Parameter, Returned };
enum class ReleaseKind : unsigned char { Free, Delete, DeleteArray };

// Facts about one memory object a pointer may point to.
struct MemoryObjectFacts {
  // StoredOutside: written into memory the caller can reach (a parameter's field, a
  // global), so something other than this function's result holds it.
  enum Bits : unsigned { Allocated = 1, Released = 2, Escaped = 4, StoredOutside = 8 };
  unsigned bits = 0;        // what happened to it on some path reaching this point
  AllocKind kind = AllocKind::Unknown;
  Location allocatedAt;     // where it was allocated (or declared, for stack objects)
  std::string allocator;    // "malloc", "new[]", "a local array 'buf'"
  Location releasedAt;      // where it was released, if it was
  std::string releaser;     // "free", "delete"
  ReleaseKind releasedWith = ReleaseKind::Free;
};

// Null-ness of a pointer value, as bits of what it may be on some path.
struct NullFacts {
  // AssumedNonNull: dereferenced earlier on this path, so not NULL from here on if the
  // program survived; it silences later reports but proves nothing about entry states.
  enum Bits : unsigned { Null = 1, NonNull = 2, UncheckedAlloc = 4, Unknown = 8, AssumedNonNull = 16 };
  unsigned bits = Unknown;
  Location nullAt;          // where NULL was assigned, or the unchecked allocation
  // AssumedNonNull from a dereference written in this function (not through a call, not
  // `&p->f`) of a pointer that was not already known NULL or unchecked: the first such
  // dereference on the paths that reach here.
  Location dereferencedAt;
  std::string nullWhy;      // "assigned NULL", "result of 'malloc' not checked"
};

struct MemoryEvent {
  // CheckedAfterDereference: a branch tests a pointer for NULL that was dereferenced on
  // every path to the test; the event's location is that dereference.
  enum class Kind { Release, Use, Dereference, Exit, UninitializedRead, LostOnReallocFailure, CheckedAfterDereference };
  Kind kind = Kind::Use;
  const void *key = nullptr;  // the statement, for de-duplication
  Location location;
  std::string function;
  std::string subject;        // the expression involved, as written
  std::string callee;         // for Use/Release through a call: the function called
  ReleaseKind release = ReleaseKind::Free;
  std::vector<MemoryObjectFacts> objects;  // what the pointer may point to
  NullFacts nulls;
  Location declaredAt;        // UninitializedRead: the declaration
  bool untracked = false;     // on some path the pointer held memory the analysis does not track
  bool interior = false;      // Release: the pointer was moved past its object's start on some path
  Location movedAt;           // ... by the statement here
  Location checkedAt;         // CheckedAfterDereference: the test for NULL
  bool checkedOnNextPass = false;  // ... by a loop's head, on the pass after the dereference
  // Exit: the block was lost inside a loop, when `lostWith` (a pointer declared in the
  // loop's body, its only holder) went out of scope at the end of an iteration; or, with
  // `overwritten`, when a new value was stored into `lostWith`, its only holder.
  std::string lostWith;
  enum class Overwrite { No, ByStore, ByItself };  // ByItself: the same allocation, a pass later
  Overwrite overwritten = Overwrite::No;
};

class MemoryChecker {
public:
  virtual ~MemoryChecker() = default;
  virtual const RuleInfo &rule() const = 0;
  virtual bool watches(MemoryEvent::Kind kind) const = 0;
  // A finding's message and the trace steps that explain it, or nothing.
  struct Verdict {
    std::string message;
    std::vector<TraceStep> trace;  // steps before the event's own location
  };
  virtual std::optional<Verdict> judge(const MemoryEvent &event) const = 0;
};

}  // namespace mamori
