#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0502-vm-delete-batch.sh: vm-delete in batches, into a libvirtd the test starts itself: VMs of two hosts on two smis-sims (both personalities) and on the local array removed in one run (domains, masking, LUNs, records), a VM whose LUN was swapped refused alone (exit 6; 5 for the batch) with nothing of it changed, a host that cannot be reached failing its VM only, at most 2 requests a VM, and one discovery of an array for all the workers of vm-deploy -j 8.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
# test_line_count takes its operator as an argument:
# shellcheck disable=SC2283
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-libvirt.sh"

# A libvirtd of the test's own; VIRSH, P and OPEN (see lib-libvirt.sh).
lv_begin 'vm-delete in batches into a libvirtd' jq virsh xorriso
LOC=$OPEN/loc
# The address of a libvirtd that is not there: a host that cannot be reached.
DEAD_URI="qemu:///system?socket=$TRASH/no-libvirtd-sock"

# write_conf: arrays "simg" (group masking) and "siml"
# (legacy) on the two simulators, "loc" here; hosts kvm01 and kvm02 on the
# test's libvirtd (kvm02 at $KVM02_URI when set), "here" for local disks,
# "testdrv" on libvirt's test driver.
write_conf() {
    cat >"$TRASH/sanprov.conf" <<EOF
[library]
path = $TRASH/library
[array "simg"]
uri = smis+http://127.0.0.1:$PORT_G
iscsi-portal = 192.0.2.10:3260
[pool "simg:gold"]
host-groups = lab
[array "siml"]
uri = smis+http://127.0.0.1:$PORT_L
iscsi-portal = 192.0.2.11:3260
[pool "siml:gold"]
host-groups = lab
[array "loc"]
uri = local:$LOC
[pool "loc:default"]
host-groups = lab
[host "kvm01"]
uri = $LV_URI
group = lab
iscsi-initiator = iqn.1993-08.org.debian:01:kvm01
cpu-mode = default
[host "kvm02"]
uri = ${KVM02_URI:-$LV_URI}
group = lab
iscsi-initiator = iqn.1993-08.org.debian:01:kvm02
cpu-mode = default
[host "here"]
uri = $LV_URI
group = lab
cpu-mode = default
seed-dir = $OPEN/seeds
[host "testdrv"]
uri = test:///default
group = lab
iscsi-initiator = iqn.1993-08.org.debian:01:testdrv
EOF
}
SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG

# start_sims: both simulators (again, keeping their state), and the
# configuration for their ports.
start_sims() {
    SIM_NAME=siml
    sim_start --personality legacy || return 1
    PORT_L=$SIM_PORT TRACE_L=$SIM_TRACE STATE_L=$SIM_STATE PID_L=$SIM_PID
    SIM_NAME=simg
    sim_start --personality group || return 1
    PORT_G=$SIM_PORT TRACE_G=$SIM_TRACE STATE_G=$SIM_STATE PID_G=$SIM_PID
    write_conf
}
# stop_sims: both; RC_L and RC_G their exit statuses.
stop_sims() {
    SIM_PID=$PID_L && sim_stop
    RC_L=$SIM_RC
    SIM_PID=$PID_G && sim_stop
    RC_G=$SIM_RC
}
# stats PORT: a simulator's counters (see lib-sim.sh).
stats() {
    SIM_PORT=$1 sim_get /stats
}

