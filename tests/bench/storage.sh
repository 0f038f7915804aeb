#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/bench/storage.sh: round trips of a SAN-copy provisioning run and lun-list over 100,000 volumes, against smis-sim.
#
# 1. Round trips: "lun-create --snapshot-of BASE --count 100 | lun-mask
#    --host kvm01" against smis-sim in each masking personality, with
#    synchronous changes (no job polling).  The count is smis-sim's own
#    request counter (GET /stats) before and after, per CIM operation.
#    Target: at most 2 requests per LUN plus 20 in all.
# 2. Listing: "lun-list --all" (IDs) over an array preloaded with 100,000
#    volumes against "wbemcli ein" of the same class (names), and
#    "lun-list --all -l" (the table) against "wbemcli ei" (whole
#    instances), in the same run, each in a fresh process: wall time and
#    peak RSS.  Target: each at least 3 times faster than its wbemcli,
#    with a lower peak RSS.
#
# A missed target is reported, not an error: the exit status is 0 unless
# a program failed.  Environment: B (build dir, default build),
# BENCH_LUNS (default 100), BENCH_VOLUMES (default 100000), BENCH_RUNS
# (runs of each listing, the fastest shown; default 3).

B=${B:-build}
LUNS=${BENCH_LUNS:-100}
VOLUMES=${BENCH_VOLUMES:-100000}
TARGET_SPEEDUP=3
RUNS=${BENCH_RUNS:-3}

for p in smis-sim pool-list lun-create lun-mask lun-list; do
    if [ ! -x "$B/bin/$p" ]; then
        echo "bench: $B/bin/$p is missing; run 'make'" >&2
        exit 1
    fi
done
for p in jq /usr/bin/time; do
    if ! command -v "$p" >/dev/null; then
        echo "bench: $p is not installed (make deps)" >&2
        exit 1
    fi
