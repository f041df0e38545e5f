#!/bin/bash
# run.sh - the benchmark of SPEC section 9, in one run (make bench)
#
#   bench/run.sh                 1M members, 10 s load phases
#   BENCH_MEMBERS=100000 BENCH_SECONDS=5 bench/run.sh     quicker
#   BENCH_CONNS="16 64"          wrk connections, one run each (default)
#   DIEMTUA=path/to/diemtua bench/run.sh                  another binary
#
# Builds the release binary and the bench tools, then measures on this
# machine, loopback only, load generator on the same 2 cores:
#   1. data set: generate and import MEMBERS members, 2x loans (timed)
#   2. balance query latency at that size (handle_sms "SD", p50/p99)
#   3. reminder pass time (when `diemtua remind` exists)
#   4. inbound SMS end to end (wrk, Kannel get-url shape, unique ids,
#      imported member numbers): rate, p50/p99, errors; every 2xx checked
#      against the database; resident memory of the server
#   5. the same load on the bare libmicrohttpd + one-commit-per-request
#      baseline, synchronous=NORMAL and FULL, and the ratio
#   6. USSD hop p99 at 200 requests/s (when the endpoint exists)
#   7. outbox drain rate to a stub aggregator at an unlimited send rate,
#      then the most sends in any 1 s window at a configured rate
#   8. Kannel's own MO-to-reply loop, the peer
# Whole run well under 10 minutes. Figures go to stdout and, as
# "KEY value" lines, to build/bench/results.txt.
#
# Nothing here can report a zero and succeed: a missing tool stops the
# run at once with the apt-get line that installs it, and a phase that
# measured nothing (no requests, no replies, a server that did not come
# up) is named in a FAILED line at the end and makes the run exit 1.
# Every wait is bounded (bench/lib.sh); so is each wrk run.
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh

MEMBERS=${BENCH_MEMBERS:-1000000}
SECS=${BENCH_SECONDS:-10}
CONNS_LIST=${BENCH_CONNS:-16 64}
OUT=build/bench
DATA=$OUT/data
RES=$OUT/results.txt
trap dt_cleanup EXIT INT TERM

say() { printf '%s\n' "$*"; }
res() { echo "$*" >>"$RES"; }
FAILS=""
# fail PHASE WHY: the phase measured nothing; the run will exit 1.
fail() {
    say "  FAILED: $1: $2"
    FAILS="$FAILS
  $1: $2"
}
# positive VALUE: a whole number above zero.
positive() {
    case "${1:-}" in '' | *[!0-9]*) return 1 ;; esac
    [ "$1" -gt 0 ]
}

# ---- tools: all there, or stop now with the line that installs them ----
WRK=${WRK:-wrk}
KANNEL_BIN=${KANNEL_BIN:-/usr/sbin}
FAKESMSC=${FAKESMSC:-/usr/lib/kannel/test/fakesmsc}
missing=""
for tool in "$WRK:wrk" "bc:bc" "sqlite3:sqlite3" "curl:curl" "ss:iproute2" \
    "cc:build-essential" "pkg-config:pkg-config" \
    "$KANNEL_BIN/bearerbox:kannel" "$KANNEL_BIN/smsbox:kannel"; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing="$missing ${tool##*:}"
done
[ -x "$FAKESMSC" ] || missing="$missing kannel-extras"
if [ -n "$missing" ]; then
    missing=$(echo $missing | tr ' ' '\n' | sort -u | tr '\n' ' ')
    echo "bench: missing tools; install them with:" >&2
    echo "  apt-get install -y ${missing% }" >&2
    echo "(make bench runs scripts/install-deps.sh --bench, which does it as root)" >&2
    exit 1
fi
mkdir -p "$OUT" "$DATA"
: >"$RES"

# ---- build ----
if [ -z "${DIEMTUA:-}" ]; then
    make -s -j2 build/diemtua build/libdiemtua.a || exit 1
    DIEMTUA=build/diemtua
