#!/usr/bin/python3
"""Benchmark mamori and its peers on a Juliet sample and on CASTLE-C250.

Prints, per CWE, each tool's recall / false-positive rate and every tool's wall
time next to the "floor" (clang-19 -fsyntax-only over the same files: the cost
of merely parsing them).  Scoring follows /work/shared/bench/README.md; see
bench/README.md for the rules, the CWE tables and how to run it.

Standard library only.  Run it niced on a shared machine:
    nice -n 19 /usr/bin/python3 bench/run_bench.py
"""

import argparse
import collections
import concurrent.futures
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_JULIET = os.path.join(REPO, ".corpus", "juliet")
DEFAULT_CASTLE = os.path.join(REPO, ".corpus", "castle")
DEFAULT_SAMPLE = "/work/shared/bench/juliet-sample.txt"
DEFAULT_MAMORI = os.path.join(REPO, "build", "mamori")

ALL_TOOLS = ["mamori", "cppcheck", "clang-tidy", "clang-analyze", "flawfinder"]
TOOL_TITLES = {
    "mamori": "mamori",
    "cppcheck": "cppcheck",
    "clang-tidy": "clang-tidy-19 clang-analyzer-*",
    "clang-analyze": "clang-19 --analyze",
    "flawfinder": "flawfinder",
}

# ---------------------------------------------------------------------------
# Which reported CWEs count as a hit for a labelled CWE.
# Tools label the same bug with neighbouring CWEs (cppcheck says 788 or 787
# for an overflow Juliet files under 121, clang's leak checker is "401" for us
# but a file-handle leak is 775), so each label accepts a family.
# ---------------------------------------------------------------------------
# 467 (sizeof of a pointer as the element size) is a child of 131 (buffer size
# computed wrongly) in MITRE's research view, as 193 (off by one) is.
BUFFER_FAMILY = frozenset({119, 120, 121, 122, 124, 125, 126, 127, 129, 131, 786,
                           170, 193, 467, 787, 788, 805, 806})

ACCEPTED_CWES = {
    # Juliet sample CWEs
    121: BUFFER_FAMILY,
    122: BUFFER_FAMILY,
    190: frozenset({190, 191, 680, 128}),
    369: frozenset({369}),
    401: frozenset({401, 772, 775}),
    415: frozenset({415}),
    416: frozenset({416, 825}),
    476: frozenset({476, 690}),
    134: frozenset({134}),
    78: frozenset({78, 77, 88}),
    457: frozenset({457, 908, 909, 824}),
    # CASTLE-only CWEs (125/787 reuse the buffer family)
    125: BUFFER_FAMILY,
    787: BUFFER_FAMILY,
    22: frozenset({22, 23, 36, 73}),
    89: frozenset({89}),
    253: frozenset({253, 252, 754}),
    327: frozenset({327, 326, 328, 916}),
    362: frozenset({362, 364, 366, 367}),
    522: frozenset({522, 256, 257, 312, 319}),
    617: frozenset({617}),
    628: frozenset({628, 683, 685, 686, 687, 688}),  # 683 (argument order) is a child of 628
    674: frozenset({674}),
    761: frozenset({761, 590, 762, 763}),
    770: frozenset({770, 789, 400}),
    798: frozenset({798, 259, 321}),
    822: frozenset({822, 823}),
    835: frozenset({835}),
    843: frozenset({843, 588, 704}),
}


def matches(label_cwe, finding_cwes):
    """True when any CWE of a finding is accepted for the labelled CWE."""
    accepted = ACCEPTED_CWES.get(label_cwe, frozenset({label_cwe}))
    return any(c in accepted for c in finding_cwes)


