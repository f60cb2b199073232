#!/usr/bin/env python3
"""`mamori fix --apply` on findings that lie in a header rather than in a source file.

The project (tests/repair/header) has one source file that includes `include/buf.h` through an
-I folder; both findings are in the header. Each marked line (`// expect-fix: STRATEGY`) must
get a validated patch of that strategy, the patches must be written into the header (once,
together) and match `buf.expected.h` byte for byte, the source file must stay as it was, and
the patched project must compile and rescan clean.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

mamori, fixture = sys.argv[1], os.path.abspath(sys.argv[2])
failures = []
with tempfile.TemporaryDirectory() as tmp:
    work = os.path.join(tmp, "project")
    shutil.copytree(fixture, work, ignore=shutil.ignore_patterns("*.expected.h"))
    with open(os.path.join(work, "compile_commands.json"), "w") as f:
        json.dump([{"directory": work, "file": os.path.join(work, "src/main.c"),
                    "arguments": ["clang", "-Iinclude", "-c", "src/main.c"]}], f)
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "cache"))
    out = os.path.join(tmp, "fix.json")
    run = subprocess.run([mamori, "fix", work, "--apply", "--force", "--format", "json", "-o", out],
                         capture_output=True, text=True, errors="replace", env=env)
    if run.returncode not in (0, 1):
        sys.exit(f"FAIL: mamori fix exited with {run.returncode}\n{run.stderr}")
    header = os.path.join(work, "include/buf.h")
    expected = {n: m.group(1) for n, line in enumerate(open(os.path.join(fixture, "include/buf.h")), 1)
                if (m := re.search(r"expect-fix:\s*([\w-]+)", line))}
    got = {}
    for f in json.load(open(out))["findings"]:
        line, fix = f["location"]["line"], f.get("fix")
        if not f["location"]["file"].endswith("include/buf.h"):
            failures.append(f"finding outside the header: {f['location']}")
        elif not fix or not fix.get("validated"):
            failures.append(f"line {line}: no validated patch: {f.get('noFix') or fix.get('failedStage')}")
        else:
            got[line] = fix["strategy"]
    if got != expected:
        failures.append(f"patched lines {got}, expected {expected}")
    if open(header).read() != open(os.path.join(fixture, "include/buf.expected.h")).read():
        failures.append("the patched header differs from include/buf.expected.h")
    if open(os.path.join(work, "src/main.c")).read() != open(os.path.join(fixture, "src/main.c")).read():
        failures.append("src/main.c was changed")
    build = subprocess.run(["clang-19", "-Iinclude", "-fsyntax-only", "src/main.c"], cwd=work, capture_output=True, text=True)
    if build.returncode != 0:
        failures.append("the patched project does not compile: " + build.stderr[:300])
    rescan = subprocess.run([mamori, "scan", work, "--format", "json"], capture_output=True, text=True, env=env)
    left = json.loads(rescan.stdout)["findings"] if rescan.stdout.strip() else None
    if left != []:
        failures.append(f"the rescan is not clean: {left}")
for f in failures:
    print("FAIL:", f)
if failures:
    sys.exit(1)
print("ok: both header findings patched in the header")
