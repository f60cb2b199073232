/* mamori's oracles for the taint CWEs, linked into every sanitizer build that
 * `mamori confirm` makes, through the linker's --wrap=SYMBOL.
 *
 * A sanitizer proves memory errors; these prove the three taint bugs, which do not
 * crash on their own:
 *   CWE-78  a shell command (system, popen, the exec family) ran the canary program
 *           `mamori_canary`, which confirm puts first in PATH (so shell syntax from the
 *           input was interpreted, or the input named the program);
 *   CWE-134 a printf-family format lies in writable memory (it came from data, not from a
 *           literal) and holds a conversion directive; under a fuzz target, where the
 *           input is known, that directive must come from the input: it occurs there, and
 *           changing it there changes it in the format (a forked rerun tells);
 *   CWE-22  a path handed to open/fopen/... climbs with ".." out of the folder it names
 *           before the first "..", to a file that exists there (or, for a call that
 *           creates files, into a folder that exists). Such writes and deletes are
 *           refused, never performed.
 * A violation prints a report in the sanitizers' style, with the stack, and aborts, so
 * libFuzzer keeps the input as a crash. Nothing here runs unless confirm linked it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <execinfo.h>
#include <link.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <poll.h>
#include <pthread.h>
#include <syslog.h>
#include <unistd.h>

void __sanitizer_print_stack_trace(void);

/* ----- Known bugs: a signature per failure, so fuzzing can go on past a bug that is
 * already proven. -----
 * A failure's signature is the offsets (in the executable) of the three innermost return
 * addresses that lie in the project's own instrumented code, which libFuzzer's PC table
 * bounds. While fuzzing (MAMORI_SUPPRESS_KNOWN set), a failure whose signature is listed
 * in $MAMORI_KNOWN_FILE (the target's own list; $MAMORI_ORACLE_DIR/known without it) lets
 * the program go on, if the sanitizer can; any other aborts, so libFuzzer keeps the input.
 * Replays (MAMORI_PRINT_SIGNATURE set) print the signature for confirm to list once the
 * bug is triaged. Only raw system calls run while a sanitizer is reporting. */

extern const uintptr_t __start___sancov_pcs[] __attribute__((weak));
extern const uintptr_t __stop___sancov_pcs[] __attribute__((weak));
static uintptr_t project_lo = 0, project_hi = 0, module_bias = 0;

static int first_module(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  *(uintptr_t *)data = (uintptr_t)info->dlpi_addr;
  return 1;
}

__attribute__((constructor)) static void oracle_init(void) {
  dl_iterate_phdr(first_module, &module_bias);
  if (__start___sancov_pcs && __stop___sancov_pcs) {
    /* Pairs of (PC, flags). */
    for (const uintptr_t *p = __start___sancov_pcs; p + 1 < __stop___sancov_pcs; p += 2) {
      if (!project_lo || p[0] < project_lo) project_lo = p[0];
      if (p[0] > project_hi) project_hi = p[0];
    }
    project_hi += 256;
  }
}

static void failure_signature(char *out, size_t n) {
  void *pcs[64];
  int k = backtrace(pcs, 64), taken = 0;
  size_t o = 0;
  out[0] = '\0';
  for (int i = 0; i < k && taken < 3; ++i) {
    uintptr_t pc = (uintptr_t)pcs[i];
    if (project_lo && (pc < project_lo || pc > project_hi)) continue;
    int w = snprintf(out + o, n - o, "%s%lx", taken ? ":" : "", (unsigned long)(pc - module_bias));
    if (w < 0 || (size_t)w >= n - o) break;
    o += (size_t)w;
    ++taken;
  }
}

static void raw_write(const char *s) { syscall(SYS_write, 2, s, strlen(s)); }

/* Compares by hand: libFuzzer hooks memcmp() and strcmp() and learns what they compare, so
 * the oracles' own strings would end up in its dictionary. */
static int same_bytes(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return 0;
  return 1;
}

/* Reads a list confirm wrote (at most `size` - 1 bytes) into `buf`, NUL-terminated, with raw
 * system calls: it runs while a sanitizer is reporting. Returns 0 when there is none. */
static int read_list(const char *path, char *buf, size_t size) {
  int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);
  if (fd < 0) return 0;
  long len = syscall(SYS_read, fd, buf, size - 1);
  syscall(SYS_close, fd);
  if (len <= 0) return 0;
  buf[len] = '\0';
  return 1;
}

static int signature_known(const char *sig) {
  const char *file = getenv("MAMORI_KNOWN_FILE"), *dir = getenv("MAMORI_ORACLE_DIR");
  if ((!file && !dir) || !sig[0]) return 0;
  char path[4096];
  if (file)
    snprintf(path, sizeof path, "%s", file);
  else
    snprintf(path, sizeof path, "%s/known", dir);
  static char buf[65536];
  if (!read_list(path, buf, sizeof buf)) return 0;
  size_t sl = strlen(sig);
  for (char *line = buf; line && *line;) {
    char *nl = strchr(line, '\n');
    size_t ll = nl ? (size_t)(nl - line) : strlen(line);
    if (ll == sl && same_bytes(line, sig, sl)) return 1;
    line = nl ? nl + 1 : NULL;
  }
  return 0;
}

/* Set while a fuzz input runs (see the signal pass below), and once a known bug was let
 * pass in it. */
static volatile sig_atomic_t input_running, input_tainted;
static pid_t input_pid;      /* the process running the input (not a child the program forked) */
static int in_rerun_child;   /* the CWE-134 oracle's rerun of an input */

/* Returns 1 when the failure is a known bug the program may go on past. */
static int on_failure(void) {
  char sig[256];
  failure_signature(sig, sizeof sig);
  if (getenv("MAMORI_PRINT_SIGNATURE")) {
    raw_write("mamori-signature: ");
    raw_write(sig);
    raw_write("\n");
    return 0;
  }
  if (!getenv("MAMORI_SUPPRESS_KNOWN")) return 0;
  /* Once a known bug has been let pass, what the same input does next follows from it (the
   * load after a reported NULL member access, the division UBSan reported): a replay stops
   * at the first report, so those would never be listed, and would end every job. */
  if (input_tainted || signature_known(sig)) {
    if (input_running) input_tainted = 1;
    return 1;
  }
  abort();
}

