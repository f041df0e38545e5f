#!/bin/sh
# all.sh - every fault test, each under a hard time limit (make fault)
#
#   tests/fault/all.sh [SCRIPT...]     FAULT_TIMEOUT=900 seconds a script
#   FT_QUICK=1 tests/fault/all.sh      CI's shorter counts (make fault-ci)
#
# A script that overstays is stopped with its whole process group (the
# server, the stub and the load generators it started) and counted as
# failed by name. Ends with one line: scripts passed, failed, total time.
set -u
cd "$(dirname "$0")/../.."
limit=${FAULT_TIMEOUT:-900}
[ $# -gt 0 ] || set -- $(ls tests/fault/*.sh | grep -v -e '/common\.sh$' -e '/all\.sh$')
t0=$(date +%s)
failed=""
for t in "$@"; do
    s0=$(date +%s)
    timeout --kill-after=10 "$limit" "$t" </dev/null
    rc=$?
    el=$(($(date +%s) - s0))
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        echo "fault: $t: TIMED OUT after $limit s (process group killed)"
        failed="$failed $t"
    elif [ $rc -ne 0 ]; then
        echo "fault: $t: FAILED (exit $rc, $el s)"
        failed="$failed $t"
    else
        echo "fault: $t: passed in $el s"
    fi
    echo
done
n=$#
nf=$(echo $failed | wc -w)
[ -n "$failed" ] && echo "fault: failed:$failed"
echo "fault: $((n - nf)) of $n scripts passed in $(($(date +%s) - t0)) s${FT_QUICK:+ (quick counts)}"
[ -z "$failed" ]
