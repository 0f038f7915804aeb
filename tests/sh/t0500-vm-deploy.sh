#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0500-vm-deploy.sh: vm-deploy, vm-list and vm-delete against smis-sim (both personalities) and the local array, into a libvirtd the test starts itself: the flow end to end, every preflight rule broken (exit 6, nothing changed), faults at each step rolled back, and kill -9 at random followed by --resume.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
# test_line_count takes its operator as an argument:
# shellcheck disable=SC2283
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-libvirt.sh"

# A libvirtd of the test's own; VIRSH, P and OPEN (see lib-libvirt.sh).
lv_begin 'vm-deploy into a libvirtd' jq xmllint virsh xorriso
LOC=$OPEN/loc
mkdir -m 0700 "$TRASH/shut"
KVM01=iqn.1993-08.org.debian:01:kvm01

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
[pool "sim:silver"]
class = silver
[array "loc"]
uri = local:$LOC
[pool "loc:default"]
host-groups = lab
[host "kvm01"]
uri = $LV_URI
group = lab
iscsi-initiator = $KVM01
cpu-mode = default
[host "kvm02"]
uri = $LV_URI
group = lab
iscsi-initiator = iqn.1993-08.org.debian:01:kvm02
[host "dev01"]
uri = $LV_URI
group = dev
iscsi-initiator = iqn.1993-08.org.debian:01:dev01
[host "nogroup"]
uri = $LV_URI
iscsi-initiator = iqn.1993-08.org.debian:01:nogroup
[host "noinit"]
uri = $LV_URI
group = lab
[host "here"]
uri = $LV_URI
group = lab
cpu-mode = default
seed-dir = $OPEN/seeds
[host "here-shut"]
uri = $LV_URI
group = lab
cpu-mode = default
seed-dir = $TRASH/shut/seeds
[host "testdrv"]
uri = test:///default
group = lab
iscsi-initiator = iqn.1993-08.org.debian:01:testdrv
[host "fc01"]
uri = $LV_URI
group = lab
connectivity = fc
fc-wwpn = 21:00:00:24:ff:4c:aa:01
EOF
}
SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG

