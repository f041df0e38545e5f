#!/bin/sh
# check-hardening.sh - prove the release flags are in the binary
#
#   scripts/check-hardening.sh build/diemtua      (make hardening)
#
# Reads the ELF with readelf (binutils), no checksec needed:
#   PIE          ELF type DYN with the PIE flag        (-fPIE -pie)
#   RELRO        a GNU_RELRO segment                   (-z relro)
#   BIND_NOW     BIND_NOW / FLAGS_1 NOW: full RELRO    (-z now)
#   NX stack     GNU_STACK without E                   (-z noexecstack)
#   canary       imports __stack_chk_fail              (-fstack-protector-strong)
#   FORTIFY      imports *_chk functions               (-D_FORTIFY_SOURCE=2)
#   no RPATH     no RPATH/RUNPATH entries
#   no banned    imports none of sprintf strcpy strcat gets ... (banned.h)
# and reports, without failing, the CET property (-fcf-protection), which
# Debian's gcc does not turn on by default.
set -u
bin=${1:-build/diemtua}
[ -f "$bin" ] || { echo "check-hardening: no $bin (run make)" >&2; exit 2; }
command -v readelf >/dev/null || { echo "check-hardening: readelf missing (binutils)" >&2; exit 2; }

fail=0
pass() { printf '  %-10s ok    %s\n' "$1" "$2"; }
bad() { printf '  %-10s FAIL  %s\n' "$1" "$2"; fail=1; }

hdr=$(readelf -hW "$bin")
seg=$(readelf -lW "$bin")
dyn=$(readelf -dW "$bin")
syms=$(readelf --dyn-syms -W "$bin" | awk '$7 == "UND" {print $8}' | sed 's/@.*//' | sort -u)

echo "hardening of $bin:"
if echo "$hdr" | grep -q 'Type:.*DYN' && echo "$dyn" | grep -q 'FLAGS_1.*PIE'; then
    pass PIE "position-independent executable"
else
    bad PIE "not a PIE"
fi
if echo "$seg" | grep -q GNU_RELRO; then
    pass RELRO "GNU_RELRO segment"
else
    bad RELRO "no GNU_RELRO segment"
fi
if echo "$dyn" | grep -Eq 'BIND_NOW|FLAGS_1.*NOW'; then
    pass BIND_NOW "full RELRO (GOT read-only after start)"
else
    bad BIND_NOW "lazy binding: partial RELRO only"
fi
stack=$(echo "$seg" | awk '$1 == "GNU_STACK" {print $7}')
case "$stack" in
*E*) bad NX-stack "GNU_STACK flags $stack" ;;
"") bad NX-stack "no GNU_STACK header (executable stack by default)" ;;
*) pass NX-stack "GNU_STACK $stack" ;;
esac
if echo "$syms" | grep -qx __stack_chk_fail; then
    pass canary "__stack_chk_fail imported"
else
    bad canary "no stack protector"
fi
nchk=$(echo "$syms" | grep -c '^__.*_chk$')
if [ "$nchk" -gt 1 ]; then
    pass FORTIFY "$nchk fortified calls: $(echo "$syms" | grep '^__.*_chk$' | grep -v stack_chk | tr '\n' ' ')"
else
    bad FORTIFY "no __*_chk imports"
fi
if echo "$dyn" | grep -Eq 'RPATH|RUNPATH'; then
    bad RPATH "$(echo "$dyn" | grep -E 'RPATH|RUNPATH')"
else
    pass RPATH "none"
fi
banned=$(echo "$syms" | grep -E '^(__)?(sprintf|vsprintf|strcpy|strcat|strncpy|gets|strtok|atoi|atol|localtime|gmtime)(_chk)?$' | tr '\n' ' ')
if [ -n "$banned" ]; then
    bad banned "imports $banned"
else
    pass banned "no banned libc calls imported"
fi
if readelf -nW "$bin" 2>/dev/null | grep -q 'IBT'; then
    echo "  CET        info  IBT/SHSTK property present"
else
    echo "  CET        info  no IBT/SHSTK property (-fcf-protection not in the flags)"
fi
if [ "$fail" -eq 0 ]; then
    echo "hardening ok"
else
    echo "hardening FAILED"
fi
exit "$fail"