# Nothing of this run left but the templates' LUNs: no domain, record,
# masking or LUN of a VM.
clean() {
    ! $VIRSH list --all --name | grep -q "^$P" &&
        ! ls "$TRASH"/library/vms/*.vm 2>/dev/null &&
        ! run lun-list --all --json | jq -r .name | grep -q "^$P" &&
        stats "$PORT_G" | jq -e '.views == 0 and .groups == 0' >/dev/null &&
        stats "$PORT_L" | jq -e '.views == 0' >/dev/null
}

truncate -s 32M "$TRASH/golden.raw"
start_sims || exit 1
for a in simg siml; do
    echo "pool:$a:gold" | run lun-create --size 1G --name "base-$a" |
        run template-make --name "t-$a" >/dev/null
done
run pool-list --array loc |
    run template-make --name t-loc --image "$TRASH/golden.raw" >/dev/null

# ---- one run for VMs of two hosts on three arrays ----

test_expect_success 'VMs on kvm01 and kvm02 from both simulators, and local ones' '
    run vm-deploy --template t-simg --host kvm01 --name "${P}g1-%d" --count 2 >g1 &&
    run vm-deploy --template t-simg --host kvm02 --name "${P}g2-%d" --count 2 >g2 &&
    run vm-deploy --template t-siml --host kvm01 --name "${P}l1-%d" --count 2 >l1 &&
    run vm-deploy --template t-siml --host kvm02 --name "${P}l2-%d" >l2 &&
    run vm-deploy --template t-loc --host here --name "${P}f-%d" --count 2 >f &&
    cat g1 l1 f g2 l2 >"$TRASH/all" && test_line_count = 9 "$TRASH/all" &&
    test "$($VIRSH list --all --name | grep -c "^$P")" = 9 &&
    stats "$PORT_G" | jq -e ".views == 2" >/dev/null &&
    stats "$PORT_L" | jq -e ".views == 2" >/dev/null
'

test_expect_success 'one vm-delete removes them all: domains, masking, LUNs, records' '
    # Interleaved: the batch groups them by array and host itself.
    paste -d "\n" g1 l1 f g2 l2 | grep . >ids &&
    run vm-delete <ids >out 2>err && cat err &&
    test_cmp ids out && clean
'

# ---- a swapped LUN: that VM refused alone ----

# The volume named $n in smis-sim's state, which may keep sanprov's tag
# after the name (NAME_LLLLLL_EEEEEEEE, see sp_array_set_tag()).
VOL='.volumes[] | select(.name == $n or
    (.name | test("^" + $n + "_[0-9a-f]{6}_[0-9a-f]{8}$")))'
# swap NAME: as an administrator deleting the volume NAME on simulator
# simg and making it again under its DeviceID: another WWN (in the state
# file, which holds the whole array after a clean stop).
swap() {
    stop_sims
    jq --arg n "$1" "($VOL | .wwn) |=
        (.[0:16] + \"FEEDFACE\" + .[24:32])" "$STATE_G" >"$STATE_G.new" &&
        mv "$STATE_G.new" "$STATE_G"
    start_sims
}
# Everything of VM $1 that must not change: its record, its domain, its
# LUN and that LUN's masking on simg.
vm_state() {
    _uuid=${1##*:}
    cat "$TRASH/library/vms/$_uuid.vm" &&
        $VIRSH dominfo "$_uuid" | grep -E "^(Name|UUID|State):" &&
        sim_get /state "$PORT_G" | jq -S --arg n "$2" "($VOL) as \$v |
            [\$v, [.views[] | .units[] | select(.[0] == \$v.num)]]"
}

test_expect_success 'three VMs on simg, the LUN of the second swapped' '
    run vm-deploy --template t-simg --host kvm01 --name "${P}s%d" --count 3 \
        >"$TRASH/swap" && test_line_count = 3 "$TRASH/swap"
'
swapped=$(sed -n 2p "$TRASH/swap")
swapped_lun=$(run vm-list --json "$swapped" | jq -r .lun)
swapped_name=$(run lun-list --json "$swapped_lun" | jq -r .name)
swap "$swapped_name"
vm_state "$swapped" "$swapped_name" >"$TRASH/before" 2>&1

test_expect_code 6 'swapped: vm-delete of that VM alone (exit 6)' '
    echo "$swapped" | run vm-delete >out 2>err; rc=$?; cat err
    grep -q "its key now names another LUN, WWN [0-9A-F]*FEEDFACE" err &&
    test_line_count = 0 out && exit $rc
'

test_expect_code 5 'swapped: the batch of three (exit 5)' '
    run vm-delete <"$TRASH/swap" >out 2>err; rc=$?; cat err
    test_line_count = 1 err && grep -q "cannot delete VM .$swapped." err &&
    grep -v "$swapped" "$TRASH/swap" >others && test_cmp others out &&
    exit $rc
'

test_expect_success 'swapped: the others are gone, nothing of the refused one changed' '
    vm_state "$swapped" "$swapped_name" >after 2>&1 &&
    test_cmp "$TRASH/before" after &&
    test "$($VIRSH list --all --name | grep -c "^$P")" = 1 &&
    test "$(ls "$TRASH"/library/vms/*.vm | wc -l)" = 1
'

test_expect_success 'swapped: the VM is forgotten by hand (the key names a LUN of another)' '
    $VIRSH undefine "${swapped##*:}" >/dev/null &&
    rm "$TRASH/library/vms/${swapped##*:}.vm" &&
    lun_keys <<EOF | run lun-mask -u --host kvm01 >/dev/null &&
$swapped_lun
EOF
    lun_keys <<EOF | run lun-delete >/dev/null &&
$swapped_lun
EOF
    clean
'

# ---- a host that cannot be reached: its VM fails alone ----

test_expect_success 'VMs on kvm01 and kvm02' '
    run vm-deploy --template t-simg --host kvm01 --name "${P}h1-%d" --count 2 >h1 &&
    run vm-deploy --template t-simg --host kvm02 --name "${P}h2-%d" >h2 &&
    cat h1 h2 >"$TRASH/hosts"
'

test_expect_code 5 'kvm02 cannot be reached: its VM fails, the others are deleted (exit 5)' '
    KVM02_URI=$DEAD_URI && write_conf &&
    run vm-delete <"$TRASH/hosts" >out 2>err; rc=$?; cat err
    KVM02_URI= && write_conf
    test_line_count = 1 err && grep -q "cannot delete VM .vm:kvm02:" err &&
    grep "^vm:kvm01:" "$TRASH/hosts" >want && test_cmp want out && exit $rc
'

test_expect_success 'kvm02 back: its VM, still recorded with its LUN, is deleted' '
    run vm-list -a --json | jq -c "select(.name | startswith(\"${P}h\"))" >l.json &&
    test_line_count = 1 l.json &&
    run lun-list "$(jq -r .lun l.json)" >/dev/null &&
    grep "^vm:kvm02:" "$TRASH/hosts" | run vm-delete >out &&
    test_line_count = 1 out && clean
'

# ---- round trips ----

# The host keeps a 21st VM: what is counted is the VMs', not the removal of
# the host's emptied view, groups and hardware ID (some 16 requests, once
# for the host; make bench counts a batch that empties it).
test_expect_success 'vm-delete of 20 VMs makes at most 2 requests a VM' '
    run vm-deploy --template t-simg --host testdrv --name "${P}n%d" --count 21 \
        -j 4 >all && head -20 all >ids &&
    stats "$PORT_G" >s0 &&
    run vm-delete <ids >out && test_cmp ids out &&
    stats "$PORT_G" >s1 &&
    n=$(($(jq .requests s1) - $(jq .requests s0) - 1)) &&
    echo "vm-delete of 20 VMs: $n requests" && test "$n" -le 40 &&
    stats "$PORT_G" | jq -e ".views == 1" >/dev/null &&
    sed -n 21p all | run vm-delete >/dev/null && clean
'

test_expect_success 'vm-delete -j 4 of 20 VMs: four connections, each three requests more' '
    run vm-deploy --template t-simg --host testdrv --name "${P}p%d" --count 21 \
        -j 4 >all && head -20 all >ids &&
    stats "$PORT_G" >s0 &&
    run vm-delete -j 4 <ids >out && test_cmp ids out &&
    stats "$PORT_G" >s1 &&
    n=$(($(jq .requests s1) - $(jq .requests s0) - 1)) &&
    echo "vm-delete -j 4 of 20 VMs: $n requests" && test "$n" -le 49 &&
    run vm-list -a >left && ! grep -Fxf ids left &&
    sed -n 21p all | run vm-delete -j 64 >/dev/null && clean
'

test_expect_code 2 'vm-delete -j 0 is a usage error' 'run vm-delete -j 0 </dev/null'
test_expect_code 2 'vm-delete -j 65 is a usage error' 'run vm-delete -j 65 </dev/null'

# The requests of simulator simg whose body holds $1.
asked() {
    grep -l "$1" "$TRACE_G"/*.req.xml 2>/dev/null | wc -l
}

test_expect_success 'vm-deploy -j 8: one discovery of the array for all the workers' '
    p0=$(asked CIM_RegisteredProfile) && c0=$(asked ElementConformsToProfile) &&
    stats "$PORT_G" >s0 &&
    run vm-deploy --template t-simg --host testdrv --name "${P}j%d" --count 16 \
        -j 8 >ids && test_line_count = 16 ids &&
    stats "$PORT_G" >s1 &&
    test "$(($(asked CIM_RegisteredProfile) - p0))" = 1 &&
    test "$(($(asked ElementConformsToProfile) - c0))" = 1 &&
    # The copies are read back at once, not one GetInstance each.
    gets=$(($(jq ".calls.GetInstance // 0" s1) - $(jq ".calls.GetInstance // 0" s0))) &&
    echo "GetInstance: $gets for 16 copies" && test "$gets" -le 9 &&
    run vm-delete <ids >/dev/null && clean
'

stop_sims
test_expect_success 'both smis-sims stop cleanly' '
    test "$RC_L" = 0 && test "$RC_G" = 0
'

test_done
