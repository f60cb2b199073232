#include "confirm/SanitizerBuild.h"

#include "core/Fingerprint.h"
#include "frontend/TuParser.h"
#include "support/Process.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace mamori {

namespace {

const char *kOracleSource =
#include "oracle_runtime.inc"
    ;

// The flags confirm adds to every compile: sanitizers, debug lines for the stacks, and
// libFuzzer's coverage instrumentation. -O0, because the optimizer removes evidence: an
// unused malloc/free pair disappears with its double free, and a check that relies on
// undefined behaviour is folded away. Reports are recoverable so that fuzzing can go on
// past a bug already proven (the oracle runtime decides; replays halt at the first). FORTIFY is off so printf is printf (the oracles
// wrap it) and ASan sees every copy.
// MemorySanitizer reports an uninitialized value where it decides a branch, an address or a
// call's argument or result (clang 19 checks arguments and results eagerly), with the
// origin of the value (track-origins=2: where it was created and stored).
// Unsigned wraps, narrowing truncations and floating division by zero (an infinity) are
// defined behaviour, checked only so that an integer-overflow or divide-by-zero finding on
// such arithmetic can be proven: the oracle runtime lets them pass except at the lines of
// findings (WORK/oracle/finding-lines, see writeFindingLines).
constexpr const char *kDefinedBehaviourChecks =
    "unsigned-integer-overflow,implicit-integer-truncation,float-divide-by-zero";

std::vector<std::string> sanitizerFlags(SanitizerFlavour flavour) {
  std::vector<std::string> common = {"-g", "-O0", "-fno-omit-frame-pointer", "-fno-optimize-sibling-calls",
                                     "-fsanitize=fuzzer-no-link", "-U_FORTIFY_SOURCE", "-D_FORTIFY_SOURCE=0", "-w"};
  common.insert(common.end(), legacyCodeAsWarnings().begin(), legacyCodeAsWarnings().end());
  if (flavour == SanitizerFlavour::Memory)
    common.insert(common.end(), {"-fsanitize=memory", "-fsanitize-memory-track-origins=2"});
  else
    common.insert(common.end(), {"-fsanitize=address,undefined," + std::string(kDefinedBehaviourChecks),
                                 "-fsanitize-recover=address,undefined," + std::string(kDefinedBehaviourChecks)});
  return common;
}

const char *runtimeSanitizer(SanitizerFlavour flavour) {
  return flavour == SanitizerFlavour::Memory ? "-fsanitize=memory" : "-fsanitize=address";
}

const char *linkSanitizers(SanitizerFlavour flavour) {
  return flavour == SanitizerFlavour::Memory ? "-fsanitize=fuzzer,memory" : "-fsanitize=fuzzer,address,undefined";
}

bool isCxx(const CompileCommand &c) {
  std::string ext = fs::path(c.file).extension().string();
  if (ext == ".cpp" || ext == ".cc" || ext == ".cxx" || ext == ".C" || ext == ".c++") return true;
  if (!c.arguments.empty() && fs::path(c.arguments[0]).filename().string().find("++") != std::string::npos) return true;
  return false;
}

// The original command minus what confirm replaces: output, optimisation, sanitizers,
// dependency files, warnings-as-errors, LTO and profiling.
std::vector<std::string> keptFlags(const CompileCommand &c) {
  std::vector<std::string> out;
  const auto &a = c.arguments;
  for (size_t i = 1; i < a.size(); ++i) {
    const std::string &x = a[i];
    if (x == "-o" || x == "-MF" || x == "-MT" || x == "-MQ") {
      ++i;
      continue;
    }
    if (x == "-c" || x == "-S" || x == "-E" || x == "-MD" || x == "-MMD" || x == "-M" || x == "-MM" || x == "-MP") continue;
    if (x.rfind("-O", 0) == 0 || x.rfind("-g", 0) == 0 || x.rfind("-fsanitize", 0) == 0 || x.rfind("-fno-sanitize", 0) == 0 ||
        x.rfind("-Werror", 0) == 0 || x.rfind("-flto", 0) == 0 || x.rfind("-fprofile", 0) == 0 ||
        x.rfind("-fcoverage", 0) == 0 || x.rfind("-o", 0) == 0 || x.rfind("-D_FORTIFY_SOURCE", 0) == 0 ||
        x == "-pipe" || x == "-fno-exceptions" || x.rfind("-march=", 0) == 0)
      continue;
    if (fs::path(x).lexically_normal() == fs::path(c.file).lexically_normal()) continue;
    if (x == fs::path(c.file).filename().string() || fs::absolute(fs::path(c.directory) / x).lexically_normal() == fs::path(c.file)) continue;
    out.push_back(x);
  }
  return out;
}

std::string firstLines(const std::string &text, unsigned n) {
  std::istringstream in(text);
  std::string line, out;
  unsigned kept = 0;
  while (std::getline(in, line) && kept < n) {
    if (line.find("error") == std::string::npos && kept == 0) continue;
    out += (kept ? "\n    " : "") + line;
    ++kept;
  }
  if (out.empty()) {
    in.clear();
    std::istringstream again(text);
    while (std::getline(again, line) && kept < n) {
      out += (kept ? "\n    " : "") + line;
      ++kept;
    }
  }
  return out;
}

struct Object {
  std::string source;
  std::string path;
  bool cxx = false;
  bool definesMain = false;
  bool definesFuzzer = false;
};

SandboxLimits buildLimits() {
  SandboxLimits l;
  l.timeoutSeconds = 600;
  l.cpuSeconds = 1200;
  l.memoryMiB = 8192;
  return l;
}

// Reads the global symbols an object defines.
std::set<std::string> definedSymbols(const std::string &object) {
  ProcessResult r = runSandboxed({"llvm-nm-19", "--defined-only", "-g", "-j", object}, "", buildLimits());
  std::set<std::string> names;
  std::istringstream in(r.output);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) names.insert(line);
  return names;
}