fi
BCFLAGS="-O2 -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -Wall"
MHD="$(pkg-config --cflags --libs libmicrohttpd) -lpthread"
cc $BCFLAGS -o $OUT/baseline bench/baseline.c $MHD \
    $(pkg-config --cflags --libs sqlite3) || exit 1
cc $BCFLAGS -o $OUT/stubagg bench/stubagg.c $MHD || exit 1
cc $BCFLAGS -o $OUT/gen bench/gen.c || exit 1
cc $BCFLAGS -o $OUT/loadgen bench/loadgen.c \
    $(pkg-config --cflags --libs libcurl) || exit 1
LIBDT=$(dirname "$DIEMTUA")/libdiemtua.a
cc $BCFLAGS -I. -o $OUT/balance bench/balance.c "$LIBDT" \
    $(pkg-config --libs libmicrohttpd libcurl sqlite3 libsodium libutf8proc \
        libcrypto jansson) -lpthread || exit 1
say "diemtua benchmark: $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
say "binary: $DIEMTUA ($(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
say

# ---- 1. data set ----
say "== data set: $MEMBERS members, $((2 * MEMBERS)) loans"
./$OUT/gen "$DATA" "$MEMBERS" >/dev/null || exit 1
rm -f "$DATA"/big.db*
t_total=0
for kind in communes groups members loans savings; do
    t0=$(date +%s.%N)
    timeout 900 "$DIEMTUA" import --db "$DATA/big.db" "$kind" "$DATA/$kind.csv" \
        >/dev/null 2>"$OUT/import.err" || { cat "$OUT/import.err"; exit 1; }
    t1=$(date +%s.%N)
    t=$(echo "$t1 - $t0" | bc)
    t_total=$(echo "$t_total + $t" | bc)
    rows=$(($(wc -l <"$DATA/$kind.csv") - 1))
    printf '  import %-9s %9d rows %7.2f s\n' "$kind" "$rows" "$t"
done
printf '  import total %.1f s, database %d MB\n' "$t_total" \
    $(($(stat -c %s "$DATA/big.db") / 1048576))
res "import_seconds $t_total"

# ---- 2. balance query ----
say "== balance query (handle_sms SD at full size)"
read -r _ n p50 p99 max rss < <(timeout 600 ./$OUT/balance "$DATA/big.db" \
    "$DATA/phones.txt" 20000 | grep '^BALANCE ')
say "  ${n:-0} queries: p50 ${p50:-?} us, p99 ${p99:-?} us, max ${max:-?} us (target < 1 ms)"
positive "${n:-}" || fail "balance query" "no query answered"
res "balance_p50_us $p50"
res "balance_p99_us $p99"

# ---- 3. reminder pass ----
say "== reminder pass"
if "$DIEMTUA" remind --help >/dev/null 2>&1; then
    # A real pass (it queues) on a copy, at 08:00 local on a fixed day:
    # reminders for the communes whose session is 3 days on, the leaders'
    # notes, overdue notices and, first pass of the month, every member's
    # monthly statement.
    cp "$DATA/big.db" "$OUT/remind.db"
    rm -f "$OUT"/remind.db-*
    t0=$(date +%s.%N)
    timeout 600 "$DIEMTUA" remind --db "$OUT/remind.db" --at "2026-12-07 08:00" \
        >"$OUT/remind.out" 2>"$OUT/remind.err"
    rc=$?
    t1=$(date +%s.%N)
    t=$(echo "$t1 - $t0" | bc)
    say "  full pass: $t s, exit $rc (target < 60 s); queued: $(grep ' queued: ' "$OUT/remind.out" | tr -s ' ' | tr '\n' ';' | sed 's/;$//')"
    [ "$rc" -eq 0 ] || fail "reminder pass" "diemtua remind exited $rc (see $OUT/remind.err)"
    res "remind_seconds $t"
    rm -f "$OUT"/remind.db*
