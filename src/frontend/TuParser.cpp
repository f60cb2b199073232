#include "frontend/TuParser.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <filesystem>

#ifndef MAMORI_CLANG_RESOURCE_DIR
#define MAMORI_CLANG_RESOURCE_DIR "/usr/lib/llvm-19/lib/clang/19"
#endif

namespace mamori {

namespace {

// Collects errors instead of printing them: the scan reports them as diagnostics.
class CollectingDiagnostics : public clang::DiagnosticConsumer {
public:
  explicit CollectingDiagnostics(const std::string &file) : file_(file) {}
  unsigned errors = 0;
  std::string firstError;

  void HandleDiagnostic(clang::DiagnosticsEngine::Level level, const clang::Diagnostic &info) override {
    clang::DiagnosticConsumer::HandleDiagnostic(level, info);
    if (level < clang::DiagnosticsEngine::Error) return;
    ++errors;
    if (!firstError.empty()) return;
    llvm::SmallString<256> msg;
    info.FormatDiagnostic(msg);
    std::string where;
    if (info.hasSourceManager() && info.getLocation().isValid()) {
      const clang::SourceManager &sm = info.getSourceManager();
      clang::PresumedLoc p = sm.getPresumedLoc(sm.getExpansionLoc(info.getLocation()));
      if (p.isValid()) where = std::string(p.getFilename()) + ":" + std::to_string(p.getLine()) + ": ";
    }
    firstError = where + std::string(msg.str());
  }

private:
  std::string file_;
};

class CallbackConsumer : public clang::ASTConsumer {
public:
  CallbackConsumer(const AstCallback &cb, CollectingDiagnostics &diags, bool &ran)
      : cb_(cb), diags_(diags), ran_(ran) {}
  void HandleTranslationUnit(clang::ASTContext &ctx) override {
    if (diags_.errors > 0) return;  // an AST with errors holds guesses, not the program
    ran_ = true;
    cb_(ctx);
  }

private:
  const AstCallback &cb_;
  CollectingDiagnostics &diags_;
  bool &ran_;
};

class CallbackAction : public clang::ASTFrontendAction {
public:
  CallbackAction(const AstCallback &cb, CollectingDiagnostics &diags, bool &ran) : cb_(cb), diags_(diags), ran_(ran) {}
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance &, llvm::StringRef) override {
    return std::make_unique<CallbackConsumer>(cb_, diags_, ran_);
  }

private:
  const AstCallback &cb_;
  CollectingDiagnostics &diags_;
  bool &ran_;
};

bool isCompilerFlagWithValue(const std::string &a) {
  return a == "-o" || a == "-MF" || a == "-MT" || a == "-MQ" || a == "-MJ" || a == "--serialize-diagnostics";
}

}  // namespace

const std::vector<std::string> &legacyCodeAsWarnings() {
  static const std::vector<std::string> flags = {
      "-Wno-error=implicit-function-declaration", "-Wno-error=implicit-int", "-Wno-error=int-conversion",
      "-Wno-error=incompatible-pointer-types", "-Wno-error=incompatible-function-pointer-types"};
  return flags;
}

std::vector<std::string> adjustedArguments(const CompileCommand &cmd) {
  std::vector<std::string> out;
  const auto &in = cmd.arguments;
  out.push_back(in.empty() ? "clang" : in[0]);
  const std::string fileName = std::filesystem::path(cmd.file).filename().string();
  for (size_t i = 1; i < in.size(); ++i) {
    const std::string &a = in[i];
    if (isCompilerFlagWithValue(a)) {
      ++i;
      continue;
    }
    if (a == "-c" || a == "-M" || a == "-MM" || a == "-MD" || a == "-MMD" || a == "-MP" || a == "-MG" ||
        (a.rfind("-o", 0) == 0 && a.size() > 2 && a[2] != 'p'))
      continue;
    if (a.rfind("-Werror", 0) == 0 || a.rfind("-fsanitize", 0) == 0 || a.rfind("-fprofile", 0) == 0) continue;
    // The compiled file itself is appended by the tooling layer; keep other inputs out.
    if (a == cmd.file || (!a.empty() && a[0] != '-' && std::filesystem::path(a).filename() == fileName)) continue;
    out.push_back(a);
  }
  out.push_back("-fsyntax-only");
  out.push_back("-w");  // the target's warnings are not our business
  out.push_back("-Wno-error");
  // A project that builds with GCC 12 must not lose its translation units here.
  out.insert(out.end(), legacyCodeAsWarnings().begin(), legacyCodeAsWarnings().end());
  out.push_back("-Qunused-arguments");
  out.push_back("-Wno-unknown-warning-option");
  out.push_back("-resource-dir=" MAMORI_CLANG_RESOURCE_DIR);
  out.push_back(cmd.file);
  return out;
}

TuParseResult parseTranslationUnit(const CompileCommand &cmd, const AstCallback &callback) {
  TuParseResult result;
  std::vector<std::string> args = adjustedArguments(cmd);
  CollectingDiagnostics diags(cmd.file);
  bool ran = false;

  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> fs(llvm::vfs::createPhysicalFileSystem().release());
  // The tooling layer hands Clang our FileManager, so Clang would ignore -ivfsoverlay;
  // apply it here. `mamori fix` uses it to analyse a patched file in place of the original.
  for (size_t i = 0; i + 1 < cmd.arguments.size(); ++i) {
    if (cmd.arguments[i] != "-ivfsoverlay") continue;
    auto yaml = llvm::MemoryBuffer::getFile(cmd.arguments[i + 1]);
    llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> overlay =
        yaml ? llvm::vfs::getVFSFromYAML(std::move(*yaml), nullptr, cmd.arguments[i + 1], nullptr, fs) : nullptr;
    if (!overlay) {
      result.diagnostics.push_back({Diagnostic::Level::Error, cmd.arguments[i + 1],
                                    "cannot read this file overlay; translation unit skipped"});
      return result;
    }
    fs = overlay;
  }
  fs->setCurrentWorkingDirectory(cmd.directory);
  llvm::IntrusiveRefCntPtr<clang::FileManager> files(new clang::FileManager(clang::FileSystemOptions(), fs));
  clang::tooling::ToolInvocation invocation(args, std::make_unique<CallbackAction>(callback, diags, ran), files.get());
  invocation.setDiagnosticConsumer(&diags);
  bool ok = invocation.run();

  if (diags.errors > 0) {
    result.diagnostics.push_back({Diagnostic::Level::Error, cmd.file,
                                  "does not compile (" + std::to_string(diags.errors) + " error" +
                                      (diags.errors == 1 ? "" : "s") + "; first: " + diags.firstError +
                                      "); translation unit skipped"});
  } else if (!ok || !ran) {
    result.diagnostics.push_back(
        {Diagnostic::Level::Error, cmd.file, "the Clang front end could not process it; translation unit skipped"});
  }
  result.parsed = ran;
  return result;
}

}  // namespace mamori
