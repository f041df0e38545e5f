#!/bin/sh
# install-deps.sh - make sure the Debian packages diemtua needs are here.
#
# Installs the missing ones with apt-get when run as root; otherwise prints
# the exact command to run and fails. Quiet and quick when all are present.
#   scripts/install-deps.sh          build, test and run
#   scripts/install-deps.sh --e2e    also Kannel for the end-to-end test
#   scripts/install-deps.sh --bench  also wrk and Kannel for make bench
#   scripts/install-deps.sh --browser  also Chromium and Selenium (console)
set -eu

pkgs="build-essential pkg-config libmicrohttpd-dev libcurl4-openssl-dev
libsqlite3-dev libsodium-dev libutf8proc-dev libcmocka-dev libssl-dev
libjansson-dev sqlite3 curl bc iproute2
ca-certificates cppcheck clang-format"
for arg in "$@"; do
    case "$arg" in
    --e2e) pkgs="$pkgs kannel kannel-extras" ;;
    --bench) pkgs="$pkgs wrk kannel kannel-extras" ;;
    --browser) pkgs="$pkgs chromium chromium-driver python3-selenium" ;;
    *) echo "usage: $0 [--e2e] [--bench] [--browser]" >&2; exit 2 ;;
    esac
done

missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
        grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    echo "install-deps: installing:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
    echo "install-deps: missing Debian packages:$missing" >&2
    echo "install-deps: run: sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
