// The taint lattice: joins only grow, sanitization is per sink kind and survives a join
// only where both paths sanitized, and traces prefer the shorter path.
#include "engine/TaintDomain.h"
#include "engine/TaintModels.h"

#include <gtest/gtest.h>

using namespace mamori;

namespace {

TaintFact fact(const std::string &msg, unsigned sanitized = 0) {
  return TaintFact{extendTrace(nullptr, {TraceStep::Kind::Source, {"/a.c", 1, 1}, msg}), sanitized, false};
}

const int kSiteA = 0, kSiteB = 0;

TEST(TaintDomain, JoinIsAUnionOfOrigins) {
  Taint a, b;
  a.add(Origin{&kSiteA, -1}, fact("a"));
  b.add(Origin{&kSiteB, -1}, fact("b"));
  EXPECT_TRUE(a.join(b));
  EXPECT_EQ(a.size(), 2u);
  EXPECT_FALSE(a.join(b)) << "joining the same facts again changes nothing";
}

TEST(TaintDomain, SanitizedOnlyIfSanitizedOnEveryPath) {
  const unsigned path = sinkKindBit(SinkKind::Path);
  Taint checked, unchecked;
  checked.add(Origin{&kSiteA, -1}, fact("a", path));
  unchecked.add(Origin{&kSiteA, -1}, fact("a", 0));
  EXPECT_TRUE(checked.unsafeFor(path).empty());
  EXPECT_TRUE(checked.join(unchecked)) << "losing a sanitization is a change the fixpoint must see";
  EXPECT_EQ(checked.unsafeFor(path).size(), 1u);
}

TEST(TaintDomain, SanitizationIsPerSinkKind) {
  Taint t;
  t.add(Origin{&kSiteA, -1}, fact("a"));
  t.sanitize(sinkKindBit(SinkKind::Path));
  EXPECT_TRUE(t.unsafeFor(sinkKindBit(SinkKind::Path)).empty());
  EXPECT_EQ(t.unsafeFor(sinkKindBit(SinkKind::Command)).size(), 1u);
}

TEST(TaintDomain, ShorterTraceWinsWithoutCountingAsChange) {
  Taint t;
  TaintFact longer = fact("src");
  longer.trace = extendTrace(longer.trace, {TraceStep::Kind::Propagation, {"/a.c", 2, 1}, "copy"});
  t.add(Origin{&kSiteA, -1}, longer);
  EXPECT_FALSE(t.add(Origin{&kSiteA, -1}, fact("src")));
  EXPECT_EQ(t.facts().front().second.trace->depth, 1u);
}

TEST(TaintDomain, StateJoinAddsMissingLocations) {
  TaintState a, b;
  Loc l{&kSiteA, Loc::Var};
  b.slot(l).taint.add(Origin{&kSiteB, -1}, fact("b"));
  EXPECT_TRUE(a.join(b));
  ASSERT_NE(a.find(l), nullptr);
  EXPECT_EQ(a.find(l)->taint.size(), 1u);
  EXPECT_FALSE(a.join(b));
}

// States share values until written: a write through one copy must not show in another,
// and a join into a shared value must not change the state it was shared with.
TEST(TaintDomain, CopiesDoNotSeeEachOthersWrites) {
  TaintState a;
  Loc l{&kSiteA, Loc::Var}, m{&kSiteB, Loc::Var};
  a.slot(l).taint.add(Origin{&kSiteA, -1}, fact("a"));
  TaintState b = a;
  b.slot(l).taint.add(Origin{&kSiteB, -1}, fact("b"));
  b.set(m, AbstractValue{});
  EXPECT_EQ(a.find(l)->taint.size(), 1u);
  EXPECT_EQ(a.find(m), nullptr);
  TaintState c = a;
  EXPECT_TRUE(c.join(b));
  EXPECT_EQ(c.find(l)->taint.size(), 2u);
  EXPECT_EQ(a.find(l)->taint.size(), 1u);
  c.erase(l);
  EXPECT_EQ(c.find(l), nullptr);
  EXPECT_NE(a.find(l), nullptr);
}

TEST(TaintDomain, FlattenDropsRepeatedSteps) {
  TraceRef t = extendTrace(nullptr, {TraceStep::Kind::Source, {"/a.c", 1, 1}, "s"});
  t = extendTrace(t, {TraceStep::Kind::Propagation, {"/a.c", 2, 1}, "p"});
  t = extendTrace(t, {TraceStep::Kind::Propagation, {"/a.c", 2, 1}, "p"});
  EXPECT_EQ(flattenTrace(t).size(), 2u);
}

}  // namespace
