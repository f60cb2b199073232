// The taint models: sources, propagators, sinks, validators and sanitizers, loaded from
// data files (src/models/taint.jsonc is built in; users add files with --models).
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace mamori {

// Sink kinds double as sanitization categories: data can be safe for one and not another.
enum class SinkKind : unsigned { Command = 0, Format = 1, Path = 2, Sql = 3 };
constexpr unsigned kSinkKindCount = 4;
const char *sinkKindName(SinkKind k);
unsigned sinkKindBit(SinkKind k);

// A position in a call: the return value, the object, argument N, or arguments N and later.
struct ArgPos {
  enum class Kind { Return, This, Arg, ArgsFrom };
  Kind kind = Kind::Arg;
  unsigned index = 0;
  bool matches(unsigned argIndex) const {
    return (kind == Kind::Arg && argIndex == index) || (kind == Kind::ArgsFrom && argIndex >= index);
  }
};

struct SourceModel {
  std::vector<ArgPos> taints;
  std::string what;
};
struct PropagatorModel {
  std::vector<ArgPos> from, to;
  bool stringsOnly = false;   // only pointer/array arguments carry taint (sprintf with %d is safe)
  bool canonicalizes = false; // result is a canonical path (realpath)
  bool resumesOnNull = false; // a NULL first argument continues the previous call's string (strtok)
  unsigned sanitizesMask = 0; // result is safe for these kinds (sanitizers)
};
struct SinkModel {
  SinkKind kind = SinkKind::Command;
  std::vector<ArgPos> args;       // always dangerous
  std::vector<ArgPos> shellArgs;  // dangerous when the program is a shell
};
struct ValidatorModel {
  unsigned arg = 0;
  unsigned kindsMask = 0;
  bool safeWhenZero = true;
  std::vector<std::string> needleContains;
  bool equalsLiteral = false;
  bool requiresCanonical = false;
};
struct ParameterSourceModel {
  unsigned param = 0;
  std::string what;
};

// Everything known about one function name.
struct FunctionModel {
  const SourceModel *source = nullptr;
  const PropagatorModel *propagator = nullptr;
  const SinkModel *sink = nullptr;
  std::vector<const ValidatorModel *> validators;
  std::vector<const ParameterSourceModel *> parameterSources;
};

class ModelError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

class TaintModels {
public:
  TaintModels() = default;
  TaintModels(TaintModels &&) = default;
  TaintModels &operator=(TaintModels &&) = default;
  TaintModels(const TaintModels &) = delete;  // index_ points into the maps

  // The built-in models compiled into mamori.
  static TaintModels builtin();
  // Adds a data file; its entries override built-in ones of the same function and role.
  // Throws ModelError with "FILE: problem" on any mistake (a typo is an error, not ignored).
  void loadFile(const std::string &path);
  void loadText(const std::string &text, const std::string &origin);

  // `name` is a plain C name or a qualified C++ name without template arguments or
  // inline namespaces ("std::basic_string::c_str").
  const FunctionModel *lookup(const std::string &name) const;

private:
  std::map<std::string, SourceModel> sources_;
  std::map<std::string, PropagatorModel> propagators_;
  std::map<std::string, SinkModel> sinks_;
  std::map<std::string, std::vector<ValidatorModel>> validators_;
  std::map<std::string, std::vector<ParameterSourceModel>> parameterSources_;
  std::map<std::string, FunctionModel> index_;
  void rebuildIndex();
};

}  // namespace mamori
