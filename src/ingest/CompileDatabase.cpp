#include "ingest/CompileDatabase.h"

#include "support/Process.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;

namespace mamori {

std::vector<std::string> splitCommandLine(const std::string &command) {
  std::vector<std::string> out;
  std::string cur;
  bool inToken = false;
  char quote = 0;
  for (size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < command.size() &&
                 (command[i + 1] == '"' || command[i + 1] == '\\')) {
        cur += command[++i];
      } else {
        cur += c;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      inToken = true;
    } else if (c == '\\' && i + 1 < command.size()) {
      cur += command[++i];
      inToken = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (inToken) out.push_back(cur);
      cur.clear();
      inToken = false;
    } else {
      cur += c;
      inToken = true;
    }
  }
  if (inToken) out.push_back(cur);
  return out;
}

static bool isSourceFile(const std::string &path) {
  static const std::set<std::string> exts = {".c", ".cc", ".cpp", ".cxx", ".c++", ".C", ".cp", ".i", ".ii"};
  return exts.count(fs::path(path).extension().string()) != 0;
}

CompileDatabase loadCompileDatabase(const std::string &path, std::vector<Diagnostic> &diags) {
  CompileDatabase db;
  db.path = fs::absolute(path).lexically_normal().string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IngestError(path + ": cannot open the compile database");
  json doc;
  try {
    doc = json::parse(in);
  } catch (const json::parse_error &e) {
    throw IngestError(path + ": not valid JSON: " + e.what());
  }
  if (!doc.is_array())
    throw IngestError(path + ": a compile database must be a JSON array of entries");
  const fs::path dbDir = fs::path(db.path).parent_path();
  std::set<std::string> seen;
  size_t index = 0;
  for (const json &entry : doc) {
    ++index;
    auto problem = [&](const std::string &what) {
      diags.push_back({Diagnostic::Level::Warning, db.path,
                       "entry " + std::to_string(index) + ": " + what + "; entry skipped"});
    };
    if (!entry.is_object()) {
      problem("not a JSON object");
      continue;
    }
    if (!entry.contains("directory") || !entry["directory"].is_string()) {
      problem("missing string field 'directory'");
      continue;
    }
    if (!entry.contains("file") || !entry["file"].is_string()) {
      problem("missing string field 'file'");
      continue;
    }
    CompileCommand cmd;
    fs::path dir = entry["directory"].get<std::string>();
    if (dir.is_relative()) {
      // The spec wants absolute directories; resolve against the database's folder.
      dir = dbDir / dir;
    }
    cmd.directory = dir.lexically_normal().string();
    fs::path file = entry["file"].get<std::string>();
    if (file.is_relative()) file = dir / file;
    cmd.file = file.lexically_normal().string();
    if (entry.contains("arguments")) {
      if (!entry["arguments"].is_array()) {
        problem("'arguments' is not an array");
        continue;
      }
      bool bad = false;
      for (const json &a : entry["arguments"]) {
        if (!a.is_string()) { bad = true; break; }
        cmd.arguments.push_back(a.get<std::string>());
      }
      if (bad) {
        problem("'arguments' holds a non-string");
        continue;
      }
    } else if (entry.contains("command") && entry["command"].is_string()) {
      cmd.arguments = splitCommandLine(entry["command"].get<std::string>());
    } else {
      problem("needs 'arguments' (array) or 'command' (string)");
      continue;
    }
    if (cmd.arguments.empty()) {
      problem("empty compiler command");
      continue;
    }
    if (!isSourceFile(cmd.file)) {
      problem("'" + cmd.file + "' is not a C or C++ source file");
      continue;
    }
    std::error_code ec;
    if (!fs::is_regular_file(cmd.file, ec)) {
      diags.push_back({Diagnostic::Level::Warning, cmd.file,
                       "listed in " + db.path + " but does not exist; skipped"});
      continue;
    }
    if (!seen.insert(cmd.file).second) continue;
    db.commands.push_back(std::move(cmd));
  }
  return db;
}