Object compile(const CompileCommand &c, const std::string &objDir, unsigned index, SanitizerFlavour flavour,
               std::vector<Diagnostic> &diags, std::mutex &diagMutex) {
  Object o;
  o.source = c.file;
  o.cxx = isCxx(c);
  o.path = (fs::path(objDir) / (std::to_string(index) + "-" + fs::path(c.file).stem().string() + ".o")).string();
  std::vector<std::string> argv = {o.cxx ? "clang++-19" : "clang-19"};
  std::vector<std::string> kept = keptFlags(c);
  argv.insert(argv.end(), kept.begin(), kept.end());
  std::vector<std::string> flags = sanitizerFlags(flavour);
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.insert(argv.end(), {"-c", c.file, "-o", o.path});
  ProcessResult r = runSandboxed(argv, c.directory, buildLimits());
  if (!r.ok()) {
    std::lock_guard<std::mutex> lock(diagMutex);
    diags.push_back({Diagnostic::Level::Error, c.file,
                     "does not build with the sanitizers; its findings stay suspected:\n    " + firstLines(r.output, 4)});
    o.path.clear();
    return o;
  }
  std::set<std::string> syms = definedSymbols(o.path);
  o.definesMain = syms.count("main") > 0;
  o.definesFuzzer = syms.count("LLVMFuzzerTestOneInput") > 0;
  return o;
}

// A fuzz target that is not in the database borrows the flags of the entry nearest to it.
CompileCommand borrowFlags(const CompileDatabase &db, const std::string &source) {
  const CompileCommand *best = nullptr;
  size_t bestLen = 0;
  bool wantCxx = isCxx(CompileCommand{"", source, {}});
  for (const CompileCommand &c : db.commands) {
    if (isCxx(c) != wantCxx && best) continue;
    fs::path a = fs::path(c.file).parent_path(), b = fs::path(source).parent_path();
    auto mm = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
    size_t len = static_cast<size_t>(std::distance(a.begin(), mm.first));
    if (!best || len > bestLen || (isCxx(*best) != wantCxx && isCxx(c) == wantCxx)) {
      best = &c;
      bestLen = len;
    }
  }
  CompileCommand c;
  c.file = source;
  c.directory = fs::path(source).parent_path().string();
  c.arguments = {wantCxx ? "clang++-19" : "clang-19"};
  if (best) {
    c.directory = best->directory;
    std::vector<std::string> kept = keptFlags(*best);
    c.arguments.insert(c.arguments.end(), kept.begin(), kept.end());
  }
  return c;
}

}  // namespace

