// Reports: fingerprints ignore line shifts and whitespace, text is clang-style.
#include "core/Fingerprint.h"
#include "report/Reports.h"

#include <gtest/gtest.h>

using namespace mamori;

namespace {

Finding sample(unsigned line) {
  Finding f;
  f.ruleId = "mamori.taint.command-injection";
  f.cwe = 78;
  f.severity = Severity::Error;
  f.message = "OS command injection";
  f.location = {"/p/src/a.c", line, 5};
  f.function = "run";
  f.trace = {{TraceStep::Kind::Source, {"/p/src/a.c", line - 2, 3}, "data from 'getenv'"},
             {TraceStep::Kind::Sink, f.location, "reaches 'system'"}};
  return f;
}

TEST(Fingerprint, StableWhenCodeAboveMoves) {
  EXPECT_EQ(computeFingerprint(sample(10), "system(cmd)"), computeFingerprint(sample(42), "system( cmd )"));
  EXPECT_NE(computeFingerprint(sample(10), "system(cmd)"), computeFingerprint(sample(10), "system(other)"));
}

TEST(TextReport, ClangStyleWithNotes) {
  ScanReport r;
  r.findings.push_back(sample(10));
  r.stats.translationUnits = 1;
  std::string text = renderText(r, false);
  EXPECT_NE(text.find("/p/src/a.c:10:5: error: OS command injection [CWE-78]"), std::string::npos) << text;
  EXPECT_NE(text.find("/p/src/a.c:8:3: note: data from 'getenv'"), std::string::npos) << text;
}

TEST(SarifReport, RelativeUrisUnderTheProjectRoot) {
  ScanReport r;
  r.projectRoot = "/p";
  r.findings.push_back(sample(10));
  std::string sarif = renderSarif(r);
  EXPECT_NE(sarif.find("\"uri\": \"src/a.c\""), std::string::npos) << sarif;
  EXPECT_NE(sarif.find("%SRCROOT%"), std::string::npos);
}

}  // namespace

TEST(MergeFindings, OneFindingPerSinkWithTheShortestTrace) {
  Finding longer = sample(10);
  longer.trace.insert(longer.trace.begin() + 1, {TraceStep::Kind::Call, {"/p/src/b.c", 3, 1}, "passed to 'run'"});
  longer.fingerprint = "a";
  Finding shorter = sample(10);
  shorter.fingerprint = "b";
  Finding elsewhere = sample(20);
  std::vector<Finding> findings = {longer, shorter, elsewhere};
  mergeFindingsAtOneSink(findings);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].fingerprint, "b");
  EXPECT_NE(findings[0].message.find("1 other path reaches this sink"), std::string::npos);
  EXPECT_EQ(findings[1].message, "OS command injection");
}

TEST(MergeFindings, TwoLeaksAtOneExitStayTwo) {
  Finding a = sample(10), b = sample(10);
  a.ruleId = b.ruleId = "mamori.memory.leak";
  a.cwe = b.cwe = 401;
  std::vector<Finding> findings = {a, b};
  mergeFindingsAtOneSink(findings);
  EXPECT_EQ(findings.size(), 2u);
}
