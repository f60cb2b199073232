#!/usr/bin/env python3
"""Validates mamori's SARIF against the SARIF 2.1.0 JSON schema, and checks what GitHub
code scanning relies on: CWE tags and security-severity on rules, codeFlows on results,
and partialFingerprints that stay the same from one run to the next.

The schema comes from the npm registry (package @microsoft/jest-sarif ships the OASIS
sarif-2.1.0 schema); it is fetched once into the build folder.
"""
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import jsonschema

SCHEMA_PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"
SCHEMA_MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"


def schema(cache: Path):
    target = cache / "sarif-2.1.0-rtm.5.json"
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        out = subprocess.run(["npm", "pack", SCHEMA_PACKAGE, "--silent"], cwd=cache, capture_output=True,
                             text=True, check=True).stdout.strip().splitlines()[-1]
        with tarfile.open(cache / out) as tar:
            target.write_bytes(tar.extractfile(SCHEMA_MEMBER).read())
    return json.loads(target.read_text())


def sarif(mamori, files):
    p = subprocess.run([mamori, "check", *files, "--format", "sarif", "--", "-std=c11"], capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 1, f"expected findings (exit 1), got {p.returncode}: {p.stderr}"
    return json.loads(p.stdout)


def main():
    mamori, fixtures, cache = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    files = sorted(str(f) for f in fixtures.glob("*/*.c") if ".fixed." not in f.name)
    doc = sarif(mamori, files)
    jsonschema.Draft7Validator(schema(cache)).validate(doc)
    print("ok    SARIF validates against the SARIF 2.1.0 schema")

    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert rules, "no rules"
    for r in rules:
        tags = r["properties"]["tags"]
        assert any(t.startswith("external/cwe/cwe-") for t in tags), r["id"]
        assert 0.0 <= float(r["properties"]["security-severity"]) <= 10.0, r["id"]
    print(f"ok    {len(rules)} rules carry CWE tags and security-severity")
    assert any(t["name"] == "CWE" for t in run["taxonomies"])
    results = run["results"]
    assert results, "no results"
    for res in results:
        assert res["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
        flow = res["codeFlows"][0]["threadFlows"][0]["locations"]
        assert len(flow) >= 1, "every result has a code flow"
        if res["ruleId"].startswith("mamori.taint."):
            assert len(flow) >= 2, "a taint trace has at least a source and a sink"
        assert res["partialFingerprints"]["mamori/v1"]
        assert res["properties"]["status"] == "suspected"
    print(f"ok    {len(results)} results have locations, codeFlows and fingerprints")

    again = sarif(mamori, files)
    first = sorted(r["partialFingerprints"]["mamori/v1"] for r in results)
    second = sorted(r["partialFingerprints"]["mamori/v1"] for r in again["runs"][0]["results"])
    assert first == second, "fingerprints changed between two runs"
    assert len(set(first)) == len(first), "two findings share a fingerprint"
    print("ok    partialFingerprints are stable across runs and unique")
    return 0


if __name__ == "__main__":
    sys.exit(main())
