#include "repair/Repair.h"

#include "frontend/TuParser.h"
#include "repair/Patch.h"
#include "repair/Strategy.h"
#include "repair/Validation.h"
#include "support/Process.h"

#include "clang/AST/ASTContext.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include "core/FindingJson.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace mamori {

namespace {

struct Proposal {
  std::vector<FixCandidate> candidates;
  std::string why;  // when there are none
};

// Parses the file's translation unit once and asks every strategy about every finding in it.
// The edits carry byte offsets; their lines and columns are placed by the caller.
std::vector<Proposal> propose(const CompileCommand &cmd, const std::string &file, const std::vector<Finding *> &findings,
                              std::string &error) {
  std::vector<Proposal> out(findings.size());
  bool ran = false;
  TuParseResult parsed = parseTranslationUnit(cmd, [&](clang::ASTContext &ctx) {
    ran = true;
    StatementIndex index(ctx, file);
    if (index.fileId().isInvalid()) {
      error = "the translation unit does not read this file";
      return;
    }
    for (size_t i = 0; i < findings.size(); ++i) {
      FixSite site(ctx, index, *findings[i]);
      std::string why;
      for (const auto &strategy : allStrategies()) {
        if (!strategy->handles(*findings[i])) continue;
        std::string reason;
        std::vector<FixCandidate> c = strategy->propose(site, reason);
        for (FixCandidate &cand : c) {
          for (TextEdit &e : cand.edits) e.file = file;
          out[i].candidates.push_back(std::move(cand));
        }
        if (c.empty() && why.empty()) why = reason;
      }
      if (out[i].candidates.empty())
        out[i].why = why.empty() ? "mamori has no repair strategy for CWE-" + std::to_string(findings[i]->cwe) + " yet" : why;
    }
  });
  if (!ran && error.empty()) {
    error = "the file's translation unit could not be parsed again";
    for (const Diagnostic &d : parsed.diagnostics) error += ": " + d.message;
  }
  return out;
}

std::string readFile(const std::string &path, bool &ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// propose() in a child process: a crash in Clang or in a strategy costs this file's
// patches, not the run and its results.
std::vector<Proposal> proposeIsolated(const CompileCommand &cmd, const std::string &file,
                                      const std::vector<Finding *> &findings, std::string &original, std::string &error,
                                      const std::string &workDir) {
  std::error_code ec;
  fs::create_directories(workDir, ec);
  fs::path out = fs::path(workDir) / ("proposals-" + std::to_string(getpid()) + ".json");
  std::cout.flush();
  std::cerr.flush();
  pid_t pid = fork();
  if (pid == 0) {
    nlohmann::json j;
    std::string err;
    std::vector<Proposal> p = propose(cmd, file, findings, err);
    j["error"] = err;
    j["proposals"] = nlohmann::json::array();
    for (const Proposal &pr : p) {
      nlohmann::json cands = nlohmann::json::array();
      for (const FixCandidate &c : pr.candidates) {
        Fix f;
        f.strategy = c.strategy;
        f.description = c.description;
        f.edits = c.edits;
        cands.push_back(toJson(f));
      }
      j["proposals"].push_back({{"why", pr.why}, {"candidates", cands}});
    }
    std::ofstream(out, std::ios::binary | std::ios::trunc)
        << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    _exit(0);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    error = pid < 0 ? "cannot start a process to analyse the file"
                    : "mamori's repair stage crashed on this file (signal " +
                          std::to_string(WIFSIGNALED(status) ? WTERMSIG(status) : 0) + "); please report it";
    fs::remove(out, ec);
    return {};
  }
  std::vector<Proposal> result(findings.size());
  try {
    std::ifstream in(out, std::ios::binary);
    nlohmann::json j = nlohmann::json::parse(in);
    // The text as it is on disk (JSON would mangle bytes that are not UTF-8).
    bool ok = false;
    original = readFile(file, ok);
    if (!ok) throw std::runtime_error(file + ": cannot be read");
    error = j.at("error").get<std::string>();
    const auto &ps = j.at("proposals");
    for (size_t i = 0; i < ps.size() && i < result.size(); ++i) {
      result[i].why = ps[i].at("why").get<std::string>();
      for (const auto &c : ps[i].at("candidates")) {
        FixCandidate fc;
        fc.strategy = c.at("strategy").get<std::string>();
        fc.description = c.at("description").get<std::string>();
        for (const auto &e : c.at("edits")) {
          TextEdit te;
          te.file = e.at("file").get<std::string>();
          te.offset = e.at("offset").get<unsigned>();
          te.length = e.at("length").get<unsigned>();
          te.replacement = e.at("replacement").get<std::string>();
          fc.edits.push_back(te);
        }
        locateEdits(original, fc.edits);
        result[i].candidates.push_back(std::move(fc));
      }
    }
  } catch (const std::exception &e) {
    error = std::string("cannot read the repair stage's proposals: ") + e.what();
  }
  fs::remove(out, ec);
  return result;
}

std::string relativeLabel(const std::string &file, const std::string &root) {
  std::error_code ec;
  fs::path rel = fs::path(file).lexically_relative(root);
  if (rel.empty() || rel.native().rfind("..", 0) == 0) return fs::path(file).relative_path().string();
  return rel.string();
}


// The compile command that reads `file`: its own, or, for a header, that of the first
// translation unit whose source includes it by name (`#include "util.h"`). A header is
// patched once, in its own text, and judged through that unit.
const CompileCommand *unitFor(const CompileDatabase &db, const std::string &file) {
  for (const CompileCommand &c : db.commands)
    if (c.file == file) return &c;
  std::string name = fs::path(file).filename().string();
  for (const CompileCommand &c : db.commands) {
    bool ok = false;
    std::istringstream text(readFile(c.file, ok));
    std::string line;
    while (ok && std::getline(text, line)) {
      size_t hash = line.find_first_not_of(" \t");
      if (hash == std::string::npos || line[hash] != '#' || line.find("include", hash) == std::string::npos) continue;
      size_t open = line.find_first_of("\"<", hash);
      size_t close = open == std::string::npos ? open : line.find_first_of("\">", open + 1);
      if (close == std::string::npos) continue;
      std::string included = line.substr(open + 1, close - open - 1);
      if (fs::path(included).filename() != name) continue;
      // The same name in another folder is another header: resolve it as the compiler would,
      // next to the source or under an -I folder.
      std::error_code ec;
      if (fs::equivalent(fs::path(c.file).parent_path() / included, file, ec)) return &c;
      for (size_t i = 0; i + 1 < c.arguments.size(); ++i) {
        std::string dir;
        if (c.arguments[i] == "-I" || c.arguments[i] == "-iquote" || c.arguments[i] == "-isystem") dir = c.arguments[i + 1];
        else if (c.arguments[i].rfind("-I", 0) == 0) dir = c.arguments[i].substr(2);
        if (dir.empty()) continue;
        fs::path base = fs::path(dir).is_absolute() ? fs::path(dir) : fs::path(c.directory) / dir;
        if (fs::equivalent(base / included, file, ec)) return &c;
      }
    }
  }
  return nullptr;
}

// `git status --porcelain` for one file; empty when it is clean or not under git.
std::string uncommittedChanges(const std::string &file) {
  if (!programExists("git")) return "";
  SandboxLimits limits;
  limits.timeoutSeconds = 60;
  ProcessResult r = runSandboxed({"git", "-C", fs::path(file).parent_path().string(), "status", "--porcelain", "--", file},
                                 fs::path(file).parent_path().string(), limits);
  return r.ok() ? r.output : "";
}

void applyValidated(ScanReport &report, const FixOptions &opts, Validator &validator,
                    const std::map<std::string, std::string> &originals,
                    const std::map<std::string, const CompileCommand *> &units, FixStats &stats) {
  // Group validated fixes by file, in report order.
  std::map<std::string, std::vector<Finding *>> byFile;
  for (Finding &f : report.findings)
    if (f.fix && f.fix->validated && !f.fix->edits.empty()) byFile[f.fix->edits.front().file].push_back(&f);
  struct Write {
    std::string file, text;
    unsigned patches;
  };
  std::vector<Write> writes;
  for (auto &[file, fixes] : byFile) {
    auto orig = originals.find(file);
    bool ok = false;
    std::string now = readFile(file, ok);
    if (!ok || orig == originals.end() || now != orig->second) {
      stats.applyErrors.push_back(file + ": changed since it was scanned; not patched");
      continue;
    }
    if (!opts.force) {
      std::string dirty = uncommittedChanges(file);
      if (!dirty.empty()) {
        stats.applyErrors.push_back(file + ": has uncommitted changes; not patched (--force overrides)");
        continue;
      }
    }
    // Permission bits count even for root: a tree made read-only is meant to stay as it is.
    struct stat st {};
    if (access(file.c_str(), W_OK) != 0 || stat(file.c_str(), &st) != 0 || (st.st_mode & 0222) == 0) {
      stats.applyErrors.push_back(file + ": cannot be written; not patched");
      continue;
    }
    // Combine the file's patches; a patch that overlaps an earlier one waits for a rescan.
    std::vector<TextEdit> combined;
    std::string text = orig->second;
    unsigned count = 0;
    for (Finding *f : fixes) {
      std::vector<TextEdit> trial = combined;
      for (const TextEdit &e : f->fix->edits) {
        // A helper function that several patches add at the same place is added once.
        bool same = std::any_of(combined.begin(), combined.end(), [&](const TextEdit &c) {
          return c.offset == e.offset && c.length == e.length && c.replacement == e.replacement;
        });
        if (!same) trial.push_back(e);
      }
      try {
        text = applyEdits(orig->second, trial);
        combined = std::move(trial);
        ++count;
      } catch (const std::exception &) {
        stats.applyErrors.push_back(file + ": the patch for " + f->ruleId + " at line " + std::to_string(f->location.line) +
                                    " overlaps another one; run mamori fix again after this one");
      }
    }
    text = applyEdits(orig->second, combined);
    std::string detail;
    if (count > 1 && !validator.compiles(*units.at(file), file, text, detail)) {
      stats.applyErrors.push_back(file + ": its patches do not compile together (" + detail + "); not patched");
      continue;
    }
    writes.push_back({file, text, count});
  }
  for (const Write &w : writes) {
    std::ofstream out(w.file, std::ios::binary | std::ios::trunc);
    if (!out || !(out << w.text)) {
      stats.applyErrors.push_back(w.file + ": writing failed");
      continue;
    }
    stats.applied += w.patches;
  }
}

}  // namespace

FixStats fixFindings(const CompileDatabase &db, ScanReport &report, const FixOptions &opts) {
  auto started = std::chrono::steady_clock::now();
  FixStats stats;
  stats.findings = static_cast<unsigned>(report.findings.size());
  Validator validator(db, report, opts);

  // Findings by the file they are in, each with a translation unit that compiles it.
  std::map<std::string, std::vector<Finding *>> byFile;
  for (Finding &f : report.findings) {
    // A finding only the sanitizers saw has no static trace, and a rescan cannot tell that
    // it is gone: its patch is judged by replaying its proof, so it needs that stage.
    if (f.proof && f.proof->dynamicOnly && !opts.confirm) {
      f.noFixReason = "found only by the sanitizers, and its proof is not replayed in this run";
      continue;
    }
    byFile[f.location.file].push_back(&f);
  }
  std::map<std::string, std::string> originals;
  std::map<std::string, const CompileCommand *> units;
  for (auto &[file, findings] : byFile) {
    const CompileCommand *cmd = unitFor(db, file);
    if (!cmd) {
      for (Finding *f : findings)
        f->noFixReason = "no translation unit of the compile database has this file as its source or includes it by name";
      continue;
    }
    units[file] = cmd;
    if (opts.verbose) std::cerr << "mamori: fix: " << file << ": " << findings.size() << " finding(s)\n";
    std::string baselineError;
    if (!validator.compilesUnpatched(*cmd, baselineError)) {
      for (Finding *f : findings) f->noFixReason = "the file does not compile before patching: " + baselineError;
      continue;
    }
    std::string original, error;
    std::vector<Proposal> proposals = proposeIsolated(*cmd, file, findings, original, error, opts.workDir);
    if (!error.empty()) {
      for (Finding *f : findings) f->noFixReason = error;
      continue;
    }
    originals[file] = original;
    for (size_t i = 0; i < findings.size(); ++i) {
      Finding &f = *findings[i];
      if (proposals[i].candidates.empty()) {
        f.noFixReason = proposals[i].why;
        continue;
      }
      std::optional<Fix> best;
      size_t bestProgress = 0;
      for (const FixCandidate &cand : proposals[i].candidates) {
        Fix fx;
        fx.strategy = cand.strategy;
        fx.description = cand.description;
        std::string patched;
        try {
          fx.edits = formatEdits(file, original, cand.edits);
          patched = applyEdits(original, fx.edits);
        } catch (const std::exception &e) {
          continue;  // a strategy bug: never offer it
        }
        fx.diff = unifiedDiff(relativeLabel(file, report.projectRoot), original, patched);
        size_t progress = validator.validate(*cmd, file, f, patched, fx);
        if (!best || progress > bestProgress) {
          best = fx;
          bestProgress = progress;
        }
        if (fx.validated) break;
      }
      if (!best) {
        f.noFixReason = "the proposed edits overlap";
        continue;
      }
      f.fix = std::move(best);
      ++stats.proposed;
      if (f.fix->validated) ++stats.validated;
    }
  }
  if (opts.apply) {
    if (report.stats.failed > 0)
      stats.applyErrors.push_back(std::to_string(report.stats.failed) +
                                  " translation unit(s) could not be analyzed, so the project does not build as it "
                                  "is; nothing was patched");
    else
      applyValidated(report, opts, validator, originals, units, stats);
  }
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return stats;
}

}  // namespace mamori
