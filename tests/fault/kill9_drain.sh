#!/bin/bash
# kill9_drain.sh - kill -9 of the server while the outbox drains, repeated
#
#   tests/fault/kill9_drain.sh     Q=20000 queued replies, KILLS=8
#   FT_QUICK=1 (CI)                Q=6000, KILLS=5
#
# Q replies are queued in the outbox (as the writer would leave them),
# then the server starts and sends them to a counting stub aggregator at
# RATE=2000/s, and is killed with SIGKILL every 0.5-1.5 s while the
# queue is not empty, restarted at once each time. A kill lands between
# claiming a batch, sending it and recording the results, so the sends
# of that batch are repeated at the next start (at-least-once; counted).
# Afterwards, with the server restarted a last time and drained:
#   - every queued reply is SENT and reached the stub (distinct ids = Q)
#   - no reply is lost, FAILED or left SENDING
#   - the repeats at the stub are counted and bounded by what was in
#     flight at each kill
#   - PRAGMA integrity_check is ok, and the log gate passes
# Stops by itself; loopback only.
. "$(dirname "$0")/common.sh"
Q=${Q:-$(ft_pick 20000 6000)}
KILLS=${KILLS:-$(ft_pick 8 5)}
RATE=${RATE:-$(ft_pick 1000 500)}

echo "kill9_drain: $Q queued replies at $RATE/s, $KILLS kill -9 of the server while they drain"
ft_data "$FT/d"
db=$FT/d/dt.db
dt_sql "$db" "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $Q)
    INSERT INTO outbox(phone, text, kind, state, next_at, created_at, updated_at)
    SELECT '+8491' || printf('%07d', i), 'NHCS: tin thu ' || i, 'REPLY', 'QUEUED', 0, 0, 0 FROM s" ||
    { echo "cannot queue"; exit 1; }
ft_stub 0 "$FT/stub.out"
port=$(dt_port)
dt_conf "$FT/dt.conf" "$port" "$db" "http://127.0.0.1:$FT_STUB_PORT" "$RATE"
dt_serve "$DIEMTUA" "$FT/dt.conf" "$FT/serve.log" || { echo "server did not start"; exit 1; }

kills=0
while_pending=0
deadline=$(($(date +%s) + 240))
while [ $kills -lt "$KILLS" ] && [ "$(date +%s)" -lt "$deadline" ]; do
    sleep "0.$((5 + RANDOM % 10))"
    left=$(dt_pending "$port")
    [ -n "$left" ] && [ "$left" -gt 0 ] && while_pending=$((while_pending + 1))
    kill -9 "$DT_PID"
    dt_wait_pid "$DT_PID" 10
    kills=$((kills + 1))
    dt_serve "$DIEMTUA" "$FT/dt.conf" "$FT/serve.log" || { echo "restart failed"; exit 1; }
done
echo "  kills: $kills, of which $while_pending with replies still to send"
t0=$(date +%s)
ft_drain "$port" 120
drained=$?
echo "  drained $(($(date +%s) - t0)) s after the last restart"
dt_stop "$DT_PID"
ft_stub_stop
read -r _ sreq suniq sdups _ <<<"$(grep '^STUB' "$FT/stub.out" | tail -n 1)"

sent=$(dt_sql "$db" "SELECT count(*) FROM outbox WHERE state IN ('SENT', 'DELIVERED')")
unsent=$(dt_sql "$db" "SELECT count(*) FROM outbox WHERE state NOT IN ('SENT', 'DELIVERED')")
integ=$(dt_sql "$db" "PRAGMA integrity_check")
ft_eq "kills while replies were still queued" "$while_pending" "$kills"
ft_check "outbox drained" "$drained" "nothing queued or sending after the last restart"
ft_eq "replies SENT" "$sent" "$Q"
ft_eq "replies not SENT (lost, FAILED or stuck)" "$unsent" 0
ft_eq "distinct replies at the stub" "$suniq" "$Q"
# A kill can repeat at most what the sender had claimed and not yet
# recorded: one second of sends (RATE) per kill.
[ "$sdups" -le $((KILLS * RATE)) ]
ft_check "repeats at the stub within what was in flight" $? \
    "$sdups of $sreq requests (bound $((KILLS * RATE)))"
ft_eq "integrity_check" "$integ" ok
ft_gate "log gate (server log, stored texts, credentials)" "$FT/serve.log" "$db"
ft_done
