#!/bin/sh
# deps.sh - clang and its libFuzzer runtime for `make fuzz`.
# Installs them with apt-get when run as root; otherwise says what to run.
set -eu
pkgs="clang libclang-rt-14-dev"
missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
        grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    echo "fuzz deps: installing:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
    echo "fuzz deps: run: sudo apt-get install -y$missing" >&2
    exit 1
fi
