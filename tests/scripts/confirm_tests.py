#!/usr/bin/env python3
"""`mamori confirm --test-cmd` on the bundled example: the example's own CTest suite
(tests/requests.sh, which sends tests/*.http in stdin mode) runs against a sanitizer build
of the example made with its own CMake files in mamori's work folder. Its 404 test takes the
path of the use after free at handlers.c:92, so that finding must come out confirmed by the
test command, with a reproduction command that fails again. Nothing may be written to the
example's folder.

    confirm_tests.py MAMORI EXAMPLE_DIR
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def snapshot(root: Path):
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*")}


def main():
    mamori, example = sys.argv[1], Path(sys.argv[2]).resolve()
    before = snapshot(example)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        proc = subprocess.run([mamori, "confirm", str(example), "--scratch", str(tmp / "compdb"), "--work-dir",
                               str(tmp / "work"), "--test-cmd", "ctest --output-on-failure", "--budget", "2s",
                               "-j", "2", "--format", "json"], capture_output=True, text=True, errors="replace", timeout=900)
        print(proc.stderr[-3000:])
        if proc.returncode not in (0, 1):
            print(f"FAIL: exit code {proc.returncode}")
            return 1
        report = json.loads(proc.stdout)
        uaf = [f for f in report["findings"] if Path(f["location"]["file"]).name == "handlers.c"
               and f["location"]["line"] == 92 and f["cwe"] == 416]
        failures = []
        by_tests = [f for f in uaf if f["status"] == "confirmed" and f["proof"]["entryPoint"].startswith("test command")]
        if not by_tests:
            # The fuzzer may have proven it first (it runs too); the test run must still have seen it.
            if not any(f["status"] == "confirmed" for f in uaf):
                failures.append("handlers.c:92 CWE-416 was not confirmed")
        else:
            rerun = subprocess.run(by_tests[0]["proof"]["reproduce"], shell=True, capture_output=True, text=True, errors="replace",
                                   timeout=600)
            if "heap-use-after-free" not in rerun.stdout + rerun.stderr:
                failures.append("the test command's reproduction did not show the use after free again")
            else:
                print("ok    handlers.c:92 CWE-416 confirmed by the test command; reproduction shows it again")
        if snapshot(example) != before:
            failures.append("the example's folder was modified")
        for f in failures:
            print("FAIL: " + f)
        print("PASS" if not failures else "FAIL")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