# ---------------------------------------------------------------------------
# Clang static analyzer check name (+ message) -> CWE.  Used for both
# clang-tidy's clang-analyzer-* and clang --analyze.  Several checkers emit
# different bugs under one name (unix.Malloc: leak, double free, use after
# free), so the message decides.  None = no CWE we could match; dropped.
# ---------------------------------------------------------------------------
CLANG_FIXED_CWE = {
    "core.DivideZero": 369,
    "core.NonNullParamChecker": 476,
    "core.StackAddressEscape": 562,
    "core.BitwiseShift": 1335,
    "core.uninitialized.ArraySubscript": 457,
    "core.uninitialized.Assign": 457,
    "core.uninitialized.Branch": 457,
    "core.uninitialized.CapturedBlockVariable": 457,
    "core.uninitialized.NewArraySize": 457,
    "core.uninitialized.UndefReturn": 457,
    "cplusplus.NewDeleteLeaks": 401,
    "cplusplus.InnerPointer": 416,
    "cplusplus.ArrayDelete": 762,
    "cplusplus.PlacementNew": 787,
    "deadcode.DeadStores": 563,
    "nullability.NullPassedToNonnull": 476,
    "nullability.NullReturnedFromNonnull": 476,
    "nullability.NullableDereferenced": 476,
    "nullability.NullablePassedToNonnull": 476,
    "nullability.NullableReturnedFromNonnull": 476,
    "optin.portability.UnixAPI": 687,
    "optin.taint.TaintedAlloc": 789,
    "security.insecureAPI.DeprecatedOrUnsafeBufferHandling": 120,
    "security.insecureAPI.strcpy": 120,
    "security.insecureAPI.gets": 120,
    "security.insecureAPI.getpw": 676,
    "security.insecureAPI.rand": 338,
    "security.insecureAPI.mktemp": 377,
    "security.insecureAPI.mkstemp": 377,
    "security.insecureAPI.UncheckedReturn": 252,
    "security.insecureAPI.bcmp": 477,
    "security.insecureAPI.bcopy": 477,
    "security.insecureAPI.bzero": 477,
    "unix.API": 687,
    "unix.MallocSizeof": 131,
    "unix.MismatchedDeallocator": 762,
    "unix.cstring.BadSizeArg": 805,
    "unix.cstring.NullArg": 476,
    "valist.Uninitialized": 457,
}


def _mentions_garbage(msg):
    return any(w in msg for w in ("garbage", "uninitialized", "undefined pointer"))


def clang_check_cwe(check, message):
    """Map one analyzer diagnostic to a CWE (or None)."""
    msg = message.lower()
    if check in ("unix.Malloc", "cplusplus.NewDelete"):
        if "after it is" in msg:            # "... after it is freed/released"
            return 416
        if "released memory" in msg:        # "Attempt to free/delete released memory"
            return 415
        if "leak" in msg:
            return 401
        if "offset" in msg:                 # free() of a pointer into a block
            return 761
        if "argument to free()" in msg or "non-owned" in msg or "argument to 'delete" in msg:
            return 590
        if "should be deallocated by" in msg:
            return 762
        if "zero-allocated" in msg or "size zero" in msg:
            return 687
        return None
    if check == "core.NullDereference":
        # "Dereference of undefined pointer value" is an uninitialized pointer
        # (CWE-824, in the 457 family), not a NULL dereference.
        return 824 if _mentions_garbage(msg) else 476
    if check == "core.CallAndMessage":
        if _mentions_garbage(msg):
            return 457
        return 476 if "null" in msg else None
    if check == "core.UndefinedBinaryOperatorResult":
        return 457 if _mentions_garbage(msg) else 758
    if check == "core.VLASize":
        if _mentions_garbage(msg):
            return 457
        return 789 if "tainted" in msg else 758
    if check == "unix.StdCLibraryFunctions":
        if "null" in msg:
            return 476
        return 120 if "buffer" in msg else 628
    if check == "unix.Stream":
        if "leak" in msg or "never closed" in msg:
            return 775
        if "null" in msg:
            return 476
        return 910 if "closed" in msg else None
    return CLANG_FIXED_CWE.get(check)


# ---------------------------------------------------------------------------
# Finding = one reported diagnostic reduced to what scoring needs.
# ---------------------------------------------------------------------------
Finding = collections.namedtuple("Finding", "file line cwes")


def norm(path, cwd=None):
    """Absolute, symlink-free path so findings and corpus files compare equal."""
    if cwd and not os.path.isabs(path):
        path = os.path.join(cwd, path)
    return os.path.realpath(path)


class ToolRun:
    """What one tool produced over one corpus."""

    def __init__(self, name):
        self.name = name
        self.findings = []       # list[Finding] with at least one CWE
        self.seconds = None      # wall time of the tool's processes
        self.failed_files = 0    # files the tool could not analyse (best effort)
        self.skipped = None      # reason, when the tool did not run
        self.notes = []


def run_parallel(commands, jobs, cwd):
    """Run one command per file, `jobs` at a time.  Returns [(rc, out, err)]."""
    def one(cmd):
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, errors="replace")
        return p.returncode, p.stdout, p.stderr

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, commands))


