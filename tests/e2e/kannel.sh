#!/bin/sh
# kannel.sh - end to end with the real Kannel: a handset (fakesmsc) sends
# "SD", bearerbox and smsbox hand it to diemtua by the sms-service get-url,
# diemtua replies through /cgi-bin/sendsms, the reply reaches the handset,
# and Kannel's delivery report moves the outbox row to DELIVERED.
#
#   tests/e2e/kannel.sh build/diemtua        (make e2e)
#
# Run from the top of the tree. Needs the Debian packages kannel and
# kannel-extras (scripts/install-deps.sh --e2e), sqlite3 and curl. Every
# process runs on loopback on random high ports in a temporary directory;
# everything is stopped on exit, whatever happens, and the whole run is
# bounded by E2E_TIMEOUT seconds (default 120). Logs are kept when a check
# fails (or with E2E_KEEP=1). Prints "e2e: N passed, M failed"; exits
# non-zero on any failure.
set -u

BIN=${1:-}
BEARERBOX=${BEARERBOX:-/usr/sbin/bearerbox}
SMSBOX=${SMSBOX:-/usr/sbin/smsbox}
FAKESMSC=${FAKESMSC:-/usr/lib/kannel/test/fakesmsc}
E2E_TIMEOUT=${E2E_TIMEOUT:-120}
TOP=$(pwd)
DATA=$TOP/tests/e2e/data

# The handset of member E2E-M2 (tests/e2e/data/members.csv), as the SMSC
# presents it, and our short code.
HANDSET=84912345678
HANDSET_E164=+84912345678
SHORTCODE=8149
TOKEN=e2e-kannel-token-5d1f0a9c
SENDPW=e2e-sendsms-pass

passed=0
failed=0
PIDS=""
TMP=""

if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
    echo "usage: $0 path/to/diemtua (run from the top of the tree)" >&2
    exit 2
