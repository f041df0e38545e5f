#!/bin/bash
# aggregator_down.sh - the aggregator is down for a while, then back
#
#   tests/fault/aggregator_down.sh      N=3000 messages, DOWN=60 seconds
#   FT_QUICK=1 (CI)                     N=1000, DOWN=15
#
# The stub aggregator is not running while N inbound SMS arrive, so every
# reply queues and each send attempt fails (connection refused) and backs
# off (backoff_initial 1 s, backoff_max 10 s, 100 attempts). After DOWN
# seconds the stub comes back on the same port. Checks: nothing FAILED
# during the outage, every queued reply reached the stub once it was back
# (distinct ids = replies), repeats counted, time to drain, the deepest
# queue seen, integrity_check ok. Stops by itself; loopback only.
. "$(dirname "$0")/common.sh"
N=${N:-$(ft_pick 3000 1000)}
DOWN=${DOWN:-$(ft_pick 60 15)}

echo "aggregator_down: $N messages, aggregator down ${DOWN} s"
ft_data "$FT/d"
sport=$(dt_port)
port=$(dt_port)
dt_conf "$FT/dt.conf" "$port" "$FT/d/dt.db" "http://127.0.0.1:$sport" 1000
sed -i 's/^backoff_max = .*/backoff_max = 10/' "$FT/dt.conf"
dt_serve "$DIEMTUA" "$FT/dt.conf" "$FT/serve.log" || { echo "server did not start"; exit 1; }

t0=$(date +%s)
build/bench/loadgen "http://127.0.0.1:$port" "$DT_TOKEN" "$FT/d/phones.txt" \
    ad "$N" 16 1 120 "$FT/load.log" 500 >"$FT/load.out"
read -r _ sent ok _ _ unacked _ <"$FT/load.out"
echo "  load: $ok of $N acknowledged while the aggregator was down"
maxq=0
while [ $(($(date +%s) - t0)) -lt "$DOWN" ]; do
    q=$(dt_pending "$port")
    [ -n "$q" ] && [ "$q" -gt "$maxq" ] && maxq=$q
    sleep 1
done
failed_during=$(dt_sql "$FT/d/dt.db" "SELECT count(*) FROM outbox WHERE state = 'FAILED'")
attempts=$(dt_sql "$FT/d/dt.db" "SELECT count(*) FROM send_attempts")
echo "  outage over after $(($(date +%s) - t0)) s: deepest queue $maxq, $attempts failed attempts logged"
ft_stub "$sport" "$FT/stub.out"
t1=$(date +%s.%N)
ft_drain "$port" 120
drained=$?
t2=$(date +%s.%N)
dt_stop "$DT_PID"
ft_stub_stop
read -r _ sreq suniq sdups _ <<<"$(grep '^STUB' "$FT/stub.out" | tail -n 1)"
db=$FT/d/dt.db
outbox=$(dt_sql "$db" "SELECT count(*) FROM outbox")
unsent=$(dt_sql "$db" "SELECT count(*) FROM outbox WHERE state NOT IN ('SENT', 'DELIVERED')")
integ=$(dt_sql "$db" "PRAGMA integrity_check")
echo "  drained in $(echo "$t2 - $t1" | bc) s after the aggregator came back"

ft_eq "messages acknowledged" "$unacked" 0
ft_eq "replies queued" "$outbox" "$N"
ft_eq "replies FAILED during the outage" "$failed_during" 0
ft_check "outbox drained" "$drained" "nothing queued or sending"
ft_eq "replies not sent" "$unsent" 0
ft_eq "distinct replies at the stub" "$suniq" "$N"
echo "  duplicates at the stub: $sdups of $sreq requests"
ft_eq "integrity_check" "$integ" ok
ft_gate "log gate (server log, stored texts, credentials)" "$FT/serve.log" "$db"
ft_done
