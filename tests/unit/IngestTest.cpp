// Compile database loading: shell splitting, relative paths, bad entries as diagnostics.
#include "ingest/CompileDatabase.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace mamori;
namespace fs = std::filesystem;

namespace {

TEST(Ingest, SplitsCommandsLikeAShell) {
  auto v = splitCommandLine(R"(cc -DNAME="a b" -I'dir with space' -c x\ y.c)");
  ASSERT_EQ(v.size(), 5u);
  EXPECT_EQ(v[1], "-DNAME=a b");
  EXPECT_EQ(v[2], "-Idir with space");
  EXPECT_EQ(v[4], "x y.c");
}

class TempDir : public ::testing::Test {
protected:
  fs::path dir;
  void SetUp() override {
    dir = fs::temp_directory_path() / ("mamori-ingest-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir / "src");
    std::ofstream(dir / "src" / "a.c") << "int main(void) { return 0; }\n";
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string db(const std::string &text) {
    std::ofstream(dir / "compile_commands.json") << text;
    return (dir / "compile_commands.json").string();
  }
};

TEST_F(TempDir, ResolvesRelativePathsAgainstTheDatabase) {
  std::vector<Diagnostic> diags;
  auto d = loadCompileDatabase(db(R"([{"directory": "src", "file": "a.c", "command": "cc -c a.c"}])"), diags);
  ASSERT_EQ(d.commands.size(), 1u);
  EXPECT_EQ(d.commands[0].file, (dir / "src" / "a.c").string());
  EXPECT_TRUE(diags.empty());
}

TEST_F(TempDir, BadEntriesBecomeDiagnosticsNamingTheProblem) {
  std::vector<Diagnostic> diags;
  auto d = loadCompileDatabase(
      db(R"([{"file": "a.c"}, {"directory": ".", "file": "nope.c", "command": "cc"},
             {"directory": ".", "file": "src/a.c", "arguments": [1]}])"),
      diags);
  EXPECT_TRUE(d.commands.empty());
  ASSERT_EQ(diags.size(), 3u);
  EXPECT_NE(diags[0].message.find("'directory'"), std::string::npos);
  EXPECT_NE(diags[1].file.find("nope.c"), std::string::npos);
  EXPECT_NE(diags[2].message.find("non-string"), std::string::npos);
}

TEST_F(TempDir, InvalidJsonThrowsWithTheFileName) {
  std::vector<Diagnostic> diags;
  std::string path = db("[{");
  try {
    loadCompileDatabase(path, diags);
    FAIL() << "expected IngestError";
  } catch (const IngestError &e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
}

}  // namespace
