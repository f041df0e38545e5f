#!/bin/bash
# db_start.sh - serve on a missing or damaged database file: a clear
# refusal, never a silent new database
#
#   tests/fault/db_start.sh       (the same in FT_QUICK=1: it is short)
#
# For each case diemtua serve is started on a copy of an imported
# database, spoiled as the case says: it must exit non-zero within 15 s,
# say "refusing to start" and why, listen on nothing, and leave the file
# exactly as it was (no file created where there was none). Cases: no
# file; an empty file; random bytes; a page in the middle overwritten; the
# file cut in half; a directory. Then the intact copy: it must serve.
# Loopback only.
. "$(dirname "$0")/common.sh"

echo "db_start: serve on a missing or damaged database"
ft_data "$FT/d"
good=$FT/d/dt.db
size=$(stat -c %s "$good")
pages=$((size / 4096))

spoil() { # CASE PATH
    rm -rf "$2" "$2-wal" "$2-shm"
    case $1 in
    missing) ;;
    empty) : >"$2" ;;
    garbage) head -c "$size" /dev/urandom >"$2" ;;
    page)
        cp "$good" "$2"
        head -c 4096 /dev/zero | tr '\0' 'Z' |
            dd of="$2" bs=4096 seek=$((pages / 2)) conv=notrunc status=none
        ;;
    truncated)
        cp "$good" "$2"
        truncate -s $((size / 2)) "$2"
        ;;
    directory) mkdir "$2" ;;
    esac
}

sum() { # PATH: a fingerprint of what is there
    if [ -d "$1" ]; then echo dir
    elif [ -e "$1" ]; then sha256sum <"$1" | cut -c1-16
    else echo none
    fi
}

port=$(dt_port)
: >"$FT/serve.log"
for c in missing empty garbage page truncated directory; do
    db=$FT/$c.db
    spoil "$c" "$db"
    dt_conf "$FT/dt.conf" "$port" "$db" "http://127.0.0.1:9" 50
    before=$(sum "$db")
    t0=$(date +%s.%N)
    timeout 15 "$DIEMTUA" serve --config "$FT/dt.conf" </dev/null \
        >"$FT/$c.out" 2>&1
    rc=$?
    el=$(printf %.2f "$(echo "$(date +%s.%N) - $t0" | bc)")
    cat "$FT/$c.out" >>"$FT/serve.log"
    why=$(grep -m1 'refusing to start' "$FT/$c.out" | sed 's/^[^ ]* ERROR db: //')
    listening=$(ss -Htln "sport = :$port" 2>/dev/null | wc -l)
    [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ -n "$why" ] &&
        [ "$(sum "$db")" = "$before" ] && [ "$listening" -eq 0 ]
    ft_check "$c: refused" $? \
        "exit $rc in $el s, file $before -> $(sum "$db"): ${why:-no reason given}"
    [ -d "$db" ] && rmdir "$db"
done

dt_conf "$FT/dt.conf" "$port" "$good" "http://127.0.0.1:9" 50
dt_serve "$DIEMTUA" "$FT/dt.conf" "$FT/serve.log"
ft_check "the intact database: serves" $? "/healthz 200 on port $port"
dt_stop "$DT_PID"
ft_gate "log gate (only the refusals)" "$FT/serve.log" "$good" \
    --expect "refusing to start"
ft_done
