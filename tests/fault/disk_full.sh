#!/bin/bash
# disk_full.sh - the database's file system fills up under load, then frees
#
#   tests/fault/disk_full.sh            (root: mounts a small tmpfs)
#   FT_QUICK=1 (CI)                     N=1000
#
# The database lives on a tmpfs of its size plus 16 MB. After a first
# batch of messages is acknowledged, a filler file takes every free byte
# and a second batch (N=2000, no retries) is sent: each must be answered
# 503 (so the aggregator retries) or, if SQLite still had room in pages
# it already owns, 2xx and stored. The server must stay up. Then the
# filler is removed and the aggregator retries the second batch until
# every message is acknowledged. Checks: every 2xx in the database, each
# message once with one reply, every reply sent, integrity_check ok.
# tmpfs has no real fsync: this proves the ENOSPC path, not power loss.
# Needs root for mount; says so and skips (exit 0) otherwise.
. "$(dirname "$0")/common.sh"
N=${N:-$(ft_pick 2000 1000)}

if [ "$(id -u)" -ne 0 ]; then
    echo "disk_full: skipped (needs root to mount a tmpfs)"
    exit 0
fi
echo "disk_full: database on a small tmpfs, filled under load"
ft_data "$FT/d"
mnt=$FT/mnt
mkdir -p "$mnt"
size=$(( $(stat -c %s "$FT/d/dt.db") / 1048576 + 16 ))
mount -t tmpfs -o size=${size}m tmpfs "$mnt" || { echo "disk_full: skipped (mount refused)"; exit 0; }
ft_umount() { umount "$mnt" 2>/dev/null; }
trap 'dt_cleanup; ft_umount; [ -n "${FT_KEEP:-}" ] || rm -rf "$FT"' EXIT INT TERM
cp "$FT/d/dt.db" "$mnt/dt.db"
ft_stub 0 "$FT/stub.out"
port=$(dt_port)
dt_conf "$FT/dt.conf" "$port" "$mnt/dt.db" "http://127.0.0.1:$FT_STUB_PORT" 1000
dt_serve "$DIEMTUA" "$FT/dt.conf" "$FT/serve.log" || { echo "server did not start"; exit 1; }
pid=$DT_PID

build/bench/loadgen "http://127.0.0.1:$port" "$DT_TOKEN" "$FT/d/phones.txt" \
    df1 500 8 1 60 "$FT/load1.log" >"$FT/load1.out"
read -r _ _ ok1 _ _ _ _ <"$FT/load1.out"
echo "  before: $ok1 of 500 acknowledged"

dd if=/dev/zero of="$mnt/fill" bs=64k 2>/dev/null
echo "  filled: $(df -h "$mnt" | awk 'NR == 2 {print $4}') left"
build/bench/loadgen "http://127.0.0.1:$port" "$DT_TOKEN" "$FT/d/phones.txt" \
    df2 "$N" 8 0 60 "$FT/load2.log" 200 >"$FT/load2.out"
read -r _ sent2 ok2 non2 noans2 _ _ <"$FT/load2.out"
n503=$(awk '$2 == 503' "$FT/load2.log" | wc -l)
other=$(awk '$2 != 503 && ($2 < 200 || $2 >= 300)' "$FT/load2.log" | wc -l)
health=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")
echo "  while full: $sent2 sent, $ok2 acknowledged (2xx), $n503 answered 503, $other other, /healthz $health"
kill -0 "$pid" 2>/dev/null
ft_check "server still running while full" $? "pid $pid"
ft_eq "answers neither 2xx nor 503 while full" "$other" 0

rm -f "$mnt/fill"
build/bench/loadgen "http://127.0.0.1:$port" "$DT_TOKEN" "$FT/d/phones.txt" \
    df2 "$N" 8 1 120 "$FT/load3.log" >"$FT/load3.out"
read -r _ _ ok3 _ _ unacked3 _ <"$FT/load3.out"
echo "  after freeing: retried batch, $unacked3 never acknowledged"
ft_drain "$port" 60
drained=$?
dt_stop "$DT_PID"
ft_stub_stop
read -r _ sreq suniq sdups _ <<<"$(grep '^STUB' "$FT/stub.out" | tail -n 1)"

db=$mnt/dt.db
ft_acked "$FT/load1.log" >"$FT/a1"
cat "$FT/load2.log" "$FT/load3.log" >"$FT/l23"
ft_acked "$FT/l23" >"$FT/a2"
miss1=$(ft_missing "$db" "$FT/a1" df1)
miss2=$(ft_missing "$db" "$FT/a2" df2)
stored=$(dt_sql "$db" "SELECT count(*) FROM inbound WHERE provider_id LIKE 'df%'")
not_one=$(dt_sql "$db" "SELECT count(*) FROM inbound i WHERE provider_id LIKE 'df%' AND (SELECT count(*) FROM outbox o WHERE o.inbound_id = i.id) != 1")
unsent=$(dt_sql "$db" "SELECT count(*) FROM outbox WHERE state NOT IN ('SENT', 'DELIVERED')")
integ=$(dt_sql "$db" "PRAGMA integrity_check")

ft_eq "acknowledged before, missing (lost)" "$miss1" 0
ft_eq "acknowledged during/after, missing (lost)" "$miss2" 0
ft_eq "every message acknowledged in the end" "$unacked3" 0
ft_eq "messages stored" "$stored" $((500 + N))
ft_eq "messages without exactly one reply" "$not_one" 0
ft_check "outbox drained" "$drained" "nothing queued or sending"
ft_eq "replies not sent" "$unsent" 0
echo "  replies at the stub: $suniq distinct, $sdups repeats"
ft_eq "integrity_check" "$integ" ok
# The errors a full disk must cause, and nothing else.
ft_gate "log gate (only the disk-full errors)" "$FT/serve.log" "$db" \
    --expect "database or disk is full" \
    --expect "not stored (answered 503 to retry)" \
    --expect "cannot record send results"
ft_done
