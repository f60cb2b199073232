// The interface of checkers built on the value-range analysis (RangeAnalysis.h): integer
// overflow, division by zero, out-of-bounds indexing and copies larger than their buffer.
// The analysis computes integer ranges (with whether a value comes from outside the
// program) and buffer sizes; a checker decides whether an event is a finding.
#pragma once

#include "core/Finding.h"
#include "core/Rule.h"

#include <optional>
#include <string>
#include <vector>

namespace mamori {

// An integer interval. Bounds are wide enough for any C integer arithmetic result.
struct ValueRange {
  __int128 lo = 0, hi = 0;
  bool known = false;     // false: nothing is known (the type's full range)
  bool external = false;  // derived from input, parsing or randomness: an attacker may choose it
  bool nonZero = false;   // proven != 0 on this path (a check that a range cannot express)
  Location origin;        // where the external value entered, for traces
  std::string originWhat;
  // External only through the command line (`atoi(argv[1])`, `strtoul(optarg, ...)`): the
  // person who starts the program chose it, not a peer or a file.
  bool commandLine = false;
};

struct RangeEvent {
  // EndlessLoop: a loop whose condition holds for every value its variables can have at the
  // loop's head, and whose body has no other way out (break, return, goto, a call that
  // does not return). `subject` is the condition, `variable`/`value` one variable in it.
  // Assertion: an assert() whose failing branch is feasible while its condition reads a
  // value an attacker chooses; `value` is that value's range, `variable` its name.
  // Recursion: a call of the function to itself with every argument equal to the
  // parameter it came in as, in a function whose branches test nothing but those
  // parameters; reached or not, it repeats itself without end if it ever runs.
  // Allocation: a block from malloc/calloc/realloc/alloca stored in a `T *`, whose size
  // is counted in `sizeof` of a pointer to T (`T *p = malloc(n * sizeof(p))`): room for
  // pointers, not for Ts. `subject` is the call, `variable` the sizeof's operand as
  // written, `typeName` T, `elementBytes` sizeof(T), `bufferBytes` the size if known.
  // AllocationSize: a block from malloc/calloc/realloc/alloca or `new T[n]`; `value` is
  // its size in bytes (for calloc the product), `op` the allocator, `subject` the call.
  // ReadOnlyWrite: a write (`*p = c`, `p[i] = c`, a copy into p) through a pointer that
  // points to a string literal on every path; `variable` is the pointer, `buffer` and
  // `bufferDeclaredAt` the literal, `op` "parameter" when the pointer is a parameter that
  // every caller in the file sets to a literal.
  // UntrustedPointer: a pointer dereferenced whose address was chosen outside the program:
  // an external integer made a pointer (`op` "address") or an external offset added to
  // one (`op` "offset"); `variable` is the pointer, `value` that integer's range.
  enum class Kind {
    Division, Arithmetic, Narrowing, Index, Copy, EndlessLoop, Assertion, Recursion, Allocation, UntrustedPointer,
    AllocationSize, ReadOnlyWrite
  };
  Kind kind = Kind::Arithmetic;
  const void *key = nullptr;
  Location location;
  std::string function;
  std::string subject;      // the expression as written
  ValueRange value;         // divisor, arithmetic result, index, or copy length
  __int128 typeMin = 0, typeMax = 0;  // Arithmetic/Narrowing: bounds of the result type
  std::string typeName;
  std::string op;           // "+", "*", "++", "memcpy", ...
  // Arithmetic: an operand is a variable the function also mixes with ^, << or >> (the
  // state of a hash, checksum or random generator).
  bool bitMixed = false;
  // Arithmetic with op "conversion" (a wider result stored into a narrower type): an operand
  // is a constant above the narrow type's signed range but within its width (`0xC0 + x`
  // stored into a `char`): the code builds a byte or bit pattern, as an encoder does.
  bool bitPattern = false;
  // Division: the divisor is a floating value (its range is an integer approximation);
  // the divisor is the counter of a `for` loop whose body holds the division, and the
  // loop starts it at 0 or counts it down while it is >= 0: one iteration has it zero.
  bool floating = false;
  bool counterReachesZero = false;
  // Index/Copy: the buffer.
  long long bufferBytes = -1;   // size of the destination buffer
  long long elementBytes = 1;   // Index: size of one element
  bool onHeap = false;
  bool placeKnown = true;   // false: the buffer may be on the stack or the heap
  bool write = true;
  std::string buffer;       // its name
  Location bufferDeclaredAt;
  std::string variable;     // EndlessLoop/Assertion: the variable whose range decides the condition;
                            // Allocation: the operand of the sizeof
};

class RangeChecker {
public:
  virtual ~RangeChecker() = default;
  virtual const RuleInfo &rule() const = 0;
  virtual bool watches(RangeEvent::Kind kind) const = 0;
  struct Verdict {
    std::string message;
    unsigned cwe = 0;  // 0: the rule's CWE; otherwise a more precise one (191, 122, 125, ...)
    std::vector<TraceStep> trace;
  };
  virtual std::optional<Verdict> judge(const RangeEvent &e) const = 0;
};

std::string rangeText(const ValueRange &r);

}  // namespace mamori
