#!/bin/sh
# run.sh - run each test binary from the top of the tree, then one summary.
# Each binary prints cmocka's own report; this adds up their counts and
# ends with "tests: N passed, N failed" (cases), after the binaries' line.
set -u
passed=0
failed=0
bins_failed=0
failed_names=""
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for t in "$@"; do
    if "$t" >"$out" 2>&1; then rc=0; else rc=1; fi
    cat "$out"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$out" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:/\1/p' "$out" | tail -n 1)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ "$rc" -ne 0 ]; then
        bins_failed=$((bins_failed + 1))
        failed_names="$failed_names $t"
        # A binary that crashed before cmocka's summary still counts.
        [ -z "$f" ] && failed=$((failed + 1))
    fi
done
echo
[ -n "$failed_names" ] && echo "failed test binaries:$failed_names"
echo "test binaries: $(($# - bins_failed)) of $# passed"
echo "tests: $passed passed, $failed failed"
[ "$bins_failed" -eq 0 ]
