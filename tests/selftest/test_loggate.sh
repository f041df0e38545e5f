#!/bin/sh
# test_loggate.sh - the log gate's command (build/tests/tools/loggate),
# as the fault and e2e scripts call it: a clean log passes; a PIN planted
# in a log line, a credential from the configuration, a whole phone
# number, an unexpected ERROR, a sanitizer report and a PIN in a stored
# text each fail it; an expected ERROR does not.
set -u
cd "$(dirname "$0")/../.."
gate=${BUILD:-build}/tests/tools/loggate
dir=$(mktemp -d /tmp/dt-loggate-t.XXXXXX)
trap 'rm -rf "$dir"' EXIT INT TERM
fails=0
n=0
expect() { # WANT(0/1) NAME ARGS...: loggate's exit status
    want=$1 name=$2
    shift 2
    n=$((n + 1))
    timeout 20 "$gate" "$@" >"$dir/out" 2>&1 </dev/null
    got=$?
    if [ "$got" -eq "$want" ]; then
        echo "  ok    $name (exit $got)"
    else
        echo "  FAIL  $name (exit $got, want $want)"
        sed 's/^/    | /' "$dir/out"
        fails=$((fails + 1))
    fi
}
log() { printf '%s\n' "$@" >"$dir/log"; }
cat >"$dir/dt.conf" <<'CONF'
[kannel]
token = conf-token-0000000001
password = ${DT_GATE_TEST_PASSWORD}
[security]
pin_pepper = pepper-of-the-gate-test
CONF
export DT_GATE_TEST_PASSWORD=env-password-0001
ok='2026-12-06T10:00:00Z INFO server: listening on 127.0.0.1:8080'

log "$ok" '2026-12-06T10:00:01Z WARN outbox: message 5 to +849*****004'
expect 0 "a clean log" --secret 7391 --conf "$dir/dt.conf" "$dir/log"
log "$ok" '2026-12-06T10:00:01Z INFO inbound: THU 2 50k 0 7391'
expect 1 "a PIN planted in a log line" --secret 7391 "$dir/log"
log "$ok" 'GET /x?token=conf-token-0000000001'
expect 1 "a token from the configuration" --conf "$dir/dt.conf" "$dir/log"
log "$ok" 'sendsms?password=env-password-0001'
expect 1 "a password read from \${ENV}" --conf "$dir/dt.conf" "$dir/log"
log "$ok" '2026-12-06T10:00:01Z WARN inbound: +84912345678 over limit'
expect 1 "a whole phone number" "$dir/log"
log "$ok" '2026-12-06T10:00:01Z ERROR db: commit: disk full'
expect 1 "an unexpected ERROR" "$dir/log"
expect 0 "the same ERROR, expected" --expect 'disk full' "$dir/log"
log "$ok" '==1==ERROR: AddressSanitizer: heap-buffer-overflow'
expect 1 "a sanitizer report" --expect AddressSanitizer "$dir/log"
log "$ok"
sqlite3 "$dir/t.db" "CREATE TABLE inbound(text TEXT);
    INSERT INTO inbound VALUES ('MK 7391 2468');" || fails=$((fails + 1))
expect 1 "a PIN in a stored text" --secret 7391 --db "$dir/t.db" "$dir/log"
expect 0 "other stored texts" --secret 2469 --db "$dir/t.db" "$dir/log"
expect 2 "no log given" --secret 7391
expect 2 "a log that is not there" "$dir/nothing"

echo "test_loggate: $((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
