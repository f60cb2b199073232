#include "confirm/HarnessSynthesis.h"

#include "frontend/TuParser.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace fs = std::filesystem;
using namespace clang;

namespace mamori {

namespace {

enum class Feed { None, Stdin, CString, Buffer, File };

bool isByte(QualType t) {
  t = t.getCanonicalType().getUnqualifiedType();
  return t->isCharType() || t->isVoidType() ||
         (t->isIntegerType() && t->isUnsignedIntegerType() && !t->isBooleanType() && t->isSpecificBuiltinType(BuiltinType::UChar));
}

Feed feedFor(const FunctionDecl *fd) {
  unsigned n = fd->getNumParams();
  if (n == 0) return Feed::Stdin;
  QualType p0 = fd->getParamDecl(0)->getType();
  if (n == 1 && p0->isPointerType()) {
    QualType pointee = p0->getPointeeType();
    if (pointee.getCanonicalType().getUnqualifiedType()->isCharType()) return Feed::CString;
    if (const auto *rd = pointee->getAsRecordDecl(); rd && rd->getName() == "_IO_FILE") return Feed::File;
    if (const auto *td = pointee->getAs<TypedefType>(); td && td->getDecl()->getName() == "FILE") return Feed::File;
  }
  if (n == 2 && p0->isPointerType() && isByte(p0->getPointeeType()) && fd->getParamDecl(1)->getType()->isIntegerType())
    return Feed::Buffer;
  return Feed::None;
}

std::string harnessBody(Feed feed, const FunctionDecl *fd, bool cxx) {
  std::string name = fd->getNameAsString();
  std::string out;
  out += cxx ? "extern \"C\" " : "";
  out += "int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)\n{\n";
  switch (feed) {
  case Feed::Stdin:
    // stdin is reopened on the input for every run: seeking a stream that glibc has read
    // (buffered or not) can serve stale bytes, while a fresh open starts clean.
    // A process forked from this one (the CWE-134 oracle's rerun) makes a file of its own.
    out += "  /* The input is the program's standard input. */\n"
           "  static int fd = -1;\n"
           "  static pid_t owner;\n"
           "  static char path[64];\n"
           "  if (fd < 0 || owner != getpid()) {\n"
           "    fd = memfd_create(\"mamori-stdin\", 0);\n"
           "    if (fd < 0) return 0;\n"
           "    owner = getpid();\n"
           "    snprintf(path, sizeof path, \"/proc/self/fd/%d\", fd);\n"
           "  }\n"
           "  if (ftruncate(fd, 0) != 0) return 0;\n"
           "  if (size && pwrite(fd, data, size, 0) != (ssize_t)size) return 0;\n"
           "  if (!freopen(path, \"rb\", stdin)) return 0;\n"
           "  " + name + "();\n";
    break;
  case Feed::CString:
    out += "  char *s = (char *)malloc(size + 1);\n"
           "  if (!s) return 0;\n"
           "  memcpy(s, data, size);\n"
           "  s[size] = '\\0';\n"
           "  " + name + "(s);\n"
           "  free(s);\n";
    break;
  case Feed::Buffer: {
    std::string ptrType = fd->getParamDecl(0)->getType().getAsString();
    std::string lenType = fd->getParamDecl(1)->getType().getAsString();
    out += "  /* A copy, so that reads past the end are caught. */\n"
           "  uint8_t *copy = (uint8_t *)malloc(size ? size : 1);\n"
           "  if (!copy) return 0;\n"
           "  memcpy(copy, data, size);\n"
           "  " + name + "((" + ptrType + ")copy, (" + lenType + ")size);\n"
           "  free(copy);\n";
    break;
  }
  case Feed::File:
    out += "  FILE *fp = fmemopen((void *)data, size ? size : 1, \"rb\");\n"
           "  if (!fp) return 0;\n"
           "  " + name + "(fp);\n"
           "  fclose(fp);\n";
    break;
  case Feed::None:
    break;
  }
  out += "  return 0;\n}\n";
  return out;
}

}  // namespace

std::vector<SynthesizedHarness> synthesizeHarnesses(const CompileDatabase &db, const std::vector<Finding> &findings,
                                                    const std::vector<std::string> &functions, const std::string &dir,
                                                    std::vector<Diagnostic> &diags) {
  std::vector<SynthesizedHarness> out;
  fs::create_directories(dir);
  // Lines on a finding's trace, per file: the functions that contain them are candidates.
  std::map<std::string, std::set<unsigned>> traceLines;
  for (const Finding &f : findings) {
    if (f.proof && f.proof->dynamicOnly) continue;
    traceLines[f.location.file].insert(f.location.line);
    for (const TraceStep &s : f.trace) traceLines[s.location.file].insert(s.location.line);
  }
  std::set<std::string> wanted(functions.begin(), functions.end());
  std::set<std::string> done;
  for (const CompileCommand &cmd : db.commands) {
    std::string file = fs::path(cmd.file).lexically_normal().string();
    auto lines = traceLines.find(file);
    if (lines == traceLines.end() && wanted.empty()) continue;
    bool cxx = fs::path(file).extension() != ".c";
    parseTranslationUnit(cmd, [&](ASTContext &ctx) {
      const SourceManager &sm = ctx.getSourceManager();
      // The file's function definitions, and who calls (or takes the address of) whom.
      struct Visitor : RecursiveASTVisitor<Visitor> {
        std::vector<const FunctionDecl *> defs;
        std::map<const FunctionDecl *, std::set<const FunctionDecl *>> callers;  // canonical callee -> definitions
        bool TraverseFunctionDecl(FunctionDecl *fd) {
          if (fd->doesThisDeclarationHaveABody() && !fd->isDependentContext()) defs.push_back(fd);
          const FunctionDecl *outer = current;
          current = fd->doesThisDeclarationHaveABody() ? fd : outer;
          bool ok = RecursiveASTVisitor::TraverseFunctionDecl(fd);
          current = outer;
          return ok;
        }
        // A direct call, or a function's address taken (`void (*sink)(int) = bad_sink;`):
        // either way this function can run it.
        bool VisitDeclRefExpr(DeclRefExpr *ref) {
          if (const auto *callee = llvm::dyn_cast<FunctionDecl>(ref->getDecl()); callee && current)
            callers[callee->getCanonicalDecl()].insert(current);
          return true;
        }
        const FunctionDecl *current = nullptr;
      } v;
      v.TraverseDecl(ctx.getTranslationUnitDecl());
      auto harnessable = [&](const FunctionDecl *fd) {
        std::string name = fd->getNameAsString();
        return sm.isInMainFile(fd->getLocation()) && name != "main" && !fd->isMain() && !llvm::isa<CXXMethodDecl>(fd);
      };
      // The functions to feed, in the file's order: those on a trace or named, and for one
      // whose parameters cannot be fed (a helper taking a struct or an int), its nearest
      // callers in the file that can be, up to three calls up. The trace of a finding from a
      // value range or a summary may name only the helper.
      std::set<const FunctionDecl *> chosen;
      for (const FunctionDecl *fd : v.defs) {
        if (!harnessable(fd)) continue;
        std::string name = fd->getNameAsString();
        bool onTrace = false;
        if (lines != traceLines.end()) {
          unsigned b = sm.getSpellingLineNumber(fd->getBeginLoc()), e = sm.getSpellingLineNumber(fd->getEndLoc());
          for (unsigned l : lines->second) onTrace |= l >= b && l <= e;
        }
        if (!onTrace && !wanted.count(name)) continue;
        if (feedFor(fd) != Feed::None) {
          chosen.insert(fd);
          continue;
        }
        std::set<const FunctionDecl *> seen = {fd}, level = {fd}, feedable;
        for (unsigned depth = 0; depth < 3 && feedable.empty() && !level.empty(); ++depth) {
          std::set<const FunctionDecl *> next;
          for (const FunctionDecl *callee : level) {
            auto it = v.callers.find(callee->getCanonicalDecl());
            if (it == v.callers.end()) continue;
            for (const FunctionDecl *caller : it->second)
              if (harnessable(caller) && seen.insert(caller).second) {
                next.insert(caller);
                if (feedFor(caller) != Feed::None) feedable.insert(caller);
              }
          }
          level = next;
        }
        if (feedable.empty())
          diags.push_back({Diagnostic::Level::Note, file,
                           "no harness for '" + name + "': its parameters are not (void), (const char *), "
                           "(bytes, length) or (FILE *), nor are those of a caller in its file"});
        chosen.insert(feedable.begin(), feedable.end());
      }
      for (const FunctionDecl *fd : v.defs) {
        if (!chosen.count(fd)) continue;
        std::string name = fd->getNameAsString();
        Feed feed = feedFor(fd);
        std::string stem = fs::path(file).stem().string();
        SynthesizedHarness h;
        h.name = "harness-" + stem + "-" + name;
        if (!done.insert(h.name).second) continue;
        h.function = name;
        h.unitFile = file;
        h.source = (fs::path(dir) / (h.name + (cxx ? ".cpp" : ".c"))).string();
        std::ofstream src(h.source, std::ios::trunc);
        src << "/* Generated by mamori confirm --synthesize-harness: feeds the fuzzer's input to\n"
            << " * " << name << "() in " << file << ". */\n"
            << "#define _GNU_SOURCE 1\n"
            << "#define main mamori_replaced_main\n"
            << "#include \"" << file << "\"\n"
            << "#undef main\n"
            << "#include <stdint.h>\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
            << "#include <sys/mman.h>\n#include <unistd.h>\n\n"
            << harnessBody(feed, fd, cxx);
        h.command = cmd;
        h.command.file = h.source;
        for (std::string &a : h.command.arguments)
          if (fs::path(a).lexically_normal() == fs::path(file) || a == fs::path(cmd.file).filename().string()) a = h.source;
        out.push_back(h);
      }
    });
  }
  return out;
}

}  // namespace mamori
