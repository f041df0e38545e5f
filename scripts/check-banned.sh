#!/bin/sh
# check-banned.sh - grep backup for common/banned.h: no banned calls, and
# banned.h is the last include of every .c file.
set -u
status=0
hits=$(grep -nE '\b(sprintf|vsprintf|strcpy|strcat|strncpy|gets|atoi|atol|strtok|localtime|gmtime)[[:space:]]*\(' \
    common/*.c text/*.c config/*.c db/*.c handlers/*.c gateway/*.c cli/*.c 2>/dev/null)
if [ -n "$hits" ]; then
    echo "banned calls:"; echo "$hits"; status=1
fi
for f in common/*.c text/*.c config/*.c db/*.c handlers/*.c gateway/*.c cli/*.c; do
    [ -f "$f" ] || continue
    last=$(grep -E '^#include' "$f" | tail -n 1)
    if [ "$last" != '#include "common/banned.h"' ]; then
        echo "$f: last include must be common/banned.h"; status=1
    fi
done
[ $status -eq 0 ] && echo "banned ok"
exit $status
