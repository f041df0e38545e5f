#!/bin/bash
# console.sh - the officers' console on the benchmark's data set
#
#   bench/console.sh                      1,000,000 members (as make bench)
#   BENCH_MEMBERS=100000 bench/console.sh a quicker pass
#
# Builds the data set of bench/run.sh (bench/gen.c, imported), then gives
# every member a history: two sessions of receipts in the states they
# reach (recorded, confirmed, disputed, voided, posted), a receipt SMS and
# a reply each with their delivery states, and two inbound messages. An
# admin account logs in; then REQUESTS member pages and leader pages of
# random people are fetched one after the other, and the latencies are
# printed (target: p99 under 50 ms); then the queue, home, delivery and
# search of one commune's officer, and an admin's choice of commune and
# that commune's pages. Figures also go to
# build/bench/console.txt. Every wait is bounded; what it starts is stopped.
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh
MEMBERS=${BENCH_MEMBERS:-1000000}
REQUESTS=${BENCH_REQUESTS:-1000}
OUT=build/bench
DATA=$OUT/console-data
DB=$OUT/console.db
RES=$OUT/console.txt
trap dt_cleanup EXIT INT TERM
mkdir -p "$DATA"
: >"$RES"

if [ -z "${DIEMTUA:-}" ]; then
    make -s -j2 build/diemtua || exit 1
    DIEMTUA=build/diemtua
fi
cc -O2 -std=c11 -D_DEFAULT_SOURCE -Wall -o $OUT/gen bench/gen.c || exit 1

echo "== console data set: $MEMBERS members"
if [ ! -f "$DATA/base-$MEMBERS.db" ]; then
    ./$OUT/gen "$DATA" "$MEMBERS" >/dev/null || exit 1
    rm -f "$DATA"/base-*.db*
    for kind in communes groups members loans savings; do
        timeout 1800 "$DIEMTUA" import --db "$DATA/base-$MEMBERS.db" "$kind" \
            "$DATA/$kind.csv" >/dev/null 2>"$OUT/console-import.err" || {
            cat "$OUT/console-import.err"
            exit 1
        }
    done
fi
rm -f "$DB" "$DB"-*
cp "$DATA/base-$MEMBERS.db" "$DB"
t0=$(date +%s)
# The history: sessions of 2026-10 and 2026-11, a receipt each, recorded
# by the group's leader; their SMS and two messages from each member.
timeout 1800 sqlite3 "$DB" >/dev/null <<'SQL' || exit 1
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE lead AS SELECT group_id, MIN(id) AS lid FROM members
 WHERE role = 'leader' GROUP BY group_id;
INSERT INTO inbound (provider, provider_id, channel, phone, text, received_at)
 SELECT 'kannel', 'h' || m.id || '-' || k.n, 'sms', m.phone,
  CASE k.n WHEN 1 THEN 'SD' ELSE 'so du a' END,
  1793000000 + m.id % 86400 + k.n * 2600000
 FROM members m, (SELECT 1 AS n UNION ALL SELECT 2) k;
INSERT INTO collections (receipt_code, member_id, leader_id, group_id,
 session_on, interest, savings, principal, state, channel, created_at,
 updated_at, disputed_from, remitted_at)
 SELECT printf('B%05X', m.id * 2 + k.n), m.id, l.lid, m.group_id,
  CASE k.n WHEN 0 THEN '2026-10-15' ELSE '2026-11-15' END,
  200000 + m.id % 50 * 1000, 20000, 0,
  CASE WHEN k.n = 0 THEN 'POSTED' WHEN m.id % 97 = 0 THEN 'DISPUTED'
   WHEN m.id % 89 = 0 THEN 'VOIDED' WHEN m.id % 3 = 0 THEN 'RECORDED'
   ELSE 'CONFIRMED' END, 'sms',
  1792000000 + k.n * 2600000 + m.id % 86400,
  1792000000 + k.n * 2600000 + m.id % 86400,
  CASE WHEN k.n = 1 AND m.id % 97 = 0 THEN 'RECORDED' END,
  1792100000 + k.n * 2600000
 FROM members m JOIN lead l ON l.group_id = m.group_id,
  (SELECT 0 AS n UNION ALL SELECT 1) k;