done
PATH=$(cd "$B/bin" && pwd):$PATH
LD_LIBRARY_PATH=$(cd "$B" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PATH LD_LIBRARY_PATH

W=$(mktemp -d) || exit 1
SIM_PID=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    [ -n "$SIM_PID" ] && kill -KILL "$SIM_PID" 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SANPROV_CONFIG=$W/sanprov.conf
export SANPROV_CONFIG

# sim_start NAME [SMIS-SIM OPTIONS...]: a fresh simulator and its
# configuration (array "sim", pool class gold, host kvm01 on iSCSI).
sim_start() {
    n=$1
    shift
    rm -f "$W/port"
    smis-sim --listen 127.0.0.1:0 --port-file "$W/port" \
        --state "$W/$n.state" "$@" >"$W/$n.log" 2>&1 &
    SIM_PID=$!
    i=0
    while [ ! -s "$W/port" ] && [ "$i" -lt 600 ]; do
        kill -0 "$SIM_PID" 2>/dev/null || break
        sleep 0.05
        i=$((i + 1))
    done
    if [ ! -s "$W/port" ]; then
        echo "bench: smis-sim did not start:" >&2
        cat "$W/$n.log" >&2
        return 1
    fi
    PORT=$(cat "$W/port")
    cat >"$SANPROV_CONFIG" <<EOF
[array "sim"]
uri = smis+http://127.0.0.1:$PORT
[pool "sim:gold"]
class = gold
[host "kvm01"]
uri = test:///default
connectivity = iscsi
iscsi-initiator = iqn.1993-08.org.debian:01:kvm01
EOF
}

sim_stop() {
    kill -TERM "$SIM_PID" 2>/dev/null
    wait "$SIM_PID" 2>/dev/null
    SIM_PID=
}

# stats FILE: smis-sim's counters (JSON) into FILE.
stats() {
    bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf "GET /stats HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3
        cat <&3' stats "$PORT" | sed '1,/^\r*$/d' >"$1"
    jq -e .requests "$1" >/dev/null
}

status=0
missed=0

# ---- 1. round trips ----

echo "Round trips: lun-create --snapshot-of BASE --count $LUNS | lun-mask --host kvm01"
echo "(smis-sim's request counter; synchronous changes, no job polling)"
printf '%-12s %9s %9s %8s  %s\n' personality requests per-LUN target verdict
for P in group legacy; do
    sim_start "rt-$P" --personality "$P" || {
        status=1
        continue
    }
    base=$(pool-list --class gold | lun-create --size 1G --name base) &&
        stats "$W/before" &&
        lun-create --snapshot-of "$base" --count "$LUNS" --name 'snap%03d' \
            pool:sim:gold |
        lun-mask --host kvm01 >"$W/masked" &&
        stats "$W/after"
    rc=$?
    n=$(wc -l <"$W/masked")
    if [ "$rc" -ne 0 ] || [ "$n" -ne "$LUNS" ]; then
        printf '%-12s FAILED (exit %s, %s LUNs masked)\n' "$P" "$rc" "$n"
        status=1
        sim_stop
        continue
    fi
    # The second GET /stats counts itself.
    req=$(jq -n --slurpfile a "$W/after" --slurpfile b "$W/before" \
        '$a[0].requests - $b[0].requests - 1')
    target=$((2 * LUNS + 20))
    verdict=ok
    [ "$req" -le "$target" ] || {
        verdict="TARGET MISSED"
        missed=1
    }
    awk -v p="$P" -v r="$req" -v n="$LUNS" -v t="$target" -v v="$verdict" \
        'BEGIN { printf "%-12s %9d %9.2f %8d  %s\n", p, r, r / n, t, v }'
    jq -r -n --slurpfile a "$W/after" --slurpfile b "$W/before" '
        $a[0].calls | to_entries[] |
        {k: .key, n: (.value - ($b[0].calls[.key] // 0))} |
        select(.n > 0) | "    \(.k) \(.n)"' | sort -k2,2nr -k1,1
    sim_stop
done

# ---- 2. listing ----

# measure OUTFILE COMMAND...: run COMMAND $RUNS times, stdout to OUTFILE;
# print "SECONDS PEAK-RSS-MIB LINES CPU-SECONDS" of the fastest run (CPU:
# user + system of the program itself, not the array's).
measure() {
    out=$1
    shift
    best=
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        if ! /usr/bin/time -f '%e %M %U %S' -o "$W/time" "$@" >"$out" \
            2>"$W/err"; then
            echo "bench: $* failed:" >&2
            cat "$W/err" >&2
            return 1
        fi
        best=$(awk -v lines="$(wc -l <"$out")" -v best="$best" '
            END {
                split(best, b)
                if (best == "" || $1 < b[1])
                    printf "%s %.1f %d %.2f\n", $1, $2 / 1024, lines, $3 + $4
                else
                    print best
            }' "$W/time")
        i=$((i + 1))
    done
    echo "$best"
}

# row NAME "SECONDS RSS LINES CPU" [WBEMCLI-SECONDS WBEMCLI-RSS]: a row.
row() {
    echo "$2" | awk -v name="$1" -v ws="$3" -v wr="$4" -v t="$TARGET_SPEEDUP" '{
        if (ws == "") v = "(reference)"
        else {
            sp = $1 > 0 ? ws / $1 : 999
            v = sprintf("%.1fx faster, %.0f%% of its RSS  %s", sp,
                100 * $2 / wr, (sp >= t && $2 < wr) ? "ok" : "TARGET MISSED")
        }
        printf "%-14s %8.2f %8.2f %8.1f %8d  %s\n", name, $1, $4, $2, $3, v
    }'
}

echo
echo "Listing $VOLUMES volumes (the same simulator; each program run $RUNS times"
echo "(wbemcli ei once) in a fresh process, the fastest run shown; CPU s: the"
echo "program's own)"
if ! command -v wbemcli >/dev/null; then
    echo "bench: wbemcli is not installed (make deps)" >&2
    exit 1
fi
if sim_start list --preload-volumes "$VOLUMES"; then
    url=http://127.0.0.1:$PORT/root/sim:SIM_StorageVolume
    # wbemcli ei holds the whole answer in memory (GiBs): run once.
    if r_wbem=$(measure "$W/wbem" wbemcli ein "$url") &&
        r_ids=$(measure "$W/ids" lun-list --all) &&
        r_wei=$(RUNS=1 measure "$W/wei" wbemcli ei "$url") &&
        r_long=$(measure "$W/long" lun-list --all -l); then
        printf '%-14s %8s %8s %8s %8s  %s\n' program seconds "CPU s" \
            "RSS MiB" lines \
            "target: >= ${TARGET_SPEEDUP}x faster than its wbemcli, less RSS"
        # shellcheck disable=SC2086
        {
            set -- $r_wbem
            row "wbemcli ein" "$r_wbem"
            row "lun-list" "$r_ids" "$1" "$2"
            set -- $r_wei
            row "wbemcli ei" "$r_wei"
            row "lun-list -l" "$r_long" "$1" "$2"
        } | tee "$W/table"
        echo "(lun-list: IDs, against the names of wbemcli ein; lun-list -l:"
        echo "sizes, WWNs, pools, sources and masking, against the whole"
        echo "instances of wbemcli ei)"
        grep -q 'TARGET MISSED' "$W/table" && missed=1
        for f in wbem ids wei; do
            n=$(wc -l <"$W/$f")
            [ "$n" -eq "$VOLUMES" ] || {
                echo "bench: $f listed $n volumes, not $VOLUMES" >&2
                status=1
            }
        done
    else
        status=1
    fi
    sim_stop
else
    status=1
fi

echo
if [ "$missed" -eq 0 ]; then
    echo "bench: storage targets met"
else
    echo "bench: TARGET MISSED (see above)"
fi
exit "$status"
