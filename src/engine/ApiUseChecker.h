// The interface of checkers that judge how a program calls library APIs, rather than how
// data or memory flows: which algorithm it hands to a crypto library, what literal it
// passes as a password, which value it compares a result with. The API-use analysis
// (ApiUseAnalysis.h) walks every function once and raises an event per call and per
// comparison of a call's result, with what is known of each argument; a checker holds
// the API knowledge (names, parameter positions) and decides.
#pragma once

#include "core/Finding.h"
#include "core/Rule.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mamori {

// What is known of one argument (or one operand) where it is used. Values held in a
// local variable are followed back to the variable's only assignment.
// A call, in a function of this TU, that passes one of its parameters on unchanged:
// `aes_encrypt(msg, key)` whose body calls `EVP_EncryptInit_ex(ctx, cipher, NULL, key, iv)`.
struct ForwardedArgument {
  std::string callee;  // the function the parameter reaches
  unsigned index = 0;  // as its argument number `index`
  Location at;         // that call
  std::vector<std::string> argumentTexts;  // its arguments as written (`CURLOPT_PASSWORD`)
};

struct ArgumentFacts {
  std::string text;                    // as written
  std::optional<std::string> literal;  // the string literal it is (or its variable only ever holds)
  std::string producer;                // the function whose result it is (directly or through a variable)
  std::string macro;                   // the macro it was written as (`RSA_NO_PADDING`), if any
  std::string variable;                // the variable or field it names (`password`, `cfg->passwd`)
  std::string function;                // the function it names, passed by address (`on_error`)
  bool constantBytes = false;          // an array initialized with constants only (`key[16] = {0x..}`)
  bool zeroBytes = false;              // ... all of them 0 (`salt[32] = {0}`)
  std::optional<long long> integer;    // its value, when it is an integer constant
  Location definedAt;                  // where the literal, producing call or array was written
  // Call events: how many different string literals the function passes to the same callee
  // together with this variable. A keyword dispatch (`strcmp(word, "listener")`, then
  // `"port"`, then ...) pairs one variable with many; a check against one value pairs it once.
  unsigned literalsPairedByCallee = 0;
  // Call events of a function defined in this TU: the calls its body (or a defined
  // callee's body, and so on) passes this argument's parameter to, unchanged.
  std::vector<ForwardedArgument> forwardedTo;

  // The variable's own name, without the path to it: `passwd` for `cfg->passwd`.
  std::string ownName() const {
    size_t p = variable.find_last_of(".>");
    return p == std::string::npos ? variable : variable.substr(p + 1);
  }
  // The name an argument goes by where it is passed: a variable's own name, or the name of
  // a function passed as a callback.
  std::string passedName() const { return variable.empty() ? function : ownName(); }
};

// A scalar type, as far as reinterpreting its bytes matters.
struct ScalarTypeFacts {
  enum Class : unsigned char { Other, Character, Integer, Floating };
  std::string name;
  Class kind = Other;
  long long bytes = 0;
};

// A call in the body of a loop: its callee and the arguments that are integer constants.
struct LoopCallFacts {
  std::string callee;
  std::vector<std::optional<long long>> integers;
};

struct ApiUseEvent {
  // Call: a call of `callee` with `args`. When the call is inside a loop of its function,
  // `loopCalls` are the calls in the innermost such loop's body, and
  // `limitedByComparison` says whether a relational test (`n < MAX`) decides whether the
  // call runs: an `if` or `?:` around it inside the loop, or the loop's own condition.
  // Comparison: `subject` compares a value with the constant `args[1].integer`; args[0] is
  // the value (its producer, if it is a call's result), `op` the operator, and
  // `pointerCompared` says the value is a pointer and the constant is written as an integer
  // (a sentinel written as a pointer, such as `MAP_FAILED`, is not); `unsignedCompared`
  // that the value has an unsigned integer type.
  // SharedWrite: in a function that runs as more than one thread at once (a pthread
  // start routine created in a loop or by several pthread_create calls), `subject` writes
  // the file-scope variable args[0].variable (declared at args[0].definedAt) while no
  // lock is held: no mutex, spin lock or rwlock locked before it in the function, and the
  // variable is neither atomic nor thread-local.
  // Reinterpret: an object of one scalar type accessed as another through a pointer:
  // `*(long *)&f` (explicit), or `&f` passed or assigned where a pointer to another type is
  // expected (`implicitConversion`). `from`/`to` describe the object's and the access's type.
  enum class Kind { Call, Comparison, SharedWrite, Reinterpret };
  Kind kind = Kind::Call;
  const void *key = nullptr;
  Location location;
  std::string function;
  std::string subject;  // the call or comparison as written
  std::string callee;
  std::vector<ArgumentFacts> args;
  std::vector<std::string> parameters;  // Call: the callee's parameter names ("" when unnamed)
  std::string op;
  bool pointerCompared = false;
  bool unsignedCompared = false;
  // Call: the variable names (as ArgumentFacts::ownName) passed by every call of the same
  // callee in this function, this one included ("" for other arguments).
  std::shared_ptr<const std::vector<std::vector<std::string>>> callsOfCallee;
  // Call: every call in this function, by callee name, with its argument names as above.
  std::shared_ptr<const std::map<std::string, std::vector<std::vector<std::string>>>> callsInFunction;
  bool inLoop = false;
  bool limitedByComparison = false;
  std::shared_ptr<const std::vector<LoopCallFacts>> loopCalls;  // shared by the loop's calls
  ScalarTypeFacts from, to;        // Reinterpret
  bool implicitConversion = false; // Reinterpret
};

class ApiUseChecker {
public:
  virtual ~ApiUseChecker() = default;
  virtual const RuleInfo &rule() const = 0;
  virtual bool watches(ApiUseEvent::Kind kind) const = 0;
  struct Verdict {
    std::string message;
    unsigned cwe = 0;       // 0: the rule's CWE
    Location location;      // where to report (a secret's literal); the event's location when not valid
    std::vector<TraceStep> trace;
  };
  virtual std::optional<Verdict> judge(const ApiUseEvent &e) const = 0;
};

}  // namespace mamori
