#!/bin/sh
# run.sh - run each test binary from the top of the tree, then one summary.
# Each binary prints cmocka's own report; this adds the total line.
set -u
passed=0
failed=0
failed_names=""
for t in "$@"; do
    if "$t"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failed_names="$failed_names $t"
    fi
done
echo
[ -n "$failed_names" ] && echo "failed test binaries:$failed_names"
echo "test binaries: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
