#!/bin/sh
# demo-db.sh - build the demo database from demo/*.csv
#   scripts/demo-db.sh BIN DBPATH
# Removes DBPATH (and its -wal/-shm files), then imports the demo files in
# dependency order with `BIN import --db DBPATH KIND FILE`. Stops at the
# first file that fails (its errors are on stderr).
set -eu
if [ $# -ne 2 ] && [ $# -ne 3 ]; then
    echo "usage: $0 BIN DBPATH [CONFIG]" >&2
    exit 2
fi
bin=$1
db=$2
dir=$(dirname "$0")/../demo
[ -d demo ] && [ "$(cd demo && pwd)" = "$(cd "$dir" && pwd)" ] && dir=demo
rm -f "$db" "$db-wal" "$db-shm"
mkdir -p "$(dirname "$db")"
for kind in communes groups members loans savings postings; do
    "$bin" import --db "$db" "$kind" "$dir/$kind.csv"
done
# With the configuration (its PIN pepper), the two demo leaders get the
# public demo PIN 1234, so that THU, NOP, ... can be tried at once.
if [ $# -eq 3 ]; then
    for leader in AT01-01 AT02-01 TH01-01; do
        printf '1234\n' | "$bin" pin set --config "$3" --db "$db" "$leader"
    done
    # The web console's demo accounts, with public demo passwords: the
    # officer of the demo commune and of the training commune (its phones
    # are the simulator's), and an admin.
    printf 'demo-officer-2026\n' | "$bin" officer add --config "$3" \
        --db "$db" --commune LA-BL-AT,LA-BL-TH canbo
    printf 'demo-admin-2026!\n' | "$bin" officer add --config "$3" \
        --db "$db" --role admin quantri
fi
