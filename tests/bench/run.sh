#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/bench/run.sh: decoder throughput and peak RSS at 10k and 100k volumes.
#
# Generates EnumerateInstances responses of 10,000 and 100,000
# CIM_StorageVolume instances into $B/bench (kept while newer than
# cimgen), decodes each in a fresh process, decoder alone and end to end
# over HTTP, and prints a table.  Targets: at least 100 MB/s, and peak RSS
# at 100k no more than 1.5 times that at 10k (the decoder streams).
# A missed target is reported, not an error: the exit status is 0 unless
# a program failed.
#
# Environment: B (build dir, default build), BENCH_RUNS (runs per case,
# the fastest is reported; default 1).

B=${B:-build}
T=$B/tests
D=$B/bench
RUNS=${BENCH_RUNS:-1}
TARGET_MBS=100
TARGET_RATIO=1.5

for p in cimgen bench-decode; do
    if [ ! -x "$T/$p" ]; then
        echo "bench: $T/$p is missing; run 'make tests'" >&2
        exit 1
    fi
done
mkdir -p "$D" || exit 1

# The response file for $1 volumes, generated unless already up to date.
response() {
    f=$D/volumes-$1.xml
    if [ -z "$(find "$f" -prune -newer "$T/cimgen" 2>/dev/null)" ]; then
        echo "bench: generating $f" >&2
        if ! "$T/cimgen" -o "$f.tmp" volumes "$1" ||
            ! mv "$f.tmp" "$f"; then
            rm -f "$f.tmp"
            return 1
        fi
    fi
    echo "$f"
}

# Run bench-decode $RUNS times; print "instances bytes MB/s RSS" of the
# fastest run, with the largest RSS seen.
measure() {
    best=
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        out=$("$T/bench-decode" "$@") || return 1
        best=$(printf '%s\n' "$out" | awk -v best="$best" '
            { v[$1] = $2 }
            END {
                split(best, b)
                rss = v["peak_rss_mib"] > b[4] ? v["peak_rss_mib"] : b[4]
                if (best == "" || v["mb_per_s"] > b[3])
                    print v["instances"], v["bytes"], v["mb_per_s"], rss
                else
                    print b[1], b[2], b[3], rss
            }')
        i=$((i + 1))
    done
    echo "$best"
}

f10=$(response 10000) || exit 1
f100=$(response 100000) || exit 1

status=0
missed=0
summary=
printf '%-8s %-5s %10s %8s %8s %8s  %s\n' mode size instances MB MB/s \
    "RSS MiB" "target (>= $TARGET_MBS MB/s)"
for mode in decoder http; do
    flag=
    [ "$mode" = http ] && flag=--http
    rss10=
    rss100=
    for size in 10k 100k; do
        f=$f10
        [ "$size" = 100k ] && f=$f100
        # shellcheck disable=SC2086
        if ! r=$(measure $flag "$f"); then
            printf '%-8s %-5s  FAILED\n' "$mode" "$size"
            status=1
            continue
        fi
        # shellcheck disable=SC2086
        set -- $r
        ok=$(awk -v v="$3" -v t="$TARGET_MBS" \
            'BEGIN { print (v >= t ? "ok" : "TARGET MISSED") }')
        [ "$ok" = ok ] || missed=1
        awk -v m="$mode" -v s="$size" -v n="$1" -v b="$2" -v mbs="$3" \
            -v rss="$4" -v ok="$ok" 'BEGIN {
                printf "%-8s %-5s %10d %8.1f %8.1f %8.1f  %s\n",
                    m, s, n, b / 1e6, mbs, rss, ok }'
        if [ "$size" = 10k ]; then rss10=$4; else rss100=$4; fi
    done
    if [ -n "$rss10" ] && [ -n "$rss100" ]; then
        line=$(awk -v m="$mode" -v a="$rss100" -v b="$rss10" \
            -v t="$TARGET_RATIO" 'BEGIN {
                r = a / b
                printf "%-8s peak RSS 100k/10k: %.2f (target <= %s)  %s\n",
                    m, r, t, (r <= t ? "ok" : "TARGET MISSED") }')
        case $line in *"TARGET MISSED"*) missed=1 ;; esac
    else
        line=$(printf '%-8s peak RSS 100k/10k: not measured' "$mode")
    fi
    summary="$summary$line
"
done

printf '\n%s\n' "$summary"
if [ "$missed" -eq 0 ]; then
    echo "bench: all targets met"
else
    echo "bench: TARGET MISSED (see above)"
fi
exit "$status"
