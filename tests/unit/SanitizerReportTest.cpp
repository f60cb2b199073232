// The confirm stage's reading of sanitizer output and its matching of reports to findings.
#include "confirm/SanitizerReport.h"
#include "confirm/Triage.h"

#include <gtest/gtest.h>

using namespace mamori;

namespace {

const char *kHeapOverflow = R"(INFO: Running with entropic power schedule
=================================================================
==4242==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000054 at pc 0x55 bp 0x7ff sp 0x7ff
WRITE of size 8 at 0x602000000054 thread T0
    #0 0x55d1 in handle_metrics /src/handlers.c:180:29
    #1 0x55d2 in handle_request /src/handlers.c:216:16
    #2 0x55d3 in LLVMFuzzerTestOneInput /src/fuzz/fuzz_request.c:39:5
    #3 0x55d4 in fuzzer::Fuzzer::ExecuteCallback(unsigned char const*, unsigned long) (/w/bin/fuzz+0x524c6) (BuildId: 83)

0x602000000054 is located 4 bytes after 32-byte region [0x602000000030,0x602000000050)
allocated by thread T0 here:
    #0 0x7f in malloc (/w/bin/fuzz+0x11061f) (BuildId: 83)
    #1 0x55d5 in handle_metrics /src/handlers.c:164:30

SUMMARY: AddressSanitizer: heap-buffer-overflow /src/handlers.c:180:29 in handle_metrics
)";

const char *kLeaks = R"(
=================================================================
==9==ERROR: LeakSanitizer: detected memory leaks

Direct leak of 1 byte(s) in 1 object(s) allocated from:
    #0 0x1 in malloc (/w/bin/fuzz+0x1) (BuildId: 1)
    #1 0x2 in url_decode /src/request.c:33:17
    #2 0x3 in handle_ping /src/handlers.c:113:18

Indirect leak of 8 byte(s) in 1 object(s) allocated from:
    #0 0x1 in malloc (/w/bin/fuzz+0x1) (BuildId: 1)
    #1 0x4 in make_node /src/list.c:10:5

Direct leak of 16 byte(s) in 1 object(s) allocated from:
    #0 0x1 in malloc (/w/bin/fuzz+0x1) (BuildId: 1)
    #1 0x5 in parse_header /src/request.c:140:9

SUMMARY: AddressSanitizer: 25 byte(s) leaked in 3 allocation(s).
)";

const char *kUbsan = R"(/src/calc.c:12:14: runtime error: signed integer overflow: 2147483647 + 1 cannot be represented in type 'int'
    #0 0x1 in add /src/calc.c:12:14
    #1 0x2 in LLVMFuzzerTestOneInput /src/fuzz.c:8:3
SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior /src/calc.c:12:14 in
)";

const char *kOracle = R"(mamori-signature: 1a2b:3c4d
==77==ERROR: mamori-oracle: format string from data (CWE-134)
format: "%s%s"
    #0 0x1 in __sanitizer_print_stack_trace (/w/bin/fuzz+0x1139d1) (BuildId: 8a)
    #1 0x2 in oracle_violation /w/oracle/oracle.c:126:3
    #2 0x3 in record_log /src/records.c:56:9
==77== ERROR: libFuzzer: deadly signal
    #0 0x1 in __sanitizer_print_stack_trace (/w/bin/fuzz+0x1139d1) (BuildId: 8a)
)";

Finding finding(unsigned cwe, const std::string &file, unsigned line) {
  Finding f;
  f.cwe = cwe;
  f.location = {file, line, 1};
  return f;
}

}  // namespace

TEST(SanitizerReport, HeapOverflowWithAllocationStack) {
  auto reports = parseSanitizerOutput(kHeapOverflow);
  ASSERT_EQ(reports.size(), 1u);
  const SanitizerReport &r = reports[0];
  EXPECT_EQ(r.tool, "AddressSanitizer");
  EXPECT_EQ(r.kind, "heap-buffer-overflow");
  EXPECT_EQ(r.access, "WRITE");
  ASSERT_EQ(r.stack.size(), 4u);
  EXPECT_EQ(r.stack[0].function, "handle_metrics");
  EXPECT_EQ(r.stack[0].file, "/src/handlers.c");
  EXPECT_EQ(r.stack[0].line, 180u);
  EXPECT_TRUE(r.stack[3].file.empty());  // a runtime frame without debug information
  ASSERT_EQ(r.related.size(), 1u);
  EXPECT_EQ(r.related[0].first, "allocated");
  EXPECT_EQ(r.related[0].second.back().line, 164u);
}

TEST(SanitizerReport, OneReportPerDirectLeak) {
  auto reports = parseSanitizerOutput(kLeaks);
  ASSERT_EQ(reports.size(), 2u);  // the indirect leak follows from a direct one
  EXPECT_EQ(reports[0].kind, "memory-leak");
  EXPECT_EQ(reports[0].stack.back().line, 113u);
  EXPECT_EQ(reports[1].stack.back().function, "parse_header");
}