INSERT INTO outbox (phone, text, kind, member_id, state, attempts, next_at,
 provider, created_at, updated_at, class)
 SELECT m.phone, 'NHCS: To truong ghi thu: lai 200.000, TK 20.000. Dung: XN',
  CASE k.n WHEN 0 THEN 'RECEIPT' ELSE 'REPLY' END, m.id,
  CASE WHEN m.id % 53 = 0 THEN 'UNDELIVERED' WHEN m.id % 71 = 0 THEN 'FAILED'
   ELSE 'DELIVERED' END, 1, 0, 'kannel',
  1792000000 + k.n * 2600000 + m.id % 86400,
  1792000060 + k.n * 2600000 + m.id % 86400, CASE k.n WHEN 0 THEN 0 ELSE 1 END
 FROM members m, (SELECT 0 AS n UNION ALL SELECT 1) k;
COMMIT;
ANALYZE;
SQL
echo "  history: $(sqlite3 "$DB" 'SELECT COUNT(*) FROM collections') receipts," \
    "$(sqlite3 "$DB" 'SELECT COUNT(*) FROM outbox') SMS," \
    "$(sqlite3 "$DB" 'SELECT COUNT(*) FROM inbound') inbound in $(($(date +%s) - t0)) s;" \
    "database $(($(stat -c %s "$DB") / 1048576)) MB"

port=$(dt_port)
cport=$(dt_port)
conf=$OUT/console.conf
cat >"$conf" <<CONF
[server]
bind = 127.0.0.1
port = $port
[database]
path = $DB
[log]
level = warn
[security]
pin_pepper = bench-console-pepper-01
[messages]
templates = config/messages.conf
[limits]
per_number_per_hour = 10000
daily_sms_budget = 10000000
[reminders]
# no reminder pass beside the pages measured, whatever the hour
service_hours = $(dt_far_hours)
[console]
bind = 127.0.0.1
port = $cport
[kannel]
token = $DT_TOKEN
CONF
printf 'bench-admin-password\n' | "$DIEMTUA" officer add --config "$conf" \
    --role admin bench >/dev/null || exit 1
commune=$(sqlite3 "$DB" 'SELECT code FROM communes ORDER BY id LIMIT 1')
printf 'bench-officer-password\n' | "$DIEMTUA" officer add --config "$conf" \
    --commune "$commune" benchc >/dev/null || exit 1
