#!/bin/bash
# kill9.sh - kill -9 of the server at random moments under load, repeated
#
#   tests/fault/kill9.sh       N=20000 messages at RATE=1000/s, KILLS=10,
#                              MONEY=1000 money commands at MRATE=50/s
#   FT_QUICK=1 (CI)            N=6000, KILLS=5, MONEY=300
#
# An at-least-once aggregator (bench/loadgen, retrying every message until
# it gets a 2xx) posts N inbound SMS "SD" from imported members while the
# server is killed with SIGKILL every 1-3 s and restarted at once. A
# second one, alongside, posts MONEY leaders' money commands with their
# PINs, one for each of MONEY distinct members spread over every group:
# alternately "THU <stt> 10000 5000 <PIN>" (interest well within what the
# generated loans have due) and "GTK <stt> 20000 <PIN>", each re-sent
# after a kill until acknowledged. The
# outbox sends the replies to a counting stub at 500/s, so kills also land
# mid-send. Afterwards, with the server restarted a last time and the
# outbox drained:
#   - every message the aggregator saw acknowledged (2xx) is in inbound
#   - each message is stored once, and has exactly one reply queued
#     (no effect twice)
#   - every reply reached the stub (distinct ids = outbox rows); the
#     repeats a kill mid-send causes are counted
#   - every acknowledged money command made exactly one collection, for
#     its member, with the amounts sent; no collection without a stored,
#     acknowledged command (joined through the receipt's outbox row, whose
#     inbound_id is the command's); each receipt SMS queued exactly once
#     for its member (no money effect twice)
#   - PRAGMA integrity_check is ok
#   - the log gate: no unexpected ERROR, no sanitizer report, no PIN or
#     credential in the log or the stored texts, no whole phone number
#     in the log
# Stops by itself (bounded by a 300 s deadline); loopback only.
. "$(dirname "$0")/common.sh"
N=${N:-$(ft_pick 20000 6000)}
RATE=${RATE:-1000}
KILLS=${KILLS:-$(ft_pick 10 5)}
MONEY=${MONEY:-$(ft_pick 1000 300)}
MRATE=${MRATE:-50}

echo "kill9: $N messages and $MONEY money commands, $KILLS kill -9 of the server"
ft_data "$FT/d"
ft_stub 0 "$FT/stub.out"
port=$(dt_port)
dt_conf "$FT/dt.conf" "$port" "$FT/d/dt.db" "http://127.0.0.1:$FT_STUB_PORT" 500 \
    "[security]" "pin_pepper = kill9-fault-test-pepper-0001"

# The leaders (seq 1 of each group, bench/gen.c) get PIN 739100 + group
# number: six digits no id, count or amount of this run can equal, so
# the log gate can look for each as a whole number. money.txt: "LEADER_PHONE TEXT" lines for bench/loadgen, member
# by member in order of seq then group so every leader is busy;
# money.csv: member_code,kind,interest,savings of the same lines.
awk -F, 'NR > 1 && $6 == "leader" {
    g = substr($2, 2); print $1, 739100 + g }' "$FT/d/members.csv" |
    while read -r code pin; do
        echo "$pin" | "$DIEMTUA" pin set "$code" --config "$FT/dt.conf" \
            >/dev/null 2>&1 || { echo "pin set $code failed"; exit 1; }
    done || exit 1
awk -F, 'NR > 1 && $6 != "leader" { print $3, substr($2, 2) + 0, $1 }' \
    "$FT/d/members.csv" | sort -n -k1,1 -k2,2 |
    head -n "$MONEY" >"$FT/targets.txt"
awk -F, 'NR > 1 && $6 == "leader" { print substr($2, 2) + 0, "+84" substr($5, 2) }' \
    "$FT/d/members.csv" >"$FT/leaders.txt"
