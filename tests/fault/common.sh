# common.sh - set-up shared by the fault tests (sourced from tests/fault/*)
#
# Builds the release binary and the helpers, makes a small data set
# (MEMBERS members, default 2000) in a fresh temporary folder FT, and
# defines pass/fail bookkeeping. Everything listens on 127.0.0.1.
# FT_QUICK=1 (make fault-ci, as CI runs them) takes each script's shorter
# counts; an explicit count (N=..., KILLS=...) still wins.
set -u
cd "$(dirname "$0")/../.."
. bench/lib.sh

FT_MEMBERS=${FT_MEMBERS:-2000}
# Every line the log gate can read: info, not the bench's warn.
DT_LOG_LEVEL=${DT_LOG_LEVEL:-info}
FT=$(mktemp -d /tmp/dt-fault.XXXXXX)
FT_FAILS=0
FT_CHECKS=0
ft_cleanup() {
    dt_cleanup
    [ -n "${FT_KEEP:-}" ] || rm -rf "$FT"
}
trap ft_cleanup EXIT INT TERM

ft_check() { # NAME CONDITION-RESULT(0/1) DETAIL
    FT_CHECKS=$((FT_CHECKS + 1))
    if [ "$2" -eq 0 ]; then
        printf '  ok    %s: %s\n' "$1" "$3"
    else
        printf '  FAIL  %s: %s\n' "$1" "$3"
        FT_FAILS=$((FT_FAILS + 1))
    fi
}
ft_eq() { # NAME GOT WANT
    [ "$2" = "$3" ]
    ft_check "$1" $? "$2 (want $3)"
}
# ft_pick FULL QUICK: the count for this run.
ft_pick() {
    if [ -n "${FT_QUICK:-}" ]; then echo "$2"; else echo "$1"; fi
}

# ft_gate NAME LOG DB [loggate options...]: the log gate over the server's
# log and the database's stored texts, with every credential of
# $FT/dt.conf as a secret; one check.
ft_gate() {
    _name=$1 _log=$2 _db=$3
    shift 3
    _out=$(timeout 120 build/tests/tools/loggate --conf "$FT/dt.conf" \
        --db "$_db" "$@" "$_log" </dev/null 2>&1)
    _rc=$?
    [ $_rc -ne 0 ] && printf '%s\n' "$_out" | head -n 20 | sed 's/^/    /'
    ft_check "$_name" $_rc "$(printf '%s\n' "$_out" | tail -n 1)"
}

ft_done() {
    echo "$(basename "$0" .sh): $((FT_CHECKS - FT_FAILS)) passed, $FT_FAILS failed"
    [ "$FT_FAILS" -eq 0 ]
}

DIEMTUA=${DIEMTUA:-build/diemtua}
if [ "$DIEMTUA" = build/diemtua ]; then
    make -s -j2 build/diemtua || exit 1
fi
make -s build/tests/tools/loggate || exit 1
mkdir -p build/bench
BCFLAGS="-O2 -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L"
cc $BCFLAGS -o build/bench/stubagg bench/stubagg.c \
    $(pkg-config --cflags --libs libmicrohttpd) -lpthread || exit 1
cc $BCFLAGS -o build/bench/loadgen bench/loadgen.c \
    $(pkg-config --cflags --libs libcurl) || exit 1
cc $BCFLAGS -o build/bench/gen bench/gen.c || exit 1

# ft_data DIR: a database DIR/dt.db with the data set imported.
ft_data() {
    mkdir -p "$1"
    build/bench/gen "$1" "$FT_MEMBERS" >/dev/null || exit 1
    for kind in communes groups members loans savings; do
        "$DIEMTUA" import --db "$1/dt.db" "$kind" "$1/$kind.csv" \
            >/dev/null 2>&1 || { echo "import $kind failed"; exit 1; }
    done
}

# ft_stub PORT OUT: starts the counting stub on PORT (0: any), sets
# FT_STUB_PID and FT_STUB_PORT.
ft_stub() {
    : >"$2"
    build/bench/stubagg "$1" >"$2" &
    FT_STUB_PID=$!
    DT_PIDS="$DT_PIDS $FT_STUB_PID"
    dt_wait_file "$2" 5 || { echo "stub aggregator did not start"; exit 1; }
    FT_STUB_PORT=$(head -n 1 "$2")
}

# ft_stub_stop: SIGTERM the stub; its last STUB line is in its OUT.
ft_stub_stop() {
    dt_stop "$FT_STUB_PID" 10
}

# ft_drain PORT SECONDS: waits until the outbox has nothing queued and
# nothing being sent.
ft_drain() {
    end=$(($(date +%s) + $2))
    while [ "$(date +%s)" -lt "$end" ]; do
        [ "$(dt_pending "$1")" = 0 ] && return 0
        sleep 0.2
    done
    return 1
}

# ft_acked LOG: ids (numbers) that got a 2xx, one a line, sorted unique.
ft_acked() {
    awk '$2 >= 200 && $2 < 300 {print $1}' "$1" | sort -un
}

# ft_missing DB ACKED PREFIX: how many acknowledged ids are not in inbound.
ft_missing() {
    sqlite3 "$1" <<SQL | tail -n 1
CREATE TEMP TABLE a(n INTEGER);
.import $2 a
SELECT count(*) FROM a WHERE '$3-' || n NOT IN (SELECT provider_id FROM inbound);
SQL
}