dt_serve "$DIEMTUA" "$conf" "$OUT/console-serve.log" || {
    echo "  FAILED: the server did not start"
    tail "$OUT/console-serve.log"
    exit 1
}
dt_wait_http "http://127.0.0.1:$cport/login" 100 || exit 1
# login JAR USER PASSWORD
login() {
    rm -f "$1"
    csrf=$(curl -s -c "$1" -b "$1" --max-time 10 "http://127.0.0.1:$cport/login" |
        sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
    curl -s -c "$1" -b "$1" -o /dev/null --max-time 10 \
        --data "csrf=$csrf&user=$2&password=$3" "http://127.0.0.1:$cport/login"
}
jar=$OUT/console.cookies
login "$jar" bench bench-admin-password
login "$OUT/console-c.cookies" benchc bench-officer-password

max_id=$(sqlite3 "$DB" 'SELECT MAX(id) FROM members')
leaders=$OUT/console-leaders.txt
sqlite3 "$DB" "SELECT id FROM members WHERE role = 'leader'" >"$leaders"
nlead=$(wc -l <"$leaders")

# measure NAME URL-MAKER: REQUESTS fetches, one at a time, curl's time
measure() {
    local name=$1 make=$2 times=$OUT/console-$1.times i url code bad=0
    : >"$times"
    for i in $(seq "$REQUESTS"); do
        url=$($make)
        read -r code t < <(curl -s -b "$jar" -o /dev/null --max-time 10 \
            -w '%{http_code} %{time_total}\n' "$url")
        if [ "$code" != 200 ]; then
            [ "$bad" -eq 0 ] && echo "  $name: $url answered $code" >&2
            bad=$((bad + 1))
        fi
        echo "$t" >>"$times"
    done
    sort -n "$times" | awk -v name="$name" -v bad="$bad" '
        { t[NR] = $1 * 1000 }
        END {
            n = NR; p50 = t[int(n * 0.50) + 1]; p99 = t[int(n * 0.99)]
            printf "  %-12s %5d pages: p50 %6.2f ms, p99 %6.2f ms, max %6.2f ms, not 200: %d (target p99 < 50 ms)\n", name, n, p50, p99, t[n], bad
            printf "%s_p50_ms %.2f\n%s_p99_ms %.2f\n", name, p50, name, p99 > "/dev/stderr"
        }' 2>>"$RES"
}
random_member() { echo "http://127.0.0.1:$cport/member/$(( (RANDOM * 32768 + RANDOM) % max_id + 1 ))"; }
random_leader() { echo "http://127.0.0.1:$cport/leader/$(sed -n "$(( (RANDOM * 32768 + RANDOM) % nlead + 1 ))p" "$leaders")"; }
echo "== console pages, one request at a time ($REQUESTS each, admin: every commune)"
measure member random_member
measure leader random_leader
home_url() { echo "http://127.0.0.1:$cport/"; }
delivery_url() { echo "http://127.0.0.1:$cport/delivery"; }
names=(lan hoa mai hong thu cuc dao nga binh yen)
search_url() { echo "http://127.0.0.1:$cport/search?q=${names[$((RANDOM % 10))]}"; }
queue_url() { echo "http://127.0.0.1:$cport/queue"; }
echo "== one commune's officer: queue, home, delivery, search ($(sqlite3 "$DB" "SELECT COUNT(*) FROM members m JOIN groups g ON g.id = m.group_id JOIN communes c ON c.id = g.commune_id WHERE c.code = '$commune'") members)"
for page in queue home delivery search; do
    jar=$OUT/console-c.cookies REQUESTS=$(( REQUESTS < 200 ? REQUESTS : 200 )) \
        measure "$page" "${page}_url"
done

# An admin over every commune: the home and the queue ask for a commune
# (view_max_communes), then show one at random; delivery covers every
# message (the providers' health) or one commune's.
communes_file=$OUT/console-communes.txt
sqlite3 "$DB" 'SELECT id FROM communes' >"$communes_file"
ncomm=$(wc -l <"$communes_file")
random_commune() { sed -n "$(( (RANDOM * 32768 + RANDOM) % ncomm + 1 ))p" "$communes_file"; }
choice_url() { echo "http://127.0.0.1:$cport/"; }
chome_url() { echo "http://127.0.0.1:$cport/?xa=$(random_commune)"; }
cqueue_url() { echo "http://127.0.0.1:$cport/queue?xa=$(random_commune)"; }
cdelivery_url() { echo "http://127.0.0.1:$cport/delivery?xa=$(random_commune)"; }
echo "== an admin over all $ncomm communes: the choice, then one commune at random"
for page in choice chome cqueue cdelivery delivery; do
    n=$(( REQUESTS < 200 ? REQUESTS : 200 ))
    [ "$page" = delivery ] && n=20 # a week of every message: seconds
    REQUESTS=$n measure "admin_$page" "${page}_url"
done

# Inbound SMS with and without an officer reading member pages in a loop
# (curl, one after the other, as fast as they come).
if command -v wrk >/dev/null; then
    echo "== inbound SMS while the console is read (wrk -t1 -c64, ${BENCH_SECONDS:-5} s)"
    head -n 20000 "$DATA/phones.txt" >"$OUT/console-phones.txt"
    sms_rate() {
        line=$(TOKEN=$DT_TOKEN PHONES="$OUT/console-phones.txt" PREFIX="c$1$RANDOM" \
            SMSPATH=/v1/kannel/sms timeout 120 wrk -t1 -c64 \
            -d"${BENCH_SECONDS:-5}s" --timeout 5s -s bench/sms.lua \
            "http://127.0.0.1:$port" </dev/null | sed -n 's/^WRK //p')
        read -r req dur _ <<<"$line"
        echo $(( ${req:-0} * 1000000 / ${dur:-1} ))
    }
    alone=$(sms_rate a)
    # read_loop RATE: member pages, one client, keep-alive, RATE a second
    # ("" as fast as they come); one curl for all, so no process start
    # is measured.
    read_loop() {
        for i in $(seq 2000); do random_member; done >"$OUT/console-urls.txt"
        timeout $(( ${BENCH_SECONDS:-5} + 5 )) curl -s -b "$jar" -o /dev/null \
            ${1:+--rate "$1"} $(cat "$OUT/console-urls.txt") >/dev/null 2>&1
    }
    read_loop 20/s &
    loop=$!
    DT_PIDS="$DT_PIDS $loop"
    paced=$(sms_rate b)
    dt_stop "$loop" >/dev/null 2>&1
    read_loop "" &
    loop=$!
    DT_PIDS="$DT_PIDS $loop"
    flat=$(sms_rate c)
    dt_stop "$loop" >/dev/null 2>&1
    echo "  inbound alone $alone/s; with member pages read at 20/s $paced/s" \
        "($(echo "scale=1; 100 * $paced / ($alone + 0.001)" | bc)%; target >= 90%);" \
        "read flat out $flat/s ($(echo "scale=1; 100 * $flat / ($alone + 0.001)" | bc)%)"
    read_too=$paced
    echo "inbound_alone $alone" >>"$RES"
    echo "inbound_with_console $read_too" >>"$RES"
fi
echo "figures also in $RES"
