#!/bin/sh
# valgrind.sh - run test binaries under valgrind memcheck (make valgrind)
#
#   tests/fuzz/valgrind.sh build/tests/integration/test_a ...
#
# Fails on any memory error and on definitely or indirectly lost blocks;
# "still reachable" (libcurl's and SQLite's process-wide caches) is
# reported but allowed. The per-binary logs stay in build/valgrind/.
set -u
command -v valgrind >/dev/null || {
    echo "valgrind: not installed (apt-get install valgrind)" >&2
    exit 2
}
mkdir -p build/valgrind
passed=0
failed=0
for t in "$@"; do
    name=$(basename "$t")
    log="build/valgrind/$name.log"
    # Timeouts in the tests are wall-clock; valgrind is ~20x slower, so
    # the tests read this to stretch them.
    if DT_VALGRIND=1 valgrind --quiet --error-exitcode=99 \
        --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect --track-origins=yes \
        --log-file="$log" "$t" >"$log.out" 2>&1; then
        passed=$((passed + 1))
        printf '%-32s ok\n' "$name"
    else
        failed=$((failed + 1))
        printf '%-32s FAIL (see %s)\n' "$name" "$log"
        head -n 30 "$log"
    fi
done
echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
