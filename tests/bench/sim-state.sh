#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/bench/sim-state.sh: what a change costs smis-sim at 1,000 and at 100,000 volumes (its state journal), and kill -9 during 1,000 creates.
#
# 1. Create one volume at 1,000 and at 100,000 preloaded volumes: two
#    arrays of smis-sim --state --preload-volumes N (new arrays, each
#    snapshot written once at start), then BENCH_CREATES (default 300)
#    creates one at a time over one connection (simtool create, the
#    method CreateOrModifyElementFromStoragePool), BENCH_RUNS rounds
#    (default 5) in turns; the median time of a create at each size, side
#    by side.  Target: within 1.3x of each other.
# 2. kill -9 of smis-sim during 1,000 creates (4 clients of 250 each, at a
#    moment drawn at random within BENCH_KILL_WITHIN seconds, default 0.2,
#    of the first answer), then a restart on the same state.  Target: every create
#    answered before the kill is there (none lost).
#
# A missed target is reported, not an error: the exit status is 0 unless
# a program failed.  Environment: B (build dir, default build),
# BENCH_CREATES, BENCH_RUNS, BENCH_KILL_WITHIN.

B=${B:-build}
CREATES=${BENCH_CREATES:-300}
RUNS=${BENCH_RUNS:-5}
WITHIN=${BENCH_KILL_WITHIN:-0.2}
TARGET=1.3

for p in bin/smis-sim tests/simtool; do
    if [ ! -x "$B/$p" ]; then
        echo "bench: $B/$p is missing; run 'make tests'" >&2
        exit 1
    fi
done
for p in jq wbemcli; do
    if ! command -v "$p" >/dev/null; then
        echo "bench: $p is not installed (make deps)" >&2
        exit 1
    fi
