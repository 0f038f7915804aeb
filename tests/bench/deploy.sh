#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/bench/deploy.sh: vm-deploy on the local array (XFS) into a libvirtd against a loop of "virt-clone --reflink" in the same run, and its requests per VM against smis-sim.
#
# A. As root (else skipped): BENCH_VMS (default 50) VMs from a 10 GiB image
#    holding 1 GiB of data, on a local array on a loop-mounted XFS
#    (reflink=1), into a libvirtd of the bench's own (lib-libvirt.sh), with
#    -j 8 and -j 1, each removed with "vm-list -a | vm-delete" (timed);
#    against a loop of "virt-clone --auto-clone --reflink" of a domain on
#    that image, on the same XFS.  Target: -j 8 at least 10x faster.
# B. BENCH_SIM_VMS (default 100) VMs against smis-sim --latency 5 (host
#    test:///default, whose domains vanish with each process: vm-delete
#    still unmasks and deletes their LUNs), vm-deploy -j 1 and -j 8, each
#    followed by "vm-list -a | vm-delete -j N" of its VMs (the same N), side by side in one
#    run: smis-sim's request counter (GET /stats) before and after each,
#    requests per VM, wall time, and the masking's requests (those after
#    the last copy, in smis-sim's traces).  Targets: vm-deploy -j 8 at most 1.5 requests
#    per VM; vm-delete at most 2 requests per VM and no slower than the
#    deploy that made its VMs.
# C. the -j 8 deploy of B with the library's locks and without them
#    ($SANPROV_NO_LOCKS=1), BENCH_LOCK_RUNS times each in turns, each
#    followed by its vm-delete: the medians side by side.  Target: with
#    within 1.1x of without.
# A missed target is reported, not an error: the exit status is 0 unless a
# program failed or left something behind.  Environment: B (build dir,
# default build), BENCH_VMS, BENCH_SIM_VMS, BENCH_LOCK_RUNS (default 3).

B=${B:-build}
VMS=${BENCH_VMS:-50}
SIMVMS=${BENCH_SIM_VMS:-100}
LOCKRUNS=${BENCH_LOCK_RUNS:-3}
TARGET=10

for p in smis-sim pool-list lun-create template-make vm-deploy vm-list \
    vm-delete jq; do
    if [ ! -x "$B/bin/$p" ] && ! command -v $p >/dev/null; then
        echo "bench: $p is missing (make deps; make)" >&2
        exit 1
    fi