/* ----- Well-defined wraps: failures only where a finding says so -----
 * Unsigned arithmetic wraps and a narrowing conversion truncates by definition, and hashes
 * and checksums do both on purpose; a floating division by zero gives an infinity. So
 * confirm's build checks them (UBSan's unsigned-integer-overflow,
 * implicit-integer-truncation and float-divide-by-zero) only to prove an integer-overflow
 * or divide-by-zero finding. Such a report is a failure when it is at a line that
 * $MAMORI_ORACLE_DIR/finding-lines lists ("file:line:wrap" or "file:line:division", one
 * per line, from the findings), for its kind;
 * anywhere else it is let pass, after a marker line that tells confirm's parser to skip the
 * report UBSan prints next. */
void __ubsan_get_current_report_data(const char **kind, const char **message, const char **file, unsigned *line,
                                     unsigned *column, char **address) __attribute__((weak));

static int starts_with(const char *s, const char *prefix) {
  size_t n = strlen(prefix);
  return strlen(s) >= n && same_bytes(s, prefix, n);
}

static int ends_with(const char *s, size_t sl, const char *suffix, size_t n) {
  return sl >= n && same_bytes(s + sl - n, suffix, n);
}

static int defined_behaviour_kind(const char *kind) {
  return starts_with(kind, "unsigned-integer-overflow") || starts_with(kind, "implicit-unsigned-integer-truncation") ||
         starts_with(kind, "implicit-signed-integer-truncation") || starts_with(kind, "float-divide-by-zero");
}

/* The same file when one path ends with the other at a folder boundary (debug information
 * holds the path the compiler was given, relative or absolute). */
static int same_source(const char *site, size_t sl, const char *file) {
  /* A relative path from the build folder ("../src/x.c"): what follows its climbs. */
  for (;;) {
    if (file[0] == '.' && file[1] == '/') file += 2;
    else if (file[0] == '.' && file[1] == '.' && file[2] == '/') file += 3;
    else break;
  }
  size_t fl = strlen(file);
  if (sl == fl) return same_bytes(site, file, fl);
  if (sl > fl) return ends_with(site, sl, file, fl) && site[sl - fl - 1] == '/';
  return ends_with(file, fl, site, sl) && file[fl - sl - 1] == '/';
}

/* `what`: "wrap" for a wrap or a truncation, "division" for a floating division by zero;
 * a line is listed for the kind of finding it holds. */
static int finding_line_listed(const char *file, unsigned line, const char *what) {
  const char *dir = getenv("MAMORI_ORACLE_DIR");
  if (!dir || !file) return 0;
  char path[4096];
  snprintf(path, sizeof path, "%s/finding-lines", dir);
  static char buf[262144];
  if (!read_list(path, buf, sizeof buf)) return 0;
  for (char *at = buf; at && *at;) {
    char *nl = strchr(at, '\n');
    size_t ll = nl ? (size_t)(nl - at) : strlen(at);
    /* file:line:what, where the file may hold colons of its own */
    char *last = NULL, *colon = NULL;
    for (size_t i = ll; i > 0; --i)
      if (at[i - 1] == ':') {
        if (!last) last = at + i - 1;
        else {
          colon = at + i - 1;
          break;
        }
      }
    size_t wl = last ? (size_t)(at + ll - last - 1) : 0;
    if (colon && wl == strlen(what) && same_bytes(last + 1, what, wl) && strtoul(colon + 1, NULL, 10) == line &&
        same_source(at, (size_t)(colon - at), file))
      return 1;
    at = nl ? nl + 1 : NULL;
  }
  return 0;
}

/* Set when UBSan's report must end the program once it is printed. Replays run UBSan with
 * halt_on_error=0, so that a wrap let pass goes on; the program ends here instead, after the
 * report's summary line, the last thing a report prints. */
static volatile sig_atomic_t halt_after_summary;

void __sanitizer_report_error_summary(const char *summary) {
  raw_write(summary);
  raw_write("\n");
  if (halt_after_summary) syscall(SYS_exit_group, 1);
}

/* Called by AddressSanitizer as it starts a report; by UBSan before it prints one. */
void __asan_on_error(void) { (void)on_failure(); }
void __ubsan_on_report(void) {
  const char *kind = NULL, *message = NULL, *file = NULL;
  unsigned line = 0, column = 0;
  char *address = NULL;
  if (__ubsan_get_current_report_data) __ubsan_get_current_report_data(&kind, &message, &file, &line, &column, &address);
  if (kind && defined_behaviour_kind(kind) &&
      !finding_line_listed(file, line, starts_with(kind, "float-divide-by-zero") ? "division" : "wrap")) {
    raw_write("mamori-oracle: well-defined wrap let pass\n");
    return;
  }
  if (!on_failure()) halt_after_summary = 1;
}

void __sanitizer_symbolize_pc(void *pc, const char *fmt, char *out, size_t size) __attribute__((weak));

/* A stack saved earlier (the popen() that started a command the violation is found in at
 * pclose()), printed like the sanitizers' "allocated by thread T0 here:" sections, so that
 * triage sees the call that did it. */
struct saved_stack { void *pcs[32]; int depth; };

static void print_saved_stack(const char *label, const struct saved_stack *st) {
  if (!st || st->depth <= 0 || !__sanitizer_symbolize_pc) return;
  fprintf(stderr, "%s by thread T0 here:\n", label);
  for (int i = 0, shown = 0; i < st->depth; ++i) {
    char frame[1024];
    /* Return addresses: the call is the instruction before. */
    __sanitizer_symbolize_pc((char *)st->pcs[i] - 1, "%p %F %L", frame, sizeof frame);
    fprintf(stderr, "    #%d %s\n", shown++, frame);
  }
}

static void oracle_violation_at(const char *kind, const char *what, const char *value, const char *detail,
                                const struct saved_stack *started) {
  if (on_failure()) return;
  fprintf(stderr, "==%d==ERROR: mamori-oracle: %s\n", (int)getpid(), kind);
  fprintf(stderr, "%s: \"%.200s\"\n", what, value ? value : "(null)");
  if (detail) fprintf(stderr, "%s\n", detail);
  __sanitizer_print_stack_trace();
  fprintf(stderr, "\n");
  print_saved_stack("started", started);
  fprintf(stderr, "SUMMARY: mamori-oracle: %s\n", kind);
  fflush(stderr);
  /* A child the program forked (to exec a command, say) has reported; the process running
   * the input ends with it, so that the fuzzer keeps the input and a replay fails. */
  if (input_running && input_pid && getpid() != input_pid && !in_rerun_child) {
    kill(input_pid, SIGABRT);
    _exit(1);
  }
  abort();
}

static void oracle_violation_detail(const char *kind, const char *what, const char *value, const char *detail) {
  oracle_violation_at(kind, what, value, detail, NULL);
}

