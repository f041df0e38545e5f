#!/bin/sh
# run.sh - run each test from the top of the tree, then one summary.
#
#   tests/run.sh TEST...        TEST_TIMEOUT=300 (seconds a test may take)
#
# Each test is a cmocka binary (its own report is shown and its counts
# added up) or any other executable (one case: passed when it exits 0).
# No test can hang the run: each gets TEST_TIMEOUT seconds, then its whole
# process group gets SIGTERM and, 5 s later, SIGKILL (coreutils timeout
# makes the test a group leader and signals the group), and it is
# reported failed by name; the run goes on to the next. Ends with
# "tests: N passed, N failed" (cases), after the binaries' line.
set -u
limit=${TEST_TIMEOUT:-300}
case "$limit" in
'' | *[!0-9]* | 0)
    echo "run.sh: TEST_TIMEOUT must be a whole number of seconds > 0" >&2
    exit 2
    ;;
esac
passed=0
failed=0
bins_failed=0
failed_names=""
out=$(mktemp)
why=$(mktemp)
trap 'rm -f "$out" "$why"' EXIT
for t in "$@"; do
    timeout --kill-after=5 "$limit" "$t" >"$out" 2>&1 </dev/null
    rc=$?
    cat "$out"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$out" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:/\1/p' "$out" | tail -n 1)
    if [ -z "$p$f" ]; then # not cmocka: the test is one case
        [ "$rc" -eq 0 ] && p=1 || f=1
    fi
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ "$rc" -ne 0 ]; then
        bins_failed=$((bins_failed + 1))
        failed_names="$failed_names $t"
        # 124: timeout's TERM ended it; 137: the KILL that followed.
        if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
            echo "run.sh: $t: TIMED OUT after $limit s (process group killed)"
        else
            echo "run.sh: $t: FAILED (exit $rc)"
        fi
        # What failed, again at the end: a CI log is often read from its
        # tail, far below a long binary's output.
        grep -E '^\[  FAILED  \] [a-z_0-9]+$|^\[  ERROR   \]|: error: |Failure!|ERROR: AddressSanitizer|runtime error:|^log gate: [^0-9]|^  (FAIL|not ok) ' "$out" |
            awk '!seen[$0]++' | head -n 12 | sed "s|^|    $t: |" >>"$why"
        # A binary that crashed or hung before cmocka's summary still counts.
        [ -z "$f" ] && failed=$((failed + 1))
    fi
done
echo
if [ -n "$failed_names" ]; then
    echo "failed test binaries:$failed_names"
    [ -s "$why" ] && echo "what failed:" && cat "$why"
fi
echo "test binaries: $(($# - bins_failed)) of $# passed"
echo "tests: $passed passed, $failed failed"
[ "$bins_failed" -eq 0 ]
