#!/usr/bin/env python3
"""mamori fix on the bundled example, end to end.

Every finding must get a validated patch (compile, rescan and the example's own tests),
--apply must write them all, the patched project must rescan clean, and it must build and
pass its tests under ASan + UBSan, which the unpatched project does not (its 404 test
trips the use after free).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

mamori, example = sys.argv[1], os.path.abspath(sys.argv[2])
failures = []

with tempfile.TemporaryDirectory() as tmp:
    work = os.path.join(tmp, "mini-httpd")
    shutil.copytree(example, work, ignore=shutil.ignore_patterns("build", ".git"))
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "cache"))
    out = os.path.join(tmp, "fix.json")
    r = subprocess.run([mamori, "fix", work, "-j", "2", "--test-cmd", "ctest --output-on-failure", "--apply",
                        "--format", "json", "-o", out], capture_output=True, text=True, errors="replace", env=env)
    print(r.stderr.strip())
    if r.returncode not in (0, 1):
        sys.exit(f"FAIL: mamori fix exited with {r.returncode}")
    findings = json.load(open(out))["findings"]
    if len(findings) < 8:
        failures.append(f"expected the example's 8 findings, got {len(findings)}")
    for f in findings:
        fix = f.get("fix")
        where = f"{os.path.basename(f['location']['file'])}:{f['location']['line']} CWE-{f['cwe']}"
        if not fix:
            failures.append(f"{where}: no patch: {f.get('noFix')}")
        elif not fix["validated"]:
            failures.append(f"{where}: {fix['strategy']} failed {fix.get('failedStage')}")
        elif not any(s["stage"] == "tests" and s["result"] == "passed" for s in fix["stages"]):
            failures.append(f"{where}: the tests stage did not pass")
    if f"{len(findings)} applied" not in r.stderr:
        failures.append("not every validated patch was applied")

    rescan = subprocess.run([mamori, "scan", work, "--format", "json"], capture_output=True, text=True, env=env)
    left = json.loads(rescan.stdout)["findings"]
    for f in left:
        failures.append(f"after --apply, still reported: {f['location']['file']}:{f['location']['line']}: {f['message']}")

    build = os.path.join(tmp, "asan-build")
    flags = "-g -O0 -fsanitize=address,undefined -fno-sanitize-recover=all"
    steps = [["cmake", "-S", work, "-B", build, "-DCMAKE_C_COMPILER=clang-19", f"-DCMAKE_C_FLAGS={flags}",
              f"-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined"],
             ["cmake", "--build", build, "-j", "2"],
             ["ctest", "--test-dir", build, "--output-on-failure"]]
    for step in steps:
        s = subprocess.run(step, capture_output=True, text=True, errors="replace")
        if s.returncode != 0:
            failures.append(f"{' '.join(step[:2])} on the patched example failed:\n{s.stdout[-1500:]}{s.stderr[-1500:]}")
            break

if failures:
    print("\n".join("FAIL: " + f for f in failures))
    sys.exit(1)
print(f"ok: {len(findings)} validated patches applied; the example rescans clean and its tests pass under ASan")