static void oracle_violation(const char *kind, const char *what, const char *value) {
  oracle_violation_detail(kind, what, value, NULL);
}

/* ----- The input being run, when a fuzz target runs it -----
 * LLVMFuzzerTestOneInput is wrapped too, so the oracles know the bytes that came from
 * outside. In a build without a fuzz target (the project's own tests) it stays unknown. */

int __real_LLVMFuzzerTestOneInput(const uint8_t *, size_t) __attribute__((weak));
static const uint8_t *current_input;
static size_t current_size;
static int input_known;
static unsigned run_generation = 1; /* counts the inputs run, for per-input tables */

static void close_input_peers(void);

/* ----- Going on past a known bug that ends in a signal -----
 * A NULL dereference (SIGSEGV) or a division by zero (SIGFPE after UBSan's report) cannot be
 * recovered from: the sanitizer reports it and the process dies, and a shallow one would end
 * every fork-mode job after a few inputs. While fuzzing, when the signal's signature is a
 * known bug, or a known bug was let pass earlier in the same input, the handler abandons
 * the input instead (siglongjmp back to the wrapped
 * LLVMFuzzerTestOneInput, which returns 0 to libFuzzer), and the memory the input had
 * allocated is handed to LeakSanitizer as ignored, so that the abandoned input is not
 * taken for a leak. Any other signal goes on to the sanitizer's own handler. */

void __sanitizer_install_malloc_and_free_hooks(void (*)(const volatile void *, size_t), void (*)(const volatile void *))
    __attribute__((weak));
void __lsan_ignore_object(const void *) __attribute__((weak));

#define LIVE_SLOTS 65536u
/* This input's blocks, open addressing. Kept complemented (~address): LeakSanitizer scans
 * this table like any global, and a plain pointer here would make every block the input
 * leaks look reachable. */
static uintptr_t live[LIVE_SLOTS];
static unsigned live_generation[LIVE_SLOTS], generation = 1, live_count;
static sigjmp_buf input_exit;
static struct sigaction previous_action[3];
static const int deadly_signals[3] = {SIGSEGV, SIGBUS, SIGFPE};

static unsigned slot_of(const volatile void *p) { return (unsigned)(((uintptr_t)p >> 4) * 2654435761u) % LIVE_SLOTS; }

static void note_malloc(const volatile void *p, size_t size) {
  (void)size;
  if (!input_running || !p || live_count >= LIVE_SLOTS / 2) return;
  for (unsigned i = slot_of(p);; i = (i + 1) % LIVE_SLOTS)
    if (live_generation[i] != generation || !live[i]) {
      live[i] = ~(uintptr_t)p;
      live_generation[i] = generation;
      ++live_count;
      return;
    }
}

static void note_free(const volatile void *p) {
  if (!input_running || !p) return;
  for (unsigned i = slot_of(p); live_generation[i] == generation; i = (i + 1) % LIVE_SLOTS)
    if (live[i] == ~(uintptr_t)p) {
      live[i] = 0; /* a tombstone: the probe goes on past it */
      return;
    }
}

static void forget_input_blocks(int ignore_them) {
  if (ignore_them && __lsan_ignore_object)
    for (unsigned i = 0; i < LIVE_SLOTS; ++i)
      if (live_generation[i] == generation && live[i]) __lsan_ignore_object((const void *)~live[i]);
  ++generation;
  live_count = 0;
}

static void forward_signal(int sig, siginfo_t *info, void *context) {
  for (int i = 0; i < 3; ++i) {
    if (deadly_signals[i] != sig) continue;
    struct sigaction *a = &previous_action[i];
    if ((a->sa_flags & SA_SIGINFO) && a->sa_sigaction) {
      a->sa_sigaction(sig, info, context);
    } else if (a->sa_handler != SIG_DFL && a->sa_handler != SIG_IGN) {
      a->sa_handler(sig);
    } else {
      signal(sig, SIG_DFL); /* the faulting instruction runs again and ends the process */
    }
    return;
  }
}

#define LEARNED_MAX 32
static char learned[LEARNED_MAX][128];
static int learned_count;

static int signal_signature_learned(const char *sig) {
  for (int i = 0; i < learned_count; ++i)
    if (strlen(learned[i]) == strlen(sig) && same_bytes(learned[i], sig, strlen(sig))) return 1;
  return 0;
}

static void learn_signal_signature(const char *sig) {
  if (!sig[0] || learned_count == LEARNED_MAX || signal_signature_learned(sig)) return;
  snprintf(learned[learned_count++], sizeof learned[0], "%s", sig);
}

static void on_deadly_signal(int sig, siginfo_t *info, void *context) {
  if (input_running && getenv("MAMORI_SUPPRESS_KNOWN")) {
    char sig_text[256];
    failure_signature(sig_text, sizeof sig_text);
    if (input_tainted) {
      /* UBSan reports a place once per process: the next input that gets here takes the
       * signal without the report before it, so the signal's own signature is kept. */
      learn_signal_signature(sig_text);
      siglongjmp(input_exit, 1);
    }
    if (signal_signature_learned(sig_text) || signature_known(sig_text)) siglongjmp(input_exit, 1);
  }
  forward_signal(sig, info, context);
}

static void install_signal_pass(void) {
  if (!__real_LLVMFuzzerTestOneInput) return;
  /* The input's blocks are tracked in replays too: an input the oracle ends early (a second
   * accept(), an exec) must not leave them to LeakSanitizer as leaks. */
  if (__sanitizer_install_malloc_and_free_hooks) __sanitizer_install_malloc_and_free_hooks(note_malloc, note_free);
  if (!getenv("MAMORI_SUPPRESS_KNOWN")) return;
  void *warm[4];
  backtrace(warm, 4); /* loads the unwinder now, not inside a signal handler */
  for (int i = 0; i < 3; ++i) {
    struct sigaction a;
    memset(&a, 0, sizeof a);
    a.sa_sigaction = on_deadly_signal;
    a.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&a.sa_mask);
    sigaction(deadly_signals[i], &a, &previous_action[i]);
  }
}

/* Ends the current input as if the program had returned from it (the blocks it allocated
 * are ignored for LeakSanitizer), when this is the process running it; a child the
 * program forked, or code outside an input, ends its process instead. */
static void end_input(int status) {
  if (input_running && getpid() == input_pid) siglongjmp(input_exit, 1);
  fflush(NULL);
  _exit(status);
}

__attribute__((constructor)) static void signal_pass_init(void) { install_signal_pass(); }