else
    fail "reminder pass" "no 'diemtua remind' in this build"
    res "remind_seconds n/a"
fi

# ---- 4. inbound SMS end to end ----
wrk_run() { # URL PREFIX PATH CONNS -> "requests duration_us p50 p99 p999 non2xx sockerr"
    TOKEN=$DT_TOKEN PHONES="$DATA/phones.txt" PREFIX=$2 SMSPATH=$3 \
        timeout $((SECS + 60)) "$WRK" -t1 -c"$4" -d"${SECS}s" --timeout 5s \
        -s bench/sms.lua "$1" </dev/null | sed -n 's/^WRK //p'
}
report_wrk() { # label line; a run with no 2xx is a failed phase
    read -r req dur p50 p99 p999 non2 sockerr <<<"$2"
    if ! positive "${req:-}" || ! positive "${dur:-}" ||
        [ "$((req - ${non2:-0}))" -le 0 ]; then
        fail "$1" "wrk measured nothing (requests ${req:-none}, non-2xx ${non2:-?})"
        rate=0
        return 1
    fi
    rate=$(echo "$req * 1000000 / $dur" | bc)
    printf '  %-30s %7d req/s  p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  non-2xx %d  socket errors %d\n' \
        "$1" "$rate" "$(echo "$p50/1000" | bc -l)" "$(echo "$p99/1000" | bc -l)" \
        "$(echo "$p999/1000" | bc -l)" "$non2" "$sockerr"
}
say "== inbound SMS end to end (${SECS} s a run, wrk -t1 on the same machine)"
SRV=$OUT/serve
rm -rf "$SRV" && mkdir -p "$SRV"
cp "$DATA/big.db" "$SRV/dt.db"
port=$(dt_port)
# The sender runs as deployed (the default send_rate of 50/s) against a
# stub aggregator, so this measures inbound with the outbox alive.
: >"$SRV/stub.out"
./$OUT/stubagg 0 >"$SRV/stub.out" &
DT_PIDS="$DT_PIDS $!"
i=0
while [ ! -s "$SRV/stub.out" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
dt_conf "$SRV/dt.conf" "$port" "$SRV/dt.db" \
    "http://127.0.0.1:$(head -n 1 "$SRV/stub.out")" 50
declare -A dt_rate
if dt_serve "$DIEMTUA" "$SRV/dt.conf" "$SRV/serve.log" &&
    curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/kannel/sms?token=$DT_TOKEN&id=warm&from=%2B84910000001&text=SD" | grep -q '^2'; then
    total=0
    for c in $CONNS_LIST; do
        line=$(wrk_run "http://127.0.0.1:$port" "dt$c" /v1/kannel/sms "$c")
        report_wrk "diemtua, $c connections" "$line" || continue
        read -r req dur p50 p99 _ non2 _ <<<"$line"
        total=$((total + req))
        dt_rate[$c]=$(echo "$req * 1000000 / $dur" | bc)
        res "inbound_c${c}_rate ${dt_rate[$c]}"
        res "inbound_c${c}_p50_us $p50"
        res "inbound_c${c}_p99_us $p99"
        res "inbound_c${c}_non2xx $non2"
    done
    # USSD on the same server and data: a fixed 200 hops a second.
    ussd_line=""
    ucode=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
        --data 'sessionId=probe&serviceCode=%2A384%23&phoneNumber=%2B84910000001&text=' \
        "http://127.0.0.1:$port/v1/africastalking/ussd?token=$DT_TOKEN")
    if [ "$ucode" = 200 ]; then
        ussd_line=$(LOADGEN_USSD=1 timeout $((SECS + 60)) ./$OUT/loadgen "http://127.0.0.1:$port" \
            "$DT_TOKEN" "$DATA/phones.txt" us $((200 * SECS)) 8 0 \
            $((SECS + 30)) "$OUT/ussd.log" 200)
    fi
    rss=$(dt_rss_kb "$DT_PID")
    dt_stop "$DT_PID"
    stored=$(dt_sql "$SRV/dt.db" "SELECT count(*) FROM inbound WHERE provider_id LIKE 'dt%'")
    queued=$(dt_sql "$SRV/dt.db" "SELECT count(*) FROM outbox o JOIN inbound i ON o.inbound_id = i.id WHERE i.provider_id LIKE 'dt%'")
    integ=$(dt_sql "$SRV/dt.db" "PRAGMA integrity_check")
    say "  acknowledged (wrk, completed in time) $total; stored $stored; replies queued $queued; integrity $integ"
    positive "$stored" || fail "inbound SMS" "nothing stored"
    [ "$integ" = ok ] || fail "inbound SMS" "integrity_check: $integ"
    say "  (stored may pass acknowledged by the requests in flight when wrk stopped)"
    say "  resident memory of the server (peak, $MEMBERS-member database): $((rss / 1024)) MB (target < 50 MB)"
    res "inbound_acked $total"
    res "inbound_stored $stored"
    res "rss_kb $rss"
