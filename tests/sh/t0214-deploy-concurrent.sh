#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0214-deploy-concurrent.sh: runs that cannot collide: 8 vm-deploy runs at once want the same names, 10 rounds on the local array and on smis-sim (both personalities), into a libvirtd the test starts: one run deploys each name, the others exit 6 naming the holder and make nothing; a run killed after reserving leaves its names to --resume; a copy the journal does not know is found by its tag, never by its name.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
# test_line_count takes its operator as an argument:
# shellcheck disable=SC2283
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-libvirt.sh"

# A libvirtd of the test's own; VIRSH, P and OPEN (see lib-libvirt.sh).
lv_begin 'concurrent vm-deploy into a libvirtd' jq xmllint virsh xorriso
RUNS=8
ROUNDS=10

write_conf() {
    cat >"$TRASH/sanprov.conf" <<EOF
[library]
path = $TRASH/library
[array "sim"]
uri = smis+http://127.0.0.1:$SIM_PORT
iscsi-portal = 192.0.2.10:3260
[pool "sim:gold"]
class = gold
host-groups = lab
[array "loc"]
uri = local:$OPEN/loc
[pool "loc:default"]
host-groups = lab
[host "kvm01"]
uri = $LV_URI
group = lab
iscsi-initiator = iqn.1993-08.org.debian:01:kvm01
cpu-mode = default
[host "here"]
uri = $LV_URI
group = lab
cpu-mode = default
seed-dir = $OPEN/seeds
EOF
}
SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG
RESERVED=$TRASH/library/reserved

# race TEMPLATE HOST NAME: $RUNS runs of vm-deploy let go at once, each
# wanting NAME1 and NAME2; run I's exit code in rc.I, IDs in out.I,
# messages in err.I.  (Waited for by PID: a bare wait would wait for the
# libvirtd too.)
race() {
    rm -f go rc.* out.* err.*
    _pids=
    for _i in $(seq $RUNS); do
        (
            while [ ! -e go ]; do sleep 0.01; done
            run vm-deploy --template "$1" --host "$2" --name "$3%d" \
                --count 2 -j 2 >"out.$_i" 2>"err.$_i"
            echo $? >"rc.$_i"
        ) &
        _pids="$_pids $!"
    done
    touch go
    for _p in $_pids; do wait "$_p"; done
}

# none_reserved: LIBRARY/reserved holds no reservation.
none_reserved() {
    test -z "$(ls "$RESERVED" 2>/dev/null)"
}