int __wrap_LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!__real_LLVMFuzzerTestOneInput) return 0;
  static int depth;
  if (depth++ > 0) { /* a target that calls itself: only the outermost run is tracked */
    int r = __real_LLVMFuzzerTestOneInput(data, size);
    --depth;
    return r;
  }
  current_input = data;
  current_size = size;
  input_known = 1;
  input_pid = getpid();
  input_tainted = 0;
  ++run_generation;
  int r = 0;
  if (sigsetjmp(input_exit, 1) == 0) {
    input_running = 1;
    r = __real_LLVMFuzzerTestOneInput(data, size);
    input_running = 0;
    forget_input_blocks(0);
  } else {
    /* A known bug ended the input in a signal; the sanitizer's stack poison of the frames
     * left behind is cleared by its siglongjmp interceptor. */
    input_running = 0;
    forget_input_blocks(1);
  }
  input_tainted = 0;
  close_input_peers();
  current_input = NULL;
  current_size = 0;
  input_known = 0;
  depth = 0;
  return r;
}

/* ----- CWE-134: formats from writable memory ----- */

struct range { uintptr_t lo, hi; };
static struct range readonly_ranges[512];
static int readonly_count = -1;

static void load_readonly_ranges(void) {
  readonly_count = 0;
  FILE *maps = fopen("/proc/self/maps", "r");
  if (!maps) return;
  char line[512];
  while (fgets(line, sizeof line, maps) && readonly_count < 512) {
    unsigned long lo, hi;
    char perms[8];
    if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3) continue;
    if (perms[0] == 'r' && perms[1] != 'w') {
      readonly_ranges[readonly_count].lo = lo;
      readonly_ranges[readonly_count].hi = hi;
      ++readonly_count;
    }
  }
  fclose(maps);
}

static int in_readonly_memory(const void *p) {
  if (readonly_count < 0) load_readonly_ranges();
  uintptr_t a = (uintptr_t)p;
  for (int i = 0; i < readonly_count; ++i)
    if (a >= readonly_ranges[i].lo && a < readonly_ranges[i].hi) return 1;
  return 0;
}

/* A plain loop, not memmem(): libFuzzer hooks memmem and would learn the needle, so the
 * oracle's own question would teach the fuzzer to put the directive into the input. */
static int occurs_in_input(const char *s, size_t n) {
  if (!current_input || n == 0 || n > current_size) return 0;
  for (size_t i = 0; i + n <= current_size; ++i) {
    size_t k = 0;
    while (k < n && current_input[i + k] == (uint8_t)s[k]) ++k;
    if (k == n) return 1;
  }
  return 0;
}

/* ----- Does a directive follow the input? -----
 * That a directive's text also occurs in the input is not enough: a program that builds
 * "%-5s|" from a width and a literal would be "proven" by any input that happens to hold
 * "%-5s". So the oracle asks the program itself. It forks; the child runs the same input
 * with the directive's conversion letter changed wherever the directive occurs in it (for
 * "%-5s", "%-5x"), and watches the same printf call, at the same count of calls in that
 * input. The directive came from the input when the child's format holds, at the same
 * place, the changed directive. The child writes nothing but that answer, to a pipe; the
 * parent waits three seconds at most, and a child that never gets there answers no. */

#define SITE_SLOTS 256u
static uintptr_t site_pc[SITE_SLOTS];
static unsigned site_hits[SITE_SLOTS], site_generation[SITE_SLOTS], site_refuted[SITE_SLOTS];

/* The how-manyth call this is, in the current input, of the printf call at `pc`. */
static unsigned count_site_call(uintptr_t pc, unsigned **refuted) {
  for (unsigned i = (unsigned)((pc >> 2) * 2654435761u) % SITE_SLOTS, n = 0; n < SITE_SLOTS; i = (i + 1) % SITE_SLOTS, ++n) {
    if (site_pc[i] == pc || site_pc[i] == 0) {
      site_pc[i] = pc;
      if (site_generation[i] != run_generation) {
        site_generation[i] = run_generation;
        site_hits[i] = 0;
      }
      *refuted = &site_refuted[i];
      return ++site_hits[i];
    }
  }
  static unsigned overflow;
  *refuted = &overflow;
  return 0;
}

static struct {
  int fd;
  uintptr_t pc;
  unsigned call;
  size_t offset, length;
  char expected[64];
} perturbed;

/* Runs in the child, at every printf call with a writable format. */
static void answer_if_watched(const char *fmt, uintptr_t pc, unsigned call) {
  if (pc != perturbed.pc || call != perturbed.call) return;
  size_t n = strlen(fmt);
  char yes = perturbed.offset + perturbed.length <= n &&
             same_bytes(fmt + perturbed.offset, perturbed.expected, perturbed.length);
  syscall(SYS_write, perturbed.fd, &yes, 1);
  _exit(0);
}

void __sanitizer_set_death_callback(void (*)(void)) __attribute__((weak));

static void leave_quietly(void) { _exit(0); }

static char other_conversion(char c) { return c == 'x' ? 'd' : 'x'; }

/* True when the directive fmt[offset, offset+length) changes with the input's copy of it. */
static int directive_follows_input(const char *fmt, size_t offset, size_t length, uintptr_t pc, unsigned call) {
  if (length >= sizeof perturbed.expected || !__real_LLVMFuzzerTestOneInput) return 0;
  uint8_t *changed = malloc(current_size ? current_size : 1);
  if (!changed) return 0;
  memcpy(changed, current_input, current_size);
  const char *directive = fmt + offset;
  for (size_t i = 0; i + length <= current_size; ++i)
    if (same_bytes((const char *)changed + i, directive, length)) changed[i + length - 1] = (uint8_t)other_conversion(directive[length - 1]);
  int fds[2];
  /* Close-on-exec: a command the rerun starts must not hold the answer's pipe open. */
  if (pipe2(fds, O_CLOEXEC) != 0) {
    free(changed);
    return 0;
  }
  pid_t child = fork();
  if (child == 0) {
    int null_fd = open("/dev/null", O_WRONLY);
    if (null_fd >= 0) {
      dup2(null_fd, 1);
      dup2(null_fd, 2);
    }
    close(fds[0]);
    /* Whatever ends the child, libFuzzer's handlers must not: they would save the parent's
     * input as a crash. Signals kill it, a sanitizer's death runs no callback, exit() exits. */
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGABRT, SIGILL, SIGALRM};
    for (unsigned i = 0; i < sizeof fatal / sizeof fatal[0]; ++i) signal(fatal[i], SIG_DFL);
    if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(NULL);
    atexit(leave_quietly);
    alarm(2);
    in_rerun_child = 1;
    perturbed.fd = fds[1];
    perturbed.pc = pc;
    perturbed.call = call;
    perturbed.offset = offset;
    perturbed.length = length;
    memcpy(perturbed.expected, directive, length);
    perturbed.expected[length - 1] = other_conversion(directive[length - 1]);
    input_running = 0;
    close_input_peers();
    ++run_generation;
    current_input = changed;
    __real_LLVMFuzzerTestOneInput(changed, current_size);
    _exit(0);
  }
  close(fds[1]);
  char yes = 0;
  if (child > 0) {
    /* The child's alarm is the program's to change; the parent waits three seconds at most. */
    struct pollfd answer = {fds[0], POLLIN, 0};
    int ready;
    while ((ready = poll(&answer, 1, 3000)) < 0 && errno == EINTR) {
    }
    if (ready > 0 && read(fds[0], &yes, 1) != 1) yes = 0;
    kill(child, SIGKILL);
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
  }
  close(fds[0]);
  free(changed);
  return yes == 1;
}

