#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/bench/wsman.sh: the WS-Management client enumerating 10,000 and
# 100,000 objects: throughput and peak RSS.
#
# bench-wsman (tests/tools/bench-wsman.c) runs the library's client
# against a peer generated in the process (pages of MSFT_Disk objects, as
# WinRM sends them, 100 a page), each size in a fresh process.  Target:
# peak RSS at 100k no more than 1.5 times that at 10k (the decoder streams,
# an enumeration is never held whole).  A missed target is reported, not
# an error: the exit status is 0 unless a program failed.
#
# Environment: B (build dir, default build).

B=${B:-build}
T=$B/tests
TARGET_RATIO=1.5

if [ ! -x "$T/bench-wsman" ]; then
    echo "bench: $T/bench-wsman is missing; run 'make tests'" >&2
    exit 1
fi

status=0
printf '%-10s %9s %9s %8s %8s %8s\n' objects requests MB seconds MB/s \
    "RSS MiB"
rss10=
rss100=
for n in 10000 100000; do
    if ! out=$("$T/bench-wsman" "$n" 100); then
        printf '%-10s FAILED\n' "$n"
        status=1
        continue
    fi
    line=$(printf '%s\n' "$out" | awk '{ v[$1] = $2 } END {
        printf "%-10d %9d %9.1f %8.3f %8.1f %8.1f\n", v["objects"],
            v["requests"], v["bytes"] / 1e6, v["seconds"], v["mb_per_s"],
            v["peak_rss_mib"] }')
    echo "$line"
    rss=$(printf '%s\n' "$out" | awk '$1 == "peak_rss_mib" { print $2 }')
    if [ "$n" = 10000 ]; then rss10=$rss; else rss100=$rss; fi
done
if [ -n "$rss10" ] && [ -n "$rss100" ]; then
    awk -v a="$rss100" -v b="$rss10" -v t="$TARGET_RATIO" 'BEGIN {
        r = a / b
        printf "ws-man peak RSS 100k/10k: %.2f (target <= %s)  %s\n", r, t,
            (r <= t ? "ok" : "TARGET MISSED") }'
fi
exit "$status"