TEST(SanitizerReport, UbsanRuntimeError) {
  auto reports = parseSanitizerOutput(kUbsan);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].kind, "signed-integer-overflow");
  ASSERT_EQ(reports[0].stack.size(), 2u);
  EXPECT_EQ(reports[0].stack[0].function, "add");
}

// The oracle runtime lets a well-defined wrap at no finding's line pass and marks it; the
// report UBSan prints after the mark is not a failure. The one that stopped the program is.
const char *kWraps = R"(mamori-oracle: well-defined wrap let pass
/src/hash.c:7:11: runtime error: unsigned integer overflow: 4000000000 * 31 cannot be represented in type 'unsigned int'
    #0 0x1 in line_hash /src/hash.c:7:11
    #1 0x2 in read_frame /src/tally.c:40:5
SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior /src/hash.c:7:11
/src/tally.c:30:22: runtime error: implicit conversion from type 'int' of value 70000 (32-bit, signed) to type 'uint16_t' (aka 'unsigned short') changed the value to 4464 (16-bit, unsigned)
    #0 0x3 in account /src/tally.c:30:22
    #1 0x2 in read_frame /src/tally.c:38:9
SUMMARY: UndefinedBehaviorSanitizer: undefined-behavior /src/tally.c:30:22
)";

TEST(SanitizerReport, WrapLetPassIsNoReport) {
  auto reports = parseSanitizerOutput(kWraps);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].kind, "implicit-conversion");
  EXPECT_TRUE(reports[0].isWellDefinedWrap());
  EXPECT_EQ(reports[0].stack[0].function, "account");
}

TEST(SanitizerReport, UnsignedWrapIsNotASignedOverflow) {
  std::string out = kWraps;
  out.erase(0, out.find('\n') + 1);  // without the mark
  auto reports = parseSanitizerOutput(out);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].kind, "unsigned-integer-overflow");
}

// Defined behaviour proves a finding only at the line where it happened, never a caller's
// line on its stack, and is never a finding of its own.
TEST(Triage, WellDefinedWrapProvesOnlyTheFindingAtItsLine) {
  std::string out = kWraps;
  out.erase(0, out.find('\n') + 1);
  auto reports = parseSanitizerOutput(out);
  ASSERT_EQ(reports.size(), 2u);
  std::vector<Finding> findings = {finding(190, "/src/tally.c", 38),    // the caller's line: on the stack only
                                   finding(190, "/src/tally.c", 30)};   // where it wrapped
  auto proven = findingsProvenBy(reports[1], findings);
  ASSERT_EQ(proven.size(), 1u);
  EXPECT_EQ(proven[0], 1u);
  Finding dynamic;
  EXPECT_FALSE(dynamicFinding(reports[0], "/src", "fuzzing", dynamic));
  EXPECT_FALSE(dynamicFinding(reports[1], "/src", "fuzzing", dynamic));
}

TEST(SanitizerReport, OracleReportAbsorbsTheDeadlySignal) {
  auto reports = parseSanitizerOutput(kOracle);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].kind, "format-string");
}

TEST(SanitizerReport, TimeoutsAndMallocLimitAreTold) {
  auto t = parseSanitizerOutput("==1== ERROR: libFuzzer: timeout after 10 seconds\n");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_TRUE(t[0].isResourceExhaustion());
  auto m = parseSanitizerOutput("==1== ERROR: libFuzzer: out-of-memory (malloc(17179869216))\n    #8 0x1 in f /src/a.c:3:1\n");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].kind, "excessive-allocation");
  EXPECT_FALSE(m[0].isResourceExhaustion());
}

TEST(SanitizerReport, NullPageSegvIsANullDereference) {
  auto r = parseSanitizerOutput("==3==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000008 (pc 0x1 T0)\n"
                                "==3==The signal is caused by a WRITE memory access.\n    #0 0x1 in f /src/a.c:5:3\n");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].kind, "null-dereference");
  EXPECT_EQ(r[0].access, "WRITE");
}

TEST(Triage, SinkOnTheStackWithACompatibleCweIsProven) {
  auto r = parseSanitizerOutput(kHeapOverflow)[0];
  std::vector<Finding> findings = {finding(190, "/src/handlers.c", 164),   // the allocation: on the alloc stack
                                   finding(416, "/src/handlers.c", 180),   // right line, wrong kind
                                   finding(122, "/src/other.c", 180)};     // right kind, other file
  auto proven = findingsProvenBy(r, findings);
  ASSERT_EQ(proven.size(), 1u);
  EXPECT_EQ(proven[0], 0u);
}