# The VMs of this run (a libvirtd keeps domains where the system's does,
# so others' may be listed as unrecorded).
mine() {
    run vm-list -a -l | grep " $P"
}
# What a run must leave: no VM half-made, every LUN but the templates'
# and every domain of this run named after a VM vm-list shows.
accounted() {
    run vm-list -a --json | grep "\"name\":\"$P" >vms.json;
        ! jq -r 'select(.state != "running" and .state != "stopped" and .state != "failed") | .name' \
            vms.json | grep -q . &&
        jq -r .name vms.json | sort >names &&
        run lun-list --all --json | jq -r .name | grep "^$P" | sort >luns &&
        comm -23 luns names >stray && test_line_count = 0 stray &&
        $VIRSH list --all --name | grep "^$P" | sort >doms &&
        comm -23 doms names >stray && test_line_count = 0 stray
}
# Nothing of this run but the templates' LUNs: no VM, LUN or domain.
clean() {
    ! mine >vms && test_line_count = 0 vms &&
        ! run lun-list --all --json | jq -r .name | grep -q "^$P" &&
        ! $VIRSH list --all --name | grep -q "^$P" &&
        ! ls "$TRASH"/library/vms/*.vm 2>/dev/null
}

truncate -s 32M "$TRASH/golden.raw"
echo golden | dd of="$TRASH/golden.raw" conv=notrunc 2>/dev/null

for p in group legacy; do
    SIM_NAME=$p
    sim_start --personality $p || continue
    write_conf
    run pool-list --class gold | run lun-create --size 1G --name golden >"$TRASH/base"
    run template-make --name "deb-$p" <"$TRASH/base" >"$TRASH/tmpl"

    test_expect_success "$p: vm-deploy --count 3 prints 3 VM IDs; iSCSI disks for the host's IQN" '
        run vm-deploy --template deb-'$p' --host kvm01 --name "${P}'$p'%d" --count 3 -j 2 >ids &&
        test_line_count = 3 ids && ! grep -v "^vm:kvm01:" ids &&
        for id in $(cat ids); do
            $VIRSH dumpxml "${id##*:}" >d.xml &&
            test "$(xmllint --xpath "string(//disk[@device=\"disk\"]/source/@protocol)" d.xml)" = iscsi &&
            test "$(xmllint --xpath "string(//disk/source/initiator/iqn/@name)" d.xml)" = "$KVM01" &&
            test "$(xmllint --xpath "string(//disk[@device=\"disk\"]/source/host/@name)" d.xml)" = 192.0.2.10 ||
            return 1
        done
    '

    test_expect_success "$p: vm-list shows them stopped, with their LUNs masked to the host at their numbers" '
        run vm-list -a --json | grep "\"name\":\"$P" >l.json &&
        test "$(jq -r .state l.json | sort -u)" = stopped &&
        test "$(jq -r .host l.json | sort -u)" = kvm01 &&
        jq -r .lun l.json | run lun-list --json >luns.json &&
        test "$(jq -r ".masking[0].initiator" luns.json | sort -u)" = "$KVM01" &&
        for n in $(jq -r ".masking[0].lun" luns.json); do
            jq -r .disk l.json | grep -q "/$n\$" || return 1
        done
    '

    test_expect_success "$p: vm-delete tears them down: domains, masking, LUNs, records" '
        mine | run vm-delete >del && test_line_count = 3 del && clean
    '
    sim_stop
done

SIM_NAME=group
sim_start || exit 1
write_conf
BASE=$(cat "$TRASH/base")

# ---- preflight: each rule broken, exit 6, nothing changed ----

# Fixtures first, then the state every refusal must leave as it was.
run pool-list --class silver | run lun-create --size 1G --name fx-silverbase |
    run template-make --name on-silver >/dev/null
run pool-list --class gold | run lun-create --size 4T --name fx-big |
    run template-make --name big --copy-method clone >/dev/null
run template-make --name uefi --firmware uefi <"$TRASH/base" >/dev/null
run pool-list --class gold | run lun-create --size 1M --name fx-lun-taken >/dev/null
run pool-list --array loc | run template-make --name on-loc --image "$TRASH/golden.raw" >/dev/null
printf "<domain type='qemu'><name>%staken</name><memory>65536</memory><os><type arch='x86_64'>hvm</type></os></domain>\n" \
    "$P" >"$TRASH/taken.xml"
$VIRSH define "$TRASH/taken.xml" >/dev/null
# A VM of the library on another host (test:///default forgets its domain
# with the process; the record stays).
run vm-deploy --template deb-group --host testdrv --name "${P}rec" >"$TRASH/rec"
awk '/^\[/ { skip = ($0 == "[pool \"sim:gold\"]") } !skip' \
    "$TRASH/sanprov.conf" >"$TRASH/unmanaged.conf"

snapshot_state() {
    { run lun-list --all; run template-list -a; ls "$TRASH/library/vms" "$LOC/default";
      $VIRSH list --all --name; } 2>&1 | sort
}
snapshot_state >"$TRASH/before"

# refused DESCRIPTION MESSAGE-PATTERN VM-DEPLOY-ARGS: exit 6, the message,
# and nothing changed.
refused() {
    test_expect_code 6 "preflight: $1 (exit 6)" "run vm-deploy $3 2>err"
    test_expect_success "preflight: $1: says so, nothing changed" '
        grep -q "'"$2"'" err && snapshot_state >after && test_cmp "$TRASH/before" after
    '
}
refused 'a pool allocated to no host group' 'allocated to no host group' \
    '--template on-silver --host kvm01 --name "${P}x%d"'
refused "a pool not allocated to the host's group" "not to 'dev'" \
    '--template deb-group --host dev01 --name "${P}x%d"'
refused 'a host in no group' 'in no host group' \
    '--template deb-group --host nogroup --name "${P}x%d"'
refused 'a host without initiators' 'no initiators' \
    '--template deb-group --host noinit --name "${P}x%d"'
refused 'iSCSI host, array without iSCSI' 'no iSCSI target ports' \
    '--template on-loc --host kvm01 --name "${P}x%d"'
refused 'FC host, array without FC' 'connects by FC, and array .loc. has no FC' \
    '--template on-loc --host fc01 --name "${P}x%d"'
refused 'a UEFI template on a host without UEFI' 'needs UEFI' \
    '--template uefi --host testdrv --name "${P}x%d"'
refused 'a VM name taken on the host' 'already on host' \
    '--template deb-group --host kvm01 --name "${P}taken"'
refused 'a VM name recorded in the library (VM on another host)' "taken by VM vm:testdrv:" \
    '--template deb-group --host kvm01 --name "${P}rec"'
refused 'a LUN name taken in the pool' 'already has a LUN named' \
    '--template deb-group --host kvm01 --name fx-lun-taken'
refused 'no room in the pool for the clones' 'clones of' \
    '--template big --host kvm01 --name "${P}x%d" --count 3'
refused 'an unmanaged pool' 'is not managed' \
    '--template deb-group --host kvm01 --name "${P}x%d" -c "$TRASH/unmanaged.conf"'

chmod 0700 "$OPEN"
refused 'disk files where QEMU cannot reach them, with --start' \
    "runs its VMs as user .* cannot search directory '$OPEN'" \
    '--template on-loc --host here --name "${P}x%d" --start'
chmod 0755 "$OPEN"
refused 'customization media where QEMU cannot reach them, with --start' \
    "the VMs cannot start: .*cannot search directory" \
    '--template on-loc --host here-shut --name "${P}x%d" --start'

test_expect_code 2 'a name given twice: a usage error (exit 2)' '
    run vm-deploy --template deb-group --host kvm01 --name "${P}twice" --count 2 2>err
'
test_expect_code 3 'a group with no host is not found (exit 3)' '
    run vm-deploy --template deb-group --group nosuch --name "${P}x%d"
'

test_expect_success '--dry-run prints the plan (placed over the group) and changes nothing' '
    run vm-deploy --template deb-group --group lab --name "${P}d%d" --count 4 --dry-run --json >plan &&
    test_line_count = 4 plan &&
    jq -r .host plan | sort -u >placed &&
    test "$(cat placed)" = "$(printf "%s\n" fc01 kvm01 kvm02 testdrv)" &&
    test "$(jq -r "select(.host == \"fc01\") | .connect" plan)" = fc &&
    test "$(jq -r "select(.host != \"fc01\") | .connect" plan | sort -u)" = iscsi &&
    snapshot_state >after && test_cmp "$TRASH/before" after
'

test_expect_success 'the fixture VM of another host is deleted' '
    test_line_count = 1 "$TRASH/rec" && run vm-delete <"$TRASH/rec" >del &&
    test_cmp "$TRASH/rec" del && ! ls "$TRASH"/library/vms/*.vm 2>/dev/null
'

sim_stop
sim_start --no-copies || exit 1
write_conf
snapshot_state >"$TRASH/before"
refused 'an array that makes no SAN copies' 'neither snapshots nor clones' \
    '--template deb-group --host kvm01 --name "${P}x%d"'
sim_stop
$VIRSH undefine "${P}taken" >/dev/null

# ---- the local array, on this machine: file disks, started ----

test_expect_success 'local array, host on this machine: file disks; --start runs them' '
    run vm-deploy --template on-loc --host here --name "${P}f%d" --count 2 --start >ids &&
    test_line_count = 2 ids &&
    run vm-list --json <ids >l.json &&
    test "$(jq -r .connect l.json | sort -u)" = file &&
    for id in $(cat ids); do
        test "$($VIRSH domstate "${id##*:}")" = running &&
        $VIRSH dumpxml "${id##*:}" >d.xml &&
        test "$(xmllint --xpath "string(//disk[@device=\"disk\"]/source/@file)" d.xml)" = \
            "$LOC/default/$(jq -r "select(.id == \"$id\") | .name" l.json).img" || return 1
    done &&
    test "$(jq -r .state l.json | sort -u)" = running &&
    run vm-delete <ids >del && test_cmp ids del && clean
'

test_expect_success 'without --start, VMs whose media QEMU cannot reach are deployed with a warning' '
    run vm-deploy --template on-loc --host here-shut --name "${P}w%d" >ids 2>err &&
    test_line_count = 1 ids && grep -q "warning: the VMs will not start: .*cannot search" err &&
    run vm-delete <ids >del && test_cmp ids del && clean
'

test_expect_code 3 'vm-delete of a VM that is gone: not found (exit 3)' '
    echo vm:here:11111111-2222-3333-4444-555555555555 | run vm-delete
'

# ---- faults at each step: the VM undone, the others go on ----

sim_start --fail CreateElementReplica:2 || exit 1
write_conf
test_expect_code 5 'the array fails the 2nd copy: exit 5, the other VMs deployed' '
    run vm-deploy --template deb-group --host kvm01 --name "${P}e%d" --count 3 >ids 2>err
'
test_expect_success 'the array fails a copy: its error said, 2 IDs printed, nothing else left' '
    test_line_count = 2 ids && grep -q "deploy VM .${P}e2" err && accounted &&
    mine | run vm-delete >/dev/null && clean
'
sim_stop

sim_start --fail CreateMaskingView:1 --fail AddMembers:1 --fail ExposePaths:1 || exit 1
write_conf
test_expect_code 1 'the array fails the masking: every VM of the host fails (exit 1)' '
    run vm-deploy --template deb-group --host kvm01 --name "${P}m%d" --count 3 -j 3 >ids 2>err
'
test_expect_success 'the masking failed: the copies are undone, nothing left' '
    test_line_count = 0 ids && test_line_count = 3 err && clean
'
sim_stop

sim_start || exit 1
write_conf
run template-make --name badmachine --machine pc-q35-nosuch-9.9 <"$TRASH/base" >/dev/null
test_expect_code 1 'the host refuses the definition: every VM fails (exit 1)' '
    run vm-deploy --template badmachine --host kvm01 --name "${P}b%d" --count 2 >ids 2>err
'
test_expect_success 'the host refused: copies, masking, media undone; nothing left' '
    grep -q "define the VM" err && clean &&
    ! ls "$TRASH"/library/seeds/*.iso 2>/dev/null
'
test_expect_code 1 '--keep-failed keeps what the failed VMs got' '
    run vm-deploy --template badmachine --host kvm01 --name "${P}k%d" --keep-failed >ids 2>err
'
test_expect_success '--keep-failed: vm-list says failed; vm-delete removes it all' '
    test_line_count = 1 ids &&
    test "$(run vm-list --json <ids | jq -r .state)" = failed &&
    run lun-list --all --json | jq -r .name | grep -qx "${P}k1" &&
    run vm-delete <ids && clean
'

# The customization step fails: the media's directory cannot be made.
: >"$TRASH/afile"
sed "s|^seed-dir = $OPEN/seeds\$|seed-dir = $TRASH/afile/seeds|" \
    "$TRASH/sanprov.conf" >"$TRASH/badseed.conf"
test_expect_code 1 'customization fails: every VM fails (exit 1)' '
    grep -q "afile/seeds" "$TRASH/badseed.conf" &&
    run vm-deploy -c "$TRASH/badseed.conf" --template on-loc --host here \
        --name "${P}c%d" --count 2 >ids 2>err
'
test_expect_success 'customization failed: its error said; copies and definitions undone' '
    test_line_count = 0 ids && grep -q "cannot make directory .*afile/seeds" err &&
        ! grep -q "undoing its steps failed" err && clean
'

# The start fails: QEMU cannot reach the array's iSCSI portal.
sed "s|^iscsi-portal = 192.0.2.10:3260\$|iscsi-portal = 127.0.0.1:9|" \
    "$TRASH/sanprov.conf" >"$TRASH/noportal.conf"
test_expect_code 1 'the start fails: every VM fails (exit 1)' '
    grep -q "127.0.0.1:9" "$TRASH/noportal.conf" &&
    run vm-deploy -c "$TRASH/noportal.conf" --template deb-group --host kvm01 \
        --name "${P}s%d" --count 2 --start >ids 2>err
'
test_expect_success 'the start failed: the error from QEMU said; everything undone' '
    test_line_count = 0 ids && grep -q "start the VM" err && clean &&
    run lun-list --all --json | jq -e "select(.masking != null and .masking != [])" >masked;
    test_line_count = 0 masked
'

# ---- kill -9 at random, then --resume ----

sim_stop
sim_start --latency 15 || exit 1
write_conf
start=$(date +%s%N)
run vm-deploy --template deb-group --host kvm01 --name "${P}t%d" --count 3 -j 2 >/dev/null
span=$((($(date +%s%N) - start) / 1000000))
mine | run vm-delete >/dev/null
test_expect_success "20 trials: kill -9 at random in a deploy of ${span} ms; --resume finishes or undoes every VM" '
    for trial in $(seq 20); do
        delay=$(awk -v s="$trial$$" -v m="$span" "BEGIN { srand(s); printf \"%.3f\", rand() * m / 1000 }")
        (exec $SANPROV_WRAP vm-deploy --template deb-group --host kvm01 \
            --name "${P}r${trial}x%d" --count 3 -j 2 >/dev/null 2>&1) &
        pid=$!
        sleep "$delay"
        kill -9 $pid 2>/dev/null
        wait $pid 2>/dev/null
        run vm-deploy --resume >resumed 2>err || { cat err; return 1; }
        accounted || { echo "trial $trial after ${delay}s: not accounted"; cat vms.json; return 1; }
        { mine | run vm-delete >/dev/null && clean; } ||
            { echo "trial $trial: not clean"; return 1; }
    done
'
sim_stop

test_done
