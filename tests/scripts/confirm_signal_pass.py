#!/usr/bin/env python3
"""While fuzzing, a known bug that ends in a signal (a NULL dereference, a division by zero)
must not end the process: the oracle runtime abandons that input and libFuzzer goes on.

Runs `mamori confirm` on the bad variant of a fixture project to build its fuzz binary,
lists the failures of the "known" inputs as confirm lists triaged bugs, then runs the binary
with the environment confirm fuzzes with, over the known inputs first and a new bug last. The process must
get through the known ones, and stop at the new one with the input kept.

Each new input runs in a process of its own, after the known ones. A leak as the new bug
also checks that the runtime's bookkeeping of the input's blocks hides no leak.

    confirm_signal_pass.py MAMORI PROJECT_DIR BUDGET KNOWN_INPUT... -- NEW_INPUT...
Inputs are written as Python bytes literals, e.g. "b'\\x7f\\x01abc'".
"""
import ast
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from confirm_project import stage  # noqa: E402


def main():
    mamori, project, budget = sys.argv[1], Path(sys.argv[2]).resolve(), sys.argv[3]
    rest = sys.argv[4:]
    split = rest.index("--")
    known = [ast.literal_eval(a) for a in rest[:split]]
    new = [ast.literal_eval(a) for a in rest[split + 1:]]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src, _ = stage(project, "bad", tmp)
        work = tmp / "work"
        proc = subprocess.run([mamori, "confirm", str(src), "--budget", budget, "--work-dir", str(work), "--format", "json",
                               "-j", "2", "--seeds", str(project / "seeds")],
                              capture_output=True, text=True, errors="replace", timeout=900)
        if proc.returncode not in (0, 1):
            print(f"mamori exited {proc.returncode}\n{proc.stderr}")
            return 1
        binaries = [p for p in (work / "bin").iterdir() if p.is_file() and os.access(p, os.X_OK)]
        if len(binaries) != 1:
            print(f"FAIL: expected one fuzz binary, found {len(binaries)}")
            return 1
        inputs = []
        for i, data in enumerate(known + new):
            p = tmp / f"input-{i}"
            p.write_bytes(data)
            inputs.append(p)
        # The known list holds exactly the signatures of the known inputs, read the way
        # confirm reads them (a replay that prints its failure's signature), so what the
        # fuzzing of the confirm run happened to find does not matter.
        oracle = tmp / "oracle"
        oracle.mkdir()
        signatures = []
        for p in inputs[:len(known)]:
            r = subprocess.run([str(binaries[0]), str(p)], capture_output=True, text=True, errors="replace", timeout=60,
                               env=dict(os.environ, MAMORI_ORACLE_DIR=str(oracle), MAMORI_PRINT_SIGNATURE="1",
                                        UBSAN_OPTIONS="halt_on_error=1"), cwd=str(tmp))
            sig = [l.split(": ", 1)[1] for l in (r.stdout + r.stderr).splitlines() if l.startswith("mamori-signature: ")]
            if r.returncode == 0 or not sig:
                print(f"FAIL  {p.name} does not fail with a signature")
                return 1
            signatures.append(sig[0])
        (oracle / "known").write_text("\n".join(signatures) + "\n")
        print(f"{len(set(signatures))} known signature(s)")
        env = dict(os.environ, MAMORI_ORACLE_DIR=str(oracle), MAMORI_SUPPRESS_KNOWN="1",
                   ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:halt_on_error=0",
                   UBSAN_OPTIONS="halt_on_error=0:print_stacktrace=0")
        failures = 0
        out = ""
        for last in inputs[len(known):]:
            run = subprocess.run([str(binaries[0])] + [str(p) for p in inputs[:len(known)]] + [str(last)],
                                 capture_output=True, text=True, errors="replace", env=env, timeout=120, cwd=str(tmp))
            out = run.stdout + run.stderr
            for p in inputs[:len(known)]:
                if f"Executed {p}" not in out:
                    print(f"FAIL  the known bug of {p.name} ended the process")
                    failures += 1
            if f"Running: {last}" in out and f"Executed {last}" not in out and run.returncode != 0:
                print(f"ok    went on past {len(known)} known bug(s), stopped at the new bug of {last.name}")
            else:
                print(f"FAIL  the new bug of {last.name} did not stop the process (exit {run.returncode})")
                failures += 1
                break
        if failures:
            print(out[-3000:])
        print("PASS" if failures == 0 else "FAIL")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
