#include "engine/TaintModels.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

using nlohmann::json;

namespace mamori {

static const char kBuiltinModels[] =
#include "taint_models.inc"
    ;

const char *sinkKindName(SinkKind k) {
  switch (k) {
  case SinkKind::Command: return "command";
  case SinkKind::Format: return "format";
  case SinkKind::Path: return "path";
  case SinkKind::Sql: return "sql";
  }
  return "command";
}

unsigned sinkKindBit(SinkKind k) { return 1u << static_cast<unsigned>(k); }

namespace {

struct Reader {
  std::string origin;

  [[noreturn]] void fail(const std::string &where, const std::string &what) const {
    throw ModelError(origin + ": " + where + ": " + what);
  }

  void checkKeys(const json &obj, const std::string &where, std::initializer_list<const char *> allowed) const {
    if (!obj.is_object()) fail(where, "must be an object");
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      bool ok = false;
      for (const char *a : allowed) ok |= it.key() == a;
      if (!ok) {
        std::string list;
        for (const char *a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
        fail(where, "unknown key '" + it.key() + "' (expected one of: " + list + ")");
      }
    }
  }

  std::string str(const json &obj, const char *key, const std::string &where, bool required = true) const {
    if (!obj.contains(key)) {
      if (required) fail(where, std::string("missing '") + key + "'");
      return {};
    }
    if (!obj[key].is_string() || obj[key].get<std::string>().empty())
      fail(where, std::string("'") + key + "' must be a non-empty string");
    return obj[key].get<std::string>();
  }

  bool flag(const json &obj, const char *key, const std::string &where) const {
    if (!obj.contains(key)) return false;
    if (!obj[key].is_boolean()) fail(where, std::string("'") + key + "' must be true or false");
    return obj[key].get<bool>();
  }

  ArgPos pos(const std::string &text, const std::string &where) const {
    ArgPos p;
    if (text == "return") { p.kind = ArgPos::Kind::Return; return p; }
    if (text == "this") { p.kind = ArgPos::Kind::This; return p; }
    auto number = [&](const std::string &digits) -> unsigned {
      if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string::npos)
        fail(where, "bad argument position '" + text + "' (use return, this, argN or argsN+)");
      return static_cast<unsigned>(std::stoul(digits));
    };
    if (text.rfind("args", 0) == 0 && text.size() > 5 && text.back() == '+') {
      p.kind = ArgPos::Kind::ArgsFrom;
      p.index = number(text.substr(4, text.size() - 5));
      return p;
    }
    if (text.rfind("arg", 0) == 0) {
      p.kind = ArgPos::Kind::Arg;
      p.index = number(text.substr(3));
      return p;
    }
    fail(where, "bad argument position '" + text + "' (use return, this, argN or argsN+)");
  }

  std::vector<ArgPos> positions(const json &obj, const char *key, const std::string &where, bool required = true) const {
    std::vector<ArgPos> out;
    if (!obj.contains(key)) {
      if (required) fail(where, std::string("missing '") + key + "'");
      return out;
    }
    if (!obj[key].is_array() || obj[key].empty()) fail(where, std::string("'") + key + "' must be a non-empty array");
    for (const json &v : obj[key]) {
      if (!v.is_string()) fail(where, std::string("'") + key + "' must hold strings");
      out.push_back(pos(v.get<std::string>(), where));
    }
    return out;
  }

  SinkKind kind(const std::string &text, const std::string &where) const {
    if (text == "command") return SinkKind::Command;
    if (text == "format") return SinkKind::Format;
    if (text == "path") return SinkKind::Path;
    if (text == "sql") return SinkKind::Sql;
    fail(where, "unknown sink kind '" + text + "' (expected command, format, path or sql)");
  }

  unsigned kinds(const json &obj, const char *key, const std::string &where) const {
    if (!obj.contains(key) || !obj[key].is_array() || obj[key].empty())
      fail(where, std::string("'") + key + "' must be a non-empty array of sink kinds");
    unsigned mask = 0;
    for (const json &v : obj[key]) {
      if (!v.is_string()) fail(where, std::string("'") + key + "' must hold strings");
      mask |= sinkKindBit(kind(v.get<std::string>(), where));
    }
    return mask;
  }

  const json &array(const json &doc, const char *key) const {
    static const json empty = json::array();
    if (!doc.contains(key)) return empty;
    if (!doc[key].is_array()) fail(key, "must be an array");
    return doc[key];
  }
};

}  // namespace

TaintModels TaintModels::builtin() {
  TaintModels m;
  m.loadText(kBuiltinModels, "<built-in taint models>");
  return m;
}

void TaintModels::loadFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ModelError(path + ": cannot open the models file");
  std::stringstream ss;
  ss << in.rdbuf();
  loadText(ss.str(), path);
}

