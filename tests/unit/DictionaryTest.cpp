// Seed variants derived from the user's seeds and the code's constants (confirm/Dictionary).
#include "confirm/Dictionary.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace mamori;

namespace {

bool has(const std::vector<std::string> &v, const std::string &s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

TEST(SubstitutionSeeds, FileNameTakesEachTraversal) {
  std::vector<std::string> out =
      substitutionSeeds({"GET firmware-2.4.1.bin"}, {"/../../../etc/passwd", "../", "/var/spool/x"}, 100);
  EXPECT_TRUE(has(out, "GET ../../../etc/passwd"));
  // A path that does not climb is not a traversal, and a name without a dot is no file name.
  EXPECT_FALSE(has(out, "GET var/spool/x"));
  std::vector<std::string> words = substitutionSeeds({"LOG technician"}, {"/../../../etc/passwd"}, 100);
  EXPECT_FALSE(has(words, "LOG ../../../etc/passwd"));
}

TEST(SubstitutionSeeds, PathKeepsItsFolder) {
  std::vector<std::string> out = substitutionSeeds({"GET /files/a.txt HTTP/1.0"}, {"/etc/passwd"}, 100);
  EXPECT_TRUE(has(out, "GET /files/etc/passwd HTTP/1.0"));
  EXPECT_TRUE(has(out, "GET /etc/passwd HTTP/1.0"));
}

TEST(SubstitutionSeeds, LengthFieldGrowsWithTheInput) {
  std::vector<std::string> out = substitutionSeeds({"LEN: 2\nab"}, {"4"}, 100);
  EXPECT_TRUE(has(out, "LEN: 4\nabAA"));
}

TEST(SubstitutionSeeds, CapIsKept) {
  std::vector<std::string> out = substitutionSeeds({"a.b c.d e.f"}, {"/../x", "/../../y", "/z/../../w"}, 2);
  EXPECT_LE(out.size(), 2u);
}

TEST(InjectionSeeds, PayloadGoesBeforeTheTrailingNewline) {
  std::vector<std::string> out = injectionSeeds({"RESTART pump-2\n", "LOG x"}, {";mamori_canary;", "%n", "42"}, 100);
  EXPECT_TRUE(has(out, "RESTART pump-2;mamori_canary;\n"));
  EXPECT_TRUE(has(out, "LOG x%n"));
  // Only the oracles' payloads: a plain constant is the substitutions' business.
  EXPECT_FALSE(has(out, "LOG x42"));
  EXPECT_LE(injectionSeeds({"a", "b"}, {"%n", "%s"}, 3).size(), 3u);
}
