#!/bin/sh
# remind_bench.sh - time a full reminder pass and the KPI report at scale
#
#   bench/remind_bench.sh [MEMBERS]     (default 1000000; needs build/diemtua)
#
# Builds a fresh database with bench/gen_data.py, then times:
#   1. the first pass at 2026-11-14 08:00: every commune's monthly
#      statement (all members) plus the reminders and overdue notices of
#      the communes whose session is 1-3 days away (the worst pass);
#   2. the same pass again (everything marked: what every minute costs);
#   3. the leader notes pass of the next day;
#   4. diemtua report for the month.
set -eu
N=${1:-1000000}
BIN=${BIN:-build/diemtua}
DB=${DB:-/tmp/diemtua_bench_$$.db}
rm -f "$DB" "$DB-wal" "$DB-shm"
"$BIN" report --db "$DB" --month 2026-11 >/dev/null 2>&1
python3 bench/gen_data.py "$DB" "$N"
T=/tmp/diemtua_bench_time_$$
# Time and peak memory of a command; its summary lines only.
t() {
    /usr/bin/time -o "$T" -f "  %e s, %M KB max resident" "$@" 2>&1 |
        grep -E "queued|^union|stopped|ERROR" || true
    cat "$T"
}
echo "first pass (statements for everyone + reminders):"
t "$BIN" remind --db "$DB" --at "2026-11-14 08:00"
echo "same pass again (nothing left to send):"
t "$BIN" remind --db "$DB" --at "2026-11-14 08:01"
echo "next day (leader notes):"
t "$BIN" remind --db "$DB" --at "2026-11-15 08:00"
echo "report for the month:"
t "$BIN" report --db "$DB" --month 2026-11
sqlite3 "$DB" "SELECT kind, count(*) FROM outbox GROUP BY kind" 2>/dev/null || true
rm -f "$DB" "$DB-wal" "$DB-shm" "$T"
