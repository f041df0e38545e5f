#!/bin/sh
# test_officer.sh - diemtua officer: console accounts from the command
# line. The password only ever comes from standard input; bad users,
# roles, communes and passwords are refused with a clear message and
# change nothing; passwd, disable and enable act on the account.
set -u
cd "$(dirname "$0")/../.."
bin=${BUILD:-build}/diemtua
dir=$(mktemp -d /tmp/dt-officer-t.XXXXXX)
trap 'rm -rf "$dir"' EXIT INT TERM
fails=0
n=0
cat >"$dir/t.conf" <<CONF
[database]
path = $dir/t.db
[security]
pin_pepper = officer-test-pepper-7a1
CONF
scripts/demo-db.sh "$bin" "$dir/t.db" >/dev/null 2>&1
# WANT NAME STDIN ARGS...: the exit status of `diemtua officer ARGS`
expect() {
    want=$1 name=$2 input=$3
    shift 3
    n=$((n + 1))
    printf '%s' "$input" | timeout 30 "$bin" officer --config "$dir/t.conf" \
        "$@" >"$dir/out" 2>&1
    got=$?
    if [ "$got" -eq "$want" ]; then
        echo "  ok    $name (exit $got)"
    else
        echo "  FAIL  $name (exit $got, want $want)"
        sed 's/^/    | /' "$dir/out"
        fails=$((fails + 1))
    fi
}
says() { # TEXT NAME: the last command's output holds TEXT
    n=$((n + 1))
    if grep -qF -- "$1" "$dir/out"; then
        echo "  ok    $2"
    else
        echo "  FAIL  $2 (no '$1')"
        sed 's/^/    | /' "$dir/out"
        fails=$((fails + 1))
    fi
}
pw='a-long-password-1
'
expect 0 "add a commune officer" "$pw" add canbo.an --commune LA-BL-AT
says "officer canbo.an added (commune: LA-BL-AT)" "add says what it did"
expect 1 "the same user twice" "$pw" add canbo.an --commune LA-BL-AT
says "exists already" "a taken user is named"
expect 1 "an unknown commune" "$pw" add canbo.x --commune NOPE
says "no commune with code NOPE" "the unknown commune is named"
expect 2 "a short password" 'short
' add canbo.y --commune LA-BL-AT
says "10 to 128 characters" "the password rule is told"
expect 2 "no password at all" "" add canbo.y --commune LA-BL-AT
expect 2 "a password as an argument" "$pw" add canbo.y --commune LA-BL-AT \
    --password secret-in-argv
expect 2 "a user with a space" "$pw" add "can bo" --commune LA-BL-AT
expect 2 "a user in capitals" "$pw" add CANBO --commune LA-BL-AT
expect 2 "an unknown role" "$pw" add canbo.y --commune LA-BL-AT --role boss
expect 2 "a union account without communes" "$pw" add hoi.pn --role union
expect 0 "a union account" "$pw" add hoi.pn --role union --commune LA-BL-AT
expect 0 "an admin needs no commune" "$pw" add quantri --role admin
expect 0 "list" "" list
says "canbo.an             commune  active    LA-BL-AT" "list shows the officer"
says "quantri              admin    active    *" "list shows the admin"
expect 0 "passwd" 'another-password-2
' passwd canbo.an
expect 1 "passwd of nobody" "$pw" passwd nobody
expect 0 "disable" "" disable canbo.an
expect 0 "list after disable" "" list
says "canbo.an             commune  disabled" "list shows it disabled"
expect 0 "enable" "" enable canbo.an
expect 2 "a bad action" "" remove canbo.an
n=$((n + 1))
if sqlite3 "$dir/t.db" "SELECT hash FROM officers" | grep -q 'a-long-password'; then
    echo "  FAIL  a password is stored"; fails=$((fails + 1))
else
    echo "  ok    no password is stored, only Argon2id strings"
fi
n=$((n + 1))
if [ "$(sqlite3 "$dir/t.db" "SELECT COUNT(*) FROM officers WHERE hash LIKE '\$argon2id\$%'")" = 3 ]; then
    echo "  ok    three accounts, three Argon2id hashes"
else
    echo "  FAIL  the accounts' hashes"; fails=$((fails + 1))
fi
echo "test_officer: $((n - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