/* Each conversion directive of `fmt`, as the offset and length of its text ("%08x"). */
static int next_directive(const char *fmt, size_t *offset, size_t *length) {
  for (const char *p = fmt + *offset + *length; *p; ++p) {
    if (*p != '%') continue;
    const char *q = p + 1;
    if (*q == '%') { p = q; continue; }
    while (*q && strchr("0123456789.-+ #'$*hlLqjzt", *q)) ++q;
    if (!*q || !strchr("diouxXeEfFgGaAcsSpnm", *q)) continue;
    *offset = (size_t)(p - fmt);
    *length = (size_t)(q - p + 1);
    return 1;
  }
  return 0;
}

/* A site whose formats did not follow the input this many times is not asked again. */
#define REFUTATIONS_MAX 16u

static void check_format(const char *fmt, uintptr_t pc) {
  if (!fmt || in_readonly_memory(fmt)) return;
  static unsigned no_site;
  unsigned *refuted = &no_site;
  unsigned call = input_known ? count_site_call(pc, &refuted) : 0;
  if (in_rerun_child) {
    answer_if_watched(fmt, pc, call);
    return;
  }
  size_t offset = 0, length = 0;
  while (next_directive(fmt, &offset, &length)) {
    if (!input_known) {
      /* The project's own tests: no input is known, any directive in writable memory. */
      oracle_violation("format string from data (CWE-134)", "format", fmt);
      return;
    }
    if (*refuted >= REFUTATIONS_MAX || !occurs_in_input(fmt + offset, length)) continue;
    if (directive_follows_input(fmt, offset, length, pc, call)) {
      oracle_violation("format string from data (CWE-134)", "format", fmt);
      return;
    }
    ++*refuted;
  }
}

/* The call site is the wrapper's return address: the printf call in the program. */
#define CHECK_FORMAT(f) check_format(f, (uintptr_t)__builtin_return_address(0))

int __real_vprintf(const char *, va_list);
int __real_vfprintf(FILE *, const char *, va_list);
int __real_vsprintf(char *, const char *, va_list);
int __real_vsnprintf(char *, size_t, const char *, va_list);
int __real_vdprintf(int, const char *, va_list);
void __real_vsyslog(int, const char *, va_list);

int __wrap_vprintf(const char *f, va_list ap) { CHECK_FORMAT(f); return __real_vprintf(f, ap); }
int __wrap_vfprintf(FILE *s, const char *f, va_list ap) { CHECK_FORMAT(f); return __real_vfprintf(s, f, ap); }
int __wrap_vsprintf(char *d, const char *f, va_list ap) { CHECK_FORMAT(f); return __real_vsprintf(d, f, ap); }
int __wrap_vsnprintf(char *d, size_t n, const char *f, va_list ap) {
  CHECK_FORMAT(f);
  return __real_vsnprintf(d, n, f, ap);
}
int __wrap_vdprintf(int fd, const char *f, va_list ap) { CHECK_FORMAT(f); return __real_vdprintf(fd, f, ap); }
void __wrap_vsyslog(int pri, const char *f, va_list ap) { CHECK_FORMAT(f); __real_vsyslog(pri, f, ap); }

#define FORWARD(call) \
  va_list ap;         \
  va_start(ap, f);    \
  int r = call;       \
  va_end(ap);         \
  return r

int __wrap_printf(const char *f, ...) { CHECK_FORMAT(f); FORWARD(__real_vprintf(f, ap)); }
int __wrap_fprintf(FILE *s, const char *f, ...) { CHECK_FORMAT(f); FORWARD(__real_vfprintf(s, f, ap)); }
int __wrap_sprintf(char *d, const char *f, ...) { CHECK_FORMAT(f); FORWARD(__real_vsprintf(d, f, ap)); }
int __wrap_snprintf(char *d, size_t n, const char *f, ...) { CHECK_FORMAT(f); FORWARD(__real_vsnprintf(d, n, f, ap)); }
int __wrap_dprintf(int fd, const char *f, ...) { CHECK_FORMAT(f); FORWARD(__real_vdprintf(fd, f, ap)); }
void __wrap_syslog(int pri, const char *f, ...) {
  CHECK_FORMAT(f);
  va_list ap;
  va_start(ap, f);
  __real_vsyslog(pri, f, ap);
  va_end(ap);
}

/* ----- The input as the network peer -----
 * The sandbox has no network: a program that connects would fail, and one that accepts
 * would wait until the input's timeout, for every input. While a fuzz target runs an
 * input, a stream socket's connect() to an internet address, and the first accept() of the
 * input, are served by a local socket pair instead: the program's end reads the input,
 * then end of file, and what the program sends is read and dropped. The next accept() of the
 * input ends it, as no other client will come. Its bind() of such a
 * socket succeeds without taking the port, so that parallel fuzzing jobs do not fight over
 * it. A harness that gives a program its input on standard input thus gives it to the
 * program's network reads too. */

int __real_connect(int, const struct sockaddr *, socklen_t);
int __real_accept(int, struct sockaddr *, socklen_t *);
int __real_accept4(int, struct sockaddr *, socklen_t *, int);
int __real_bind(int, const struct sockaddr *, socklen_t);

#define PEERS_MAX 64
/* The other end of each connection served this input. A socket holds about 200 KB: a
 * program that sends more than that to a peer that never reads would block for good (and
 * its input be taken for a hang), and an input longer than that would be cut. So a pump
 * thread per connection sends the part of the input that did not fit and reads and drops
 * what the program sends, until the program closes its end or the input ends. */
