#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/bench/wsman.sh: the WS-Management client enumerating many objects:
# throughput and peak RSS.
#
# bench-wsman (tests/tools/bench-wsman.c) runs the library's client, each
# case in a fresh process: against a peer generated in the process (pages
# of MSFT_Disk objects as WinRM sends them, 100 a page; 10,000 and
# 100,000), and over HTTP against hyperv-sim holding 1,000 and 10,000 VMs
# it defined first (Msvm_ComputerSystem, 100 a page).  Target: peak RSS
# at the larger size no more than 1.5 times that at the smaller (the
# decoder streams, an enumeration is never held whole).  A missed target
# is reported, not an error: the exit status is 0 unless a program failed.
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

# ratio LABEL SMALL-RSS LARGE-RSS
ratio() {
    [ -n "$2" ] && [ -n "$3" ] || return 0
    awk -v l="$1" -v a="$3" -v b="$2" -v t="$TARGET_RATIO" 'BEGIN {
        r = a / b
        printf "%s peak RSS ratio: %.2f (target <= %s)  %s\n", l, r, t,
            (r <= t ? "ok" : "TARGET MISSED") }'
}

# row OUTPUT: a line of the table from bench-wsman's "name value" lines.
row() {
    printf '%s\n' "$2" | awk -v peer="$1" '{ v[$1] = $2 } END {
        printf "%-10s %-10d %9d %9.1f %8.3f %8.1f %8.1f\n", peer,
            v["objects"], v["requests"], v["bytes"] / 1e6, v["seconds"],
            v["mb_per_s"], v["peak_rss_mib"] }'
}

rss_of() {
    printf '%s\n' "$1" | awk '$1 == "peak_rss_mib" { print $2 }'
}

printf '%-10s %-10s %9s %9s %8s %8s %8s\n' peer objects requests MB seconds \
    MB/s "RSS MiB"
small=
large=
for n in 10000 100000; do
    if ! out=$("$T/bench-wsman" gen "$n" 100); then
        printf '%-10s %-10s FAILED\n' generated "$n"
        status=1
        continue
    fi
    row generated "$out"
    if [ "$n" = 10000 ]; then small=$(rss_of "$out"); else large=$(rss_of "$out"); fi
done
r1=$(ratio "generated 100k/10k" "$small" "$large")

# hyperv-sim over HTTP, a fresh one for each size.
if [ ! -x "$B/bin/hyperv-sim" ]; then
    printf '\n%s\n' "$r1"
    echo "bench: hyperv-sim: skipped, $B/bin/hyperv-sim is not built"
    exit "$status"
fi
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
printf '%s' bench-pw >"$dir/pw" && chmod 600 "$dir/pw"
small=
large=
for n in 1000 10000; do
    rm -f "$dir/port"
    "$B/bin/hyperv-sim" --listen 127.0.0.1:0 --port-file "$dir/port" \
        --user bench --password-file "$dir/pw" >"$dir/log" 2>&1 &
    pid=$!
    i=0
    while [ ! -s "$dir/port" ] && [ "$i" -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    if [ ! -s "$dir/port" ]; then
        echo "bench: hyperv-sim did not start" >&2
        kill "$pid" 2>/dev/null
        status=1
        break
    fi
    url=http://127.0.0.1:$(cat "$dir/port")/wsman
    if out=$("$T/bench-wsman" sim "$url" bench "$dir/pw" "$n" 100); then
        row hyperv-sim "$out"
        if [ "$n" = 1000 ]; then small=$(rss_of "$out"); else large=$(rss_of "$out"); fi
    else
        printf '%-10s %-10s FAILED\n' hyperv-sim "$n"
        status=1
    fi
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
done
r2=$(ratio "hyperv-sim 10k/1k" "$small" "$large")
printf '\n%s\n%s\n' "$r1" "$r2"
exit "$status"
