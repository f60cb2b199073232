#!/bin/sh
# gauge's test suite: every tests/*.txt is one recorder log, fed on standard input.
status=0
for t in tests/*.txt; do
  if ./gauge < "$t" > /dev/null; then echo "PASS $t"; else echo "FAIL $t"; status=1; fi
done
exit $status