const char *oracleRuntimeSource() { return kOracleSource; }

const std::vector<std::string> &oracleWrappedSymbols() {
  static const std::vector<std::string> names = {
      "printf", "fprintf", "sprintf", "snprintf", "dprintf", "syslog", "vprintf", "vfprintf", "vsprintf", "vsnprintf",
      "vdprintf", "vsyslog", "system", "popen", "pclose", "execl", "execlp", "execle", "execv", "execvp", "execve", "fopen", "fopen64", "freopen", "open", "open64", "openat",
      "creat", "opendir", "unlink", "remove", "connect", "bind", "accept", "accept4", "LLVMFuzzerTestOneInput"};
  return names;
}

std::vector<std::string> discoverFuzzTargets(const std::string &root, const std::string &skip) {
  std::vector<std::string> found;
  static const std::regex definition(R"(LLVMFuzzerTestOneInput\s*\([^;{)]*\)\s*\{)");
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path &p = it->path();
    if (it->is_directory(ec)) {
      std::string name = p.filename().string();
      bool buildDir = fs::exists(p / "CMakeCache.txt", ec) || fs::exists(p / "CMakeFiles", ec);
      if (name.starts_with(".") || buildDir || (!skip.empty() && fs::equivalent(p, skip, ec)))
        it.disable_recursion_pending();
      continue;
    }
    std::string ext = p.extension().string();
    if (ext != ".c" && ext != ".cc" && ext != ".cpp" && ext != ".cxx") continue;
    if (it->file_size(ec) > (4u << 20)) continue;
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    std::string text = ss.str();
    if (text.find("LLVMFuzzerTestOneInput") != std::string::npos && std::regex_search(text, definition))
      found.push_back(fs::absolute(p).lexically_normal().string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

SanitizerBuild buildWithSanitizers(const CompileDatabase &db, const SanitizerBuildOptions &opts,
                                   std::vector<Diagnostic> &diags) {
  SanitizerBuild build;
  fs::path objDir = fs::path(opts.workDir) / "obj", binDir = fs::path(opts.workDir) / "bin",
           oracleDir = fs::path(opts.workDir) / "oracle";
  std::error_code ec;
  fs::remove_all(objDir, ec);
  fs::create_directories(objDir);
  fs::create_directories(binDir);
  fs::create_directories(oracleDir);

  // The commands to compile: the database, plus fuzz targets found outside it.
  std::vector<CompileCommand> commands = db.commands;
  std::set<std::string> inDatabase;
  for (const CompileCommand &c : db.commands) inDatabase.insert(fs::path(c.file).lexically_normal().string());
  std::vector<std::string> extra = opts.extraTargets;
  if (!opts.projectRoot.empty() && fs::path(opts.projectRoot).has_relative_path())
    for (const std::string &t : discoverFuzzTargets(opts.projectRoot, opts.workDir)) extra.push_back(t);
  for (const std::string &t : extra) {
    std::string norm = fs::absolute(t).lexically_normal().string();
    if (inDatabase.insert(norm).second) commands.push_back(borrowFlags(db, norm));
  }

  // Compile in parallel; each compile is sandboxed.
  std::vector<Object> objects(commands.size());
  std::mutex diagMutex;
  unsigned jobs = std::max(1u, opts.jobs);
  for (size_t start = 0; start < commands.size(); start += jobs) {
    std::vector<std::future<Object>> running;
    for (size_t i = start; i < std::min(commands.size(), start + jobs); ++i)
      running.push_back(std::async(std::launch::async, [&, i] {
        return compile(commands[i], objDir.string(), static_cast<unsigned>(i), opts.flavour, diags, diagMutex);
      }));
    for (size_t i = start; i < std::min(commands.size(), start + jobs); ++i) objects[i] = running[i - start].get();
  }
  for (const Object &o : objects) (o.path.empty() ? build.failed : build.compiled)++;

  // The oracle runtime, compiled once.
  fs::path oracleC = oracleDir / "oracle.c", oracleO = oracleDir / "oracle.o";
  std::ofstream(oracleC, std::ios::trunc) << kOracleSource;
  ProcessResult ro = runSandboxed({"clang-19", "-c", "-g", "-O1", runtimeSanitizer(opts.flavour), "-w", oracleC.string(), "-o",
                                   oracleO.string()},
                                  oracleDir.string(), buildLimits());
  if (!ro.ok()) {
    diags.push_back({Diagnostic::Level::Error, oracleC.string(), "mamori's oracle runtime does not build: " + firstLines(ro.output, 4)});
    return build;
  }

  // One binary per fuzz target: the target, every object without main or a fuzz entry,
  // and the oracles.
  std::vector<const Object *> library;
  bool anyCxx = false;
  for (const Object &o : objects)
    if (!o.path.empty() && !o.definesMain && !o.definesFuzzer) {
      library.push_back(&o);
      anyCxx |= o.cxx;
    }
  // Synthesized harnesses: compiled with their unit's command; the unit itself is
  // #included, so its own object stays out of their link.
  std::vector<Object> harnessObjects;
  std::map<std::string, std::string> harnessUnit, harnessFunction;
  for (size_t i = 0; i < opts.harnesses.size(); ++i) {
    Object o = compile(opts.harnesses[i].command, objDir.string(), static_cast<unsigned>(commands.size() + i),
                       opts.flavour, diags, diagMutex);
    if (o.path.empty()) continue;
    o.definesFuzzer = true;
    harnessUnit[o.source] = opts.harnesses[i].unitFile;
    harnessFunction[o.source] = opts.harnesses[i].function;
    harnessObjects.push_back(o);
  }
  std::vector<const Object *> entries;
  for (const Object &o : objects)
    if (!o.path.empty() && o.definesFuzzer) entries.push_back(&o);
  for (const Object &o : harnessObjects) entries.push_back(&o);

  std::set<std::string> names;
  for (const Object *entry : entries) {
    const Object &o = *entry;
    FuzzTarget t;
    t.source = o.source;
    auto unit = harnessUnit.find(o.source);
    t.synthesized = unit != harnessUnit.end();
    t.name = fs::path(o.source).stem().string();
    while (!names.insert(t.name).second) t.name += "_";
    t.binary = (binDir / t.name).string();
    std::vector<std::string> argv = {anyCxx || o.cxx ? "clang++-19" : "clang-19", linkSanitizers(opts.flavour),
                                     "-o", t.binary, o.path};
    t.linkedSources.push_back(o.source);
    if (t.synthesized) {
      t.linkedSources.push_back(unit->second);
      t.unitFile = unit->second;
      t.function = harnessFunction[o.source];
    }
    for (const Object *l : library) {
      if (t.synthesized && fs::path(l->source).lexically_normal() == fs::path(unit->second).lexically_normal()) continue;
      argv.push_back(l->path);
      t.linkedSources.push_back(l->source);
    }
    argv.push_back(oracleO.string());
    for (const std::string &s : oracleWrappedSymbols()) argv.push_back("-Wl,--wrap=" + s);
    argv.insert(argv.end(), opts.linkFlags.begin(), opts.linkFlags.end());
    argv.insert(argv.end(), {"-lm", "-lpthread", "-ldl"});
    ProcessResult r = runSandboxed(argv, opts.workDir, buildLimits());
    if (!r.ok() && r.output.find("multiple definition") != std::string::npos) {
      // Several programs' objects in one database can define the same helper; take the first.
      argv.push_back("-Wl,--allow-multiple-definition");
      r = runSandboxed(argv, opts.workDir, buildLimits());
    }
    if (!r.ok()) {
      std::string why = r.output.find("undefined reference") != std::string::npos
                            ? " (a library the compile database does not name? pass it with --link-flag)"
                            : "";
      diags.push_back({Diagnostic::Level::Error, o.source,
                       "fuzz target does not link with the sanitizers" + why + ":\n    " + firstLines(r.output, 4)});
      continue;
    }
    build.targets.push_back(t);
  }
  for (FuzzTarget &t : build.targets)
    for (const FuzzTarget &other : build.targets)
      if (&other != &t && t.synthesized && other.synthesized && other.unitFile == t.unitFile &&
          other.function != t.function)
        t.siblingFunctions.insert(other.function);
  return build;
}

}  // namespace mamori
