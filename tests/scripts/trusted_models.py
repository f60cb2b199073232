#!/usr/bin/env python3
"""models/trust-local-user.jsonc: a command-line tool's arguments and environment are its
user's own. The same program is scanned without and with the file: the paths and commands
taken from argv and getenv are reported without it and not with it, and what comes from
standard input is reported both times."""
import json
import os
import subprocess
import sys
import tempfile

mamori, models = sys.argv[1], sys.argv[2]
PROGRAM = r'''
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
    char line[256];
    if (argc < 2)
        return 1;
    FILE *f = fopen(argv[1], "r");
    const char *pager = getenv("PAGER");
    if (pager != NULL)
        system(pager);
    if (fgets(line, sizeof line, stdin) != NULL)
        system(line);
    if (f != NULL)
        fclose(f);
    return 0;
}
'''
with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "viewer.c")
    with open(src, "w") as fh:
        fh.write(PROGRAM)
    with open(os.path.join(tmp, "compile_commands.json"), "w") as fh:
        json.dump([{"directory": tmp, "file": src, "arguments": ["cc", "-c", "viewer.c"]}], fh)

    def lines(*extra):
        run = subprocess.run([mamori, "scan", tmp, "--format", "json", *extra], capture_output=True, text=True)
        if run.returncode not in (0, 1):
            sys.exit("FAIL: mamori exited %d: %s" % (run.returncode, run.stderr))
        return sorted((f["location"]["line"], f["cwe"]) for f in json.loads(run.stdout)["findings"])

    untrusted, trusted = lines(), lines("--models", models)
    want_untrusted = [(9, 22), (12, 78), (14, 78)]
    want_trusted = [(14, 78)]
    failures = []
    if untrusted != want_untrusted:
        failures.append("without the file: %s, expected %s" % (untrusted, want_untrusted))
    if trusted != want_trusted:
        failures.append("with the file: %s, expected %s" % (trusted, want_trusted))
    if failures:
        print("\n".join("FAIL: " + f for f in failures))
        sys.exit(1)
print("ok: argv and getenv trusted, standard input still reported")
