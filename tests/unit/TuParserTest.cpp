// The front end's own behaviour: which compiler flags reach Clang, and ASTs kept between
// cross-file rounds (AstReuse): read back only while they still describe the sources.
#include "frontend/TuParser.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/SourceManager.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

using namespace mamori;
namespace fs = std::filesystem;

namespace {

bool has(const std::vector<std::string> &v, const std::string &s) { return std::find(v.begin(), v.end(), s) != v.end(); }

TEST(TuParser, DropsWarningFlagsButKeepsDisablingAndPreprocessorOnes) {
  CompileCommand cmd;
  cmd.directory = "/tmp";
  cmd.file = "/tmp/a.c";
  cmd.arguments = {"cc", "-Wall", "-Wlogical-op", "-Werror=format", "-Werror", "-Wno-narrowing",
                   "-Wp,-D_FORTIFY_SOURCE=2", "-DX=1", "-c", "/tmp/a.c"};
  std::vector<std::string> args = adjustedArguments(cmd);
  EXPECT_FALSE(has(args, "-Wall"));
  EXPECT_FALSE(has(args, "-Wlogical-op"));
  EXPECT_FALSE(has(args, "-Werror=format"));
  EXPECT_FALSE(has(args, "-Werror"));
  EXPECT_TRUE(has(args, "-Wno-narrowing"));  // turns off an error-by-default diagnostic
  EXPECT_TRUE(has(args, "-Wp,-D_FORTIFY_SOURCE=2"));
  EXPECT_TRUE(has(args, "-DX=1"));
  EXPECT_TRUE(has(args, "-w"));
}

class KeptAst : public ::testing::Test {
protected:
  fs::path dir;
  CompileCommand cmd;
  void SetUp() override {
    dir = fs::temp_directory_path() / ("mamori-tuparser-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir);
    write("static int twice(int x) { return 2 * x; }\nint entry(int y) { return twice(y); }\n");
    cmd.directory = dir.string();
    cmd.file = (dir / "a.c").string();
    cmd.arguments = {"cc", "-c", "a.c"};
  }
  void TearDown() override { fs::remove_all(dir); }
  void write(const std::string &text) { std::ofstream(dir / "a.c") << text; }

  // Names of the main file's function definitions, as the callback sees them.
  std::vector<std::string> definitions(const AstReuse *reuse, bool *parsed = nullptr) {
    std::vector<std::string> names;
    TuParseResult r = parseTranslationUnit(cmd, [&](clang::ASTContext &ctx) {
      const clang::SourceManager &sm = ctx.getSourceManager();
      for (const clang::Decl *d : ctx.getTranslationUnitDecl()->decls())
        if (const auto *fd = llvm::dyn_cast<clang::FunctionDecl>(d))
          if (fd->hasBody() && sm.isInMainFile(fd->getLocation())) names.push_back(fd->getNameAsString());
    }, reuse);
    if (parsed) *parsed = r.parsed;
    return names;
  }
};

TEST_F(KeptAst, IsWrittenOnlyWhenWantedAndReadBackWithTheSameFunctions) {
  std::string path = (dir / "a.ast").string();
  AstReuse refuse{path, [] { return false; }};
  std::vector<std::string> fresh = definitions(&refuse);
  EXPECT_EQ(fresh, (std::vector<std::string>{"twice", "entry"}));
  EXPECT_FALSE(fs::exists(path));

  AstReuse keep{path, [] { return true; }};
  EXPECT_EQ(definitions(&keep), fresh);
  ASSERT_TRUE(fs::exists(path));
  EXPECT_FALSE(fs::exists(path + ".partial"));

  // Read back: the same definitions, still recognised as the main file's.
  bool parsed = false;
  AstReuse readOnly{path, [] { return false; }};
  EXPECT_EQ(definitions(&readOnly, &parsed), fresh);
  EXPECT_TRUE(parsed);
  EXPECT_TRUE(fs::exists(path));  // an AST that could not be read back would be removed
}

TEST_F(KeptAst, AnEditedSourceIsParsedAgainNotReadFromTheOldAst) {
  std::string path = (dir / "a.ast").string();
  AstReuse keep{path, [] { return true; }};
  definitions(&keep);
  ASSERT_TRUE(fs::exists(path));
  // Another size than the AST recorded: it no longer describes the file.
  write("int only(int y) { return y; }\n");
  AstReuse readOnly{path, [] { return false; }};
  EXPECT_EQ(definitions(&readOnly), (std::vector<std::string>{"only"}));
  EXPECT_FALSE(fs::exists(path));  // the stale AST is removed
}

TEST_F(KeptAst, ACorruptAstFileFallsBackToParsing) {
  std::string path = (dir / "a.ast").string();
  std::ofstream(path) << "not an AST";
  AstReuse readOnly{path, [] { return false; }};
  bool parsed = false;
  EXPECT_EQ(definitions(&readOnly, &parsed), (std::vector<std::string>{"twice", "entry"}));
  EXPECT_TRUE(parsed);
}

}  // namespace