# clang / clang-tidy text diagnostics: "file:line:col: warning: msg [check]"
DIAG_RE = re.compile(r"^(.+?):(\d+):(\d+): (warning|error): (.*?)(?: \[([^\]]+)\])?$")


def parse_clang_text(text, cwd, strip_prefix):
    """Analyzer findings from clang-style text output; compiler -W warnings are
    not analyzer findings and have no entry in the CWE table, so they drop out."""
    out = []
    for line in text.splitlines():
        m = DIAG_RE.match(line)
        if not m or not m.group(6):
            continue
        check = m.group(6).split(",")[0]
        if strip_prefix:
            if not check.startswith(strip_prefix):
                continue
            check = check[len(strip_prefix):]
        cwe = clang_check_cwe(check, m.group(5))
        if cwe is not None:
            out.append(Finding(norm(m.group(1), cwd), int(m.group(2)), (cwe,)))
    return out


def count_compile_errors(results):
    return sum(1 for _rc, out, err in results
               if re.search(r": (?:fatal )?error: ", out + err))


# ---------------------------------------------------------------------------
# Tool runners.  Each takes the corpus (files, include dirs, root) and returns
# a ToolRun; only the subprocesses are timed.
# ---------------------------------------------------------------------------
def run_mamori(ctx, files, includes, root):
    run = ToolRun("mamori")
    exe = ctx.mamori
    if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
        run.skipped = "binary not found at %s" % exe
        return run
    with tempfile.TemporaryDirectory(prefix="mamori-bench-") as tmp:
        flags = ["-I" + d for d in includes]
        db = [{"directory": root, "file": f,
               "arguments": ["clang", "-c"] + flags + [f]} for f in files]
        with open(os.path.join(tmp, "compile_commands.json"), "w") as fh:
            json.dump(db, fh, indent=1)
        out_json = os.path.join(tmp, "out.json")
        cmd = [exe, "scan", "-p", tmp, "-j", str(ctx.jobs),
               "--format", "json", "-o", out_json]
        t0 = time.monotonic()
        p = subprocess.run(cmd, cwd=root, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, errors="replace")
        run.seconds = time.monotonic() - t0
        # 0 = clean, 1 = findings, 3 = partial (some TU failed); 2 = usage error.
        if p.returncode not in (0, 1, 3):
            run.skipped = "exit code %d: %s" % (p.returncode, p.stderr.strip()[-500:])
            return run
        if not os.path.exists(out_json):
            run.skipped = "no JSON output written (exit %d)" % p.returncode
            return run
        if p.returncode == 3:
            run.notes.append("partial scan (exit 3)")
        with open(out_json) as fh:
            data = json.load(fh)
    parse_mamori_json(data, root, run)
    return run


def _cwe_int(value):
    """mamori writes an int; accept "CWE-78" or "78" too."""
    if isinstance(value, int):
        return value
    m = re.search(r"(\d+)", str(value or ""))
    return int(m.group(1)) if m else None


def parse_mamori_json(data, root, run):
    """Fill `run` from mamori's --format json document."""
    for f in data.get("findings", []):
        loc = f.get("location") or {}
        cwe = _cwe_int(f.get("cwe"))
        if cwe is None or "file" not in loc or "line" not in loc:
            continue
        run.findings.append(Finding(norm(loc["file"], root), int(loc["line"]), (cwe,)))
    stats = data.get("stats") or {}
    run.failed_files = int(stats.get("failed", 0) or 0)
    if run.failed_files:
        run.notes.append("%d translation units failed" % run.failed_files)


def run_cppcheck(ctx, files, includes, root):
    run = ToolRun("cppcheck")
    if not shutil.which("cppcheck"):
        run.skipped = "cppcheck not installed"
        return run
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fl:
        fl.write("\n".join(files) + "\n")   # a file list keeps argv short
    try:
        cmd = (["cppcheck", "--xml", "-j", str(ctx.jobs)] + ctx.cppcheck_args +
               ["-I" + d for d in includes] + ["--file-list=" + fl.name])
        t0 = time.monotonic()
        p = subprocess.run(cmd, cwd=root, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, errors="replace")
        run.seconds = time.monotonic() - t0
    finally:
        os.unlink(fl.name)
    parse_cppcheck_xml(p.stderr, root, run)
    return run


