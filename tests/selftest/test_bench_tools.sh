#!/bin/sh
# test_bench_tools.sh - make bench cannot print zeros for a missing tool:
# bench/run.sh stops at once, before building or measuring anything and
# before touching the last results, naming the apt-get line to run.
set -u
cd "$(dirname "$0")/../.."
dir=$(mktemp -d /tmp/dt-benchtools.XXXXXX)
trap 'rm -rf "$dir"' EXIT INT TERM
fails=0
n=0
case_() { # NAME WANT_PACKAGE ENV...
    name=$1 pkg=$2
    shift 2
    n=$((n + 1))
    t0=$(date +%s)
    env "$@" timeout 60 bench/run.sh >"$dir/out" 2>&1 </dev/null
    rc=$?
    el=$(($(date +%s) - t0))
    if [ "$rc" -eq 1 ] && [ "$el" -le 10 ] &&
        grep -q "^  apt-get install -y .*$pkg" "$dir/out" &&
        ! grep -q 'req/s' "$dir/out"; then
        echo "  ok    $name: exit $rc in $el s, names $pkg"
    else
        echo "  FAIL  $name: exit $rc in $el s"
        sed 's/^/    | /' "$dir/out"
        fails=$((fails + 1))
    fi
}
case_ "wrk missing" wrk WRK=/nonexistent/wrk
case_ "Kannel missing" kannel KANNEL_BIN=/nonexistent
case_ "fakesmsc missing" kannel-extras FAKESMSC=/nonexistent/fakesmsc
echo "test_bench_tools: $((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
