#!/bin/sh
# test_run_sh.sh - the test runner's own time limit (tests/run.sh)
#
# A test that hangs (and leaves a child hanging with it) must be reported
# failed by name within TEST_TIMEOUT plus the 5 s grace, its whole
# process group must be gone, and the run must go on to the next test,
# whose cases are still counted. Also: a failing non-cmocka test counts
# as one failed case, and a bad TEST_TIMEOUT is refused.
set -u
cd "$(dirname "$0")/../.."
dir=$(mktemp -d /tmp/dt-runner.XXXXXX)
fails=0
child=""
cleanup() {
    [ -n "$child" ] && kill -9 "$child" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM
check() { # NAME RESULT(0/1)
    if [ "$2" -eq 0 ]; then
        echo "  ok    $1"
    else
        echo "  FAIL  $1"
        fails=$((fails + 1))
    fi
}

# hangs: a child that sleeps (its pid written down), then waits forever.
cat >"$dir/hangs" <<SH
#!/bin/sh
sleep 1000 &
echo \$! >"$dir/child.pid"
while :; do sleep 1; done
SH
cat >"$dir/passes" <<'SH'
#!/bin/sh
echo "[  PASSED  ] 3 test(s)."
SH
cat >"$dir/fails" <<'SH'
#!/bin/sh
echo "something broke"
exit 1
SH
# cmocka's form of a failed case, with many lines after it.
cat >"$dir/cases" <<'SH'
#!/bin/sh
echo "[ RUN      ] test_late"
echo "[  ERROR   ] --- 0x3 != 0x2"
echo "[   LINE   ] --- tests/x.c:12: error: Failure!"
echo "[  FAILED  ] test_late"
i=0
while [ $i -lt 50 ]; do echo "noise $i"; i=$((i + 1)); done
echo "[  PASSED  ] 1 test(s)."
echo "[  FAILED  ] 1 test(s), listed below:"
echo "[  FAILED  ] test_late"
exit 1
SH
chmod +x "$dir/hangs" "$dir/passes" "$dir/fails" "$dir/cases"

t0=$(date +%s)
TEST_TIMEOUT=2 timeout 60 tests/run.sh "$dir/hangs" "$dir/passes" \
    "$dir/fails" >"$dir/out" 2>&1 </dev/null
rc=$?
el=$(($(date +%s) - t0))
child=$(cat "$dir/child.pid" 2>/dev/null)
sed 's/^/    | /' "$dir/out"

[ "$rc" -ne 0 ]
check "a run with a hung test fails (exit $rc)" $?
[ "$el" -le 15 ]
check "it ends within the limit and the grace ($el s, limit 2 s + 5 s)" $?
grep -q "^run.sh: $dir/hangs: TIMED OUT after 2 s" "$dir/out"
check "the hung test is named as timed out" $?
grep -q "^failed test binaries: $dir/hangs $dir/fails\$" "$dir/out"
check "the summary names both failed tests" $?
grep -q '^tests: 3 passed, 2 failed$' "$dir/out"
check "the next tests ran and were counted (3 passed, 2 failed)" $?
# The signal is sent; give the kernel a moment to end it (at most 2 s).
gone() { [ -n "$child" ] && ! kill -0 "$child" 2>/dev/null; }
i=0
while ! gone && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
gone
check "the hung test's child was killed with its group (pid ${child:-none})" $?

TEST_TIMEOUT=abc tests/run.sh "$dir/passes" >"$dir/out2" 2>&1 </dev/null
[ $? -eq 2 ] && grep -q 'TEST_TIMEOUT must be' "$dir/out2"
check "a bad TEST_TIMEOUT is refused" $?

tests/run.sh "$dir/passes" "$dir/cases" >"$dir/out3" 2>&1 </dev/null
tail -n 6 "$dir/out3" | grep -q "^    $dir/cases: \[  FAILED  \] test_late\$" &&
    tail -n 6 "$dir/out3" | grep -q "^    $dir/cases: .*x.c:12: error: Failure!" &&
    [ "$(grep -c 'cases: \[  FAILED  \] test_late' "$dir/out3")" -eq 1 ]
check "the last lines name the failed case and its line, once" $?

echo "test_run_sh: $((8 - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
