#!/bin/sh
# run.sh - run each libFuzzer target for SECONDS from its seed corpus.
#
#   tests/fuzz/run.sh SECONDS build-fuzz/fuzz_a build-fuzz/fuzz_b ...
#
# Seeds: tests/fuzz/corpus/<target>/ (committed, read only). New inputs go
# to build-fuzz/corpus/<target>/, crashes to build-fuzz/crash/<target>-*.
# A dictionary tests/fuzz/<target>.dict is used when present. Prints one
# line a target (executions, rate, coverage) and a closing count; exits
# non-zero when any target found a crash, leak, timeout or broken
# invariant.
set -u
secs=$1
shift
passed=0
failed=0
failed_names=""
mkdir -p build-fuzz/crash
for bin in "$@"; do
    case "$bin" in *.log) continue ;; esac
    name=$(basename "$bin")
    seeds="tests/fuzz/corpus/$name"
    work="build-fuzz/corpus/$name"
    log="build-fuzz/$name.log"
    mkdir -p "$work" "$seeds"
    dict=""
    [ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="build-fuzz/crash/$name-" \
        $dict "$work" "$seeds" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    if [ "$rc" -eq 0 ]; then
        passed=$((passed + 1))
        printf '%-24s ok    %12s execs %8s/s  cov %s\n' "$name" \
            "${execs:-?}" "${rate:-?}" "${cov:-?}"
    else
        failed=$((failed + 1))
        failed_names="$failed_names $name"
        printf '%-24s FAIL  (exit %s, see %s)\n' "$name" "$rc" "$log"
        grep -E 'ERROR|invariant failed|SUMMARY' "$log" | head -n 5
    fi
done
echo
[ -n "$failed_names" ] && echo "failed fuzz targets:$failed_names"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
