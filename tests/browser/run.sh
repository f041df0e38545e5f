#!/bin/bash
# run.sh - the officers' console in headless Chromium, end to end
#
#   tests/browser/run.sh [BIN]
#
# Builds a temporary database from the demo files and a second commune
# (tests/data/browser), with the demo accounts and one more officer for
# that commune; serves it with the console on and Kannel's sendsms shape
# pointed at the stub aggregator inside tests/browser/console.py, which
# drives Chromium through Selenium (Debian's chromium, chromium-driver,
# python3-selenium). Screenshots: build/screenshots/. Everything it
# starts is stopped on exit; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-build/diemtua}
[ -x "$BIN" ] || { echo "browser: no $BIN (make first)" >&2; exit 2; }
for need in /usr/bin/chromium /usr/bin/chromedriver; do
    [ -x "$need" ] || {
        echo "browser: $need missing: apt-get install chromium chromium-driver python3-selenium" >&2
        exit 2
    }
done
/usr/bin/python3 -c 'import selenium' 2>/dev/null || {
    echo "browser: python3-selenium missing: apt-get install python3-selenium" >&2
    exit 2
}

dir=$(mktemp -d "${TMPDIR:-/tmp}/dt_browser.XXXXXX")
pid=""
cleanup() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -rf "$dir"
}
trap cleanup EXIT

free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
port=$(free_port)
cport=$(free_port)
sport=$(free_port)
cat >"$dir/t.conf" <<CONF
[server]
bind = 127.0.0.1
port = $port
[database]
path = $dir/t.db
[outbound]
provider = kannel
[security]
pin_pepper = browser-test-pepper-5c1e
[messages]
templates = config/messages.conf
phrases = config/phrases.conf
[reminders]
service_hours = $(h=$(( ($(date -u +%s) / 3600 + 19) % 24 )); printf '%02d:00-%02d:30' "$h" "$h")
[console]
bind = 127.0.0.1
port = $cport
training_communes = LA-BL-TH
[kannel]
token = browser-kannel-token-01
send_url = http://127.0.0.1:$sport/cgi-bin/sendsms
username = diemtua
password = stub
CONF

scripts/demo-db.sh "$BIN" "$dir/t.db" "$dir/t.conf" >"$dir/setup.log" 2>&1
for kind in communes groups members loans savings; do
    "$BIN" import --db "$dir/t.db" "$kind" "tests/data/browser/$kind.csv" \
        >>"$dir/setup.log" 2>&1
done
printf '4321\n' | "$BIN" pin set --config "$dir/t.conf" LH01-01 >>"$dir/setup.log" 2>&1
printf 'demo-officer2-2026\n' | "$BIN" officer add --config "$dir/t.conf" \
    --commune LA-BL-LH canbo2 >>"$dir/setup.log" 2>&1

"$BIN" serve --config "$dir/t.conf" >"$dir/serve.log" 2>&1 </dev/null &
pid=$!
for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
mkdir -p build/screenshots
rc=0
timeout 300 /usr/bin/python3 tests/browser/console.py \
    "http://127.0.0.1:$port/v1/kannel/sms?token=browser-kannel-token-01" \
    "http://127.0.0.1:$cport" "$sport" "$dir/t.db" build/screenshots </dev/null || rc=$?
if [ $rc -ne 0 ]; then
    echo "browser: FAILED (exit $rc); the server's log:" >&2
    tail -40 "$dir/serve.log" >&2
fi
exit $rc