fi
case $BIN in /*) ;; *) BIN=$TOP/$BIN ;; esac
GATE=${GATE:-$(dirname "$BIN")/tests/tools/loggate}
if [ ! -x "$GATE" ]; then
    echo "e2e: $GATE not found: make $(dirname "$BIN")/tests/tools/loggate" >&2
    echo "e2e: 0 passed, 1 failed"
    exit 1
fi
for x in "$BEARERBOX" "$SMSBOX" "$FAKESMSC"; do
    if [ ! -x "$x" ]; then
        echo "e2e: $x not found: run scripts/install-deps.sh --e2e" >&2
        echo "e2e: 0 passed, 1 failed"
        exit 1
    fi
done
for x in sqlite3 curl mkfifo od; do
    if ! command -v "$x" >/dev/null 2>&1; then
        echo "e2e: $x not found: run scripts/install-deps.sh" >&2
        echo "e2e: 0 passed, 1 failed"
        exit 1
    fi
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/diemtua-e2e.XXXXXX") || exit 1

stop_all() {
    exec 7>&- 2>/dev/null # EOF on its stdin ends fakesmsc
    for p in $PIDS; do
        kill "$p" 2>/dev/null
    done
    n=0
    while [ $n -lt 50 ]; do # bearerbox drains its queues: up to 10 s
        alive=""
        for p in $PIDS; do
            kill -0 "$p" 2>/dev/null && alive=1
        done
        [ -z "$alive" ] && break
        sleep 0.2
        n=$((n + 1))
    done
    for p in $PIDS; do
        kill -9 "$p" 2>/dev/null
    done
    PIDS=""
}

cleanup() {
    trap - EXIT INT TERM
    stop_all
    if [ "$failed" -ne 0 ] || [ -n "${E2E_KEEP:-}" ]; then
        for f in "$TMP"/*.log; do
            [ -f "$f" ] || continue
            echo "--- last lines of $f"
            grep -v ' DEBUG: ' "$f" | tail -n 15
        done
        echo "e2e: logs kept in $TMP"
    else
        rm -rf "$TMP"
    fi
    echo "e2e: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}
trap cleanup EXIT
trap 'echo "e2e: interrupted or timed out" >&2; failed=$((failed + 1)); exit 1' INT TERM

# A watchdog: TERM to us after E2E_TIMEOUT seconds. It stops its own sleep
# when it is killed, so nothing outlives the test.
(
    trap 'kill $s 2>/dev/null; exit 0' TERM
    sleep "$E2E_TIMEOUT" &
    s=$!
    wait $s && kill -TERM $$ 2>/dev/null
) >/dev/null 2>&1 &
PIDS="$PIDS $!"

check() {
    name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
        echo "ok   - $name"
    else
        failed=$((failed + 1))
        echo "FAIL - $name"
    fi
}

# wait_until SECONDS CMD...: runs CMD every 0.2 s until it succeeds.
wait_until() {
    n=$(($1 * 5))
    shift
    while [ $n -gt 0 ]; do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.2
        n=$((n - 1))
    done
    return 1
}

sql() {
    sqlite3 -batch -noheader -cmd ".timeout 3000" "$DB" "$1" 2>/dev/null
}

sql_is() {
    [ "$(sql "$1")" = "$2" ]
}

port_free() {
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/"
    [ $? -eq 7 ] # connection refused
}

# Five consecutive free ports from a random base below the kernel's
# ephemeral range (where outgoing connections, and their TIME_WAIT
# leftovers, would make a port that looks free fail to bind later).
pick_ports() {
    tries=0
    low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
    [ -n "$low" ] && [ "$low" -gt 12000 ] || low=32768
    while [ $tries -lt 20 ]; do
        r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
        base=$((10000 + r % (low - 10010)))
        ok=1
        for i in 0 1 2 3 4; do
            port_free $((base + i)) || ok=""
        done
        if [ -n "$ok" ]; then
            echo "$base"
            return 0
        fi
        tries=$((tries + 1))
    done
    return 1
}

BASE=$(pick_ports) || {
    echo "e2e: no free ports" >&2
    failed=1
    exit 1
}
ADMIN_PORT=$BASE
BOX_PORT=$((BASE + 1))
FAKE_PORT=$((BASE + 2))
SENDSMS_PORT=$((BASE + 3))
DT_PORT=$((BASE + 4))
DB=$TMP/diemtua.db
mkdir -p "$TMP/spool"

# kannel.conf as docs/PROVIDERS.md tells an operator to write it; only the
# SMSC (fakesmsc instead of the carrier's SMPP link), ports and paths
# differ.
cat >"$TMP/kannel.conf" <<EOF
group = core
admin-port = $ADMIN_PORT
admin-interface = 127.0.0.1
admin-password = e2e-admin
smsbox-port = $BOX_PORT
box-allow-ip = 127.0.0.1
store-type = spool
store-location = "$TMP/spool"
dlr-storage = internal
log-file = "$TMP/bearerbox.log"
log-level = 1

group = smsc
smsc = fake
smsc-id = fake
port = $FAKE_PORT
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = $BOX_PORT
sendsms-port = $SENDSMS_PORT
sendsms-interface = 127.0.0.1
mo-recode = true
http-request-retry = 10
http-queue-delay = 10
log-file = "$TMP/smsbox.log"
log-level = 1

group = sms-service
keyword = default
get-url = "http://127.0.0.1:$DT_PORT/v1/kannel/sms?token=$TOKEN&id=%I&from=%p&to=%P&text=%b"
max-messages = 0
omit-empty = true

group = sendsms-user
username = diemtua
password = $SENDPW
user-allow-ip = 127.0.0.1
max-messages = 1
concatenation = false
EOF

cat >"$TMP/diemtua.conf" <<EOF
[server]
bind = 127.0.0.1
port = $DT_PORT

[database]
path = $DB

[log]
level = info

[outbound]
provider = kannel
send_rate = 50
max_attempts = 5
backoff_initial = 1
backoff_max = 5
connect_timeout_ms = 2000
request_timeout_ms = 5000

[security]
pin_pepper = e2e-pepper-not-secret

[messages]
templates = $TOP/config/messages.conf
phrases = $TOP/config/phrases.conf
brand = NHCS

[reminders]
# Twelve hours from now: the scheduler queues no statement or reminder
# beside the replies this test counts, whatever the hour it runs.
service_hours = $(h=$(( ($(date -u +%s) / 3600 + 19) % 24 )); printf '%02d:00-%02d:30' "$h" "$h")

[kannel]
token = $TOKEN
send_url = http://127.0.0.1:$SENDSMS_PORT/cgi-bin/sendsms
username = diemtua
password = $SENDPW
sender = $SHORTCODE
dlr_url = http://127.0.0.1:$DT_PORT
EOF

import_all() {
    for kind in communes groups members loans savings; do
        "$BIN" import --config "$TMP/diemtua.conf" "$kind" \
            "$DATA/$kind.csv" >>"$TMP/import.log" 2>&1 || return 1
    done
}
check "import the test commune, group, members, loans, savings" import_all

"$BEARERBOX" "$TMP/kannel.conf" >"$TMP/bearerbox.out" 2>&1 &
PIDS="$PIDS $!"
admin_up() {
    curl -sf --max-time 2 \
        "http://127.0.0.1:$ADMIN_PORT/status.txt?password=e2e-admin"
}
check "bearerbox starts" wait_until 15 admin_up

"$SMSBOX" "$TMP/kannel.conf" >"$TMP/smsbox.out" 2>&1 &
PIDS="$PIDS $!"
sendsms_up() {
    curl -s -o /dev/null --max-time 2 \
        "http://127.0.0.1:$SENDSMS_PORT/cgi-bin/sendsms"
}
check "smsbox starts" wait_until 15 sendsms_up

"$BIN" serve --config "$TMP/diemtua.conf" >"$TMP/diemtua.log" 2>&1 &
PIDS="$PIDS $!"
healthy() {
    curl -sf --max-time 2 "http://127.0.0.1:$DT_PORT/healthz"
}
check "diemtua serve starts" wait_until 15 healthy

# fakesmsc reads the handset's messages from a FIFO held open on fd 7.
mkfifo "$TMP/handset"
"$FAKESMSC" -H 127.0.0.1 -r "$FAKE_PORT" <"$TMP/handset" \
    >"$TMP/fakesmsc.log" 2>&1 &
PIDS="$PIDS $!"
exec 7>"$TMP/handset"
smsc_online() {
    admin_up | grep -q 'online'
}
check "fakesmsc connects as the SMSC" wait_until 15 smsc_online

status_of() {
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1"
}
wrong_token() {
    [ "$(status_of "http://127.0.0.1:$DT_PORT/v1/kannel/sms?token=wrong&id=x1&from=$HANDSET&to=$SHORTCODE&text=SD")" = 403 ]
}
check "a callback with a wrong token is refused 403" wrong_token

# The member texts SD.
echo "$HANDSET $SHORTCODE text SD" >&7
check "the MO reaches diemtua with Kannel's id" \
    wait_until 20 sql_is "SELECT count(*) FROM inbound WHERE provider = 'kannel' AND text = 'SD' AND length(provider_id) = 36;" 1
replies() {
    grep -c "Got message [0-9]*: <$SHORTCODE $HANDSET_E164 text NHCS" \
        "$TMP/fakesmsc.log"
}
reply_count_is() {
    [ "$(replies)" = "$1" ]
}
check "the reply reaches the handset" wait_until 20 reply_count_is 1
check "the delivery report marks the reply DELIVERED" \
    wait_until 20 sql_is "SELECT state FROM outbox WHERE phone = '$HANDSET_E164' ORDER BY id LIMIT 1;" DELIVERED

# smsbox retries a failed get-url with the same %I: a repeat is
# acknowledged and changes nothing.
first_id=$(sql "SELECT provider_id FROM inbound WHERE provider = 'kannel' ORDER BY id LIMIT 1;")
repeat_is_harmless() {
    [ -n "$first_id" ] &&
        [ "$(status_of "http://127.0.0.1:$DT_PORT/v1/kannel/sms?token=$TOKEN&id=$first_id&from=$HANDSET&to=$SHORTCODE&text=SD")" = 200 ] &&
        sleep 1 &&
        sql_is "SELECT count(*) FROM inbound;" 1 &&
        sql_is "SELECT count(*) FROM outbox;" 1
}
check "a repeated Kannel id is acknowledged with no second reply" \
    repeat_is_harmless

# A UCS-2 MO ("Sđ", with the d-stroke of Vietnamese): smsbox's mo-recode
# turns it into UTF-8 and %b passes it whole.
echo "$HANDSET $SHORTCODE ucs2 %00S%01%11" >&7
check "a UCS-2 MO arrives as UTF-8" \
    wait_until 20 sql_is "SELECT count(*) FROM inbound WHERE text = 'Sđ';" 1
check "its reply reaches the handset" wait_until 20 reply_count_is 2
check "both replies end DELIVERED" \
    wait_until 20 sql_is "SELECT count(*) FROM outbox WHERE state = 'DELIVERED';" 2

# The log gate (tests/support/log_gate.h) over what diemtua logged and
# stored: no unexpected ERROR, no sanitizer report, no credential of its
# configuration, no whole phone number in the log.
gate_ok() {
    "$GATE" --conf "$TMP/diemtua.conf" --db "$DB" "$TMP/diemtua.log" \
        >"$TMP/gate.log" 2>&1 </dev/null
    rc=$?
    sed 's/^/     /' "$TMP/gate.log"
    return $rc
}
check "log gate over diemtua's log and stored texts" gate_ok