TEST(Triage, LeakProvesTheFindingWhoseAllocationIsOnItsStack) {
  auto r = parseSanitizerOutput(kLeaks)[0];
  Finding leak = finding(401, "/src/handlers.c", 117);  // the exit path that loses it
  leak.trace.push_back({TraceStep::Kind::Source, {"/src/handlers.c", 113, 18}, "allocated"});
  auto proven = findingsProvenBy(r, {leak});
  ASSERT_EQ(proven.size(), 1u);
}

TEST(Triage, SameBugSameKeyAcrossAddresses) {
  auto a = parseSanitizerOutput(kHeapOverflow)[0];
  std::string other = kHeapOverflow;
  other.replace(other.find("0x602000000054"), 14, "0x603000000094");
  auto b = parseSanitizerOutput(other)[0];
  EXPECT_EQ(deduplicationKey(a, "/src"), deduplicationKey(b, "/src"));
}

TEST(Triage, DynamicFindingPointsAtTheInnermostProjectFrame) {
  auto r = parseSanitizerOutput(kOracle)[0];
  Finding f;
  ASSERT_TRUE(dynamicFinding(r, "/src", "fuzzing", f));
  EXPECT_EQ(f.cwe, 134u);
  EXPECT_EQ(f.location.line, 56u);
  EXPECT_EQ(f.status, FindingStatus::Confirmed);
  EXPECT_EQ(f.severity, Severity::Error);
  EXPECT_EQ(f.message.rfind("found by fuzzing: ", 0), 0u);
}

// popen()'s shell is seen to run the canary only at pclose(): the oracle adds the popen()
// call as a "started by" stack, and that is what confirms the finding at popen().
TEST(Triage, CommandStartedByPopenConfirmsThePopenLine) {
  const char *out = R"(==9==ERROR: mamori-oracle: command injection (CWE-78): the shell ran mamori_canary
command: "ls ;mamori_canary;"
    #0 0x1 in __sanitizer_print_stack_trace (/w/bin/h+0x1139d1) (BuildId: 8a)
    #1 0x2 in oracle_violation_at /tmp/w/oracle/oracle.c:160:3
    #2 0x3 in __wrap_pclose /tmp/w/oracle/oracle.c:470:3
    #3 0x4 in run_diag /src/diag.c:77:9

started by thread T0 here:
    #0 0x5 in __wrap_popen /tmp/w/oracle/oracle.c:462:28
    #1 0x6 in run_diag /src/diag.c:75:16
SUMMARY: mamori-oracle: command injection (CWE-78): the shell ran mamori_canary
)";
  auto reports = parseSanitizerOutput(out);
  ASSERT_EQ(reports.size(), 1u);
  ASSERT_EQ(reports[0].related.size(), 1u);
  EXPECT_EQ(reports[0].related[0].first, "started");
  std::vector<Finding> findings = {finding(78, "/src/diag.c", 75)};
  EXPECT_EQ(findingsProvenBy(reports[0], findings).size(), 1u);
  // Found by nothing static, it points at the project's frame, never at the oracle's.
  Finding d;
  ASSERT_TRUE(dynamicFinding(reports[0], "", "fuzzing", d));
  EXPECT_EQ(d.location.file, "/src/diag.c");
  EXPECT_EQ(d.location.line, 77u);
}

// MemorySanitizer calls its reports warnings; the origin sections are related stacks, not
// frames of the read. ASan's own warnings (a failed allocation under
// allocator_may_return_null) are not reports.
TEST(SanitizerReport, MemorySanitizerUninitializedValue) {
  const char *out = R"(==31==WARNING: AddressSanitizer failed to allocate 0x10000000000 bytes
==31==WARNING: MemorySanitizer: use-of-uninitialized-value
    #0 0x55 in report_calibration /src/beacon.c:117:5
    #1 0x56 in LLVMFuzzerTestOneInput /w/harness/h.c:20:3

  Uninitialized value was created by an allocation of 'offset' in the stack frame
    #0 0x57 in report_calibration /src/beacon.c:95:5

SUMMARY: MemorySanitizer: use-of-uninitialized-value /src/beacon.c:117:5 in report_calibration
Exiting
)";
  auto r = parseSanitizerOutput(out);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].tool, "MemorySanitizer");
  EXPECT_EQ(r[0].kind, "use-of-uninitialized-value");
  ASSERT_EQ(r[0].stack.size(), 2u);
  EXPECT_EQ(r[0].stack[0].line, 117u);
  ASSERT_EQ(r[0].related.size(), 1u);
  EXPECT_EQ(r[0].related[0].first, "created");
  auto proven = findingsProvenBy(r[0], {finding(457, "/src/beacon.c", 117), finding(476, "/src/beacon.c", 117)});
  ASSERT_EQ(proven.size(), 1u);
  EXPECT_EQ(proven[0], 0u);
}
