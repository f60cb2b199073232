#!/usr/bin/env python3
"""How many of the Juliet bad cases that mamori flags get a patch from `mamori fix` that
compiles and removes the finding, and are good functions left untouched?

For the single-file cases of each CWE in the Juliet sample (the first N with --per-cwe), one
`mamori fix` run per CWE proposes and validates a patch for every finding. A flagged case
(a finding of the case's CWE family in a bad function) counts as patched when each such
finding has a validated patch: it compiles, and a rescan no longer reports it and reports
nothing new. A patch whose edits fall inside a good function counts against mamori.

    nice /usr/bin/python3 bench/fix_juliet.py --per-cwe 40
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_bench as rb  # noqa: E402

def main():
    ap = argparse.ArgumentParser()
    rb.add_juliet_arguments(ap)
    ap.add_argument("--per-cwe", type=int, default=0, help="first N single-file cases per CWE (0: all)")
    args = ap.parse_args()
    root = os.path.abspath(args.juliet)
    support = os.path.join(root, "testcasesupport")
    by_cwe = rb.juliet_single_file_cases(args.sample, args.per_cwe, args.cwe)

    rows = []
    strategies = collections.Counter()
    reasons = collections.Counter()
    started = time.time()
    for cwe in sorted(by_cwe):
        files = [os.path.join(root, r) for r in by_cwe[cwe]]
        ranges = rb.juliet_bad_good_ranges(files)
        with tempfile.TemporaryDirectory(prefix="mamori-fix-juliet-") as tmp:
            rb.write_juliet_database(tmp, root, files, support)
            cmd = [args.mamori, "fix", "-p", tmp, "--work-dir", os.path.join(tmp, "work"), "-j", str(args.jobs),
                   "--format", "json"]
            t0 = time.time()
            p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", cwd=tmp)
            seconds = time.time() - t0
            if p.returncode not in (0, 1, 3):
                print("CWE-%d: mamori exited %d: %s" % (cwe, p.returncode, p.stderr[-400:]), file=sys.stderr)
                continue
            report = json.loads(p.stdout)
        flagged, unpatched, good_touched = set(), set(), set()
        for f in report["findings"]:
            path = os.path.realpath(f["location"]["file"])
            if path not in ranges:
                continue
            bad, good = ranges[path]
            line = f["location"]["line"]
            fix = f.get("fix")
            if not (rb.inside(line, bad) and rb.matches(cwe, {f["cwe"]})):
                continue
            # A patch for a bad function's finding must leave the good functions alone.
            if fix:
                for e in fix["edits"]:
                    if rb.inside(e["begin"]["line"], good):
                        good_touched.add(path)
            flagged.add(path)
            if fix and fix["validated"]:
                strategies[fix["strategy"]] += 1
            else:
                unpatched.add(path)
                why = ("%s failed %s" % (fix["strategy"], fix.get("failedStage"))) if fix else f.get("noFix", "?")
                if fix and os.environ.get("MAMORI_BENCH_SHOW"):
                    print(f["location"]["file"], f["location"]["line"], [s for s in fix["stages"] if s["result"] == "failed"])
                reasons["CWE-%d: %s" % (cwe, why[:110])] += 1
        patched = flagged - unpatched
        rows.append((cwe, len(files), len(flagged), len(patched), len(good_touched), seconds))
        print("CWE-%d done in %.0f s" % (cwe, seconds), file=sys.stderr)

    print("| CWE | cases | flagged | patched (validated) | share | good functions touched | seconds |")
    print("|---|---|---|---|---|---|---|")
    tot = [0, 0, 0, 0]
    for cwe, n, fl, pa, gt, sec in rows:
        print("| %d | %d | %d | %d | %.2f | %d | %.0f |" % (cwe, n, fl, pa, pa / fl if fl else 0, gt, sec))
        for i, v in enumerate((n, fl, pa, gt)):
            tot[i] += v
    print("| all | %d | %d | %d | %.2f | %d | %.0f |" % (tot[0], tot[1], tot[2], tot[2] / tot[1] if tot[1] else 0, tot[3],
                                                        time.time() - started))
    print("\nValidated patches by strategy: " + ", ".join("%s %d" % kv for kv in strategies.most_common()))
    print("\nMost common reasons a flagged finding has no validated patch:")
    for why, n in reasons.most_common(15):
        print("  %4d  %s" % (n, why))
    return 0


if __name__ == "__main__":
    sys.exit(main())
