// The stages a patch must pass before it is called validated, each recorded on the Fix.
// Patched text reaches Clang through a file overlay (-ivfsoverlay), so the project's files
// are never touched while a patch is judged.
#pragma once

#include "core/ScanReport.h"
#include "ingest/CompileDatabase.h"
#include "repair/Repair.h"

#include <map>
#include <set>
#include <string>

namespace mamori {

class Validator {
public:
  Validator(const CompileDatabase &db, const ScanReport &report, const FixOptions &opts);

  // Whether the file compiles as it is; a project that does not is not patched.
  bool compilesUnpatched(const CompileCommand &cmd, std::string &error);
  // Whether `text` in place of `file` compiles with `cmd`: the file's own compile command,
  // or, for a header, that of a translation unit that includes it.
  bool compiles(const CompileCommand &cmd, const std::string &file, const std::string &text, std::string &error);
  // Runs compile, rescan, proof and tests in order, stopping at the first failure.
  // Returns how many stages passed, so that the furthest candidate can be offered.
  // `file` is the patched file: `cmd`'s source, or a header that `cmd`'s source includes.
  size_t validate(const CompileCommand &cmd, const std::string &file, const Finding &finding, const std::string &patched,
                  Fix &fx);

private:
  std::string writeOverlay(const std::string &file, const std::string &text);
  // The commands that compile `file` (or, with `onlyFile` false, all of them), each given
  // the overlay: any translation unit that reads the patched file sees the patch.
  std::vector<CompileCommand> commandsFor(const std::string &file, const std::string &overlay, bool onlyFile = true) const;
  bool runCompile(const CompileCommand &cmd, const std::string &overlay, std::string &error);
  struct Rescan {
    std::vector<Finding> findings;
    std::multiset<std::string> fingerprints;
    bool complete = true;  // every translation unit was analyzed
  };
  Rescan rescan(const std::vector<CompileCommand> &cmds) const;
  ValidationStage rescanStage(const std::string &file, const std::string &overlay, const Finding &finding);
  ValidationStage testsStage(const std::string &overlay);
  int baselineTests_ = -1;  // -1 not run, 0 failing, 1 passing
  std::string baselineTestsDetail_;

  const CompileDatabase &db_;
  const ScanReport &report_;
  const FixOptions &opts_;
  unsigned overlays_ = 0;
  std::map<std::string, Rescan> baseline_;  // unpatched rescans: per file, "" for the whole database
};

}  // namespace mamori