struct input_peer {
  int fd;
  size_t sent;       /* of the current input */
  pthread_t pump;
  int pumping;       /* the pump thread runs (it could not be started under a process limit) */
  pid_t owner;       /* the process that started it: a forked child cannot join it */
};
static struct input_peer peers[PEERS_MAX];
static int peer_count, accepted_this_input;

static void *pump_input_peer(void *arg) {
  struct input_peer *p = arg;
  char dropped[16384];
  for (;;) {
    int sending = p->sent < current_size;
    struct pollfd q = {p->fd, (short)(POLLIN | (sending ? POLLOUT : 0)), 0};
    if (poll(&q, 1, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (sending && (q.revents & POLLOUT)) {
      ssize_t w = send(p->fd, current_input + p->sent, current_size - p->sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w > 0) {
        p->sent += (size_t)w;
        if (p->sent == current_size) shutdown(p->fd, SHUT_WR);
      } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
        p->sent = current_size; /* the program closed its end; what it sent is still read below */
      }
    }
    if (q.revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t r = recv(p->fd, dropped, sizeof dropped, MSG_DONTWAIT);
      if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) break; /* closed, or the input ended */
    }
  }
  return NULL;
}

static void close_input_peers(void) {
  /* shutdown wakes the pump (its read sees end of file) and shows the program end of file. */
  for (int i = 0; i < peer_count; ++i) shutdown(peers[i].fd, SHUT_RDWR);
  for (int i = 0; i < peer_count; ++i) {
    if (peers[i].pumping && peers[i].owner == getpid()) pthread_join(peers[i].pump, NULL);
    close(peers[i].fd);
  }
  peer_count = 0;
  accepted_this_input = 0;
}

/* A new connection whose other end sends the input and then shuts its sending side; the
 * program's end is returned. As much of the input as the socket holds is there before this
 * returns, so that the program's first read sees the same bytes in every run. */
static int input_peer(void) {
  int sv[2];
  if (peer_count == PEERS_MAX || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return -1;
  struct input_peer *p = &peers[peer_count++];
  p->fd = sv[1];
  p->sent = 0;
  p->owner = getpid();
  while (p->sent < current_size) {
    ssize_t w = send(sv[1], current_input + p->sent, current_size - p->sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w <= 0) break;
    p->sent += (size_t)w;
  }
  if (p->sent == current_size) shutdown(sv[1], SHUT_WR);
  p->pumping = pthread_create(&p->pump, NULL, pump_input_peer, p) == 0;
  /* The program may keep the connection past the input, when its peer's end is closed: a
   * send then fails with EPIPE instead of killing the process with SIGPIPE (most servers
   * ignore SIGPIPE for the same reason). One left to its default would end a fuzzing job. */
  struct sigaction old;
  if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL && !(old.sa_flags & SA_SIGINFO))
    signal(SIGPIPE, SIG_IGN);
  return sv[0];
}

static int is_internet_stream(int fd, int family) {
  int type = 0;
  socklen_t len = sizeof type;
  return (family == AF_INET || family == AF_INET6) && getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
         type == SOCK_STREAM;
}

static int family_of(int fd) {
  struct sockaddr_storage a;
  socklen_t len = sizeof a;
  return getsockname(fd, (struct sockaddr *)&a, &len) == 0 ? a.ss_family : -1;
}

int __wrap_connect(int fd, const struct sockaddr *addr, socklen_t len) {
  if (input_known && addr && is_internet_stream(fd, addr->sa_family)) {
    /* dup2 gives `fd` the new connection but clears its close-on-exec flag, and the file
     * status flags are the pair's: both are put back as the program had set them. */
    int fdFlags = fcntl(fd, F_GETFD), statusFlags = fcntl(fd, F_GETFL);
    int mine = input_peer();
    if (mine >= 0) {
      int r = dup2(mine, fd);
      close(mine);
      if (r == fd) {
        if (fdFlags >= 0) fcntl(fd, F_SETFD, fdFlags);
        if (statusFlags >= 0 && (statusFlags & O_NONBLOCK)) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        return 0;
      }
    }
  }
  return __real_connect(fd, addr, len);
}

int __wrap_bind(int fd, const struct sockaddr *addr, socklen_t len) {
  if (input_known && addr && is_internet_stream(fd, addr->sa_family)) return 0;
  return __real_bind(fd, addr, len);
}

static int accept_input(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
  if (!input_known || !is_internet_stream(fd, family_of(fd))) return -1;
  /* No second client will come: a server that accepts again is done with this input. */
  if (accepted_this_input) end_input(0);
  int mine = input_peer();
  if (mine < 0) return -1;
  accepted_this_input = 1;
  if (!(flags & SOCK_CLOEXEC)) fcntl(mine, F_SETFD, 0);
  if (flags & SOCK_NONBLOCK) fcntl(mine, F_SETFL, O_NONBLOCK);
  if (addr && len) {
    struct sockaddr_in peer;
    memset(&peer, 0, sizeof peer);
    peer.sin_family = AF_INET;
    peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    memcpy(addr, &peer, *len < sizeof peer ? *len : sizeof peer);
    *len = sizeof peer;
  }
  return mine;
}

int __wrap_accept(int fd, struct sockaddr *addr, socklen_t *len) {
  int mine = accept_input(fd, addr, len, 0);
  return mine >= 0 ? mine : __real_accept(fd, addr, len);
}

int __wrap_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
  int mine = accept_input(fd, addr, len, flags);
  return mine >= 0 ? mine : __real_accept4(fd, addr, len, flags);
}

/* ----- CWE-78: the canary ran ----- */

static void canary_marker(char *out, size_t n) {
  const char *dir = getenv("MAMORI_ORACLE_DIR");
  snprintf(out, n, "%s/ran-%d", dir ? dir : "/tmp", (int)getpid());
}

static void arm_canary(void) {
  char marker[4096], pid[32];
  canary_marker(marker, sizeof marker);
  unlink(marker);
  snprintf(pid, sizeof pid, "%d", (int)getpid());
  setenv("MAMORI_ORACLE_PID", pid, 1);
}

static void check_canary(const char *command, const struct saved_stack *started) {
  char marker[4096];
  canary_marker(marker, sizeof marker);
  if (access(marker, F_OK) == 0) {
    unlink(marker);
    oracle_violation_at("command injection (CWE-78): the shell ran mamori_canary", "command", command, NULL, started);
  }
}

int __real_system(const char *);
FILE *__real_popen(const char *, const char *);
int __real_pclose(FILE *);

int __wrap_system(const char *command) {
  arm_canary();
  int r = __real_system(command);
  check_canary(command, NULL);
  return r;
}

/* The shell that popen() starts runs while the program goes on; whether it ran the canary
 * is known at pclose(), and the popen() call is the one to report. */
