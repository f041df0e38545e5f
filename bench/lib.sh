# lib.sh - helpers shared by bench/run.sh and tests/fault/*.sh (sourced)
#
# Everything listens on 127.0.0.1 on random high ports; every process
# started here is remembered in DT_PIDS and stopped by dt_cleanup. No wait
# here is unbounded: a process that does not stop when asked is killed
# (dt_stop), a file or a server that does not appear in time is a failure
# (dt_wait_file, dt_wait_http), a helper that overstays is killed
# (dt_wait_pid). The make targets also run each script under timeout(1).

DT_PIDS=""
DT_TOKEN=bench-kannel-token-000001
DT_METRICS_TOKEN=bench-metrics-token-00001

# dt_port: a random port below the kernel's ephemeral range (outgoing
# connections take those) that nothing on this machine uses right now.
dt_port() {
    low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
    [ -n "$low" ] && [ "$low" -gt 12000 ] || low=32768
    while :; do
        p=$((10000 + $(od -An -N2 -tu2 /dev/urandom) % (low - 10000)))
        ss -Htan 2>/dev/null | awk '{print $4; print $5}' |
            grep -q ":$p\$" || { echo "$p"; return; }
    done
}

# dt_far_hours: a half hour of service twelve hours from now, Vietnam
# time: the scheduler of a server started for a test or a benchmark then
# queues no reminder or statement beside the messages being counted,
# whatever the hour the run starts (it did in the service hours).
dt_far_hours() {
    h=$(( ($(date -u +%s) / 3600 + 7 + 12) % 24 ))
    printf '%02d:00-%02d:30\n' "$h" "$h"
}

# dt_conf FILE PORT DB SEND_URL SEND_RATE [EXTRA...]: a serve config with
# Kannel in and out, Africa's Talking for USSD. EXTRA lines are appended to [limits]-free tail.
dt_conf() {
    f=$1 port=$2 db=$3 url=$4 rate=$5
    shift 5
    cat >"$f" <<CONF
[server]
bind = 127.0.0.1
port = $port
threads = 2
connection_limit = 4000
connection_timeout = 10
metrics_token = $DT_METRICS_TOKEN
[database]
path = $db
[log]
level = ${DT_LOG_LEVEL:-warn}
[outbound]
provider = kannel
send_rate = $rate
max_attempts = 100
backoff_initial = 1
backoff_max = 2
connect_timeout_ms = 1000
request_timeout_ms = 3000
[limits]
per_number_per_hour = 10000
daily_sms_budget = 10000000
[messages]
templates = config/messages.conf
[reminders]
service_hours = $(dt_far_hours)
[kannel]
token = $DT_TOKEN
send_url = $url/cgi-bin/sendsms
username = bench
password = bench
dlr_url = http://127.0.0.1:$port
[africastalking]
token = $DT_TOKEN
CONF
    for line in "$@"; do echo "$line" >>"$f"; done
}

# dt_wait_http URL [TRIES]: true once URL answers 200 (0.1 s apart).
dt_wait_http() {
    i=0
    while [ "$i" -lt "${2:-100}" ]; do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1" 2>/dev/null)
        [ "$code" = 200 ] && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# dt_serve BIN CONF LOG: starts diemtua serve, sets DT_PID, waits until
# /healthz answers. False if it does not come up.
dt_serve() {
    "$1" serve --config "$2" 2>>"$3" &
    DT_PID=$!
    DT_PIDS="$DT_PIDS $DT_PID"
    dt_wait_http "http://127.0.0.1:$(sed -n 's/^port = //p' "$2" | head -1)/healthz" 100
}

# dt_bg CMD...: starts a helper in the background, remembered.
dt_bg() {
    "$@" &
    DT_LAST=$!
    DT_PIDS="$DT_PIDS $DT_LAST"
}

# dt_queued PORT: the outbox's queued count from /healthz ("" if down).
dt_queued() {
    curl -s --max-time 2 -H "Authorization: Bearer $DT_METRICS_TOKEN" \
        "http://127.0.0.1:$1/healthz" |
        sed -n 's/.*"queued":\([0-9]*\).*/\1/p'
}

# dt_pending PORT: queued + sending from /healthz ("" if down).
dt_pending() {
    curl -s --max-time 2 -H "Authorization: Bearer $DT_METRICS_TOKEN" \
        "http://127.0.0.1:$1/healthz" |
        sed -n 's/.*"queued":\([0-9]*\),"sending":\([0-9]*\).*/\1 \2/p' |
        awk '{print $1 + $2}'
}

dt_rss_kb() {
    sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status" 2>/dev/null
}

# dt_stop PID [SECONDS]: SIGTERM, then SIGKILL if PID is still running
# after SECONDS (default 30); reaps it. False when it had to be killed.
dt_stop() {
    kill "$1" 2>/dev/null || { wait "$1" 2>/dev/null; return 0; }
    dt_wait_pid "$1" "${2:-30}"
}

# dt_wait_pid PID SECONDS: waits for a background PID to exit on its own;
# after SECONDS it is killed (SIGKILL) and the answer is false. Its exit
# status is in DT_RC.
dt_wait_pid() {
    _end=$(($(date +%s) + $2))
    while kill -0 "$1" 2>/dev/null; do
        if [ "$(date +%s)" -ge "$_end" ]; then
            echo "  (pid $1 still running after $2 s: killed)" >&2
            kill -9 "$1" 2>/dev/null
            wait "$1" 2>/dev/null
            DT_RC=137
            return 1
        fi
        sleep 0.1
    done
    wait "$1" 2>/dev/null
    DT_RC=$?
    return 0
}

# dt_wait_file FILE SECONDS: true once FILE is not empty.
dt_wait_file() {
    _end=$(($(date +%s) + $2))
    while [ ! -s "$1" ]; do
        [ "$(date +%s)" -ge "$_end" ] && return 1
        sleep 0.1
    done
}

dt_cleanup() {
    for p in $DT_PIDS; do kill "$p" 2>/dev/null; done
    for p in $DT_PIDS; do dt_wait_pid "$p" 10; done
    DT_PIDS=""
}

# dt_sql DB SQL: one value.
dt_sql() {
    sqlite3 -cmd '.timeout 5000' "$1" "$2"
}
