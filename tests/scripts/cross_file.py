#!/usr/bin/env python3
"""Cross-file rounds: findings that need other TUs' summaries, and the ones that do not.

Scans a small project (tests/crossfile/NAME) whose files state their expected findings
inline (`// expect: CWE-22`), in its bad variant and in its fixed one (each X.fixed.c in
place of X.c, which must give nothing), with the compile database in two orders, with and
without kept ASTs. Checks:
- each expected finding is found and nothing else: a finding of round 1 (value ranges), of
  round 2 (memory) and of round 3 (taint) all survive the rounds that re-run only the other
  analyses;
- a function that a unit test defines again by including its source file takes its summary
  from the file that owns it, whatever the order of the database;
- a later round re-runs only the analyses whose summaries changed (`-v` says how many);
- serve.c, which only calls into the others, waits while route.c's summary is still changing
  and is analysed once after the first round, not in every round.
"""
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

EXPECT = re.compile(r"expect:\s*((?:CWE-\d+\s*,?\s*)+)")
FAILURES = []


def check(name, cond, detail=""):
    print(f"{'ok   ' if cond else 'FAIL '} {name}" + ("" if cond else f": {detail}"))
    if not cond:
        FAILURES.append(name)


def expectations(folder: Path):
    expected = set()
    for path in sorted(folder.glob("*.c")):
        if path.name.endswith(".fixed.c"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            m = EXPECT.search(line)
            if m:
                expected |= {(path.name, number, int(c)) for c in re.findall(r"CWE-(\d+)", m.group(1))}
    return expected


def scan(mamori: str, project: Path, fixed: bool, order, extra, tmp: Path):
    work = tmp / f"{'fixed' if fixed else 'bad'}-{'-'.join(order)}-{len(extra)}"
    work.mkdir()
    for src in project.glob("*.c"):
        if src.name.endswith(".fixed.c"):
            continue
        twin = src.with_name(src.name[:-2] + ".fixed.c")
        shutil.copy(twin if fixed and twin.exists() else src, work / src.name)
    (work / "compile_commands.json").write_text(json.dumps(
        [{"directory": str(work), "file": str(work / n), "arguments": ["cc", "-c", n]} for n in order]))
    p = subprocess.run([mamori, "scan", str(work), "--format", "json", "-j", "2", "-v"] + extra,
                       capture_output=True, text=True, timeout=300)
    report = json.loads(p.stdout)
    found = {(Path(f["location"]["file"]).name, f["location"]["line"], f["cwe"]) for f in report["findings"]}
    return found, p.stderr.splitlines(), report


def main():
    mamori, project = sys.argv[1], Path(sys.argv[2])
    expected = expectations(project)
    check("the project states its expected findings", len(expected) >= 3, f"{expected}")
    orders = [["pool_test.c", "net.c", "route.c", "pool.c", "audit.c", "serve.c"],
              ["pool.c", "audit.c", "net.c", "route.c", "serve.c", "pool_test.c"]]
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for order in orders:
            for extra in ([], ["--ast-disk", "0"]):
                what = f"database order {' '.join(order)}{' ' + ' '.join(extra) if extra else ''}"
                found, log, report = scan(mamori, project, False, order, extra, tmp)
                check(f"bad variant, {what}: every expected finding and nothing else",
                      found == expected, f"missing {sorted(expected - found)}, unexpected {sorted(found - expected)}")
                check(f"bad variant, {what}: every TU analysed",
                      report["stats"]["analyzed"] == len(order) and not report["diagnostics"],
                      f"{report['stats']} {report['diagnostics']}")
                rounds = [line for line in log if "cross-file round" in line]
                counts = [re.search(r"(\d+) translation units \((\d+) for taint summaries, (\d+) for memory", r)
                          for r in rounds]
                check(f"bad variant, {what}: a later round re-runs taint only where its summaries changed",
                      any(m and int(m.group(2)) < int(m.group(1)) for m in counts), f"{rounds}")
                later = [line for line in log if re.search(r"\[round \d+\] \[\d+/\d+\] .*/serve\.c$", line)]
                check(f"bad variant, {what}: serve.c waits for route.c and runs once after round 1",
                      len(later) == 1 and "round 3" in later[0] and "1 wait" in " ".join(rounds), f"{later} {rounds}")
                found, log, report = scan(mamori, project, True, order, extra, tmp)
                check(f"fixed variant, {what}: silent", found == set(), f"{sorted(found)}")
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