static char last_popen[1024];
static struct saved_stack last_popen_stack;
FILE *__wrap_popen(const char *command, const char *mode) {
  arm_canary();
  snprintf(last_popen, sizeof last_popen, "%s", command ? command : "");
  last_popen_stack.depth = backtrace(last_popen_stack.pcs, 32);
  return __real_popen(command, mode);
}

int __wrap_pclose(FILE *f) {
  int r = __real_pclose(f);
  check_canary(last_popen, &last_popen_stack);
  return r;
}

/* The exec family replaces the program, so nothing would be left to look for the marker.
 * The wrapped call runs the program in a child instead, waits for it, looks, and then ends
 * the input (in the process running it; so that one exec does not end a fuzzing job or a
 * replay's batch) or the process, with the child's status, as the replaced program would. */
int __real_execv(const char *, char *const[]);
int __real_execvp(const char *, char *const[]);
int __real_execve(const char *, char *const[], char *const[]);

/* The program's own environment list, plus the variables that tell the canary where to
 * leave its marker (a program that passes its own list would otherwise lose them). */
static char *const *with_oracle_variables(char *const envp[]) {
  static char dir[4200], pid[64];
  const char *d = getenv("MAMORI_ORACLE_DIR"), *p = getenv("MAMORI_ORACLE_PID");
  if (!d || !p) return envp;
  size_t n = 0;
  while (envp[n]) ++n;
  char **out = malloc((n + 3) * sizeof *out);
  if (!out) return envp;
  memcpy(out, envp, n * sizeof *out);
  snprintf(dir, sizeof dir, "MAMORI_ORACLE_DIR=%s", d);
  snprintf(pid, sizeof pid, "MAMORI_ORACLE_PID=%s", p);
  out[n] = dir;
  out[n + 1] = pid;
  out[n + 2] = NULL;
  return out;
}

