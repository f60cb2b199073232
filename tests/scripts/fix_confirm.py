#!/usr/bin/env python3
"""mamori fix --confirm: confirmed findings' proofs are replayed on their patches.

Two fixture projects:
- tests/confirm/meter: two bugs that confirm proves through harnesses it writes
  (confirm-args). Both must be proven, patched, and the rebuilt harnesses must run the proof
  inputs cleanly: the proof stage passes and the patch is validated.
- tests/confirm/records: a fuzz target finds bugs the scan misses (found only dynamically).
  Such a finding has no trace and no rescan can see it, so its patch is validated by the
  proof replay alone. At least one must be found, and each must get a validated patch whose
  proof stage passed.
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
    for folder in (project, os.path.join(project, "bad")):
        for name in os.listdir(folder):
            if name.endswith((".c", ".h")):
                shutil.copy(os.path.join(folder, name), src)
    sources = sorted(n for n in os.listdir(src) if n.endswith(".c") and not n.startswith("fuzz_"))
    with open(os.path.join(src, "compile_commands.json"), "w") as f:
        json.dump([{"directory": src, "file": os.path.join(src, n), "arguments": ["cc", "-std=c11", "-c", n]} for n in sources], f)
    args_file = os.path.join(project, "confirm-args")
    extra = open(args_file).read().split() if os.path.exists(args_file) else []
    if os.path.isdir(os.path.join(project, "seeds")):
        extra += ["--seeds", os.path.join(project, "seeds")]
    dynamic = not os.path.exists(args_file)
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "cache"))
    out = os.path.join(tmp, "fix.json")
    r = subprocess.run([mamori, "fix", src, "--confirm", "--budget", budget, "-j", "2", *extra, "--format", "json", "-o", out],
                       capture_output=True, text=True, errors="replace", env=env)
    print(r.stderr.strip()[-2000:])
    if r.returncode not in (0, 1):
        sys.exit(f"FAIL: mamori fix exited with {r.returncode}")
    findings = json.load(open(out))["findings"]
    confirmed = [f for f in findings if f["status"] == "confirmed" and bool(f.get("proof", {}).get("dynamicOnly")) == dynamic]
    if dynamic and not confirmed:
        failures.append("no finding was found dynamically")
    if not dynamic and len(confirmed) < 2:
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
print(f"ok: {len(confirmed)} confirmed {'dynamic-only' if dynamic else 'static'} findings patched; "
      "their proofs run cleanly on the patched code")
