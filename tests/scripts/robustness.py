#!/usr/bin/env python3
"""Bad input never crashes mamori and never loses results.

Each case feeds mamori something broken and checks the exit code, that the message
names the file and the problem, and that the good parts of the scan still complete.
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

MAMORI = None
FAILURES = []

GOOD_C = r'''
#include <stdlib.h>
#include <stdio.h>
int main(int argc, char **argv) {
    if (argc > 1) return system(argv[1]);
    return 0;
}
'''


def run(args, cwd=None, env=None):
    p = subprocess.run([MAMORI] + args, cwd=cwd, capture_output=True, text=True, timeout=600, env=env)
    return p.returncode, p.stdout, p.stderr


def check(name, cond, detail=""):
    if cond:
        print(f"ok    {name}")
    else:
        print(f"FAIL  {name}: {detail}")
        FAILURES.append(name)


def write_db(folder: Path, entries):
    (folder / "compile_commands.json").write_text(json.dumps(entries))


def case_missing_folder(tmp: Path):
    code, out, err = run(["scan", str(tmp / "nope")])
    check("missing folder -> exit 2 naming it", code == 2 and "nope" in err and "no such directory" in err, err)


def case_invalid_json(tmp: Path):
    d = tmp / "badjson"
    d.mkdir()
    (d / "compile_commands.json").write_text('[{"directory": "/tmp", "file": ')
    code, out, err = run(["scan", str(d)])
    check("invalid JSON database -> exit 2 naming the file",
          code == 2 and "compile_commands.json" in err and "not valid JSON" in err, err)
    (d / "compile_commands.json").write_text('{"directory": "/tmp"}')
    code, out, err = run(["scan", str(d)])
    check("database that is not an array -> exit 2", code == 2 and "array" in err, err)


def case_bad_entries(tmp: Path):
    d = tmp / "entries"
    (d / "src").mkdir(parents=True)
    (d / "src" / "good.c").write_text(GOOD_C)
    (d / "garbage.c").write_bytes(bytes(random.Random(7).randrange(256) for _ in range(4096)))
    write_db(d, [
        {"directory": "src", "file": "good.c", "arguments": ["cc", "-c", "good.c"]},  # relative paths
        {"directory": str(d), "arguments": ["cc", "-c", "x.c"]},                     # no "file"
        {"directory": str(d), "file": "missing.c", "command": "cc -c missing.c"},    # file does not exist
        {"directory": str(d), "file": "garbage.c", "command": "cc -c garbage.c"},    # binary file
        "not an object",
    ])
    code, out, err = run(["scan", str(d), "--format", "json", "-j", "2"])
    report = json.loads(out) if out.strip().startswith("{") else {"findings": [], "diagnostics": []}
    files = {Path(f["location"]["file"]).name for f in report["findings"]}
    diags = " | ".join(f"{x['file']}: {x['message']}" for x in report["diagnostics"])
    check("bad entries -> partial scan exit 3", code == 3, f"exit {code} {err}")
    check("good entry with relative paths still analyzed", "good.c" in files, files)
    check("entry without 'file' named", "missing string field 'file'" in diags, diags)
    check("nonexistent file named", "missing.c" in diags and "does not exist" in diags, diags)
    check("binary source reported and skipped", "garbage.c" in diags and "skipped" in diags, diags)


def case_huge_file(tmp: Path):
    d = tmp / "huge"
    d.mkdir()
    lines = ["#include <stdio.h>", "#include <stdlib.h>"]
    for i in range(12500):
        lines += [f"int f{i}(int x) {{", f"  return x * {i} + (x > {i} ? f{max(i - 1, 0)}(x - 1) : 0);", "}", ""]
    lines += ["int main(int argc, char **argv) { return system(argv[0]) + f12499(argc); }"]
    (d / "gen.c").write_text("\n".join(lines) + "\n")
    check("generated file has 50,000+ lines", len(lines) >= 50000, len(lines))
    write_db(d, [{"directory": str(d), "file": str(d / "gen.c"), "arguments": ["cc", "-c", "gen.c"]}])
    code, out, err = run(["scan", str(d), "--format", "json"])
    ok = code in (0, 1) and json.loads(out)["stats"]["analyzed"] == 1
    check("50,000-line generated file analyzed", ok, f"exit {code} {err[-300:]}")
    check("finding at the end of the huge file", ok and len(json.loads(out)["findings"]) == 1, out[-300:])


def case_deep_nesting(tmp: Path):
    d = tmp / "deep"
    d.mkdir()
    parens = "(" * 200 + "x" + ")" * 200
    chain = " + ".join(["x"] * 20000)
    ternary = "x ? " * 300 + "1" + " : 0" * 300
    (d / "deep.c").write_text(
        "int a(int x) { return " + parens + "; }\n"
        "int b(int x) { return " + chain + "; }\n"
        "int c(int x) { return " + ternary + "; }\n")
    write_db(d, [{"directory": str(d), "file": str(d / "deep.c"), "arguments": ["cc", "-c", "deep.c"]}])
    code, out, err = run(["scan", str(d), "--format", "json"])
    check("deeply nested expressions do not crash the scan", code in (0, 1, 3) and out.strip().startswith("{"),
          f"exit {code} {err[-300:]}")
    report = json.loads(out)
    check("deeply nested file analyzed or reported", report["stats"]["analyzed"] == 1 or report["diagnostics"], report)


def case_legacy_c(tmp: Path):
    # Pre-C99 code that GCC 12 builds with warnings (implicit declarations, int to pointer)
    # is analysed, not skipped: here its divide by zero is still found.
    d = tmp / "legacy"
    d.mkdir()
    (d / "old.c").write_text(
        "int share(int total) {\n"
        "  int *slot;\n"
        "  slot = 4096;\n"
        "  int parts = count_parts();\n"
        "  if (parts == 0) return total / parts;\n"
        "  return total;\n"
        "}\n")
    write_db(d, [{"directory": str(d), "file": str(d / "old.c"), "arguments": ["cc", "-c", "old.c"]}])
    code, out, err = run(["scan", str(d), "--format", "json"])
    report = json.loads(out) if out.strip().startswith("{") else {}
    check("legacy C is analysed, not skipped", code == 1 and report.get("stats", {}).get("analyzed") == 1 and
          any(f["cwe"] == 369 for f in report.get("findings", [])), f"exit {code} {err[-300:]}")


def case_models_typo(tmp: Path):
    d = tmp / "models"
    d.mkdir()
    (d / "a.c").write_text(GOOD_C)
    bad = d / "my-models.jsonc"
    bad.write_text('// my APIs\n{"sinks": [{"functon": "run_cmd", "kind": "command", "args": ["arg0"]}]}\n')
    code, out, err = run(["check", str(d / "a.c"), "--models", str(bad)])
    check("models file with a typo -> exit 2 naming file and key",
          code == 2 and "my-models.jsonc" in err and "functon" in err, err)
    bad.write_text('{"sinks": [{"function": "run_cmd", "kind": "comand", "args": ["arg0"]}]}')
    code, out, err = run(["check", str(d / "a.c"), "--models", str(bad)])
    check("models file with a bad sink kind -> exit 2", code == 2 and "comand" in err, err)
    bad.write_text('{"sinks": [')
    code, out, err = run(["check", str(d / "a.c"), "--models", str(bad)])
    check("models file that is not JSON -> exit 2", code == 2 and "my-models.jsonc" in err, err)


def case_user_models(tmp: Path):
    d = tmp / "usermodels"
    d.mkdir()
    (d / "a.c").write_text('void run_cmd(const char *c);\n#include <stdlib.h>\n'
                           'int main(int argc, char **argv) { run_cmd(argv[1]); return 0; }\n')
    m = d / "m.jsonc"
    m.write_text('{"sinks": [{"function": "run_cmd", "kind": "command", "args": ["arg0"]}]}')
    code, out, err = run(["check", str(d / "a.c"), "--models", str(m), "--format", "json"])
    cwes = [f["cwe"] for f in json.loads(out)["findings"]] if out.strip() else []
    check("a user model adds a sink without recompiling", code == 1 and cwes == [78], f"{code} {out} {err}")


def case_crash_and_hang(tmp: Path):
    d = tmp / "faults"
    d.mkdir()
    for name in ("crash.c", "hang.c", "fine.c"):
        (d / name).write_text(GOOD_C)
    write_db(d, [{"directory": str(d), "file": str(d / n), "arguments": ["cc", "-c", n]}
                 for n in ("crash.c", "hang.c", "fine.c")])
    env = dict(os.environ, MAMORI_FAULT_INJECT="crash:crash.c,hang:hang.c")
    code, out, err = run(["scan", str(d), "--format", "json", "--tu-timeout", "2", "-j", "2"], env=env)
    report = json.loads(out)
    diags = " | ".join(f"{x['file']}: {x['message']}" for x in report["diagnostics"])
    files = {Path(f["location"]["file"]).name for f in report["findings"]}
    check("a crashing TU is reported as a crash", "crash.c" in diags and "crashed" in diags, diags)
    check("a hanging TU is killed at --tu-timeout", "hang.c" in diags and "tu-timeout" in diags, diags)
    check("the other TUs' findings survive", files == {"fine.c"} and code == 3, f"{files} exit {code}")


def case_later_round_fails(tmp: Path):
    # main.c's call of helper() is analysed again once lib.c's summary is known; that
    # second analysis crashes. What the first found stays, with a warning, and the kept
    # ASTs' folder is removed (an abandoned one from a killed scan is swept too).
    d = tmp / "laterround"
    d.mkdir()
    (d / "lib.c").write_text('#include <stdlib.h>\nint helper(const char *c) { return system(c); }\n')
    (d / "main.c").write_text('int helper(const char *c);\nint main(int argc, char **argv) {\n'
                              '    int parts = 0;\n    if (argc > 1) helper(argv[1]);\n'
                              '    return 100 / parts;\n}\n')
    write_db(d, [{"directory": str(d), "file": str(d / n), "arguments": ["cc", "-c", n]}
                 for n in ("lib.c", "main.c")])
    scratch = tmp / "tmpdir"
    scratch.mkdir()
    (scratch / "mamori-asts-999999999-abcdef").mkdir()  # no such process
    env = dict(os.environ, MAMORI_FAULT_INJECT="crash-later:main.c", TMPDIR=str(scratch))
    code, out, err = run(["scan", str(d), "--format", "json", "-j", "2"], env=env)
    report = json.loads(out)
    diags = " | ".join(f"{x['level']} {Path(x['file']).name}: {x['message']}" for x in report["diagnostics"])
    found = {(Path(f["location"]["file"]).name, f["cwe"]) for f in report["findings"]}
    check("a later round's crash is a warning naming the round",
          "warning main.c: cross-file round 2" in diags and "crashed" in diags, diags)
    check("the first round's findings of that TU stay", ("main.c", 369) in found, f"{found}")
    check("no kept-AST folder is left behind, an abandoned one is swept",
          list(scratch.iterdir()) == [], f"{list(scratch.iterdir())}")
    env = dict(os.environ, TMPDIR=str(scratch))
    code, out, err = run(["scan", str(d), "--format", "json", "-j", "2"], env=env)
    found = {(Path(f["location"]["file"]).name, f["cwe"]) for f in json.loads(out)["findings"]}
    check("without the fault, the second round finds the cross-file command injection",
          ("lib.c", 78) in found and ("main.c", 369) in found, f"{found}")


def case_generation(tmp: Path):
    # A Makefile project: the database is generated with bear on a scratch copy, and the
    # user's tree is left exactly as it was.
    d = tmp / "makeproj"
    d.mkdir()
    (d / "main.c").write_text(GOOD_C)
    (d / "Makefile").write_text("app: main.o\n\tcc -o app main.o\nmain.o: main.c\n\tcc -c main.c -o main.o\n")
    before = sorted(p.name for p in d.iterdir())
    code, out, err = run(["scan", str(d), "--scratch", str(tmp / "makescratch"), "--format", "json"])
    files = {Path(f["location"]["file"]) for f in json.loads(out)["findings"]} if out.strip() else set()
    check("Makefile project: database generated with bear, finding in the user's file",
          code == 1 and files == {d / "main.c"}, f"exit {code} {files} {err[-300:]}")
    check("Makefile project: the user's tree is not modified", sorted(p.name for p in d.iterdir()) == before,
          sorted(p.name for p in d.iterdir()))
    # Neither a database nor a build system: say what to do.
    e = tmp / "plain"
    e.mkdir()
    (e / "a.c").write_text(GOOD_C)
    code, out, err = run(["scan", str(e), "--scratch", str(tmp / "plainscratch")])
    check("no database and no build system -> exit 2 saying what to run",
          code == 2 and "compile_commands.json" in err and "bear" in err, err)


def case_no_network(tmp: Path):
    if not shutil.which("strace"):
        check("strace available for the no-network check", False, "install strace")
        return
    d = tmp / "net"
    d.mkdir()
    (d / "a.c").write_text(GOOD_C)
    trace = tmp / "strace.txt"
    subprocess.run(["strace", "-f", "-qq", "-o", str(trace), "-e", "trace=socket,connect", MAMORI, "check",
                    str(d / "a.c")], capture_output=True, timeout=300)
    text = trace.read_text()
    bad = [l for l in text.splitlines() if "AF_INET" in l]
    check("mamori opens no network socket", not bad, bad[:3])


def main():
    global MAMORI
    MAMORI = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="mamori-robust-") as t:
        tmp = Path(t)
        for case in (case_missing_folder, case_invalid_json, case_bad_entries, case_huge_file, case_deep_nesting, case_later_round_fails,
                     case_legacy_c, case_models_typo, case_user_models, case_crash_and_hang, case_generation, case_no_network):
            try:
                case(tmp)
            except Exception as e:  # a broken case must fail, not vanish
                check(case.__name__, False, repr(e))
    print(f"robustness: {len(FAILURES)} failed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