# settled NAME: after a race, one run deployed NAME1 and NAME2; the others
# exited 6 naming the holder (a run, or the VM recorded by then) and
# printed nothing; the records, LUNs and domains of NAME* are the winner's
# two and no reservation is left.
settled() {
    grep -lx 0 rc.* >won && test_line_count = 1 won &&
        w=$(sed 's/^rc\.//' won) && test_line_count = 2 "out.$w" &&
        for i in $(seq $RUNS); do
            [ "$i" = "$w" ] && continue
            test "$(cat "rc.$i")" = 6 && ! test -s "out.$i" &&
                grep -Eq "cannot deploy from template .*(name '$1[12]' is reserved by vm-deploy \(PID [0-9]+ on |the name '$1[12]' is taken by VM vm:)" "err.$i" ||
                { echo "run $i:"; cat "rc.$i" "err.$i"; return 1; }
        done &&
        sort "out.$w" >ids &&
        grep -l "^name=$1" "$TRASH"/library/vms/*.vm >recs &&
        xargs grep -h '^id=' <recs | cut -d= -f2 | sort >rec_ids &&
        test_cmp ids rec_ids &&
        xargs grep -h '^lun=' <recs | cut -d= -f2 | sort >rec_luns &&
        test_line_count = 2 rec_luns &&
        run lun-list --all --json | jq -r "select(.name | startswith(\"$1\")) | .id" |
        sort >luns && test_cmp rec_luns luns &&
        for d in $($VIRSH list --all --name | grep "^$1"); do
            $VIRSH domuuid "$d" || return 1
        done | grep . | sort >doms && sed "s/.*://" ids | sort >uuids &&
        test_cmp uuids doms && none_reserved
}

# intact: no two records share a LUN, no two domains a disk; every VM is
# listed, stopped, and its LUN is there with the WWN its record says.
intact() {
    grep -h '^lun=' "$TRASH"/library/vms/*.vm | cut -d= -f2 >rec_luns &&
        lun_keys rec_luns | sort | uniq -d >shared &&
        test_line_count = 0 shared &&
        for d in $($VIRSH list --all --name | grep "^$P"); do
            $VIRSH dumpxml "$d" >d.xml &&
                xmllint --xpath 'string(//disk[@device="disk"]/source/@file |
                    //disk[@device="disk"]/source/@name)' d.xml || return 1
        done | grep . >disks &&
        test_line_count = "$1" disks && sort disks | uniq -d >shared &&
        test_line_count = 0 shared &&
        run vm-list -a --json >vms.json && test "$(jq -r .state vms.json | sort -u)" = stopped &&
        test "$(wc -l <vms.json)" = "$1" &&
        jq -r .lun vms.json | run lun-list >luns && test_line_count = "$1" luns
}

# Nothing of this test's VMs: no record, domain, LUN named after one, or
# reservation.
clean() {
    ! ls "$TRASH"/library/vms/*.vm 2>/dev/null &&
        ! $VIRSH list --all --name | grep -q "^$P" &&
        ! run lun-list --all --json | jq -r .name | grep -q "^$P" &&
        none_reserved
}

# campaign WHAT TEMPLATE HOST: the rounds, then every VM intact, then
# deleted.
campaign() {
    start=$(date +%s)
    for r in $(seq -w $ROUNDS); do
        race "$2" "$3" "${P}r$r-"
        test_expect_success "$1: round $r: one run of $RUNS deploys ${P}r$r-1 and -2, the others exit 6 and make nothing" "
            settled '${P}r$r-'
        "
    done
    test_expect_success "$1: $((ROUNDS * 2)) VMs intact, no LUN or disk shared ($(($(date +%s) - start)) s)" "
        intact $((ROUNDS * 2))
    "
    test_expect_success "$1: vm-delete removes them all" '
        run vm-list -a | run vm-delete >del && test_line_count = $((ROUNDS * 2)) del && clean
    '
}

truncate -s 8M "$TRASH/golden.raw"

# ---- the local array, file disks on this machine ----

SIM_PORT=0
write_conf
run pool-list --array loc | run template-make --name on-loc --image "$TRASH/golden.raw" >/dev/null ||
    exit 1
campaign local on-loc here

# ---- smis-sim, both personalities, iSCSI ----

for p in group legacy; do
    SIM_NAME=$p
    sim_start --personality $p || continue
    write_conf
    run pool-list --class gold | run lun-create --size 1G --name golden |
        run template-make --name "deb-$p" >/dev/null || exit 1
    campaign "$p" "deb-$p" kvm01
    sim_stop
done

# ---- killed after reserving: the names wait for --resume ----

sim_stop
SIM_NAME=group
sim_start --personality group --latency 100 || exit 1
write_conf

test_expect_success 'a run killed right after reserving leaves its names reserved, by a holder gone' '
    (exec $SANPROV_WRAP vm-deploy --template deb-group --host kvm01 --name "${P}k%d" \
        --count 2 >/dev/null 2>&1) &
    pid=$! n=0
    until set -- "$RESERVED"/lun* && [ $# = 2 ]; do
        n=$((n + 1)) && [ $n -lt 1000 ] && sleep 0.01 || return 1
    done
    kill -9 $pid && wait $pid
    ls "$RESERVED" >held && test_line_count = 4 held
'

test_expect_code 6 'a new run of those names: exit 6, the holder gone, --resume takes them' '
    run vm-deploy --template deb-group --host kvm01 --name "${P}k%d" --count 2 >out 2>err
    rc=$?; cat err
    grep -q "name .${P}k1. is reserved by vm-deploy (PID [0-9]* on .*, which is gone: vm-deploy --resume or reconcile --fix takes the reservation over" err &&
        ! test -s out && exit $rc
'

test_expect_code 6 '--dry-run of those names says the same, and reserves nothing' '
    ls "$RESERVED" >before &&
    run vm-deploy --template deb-group --host kvm01 --name "${P}k%d" --count 2 --dry-run 2>err
    rc=$?; cat err
    grep -q "which is gone" err && ls "$RESERVED" >after && test_cmp before after && exit $rc
'

sim_stop
sim_start --personality group || exit 1
write_conf

test_expect_success 'vm-deploy --resume takes the reservations over and releases them' '
    run vm-deploy --resume 2>err && cat err &&
    grep -q "taking over the reservation of vm-deploy (PID" err && clean
'

test_expect_success '... and then the names deploy' '
    run vm-deploy --template deb-group --host kvm01 --name "${P}k%d" --count 2 >ids &&
    test_line_count = 2 ids && intact 2 && run vm-delete <ids >/dev/null && clean
'

test_expect_success '--dry-run of free names reserves nothing' '
    run vm-deploy --template deb-group --host kvm01 --name "${P}d%d" --count 2 --dry-run >plan &&
    test_line_count = 3 plan && clean
'

# ---- copies found by their tag, never by their name ----

sim_stop
sim_start --personality group --drop CreateElementReplica:1 || exit 1
write_conf
sim_get /stats | jq .volumes >"$TRASH/volumes"

test_expect_success 'the answer to a copy is lost: the LUN the array made is found by its tag' '
    run vm-deploy --template deb-group --host kvm01 --name "${P}lost" >ids 2>err &&
    cat err && test_line_count = 1 ids &&
    grep -q "the answer to the making of LUN .${P}lost. was lost .*found by its tag" err &&
    sim_get /stats >stats &&
    jq -e ".calls.CreateElementReplica == 1 and .volumes == $(($(cat "$TRASH/volumes") + 1))" stats &&
    intact 1
'

test_expect_success '... tagged with the library and the VM' '
    run vm-list --json <ids | jq -r .lun | run lun-list --json >lun.json &&
    uuid=$(sed "s/.*://" ids) && lib=$(cat "$TRASH/library/library-id") &&
    test "$(jq -r .tag.entry lun.json)" = "$(echo "$uuid" | cut -c1-8)" &&
    test "$(jq -r .tag.library lun.json)" = "$(echo "$lib" | cut -c1-6)" &&
    run vm-delete <ids >/dev/null && clean
'

sim_stop
sim_start --personality group --job-seconds 2 || exit 1
write_conf
sim_get /stats | jq .volumes >"$TRASH/volumes"

test_expect_success 'killed while the array makes its copy, a run leaves a LUN its journal does not know' '
    (exec $SANPROV_WRAP vm-deploy --template deb-group --host kvm01 --name "${P}job" \
        >/dev/null 2>&1) &
    pid=$! n=0
    until sim_get /stats >stats && jq -e ".calls.CreateElementReplica == 1" stats >/dev/null; do
        n=$((n + 1)) && [ $n -lt 500 ] && sleep 0.02 || return 1
    done
    kill -9 $pid && wait $pid
    grep -l "^name=${P}job\$" "$TRASH"/library/vms/*.vm >rec && ! grep -q "^lun=" "$(cat rec)" &&
    sleep 2.5 && sim_get /stats >stats &&
    jq -e ".volumes == $(($(cat "$TRASH/volumes") + 1))" stats
'

test_expect_success 'vm-deploy --resume removes it, found by its tag, and copies again' '
    run vm-deploy --resume >ids 2>err && cat err && test_line_count = 1 ids &&
    sim_get /stats >stats &&
    jq -e ".calls.CreateElementReplica == 2 and .volumes == $(($(cat "$TRASH/volumes") + 1))" stats &&
    intact 1 && run vm-delete <ids >/dev/null && clean
'

sim_stop
sim_start --personality group || exit 1
write_conf

# A journal that began a copy and never learnt its LUN, and a LUN of the
# VM's name in the pool that another run made.
test_expect_success 'a rollback left to resume, and another LUN of its name' '
    run pool-list --class gold | run lun-create --size 1M --name "${P}other" >other &&
    uuid=$(cat /proc/sys/kernel/random/uuid) &&
    cat >"$TRASH/library/vms/$uuid.vm" <<EOF
id=vm:kvm01:$uuid
name=${P}other
template=$(run template-list -a --json | jq -r "select(.name == \"deb-group\") | .id")
array=sim
pool=$(run pool-list --class gold)
copy=snapshot
lun-name=${P}other
connect=iscsi
start=no
state=rolling-back
step=copy
created=$(date +%s)
EOF
'

test_expect_success 'vm-deploy --resume finishes that rollback and leaves the LUN, which lacks the VM tag' '
    run vm-deploy --resume 2>err && cat err &&
    grep -q "pool .* has a LUN named .${P}other., $(lun_keys other)[:A-F0-9]*, without the VM.s tag: not its copy, it is left" err &&
    ! ls "$TRASH"/library/vms/*.vm 2>/dev/null &&
    run lun-list <other >still && test_cmp other still &&
    run lun-delete <other >/dev/null && clean
'

sim_stop
test_done
