#!/bin/sh
# Regression tests for mini-httpd: each tests/NNN-name.http is sent in stdin mode and the
# response's status must be NNN.
#
#   tests/requests.sh PATH/TO/mini-httpd SOURCE_DIR
set -u
bin=$1
src=$2
failed=0
for req in "$src"/tests/*.http; do
    want=$(basename "$req" | cut -d- -f1)
    got=$("$bin" -i -r "$src/www" < "$req" | head -n 1 | cut -d' ' -f2)
    if [ "$got" = "$want" ]; then
        echo "ok   $(basename "$req")"
    else
        echo "FAIL $(basename "$req"): status '$got', expected $want"
        failed=1
    fi
done
exit $failed
