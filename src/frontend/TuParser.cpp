#include "frontend/TuParser.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/MultiplexConsumer.h"
#include "clang/Lex/MacroInfo.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Serialization/ASTWriter.h"
#include "clang/Serialization/PCHContainerOperations.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/FileSystem.h"
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

// Runs after the analysis: serializes the AST (Clang's own PCH writer, as `clang -emit-ast`
// does) when the analysis ran and the caller still wants the AST for a later analysis.
class KeptAstWriter : public clang::PCHGenerator {
public:
  KeptAstWriter(clang::CompilerInstance &ci, const AstReuse &reuse, const bool &ran,
                std::shared_ptr<clang::PCHBuffer> buffer)
      : PCHGenerator(ci.getPreprocessor(), ci.getModuleCache(), reuse.path, /*isysroot=*/"", buffer,
                     /*Extensions=*/{}),
        pp_(ci.getPreprocessor()), reuse_(reuse), ran_(ran), buffer_(std::move(buffer)) {}

  void HandleTranslationUnit(clang::ASTContext &ctx) override {
    if (!ran_ || (reuse_.keep && !reuse_.keep())) return;
    leaveMacrosOut();
    PCHGenerator::HandleTranslationUnit(ctx);
    if (!buffer_->IsComplete) return;
    // Written beside its final name and renamed, so a worker killed mid-write never
    // leaves a truncated AST for the next round to read.
    std::string partial = reuse_.path + ".partial";
    std::error_code ec;
    {
      llvm::raw_fd_ostream os(partial, ec);
      if (ec) return;
      os.write(buffer_->Data.data(), buffer_->Data.size());
      os.close();
      if (os.has_error()) {
        os.clear_error();
        llvm::sys::fs::remove(partial);
        return;
      }
    }
    if (llvm::sys::fs::rename(partial, reuse_.path)) llvm::sys::fs::remove(partial);
  }

private:
  // A later round reads declarations and source locations, never a macro definition (where
  // a macro was expanded lives in the source manager, which is written in full). Headers
  // such as generated node-id tables define tens of thousands of macros, and serializing
  // them was a large part of writing an AST. The writer leaves out macros marked built-in,
  // so every definition is marked so: the preprocessor has finished with them.
  void leaveMacrosOut() {
    for (const auto &macro : pp_.macros(/*IncludeExternalMacros=*/false))
      for (clang::MacroDirective *md = pp_.getLocalMacroDirectiveHistory(macro.first); md; md = md->getPrevious())
        if (clang::MacroInfo *info = md->getMacroInfo()) info->setIsBuiltinMacro();
  }

  clang::Preprocessor &pp_;
  const AstReuse &reuse_;
  const bool &ran_;
  std::shared_ptr<clang::PCHBuffer> buffer_;
};

class CallbackAction : public clang::ASTFrontendAction {
public:
  CallbackAction(const AstCallback &cb, CollectingDiagnostics &diags, bool &ran, const AstReuse *reuse)
      : cb_(cb), diags_(diags), ran_(ran), reuse_(reuse) {}
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance &ci, llvm::StringRef) override {
    auto analysis = std::make_unique<CallbackConsumer>(cb_, diags_, ran_);
    if (!reuse_ || reuse_->path.empty()) return analysis;
    std::vector<std::unique_ptr<clang::ASTConsumer>> both;
    both.push_back(std::move(analysis));  // first: the writer asks what the analysis learnt
    both.push_back(std::make_unique<KeptAstWriter>(ci, *reuse_, ran_, std::make_shared<clang::PCHBuffer>()));
    return std::make_unique<clang::MultiplexConsumer>(std::move(both));
  }

private:
  const AstCallback &cb_;
  CollectingDiagnostics &diags_;
  bool &ran_;
  const AstReuse *reuse_;
};

// Reads an AST kept by an earlier analysis of the same command and runs the callback on
// it. False when there is none or it cannot be used (then the caller parses).
bool analyseKeptAst(const CompileCommand &cmd, const AstReuse &reuse, const AstCallback &callback) {
  if (reuse.path.empty() || !llvm::sys::fs::exists(reuse.path)) return false;
  llvm::IntrusiveRefCntPtr<clang::DiagnosticsEngine> diags = clang::CompilerInstance::createDiagnostics(
      new clang::DiagnosticOptions(), new clang::IgnoringDiagConsumer(), /*ShouldOwnClient=*/true);
  clang::FileSystemOptions fsOpts;
  fsOpts.WorkingDir = cmd.directory;
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> fs(llvm::vfs::createPhysicalFileSystem().release());
  fs->setCurrentWorkingDirectory(cmd.directory);
  clang::RawPCHContainerReader reader;
  // The reader checks every input file's size and time against the AST's record, so a
  // source edited since the AST was written makes the load fail rather than mislead.
  std::unique_ptr<clang::ASTUnit> unit = clang::ASTUnit::LoadFromASTFile(
      reuse.path, reader, clang::ASTUnit::LoadEverything, diags, fsOpts,
      std::make_shared<clang::HeaderSearchOptions>(), /*LangOpts=*/nullptr, /*OnlyLocalDecls=*/false,
      clang::CaptureDiagsKind::None, /*AllowASTWithCompilerErrors=*/false, /*UserFilesAreVolatile=*/false, fs);
  if (!unit || diags->hasErrorOccurred()) {
    llvm::sys::fs::remove(reuse.path);
    return false;
  }
  callback(unit->getASTContext());
  return true;
}

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
    if (a.rfind("-fsanitize", 0) == 0 || a.rfind("-fprofile", 0) == 0) continue;
    // Warnings and -Werror do nothing under -w (below), but each warning flag Clang does not
    // know (GCC's -Wlogical-op, -Wjump-misses-init, ...) costs a spelling-suggestion search
    // over every warning name, on every TU. -Wno-... stays: it can turn off a diagnostic
    // that is an error by default (-Wno-narrowing, -Wno-register). -Wp, passes
    // preprocessor options and stays too.
    if (a.rfind("-Werror", 0) == 0) continue;
    if (a.rfind("-W", 0) == 0 && a.rfind("-Wno-", 0) != 0 && a.rfind("-Wp,", 0) != 0) continue;
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

TuParseResult parseTranslationUnit(const CompileCommand &cmd, const AstCallback &callback,
                                   const AstReuse *reuse) {
  TuParseResult result;
  if (reuse && analyseKeptAst(cmd, *reuse, callback)) {
    result.parsed = true;
    return result;
  }
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
  clang::tooling::ToolInvocation invocation(args, std::make_unique<CallbackAction>(callback, diags, ran, reuse), files.get());
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