def parse_cppcheck_xml(text, root, run):
    """cppcheck --xml (version 2) on stderr.  The first <location> is the
    primary one (cppcheck writes the call stack in reverse)."""
    start = text.find("<?xml")
    if start < 0:
        run.notes.append("no XML from cppcheck")
        return
    tree = ET.fromstring(text[start:])
    for err in tree.iter("error"):
        if err.get("id") in ("syntaxError", "preprocessorErrorDirective"):
            run.failed_files += 1
        cwe = _cwe_int(err.get("cwe"))
        loc = err.find("location")
        if not cwe or loc is None:
            continue
        run.findings.append(Finding(norm(loc.get("file"), root), int(loc.get("line")), (cwe,)))


def run_clang_tidy(ctx, files, includes, root):
    run = ToolRun("clang-tidy")
    if not shutil.which("clang-tidy-19"):
        run.skipped = "clang-tidy-19 not installed"
        return run
    flags = ["-I" + d for d in includes]
    cmds = [["clang-tidy-19", "-checks=-*,clang-analyzer-*", f, "--"] + flags for f in files]
    t0 = time.monotonic()
    results = run_parallel(cmds, ctx.jobs, root)
    run.seconds = time.monotonic() - t0
    for _rc, out, _err in results:   # diagnostics on stdout, "N warnings generated" on stderr
        run.findings += parse_clang_text(out, root, "clang-analyzer-")
    run.failed_files = count_compile_errors(results)
    return run


def run_clang_analyze(ctx, files, includes, root):
    run = ToolRun("clang-analyze")
    if not shutil.which("clang-19"):
        run.skipped = "clang-19 not installed"
        return run
    flags = ["-I" + d for d in includes]
    # Text output instead of plist: nothing is written next to the sources.
    cmds = [["clang-19", "--analyze", "-Xclang", "-analyzer-output=text"] + flags +
            [f, "-o", os.devnull] for f in files]
    t0 = time.monotonic()
    results = run_parallel(cmds, ctx.jobs, root)
    run.seconds = time.monotonic() - t0
    for _rc, _out, err in results:
        run.findings += parse_clang_text(err, root, None)
    run.failed_files = count_compile_errors(results)
    return run


def run_flawfinder(ctx, files, includes, root):
    run = ToolRun("flawfinder")
    if not shutil.which("flawfinder"):
        run.skipped = "flawfinder not installed"
        return run
    # flawfinder is single-threaded and lexical; one process for all files.
    cmd = ["flawfinder", "--csv"] + files
    t0 = time.monotonic()
    p = subprocess.run(cmd, cwd=root, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, errors="replace")
    run.seconds = time.monotonic() - t0
    parse_flawfinder_csv(p.stdout, root, run)
    return run


def parse_flawfinder_csv(text, root, run):
    """One row per hit; the CWEs column may hold several ("CWE-120, CWE-20",
    "CWE-119!/CWE-120"): a row matches if any of them does."""
    for row in csv.DictReader(io.StringIO(text)):
        cwes = tuple(int(c) for c in re.findall(r"CWE-(\d+)", row.get("CWEs") or ""))
        if cwes and row.get("File") and row.get("Line"):
            run.findings.append(Finding(norm(row["File"], root), int(row["Line"]), cwes))


def run_floor(ctx, files, includes, root):
    """clang-19 -fsyntax-only: the time it takes just to parse the files."""
    run = ToolRun("floor")
    flags = ["-I" + d for d in includes]
    cmds = [["clang-19", "-fsyntax-only"] + flags + [f] for f in files]
    t0 = time.monotonic()
    results = run_parallel(cmds, ctx.jobs, root)
    run.seconds = time.monotonic() - t0
    run.failed_files = sum(1 for rc, _o, _e in results if rc != 0)
    return run


RUNNERS = {
    "mamori": run_mamori,
    "cppcheck": run_cppcheck,
    "clang-tidy": run_clang_tidy,
    "clang-analyze": run_clang_analyze,
    "flawfinder": run_flawfinder,
}


def run_tools(ctx, tools, files, includes, root, label):
    """Floor first, then each tool in `tools`.  Returns (floor, {tool: ToolRun})."""
    log("[%s] floor: clang-19 -fsyntax-only on %d files" % (label, len(files)))
    floor = run_floor(ctx, files, includes, root)
    runs = {}
    for name in tools:
        log("[%s] running %s" % (label, name))
        run = RUNNERS[name](ctx, files, includes, root)
        if run.skipped:
            log("[%s]   %s skipped: %s" % (label, name, run.skipped))
        else:
            log("[%s]   %s: %d findings with a CWE, %.1f s" %
                (label, name, len(run.findings), run.seconds))
        runs[name] = run
    return floor, runs


