#!/bin/bash
# ab.sh - inbound SMS throughput of two builds, alternated
#
#   bench/ab.sh DIR_A DIR_B [ROUNDS]
#
# DIR_A and DIR_B are checkouts where `bench/run.sh` ran once (their
# build/diemtua, build/bench/stubagg and build/bench/data/big.db are
# used). Each round serves a fresh copy of each database in turn and
# drives it with wrk as bench/run.sh does (16 and 64 connections,
# BENCH_SECONDS each; AB_CONNS="64" for one count); alternating rounds puts both under the same
# machine noise. Prints every run, the server's CPU time per request
# (clock ticks of 10 ms x 10000 / requests: us), and the medians of B/A.
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh
A=$1 B=$2 ROUNDS=${3:-3}
SECS=${BENCH_SECONDS:-5}
OUT=build/bench/ab
trap dt_cleanup EXIT INT TERM
mkdir -p "$OUT"

run_one() { # DIR CONNS -> req/s
    local dir=$1 c=$2 port stub line req dur db
    rm -f "$OUT"/dt-*.db*
    db="$OUT/dt-$RANDOM.db"
    cp "$dir/build/bench/data/big.db" "$db"
    port=$(dt_port)
    : >"$OUT/stub.out"
    "$dir/build/bench/stubagg" 0 >"$OUT/stub.out" &
    stub=$!
    DT_PIDS="$DT_PIDS $stub"
    dt_wait_file "$OUT/stub.out" 50 2>/dev/null || sleep 1
    dt_conf "$OUT/dt.conf" "$port" "$db" \
        "http://127.0.0.1:$(head -n 1 "$OUT/stub.out")" 50
    # each build with its own message texts (and phrases, if it has them)
    sed -i "s|^templates = .*|templates = $dir/config/messages.conf|" "$OUT/dt.conf"
    [ -f "$dir/config/phrases.conf" ] &&
        sed -i "s|^templates = .*|&\nphrases = $dir/config/phrases.conf|" "$OUT/dt.conf"
    if ! dt_serve "$dir/build/diemtua" "$OUT/dt.conf" "$OUT/serve.log"; then
        dt_stop "$stub" >/dev/null 2>&1
        echo 0
        return
    fi
    line=$(TOKEN=$DT_TOKEN PHONES="$dir/build/bench/data/phones.txt" \
        PREFIX="ab$RANDOM" SMSPATH=/v1/kannel/sms \
        timeout $((SECS + 60)) wrk -t1 -c"$c" -d"${SECS}s" --timeout 5s \
        -s bench/sms.lua "http://127.0.0.1:$port" </dev/null |
        sed -n 's/^WRK //p')
    read -r req dur _ <<<"$line"
    # the server's CPU (user + system) per request, less noisy than a rate
    ticks=$(awk '{print $14 + $15}' "/proc/$DT_PID/stat" 2>/dev/null)
    echo "$(( ${ticks:-0} * 10000 / (${req:-0} + 1) ))" >"$OUT/cpu"
    dt_stop "$DT_PID" >/dev/null 2>&1
    dt_stop "$stub" >/dev/null 2>&1
    echo $(( ${req:-0} * 1000000 / ${dur:-1} ))
}

for c in ${AB_CONNS:-16 64}; do
    ratios=""
    cpus=""
    for r in $(seq "$ROUNDS"); do
        a=$(run_one "$A" "$c")
        ca=$(cat "$OUT/cpu")
        b=$(run_one "$B" "$c")
        cb=$(cat "$OUT/cpu")
        ratio=$(echo "scale=3; ${b:-0} / (${a:-0} + 0.001)" | bc)
        ratios="$ratios $ratio"
        cpus="$cpus $(echo "scale=3; ${cb:-0} / (${ca:-0} + 0.001)" | bc)"
        printf '  %2d connections, round %d: A %6d req/s %4d us CPU/req, B %6d req/s %4d us CPU/req, B/A %s\n' \
            "$c" "$r" "$a" "$ca" "$b" "$cb" "$ratio"
    done
    med=$(printf '%s\n' $ratios | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
    cmed=$(printf '%s\n' $cpus | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
    printf '  %2d connections: median B/A %s (rate), %s (CPU per request) over %d rounds\n' \
        "$c" "$med" "$cmed" "$ROUNDS"
done
