#!/bin/bash
# slowloris.sh - slow-headers floods while legitimate traffic flows
#
#   tests/fault/slowloris.sh   SLOW=400 then FLOOD=3000 connections
#   FT_QUICK=1 (CI)            the same (it is short already)
#
# The server runs with connection_limit 512 and head_timeout 10 s.
# Phase 1: SLOW connections (under the limit) each send the start of a
# request and then a header line every 2 s (activity that would keep
# libmicrohttpd's idle timeout away forever), while an aggregator sends
# 2000 messages at 100/s without retries: every one answered 2xx.
# Phase 2: FLOOD connections (six times the limit) opened as fast as the
# shell can, trickling the same way: the guard closes the oldest
# unfinished heads to make room and every head at its deadline. During
# it the aggregator's 2000 messages and a /healthz probe every 0.5 s must
# each be answered within 2 s. The guard's counts (/metrics) are shown.
# Stops by itself; loopback only.
. "$(dirname "$0")/common.sh"
SLOW=${SLOW:-400}
FLOOD=${FLOOD:-3000}
ulimit -n 8192 2>/dev/null || ulimit -n 4096

ft_data "$FT/d"
ft_stub 0 "$FT/stub.out"
port=$(dt_port)
dt_conf "$FT/dt.conf" "$port" "$FT/d/dt.db" "http://127.0.0.1:$FT_STUB_PORT" 1000
sed -i 's/^connection_limit = .*/connection_limit = 512/' "$FT/dt.conf"
dt_serve "$DIEMTUA" "$FT/dt.conf" "$FT/serve.log" || { echo "server did not start"; exit 1; }

# flood COUNT SECONDS: opens COUNT slow connections in a background job
# and trickles a header line on each every 2 s for SECONDS. A connection
# the server closed just fails its writes (SIGPIPE ignored).
flood() {
    (
        trap '' PIPE
        fds=""
        for i in $(seq 1 "$1"); do
            if exec {fd}<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
                printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n' >&$fd 2>/dev/null
                fds="$fds $fd"
            fi
        done
        echo "$(echo $fds | wc -w)" >"$FT/flood.open"
        end=$(($(date +%s) + $2))
        while [ "$(date +%s)" -lt "$end" ]; do
            sleep 2
            for fd in $fds; do
                printf 'X-Slow: %d\r\n' "$RANDOM" >&$fd 2>/dev/null
            done
        done
    ) &
    FLOOD_PID=$!
    DT_PIDS="$DT_PIDS $FLOOD_PID"
}

legit() { # PREFIX -> load line (loadgen stops itself after 60 s)
    timeout 90 build/bench/loadgen "http://127.0.0.1:$port" "$DT_TOKEN" "$FT/d/phones.txt" \
        "$1" 2000 8 0 60 "$FT/$1.log" 100 | tail -n 1
}

# probe SECONDS: /healthz every 0.5 s; prints "probes slow_or_failed max_s".
probe() {
    end=$(($(date +%s) + $1))
    n=0 bad=0 max=0
    while [ "$(date +%s)" -lt "$end" ]; do
        t=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 2 \
            "http://127.0.0.1:$port/healthz" 2>/dev/null)
        n=$((n + 1))
        case "$t" in 200\ *) ;; *) bad=$((bad + 1)) ;; esac
        max=$(echo "${t#* } $max" | awk '{print ($1 > $2) ? $1 : $2}')
        sleep 0.5
    done
    echo "$n $bad $max"
}

guard() { # the guard's counts from /metrics
    curl -s --max-time 2 -H "Authorization: Bearer $DT_METRICS_TOKEN" \
        "http://127.0.0.1:$port/metrics" |
        sed -n 's/^diemtua_http_connections_shut_total{reason="\(.*\)"} \(.*\)/\1 \2/p' |
        tr '\n' ' '
}

echo "slowloris: $SLOW slow connections (limit 512) + 2000 legitimate messages"
rm -f "$FT/flood.open"
flood "$SLOW" 30
dt_wait_file "$FT/flood.open" 60 || { echo "the flood did not start"; exit 1; }
sleep 1
read -r _ sent ok non2 noans unacked p50 p99 <<<"$(legit sl)"
echo "  slow connections held: $(cat "$FT/flood.open"); legitimate: $ok of 2000 answered 2xx, p50 $((p50 / 1000)) ms, p99 $((p99 / 1000)) ms"
ft_eq "legitimate messages not answered 2xx" "$unacked" 0
dt_stop "$FLOOD_PID" 10
sleep 1

echo "slowloris: $FLOOD slow connections (six times the limit), trickling"
rm -f "$FT/flood.open"
t0=$(date +%s)
flood "$FLOOD" 40
probe 30 >"$FT/probe.out" &
PROBE_PID=$!
DT_PIDS="$DT_PIDS $PROBE_PID"
read -r _ sent ok non2 noans unacked p50 p99 <<<"$(legit sl2)"
dt_wait_pid "$PROBE_PID" 60
read -r probes pbad pmax <"$FT/probe.out"
opened=$(cat "$FT/flood.open" 2>/dev/null || echo "?")
echo "  slow connections opened: $opened in $(($(date +%s) - t0)) s; legitimate: $ok of 2000 answered 2xx, $noans without answer, p50 $((p50 / 1000)) ms, p99 $((p99 / 1000)) ms"
echo "  /healthz during the flood: $probes probes, $pbad not answered 200 within 2 s, slowest ${pmax} s"
echo "  guard: $(guard)"
ft_eq "legitimate messages during the flood not answered 2xx" "$unacked" 0
[ "$((p99 / 1000))" -lt 2000 ]
ft_check "legitimate p99 during the flood under 2 s" $? "$((p99 / 1000)) ms"
ft_eq "/healthz probes not answered within 2 s during the flood" "$pbad" 0
dt_stop "$FLOOD_PID" 10
sleep 2
read -r _ sent ok non2 noans unacked p50 p99 <<<"$(legit sl3)"
echo "  after the flood stops: $ok of 2000 answered 2xx"
ft_eq "legitimate messages after the flood, not answered 2xx" "$unacked" 0
kill -0 "$DT_PID"
ft_check "server alive" $? "pid $DT_PID"
dt_stop "$DT_PID"
ft_gate "log gate (server log, stored texts, credentials)" "$FT/serve.log" "$FT/d/dt.db"
ft_done