static std::string findExisting(const std::vector<fs::path> &candidates) {
  std::error_code ec;
  for (const fs::path &c : candidates)
    if (fs::is_regular_file(c / "compile_commands.json", ec)) return (c / "compile_commands.json").string();
  return {};
}

// Replaces every occurrence of `from` with `to` in each string of the database: a generated
// database refers to the scratch copy, findings must refer to the user's files.
static void remapDatabase(const std::string &dbPath, const std::string &from, const std::string &to) {
  std::ifstream in(dbPath);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  std::string out;
  size_t pos = 0;
  for (;;) {
    size_t hit = text.find(from, pos);
    if (hit == std::string::npos) break;
    out.append(text, pos, hit - pos);
    out += to;
    pos = hit + from.size();
  }
  out.append(text, pos, std::string::npos);
  std::ofstream(dbPath, std::ios::trunc) << out;
}

// Headers that the build generated in the scratch copy (configure's config.h) are not in
// the user's tree that the remapped database points at: each entry also looks in the same
// folder of the copy, after everything else.
static void addGeneratedHeaderFallback(const std::string &dbPath, const fs::path &copy, const fs::path &project) {
  std::ifstream in(dbPath);
  nlohmann::json db = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  in.close();
  if (!db.is_array()) return;
  for (auto &entry : db) {
    if (!entry.is_object() || !entry.contains("directory") || !entry["directory"].is_string()) continue;
    fs::path rel = fs::path(entry["directory"].get<std::string>()).lexically_relative(project);
    if (rel.empty() || *rel.begin() == "..") continue;
    std::string fallback = (copy / rel).lexically_normal().string();
    if (entry.contains("arguments") && entry["arguments"].is_array()) {
      entry["arguments"].push_back("-idirafter");
      entry["arguments"].push_back(fallback);
    } else if (entry.contains("command") && entry["command"].is_string()) {
      entry["command"] = entry["command"].get<std::string>() + " -idirafter '" + fallback + "'";
    }
  }
  std::ofstream(dbPath, std::ios::trunc) << db.dump(2);
}