done
PATH=$(cd "$B/bin" && pwd):$(cd "$B/tests" && pwd):$PATH
LD_LIBRARY_PATH=$(cd "$B" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PATH LD_LIBRARY_PATH

# On a disk, not a tmpfs: the journal's fdatasync is part of the cost.
W=$(mktemp -d /var/tmp/sanprov-bench.XXXXXX) || exit 1
PIDS=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    for p in $PIDS; do
        kill -KILL "$p" 2>/dev/null
    done
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

status=0
missed=0

# sim_start NAME [SMIS-SIM OPTIONS...]: smis-sim on the state $W/NAME.state;
# sets PID and URL.
sim_start() {
    _n=$1
    shift
    rm -f "$W/$_n.port"
    smis-sim --listen 127.0.0.1:0 --port-file "$W/$_n.port" \
        --state "$W/$_n.state" "$@" >"$W/$_n.log" 2>&1 &
    PID=$!
    PIDS="$PIDS $PID"
    _i=0
    while [ ! -s "$W/$_n.port" ] && [ "$_i" -lt 1200 ]; do
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05
        _i=$((_i + 1))
    done
    if [ ! -s "$W/$_n.port" ]; then
        echo "bench: smis-sim did not start:" >&2
        cat "$W/$_n.log" >&2
        return 1
    fi
    URL=http://127.0.0.1:$(cat "$W/$_n.port")
}

now_ns() { date +%s%N; }

# median VALUES: the middle one.
median() {
    # shellcheck disable=SC2086 # one word a time
    printf '%s\n' $1 | sort -g |
        awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# ---- 1. a change at 1,000 and at 100,000 volumes ----

echo "State writes: create one volume at 1,000 and at 100,000 preloaded volumes"
echo "(smis-sim --state: one journal record a change, fdatasync'd before the"
echo "answer; $CREATES creates one at a time over one connection, $RUNS rounds"
echo "in turns, the median of the rounds' ms per create)"
ok=1
for n in 1000 100000; do
    t0=$(now_ns)
    if ! sim_start "p$n" --preload-volumes "$n"; then
        ok=0
        status=1
        break
    fi
    eval "URL_$n=\$URL"
    echo "  smis-sim --preload-volumes $n: started in" \
        "$(echo "$t0 $(now_ns)" | awk '{ printf "%.2f", ($2 - $1) / 1e9 }') s," \
        "snapshot $(($(wc -c <"$W/p$n.state") / 1024)) KiB"
done
ms1000='' ms100000='' url=''
r=0
while [ "$ok" = 1 ] && [ "$r" -lt "$RUNS" ]; do
    r=$((r + 1))
    for n in 1000 100000; do
        eval "url=\$URL_$n"
        t0=$(now_ns)
        if ! simtool create "$url" --count "$CREATES" --prefix "b$r" \
            >"$W/ids" 2>"$W/err" ||
            [ "$(wc -l <"$W/ids")" != "$CREATES" ]; then
            echo "bench: simtool create failed:" >&2
            cat "$W/err" >&2
            ok=0
            status=1
            break
        fi
        ms=$(echo "$t0 $(now_ns) $CREATES" |
            awk '{ printf "%.3f", ($2 - $1) / 1e6 / $3 }')
        eval "ms$n=\"\$ms$n $ms\""
    done
done
if [ "$ok" = 1 ]; then
    m1=$(median "$ms1000") m2=$(median "$ms100000")
    printf '  %-22s %12s   %s\n' "preloaded volumes" "ms/create" "rounds"
    printf '  %-22s %12s  %s\n' "1,000" "$m1" "$ms1000"
    printf '  %-22s %12s  %s\n' "100,000" "$m2" "$ms100000"
    ratio=$(echo "$m1 $m2" | awk '{ a = $1 > $2 ? $1 / $2 : $2 / $1; printf "%.2f", a }')
    verdict=ok
    awk -v r="$ratio" -v t="$TARGET" 'BEGIN { exit !(r <= t) }' ||
        verdict='TARGET MISSED' missed=1
    echo "  at 100,000: $(echo "$m2 $m1" | awk '{ printf "%.2f", $1 / $2 }')x the time at 1,000 (target: within ${TARGET}x)  $verdict"
fi
for p in $PIDS; do
    kill -TERM "$p" 2>/dev/null
    wait "$p" 2>/dev/null
done
PIDS=

# ---- 2. kill -9 during 1,000 creates ----

echo
delay=$(awk -v w="$WITHIN" 'BEGIN { srand(); printf "%.2f", 0.02 + rand() * w }')
echo "kill -9 of smis-sim $delay s after the first answer to 1,000 creates (4 clients of 250), restart:"
if sim_start crash; then
    simtool create "$URL" --threads 4 --count 250 --prefix k >"$W/answered" \
        2>"$W/kill.err" &
    client=$!
    i=0
    while [ ! -s "$W/answered" ] && [ "$i" -lt 400 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    sleep "$delay"
    kill -KILL "$PID"
    wait "$PID" 2>/dev/null
    wait "$client"
    if sim_start crash -v; then
        wbemcli ein "$URL/root/sim:SIM_StorageVolume" |
            sed -n 's/.*DeviceID="\([^"]*\)".*/\1/p' | sort >"$W/there"
        sort "$W/answered" >"$W/answered.sorted"
        answered=$(wc -l <"$W/answered")
        lost=$(comm -23 "$W/answered.sorted" "$W/there" | wc -l)
        extra=$(comm -13 "$W/answered.sorted" "$W/there" | wc -l)
        verdict=ok
        [ "$lost" -eq 0 ] || verdict='TARGET MISSED' missed=1
        [ "$answered" -lt 1000 ] ||
            echo "  (all 1,000 were answered before the kill: raise the creates or lower BENCH_KILL_WITHIN)"
        echo "  answered before the kill: $answered; there after the restart: $(wc -l <"$W/there") ($lost of the answered lost, $extra made but not answered) (target: none lost)  $verdict"
        grep -h 'dropped\|replayed' "$W/crash.log" | sed 's/^/  /'
        kill -TERM "$PID" 2>/dev/null
        wait "$PID" 2>/dev/null
    else
        status=1
    fi
else
    status=1
fi
PIDS=

echo
if [ "$missed" -eq 0 ]; then
    echo "bench: smis-sim state targets met"
else
    echo "bench: TARGET MISSED (see above)"
fi
exit "$status"