# ---------------------------------------------------------------------------
# Juliet: function extents and variant grouping.
# ---------------------------------------------------------------------------
JULIET_CWE_RE = re.compile(r"^CWE(\d+)_")
# A Juliet function definition: a column-0 header line ending in ")" and the
# next line being "{" in column 0; the body ends at the next "}" in column 0.
HEADER_RE = re.compile(r"^[A-Za-z_][^;=]*?([A-Za-z_]\w*)\s*\(.*\)\s*$")
# Helper suffixes tie a helper to its variant: goodG2BSink -> goodG2B,
# goodB2G1Source -> goodB2G1, goodG2BVaSinkG -> goodG2B, goodB2G2_vasink -> goodB2G2.
HELPER_SUFFIX_RE = re.compile(r"_?(?:va)?(?:sink|source)\w*$", re.IGNORECASE)


def juliet_functions(path):
    """[(name, first_line, last_line)] for each function definition (1-based,
    header line to closing brace inclusive)."""
    with open(path, errors="replace") as fh:
        lines = fh.read().split("\n")
    funcs = []
    i = 0
    while i < len(lines):
        m = HEADER_RE.match(lines[i])
        if m and not lines[i].startswith("#") and i + 1 < len(lines) and lines[i + 1].rstrip() == "{":
            end = i + 2
            while end < len(lines) and not lines[end].startswith("}"):
                end += 1
            funcs.append((m.group(1), i + 1, end + 1))
            i = end + 1
            continue
        i += 1
    return funcs


def juliet_role(short_name):
    """('bad', None) / ('good', variant key) / (None, None) for a function
    name with the test-case prefix removed."""
    low = short_name.lower()
    if "bad" in low:                      # bad, badSink, badSource, helperBad, ...
        return "bad", None
    if short_name == "good":              # the driver that calls every variant
        return None, None
    if "good" in low:                     # goodG2B1, good1, goodB2GSink, helperGood
        return "good", HELPER_SUFFIX_RE.sub("", short_name) or short_name
    return None, None                     # main, staticReturnsTrue, ...


class JulietCase:
    def __init__(self, rel, path, cwe):
        self.rel = rel
        self.path = path
        self.cwe = cwe
        self.bad_ranges = []                          # [(lo, hi)]
        self.good_variants = collections.defaultdict(list)  # key -> [(lo, hi)]


def load_juliet(root, sample, cwe_filter, limit):
    """Cases from the sample list, in list order, optionally filtered."""
    with open(sample) as fh:
        rels = [l.strip() for l in fh if l.strip() and not l.startswith("#")]
    per_cwe = collections.Counter()
    cases = []
    for rel in rels:
        cwe = int(JULIET_CWE_RE.match(os.path.basename(rel)).group(1))
        if cwe_filter and cwe not in cwe_filter:
            continue
        if limit and per_cwe[cwe] >= limit:
            continue
        per_cwe[cwe] += 1
        case = JulietCase(rel, norm(os.path.join(root, rel)), cwe)
        stem = os.path.splitext(os.path.basename(rel))[0]
        for name, lo, hi in juliet_functions(case.path):
            short = name[len(stem) + 1:] if name.startswith(stem + "_") else name
            role, key = juliet_role(short)
            if role == "bad":
                case.bad_ranges.append((lo, hi))
            elif role == "good":
                case.good_variants[key].append((lo, hi))
        cases.append(case)
    return cases


def score_juliet(cases, findings):
    """Per-CWE {cases, found, variants, flagged} for one tool."""
    by_file = collections.defaultdict(list)
    for f in findings:
        by_file[f.file].append(f)
    rows = collections.defaultdict(lambda: collections.Counter())
    for case in cases:
        hits = [f.line for f in by_file.get(case.path, ()) if matches(case.cwe, f.cwes)]

        def inside(ranges):
            return any(lo <= ln <= hi for ln in hits for lo, hi in ranges)

        row = rows[case.cwe]
        row["cases"] += 1
        row["found"] += inside(case.bad_ranges)
        row["variants"] += len(case.good_variants)
        row["flagged"] += sum(inside(r) for r in case.good_variants.values())
    return rows


