#!/bin/sh
# kannel.sh - Kannel's own inbound loop, the peer to compare diemtua with
#
#   bench/kannel.sh N ECHO_BIN      (called by bench/run.sh)
#
# fakesmsc sends N MO messages as fast as it can -> bearerbox -> smsbox,
# whose sms-service calls get-url on a trivial responder (ECHO_BIN: the
# baseline server in echo mode, answers "OK" at once, stores nothing);
# smsbox sends the answer back as the reply MT through bearerbox to
# fakesmsc, which prints it. Prints "KANNEL n replies seconds rate" once
# every reply is back or 120 s passed. Everything on 127.0.0.1, random
# ports; all processes are stopped at the end.
set -u
n=${1:-20000}
echo_bin=${2:-build/bench/baseline}
fakesmsc=/usr/lib/kannel/test/fakesmsc
for b in bearerbox smsbox; do
    command -v $b >/dev/null || { echo "KANNEL n/a (no $b: apt-get install kannel kannel-extras)"; exit 0; }
done
[ -x $fakesmsc ] || { echo "KANNEL n/a (no fakesmsc: kannel-extras)"; exit 0; }

dir=$(mktemp -d /tmp/dt-kannel.XXXXXX)
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    for p in $pids; do wait "$p" 2>/dev/null; done
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# Below the ephemeral range, where outgoing connections take ports.
port() { echo $((10000 + $(od -An -N2 -tu2 /dev/urandom) % 22000)); }
admin=$(port); box=$(port); fake=$(port); send=$(port)

"$echo_bin" 0 - echo >"$dir/echo.port" 2>"$dir/echo.err" &
pids="$pids $!"
i=0
while [ ! -s "$dir/echo.port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
echo_port=$(cat "$dir/echo.port")

cat >"$dir/kannel.conf" <<CONF
group = core
admin-port = $admin
admin-password = bench
smsbox-port = $box
box-allow-ip = 127.0.0.1
log-level = 4
log-file = "$dir/bearerbox.log"

group = smsc
smsc = fake
smsc-id = fake
port = $fake
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = $box
sendsms-port = $send
log-level = 4
log-file = "$dir/smsbox.log"

group = sendsms-user
username = bench
password = bench

group = sms-service
keyword = default
catch-all = yes
max-messages = 1
get-url = "http://127.0.0.1:$echo_port/?id=%I&from=%p&text=%b"
CONF

bearerbox "$dir/kannel.conf" >"$dir/bb.out" 2>&1 &
pids="$pids $!"
sleep 1
smsbox "$dir/kannel.conf" >"$dir/sb.out" 2>&1 &
pids="$pids $!"
sleep 1

start=$(date +%s.%N)
$fakesmsc -H 127.0.0.1 -r "$fake" -i 0 -m "$n" -z 1 "8491<rand> 8085 text SD" \
    >"$dir/fake.out" 2>&1 &
fpid=$!
pids="$pids $fpid"
got=0
deadline=$(($(date +%s) + 120))
while [ "$(date +%s)" -lt "$deadline" ]; do
    got=$(grep -c "text OK" "$dir/fake.out" 2>/dev/null)
    got=${got:-0}
    [ "$got" -ge "$n" ] && break
    sleep 0.2
done
end=$(date +%s.%N)
awk -v n="$n" -v g="$got" -v s="$start" -v e="$end" \
    'BEGIN { printf "KANNEL %d %d %.2f %.0f\n", n, g, e - s, g / (e - s) }'
