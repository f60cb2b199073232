#!/usr/bin/env python3
"""mamori fix --confirm: confirmed findings' proofs are replayed on their patches.

The synthesized-harness fixture (tests/confirm/meter/bad) has two bugs that confirm proves
through harnesses it writes. mamori fix --confirm must prove them, patch them, rebuild each
harness with the patch and replay the proof input, which must now run cleanly: the proof
stage passes and the patch is validated.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

mamori, project, budget = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
failures = []
with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "src")
    os.makedirs(src)
    shutil.copy(os.path.join(project, "bad", "meter.c"), src)
    with open(os.path.join(src, "compile_commands.json"), "w") as f:
        json.dump([{"directory": src, "file": os.path.join(src, "meter.c"), "arguments": ["cc", "-std=c11", "-c", "meter.c"]}], f)
    extra = open(os.path.join(project, "confirm-args")).read().split()
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "cache"))
    out = os.path.join(tmp, "fix.json")
    r = subprocess.run([mamori, "fix", src, "--confirm", "--budget", budget, "-j", "2", *extra, "--format", "json", "-o", out],
                       capture_output=True, text=True, errors="replace", env=env)
    print(r.stderr.strip()[-2000:])
    if r.returncode not in (0, 1):
        sys.exit(f"FAIL: mamori fix exited with {r.returncode}")
    findings = json.load(open(out))["findings"]
    confirmed = [f for f in findings if f["status"] == "confirmed" and not f.get("proof", {}).get("dynamicOnly")]
    if len(confirmed) < 2:
        failures.append(f"expected 2 confirmed static findings, got {len(confirmed)}")
    for f in confirmed:
        where = f"line {f['location']['line']} CWE-{f['cwe']}"
        fix = f.get("fix")
        if not fix:
            failures.append(f"{where}: no patch: {f.get('noFix')}")
            continue
        proof = [s for s in fix["stages"] if s["stage"] == "proof"]
        if not proof or proof[0]["result"] != "passed":
            failures.append(f"{where}: proof stage {proof[0] if proof else 'missing'}")
        if not fix["validated"]:
            failures.append(f"{where}: not validated (failed {fix.get('failedStage')})")

if failures:
    print("\n".join("FAIL: " + f for f in failures))
    sys.exit(1)
print(f"ok: {len(confirmed)} confirmed findings patched; their proofs run cleanly on the patched code")
