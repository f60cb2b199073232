#!/usr/bin/env python3
"""Runs `mamori fix --apply` on one repair fixture and checks the patch.

A repair fixture (tests/repair/NAME.c) marks each line a finding should be patched at with
`// expect-fix: STRATEGY`. Its twin NAME.expected.c is the file as it must read after the
validated patches are applied: a patch that touches anything else, or a strategy that writes
differently, fails the test. The patched file must then compile and rescan clean.
"""
import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

parser = argparse.ArgumentParser()
parser.add_argument("--mamori", required=True)
parser.add_argument("fixture")
args = parser.parse_args()

fixture = os.path.abspath(args.fixture)
stem, ext = os.path.splitext(os.path.basename(fixture))
expected_path = os.path.join(os.path.dirname(fixture), stem + ".expected" + ext)
failures = []

with tempfile.TemporaryDirectory() as tmp:
    work = os.path.join(tmp, "project")
    os.makedirs(work)
    target = os.path.join(work, os.path.basename(fixture))
    shutil.copy(fixture, target)
    # A fixture may come with the project's formatting rules: NAME.clang-format.
    style = os.path.join(os.path.dirname(fixture), stem + ".clang-format")
    if os.path.exists(style):
        shutil.copy(style, os.path.join(work, ".clang-format"))
    compiler = "clang++" if ext == ".cpp" else "clang"
    with open(os.path.join(work, "compile_commands.json"), "w") as f:
        json.dump([{"directory": work, "file": target, "arguments": [compiler, "-c", os.path.basename(target)]}], f)
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "cache"))
    run = subprocess.run([args.mamori, "fix", work, "--apply", "--format", "json", "-o", os.path.join(tmp, "fix.json")],
                         capture_output=True, text=True, errors="replace", env=env)
    if run.returncode not in (0, 1):
        print(run.stderr)
        sys.exit(f"FAIL: mamori fix exited with {run.returncode}")
    report = json.load(open(os.path.join(tmp, "fix.json")))

    expected = {}
    for n, line in enumerate(open(fixture, encoding="utf-8"), 1):
        m = re.search(r"expect-fix:\s*([\w-]+)", line)
        if m:
            expected[n] = m.group(1)
    got = {}
    for f in report["findings"]:
        line = f["location"]["line"]
        fix = f.get("fix")
        if not fix:
            failures.append(f"line {line}: CWE-{f['cwe']} has no patch: {f.get('noFix', '?')}")
            continue
        if not fix["validated"]:
            failures.append(f"line {line}: the {fix['strategy']} patch failed {fix.get('failedStage')}: "
                            + "; ".join(s["detail"] for s in fix["stages"] if s["result"] == "failed"))
        got.setdefault(line, set()).add(fix["strategy"])
    for line, strategy in expected.items():
        if strategy not in got.get(line, set()):
            failures.append(f"line {line}: expected a validated {strategy} patch, got {sorted(got.get(line, [])) or 'none'}")
    for line, strategies in got.items():
        if line not in expected:
            failures.append(f"line {line}: unexpected patch {sorted(strategies)}")

    patched = open(target, encoding="utf-8").read()
    want = open(expected_path, encoding="utf-8").read()
    if patched != want:
        diff = "".join(difflib.unified_diff(want.splitlines(True), patched.splitlines(True), "expected", "patched"))
        failures.append("the patched file differs from " + os.path.basename(expected_path) + ":\n" + diff)

    # The patched file compiles with warnings on, and a rescan finds nothing.
    cc = "clang++-19" if ext == ".cpp" else "clang-19"
    build = subprocess.run([cc, "-fsyntax-only", target], capture_output=True, text=True)
    if build.returncode != 0:
        failures.append("the patched file does not compile:\n" + build.stderr)
    rescan = subprocess.run([args.mamori, "scan", work, "--format", "json"], capture_output=True, text=True, env=env)
    left = json.loads(rescan.stdout)["findings"] if rescan.stdout.strip() else []
    for f in left:
        failures.append(f"after patching, still reported: line {f['location']['line']}: {f['message']}")

if failures:
    print("\n".join("FAIL: " + f for f in failures))
    sys.exit(1)
print(f"ok: {len(expected)} patch(es) validated, applied as expected, rescan clean")
