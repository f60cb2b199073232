#!/usr/bin/env python3
"""End to end on the bundled example: `mamori scan` generates the compile database with
CMake, analyzes the project, and must report every seeded bug of a CWE that mamori has a
rule for, on its line, and nothing on lines without a seeded bug.

The `// BUG(CWE-N)` comments are read only by this test; mamori never sees them as input
it acts on (it does not read comments at all).
"""
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

BUG = re.compile(r"BUG\(CWE-(\d+)\)")


def main():
    mamori, example = sys.argv[1], Path(sys.argv[2]).resolve()
    rules = subprocess.run([mamori, "rules"], capture_output=True, text=True, check=True).stdout
    covered = {int(m) for m in re.findall(r"CWE-(\d+)", rules)}
    seeded = {}
    for src in sorted(example.rglob("*.c")):
        if "fuzz" in src.parts:
            continue
        for n, line in enumerate(src.read_text().splitlines(), start=1):
            for cwe in BUG.findall(line):
                seeded[(str(src), n)] = int(cwe)
    with tempfile.TemporaryDirectory() as scratch:
        p = subprocess.run([mamori, "scan", str(example), "--scratch", scratch, "--format", "json"],
                           capture_output=True, text=True, timeout=600)
    assert p.returncode in (0, 1), f"exit {p.returncode}: {p.stderr}"
    report = json.loads(p.stdout)
    assert report["stats"]["failed"] == 0, report["diagnostics"]
    found = {(f["location"]["file"], f["location"]["line"]): f["cwe"] for f in report["findings"]}
    failures = 0
    for (file, line), cwe in sorted(seeded.items()):
        if cwe not in covered:
            print(f"skip  {Path(file).name}:{line} CWE-{cwe} (no rule yet)")
            continue
        if found.get((file, line)) == cwe:
            print(f"ok    {Path(file).name}:{line} CWE-{cwe}")
        else:
            print(f"FAIL  {Path(file).name}:{line} CWE-{cwe} not reported")
            failures += 1
    for (file, line), cwe in sorted(found.items()):
        if (file, line) not in seeded:
            print(f"FAIL  unexpected finding {Path(file).name}:{line} CWE-{cwe}")
            failures += 1
    print(f"example: {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
