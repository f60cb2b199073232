#!/usr/bin/env python3
"""How many of the checker fixtures' findings `mamori fix` repairs with a validated patch.

Each checker folder under tests/fixtures/ holds realistic bad files (NAME.c, NAME.cpp) next to
their fixed twins. This runs `mamori fix` once per folder over the bad files, one translation
unit per file with the fixture's own `// flags:` line, and prints per checker how many findings
got a patch, how many of those passed every stage that ran, and why the others did not.

    python3 bench/fix_fixtures.py [--mamori build/mamori]
"""
import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FLAGS = re.compile(r"^\s*//\s*flags:\s*(.*)$")

ap = argparse.ArgumentParser()
ap.add_argument("--mamori", default=os.path.join(ROOT, "build", "mamori"))
args = ap.parse_args()

rows, reasons = [], collections.Counter()
fixtures = os.path.join(ROOT, "tests", "fixtures")
for checker in sorted(os.listdir(fixtures)):
    folder = os.path.join(fixtures, checker)
    bad = sorted(f for f in os.listdir(folder) if f.endswith((".c", ".cpp")) and ".fixed." not in f)
    if not bad:
        continue
    with tempfile.TemporaryDirectory() as tmp:
        entries = []
        for name in bad:
            shutil.copy(os.path.join(folder, name), tmp)
            first = open(os.path.join(folder, name), errors="replace").readline()
            m = FLAGS.match(first)
            cpp = name.endswith(".cpp")
            entries.append({"directory": tmp, "file": os.path.join(tmp, name),
                            "arguments": ["clang++" if cpp else "clang", *(m.group(1).split() if m else []), "-c", name]})
        json.dump(entries, open(os.path.join(tmp, "compile_commands.json"), "w"))
        out = os.path.join(tmp, "fix.json")
        started = time.monotonic()
        subprocess.run([args.mamori, "fix", tmp, "--format", "json", "-o", out], capture_output=True,
                       env=dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "cache")))
        seconds = time.monotonic() - started
        findings = json.load(open(out))["findings"] if os.path.exists(out) else []
    patched = sum(1 for f in findings if f.get("fix"))
    validated = sum(1 for f in findings if f.get("fix", {}).get("validated"))
    for f in findings:
        fix = f.get("fix")
        if not fix:
            reasons[f"CWE-{f['cwe']}: no patch: {f.get('noFix', '?')}"] += 1
        elif not fix.get("validated"):
            reasons[f"CWE-{f['cwe']}: failed {fix.get('failedStage')}"] += 1
    rows.append((checker, len(bad), len(findings), patched, validated, seconds))

print("| checker | files | findings | patched | validated | share | seconds |")
print("|---|---|---|---|---|---|---|")
for checker, files, n, p, v, s in rows:
    print(f"| {checker} | {files} | {n} | {p} | {v} | {v / n if n else 0:.2f} | {s:.0f} |")
tn, tp, tv = (sum(r[i] for r in rows) for i in (2, 3, 4))
print(f"| all | {sum(r[1] for r in rows)} | {tn} | {tp} | {tv} | {tv / tn if tn else 0:.2f} | {sum(r[5] for r in rows):.0f} |")
if reasons:
    print("\nFindings without a validated patch:")
    for reason, count in reasons.most_common():
        print(f"  {count} x {reason[:200]}")
