#!/usr/bin/env python3
"""How many of the Juliet bad cases that mamori flags can `mamori confirm` prove dynamically,
and is a good function ever confirmed?

For the first N single-file cases of each CWE in the Juliet sample, one `mamori confirm` run
per CWE builds the cases with the sanitizers and synthesizes harnesses (--synthesize-harness)
for the functions on the findings' traces, plus one harness per case for its `..._good`
driver (--harness-function), which calls every good variant. Juliet's bad() and good() take
no parameters, so the harness feeds the fuzzer's input as standard input (the fgets/fscanf
variants read it; the connect_socket and listen_socket variants get it too, from the oracle
runtime's socket pair, since the sandbox has no network).

Scoring, per case: flagged = a finding of the case's CWE family inside a bad function;
confirmed = such a finding confirmed, or a finding found only dynamically inside a bad
function. Any confirmed finding inside a good function is counted against mamori.

    nice /usr/bin/python3 bench/confirm_juliet.py --per-cwe 6 --seconds-per-target 4
    nice /usr/bin/python3 bench/confirm_juliet.py --per-cwe 12 --spread   # spaced over the sample

The whole sample (1,393 cases, about 9 s each) takes longer than one sitting; with --results
it can be stopped and resumed, one `mamori confirm` run of --chunk cases at a time:

    nice /usr/bin/python3 bench/confirm_juliet.py --per-cwe 0 --chunk 15 --results .corpus/confirm-full.jsonl

Good drivers that the budget did not reach (named in mamori's note) are counted: a good
function that never ran proves nothing either way.
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

def run_chunk(args, root, support, cwe, rels):
    """One `mamori confirm` run over these cases of one CWE; its outcome as a JSON-able record."""
    files = [os.path.join(root, r) for r in rels]
    ranges = rb.juliet_bad_good_ranges(files)
    with tempfile.TemporaryDirectory(prefix="mamori-confirm-juliet-") as tmp:
        rb.write_juliet_database(tmp, root, files + [os.path.join(support, "io.c")], support)
        goods = []
        for f in files:
            goods += ["--harness-function", os.path.splitext(os.path.basename(f))[0] + "_good"]
        budget = args.seconds_per_target * 2 * len(files)
        cmd = [args.mamori, "confirm", "-p", tmp, "--work-dir", os.path.join(tmp, "work"), "--synthesize-harness",
               "--budget", "%ds" % budget, "-j", str(args.jobs), "--format", "json", "--input-timeout", "5"] + goods
        t0 = time.time()
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp, timeout=budget * 4 + 600)
        seconds = time.time() - t0
        if p.returncode not in (0, 1, 3):
            print("CWE-%d: mamori exited %d: %s" % (cwe, p.returncode, p.stderr[-400:]), file=sys.stderr)
            return None
        report = json.loads(p.stdout)
    # Targets the budget did not reach are named in a note; those of the good drivers matter,
    # since a good function that never ran cannot have been confirmed.
    skipped = []
    for d in report.get("diagnostics", []):
        head = "the fuzzing budget ran out before these targets: "
        if d["message"].startswith(head):
            skipped += d["message"][len(head):].rsplit(" (", 1)[0].split(", ")
    flagged, confirmed, good_confirmed = set(), set(), []
    for f in report["findings"]:
        path = os.path.realpath(f["location"]["file"])
        if path not in ranges:
            continue
        bad, good = ranges[path]
        line = f["location"]["line"]
        in_bad, in_good = rb.inside(line, bad), rb.inside(line, good)
        dynamic = f.get("proof", {}).get("dynamicOnly", False)
        family = rb.matches(cwe, {f["cwe"]})
        if in_bad and family and not dynamic:
            flagged.add(path)
        if f["status"] == "confirmed" and in_bad and (family or dynamic):
            confirmed.add(path)
        if f["status"] == "confirmed" and in_good:
            # A good variant is good for the CWE under test; Juliet's fixes sometimes
            # introduce another flaw on purpose (not freeing, to avoid a use after free).
            good_confirmed.append((family, "%s:%d CWE-%d %s" % (os.path.basename(path), line, f["cwe"],
                                                                 f["message"][:100])))
    states = []
    for f in files:
        path = os.path.realpath(f)
        states.append((os.path.basename(f),
                       ("confirmed" if path in confirmed else "unconfirmed") if path in flagged else "not flagged"))
    return {"cwe": cwe, "cases": rels, "seconds_per_target": args.seconds_per_target, "states": states,
            "confirmed_not_flagged": len(confirmed - flagged),
            "good_drivers_not_fuzzed": sum(1 for name in skipped if name.endswith("_good")), "good_confirmed": good_confirmed,
            "seconds": seconds}


def main():
    ap = argparse.ArgumentParser()
    rb.add_juliet_arguments(ap)
    ap.add_argument("--per-cwe", type=int, default=6)
    ap.add_argument("--seconds-per-target", type=int, default=4)
    ap.add_argument("--spread", action="store_true", help="evenly spaced cases instead of the first ones")
    ap.add_argument("--chunk", type=int, default=0,
                    help="at most this many cases per `mamori confirm` run (0: one run per CWE)")
    ap.add_argument("--results", default="",
                    help="append each run's outcome to this JSON-lines file, and reuse the runs already in it "
                         "(so a long run can be stopped and resumed)")
    args = ap.parse_args()
    root = os.path.abspath(args.juliet)
    support = os.path.join(root, "testcasesupport")
    by_cwe = rb.juliet_single_file_cases(args.sample, args.per_cwe, args.cwe, args.spread)

    done = {}
    if args.results and os.path.exists(args.results):
        with open(args.results) as fh:
            for line in fh:
                if line.strip():
                    rec = json.loads(line)
                    done[tuple(rec["cases"])] = rec
    records = []
    for cwe in sorted(by_cwe):
        cases = by_cwe[cwe]
        size = args.chunk or len(cases)
        for i in range(0, len(cases), size):
            chunk = cases[i:i + size]
            rec = done.get(tuple(chunk))
            if rec is not None and rec["seconds_per_target"] != args.seconds_per_target:
                rec = None
            if rec is None:
                rec = run_chunk(args, root, support, cwe, chunk)
                if rec is None:
                    continue
                if args.results:
                    with open(args.results, "a") as fh:
                        fh.write(json.dumps(rec) + "\n")
            records.append(rec)
            for name, state in rec["states"]:
                print("CASE CWE-%d %s %s" % (cwe, name, state), file=sys.stderr)
            for same, g in rec["good_confirmed"]:
                print("GOOD CONFIRMED (%s): %s" % ("tested CWE" if same else "other CWE", g), file=sys.stderr)
            print("CWE-%d: %d cases done in %.0f s" % (cwe, len(chunk), rec["seconds"]), file=sys.stderr)

    rows = collections.OrderedDict()
    for rec in records:
        row = rows.setdefault(rec["cwe"], [0] * 8)
        states = [state for _, state in rec["states"]]
        for k, v in enumerate((len(states), states.count("confirmed") + states.count("unconfirmed"),
                               states.count("confirmed"), rec["confirmed_not_flagged"],
                               sum(1 for same, _ in rec["good_confirmed"] if same),
                               sum(1 for same, _ in rec["good_confirmed"] if not same),
                               rec["good_drivers_not_fuzzed"], rec["seconds"])):
            row[k] += v
    print("| CWE | cases | flagged by the scan | of those confirmed | confirmed, not flagged | "
          "good functions confirmed (tested CWE) | (another CWE) | good drivers the budget missed | seconds |")
    print("|---|---|---|---|---|---|---|---|---|")
    tot = [0] * 8
    for cwe, row in rows.items():
        print("| %d | %d | %d | %d | %d | %d | %d | %d | %.0f |" % ((cwe,) + tuple(row)))
        tot = [a + b for a, b in zip(tot, row)]
    print("| all | %d | %d | %d | %d | %d | %d | %d | %.0f |" % tuple(tot))
    return 0


if __name__ == "__main__":
    sys.exit(main())
