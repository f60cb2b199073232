// The oracle runtime (src/confirm/runtime/oracle.c) linked into a small program the way
// confirm links it into a target, then run: behaviour that only shows in a running process.
#include "confirm/SanitizerBuild.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

using namespace mamori;
namespace fs = std::filesystem;

namespace {

// A client that sends its server 1 MiB (more than a socket holds) before it reads the
// reply, and checks that the reply is the whole input. It exits non-zero on a short or
// wrong reply; a send that never returns is a timeout.
const char *kClient = R"(
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(80);
  a.sin_addr.s_addr = inet_addr("192.0.2.1");
  if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) exit(2);
  static char request[1 << 20];
  memset(request, 'r', sizeof request);
  for (size_t sent = 0; sent < sizeof request;) {
    ssize_t w = send(s, request + sent, sizeof request - sent, 0);
    if (w <= 0) exit(3);
    sent += (size_t)w;
  }
  size_t got = 0;
  char buf[8192];
  ssize_t r;
  while ((r = read(s, buf, sizeof buf)) > 0) {
    if (got + (size_t)r > size || memcmp(buf, data + got, (size_t)r) != 0) exit(4);
    got += (size_t)r;
  }
  if (got != size) exit(5);
  close(s);
  return 0;
}
)";

// Runs three inputs of 600 KB through the wrapped entry point, as libFuzzer would.
const char *kDriver = R"(
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int main(void) {
  static uint8_t input[600000];
  for (size_t i = 0; i < sizeof input; ++i) input[i] = (uint8_t)(i * 7 + i / 251);
  for (int k = 0; k < 3; ++k)
    if (LLVMFuzzerTestOneInput(input, sizeof input) != 0) return 6;
  return 0;
}
)";

int run(const std::string &command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST(OracleRuntime, InputPeerTakesMoreThanASocketHoldsBothWays) {
  fs::path dir = fs::temp_directory_path() / ("mamori-oracle-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "oracle.c") << oracleRuntimeSource();
  std::ofstream(dir / "client.c") << kClient;
  std::ofstream(dir / "driver.c") << kDriver;
  std::string d = dir.string() + "/";
  std::string link = "clang-19 -fsanitize=address -o " + d + "prog " + d + "client.c " + d + "driver.c " + d + "oracle.c -w";
  for (const std::string &s : oracleWrappedSymbols()) link += " -Wl,--wrap=" + s;
  link += " -lpthread -ldl";
  ASSERT_EQ(run(link + " 2>&1"), 0);
  // 124: timeout killed it, the program's sends blocked; 4 or 5: the input was cut.
  EXPECT_EQ(run("MAMORI_ORACLE_DIR=" + d + " timeout 60 " + d + "prog"), 0);
  fs::remove_all(dir);
}

// Unsigned wraps and narrowing truncations are defined behaviour: under UBSan's checks for
// them the runtime lets a wrap pass (a hash) unless its line is in finding-lines, where it ends
// the program after UBSan's report, as a failure. halt_on_error=0 is how confirm runs it.
const char *kWrapping = R"(
#include <stdint.h>
#include <stdio.h>
static uint32_t hash(const char *s) {
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}
int main(int argc, char **argv) {
  unsigned header = 65000, body = (unsigned)argc * 1000;
  printf("%u\n", hash("a line long enough to wrap the hash"));
  uint16_t frame = header + body; /* line 12 */
  printf("%u\n", frame);
  return 0;
}
)";

TEST(OracleRuntime, WrapFailsOnlyAtAListedLine) {
  fs::path dir = fs::temp_directory_path() / ("mamori-wrap-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "oracle.c") << oracleRuntimeSource();
  std::ofstream(dir / "wrapping.c") << kWrapping;
  std::string d = dir.string() + "/";
  std::string link = "clang-19 -g -fsanitize=address,undefined,unsigned-integer-overflow,implicit-integer-truncation "
                     "-fsanitize-recover=all -o " + d + "prog " + d + "wrapping.c " + d + "oracle.c -w";
  for (const std::string &s : oracleWrappedSymbols()) link += " -Wl,--wrap=" + s;
  link += " -lpthread -ldl";
  ASSERT_EQ(run(link + " 2>&1"), 0);
  std::string env = "MAMORI_ORACLE_DIR=" + d + " UBSAN_OPTIONS=halt_on_error=0 ";
  // No site listed: the hash and the truncation both go on.
  EXPECT_EQ(run(env + d + "prog > /dev/null 2>&1"), 0);
  // The truncation's line listed: it fails there, after UBSan's report is printed whole.
  // Listed for a division finding only, it is let pass: the kinds must agree.
  std::ofstream(dir / "finding-lines") << d << "wrapping.c:12:division\n";
  EXPECT_EQ(run(env + d + "prog > /dev/null 2>&1"), 0);
  std::ofstream(dir / "finding-lines") << d << "wrapping.c:12:wrap\n";
  EXPECT_EQ(run(env + d + "prog > /dev/null 2> " + d + "err"), 1);
  std::ifstream in(dir / "err");
  std::string err((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(err.find("wrapping.c:12:"), std::string::npos);
  EXPECT_NE(err.find("SUMMARY: UndefinedBehaviorSanitizer"), std::string::npos);
  EXPECT_NE(err.find("mamori-oracle: well-defined wrap let pass"), std::string::npos);  // the hash
  fs::remove_all(dir);
}