done
SRC=$(cd "$(dirname "$0")/../.." && pwd)
PATH=$(cd "$B/bin" && pwd):$PATH
LD_LIBRARY_PATH=$(cd "$B" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PATH LD_LIBRARY_PATH

W=$(mktemp -d /var/tmp/sanprov-bench.XXXXXX) || exit 1
MNT=$W/mnt
SIM_PID=
LV_URI=
ETC_STORAGE=/etc/libvirt/storage
[ -d "$ETC_STORAGE" ] && ETC_STORAGE=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
    [ -n "$SIM_PID" ] && kill -KILL "$SIM_PID" 2>/dev/null
    if [ -n "$LV_URI" ]; then
        # The storage pool virt-clone made for the directory of its disk.
        virsh -q -c "$LV_URI" pool-destroy "${LV_P}vc" >/dev/null 2>&1
        virsh -q -c "$LV_URI" pool-undefine "${LV_P}vc" >/dev/null 2>&1
        lv_stop
        [ -n "$ETC_STORAGE" ] &&
            rmdir "$ETC_STORAGE/autostart" "$ETC_STORAGE" 2>/dev/null
    fi
    mountpoint -q "$MNT" && umount "$MNT"
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

status=0 missed=0
now() { date +%s.%N; }
# secs START END; ms SECONDS N (per item); ratio A B (A / B)
secs() { echo "$1 $2" | awk '{ printf "%.2f", $2 - $1 }'; }
ms() { echo "$1 $2" | awk '{ printf "%.1f", 1000 * $1 / $2 }'; }
ratio() { echo "$1 $2" | awk '{ printf "%.1f", ($2 > 0 ? $1 / $2 : 0) }'; }
fail() { echo "bench: $*" >&2 && status=1; }
# run LOG EXPECTED-LINES COMMAND...: time COMMAND (stdout to LOG.out,
# stderr to LOG.err) into $T; fail unless it exits 0 and prints
# EXPECTED-LINES lines.
run() {
    log=$1 want=$2
    shift 2
    t0=$(now)
    "$@" >"$log.out" 2>"$log.err" </dev/null
    rc=$?
    T=$(secs "$t0" "$(now)")
    n=$(wc -l <"$log.out")
    [ "$rc" -eq 0 ] && [ "$n" -eq "$want" ] && return 0
    fail "$* exited $rc with $n lines of output, not $want:"
    head -5 "$log.err" >&2
    return 1
}
# delete LOG N HOST [JOBS]: time "vm-list -a | vm-delete -j JOBS" of the N VMs of HOST into
# $T.  Only HOST's: the bench's libvirtd also sees the domains other
# libraries left in /etc/libvirt/qemu, which vm-delete refuses.
delete() {
    # shellcheck disable=SC2016 # expanded by sh -c
    run "$1" "$2" sh -c 'vm-list -a | grep "^vm:$0:" | vm-delete -j "$1"' \
        "$3" "${4:-1}"
}
# leftovers LIBRARY [POOL]: fail if vm-delete left VM records, seeds or
# LUN files (but the template's "golden") behind.
leftovers() {
    n=$(find "$1/vms" "$1/seeds" ${2:+"$2"} -type f | grep -vc '/golden\.')
    [ "$n" -eq 0 ] || fail "vm-delete left $n files behind in $1 $2"
}
row() { printf '  %-36s %8s %10s  %s\n' "$@"; }

# ---- A. the local array into libvirt, against virt-clone ----

echo "A. $VMS VMs from a 10 GiB image holding 1 GiB of data, local array on XFS (reflink) into libvirt"
why=
if [ "$(id -u)" != 0 ]; then
    why='it needs root to loop-mount XFS and start a libvirtd'
else
    # shellcheck disable=SC2034 # read by lib-libvirt.sh
    TRASH=$W SANPROV_SRCDIR=$SRC
    . "$SRC/tests/sh/lib-libvirt.sh"
    lv_usable || why=$LV_WHY
    for p in mkfs.xfs virt-clone filefrag; do
        command -v $p >/dev/null || why="$p is not installed (make deps)"
    done
fi
if [ -n "$why" ]; then
    echo "  skipped: $why"
elif ! lv_start; then
    trap cleanup EXIT
    fail "libvirtd does not start: $(tail -3 "$W/libvirt/log")"
else
    trap cleanup EXIT # lv_start installed its own; cleanup calls lv_stop
    VC=$MNT/${LV_P}vc
    POOL=$MNT/array/default
    mkdir -p "$MNT" && truncate -s 40G "$W/xfs.fs" &&
        mkfs.xfs -q -m reflink=1 "$W/xfs.fs" &&
        mount -o loop "$W/xfs.fs" "$MNT" && mkdir "$VC" || exit 1
    cat >"$W/a.conf" <<EOF
[library]
path = $W/lib-a
[array "x"]
uri = local:$MNT/array
[pool "x:default"]
host-groups = bench
[host "kvm"]
uri = $LV_URI
group = bench
cpu-mode = default
EOF
    SANPROV_CONFIG=$W/a.conf
    export SANPROV_CONFIG
    n=$(vm-list -a </dev/null | grep -vc '^vm:kvm:')
    [ "$n" -eq 0 ] || echo "  (vm-list -a also lists $n VMs of other libraries on the libvirtd: left out)"
    # 1 GiB of data in 64 runs of 16 MiB spread over the 10 GiB.
    truncate -s 10G "$VC/golden.img" || exit 1
    for i in $(seq 0 63); do
        dd if=/dev/urandom of="$VC/golden.img" bs=1M count=16 \
            seek=$((i * 160)) conv=notrunc status=none || exit 1
    done
    run "$W/tm" 1 template-make --image "$VC/golden.img" --name golden \
        pool:x:default || exit 1
    sync
    used0=$(df -k --output=used "$MNT" | tail -1)
    run "$W/d8" "$VMS" vm-deploy -v --template golden --host kvm \
        --name "${LV_P}d8-%d" --count "$VMS" -j 8
    d8=$T
    sync
    used1=$(df -k --output=used "$MNT" | tail -1)
    shared=$(filefrag -v "$POOL/${LV_P}d8-1.img" 2>/dev/null | grep -c shared)
    virsh -c "$LV_URI" dumpxml "${LV_P}d8-1" >"$W/d.xml" 2>/dev/null
    defined=$(virsh -q -c "$LV_URI" list --all --name | grep -c "^${LV_P}d8-")
    delete "$W/x8" "$VMS" kvm
    x8=$T
    run "$W/d1" "$VMS" vm-deploy -v --template golden --host kvm \
        --name "${LV_P}d1-%d" --count "$VMS" -j 1
    d1=$T
    delete "$W/x1" "$VMS" kvm
    x1=$T
    left=$(virsh -q -c "$LV_URI" list --all --name | grep -c "^${LV_P}d")
    [ "$left" -eq 0 ] || fail "vm-delete left $left domains behind"
    leftovers "$W/lib-a" "$POOL"

    # virt-clone's source: the domain vm-deploy made, on the golden image.
    sed -e '/<uuid>/d' -e '/<metadata>/,/<\/metadata>/d' \
        -e "/<disk type='file' device='cdrom'>/,/<\/disk>/d" \
        -e "s|<name>.*</name>|<name>${LV_P}src</name>|" \
        -e "s|<source file='.*'/>|<source file='$VC/golden.img'/>|" \
        "$W/d.xml" >"$W/src.xml"
    virsh -q -c "$LV_URI" define "$W/src.xml" >/dev/null || exit 1
    t0=$(now)
    for i in $(seq "$VMS"); do
        virt-clone --connect "$LV_URI" --original "${LV_P}src" \
            --name "${LV_P}vc$i" --auto-clone --reflink >"$W/vc.log" 2>&1 || {
            fail "virt-clone failed: $(tail -1 "$W/vc.log")"
            break
        }
    done
    vc=$(secs "$t0" "$(now)")
    vshared=$(filefrag -v "$VC/golden-clone.img" 2>/dev/null | grep -c shared)
    t0=$(now)
    for i in $(seq "$VMS"); do
        virsh -q -c "$LV_URI" undefine "${LV_P}vc$i" >/dev/null || status=1
    done
    rm -f "$VC"/golden-clone*.img
    vx=$(secs "$t0" "$(now)")
    virsh -q -c "$LV_URI" undefine "${LV_P}src" >/dev/null

    row method "wall s" "per VM ms" "virt-clone loop / this"
    row "vm-deploy -j 8" "$d8" "$(ms "$d8" "$VMS")" "$(ratio "$vc" "$d8")x"
    row "vm-deploy -j 1" "$d1" "$(ms "$d1" "$VMS")" "$(ratio "$vc" "$d1")x"
    row "virt-clone --reflink loop" "$vc" "$(ms "$vc" "$VMS")" "(reference)"
    row "vm-list -a | vm-delete (-j 8's)" "$x8" "$(ms "$x8" "$VMS")" "$(ratio "$vx" "$x8")x"
    row "vm-list -a | vm-delete (-j 1's)" "$x1" "$(ms "$x1" "$VMS")" "$(ratio "$vx" "$x1")x"
    row "virsh undefine loop + rm" "$vx" "$(ms "$vx" "$VMS")" "(reference)"
    verdict=$(echo "$vc $d8 $TARGET" |
        awk '{ print ($1 >= $3 * $2 ? "ok" : "TARGET MISSED") }')
    [ "$verdict" = ok ] || missed=1
    echo "  vm-deploy -j 8 vs the virt-clone loop: $(ratio "$vc" "$d8")x as fast (target: >= ${TARGET}x)  $verdict"
    sed -n 's/^vm-deploy: deploy: /  vm-deploy -j 8 -v: /p' "$W/d8.err"
    sed -n 's/^vm-deploy: deploy: /  vm-deploy -j 1 -v: /p' "$W/d1.err"
    echo "  reflinks: $defined of $VMS domains defined; extents of a deployed disk marked shared: $shared (virt-clone's: $vshared); space the $VMS disks took: $(((used1 - used0) / 1024)) MiB"
    if [ "$shared" -eq 0 ] || [ "$defined" -ne "$VMS" ]; then
        fail "the deployed disks are not reflinks, or domains are missing"
    fi
fi

# ---- B. requests per VM against smis-sim ----

echo
echo "B. $SIMVMS VMs against smis-sim --latency 5 (host test:///default)"
mkdir "$W/trace" || exit 1
smis-sim --listen 127.0.0.1:0 --port-file "$W/port" --state "$W/sim.state" \
    --latency 5 --trace-dir "$W/trace" >"$W/sim.log" 2>&1 &
SIM_PID=$!
for i in $(seq 600); do
    [ -s "$W/port" ] || ! kill -0 "$SIM_PID" 2>/dev/null && break
    sleep 0.05
done
[ -s "$W/port" ] || { fail "smis-sim did not start: $(cat "$W/sim.log")"; exit 1; }
PORT=$(cat "$W/port")
cat >"$W/b.conf" <<EOF
[library]
path = $W/lib-b
[array "sim"]
uri = smis+http://127.0.0.1:$PORT/interop
iscsi-portal = 192.0.2.10:3260
[pool "sim:gold"]
class = gold
host-groups = bench
[host "t"]
uri = test:///default
group = bench
iscsi-initiator = iqn.1993-08.org.debian:01:bench
EOF
SANPROV_CONFIG=$W/b.conf
export SANPROV_CONFIG

# stats FILE: smis-sim's counters (JSON) into FILE.
stats() {
    bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf "GET /stats HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3
        cat <&3' stats "$PORT" | sed '1,/^\r*$/d' >"$1"
    jq -e .requests "$1" >/dev/null
}
# requests BEFORE AFTER: the requests in between (less the second GET).
requests() { echo $(($(jq .requests "$2") - $(jq .requests "$1") - 1)); }

lun=$(pool-list --array sim --class gold | lun-create --size 1G --name golden) &&
    template-make --name sim-tmpl "$lun" >/dev/null || exit 1
# judge TEXT MET: TEXT and its verdict (MET: 1 when the target is met).
judge() {
    if [ "$2" = 1 ]; then
        echo "  $1  ok"
    else
        missed=1
        echo "  $1  TARGET MISSED"
    fi
}
# per N: N per VM.
per() { echo "$1 $SIMVMS" | awk '{ printf "%.2f", $1 / $2 }'; }
dtime1='' xreq1='' xtime1='' dreq8='' dtime8='' xreq8='' xtime8=''
row "run" "requests" "per VM" "wall s   (masking)"
for j in 1 8; do
    if ! stats "$W/s0" || ! run "$W/b$j" "$SIMVMS" vm-deploy -v \
        --template sim-tmpl --host t --name "b${j}vm%d" --count "$SIMVMS" \
        -j "$j" || ! stats "$W/s1"; then
        fail "-j $j: no figures"
        continue
    fi
    dep=$T
    req=$(requests "$W/s0" "$W/s1")
    logged=$(sed -n 's/.* \([0-9]*\) requests to the array$/\1/p' "$W/b$j.err")
    [ "$logged" = "$req" ] ||
        fail "vm-deploy -j $j logged '$logged' requests, smis-sim counted $req"
    # smis-sim's traces are numbered: those after the last copy's.
    mask=$(find "$W/trace" -name '*.req.xml' | sed 's|.*/||' | sort | awk -F- '
        $2 == "CreateElementReplica.req.xml" { n = 0; next } { n++ }
        END { print n }')
    row "vm-deploy -j $j" "$req" "$(per "$req")" "$dep   ($mask)"
    if ! delete "$W/bx$j" "$SIMVMS" t "$j" || ! stats "$W/s2"; then
        fail "-j $j: the VMs were not deleted"
        continue
    fi
    del=$(requests "$W/s1" "$W/s2")
    row "vm-list -a | vm-delete -j $j" "$del" "$(per "$del")" \
        "$T   ($(ratio "$T" "$dep")x its deploy's time)"
    if [ "$j" = 1 ]; then
        dtime1=$dep xreq1=$del xtime1=$T
    else
        dreq8=$req dtime8=$dep xreq8=$del xtime8=$T
    fi
    jq -e '.volumes == 1 and .views == 0 and .groups == 0 and
        .hardware_ids == 0' "$W/s2" >/dev/null ||
        fail "vm-delete left objects on the array: $(jq -c . "$W/s2")"
    leftovers "$W/lib-b"
done
echo "  (masking: the deploy's requests after its last copy, in smis-sim's traces)"
if [ -n "$dreq8" ] && [ -n "$xreq1" ] && [ -n "$xreq8" ]; then
    judge "vm-deploy -j 8: $(per "$dreq8") requests per VM (target: <= 1.5)" \
        "$(awk -v r="$dreq8" -v n="$SIMVMS" 'BEGIN { print (r <= 1.5 * n) }')"
    judge "vm-delete: $(per "$xreq1") and $(per "$xreq8") requests per VM (target: <= 2)" \
        "$(awk -v a="$xreq1" -v b="$xreq8" -v n="$SIMVMS" \
            'BEGIN { print (a <= 2 * n && b <= 2 * n) }')"
    judge "vm-delete: $(ratio "$xtime1" "$dtime1")x and $(ratio "$xtime8" "$dtime8")x the time of the deploy of its VMs, -j 1's and -j 8's (target: <= 1.0x)" \
        "$(awk -v a="$xtime1" -v b="$dtime1" -v c="$xtime8" -v d="$dtime8" \
            'BEGIN { print (a <= b && c <= d) }')"
fi

# ---- C. the same deploy with the library's locks, and without ----

# The -j 8 deploy of B again, against the same smis-sim, with the
# library's locks and without them ($SANPROV_NO_LOCKS=1, sanprov(7)),
# in turns, BENCH_LOCK_RUNS times each (default 3), each followed by its
# vm-delete; the medians side by side.
echo
echo "C. vm-deploy -j 8 of $SIMVMS VMs with the library's locks and without, $LOCKRUNS runs each in turns (smis-sim --latency 5)"
with='' without=''
for k in $(seq "$LOCKRUNS"); do
    for mode in with without; do
        [ "$mode" = without ] && export SANPROV_NO_LOCKS=1
        run "$W/c$mode$k" "$SIMVMS" vm-deploy --template sim-tmpl --host t \
            --name "c$mode${k}vm%d" --count "$SIMVMS" -j 8
        ok=$?
        unset SANPROV_NO_LOCKS
        [ "$ok" = 0 ] || continue
        if [ "$mode" = with ]; then with="$with $T"; else without="$without $T"; fi
        delete "$W/cx$mode$k" "$SIMVMS" t || fail "C: the VMs were not deleted"
    done
done
# median TIMES: the middle one.
median() {
    # shellcheck disable=SC2086 # one word a time
    printf '%s\n' $1 | sort -n |
        awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}
mw=$(median "$with") mo=$(median "$without")
row "vm-deploy -j 8, locks" "" "" "$mw s   (runs:$with)"
row "vm-deploy -j 8, SANPROV_NO_LOCKS=1" "" "" "$mo s   (runs:$without)"
if [ -n "$mw" ] && [ -n "$mo" ]; then
    verdict=ok
    awk -v a="$mw" -v b="$mo" 'BEGIN { exit !(a <= 1.1 * b) }' ||
        verdict='TARGET MISSED' missed=1
    echo "  with locks: $(echo "$mw $mo" | awk '{ printf "%.2f", $1 / $2 }')x the time without (target: <= 1.1x)  $verdict"
fi

echo
if [ "$missed" -eq 0 ]; then
    echo "bench: deploy targets met"
else
    echo "bench: TARGET MISSED (see above)"
fi
exit "$status"