# ---------------------------------------------------------------------------
# CASTLE
# ---------------------------------------------------------------------------
def load_castle(root):
    with open(os.path.join(root, "datasets", "CASTLE-C250.json")) as fh:
        data = json.load(fh)
    src = os.path.join(root, "datasets", "CASTLE-C250")
    tests = []
    for t in data["tests"]:
        tests.append({"name": t["name"], "path": norm(os.path.join(src, t["name"])),
                      "cwe": int(t["cwe"]), "vulnerable": bool(t["vulnerable"]),
                      "lines": set(int(x) for x in t.get("lines") or [])})
    return tests


def score_castle(tests, findings):
    """Per-CWE counts.  A vulnerable test is found when a matching-CWE finding
    sits on one of its labelled lines (also counted per labelled line).  A
    non-vulnerable test is flagged when it holds a finding of a matching CWE
    anywhere ("flagged"), or any finding at all ("flagged_any")."""
    by_file = collections.defaultdict(list)
    for f in findings:
        by_file[f.file].append(f)
    rows = collections.defaultdict(lambda: collections.Counter())
    for t in tests:
        fs = by_file.get(t["path"], [])
        hit_lines = {f.line for f in fs if matches(t["cwe"], f.cwes)}
        row = rows[t["cwe"]]
        if t["vulnerable"]:
            row["vulnerable"] += 1
            row["found"] += bool(hit_lines & t["lines"])
            row["lines"] += len(t["lines"])
            row["lines_found"] += len(hit_lines & t["lines"])
        else:
            row["clean"] += 1
            row["flagged"] += bool(hit_lines)
            row["flagged_any"] += bool(fs)
    return rows


# ---------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------
def log(msg):
    print(msg, file=sys.stderr, flush=True)


def frac(num, den, digits=2):
    """.85 style, as in the shared README; '-' when undefined."""
    if not den:
        return "-"
    return ("%.*f" % (digits, num / den)).lstrip("0") or "0"


def total(rows):
    acc = collections.Counter()
    for r in rows.values():
        acc.update(r)
    return acc


def time_lines(floor, runs):
    out = []
    for name, run in runs.items():
        if run.skipped:
            out.append("- %s: skipped (%s)" % (TOOL_TITLES[name], run.skipped))
            continue
        mult = " (%.2f× floor)" % (run.seconds / floor.seconds) if floor.seconds else ""
        extra = "; ".join(run.notes)
        out.append("- %s: %.1f s%s%s" % (TOOL_TITLES[name], run.seconds,
                                          mult if name == "mamori" else "",
                                          " — " + extra if extra else ""))
    out.append("- floor (clang-19 -fsyntax-only): %.1f s, %d files fail to parse" %
               (floor.seconds, floor.failed_files))
    return out


def juliet_report(cases, floor, runs, scores):
    cwes = sorted({c.cwe for c in cases}, key=lambda c: list(ACCEPTED_CWES).index(c)
                  if c in ACCEPTED_CWES else 10_000 + c)
    active = [n for n in runs if not runs[n].skipped]
    out = ["## Juliet sample (%d cases)" % len(cases), "",
           "| CWE (cases) | " + " | ".join(TOOL_TITLES[n] for n in active) + " |",
           "|---" * (len(active) + 1) + "|"]
    for cwe in cwes:
        n = scores[active[0]][cwe]["cases"] if active else sum(c.cwe == cwe for c in cases)
        cells = [frac(scores[t][cwe]["found"], scores[t][cwe]["cases"]) + " / " +
                 frac(scores[t][cwe]["flagged"], scores[t][cwe]["variants"]) for t in active]
        out.append("| %d (%d) | %s |" % (cwe, n, " | ".join(cells)))
    cells = []
    for t in active:
        a = total(scores[t])
        cells.append("**%s / %s**" % (frac(a["found"], a["cases"]),
                                      frac(a["flagged"], a["variants"], 3)))
    variants = sum(len(c.good_variants) for c in cases)
    out.append("| **all (%d)** | %s |" % (len(cases), " | ".join(cells)))
    out += ["", "Cells: recall / false-positive rate (%d good variants)." % variants, "",
            "Wall time:"] + time_lines(floor, runs)
    return out


