#!/usr/bin/env python3
"""Runs the path check that `mamori fix` adds for CWE-22 against real files and links.

The helper is taken from the repair fixture's expected output (what mamori writes), built with
ASan + UBSan, and asked about paths inside and outside a root: existing files, files still to
be created, `..`, a symbolic link that leaves the root, a sibling folder whose name starts
like the root's, and relative paths judged against the working directory.
"""
import os
import re
import subprocess
import sys
import tempfile

expected = sys.argv[1]
text = open(expected, encoding="utf-8").read()
m = re.search(r"/\* Added by mamori fix.*?\n}\n", text, re.S)
if not m:
    sys.exit(f"FAIL: no helper in {expected}")

with tempfile.TemporaryDirectory() as tmp:
    root = os.path.join(tmp, "root")
    os.makedirs(os.path.join(root, "sub"))
    os.makedirs(os.path.join(tmp, "rootx"))
    open(os.path.join(root, "a.txt"), "w").close()
    open(os.path.join(tmp, "secret"), "w").close()
    os.symlink(os.path.join(tmp, "secret"), os.path.join(root, "link"))
    os.symlink(os.path.join(root, "a.txt"), os.path.join(root, "inner-link"))
    # (path, working directory, expected answer)
    cases = [
        (f"{root}/a.txt", tmp, 1),
        (f"{root}/new.txt", tmp, 1),
        (f"{root}/sub/new.txt", tmp, 1),
        (f"{root}/./a.txt", tmp, 1),
        (f"{root}/inner-link", tmp, 1),
        (root, tmp, 1),
        (f"{root}/../secret", tmp, 0),
        (f"{root}/..", tmp, 0),
        (f"{root}/link", tmp, 0),
        (f"{tmp}/rootx/new", tmp, 0),
        (f"{root}/missing/new.txt", tmp, 0),
        ("/etc/passwd", tmp, 0),
        ("a.txt|.", root, 1),
        ("new.txt|.", root, 1),
        ("../secret|.", root, 0),
        ("sub/../../secret|.", root, 0),
    ]
    driver = ["#include <stdio.h>", "#include <stdlib.h>", "#include <string.h>", "#include <unistd.h>", m.group(0),
              "int main(int argc, char **argv)", "{",
              "    if (chdir(argv[1]) != 0) return 2;",
              "    printf(\"%d\\n\", mamori_path_within(argv[2], argv[3]));",
              "    return 0;", "}"]
    source = os.path.join(tmp, "driver.c")
    open(source, "w").write("\n".join(driver) + "\n")
    binary = os.path.join(tmp, "driver")
    build = subprocess.run(["clang-19", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all", source, "-o", binary],
                           capture_output=True, text=True)
    if build.returncode != 0:
        sys.exit("FAIL: the helper does not build:\n" + build.stderr)
    failures = []
    for path, cwd, want in cases:
        path, _, rootArg = path.partition("|")
        run = subprocess.run([binary, cwd, path, rootArg or root], capture_output=True, text=True)
        got = run.stdout.strip()
        if run.returncode != 0 or got != str(want):
            failures.append(f"{path} (root {rootArg or root}, in {cwd}): expected {want}, got {got!r} {run.stderr[-300:]}")
    for f in failures:
        print("FAIL:", f)
    if failures:
        sys.exit(1)
    print(f"ok: {len(cases)} paths judged as expected")