else
    fail "inbound SMS" "diemtua serve did not come up or refused the callback (see $SRV/serve.log)"
    res "inbound_rate n/a"
fi

say "== baseline: bare libmicrohttpd, one SQLite commit per request"
for c in $CONNS_LIST; do
    for mode in normal full; do
        rm -f "$OUT"/base.db* "$OUT/base.port"
        ./$OUT/baseline 0 "$OUT/base.db" $mode >"$OUT/base.port" &
        bp=$!
        DT_PIDS="$DT_PIDS $bp"
        dt_wait_file "$OUT/base.port" 5 ||
            fail "baseline $mode, $c connections" "the baseline server did not start"
        line=$(wrk_run "http://127.0.0.1:$(cat "$OUT/base.port")" b /sms "$c")
        dt_stop $bp 10
        report_wrk "baseline $mode, $c connections" "$line"
        res "baseline_${mode}_c${c}_rate $rate"
        eval "base_$mode=$rate"
    done
    if positive "${dt_rate[$c]:-}" && positive "$base_normal" && positive "$base_full"; then
        say "  $c connections: diemtua / baseline $(echo "scale=2; ${dt_rate[$c]} / $base_normal" | bc)x NORMAL, $(echo "scale=2; ${dt_rate[$c]} / $base_full" | bc)x FULL (diemtua is durable, like FULL)"
    fi
done

# ---- 6. USSD ----
say "== USSD hop p99 at 200 requests/s (Africa's Talking form POST, menu open and item 1)"
if [ -n "${ussd_line:-}" ]; then
    read -r _ usent uok unon2 unoans _ up50 up99 <<<"$ussd_line"
    positive "${uok:-}" || fail "USSD" "no hop answered 200"
    say "  $usent hops, $uok answered 200, $unon2 other status, $unoans no answer: p50 $(echo "scale=2; $up50/1000" | bc) ms, p99 $(echo "scale=2; $up99/1000" | bc) ms (target < 20 ms)"
    res "ussd_p50_us $up50"
    res "ussd_p99_us $up99"
else
    fail "USSD" "the USSD endpoint did not answer 200: ${ucode:-no server}"
    res "ussd_p99_us n/a"
fi

