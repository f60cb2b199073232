#!/usr/bin/env python3
"""`mamori confirm` end to end on the bundled example, with its harness fuzz/fuzz_request.c
(which is not in the compile database: confirm finds it) and only the example's benign
requests (inputs/ok-*.http) as seeds, never the inputs that show the bugs.

Every seeded bug that the harness can reach must come out confirmed: a reported one as its
static finding, with a proof input on disk whose reproduction command shows the report
again; one the scan misses as a finding of its own found by fuzzing, on its line. Not reachable from the harness: CWE-78 (the harness turns /diag/ping's shell off)
and CWE-476 (needs malloc to fail). The `// BUG(CWE-N)` comments are read by this test
only.

    confirm_example.py MAMORI EXAMPLE_DIR BUDGET
"""
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUG = re.compile(r"BUG\(CWE-(\d+)\)")
UNREACHABLE = {78, 476}


def main():
    mamori, example, budget = sys.argv[1], Path(sys.argv[2]).resolve(), sys.argv[3]
    seeded = {}
    for src in sorted((example / "src").glob("*.c")):
        for n, line in enumerate(src.read_text().splitlines(), start=1):
            for cwe in BUG.findall(line):
                seeded[(src.name, n)] = int(cwe)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        seeds = tmp / "seeds"
        seeds.mkdir()
        for f in (example / "inputs").glob("ok-*.http"):
            shutil.copy(f, seeds / f.name)
        started = time.time()
        proc = subprocess.run([mamori, "confirm", str(example), "--scratch", str(tmp / "compdb"), "--work-dir",
                               str(tmp / "work"), "--seeds", str(seeds), "--budget", budget, "-j", "2",
                               "--format", "json", "-v"], capture_output=True, text=True, errors="replace", timeout=1200)
        elapsed = time.time() - started
        if proc.returncode not in (0, 1):
            print(f"mamori exited {proc.returncode}\n{proc.stderr}")
            return 1
        for line in proc.stderr.splitlines():
            if "confirmed" in line or "confirm:" in line:
                print(line)
        report = json.loads(proc.stdout)
        static = {(Path(f["location"]["file"]).name, f["location"]["line"]): f for f in report["findings"]
                  if not f.get("proof", {}).get("dynamicOnly")}
        failures = 0
        for (file, line), cwe in sorted(seeded.items()):
            f = static.get((file, line))
            if cwe in UNREACHABLE:
                state = f["status"] if f else "not reported"
                print(f"skip  {file}:{line} CWE-{cwe}: not reachable from the harness ({state})")
                if f and f["status"] == "confirmed":
                    print("      ... but confirmed, which cannot be right")
                    failures += 1
                continue
            if f is None:
                # Missed by the scan: fuzzing must find it on its own.
                d = [x for x in report["findings"] if x.get("proof", {}).get("dynamicOnly")
                     and Path(x["location"]["file"]).name == file and x["location"]["line"] == line
                     and x["cwe"] == cwe]
                if d:
                    print(f"ok    {file}:{line} CWE-{cwe} missed by the scan, found by fuzzing ({d[0]['proof']['kind']})")
                else:
                    print(f"MISS  {file}:{line} CWE-{cwe}: reachable, missed by the scan and not found by fuzzing")
                    failures += 1
                continue
            if f["status"] != "confirmed":
                print(f"MISS  {file}:{line} CWE-{cwe} is reachable and reported, but not confirmed")
                failures += 1
                continue
            proof = f["proof"]
            # The reproduction command must show the failure again.
            rerun = subprocess.run(proof["reproduce"], shell=True, capture_output=True, text=True, errors="replace", timeout=120)
            shown = rerun.stderr + rerun.stdout
            if rerun.returncode == 0 or ("ERROR:" not in shown and "runtime error:" not in shown):
                print(f"FAIL  {file}:{line} CWE-{cwe}: the reproduction command did not fail again")
                failures += 1
                continue
            print(f"ok    {file}:{line} CWE-{cwe} confirmed by {proof['kind']}; proof {Path(proof['input']).name}")
        dynamic = [f for f in report["findings"] if f.get("proof", {}).get("dynamicOnly")]
        for f in dynamic:
            print(f"also  {Path(f['location']['file']).name}:{f['location']['line']} CWE-{f['cwe']} found only by fuzzing")
        print(f"{elapsed:.0f} s -> {'PASS' if failures == 0 else 'FAIL'}")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
