#!/usr/bin/env python3
"""`mamori confirm` on a fixture project: a library with a libFuzzer target, in a bad and
a fixed variant.

The bad variant's lines carry `// expect: CWE-N`; each must end up with a confirmed finding
of that CWE on that line (a static finding proven by a sanitizer or an oracle, or one found
only by fuzzing). The fixed variant must end with no confirmed finding at all. The project
is copied into a temporary folder with its own compile_commands.json, so the sources in
the repository are never built in place.

    confirm_project.py MAMORI PROJECT_DIR bad|fixed BUDGET
"""
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXPECT = re.compile(r"expect:\s*((?:CWE-\d+\s*,?\s*)+)")


def stage(project: Path, variant: str, tmp: Path):
    """Copies the project's shared files and one variant into tmp/src, with a compile database
    of its library sources (the fuzz targets, fuzz_*.c, are found by confirm). Returns the
    folder and the library sources."""
    src = tmp / "src"
    src.mkdir()
    for f in project.glob("*.[ch]"):
        shutil.copy(f, src / f.name)
    for f in (project / variant).glob("*.c"):
        shutil.copy(f, src / f.name)
    sources = sorted(p for p in src.glob("*.c") if not p.name.startswith("fuzz_"))
    db = [{"directory": str(src), "file": str(p), "arguments": ["cc", "-std=c11", "-c", str(p)]} for p in sources]
    (src / "compile_commands.json").write_text(json.dumps(db))
    return src, sources


def main():
    mamori, project, variant, budget = sys.argv[1], Path(sys.argv[2]).resolve(), sys.argv[3], sys.argv[4]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src, sources = stage(project, variant, tmp)
        expected = set()
        for p in sources:
            for n, line in enumerate(p.read_text().splitlines(), start=1):
                m = EXPECT.search(line)
                if m:
                    for cwe in re.findall(r"CWE-(\d+)", m.group(1)):
                        expected.add((p.name, n, int(cwe)))
        if variant == "bad" and not expected:
            print("the bad variant must expect at least one confirmed finding")
            return 1
        started = time.time()
        # A project may ask for more options (e.g. --synthesize-harness) in a file `confirm-args`.
        extra = (project / "confirm-args").read_text().split() if (project / "confirm-args").exists() else []
        proc = subprocess.run([mamori, "confirm", str(src), "--budget", budget, "--work-dir", str(tmp / "work")] + extra + [
                               "--format", "json", "-j", "2", "-v"] +
                              (["--seeds", str(project / "seeds")] if (project / "seeds").is_dir() else []),
                              capture_output=True, text=True, errors="replace", timeout=900)
        elapsed = time.time() - started
        if proc.returncode not in (0, 1):
            print(f"mamori exited {proc.returncode}\n{proc.stderr}")
            return 1
        report = json.loads(proc.stdout)
        confirmed = {}
        for f in report["findings"]:
            if f["status"] == "confirmed":
                key = (Path(f["location"]["file"]).name, f["location"]["line"], f["cwe"])
                confirmed[key] = f
        for line in proc.stderr.splitlines():
            if "confirmed" in line or "confirm:" in line:
                print(line)
        failures = 0
        for key in sorted(expected):
            if key in confirmed:
                proof = confirmed[key].get("proof", {})
                pov = proof.get("input", "")
                if not pov or not Path(pov).exists():
                    print(f"{key}: confirmed without a proof input on disk")
                    failures += 1
                else:
                    print(f"ok    {key[0]}:{key[1]} CWE-{key[2]} ({proof.get('kind')})")
            else:
                print(f"MISS  {key[0]}:{key[1]} CWE-{key[2]} not confirmed")
                failures += 1
        for key, f in sorted(confirmed.items()):
            if key not in expected:
                print(f"UNEXPECTED confirmed {key[0]}:{key[1]} CWE-{key[2]}: {f['message']}")
                failures += 1
        print(f"{variant}: {len(expected) - sum(1 for k in expected if k not in confirmed)}/{len(expected)} confirmed, "
              f"{elapsed:.0f} s -> {'PASS' if failures == 0 else 'FAIL'}")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
