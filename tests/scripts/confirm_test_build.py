#!/usr/bin/env python3
"""`mamori confirm --test-cmd` on a fixture project that CMake does not build: a configure
script and a Makefile.in, or Meson, with no compile database. mamori must generate the
database itself (configure, then `bear -- make` on a scratch copy; `meson setup`), build the
project again with the sanitizers through the same build system, and run the project's test
command in that build.

The bad variant's lines carry `// expect: CWE-N`; each must come out confirmed by the test
command. The fixed variant must end with nothing confirmed. The project's folder must not
change.

The project may ship several build systems; `--only FILE` keeps that one of them
(`configure`, `meson.build`) and drops the others from the copy, and `--test-cmd CMD` is the
command for it. `--test-build CMD` is handed to mamori as its own build command.

    confirm_test_build.py MAMORI PROJECT_DIR bad|fixed --only configure --test-cmd 'sh run-tests.sh'
"""
import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

EXPECT = re.compile(r"expect:\s*((?:CWE-\d+\s*,?\s*)+)")


def snapshot(root: Path):
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mamori")
    ap.add_argument("project")
    ap.add_argument("variant", choices=["bad", "fixed"])
    ap.add_argument("--only", required=True)
    ap.add_argument("--test-cmd", required=True)
    ap.add_argument("--test-build", help="the build command to give mamori instead of the build system")
    args = ap.parse_args()
    mamori, project, variant = args.mamori, Path(args.project).resolve(), args.variant
    build_files = {"configure", "Makefile.in", "meson.build", "CMakeLists.txt"}
    keep = {args.only} | ({"Makefile.in"} if args.only == "configure" else set())
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "src"
        shutil.copytree(project, src, ignore=shutil.ignore_patterns("bad", "fixed", *(build_files - keep)))
        for f in (project / variant).iterdir():
            shutil.copy(f, src / f.name)
        expected = set()
        for p in sorted(src.glob("*.c")):
            for n, line in enumerate(p.read_text().splitlines(), start=1):
                m = EXPECT.search(line)
                if m:
                    expected.update((p.name, n, int(c)) for c in re.findall(r"CWE-(\d+)", m.group(1)))
        if variant == "bad" and not expected:
            print("the bad variant must expect at least one confirmed finding")
            return 1
        before = snapshot(src)
        test_cmd = args.test_cmd
        proc = subprocess.run([mamori, "confirm", str(src), "--scratch", str(tmp / "scratch"), "--work-dir",
                               str(tmp / "work"), "--test-cmd", test_cmd, "--budget", "1s", "-j", "2", "--format", "json"] +
                              (["--test-build", args.test_build] if args.test_build else []),
                              capture_output=True, text=True, errors="replace", timeout=900)
        if proc.returncode not in (0, 1):
            print(f"mamori exited {proc.returncode}\n{proc.stderr[-3000:]}")
            return 1
        report = json.loads(proc.stdout)
        failures = 0
        for d in report.get("diagnostics", []):
            print(f"{d.get('level')}: {d.get('file', '')}: {d.get('message', '')[:300]}")
            if d.get("level") == "error":
                failures += 1  # the project must build and its tests run, in either variant
        confirmed = {}
        for f in report["findings"]:
            if f["status"] != "confirmed":
                continue
            path = Path(f["location"]["file"])
            if path.parent != src:
                # A report from the build's copy of the tree must name the project's file.
                print(f"FAIL: {path} is not a file of the project")
                failures += 1
            confirmed[(path.name, f["location"]["line"], f["cwe"])] = f
        for key in sorted(expected):
            f = confirmed.get(key)
            if f and f["proof"]["entryPoint"].startswith("test command"):
                print(f"ok    {key[0]}:{key[1]} CWE-{key[2]} confirmed by the test command ({f['proof']['kind']})")
            else:
                print(f"MISS  {key[0]}:{key[1]} CWE-{key[2]} not confirmed by the test command")
                failures += 1
        for key, f in sorted(confirmed.items()):
            if key not in expected:
                print(f"UNEXPECTED confirmed {key[0]}:{key[1]} CWE-{key[2]}: {f['message']}")
                failures += 1
        if args.test_build and not (tmp / "work" / "test-tree" / "built-by-test-build").exists():
            # The command given ends by leaving this mark: mamori must have run it.
            print("FAIL: the --test-build command did not run")
            failures += 1
        if snapshot(src) != before:
            print("FAIL: the project's folder was modified")
            failures += 1
        print(f"{variant}: {'PASS' if failures == 0 else 'FAIL'}")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