void TaintModels::loadText(const std::string &text, const std::string &origin) {
  Reader r{origin};
  json doc;
  try {
    doc = json::parse(text, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::parse_error &e) {
    throw ModelError(origin + ": not valid JSON: " + e.what());
  }
  r.checkKeys(doc, "top level",
              {"version", "sources", "parameters", "propagators", "sinks", "validators", "sanitizers", "trusted"});
  if (doc.contains("version") && (!doc["version"].is_number_integer() || doc["version"].get<int>() != 1))
    r.fail("version", "only version 1 is understood");

  // Parse everything first, then commit, so a file with an error changes nothing.
  auto sources = sources_;
  auto propagators = propagators_;
  auto sinks = sinks_;
  auto validators = validators_;
  auto params = parameterSources_;
  std::set<std::string> validatorOverride;

  size_t i = 0;
  for (const json &e : r.array(doc, "sources")) {
    std::string where = "sources[" + std::to_string(i++) + "]";
    r.checkKeys(e, where, {"function", "taints", "what"});
    SourceModel s;
    s.taints = r.positions(e, "taints", where);
    s.what = r.str(e, "what", where, false);
    if (s.what.empty()) s.what = "untrusted data";
    sources[r.str(e, "function", where)] = s;
  }
  i = 0;
  for (const json &e : r.array(doc, "parameters")) {
    std::string where = "parameters[" + std::to_string(i++) + "]";
    r.checkKeys(e, where, {"function", "param", "what"});
    if (!e.contains("param") || !e["param"].is_number_unsigned()) r.fail(where, "'param' must be a parameter index");
    params[r.str(e, "function", where)].push_back({e["param"].get<unsigned>(), r.str(e, "what", where, false)});
  }
  i = 0;
  auto readPropagator = [&](const json &e, const std::string &where, bool sanitizer) {
    if (sanitizer)
      r.checkKeys(e, where, {"function", "from", "to", "kinds"});
    else
      r.checkKeys(e, where, {"function", "from", "to", "strings_only", "canonicalizes", "resumes_on_null"});
    PropagatorModel p;
    p.from = r.positions(e, "from", where);
    p.to = r.positions(e, "to", where);
    if (sanitizer) {
      p.sanitizesMask = r.kinds(e, "kinds", where);
    } else {
      p.stringsOnly = r.flag(e, "strings_only", where);
      p.canonicalizes = r.flag(e, "canonicalizes", where);
      p.resumesOnNull = r.flag(e, "resumes_on_null", where);
    }
    propagators[r.str(e, "function", where)] = p;
  };
  for (const json &e : r.array(doc, "propagators")) readPropagator(e, "propagators[" + std::to_string(i++) + "]", false);
  i = 0;
  for (const json &e : r.array(doc, "sanitizers")) readPropagator(e, "sanitizers[" + std::to_string(i++) + "]", true);
  i = 0;
  for (const json &e : r.array(doc, "sinks")) {
    std::string where = "sinks[" + std::to_string(i++) + "]";
    r.checkKeys(e, where, {"function", "kind", "args", "shell_args"});
    SinkModel s;
    s.kind = r.kind(r.str(e, "kind", where), where);
    s.args = r.positions(e, "args", where);
    s.shellArgs = r.positions(e, "shell_args", where, false);
    sinks[r.str(e, "function", where)] = s;
  }
  i = 0;
  for (const json &e : r.array(doc, "validators")) {
    std::string where = "validators[" + std::to_string(i++) + "]";
    r.checkKeys(e, where, {"function", "arg", "kinds", "safe_when", "needle_contains", "equals_literal", "requires_canonical"});
    ValidatorModel v;
    ArgPos p = r.pos(r.str(e, "arg", where), where);
    if (p.kind != ArgPos::Kind::Arg) r.fail(where, "'arg' must be argN");
    v.arg = p.index;
    v.kindsMask = r.kinds(e, "kinds", where);
    std::string when = r.str(e, "safe_when", where);
    if (when != "zero" && when != "nonzero") r.fail(where, "'safe_when' must be \"zero\" or \"nonzero\"");
    v.safeWhenZero = when == "zero";
    if (e.contains("needle_contains")) {
      if (!e["needle_contains"].is_array()) r.fail(where, "'needle_contains' must be an array of strings");
      for (const json &n : e["needle_contains"]) {
        if (!n.is_string()) r.fail(where, "'needle_contains' must be an array of strings");
        v.needleContains.push_back(n.get<std::string>());
      }
    }
    v.equalsLiteral = r.flag(e, "equals_literal", where);
    v.requiresCanonical = r.flag(e, "requires_canonical", where);
    std::string fn = r.str(e, "function", where);
    // A file that names a validator replaces the earlier validators of that function.
    if (validatorOverride.insert(fn).second) validators[fn].clear();
    validators[fn].push_back(v);
  }

  // Functions whose data this project trusts: a command-line tool run by its own user
  // takes main's arguments and the environment as the user's, not an attacker's.
  i = 0;
  for (const json &e : r.array(doc, "trusted")) {
    std::string where = "trusted[" + std::to_string(i++) + "]";
    if (!e.is_string() || e.get<std::string>().empty()) r.fail(where, "must be a function name");
    sources.erase(e.get<std::string>());
    params.erase(e.get<std::string>());
  }

  sources_ = std::move(sources);
  propagators_ = std::move(propagators);
  sinks_ = std::move(sinks);
  validators_ = std::move(validators);
  parameterSources_ = std::move(params);
  rebuildIndex();
}

void TaintModels::rebuildIndex() {
  index_.clear();
  for (auto &[name, m] : sources_) index_[name].source = &m;
  for (auto &[name, m] : propagators_) index_[name].propagator = &m;
  for (auto &[name, m] : sinks_) index_[name].sink = &m;
  for (auto &[name, list] : validators_)
    for (auto &v : list) index_[name].validators.push_back(&v);
  for (auto &[name, list] : parameterSources_)
    for (auto &p : list) index_[name].parameterSources.push_back(&p);
}

const FunctionModel *TaintModels::lookup(const std::string &name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &it->second;
}

}  // namespace mamori
