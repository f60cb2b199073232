// Taint models: the built-in file loads, lookups normalize names, and every mistake in a
// user's file is an error that names the file and the key.
#include "engine/TaintModels.h"

#include <gtest/gtest.h>

using namespace mamori;

namespace {

TEST(Models, BuiltinModelsLoad) {
  TaintModels m = TaintModels::builtin();
  const FunctionModel *system = m.lookup("system");
  ASSERT_NE(system, nullptr);
  ASSERT_NE(system->sink, nullptr);
  EXPECT_EQ(system->sink->kind, SinkKind::Command);
  ASSERT_NE(m.lookup("fgets"), nullptr);
  EXPECT_NE(m.lookup("fgets")->source, nullptr);
  EXPECT_EQ(m.lookup("no_such_function"), nullptr);
}

TEST(Models, UserFileAddsAndOverrides) {
  TaintModels m = TaintModels::builtin();
  m.loadText(R"({"sinks": [{"function": "run_script", "kind": "command", "args": ["arg1"]}],
                 "sources": [{"function": "read_packet", "taints": ["args1+"]}]})",
             "user.jsonc");
  ASSERT_NE(m.lookup("run_script"), nullptr);
  EXPECT_TRUE(m.lookup("run_script")->sink->args[0].matches(1));
  EXPECT_TRUE(m.lookup("read_packet")->source->taints[0].matches(5));
  EXPECT_NE(m.lookup("system"), nullptr) << "built-ins stay";
}

TEST(Models, TrustedFunctionsAreNoLongerSources) {
  TaintModels m = TaintModels::builtin();
  ASSERT_NE(m.lookup("getenv"), nullptr);
  ASSERT_NE(m.lookup("main"), nullptr);
  m.loadText(R"({"version": 1, "trusted": ["main", "getenv"]})", "tool.jsonc");
  EXPECT_TRUE(m.lookup("getenv") == nullptr || m.lookup("getenv")->source == nullptr);
  EXPECT_TRUE(m.lookup("main") == nullptr || m.lookup("main")->parameterSources.empty());
  ASSERT_NE(m.lookup("fgets"), nullptr);
  EXPECT_NE(m.lookup("fgets")->source, nullptr) << "other sources stay";
}

void expectError(const std::string &text, const std::string &needle) {
  TaintModels m;
  try {
    m.loadText(text, "mine.jsonc");
    FAIL() << "expected an error for " << text;
  } catch (const ModelError &e) {
    std::string what = e.what();
    EXPECT_NE(what.find("mine.jsonc"), std::string::npos) << what;
    EXPECT_NE(what.find(needle), std::string::npos) << what;
  }
}

TEST(Models, MistakesAreErrorsNamingFileAndKey) {
  expectError(R"({"sinks": [{"functon": "x", "kind": "command", "args": ["arg0"]}]})", "functon");
  expectError(R"({"sinks": [{"function": "x", "kind": "shell", "args": ["arg0"]}]})", "shell");
  expectError(R"({"sources": [{"function": "x", "taints": ["argument0"]}]})", "argument0");
  expectError(R"({"trusted": [3]})", "trusted[0]");
  expectError(R"({"snks": []})", "snks");
  expectError(R"({"sinks": [)", "not valid JSON");
  expectError(R"({"version": 2})", "version");
}

TEST(Models, AFailedFileChangesNothing) {
  TaintModels m = TaintModels::builtin();
  EXPECT_THROW(m.loadText(R"({"sinks": [{"function": "system", "kind": "path", "args": ["arg0"]},
                                         {"function": "y", "kind": "bad", "args": ["arg0"]}]})",
                          "f"),
               ModelError);
  EXPECT_EQ(m.lookup("system")->sink->kind, SinkKind::Command);
}

}  // namespace
