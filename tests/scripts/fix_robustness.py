#!/usr/bin/env python3
"""mamori fix --apply on bad ground: every case gets a clear error and changes nothing.

  1. a file with uncommitted changes (git) is refused; --force patches it;
  2. a read-only file is refused;
  3. a project with a file that does not compile is not patched at all.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

mamori = sys.argv[1]
fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "repair", "null_check.c")
failures = []


def project(tmp, name, extra=None):
    work = os.path.join(tmp, name)
    os.makedirs(work)
    shutil.copy(fixture, os.path.join(work, "rows.c"))
    files = ["rows.c"]
    if extra:
        with open(os.path.join(work, "broken.c"), "w") as f:
            f.write(extra)
        files.append("broken.c")
    with open(os.path.join(work, "compile_commands.json"), "w") as f:
        json.dump([{"directory": work, "file": os.path.join(work, n), "arguments": ["clang", "-c", n]} for n in files], f)
    return work


def fix(work, tmp, *flags):
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "cache"))
    return subprocess.run([mamori, "fix", work, "--apply", *flags], capture_output=True, text=True, errors="replace", env=env)


def check(cond, what):
    if not cond:
        failures.append(what)


with tempfile.TemporaryDirectory() as tmp:
    # 1. uncommitted changes
    work = project(tmp, "dirty")
    git = ["git", "-C", work, "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(git + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-qm", "init"], check=True)
    with open(os.path.join(work, "rows.c"), "a") as f:
        f.write("/* local edit */\n")
    before = open(os.path.join(work, "rows.c")).read()
    r = fix(work, tmp)
    check(r.returncode == 3, f"dirty: exit {r.returncode}, expected 3")
    check("uncommitted changes" in r.stderr and "rows.c" in r.stderr, "dirty: no clear error naming the file:\n" + r.stderr)
    check(open(os.path.join(work, "rows.c")).read() == before, "dirty: the file was changed")
    r = fix(work, tmp, "--force")
    check(r.returncode in (0, 1) and "1 applied" in r.stderr, "dirty --force: not applied:\n" + r.stderr)
    check("r == NULL" in open(os.path.join(work, "rows.c")).read(), "dirty --force: the patch is not in the file")

    # 2. read-only file
    work = project(tmp, "readonly")
    path = os.path.join(work, "rows.c")
    before = open(path).read()
    os.chmod(path, 0o444)
    r = fix(work, tmp)
    check(r.returncode == 3 and "cannot be written" in r.stderr, "readonly: no clear error:\n" + r.stderr)
    check(open(path).read() == before, "readonly: the file was changed")
    os.chmod(path, 0o644)

    # 3. a project that does not build
    work = project(tmp, "broken", extra="int broken(void) { return undefined_name; }\n")
    before = open(os.path.join(work, "rows.c")).read()
    r = fix(work, tmp)
    check(r.returncode == 3 and "nothing was patched" in r.stderr, "broken: no clear error:\n" + r.stderr)
    check("broken.c" in r.stdout + r.stderr, "broken: the failing file is not named")
    check(open(os.path.join(work, "rows.c")).read() == before, "broken: a file was changed")

if failures:
    print("\n".join("FAIL: " + f for f in failures))
    sys.exit(1)
print("ok: dirty, read-only and broken projects are left as they were")