def castle_report(tests, floor, runs, scores):
    active = [n for n in runs if not runs[n].skipped]
    out = ["## CASTLE-C250 (%d tests, %d vulnerable)" %
           (len(tests), sum(t["vulnerable"] for t in tests)), "",
           "| CWE (vuln / clean) | " + " | ".join(TOOL_TITLES[n] for n in active) + " |",
           "|---" * (len(active) + 1) + "|"]
    for cwe in sorted({t["cwe"] for t in tests}):
        r0 = scores[active[0]][cwe] if active else collections.Counter()
        cells = ["%d / %d" % (scores[t][cwe]["found"], scores[t][cwe]["flagged"]) for t in active]
        out.append("| %d (%d / %d) | %s |" % (cwe, r0["vulnerable"], r0["clean"], " | ".join(cells)))
    cells = []
    for t in active:
        a = total(scores[t])
        cells.append("**%s / %d**" % (frac(a["found"], a["vulnerable"]), a["flagged"]))
    out.append("| **all** | %s |" % " | ".join(cells))
    out += ["", "Per-CWE cells: vulnerable tests found / clean tests flagged (matching CWE). "
            "**all**: recall over vulnerable tests / clean tests flagged.", ""]
    for t in active:
        a = total(scores[t])
        out.append("- %s: line recall %s (%d/%d labelled lines); clean files with any finding: %d/%d" %
                   (TOOL_TITLES[t], frac(a["lines_found"], a["lines"]), a["lines_found"],
                    a["lines"], a["flagged_any"], a["clean"]))
    out += ["", "Wall time:"] + time_lines(floor, runs)
    return out


def runs_json(floor, runs, scores):
    doc = {"floor": {"seconds": floor.seconds, "failed_files": floor.failed_files}, "tools": {}}
    for name, run in runs.items():
        entry = {"skipped": run.skipped, "seconds": run.seconds, "notes": run.notes,
                 "findings_with_cwe": len(run.findings), "failed_files": run.failed_files}
        if not run.skipped:
            entry["per_cwe"] = {str(c): dict(r) for c, r in sorted(scores[name].items())}
            entry["all"] = dict(total(scores[name]))
        doc["tools"][name] = entry
    return doc


# ---------------------------------------------------------------------------
def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--juliet", default=DEFAULT_JULIET, help="Juliet suite root (has testcases/, testcasesupport/)")
    ap.add_argument("--castle", default=DEFAULT_CASTLE, help="CASTLE-Benchmark checkout root")
    ap.add_argument("--sample", default=DEFAULT_SAMPLE, help="Juliet sample list (paths relative to --juliet)")
    ap.add_argument("--mamori", default=DEFAULT_MAMORI, help="mamori binary")
    ap.add_argument("--tools", default=",".join(ALL_TOOLS), help="comma list of " + ",".join(ALL_TOOLS))
    ap.add_argument("--corpus", default="juliet,castle", help="juliet, castle or both")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--cwe", default="", help="restrict Juliet to these CWEs, e.g. 78,134")
    ap.add_argument("--limit", type=int, default=0, help="first N Juliet cases per CWE")
    ap.add_argument("--cppcheck-args", default="--enable=warning,style",
                    help="extra cppcheck options, space separated (default: %(default)s, which "
                    "reproduces the shared README; pass '' for cppcheck's bare defaults)")
    ap.add_argument("--json", dest="json_out", help="write machine-readable results here")
    ap.add_argument("--mamori-json", help="score this mamori JSON output instead of running mamori "
                    "(Juliet only; for testing the parser)")
    ctx = ap.parse_args(argv)
    ctx.tools = [t.strip() for t in ctx.tools.split(",") if t.strip()]
    unknown = [t for t in ctx.tools if t not in RUNNERS]
    if unknown:
        ap.error("unknown tool(s): %s" % ", ".join(unknown))
    ctx.corpora = [c.strip() for c in ctx.corpus.split(",") if c.strip()]
    ctx.cwe_filter = {int(c) for c in ctx.cwe.split(",") if c.strip()}
    ctx.cppcheck_args = ctx.cppcheck_args.split()
    return ctx