# ---- 7. outbox drain ----
drain() { # N RATE -> prints "STUB ..." line and elapsed seconds
    local n=$1 rate=$2 d=$OUT/drain
    rm -rf "$d" && mkdir -p "$d"
    : >"$d/stub.out"
    "$DIEMTUA" import --db "$d/dt.db" communes "$DATA/communes.csv" >/dev/null 2>&1
    dt_sql "$d/dt.db" "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n)
        INSERT INTO outbox(phone, text, kind, state, next_at, created_at, updated_at)
        SELECT '+8491' || printf('%07d', i), 'NHCS: bench message ' || i, 'REPLY', 'QUEUED', 0, 0, 0 FROM s" || return 1
    ./$OUT/stubagg 0 >"$d/stub.out" &
    local sp=$!
    DT_PIDS="$DT_PIDS $sp"
    dt_wait_file "$d/stub.out" 5 || return 1
    local sport
    sport=$(head -n 1 "$d/stub.out")
    local port
    port=$(dt_port)
    dt_conf "$d/dt.conf" "$port" "$d/dt.db" "http://127.0.0.1:$sport" "$rate"
    local t0
    t0=$(date +%s.%N)
    dt_serve "$DIEMTUA" "$d/dt.conf" "$d/serve.log" || return 1
    local deadline=$(($(date +%s) + 120)) q
    while [ "$(date +%s)" -lt $deadline ]; do
        q=$(dt_pending "$port")
        [ "$q" = 0 ] && break
        sleep 0.1
    done
    local t1
    t1=$(date +%s.%N)
    dt_stop "$DT_PID"
    dt_stop $sp 10
    local sent
    sent=$(dt_sql "$d/dt.db" "SELECT count(*) FROM outbox WHERE state = 'SENT'")
    echo "$(tail -n 1 "$d/stub.out") $(echo "$t1 - $t0" | bc) $sent"
}
say "== outbox drain to a stub aggregator (Kannel sendsms shape)"
N=${BENCH_DRAIN:-100000}
if line=$(drain "$N" 1000000) && [ -n "$line" ]; then
    read -r _ req uniq dups max first last el sent <<<"$line"
    rate=0
    if positive "${uniq:-}" && [ "$(echo "$last > $first" | bc)" = 1 ]; then
        rate=$(echo "$uniq / ($last - $first)" | bc)
    fi
    say "  $N queued, send_rate unlimited: $req requests, $uniq distinct, $dups repeats, $sent marked SENT"
    say "  drain rate $rate messages/s at the stub (first to last), $(echo "$N / $el" | bc) /s including start-up"
    res "drain_rate $rate"
    positive "$rate" || fail "outbox drain" "no message reached the stub"
    [ "${uniq:-0}" = "$N" ] || fail "outbox drain" "$uniq of $N distinct messages at the stub"
else
    fail "outbox drain" "the sender did not come up (see $OUT/drain/serve.log)"
    res "drain_rate n/a"
fi
RATE=${BENCH_RATE:-2000}
if line=$(drain $((RATE * 5)) "$RATE") && [ -n "$line" ]; then
    read -r _ req uniq dups max first last el sent <<<"$line"
    verdict=$([ "$max" -le "$RATE" ] && echo "never exceeded" || echo "EXCEEDED")
    say "  send_rate $RATE: $uniq messages in $(echo "scale=1; ($last - $first)/1" | bc) s, most in any 1 s window $max: $verdict"
    res "rate_limit_max_1s $max"
    res "rate_limit_configured $RATE"
    positive "${uniq:-}" || fail "send rate" "no message reached the stub"
    [ "$max" -le "$RATE" ] || fail "send rate" "$max sends in one second, above $RATE"
else
    fail "send rate" "the sender did not come up (see $OUT/drain/serve.log)"
fi

# ---- 8. Kannel ----
say "== Kannel's own loop (fakesmsc -> bearerbox -> smsbox get-url -> reply)"
KN=${BENCH_KANNEL:-40000}
line=$(timeout 300 bench/kannel.sh "$KN" "$OUT/baseline" </dev/null)
case "$line" in
KANNEL\ n/a*)
    fail "Kannel" "${line#KANNEL }"
    res "kannel_rate n/a"
    ;;
*)
    read -r _ n got secs rate <<<"$line"
    say "  $got of $n replies in $secs s: $rate MO-to-reply loops/s"
    res "kannel_rate $rate"
    positive "${got:-}" || fail "Kannel" "no reply came back"
    ;;
esac
say
say "figures also in $RES"
if [ -n "$FAILS" ]; then
    say "bench: FAILED: these phases measured nothing or broke a target:$FAILS"
    exit 1
fi
say "bench: every phase measured"
