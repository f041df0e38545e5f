#!/bin/bash
# kill9.sh - kill -9 of the server at random moments under load, repeated
#
#   tests/fault/kill9.sh       N=20000 messages at RATE=1000/s, KILLS=10
#
# An at-least-once aggregator (bench/loadgen, retrying every message until
# it gets a 2xx) posts N inbound SMS "SD" from imported members while the
# server is killed with SIGKILL every 1-3 s and restarted at once. The
# outbox sends the replies to a counting stub at 500/s, so kills also land
# mid-send. Afterwards, with the server restarted a last time and the
# outbox drained:
#   - every message the aggregator saw acknowledged (2xx) is in inbound
#   - each message is stored once, and has exactly one reply queued
#     (no effect twice)
#   - every reply reached the stub (distinct ids = outbox rows); the
#     repeats a kill mid-send causes are counted
#   - PRAGMA integrity_check is ok
# Stops by itself (bounded by a 300 s deadline); loopback only.
. "$(dirname "$0")/common.sh"
N=${N:-20000}
RATE=${RATE:-1000}
KILLS=${KILLS:-10}

echo "kill9: $N messages, $KILLS kill -9 of the server"
ft_data "$FT/d"
ft_stub 0 "$FT/stub.out"
port=$(dt_port)
dt_conf "$FT/dt.conf" "$port" "$FT/d/dt.db" "http://127.0.0.1:$FT_STUB_PORT" 500
dt_serve "$DIEMTUA" "$FT/dt.conf" "$FT/serve.log" || { echo "server did not start"; exit 1; }

build/bench/loadgen "http://127.0.0.1:$port" "$DT_TOKEN" "$FT/d/phones.txt" \
    ft "$N" 16 1 240 "$FT/load.log" "$RATE" >"$FT/load.out" &
lg=$!
DT_PIDS="$DT_PIDS $lg"

kills=0
under_load=0
while [ $kills -lt "$KILLS" ]; do
    sleep "$((1 + RANDOM % 2)).$((RANDOM % 10))"
    kill -0 $lg 2>/dev/null && under_load=$((under_load + 1))
    kill -9 "$DT_PID"
    wait "$DT_PID" 2>/dev/null
    kills=$((kills + 1))
    dt_serve "$DIEMTUA" "$FT/dt.conf" "$FT/serve.log" || { echo "restart failed"; exit 1; }
done
wait $lg
read -r _ sent ok non2 noans unacked p50 p99 <"$FT/load.out"
echo "  load: $sent requests, $ok acknowledged, $non2 non-2xx, $noans without answer (server down), $unacked never acknowledged"
echo "  kills: $kills, of which $under_load while the load ran"
ft_drain "$port" 120
drained=$?
kill "$DT_PID"
wait "$DT_PID"
ft_stub_stop
read -r _ sreq suniq sdups _ <<<"$(grep '^STUB' "$FT/stub.out" | tail -n 1)"

db=$FT/d/dt.db
ft_acked "$FT/load.log" >"$FT/acked.txt"
nacked=$(wc -l <"$FT/acked.txt")
missing=$(ft_missing "$db" "$FT/acked.txt" ft)
stored=$(dt_sql "$db" "SELECT count(*) FROM inbound WHERE provider_id LIKE 'ft-%'")
distinct=$(dt_sql "$db" "SELECT count(DISTINCT provider_id) FROM inbound WHERE provider_id LIKE 'ft-%'")
not_one=$(dt_sql "$db" "SELECT count(*) FROM inbound i WHERE provider_id LIKE 'ft-%' AND (SELECT count(*) FROM outbox o WHERE o.inbound_id = i.id) != 1")
outbox=$(dt_sql "$db" "SELECT count(*) FROM outbox")
unsent=$(dt_sql "$db" "SELECT count(*) FROM outbox WHERE state NOT IN ('SENT', 'DELIVERED')")
integ=$(dt_sql "$db" "PRAGMA integrity_check")

ft_eq "every message acknowledged in the end" "$unacked" 0
ft_eq "acknowledged ids missing from the database (lost)" "$missing" 0
ft_eq "messages stored" "$stored" "$N"
ft_eq "stored once each" "$distinct" "$stored"
ft_eq "messages without exactly one reply (effect twice or none)" "$not_one" 0
ft_check "outbox drained" "$drained" "queued 0 after the last restart"
ft_eq "replies not sent" "$unsent" 0
ft_eq "distinct replies at the stub" "$suniq" "$outbox"
echo "  duplicates at the stub (sent again after a kill mid-send): $sdups of $sreq requests"
ft_eq "integrity_check" "$integ" ok
ft_done