static int exec_checked(const char *file, char *const argv[], char *const envp[], int search_path) {
  char command[1024];
  size_t used = 0;
  command[0] = '\0';
  for (int i = 0; argv && argv[i] && used + 2 < sizeof command; ++i)
    used += (size_t)snprintf(command + used, sizeof command - used, "%s%s", i ? " " : "", argv[i]);
  if (used >= sizeof command) used = sizeof command - 1;
  /* A failed exec returns -1 to the program, as the real one would: the child tells its
   * errno through a close-on-exec pipe, which an exec that works closes unwritten. */
  int failed[2];
  if (pipe2(failed, O_CLOEXEC) != 0) return -1;
  arm_canary();
  pid_t child = fork();
  if (child < 0) {
    close(failed[0]);
    close(failed[1]);
    return -1;
  }
  if (child == 0) {
    close(failed[0]);
    if (search_path) __real_execvp(file, argv);
    else if (envp) __real_execve(file, argv, with_oracle_variables(envp));
    else __real_execv(file, argv);
    int e = errno;
    if (write(failed[1], &e, sizeof e) < 0) _exit(127);
    _exit(127);
  }
  close(failed[1]);
  int exec_errno = 0;
  ssize_t got;
  while ((got = read(failed[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  close(failed[0]);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (got == (ssize_t)sizeof exec_errno) {
    errno = exec_errno;
    return -1;
  }
  check_canary(command, NULL);
  /* The program is over. In the process running an input, the input ends here and the next
   * one runs (its blocks are handed to LeakSanitizer as ignored); elsewhere the process ends. */
  end_input(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return -1;
}

int __wrap_execv(const char *path, char *const argv[]) { return exec_checked(path, argv, NULL, 0); }
int __wrap_execvp(const char *file, char *const argv[]) { return exec_checked(file, argv, NULL, 1); }
int __wrap_execve(const char *path, char *const argv[], char *const envp[]) { return exec_checked(path, argv, envp, 0); }

#define EXEC_ARGS_MAX 1024
/* The list forms: their arguments gathered into a vector, up to the NULL that ends them.
 * A list longer than the vector fails with E2BIG rather than run a shortened command. */
#define GATHER_ARGS(first)                                              \
  char *args[EXEC_ARGS_MAX];                                            \
  int n = 0;                                                            \
  va_list ap;                                                           \
  va_start(ap, first);                                                  \
  const char *a = first;                                                \
  for (; a && n < EXEC_ARGS_MAX - 1; a = va_arg(ap, const char *)) args[n++] = (char *)a; \
  args[n] = NULL

int __wrap_execl(const char *path, const char *arg, ...) {
  GATHER_ARGS(arg);
  va_end(ap);
  if (a) return errno = E2BIG, -1;
  return exec_checked(path, args, NULL, 0);
}

int __wrap_execlp(const char *file, const char *arg, ...) {
  GATHER_ARGS(arg);
  va_end(ap);
  if (a) return errno = E2BIG, -1;
  return exec_checked(file, args, NULL, 1);
}

int __wrap_execle(const char *path, const char *arg, ...) {
  GATHER_ARGS(arg);
  if (a) {
    va_end(ap);
    return errno = E2BIG, -1;
  }
  char *const *envp = va_arg(ap, char *const *);
  va_end(ap);
  return exec_checked(path, args, envp, 0);
}

/* ----- CWE-22: a path climbs out of its folder to a file that is there ----- */

static int is_dotdot(const char *p, size_t len) { return len == 2 && p[0] == '.' && p[1] == '.'; }

/* True when the ".." components of `path` climb to its top ("www/../x",
 * "/srv/www/../../../etc/passwd") or at least two levels above the folder the
 * components before the first ".." name ("/srv/www/a/../../x"). The oracle cannot know
 * where a program's root ends inside the string, so one level ("www/a/../b") is allowed;
 * a path that starts with ".." names no folder first and is left alone. */
static int climbs_out(const char *path) {
  if (!path) return 0;
  int n = 0, root_depth = -1;
  const char *p = path;
  while (*p) {
    while (*p == '/') ++p;
    if (!*p) break;
    const char *e = p;
    while (*e && *e != '/') ++e;
    size_t len = (size_t)(e - p);
    if (is_dotdot(p, len)) {
      if (root_depth < 0) root_depth = n;
      if (root_depth == 0) return 0;
      if (n == 0) return 1;
      --n;
      if (n == 0 || n < root_depth - 1) return 1;
    } else if (!(len == 1 && p[0] == '.')) {
      ++n;
    }
    p = e;
  }
  return 0;
}

/* Appends the components of `path` to the absolute folder in `out` (at most n bytes), as
 * the kernel would walk them but without touching the file system: "." is skipped and
 * ".." drops the last component. With `root`, the result as it stood just before the
 * first ".." is copied there too: the folder the path names before it climbs. */
static int walk_lexically(char *out, size_t n, const char *path, char *root, size_t rn) {
  size_t len = strlen(out);
  int climbed = 0;
  for (const char *p = path; *p;) {
    while (*p == '/') ++p;
    if (!*p) break;
    const char *e = p;
    while (*e && *e != '/') ++e;
    size_t seg = (size_t)(e - p);
    if (is_dotdot(p, seg)) {
      if (!climbed && root) {
        if (len + 1 > rn) return 0;
        memcpy(root, out, len + 1);
        if (!root[0]) strcpy(root, "/");
      }
      climbed = 1;
      while (len > 0 && out[len - 1] != '/') --len;
      if (len > 0) --len;
      out[len] = '\0';
    } else if (!(seg == 1 && p[0] == '.')) {
      if (len + 1 + seg + 1 > n) return 0;
      out[len++] = '/';
      memcpy(out + len, p, seg);
      len += seg;
      out[len] = '\0';
    }
    p = e;
  }
  if (!out[0]) strcpy(out, "/");
  return 1;
}

/* Where `path` (relative to `dirfd`) ends up, and the folder it climbs out of. */
static int resolve(int dirfd, const char *path, char *target, size_t n, char *root, size_t rn) {
  target[0] = '\0';
  if (path[0] != '/') {
    if (dirfd == AT_FDCWD) {
      if (!getcwd(target, n)) return 0;
    } else {
      char link[64];
      snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
      ssize_t k = readlink(link, target, n - 1);
      if (k <= 0) return 0;
      target[k] = '\0';
    }
    if (target[0] == '/' && target[1] == '\0') target[0] = '\0';
  }
  return walk_lexically(target, n, path, root, rn);
}

/* Compared by hand, see same_bytes(). */
static int below(const char *path, const char *folder) {
  size_t k = 0;
  if (folder[0] == '/' && folder[1] == '\0') return 1;
  while (folder[k] && path[k] == folder[k]) ++k;
  return folder[k] == '\0' && (path[k] == '\0' || path[k] == '/');
}

enum path_use { PATH_READ, PATH_WRITE, PATH_DELETE };

/* Returns 0 when the call may go ahead, or -1 when it must not (errno is set): mamori
 * never lets a traversal write or delete outside the folder.
 *
 * A path that climbs out of its folder proves CWE-22 when the file it reaches outside that
 * folder exists (a read, a delete or an overwrite would touch it), or, for a call that
 * creates files, when the folder it would be created in exists. The walk is lexical, so a
 * program whose root is missing on this machine (a harness's "/nonexistent/www") still
 * shows where the same input would lead on a deployed one. */
static int check_path_at(int dirfd, const char *path, enum path_use use) {
  if (!path || !climbs_out(path)) return 0;
  char target[4096], root[4096];
  root[0] = '\0';
  if (!resolve(dirfd, path, target, sizeof target, root, sizeof root) || !root[0] || below(target, root)) return 0;
  struct stat st;
  int reached = stat(target, &st) == 0;
  const char *what = "reads a file outside its folder";
  if (use == PATH_DELETE) {
    what = "deletes a file outside its folder";
  } else if (use == PATH_WRITE && !reached) {
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", target);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) *slash = '\0';
    reached = stat(parent, &st) == 0 && S_ISDIR(st.st_mode);
    what = "creates a file outside its folder";
  } else if (use == PATH_WRITE) {
    what = "overwrites a file outside its folder";
  }
  if (reached) {
    char detail[8300];
    snprintf(detail, sizeof detail, "reaches \"%s\", outside \"%s\"", target, root);
    char kind[128];
    snprintf(kind, sizeof kind, "path traversal (CWE-22): the path %s", what);
    oracle_violation_detail(kind, "path", path, detail);
  }
  if (use == PATH_READ) return 0;
  errno = reached ? EACCES : ENOENT;
  return -1;
}

static int check_path(const char *path, enum path_use use) { return check_path_at(AT_FDCWD, path, use); }

static enum path_use mode_use(const char *mode) {
  return mode && (strchr(mode, 'w') || strchr(mode, 'a') || strchr(mode, '+')) ? PATH_WRITE : PATH_READ;
}

static enum path_use flags_use(int flags) {
  return ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC))) ? PATH_WRITE : PATH_READ;
}

FILE *__real_fopen(const char *, const char *);
FILE *__real_fopen64(const char *, const char *);
FILE *__real_freopen(const char *, const char *, FILE *);
int __real_open(const char *, int, ...);
int __real_open64(const char *, int, ...);
int __real_openat(int, const char *, int, ...);
int __real_creat(const char *, mode_t);
DIR *__real_opendir(const char *);
int __real_unlink(const char *);
int __real_remove(const char *);

FILE *__wrap_fopen(const char *p, const char *m) { return check_path(p, mode_use(m)) ? NULL : __real_fopen(p, m); }
FILE *__wrap_fopen64(const char *p, const char *m) { return check_path(p, mode_use(m)) ? NULL : __real_fopen64(p, m); }
FILE *__wrap_freopen(const char *p, const char *m, FILE *s) {
  return check_path(p, mode_use(m)) ? NULL : __real_freopen(p, m, s);
}

#define OPEN_MODE(flags)                                                    \
  va_list ap;                                                               \
  va_start(ap, flags);                                                      \
  mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0; \
  va_end(ap)

int __wrap_open(const char *p, int flags, ...) {
  OPEN_MODE(flags);
  return check_path(p, flags_use(flags)) ? -1 : __real_open(p, flags, mode);
}
int __wrap_open64(const char *p, int flags, ...) {
  OPEN_MODE(flags);
  return check_path(p, flags_use(flags)) ? -1 : __real_open64(p, flags, mode);
}
int __wrap_openat(int dir, const char *p, int flags, ...) {
  OPEN_MODE(flags);
  return check_path_at(dir, p, flags_use(flags)) ? -1 : __real_openat(dir, p, flags, mode);
}
int __wrap_creat(const char *p, mode_t m) { return check_path(p, PATH_WRITE) ? -1 : __real_creat(p, m); }
DIR *__wrap_opendir(const char *p) { return check_path(p, PATH_READ) ? NULL : __real_opendir(p); }
int __wrap_unlink(const char *p) { return check_path(p, PATH_DELETE) ? -1 : __real_unlink(p); }
int __wrap_remove(const char *p) { return check_path(p, PATH_DELETE) ? -1 : __real_remove(p); }
