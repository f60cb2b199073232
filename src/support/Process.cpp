#include "support/Process.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <poll.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace mamori {

namespace {

double nowSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

void setLimit(int resource, unsigned long long value) {
  rlimit rl{static_cast<rlim_t>(value), static_cast<rlim_t>(value)};
  setrlimit(resource, &rl);
}

// In a fresh network namespace only `lo` exists, and it is down.
void bringUpLoopback() {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    ioctl(fd, SIOCSIFFLAGS, &ifr);
  }
  close(fd);
}

}  // namespace

bool programExists(const std::string &name) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0;
  const char *path = std::getenv("PATH");
  std::string p = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string candidate = p.substr(start, end - start) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

ProcessResult runSandboxed(const std::vector<std::string> &argv, const std::string &workdir,
                           const SandboxLimits &limits, const RunOptions &options) {
  ProcessResult result;
  if (argv.empty()) {
    result.launchError = "empty command";
    return result;
  }
  int out[2];
  int status[2];  // reports exec failure and whether the network namespace was created
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(status, O_CLOEXEC) != 0) {
    result.launchError = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  pid_t pid = fork();
  if (pid < 0) {
    result.launchError = std::string("fork: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0) {
    setpgid(0, 0);
    char isolated = 0;
    if (limits.noNetwork && unshare(CLONE_NEWNET) == 0) {
      isolated = 1;
      bringUpLoopback();  // tools like bear talk to themselves over 127.0.0.1
    }
    (void)!write(status[1], &isolated, 1);
    dup2(out[1], 1);
    dup2(out[1], 2);
    int in = open(options.stdinFile.empty() ? "/dev/null" : options.stdinFile.c_str(), O_RDONLY);
    if (in >= 0) dup2(in, 0);
    for (const std::string &kv : options.environment) putenv(const_cast<char *>(kv.c_str()));
    if (!workdir.empty() && chdir(workdir.c_str()) != 0) _exit(126);
    setLimit(RLIMIT_CPU, limits.cpuSeconds);
    if (limits.memoryMiB) setLimit(RLIMIT_AS, limits.memoryMiB << 20);
    setLimit(RLIMIT_FSIZE, limits.fileSizeMiB << 20);
    if (limits.maxProcesses) setLimit(RLIMIT_NPROC, limits.maxProcesses);
    std::vector<char *> args;
    for (const auto &a : argv) args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    char failed = 2;
    (void)!write(status[1], &failed, 1);
    _exit(127);
  }
  close(out[1]);
  close(status[1]);
  char flag = 0;
  if (read(status[0], &flag, 1) == 1) result.networkIsolated = flag == 1;
  char failed = 0;
  if (read(status[0], &failed, 1) == 1 && failed == 2)
    result.launchError = "cannot run '" + argv[0] + "': not found or not executable";
  close(status[0]);

  const double deadline = nowSeconds() + limits.timeoutSeconds;
  char buf[65536];
  for (;;) {
    double left = deadline - nowSeconds();
    if (left <= 0 || (options.keepGoing && !options.keepGoing())) {
      result.timedOut = true;
      kill(-pid, SIGKILL);
      break;
    }
    pollfd pfd{out[0], POLLIN, 0};
    int waitMs = static_cast<int>(left * 1000) + 1;
    if (options.keepGoing) waitMs = std::min(waitMs, 1000);
    int r = poll(&pfd, 1, waitMs);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    if (result.output.size() < (1u << 20)) result.output.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  kill(-pid, SIGKILL);  // no stray grandchildren survive the command
  if (WIFEXITED(wstatus)) result.exitCode = WEXITSTATUS(wstatus);
  if (WIFSIGNALED(wstatus)) result.signal = WTERMSIG(wstatus);
  return result;
}

}  // namespace mamori