awk 'NR == FNR { lead[$1] = $2; next }
    { pin = 739100 + $2
      if ((FNR - 1) % 2 == 0) {
          print lead[$2], "THU+" $1 "+10000+5000+" pin >"'"$FT/money.txt"'"
          print $3 ",THU,10000,5000" >"'"$FT/money.csv"'"
      } else {
          print lead[$2], "GTK+" $1 "+20000+" pin >"'"$FT/money.txt"'"
          print $3 ",GTK,0,20000" >"'"$FT/money.csv"'"
      } }' "$FT/leaders.txt" "$FT/targets.txt"
MONEY=$(wc -l <"$FT/money.txt")
awk '{ print 739100 + $1 }' "$FT/leaders.txt" >"$FT/pins.txt"

dt_serve "$DIEMTUA" "$FT/dt.conf" "$FT/serve.log" || { echo "server did not start"; exit 1; }

build/bench/loadgen "http://127.0.0.1:$port" "$DT_TOKEN" "$FT/d/phones.txt" \
    ft "$N" 16 1 240 "$FT/load.log" "$RATE" >"$FT/load.out" &
lg=$!
DT_PIDS="$DT_PIDS $lg"
LOADGEN_MSGS=$FT/money.txt build/bench/loadgen "http://127.0.0.1:$port" \
    "$DT_TOKEN" "$FT/d/phones.txt" fm "$MONEY" 4 1 240 "$FT/money.log" \
    "$MRATE" >"$FT/money.out" &
mlg=$!
DT_PIDS="$DT_PIDS $mlg"

kills=0
under_load=0
while [ $kills -lt "$KILLS" ]; do
    sleep "$((1 + RANDOM % 2)).$((RANDOM % 10))"
    { kill -0 $lg || kill -0 $mlg; } 2>/dev/null && under_load=$((under_load + 1))
    kill -9 "$DT_PID"
    dt_wait_pid "$DT_PID" 10
    kills=$((kills + 1))
    dt_serve "$DIEMTUA" "$FT/dt.conf" "$FT/serve.log" || { echo "restart failed"; exit 1; }
done
# Each load generator has its own 240 s deadline; 60 s more, then killed.
dt_wait_pid $lg 300
dt_wait_pid $mlg 300
read -r _ sent ok non2 noans unacked p50 p99 <"$FT/load.out"
echo "  load: $sent requests, $ok acknowledged, $non2 non-2xx, $noans without answer (server down), $unacked never acknowledged"
read -r _ msent mok mnon2 mnoans munacked _ _ <"$FT/money.out"
echo "  money: $msent requests, $mok acknowledged, $mnon2 non-2xx, $mnoans without answer (server down), $munacked never acknowledged"
echo "  kills: $kills, of which $under_load while the load ran"
ft_drain "$port" 120
drained=$?
dt_stop "$DT_PID"
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

# Money: the same for the leaders' commands, then the collections.
ft_acked "$FT/money.log" >"$FT/macked.txt"
mmissing=$(ft_missing "$db" "$FT/macked.txt" fm)
mstored=$(dt_sql "$db" "SELECT count(*) FROM inbound WHERE provider_id LIKE 'fm-%'")
mdistinct=$(dt_sql "$db" "SELECT count(DISTINCT provider_id) FROM inbound WHERE provider_id LIKE 'fm-%'")
# A recorded command queues two messages: the leader's confirmation and
# the member's receipt; a refusal (wrong PIN, over the due) queues one.
mnot_two=$(dt_sql "$db" "SELECT count(*) FROM inbound i WHERE provider_id LIKE 'fm-%' AND (SELECT count(*) FROM outbox o WHERE o.inbound_id = i.id) != 2")
# Each collection names the stored command that recorded it, and no
# command recorded two.
unlinked=$(dt_sql "$db" "SELECT count(*) FROM collections c LEFT JOIN inbound i ON i.id = c.inbound_id WHERE i.id IS NULL OR i.provider_id NOT LIKE 'fm-%'")
twice=$(dt_sql "$db" "SELECT count(*) FROM (SELECT inbound_id FROM collections GROUP BY inbound_id HAVING count(*) > 1)")
read -r ncoll nmembers bad_member not_one_coll coll_int coll_sav want_int want_sav \
    orphans receipt_not_one receipts <<<"$(sqlite3 -cmd '.timeout 5000' "$db" <<SQL | tail -n 1