std::string locateOrGenerateDatabase(const LocateOptions &opts, std::vector<Diagnostic> &diags) {
  std::error_code ec;
  fs::path project = opts.projectDir.empty() ? fs::current_path() : fs::path(opts.projectDir);
  if (!fs::exists(project, ec)) throw IngestError(project.string() + ": no such directory");
  if (!fs::is_directory(project, ec)) throw IngestError(project.string() + ": not a directory");
  project = fs::canonical(project, ec);
  if (!opts.buildDir.empty()) {
    fs::path p = opts.buildDir;
    if (fs::is_regular_file(p, ec) && p.filename() == "compile_commands.json") return p.string();
    std::string found = findExisting({p});
    if (found.empty())
      throw IngestError(p.string() + ": no compile_commands.json in this build folder (-p)");
    return found;
  }
  if (std::string found = findExisting({project, project / "build"}); !found.empty()) return found;

  fs::path scratch = opts.scratchDir;
  fs::create_directories(scratch, ec);
  if (ec) throw IngestError(scratch.string() + ": cannot create scratch folder: " + ec.message());
  SandboxLimits limits;
  limits.timeoutSeconds = 1800;

  if (fs::is_regular_file(project / "CMakeLists.txt", ec)) {
    if (!programExists("cmake"))
      throw IngestError(project.string() + ": CMake project but 'cmake' is not installed");
    fs::path build = scratch / "cmake-build";
    ProcessResult r = runSandboxed({"cmake", "-S", project.string(), "-B", build.string(),
                                    "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"},
                                   project.string(), limits);
    std::string db = (build / "compile_commands.json").string();
    if (!fs::is_regular_file(db, ec)) {
      std::string tail = r.output.size() > 600 ? r.output.substr(r.output.size() - 600) : r.output;
      throw IngestError(project.string() + ": CMake configure failed (" +
                        (r.launchError.empty() ? "exit " + std::to_string(r.exitCode) : r.launchError) +
                        "); generate compile_commands.json yourself and pass -p. CMake said: " + tail);
    }
    diags.push_back({Diagnostic::Level::Note, db, "generated with CMake (CMAKE_EXPORT_COMPILE_COMMANDS)"});
    return db;
  }
  if (fs::is_regular_file(project / "meson.build", ec)) {
    // Meson writes compile_commands.json into every build folder it sets up.
    if (!programExists("meson"))
      throw IngestError(project.string() + ": Meson project but 'meson' is not installed; install meson or pass -p");
    fs::path build = scratch / "meson-build";
    fs::remove_all(build, ec);
    ProcessResult r = runSandboxed({"meson", "setup", build.string(), project.string()}, project.string(), limits);
    std::string db = (build / "compile_commands.json").string();
    if (!fs::is_regular_file(db, ec)) {
      std::string tail = r.output.size() > 600 ? r.output.substr(r.output.size() - 600) : r.output;
      throw IngestError(project.string() + ": meson setup failed; pass -p with a compile_commands.json. Meson said: " + tail);
    }
    diags.push_back({Diagnostic::Level::Note, db, "generated with 'meson setup'"});
    return db;
  }
  bool configure = fs::is_regular_file(project / "configure", ec);
  bool autoconf = fs::is_regular_file(project / "configure.ac", ec) || fs::is_regular_file(project / "configure.in", ec);
  bool makefile = fs::is_regular_file(project / "Makefile", ec) || fs::is_regular_file(project / "makefile", ec) ||
                  fs::is_regular_file(project / "GNUmakefile", ec);
  if (makefile || configure || autoconf) {
    if (!programExists("bear") || !programExists("make"))
      throw IngestError(project.string() +
                        ": Makefile project but 'bear' or 'make' is missing; install bear or pass -p");
    if (!makefile && !configure && !programExists("autoreconf"))
      throw IngestError(project.string() + ": configure.ac without a configure script, and 'autoreconf' is not "
                                           "installed; install autoconf, automake and libtool, or pass -p");
    // Build a scratch copy so the user's tree is never modified, then map paths back.
    fs::path copy = scratch / "tree";
    fs::remove_all(copy, ec);
    fs::copy(project, copy, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    if (ec) throw IngestError(project.string() + ": cannot copy the tree to " + copy.string() + ": " + ec.message());
    // Autotools (or a hand-written configure script): configure first, then make.
    if (!makefile && !configure) runSandboxed({"autoreconf", "-fi"}, copy.string(), limits);
    if (!makefile && fs::is_regular_file(copy / "configure", ec)) {
      ProcessResult c = runSandboxed({"sh", "./configure"}, copy.string(), limits);
      if (!c.ok()) {
        std::string tail = c.output.size() > 600 ? c.output.substr(c.output.size() - 600) : c.output;
        throw IngestError(project.string() + ": ./configure failed; pass -p with a compile_commands.json. It said: " + tail);
      }
    }
    std::string db = (scratch / "compile_commands.json").string();
    ProcessResult r = runSandboxed({"bear", "--output", db, "--", "make", "-k"}, copy.string(), limits);
    if (!fs::is_regular_file(db, ec))
      throw IngestError(project.string() + ": 'bear -- make' produced no compile database (" +
                        (r.launchError.empty() ? "exit " + std::to_string(r.exitCode) : r.launchError) +
                        "); pass -p with a compile_commands.json");
    remapDatabase(db, copy.string(), project.string());
    addGeneratedHeaderFallback(db, copy, project);
    diags.push_back({Diagnostic::Level::Note, db, "generated with 'bear -- make' on a scratch copy"});
    return db;
  }
  throw IngestError(project.string() +
                    ": no compile_commands.json (looked in the folder and its build/), and no "
                    "CMakeLists.txt, meson.build, configure script or Makefile to generate one; pass -p BUILD_DIR or run "
                    "'cmake -DCMAKE_EXPORT_COMPILE_COMMANDS=ON' or 'bear -- make' first");
}

}  // namespace mamori
