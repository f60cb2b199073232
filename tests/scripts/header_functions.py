#!/usr/bin/env python3
"""Functions defined in headers: analysed where the project's code reaches them, and once.

Scans tests/crossfile/headers (three C files that include telemetry.h, whose inline
functions carry their expected findings inline) in its bad variant and with
telemetry.fixed.h in place of telemetry.h, with the compile database in two orders. Checks:
- each expected finding is found once, and nothing else: one in a helper that sampler.c
  calls, one in a helper that export.c reaches only through a table of handlers in a
  global's initializer, one in a helper that no file uses;
- each TU analyses only its own functions and the header functions its code reaches
  (3 + 2), not all 11 of the header in each of the 3 TUs;
- the 8 header functions no file reaches are analysed by one TU, the first in the database;
- a database of one TU analyses all of its header functions at once;
- the fixed variant is silent.
"""
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

EXPECT = re.compile(r"expect:\s*CWE-(\d+)")
FAILURES = []


def check(name, cond, detail=""):
    print(f"{'ok   ' if cond else 'FAIL '} {name}" + ("" if cond else f": {detail}"))
    if not cond:
        FAILURES.append(name)


def scan(mamori, project: Path, fixed: bool, order, tmp: Path):
    work = tmp / f"{'fixed' if fixed else 'bad'}-{'-'.join(order)}"
    work.mkdir()
    for src in project.glob("*.c"):
        shutil.copy(src, work / src.name)
    shutil.copy(project / ("telemetry.fixed.h" if fixed else "telemetry.h"), work / "telemetry.h")
    (work / "compile_commands.json").write_text(json.dumps(
        [{"directory": str(work), "file": str(work / n), "arguments": ["cc", "-c", n]} for n in order]))
    p = subprocess.run([mamori, "scan", str(work), "--format", "json", "-j", "2", "-v"],
                       capture_output=True, text=True, timeout=300)
    report = json.loads(p.stdout)
    found = [(Path(f["location"]["file"]).name, f["location"]["line"], f["cwe"]) for f in report["findings"]]
    return found, p.stderr.splitlines(), report


def main():
    mamori, project = sys.argv[1], Path(sys.argv[2])
    expected = sorted(("telemetry.h", n, int(m.group(1)))
                      for n, line in enumerate((project / "telemetry.h").read_text().splitlines(), start=1)
                      for m in [EXPECT.search(line)] if m)
    check("the header states its expected findings", len(expected) == 3, f"{expected}")
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for order in (["config.c", "sampler.c", "export.c"], ["export.c", "sampler.c", "config.c"]):
            what = f"database order {' '.join(order)}"
            found, log, report = scan(mamori, project, False, order, tmp)
            check(f"bad variant, {what}: every expected finding once, nothing else", sorted(found) == expected,
                  f"found {sorted(found)}, expected {expected}")
            check(f"bad variant, {what}: every TU analysed", report["stats"]["analyzed"] == 3, f"{report['stats']}")
            check(f"bad variant, {what}: each TU analyses its own and the header functions it reaches",
                  report["stats"]["functions"] == 5, f"{report['stats']}")
            owners = [line for line in log if "header functions that no file's code reaches" in line]
            check(f"bad variant, {what}: the first TU analyses the 8 header functions no file reaches",
                  len(owners) == 1 and f"/{order[0]} analyses 8 header functions" in owners[0], f"{owners}")
            found, log, report = scan(mamori, project, True, order, tmp)
            check(f"fixed variant, {what}: silent", found == [], f"{found}")
        found, log, report = scan(mamori, project, False, ["config.c"], tmp)
        check("one TU alone: its header's defects are found in its first round",
              sorted(found) == expected and not any("cross-file round" in line for line in log),
              f"{sorted(found)} {log}")
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
