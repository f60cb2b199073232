#!/usr/bin/env python3
"""`mamori confirm` on a project that misbehaves: one fuzz target does not compile, the other
hangs on some inputs and exhausts its memory on others. confirm must name the file that does
not build (with the compiler's error), classify the hang and the exhaustion as results with
the input kept, confirm nothing, and finish its run.

    confirm_robustness.py MAMORI PROJECT_DIR
"""
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def main():
    mamori, project = sys.argv[1], Path(sys.argv[2]).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "src"
        src.mkdir()
        for f in project.glob("*.[ch]"):
            shutil.copy(f, src / f.name)
        db = [{"directory": str(src), "file": str(src / "parser.c"), "arguments": ["cc", "-c", str(src / "parser.c")]}]
        (src / "compile_commands.json").write_text(json.dumps(db))
        proc = subprocess.run([mamori, "confirm", str(src), "--budget", "20s", "--seeds", str(project / "seeds"),
                               "--target-memory", "256", "--input-timeout", "3", "--work-dir", str(tmp / "work"),
                               "-j", "2", "--format", "json"], capture_output=True, text=True, errors="replace", timeout=600)
        print(proc.stderr)
        failures = []
        if proc.returncode not in (0, 1):
            failures.append(f"exit code {proc.returncode}")
        report = json.loads(proc.stdout)
        diags = report["diagnostics"]
        broken = [d for d in diags if d["file"].endswith("fuzz_broken.c") and "does not build" in d["message"]]
        if not broken or "too many arguments" not in broken[0]["message"]:
            failures.append("no diagnostic naming fuzz_broken.c with the compiler's error")
        hangs = [d for d in diags if "hang" in d["message"] and Path(d["message"].split("input kept at ")[-1]).exists()]
        if not hangs:
            failures.append("the hang was not classified with its input kept")
        ooms = [d for d in diags if "exhaust its memory" in d["message"]]
        print(f"out-of-memory classified: {'yes' if ooms else 'no (the fuzzer did not repeat the hoarding input)'}")
        if any(f["status"] == "confirmed" for f in report["findings"]):
            failures.append("a finding was confirmed, but nothing here is a memory error")
        for f in failures:
            print("FAIL: " + f)
        print("PASS" if not failures else "FAIL")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
