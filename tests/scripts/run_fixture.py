#!/usr/bin/env python3
"""Checks one fixture file against its inline expectations.

A fixture states each expected finding on the line it concerns:
    system(cmd); // expect: CWE-78
(several: `// expect: CWE-78, CWE-134`). Every other line must stay silent, and a fixed
twin (NAME.fixed.c) must have no expectation and no finding. An optional first-line
comment `// flags: ...` gives extra compiler flags.

The test fails on a missing finding and on an unexpected one, and prints both.
"""
import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

EXPECT = re.compile(r"expect:\s*((?:CWE-\d+\s*,?\s*)+)")
FLAGS = re.compile(r"^\s*//\s*flags:\s*(.*)$")


def expectations(path: Path):
    expected = set()
    lines = path.read_text(errors="replace").splitlines()
    flags = []
    if lines:
        m = FLAGS.match(lines[0])
        if m:
            flags = m.group(1).split()
    for number, line in enumerate(lines, start=1):
        m = EXPECT.search(line)
        if m:
            for cwe in re.findall(r"CWE-(\d+)", m.group(1)):
                expected.add((number, int(cwe)))
    return expected, flags


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mamori", required=True)
    ap.add_argument("fixture")
    args = ap.parse_args()
    path = Path(args.fixture).resolve()
    expected, flags = expectations(path)
    is_twin = ".fixed." in path.name
    if is_twin and expected:
        print(f"{path}: a fixed twin must not carry expectations")
        return 1
    if not is_twin and not expected:
        print(f"{path}: a bad fixture must expect at least one finding")
        return 1
    std = ["-std=c++17"] if path.suffix in (".cpp", ".cc", ".cxx") else ["-std=c11"]
    cmd = [args.mamori, "check", str(path), "--format", "json", "-j", "1", "--"] + std + flags
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if proc.returncode not in (0, 1):
        print(f"{path}: mamori exited {proc.returncode}\n{proc.stderr}")
        return 1
    report = json.loads(proc.stdout)
    if report["stats"]["failed"]:
        print(f"{path}: did not analyze: {report['diagnostics']}")
        return 1
    actual = {}
    for f in report["findings"]:
        if Path(f["location"]["file"]).resolve() == path:
            actual[(f["location"]["line"], f["cwe"])] = f["message"]
    missing = sorted(expected - set(actual))
    unexpected = sorted(set(actual) - expected)
    for line, cwe in missing:
        print(f"{path}:{line}: missing expected finding CWE-{cwe}")
    for line, cwe in unexpected:
        print(f"{path}:{line}: unexpected finding CWE-{cwe}: {actual[(line, cwe)]}")
    ok = not missing and not unexpected
    print(f"{path.name}: {len(expected) - len(missing)}/{len(expected)} expected findings, "
          f"{len(unexpected)} unexpected -> {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