def bench_juliet(ctx):
    root = norm(ctx.juliet)
    cases = load_juliet(root, ctx.sample, ctx.cwe_filter, ctx.limit)
    files = [c.path for c in cases]
    includes = [os.path.join(root, "testcasesupport")]
    # With --mamori-json, score that file instead of running mamori.
    tools = [t for t in ctx.tools if not (ctx.mamori_json and t == "mamori")]
    floor, runs = run_tools(ctx, tools, files, includes, root, "juliet")
    if ctx.mamori_json:
        run = ToolRun("mamori")
        with open(ctx.mamori_json) as fh:
            parse_mamori_json(json.load(fh), root, run)
        run.seconds = 0.0
        run.notes.append("scored from %s, not timed" % ctx.mamori_json)
        runs = dict([("mamori", run)] + list(runs.items()))
    scores = {n: score_juliet(cases, r.findings) for n, r in runs.items() if not r.skipped}
    print("\n".join(juliet_report(cases, floor, runs, scores)) + "\n", flush=True)
    return runs_json(floor, runs, scores)


def bench_castle(ctx):
    root = norm(ctx.castle)
    tests = load_castle(root)
    files = [t["path"] for t in tests]
    floor, runs = run_tools(ctx, ctx.tools, files, [], os.path.dirname(files[0]), "castle")
    scores = {n: score_castle(tests, r.findings) for n, r in runs.items() if not r.skipped}
    print("\n".join(castle_report(tests, floor, runs, scores)) + "\n", flush=True)
    return runs_json(floor, runs, scores)



# --- shared by confirm_juliet.py and fix_juliet.py -------------------------------------------

def add_juliet_arguments(ap):
    """The options the Juliet stage benches (confirm_juliet.py, fix_juliet.py) share."""
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--mamori", default=os.path.join(here, "..", "build", "mamori"))
    ap.add_argument("--juliet", default=os.path.join(here, "..", ".corpus", "juliet"))
    ap.add_argument("--sample", default=DEFAULT_SAMPLE)
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--cwe", default="", help="only these CWEs, e.g. 190,369")


def juliet_single_file_cases(sample, per_cwe=0, cwes="", spread=False):
    """The sample's single-file cases by CWE: the first `per_cwe` of each (0: all), or with
    `spread` `per_cwe` cases evenly spaced over all of them (so every source and flow variant
    has its chance), only `cwes` ("190,369") when given."""
    split_case = re.compile(r"_\d+[a-z]\.c$")
    with open(sample) as fh:
        rels = [l.strip() for l in fh if l.strip() and not l.startswith("#")]
    by_cwe = collections.defaultdict(list)
    for rel in rels:
        if split_case.search(rel) or not rel.endswith(".c"):
            continue
        cwe = int(JULIET_CWE_RE.match(os.path.basename(rel)).group(1))
        if cwes and str(cwe) not in cwes.split(","):
            continue
        if not per_cwe or spread or len(by_cwe[cwe]) < per_cwe:
            by_cwe[cwe].append(rel)
    if spread and per_cwe:
        for cwe, all_cases in by_cwe.items():
            if len(all_cases) > per_cwe:
                by_cwe[cwe] = [all_cases[i * len(all_cases) // per_cwe] for i in range(per_cwe)]
    return by_cwe


def write_juliet_database(folder, root, files, support):
    """compile_commands.json in `folder` for these Juliet files, with the suite's support headers."""
    db = [{"directory": root, "file": f, "arguments": ["clang", "-c", "-I" + support, f]} for f in files]
    with open(os.path.join(folder, "compile_commands.json"), "w") as fh:
        json.dump(db, fh)


def inside(line, ranges):
    """Whether `line` lies in one of the (first, last) line ranges."""
    return any(lo <= line <= hi for lo, hi in ranges)


def juliet_bad_good_ranges(files):
    """For each case file (by real path): the line ranges of its bad and of its good functions."""
    ranges = {}
    for f in files:
        stem = os.path.splitext(os.path.basename(f))[0]
        bad, good = [], []
        for name, lo, hi in juliet_functions(f):
            short = name[len(stem) + 1:] if name.startswith(stem + "_") else name
            role, _ = juliet_role(short)
            (bad if role == "bad" else good if role == "good" or short == "good" else []).append((lo, hi))
        ranges[os.path.realpath(f)] = (bad, good)
    return ranges

def main(argv=None):
    ctx = parse_args(sys.argv[1:] if argv is None else argv)
    results = {"jobs": ctx.jobs, "tools": ctx.tools}
    if "juliet" in ctx.corpora:
        results["juliet"] = bench_juliet(ctx)
    if "castle" in ctx.corpora:
        results["castle"] = bench_castle(ctx)
    if ctx.json_out:
        with open(ctx.json_out, "w") as fh:
            json.dump(results, fh, indent=2, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
