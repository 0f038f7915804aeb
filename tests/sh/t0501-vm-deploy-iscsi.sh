#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0501-vm-deploy-iscsi.sh: the whole flow with real parts: a local array on a loop-mounted XFS, exported by a tgtd of the test's own, a template from an image, vm-deploy --count 3 --start into a libvirtd of the test's own; QEMU opens the reflinked LUNs over iSCSI as the host's IQN, and another IQN cannot.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
# test_line_count takes its operator as an argument:
# shellcheck disable=SC2283
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-libvirt.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-tgt.sh"

WHAT='vm-deploy over real iSCSI'
if ! lv_usable; then
    test_skip "$WHAT" "$LV_WHY"
    test_done
    exit
fi
for tool in tgtd tgtadm iscsi-ls mkfs.xfs filefrag jq xmllint ss; do
    if ! command -v $tool >/dev/null; then
        test_skip "$WHAT" "$tool is not installed (make deps)"
        test_done
        exit
    fi
done
if ! ls /usr/lib/*/qemu/block-iscsi.so >/dev/null 2>&1; then
    test_skip "$WHAT" "QEMU has no iSCSI driver (qemu-block-extra; make deps)"
    test_done
    exit
fi

KVM01=iqn.1993-08.org.debian:01:kvm01
OTHER=iqn.1993-08.org.debian:01:intruder

# QEMU (user libvirt-qemu) opens the customization media: they live where
# it can reach them, as does the XFS mount, whatever this checkout's
# directory allows.
OPEN=$(mktemp -d /var/tmp/sanprov-t0501.XXXXXX) && chmod 0755 "$OPEN" || exit 1
MNT=$OPEN/xfs
cleanup() {
    lv_stop
    tgt_stop
    mountpoint -q "$MNT" && umount "$MNT"
    rm -rf "$OPEN"
}

if ! lv_start; then
    cleanup
    test_skip "$WHAT" "libvirtd does not start here: $(tail -1 "$TRASH/libvirt/log")"
    test_done
    exit
fi
trap cleanup EXIT
mkdir "$MNT" && truncate -s 2G "$OPEN/xfs.img" &&
    mkfs.xfs -q -m reflink=1 "$OPEN/xfs.img" || exit 1
if ! mount -o loop "$OPEN/xfs.img" "$MNT" 2>"$TRASH/mount.err"; then
    test_skip "$WHAT" "cannot loop-mount XFS here: $(cat "$TRASH/mount.err")"
    test_done
    exit
fi
if ! tgt_start; then
    test_skip "$WHAT" "tgtd does not start here: $(tail -1 "$TRASH/tgtd.log")"
    test_done
    exit
fi

cat >"$TRASH/sanprov.conf" <<EOF
[library]
path = $TRASH/library
[array "san"]
uri = local:$MNT/array
iscsi-portal = 127.0.0.1:$PORT
tgt-control-port = $CTL
[pool "san:default"]
host-groups = lab
[host "kvm01"]
uri = $LV_URI
group = lab
iscsi-initiator = $KVM01
cpu-mode = default
seed-dir = $OPEN/seeds
EOF
SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG
VIRSH="virsh -q -c $LV_URI"
P=$LV_P

# A golden image: 64 MiB with data at its start and middle.
truncate -s 64M golden.raw
head -c 4M /dev/urandom | dd of=golden.raw conv=notrunc status=none
head -c 4M /dev/urandom | dd of=golden.raw bs=1M seek=32 conv=notrunc status=none

test_expect_success 'a template from the image, on a LUN of the XFS array' '
    run pool-list --array san | run template-make --name golden --image golden.raw >tmpl &&
    test_line_count = 1 tmpl &&
    run lun-list --all --json | jq -r .name >luns && grep -qx golden luns &&
    cmp golden.raw "$MNT/array/default/golden.img"
'

test_expect_success 'vm-deploy --count 3 --start: 3 VM IDs, running' '
    run vm-deploy --template golden --host kvm01 --name "${P}i%d" --count 3 --start >"$TRASH/ids" &&
    test_line_count = 3 "$TRASH/ids" && ! grep -v "^vm:kvm01:" "$TRASH/ids" &&
    run vm-list --json <"$TRASH/ids" >l.json &&
    test "$(jq -r .state l.json | sort -u)" = running &&
    test "$(jq -r .connect l.json | sort -u)" = iscsi &&
    for n in 1 2 3; do
        test "$($VIRSH domstate "${P}i$n")" = running || return 1
    done
'

test_expect_success 'each disk: the iSCSI LUN masked to the host, at its number, for its IQN' '
    tgtadm -C "$CTL" --lld iscsi --op show --mode target >targets &&
    for n in 1 2 3; do
        $VIRSH dumpxml "${P}i$n" >d.xml &&
        test "$(xmllint --xpath "string(//disk[@device=\"disk\"]/@type)" d.xml)" = network &&
        test "$(xmllint --xpath "string(//disk[@device=\"disk\"]/source/@protocol)" d.xml)" = iscsi &&
        test "$(xmllint --xpath "string(//disk[@device=\"disk\"]/source/host/@name)" d.xml)" = 127.0.0.1 &&
        test "$(xmllint --xpath "string(//disk[@device=\"disk\"]/source/host/@port)" d.xml)" = "$PORT" &&
        test "$(xmllint --xpath "string(//disk/source/initiator/iqn/@name)" d.xml)" = "$KVM01" &&
        src=$(xmllint --xpath "string(//disk[@device=\"disk\"]/source/@name)" d.xml) &&
        jq -r "select(.name == \"${P}i$n\") | .lun" l.json | run lun-list --json >lun.json &&
        test "$(jq -r ".masking[0].initiator" lun.json)" = "$KVM01" &&
        test "$src" = "iqn.2026-11.org.sanprov:san.kvm01/$(jq -r ".masking[0].lun" lun.json)" &&
        grep -q "${P}i$n.img" targets || return 1
    done
'

test_expect_success 'the disks are reflink copies of the template LUN (XFS shared extents)' '
    for n in 1 2 3; do
        filefrag -v "$MNT/array/default/${P}i$n.img" | grep -E "^ *[0-9]+:" | grep -q shared &&
        cmp golden.raw "$MNT/array/default/${P}i$n.img" || return 1
    done
'

# Not iscsi-ls as the host's IQN here: a second login of that initiator
# would take over a session of the running VMs.
test_expect_success "tgtd: the VMs' QEMUs logged in as the host's IQN, the only one its ACL lets in" '
    tgtadm -C "$CTL" --lld iscsi --op show --mode target >targets &&
    test "$(grep -c "Initiator: $KVM01 " targets)" = 3 &&
    ! grep "Initiator: " targets | grep -v "$KVM01" &&
    sed -n "/ACL information:/,\$p" targets | sed 1d | tr -d " " >acl &&
    test "$(cat acl)" = "$KVM01" &&
    test "$(grep -c "LUN: [1-9]" targets)" = 3
'

test_expect_success 'another IQN sees no target at the portal' '
    { iscsi-ls -s -i "$OTHER" "iscsi://127.0.0.1:$PORT" >other 2>&1; true; } &&
    ! grep -q "connection failed" other && ! grep -q "Target:\|Lun:" other
'

test_expect_success 'a VM of a host whose IQN is not masked cannot open the LUN' '
    $VIRSH dumpxml "${P}i1" >d.xml &&
    sed -e "/<uuid>/d" -e "/<mac /d" -e "/<metadata>/,/<\/metadata>/d" \
        -e "/device=.cdrom./,/<\/disk>/d" \
        -e "s|<name>${P}i1</name>|<name>${P}intruder</name>|" \
        -e "s|$KVM01|$OTHER|" d.xml >intruder.xml &&
    grep -q "$OTHER" intruder.xml &&
    $VIRSH define intruder.xml >/dev/null &&
    ! $VIRSH start "${P}intruder" >start.out 2>&1 &&
    cat start.out && grep -qi "iscsi\|login\|target\|lun" start.out &&
    test "$($VIRSH domstate "${P}i1")" = running &&
    $VIRSH undefine "${P}intruder" >/dev/null
'

test_expect_success 'vm-delete: domains, targets, LUNs and records gone; the template stays' '
    run vm-delete <"$TRASH/ids" >del && test_cmp "$TRASH/ids" del &&
    ! $VIRSH list --all --name | grep -q "^$P" &&
    ! tgtadm -C "$CTL" --lld iscsi --op show --mode target | grep -q "Target " &&
    run lun-list --all --json | jq -r .name >luns && test "$(cat luns)" = golden &&
    ! ls "$TRASH"/library/vms/*.vm 2>/dev/null &&
    { iscsi-ls -s -i "$KVM01" "iscsi://127.0.0.1:$PORT" >seen 2>&1; true; } &&
    ! grep -q "connection failed" seen && ! grep -q "Target:\|Lun:" seen
'

test_done