CREATE TEMP TABLE want(code TEXT, kind TEXT, interest INTEGER, savings INTEGER);
CREATE TEMP TABLE acked(n INTEGER);
.mode csv
.import $FT/money.csv want
.import $FT/macked.txt acked
.mode list
.separator ' '
SELECT
 (SELECT count(*) FROM collections),
 (SELECT count(DISTINCT member_id) FROM collections),
 (SELECT count(*) FROM collections c JOIN members m ON m.id = c.member_id
   LEFT JOIN want w ON w.code = m.code
   WHERE w.code IS NULL OR c.interest != w.interest OR c.savings != w.savings
   OR c.principal != 0),
 (SELECT count(*) FROM want w JOIN members m ON m.code = w.code
   WHERE (SELECT count(*) FROM collections c WHERE c.member_id = m.id) != 1),
 (SELECT coalesce(sum(interest), 0) FROM collections),
 (SELECT coalesce(sum(savings), 0) FROM collections),
 (SELECT sum(interest) FROM want),
 (SELECT sum(savings) FROM want),
 (SELECT count(*) FROM collections c WHERE NOT EXISTS (
   SELECT 1 FROM outbox o JOIN inbound i ON i.id = o.inbound_id
   WHERE o.kind = 'RECEIPT' AND o.member_id = c.member_id
   AND instr(o.text, c.receipt_code) > 0 AND i.provider_id LIKE 'fm-%'
   AND CAST(substr(i.provider_id, 4) AS INTEGER) IN (SELECT n FROM acked))),
 (SELECT count(*) FROM collections c WHERE (SELECT count(*) FROM outbox o
   WHERE o.kind = 'RECEIPT' AND o.member_id = c.member_id
   AND instr(o.text, c.receipt_code) > 0) != 1),
 (SELECT count(*) FROM outbox WHERE kind = 'RECEIPT');
SQL
)"
mthu=$(grep -c ',THU,' "$FT/money.csv")

ft_eq "money commands never acknowledged" "$munacked" 0
ft_eq "acknowledged money commands missing (lost)" "$mmissing" 0
ft_eq "money commands stored" "$mstored" "$MONEY"
ft_eq "money commands stored once each" "$mdistinct" "$mstored"
ft_eq "money commands without exactly confirmation + receipt queued" "$mnot_two" 0
ft_eq "collections not linked to their stored command" "$unlinked" 0
ft_eq "commands with more than one collection (effect twice)" "$twice" 0
ft_eq "collections (one per acknowledged command)" "$ncoll" "$MONEY"
ft_eq "members with a collection" "$nmembers" "$MONEY"
ft_eq "members sent a command without exactly one collection" "$not_one_coll" 0
ft_eq "collections for another member or other amounts" "$bad_member" 0
ft_eq "interest recorded (VND)" "$coll_int" "$want_int"
ft_eq "savings recorded (VND)" "$coll_sav" "$want_sav"
ft_eq "collections without a stored, acknowledged command" "$orphans" 0
ft_eq "collections whose receipt is not queued exactly once" "$receipt_not_one" 0
ft_eq "receipt SMS queued" "$receipts" "$MONEY"
echo "  money commands: $mthu THU, $((MONEY - mthu)) GTK, $MONEY collections, $receipts receipts"
ft_eq "integrity_check" "$integ" ok
ft_gate "log gate (server log, stored texts, PINs and credentials)" \
    "$FT/serve.log" "$db" --secrets "$FT/pins.txt"
ft_done
