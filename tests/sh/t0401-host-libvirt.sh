#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0401-host-libvirt.sh: the libvirt host driver: domain XML for iSCSI, FC and UEFI VMs validated with virt-xml-validate; customization media listed with isoinfo; and, as root, VMs defined against a libvirtd the test starts itself, read back with virsh.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"

for tool in virt-xml-validate virsh isoinfo xmllint jq; do
    if ! command -v $tool >/dev/null; then
        test_skip 'the libvirt host driver' "$tool is not installed (make deps)"
        test_done
        exit
    fi
done

KVM01=iqn.1993-08.org.debian:01:kvm01
TARGET=iqn.2026-11.org.sanprov:local.kvm01
WWN=3791ACC900000001
DEV=/dev/disk/by-id/wwn-0x3791acc900000001
ISCSI="iscsi:192.0.2.10:3260,$TARGET,3,$KVM01"

# Templates to build VMs from: Linux on BIOS, Windows on UEFI.
truncate -s 16M "$TRASH/golden.raw"
printf '#cloud-config\nusers: [alice]\n' >"$TRASH/site.yaml"
printf 'network:\n  version: 2\n' >"$TRASH/net.yaml"
printf '<unattend xmlns="urn:schemas-microsoft-com:unattend"/>\n' >"$TRASH/unattend.xml"
run pool-list | run template-make --name deb12 --image "$TRASH/golden.raw" \
    --vcpus 2 --memory 2G --nic network=default --nic bridge=br0,model=e1000 \
    --user-data "$TRASH/site.yaml" --network-config "$TRASH/net.yaml" \
    >"$TRASH/linux"
run pool-list | run template-make --name win --image "$TRASH/golden.raw" \
    --os windows --firmware uefi --disk-bus sata --unattend "$TRASH/unattend.xml" \
    >"$TRASH/windows"
LINUX=$(cat "$TRASH/linux")
WINDOWS=$(cat "$TRASH/windows")

test_expect_success 'the templates are there' '
    test -n "$LINUX" && test -n "$WINDOWS"
'

# ---- domain XML ----

test_expect_success 'an iSCSI VM: valid domain XML with the LUN as a network disk' '
    run vmtool xml "$LINUX" web01 "$ISCSI" --seed /srv/seed.iso >d.xml &&
    virt-xml-validate d.xml domain &&
    test "$(xmllint --xpath "string(//disk[@device=\"disk\"]/source/@protocol)" d.xml)" = iscsi &&
    test "$(xmllint --xpath "string(//disk[@device=\"disk\"]/source/@name)" d.xml)" = "$TARGET/3" &&
    test "$(xmllint --xpath "string(//source/host/@port)" d.xml)" = 3260 &&
    test "$(xmllint --xpath "string(//initiator/iqn/@name)" d.xml)" = "$KVM01" &&
    test "$(xmllint --xpath "string(//memory)" d.xml)" = 2097152 &&
    test "$(xmllint --xpath "string(//vcpu)" d.xml)" = 2 &&
    test "$(xmllint --xpath "count(//interface)" d.xml)" = 2 &&
    test "$(xmllint --xpath "string(//disk[@device=\"cdrom\"]/source/@file)" d.xml)" = /srv/seed.iso
'

test_expect_success 'an FC VM: valid domain XML with the LUN by its WWN' '
    run vmtool xml "$LINUX" db01 "fc:$WWN" >fc.xml &&
    virt-xml-validate fc.xml domain &&
    test "$(xmllint --xpath "string(//disk/@type)" fc.xml)" = block &&
    test "$(xmllint --xpath "string(//disk/source/@dev)" fc.xml)" = "$DEV"
'

test_expect_success 'a UEFI VM: valid domain XML with firmware auto-selection' '
    run vmtool xml "$WINDOWS" win01 "$ISCSI" --seed /srv/win.iso >uefi.xml &&
    virt-xml-validate uefi.xml domain &&
    test "$(xmllint --xpath "string(//os/@firmware)" uefi.xml)" = efi &&
    test "$(xmllint --xpath "string(//disk[@device=\"disk\"]/target/@bus)" uefi.xml)" = sata &&
    test "$(xmllint --xpath "string(//disk[@device=\"cdrom\"]/target/@dev)" uefi.xml)" = sdb
'

test_expect_success 'every VM gets a fresh UUID and fresh MACs' '
    run vmtool xml "$LINUX" web01 "$ISCSI" >d2.xml &&
    xmllint --xpath "string(//uuid)" d.xml >u1 && xmllint --xpath "string(//uuid)" d2.xml >u2 &&
    ! cmp -s u1 u2 &&
    xmllint --xpath "//mac/@address" d.xml d2.xml | tr " " "\n" | grep address= |
        sort >macs &&
    test_line_count = 4 macs && sort -u macs >umacs && test_cmp macs umacs &&
    ! grep -v "address=\"52:54:00:" macs
'

test_expect_success 'the metadata names the template and the VM' '
    run vmtool xml "$LINUX" web01 "$ISCSI" --vm vm:kvm01:11111111-2222-3333-4444-555555555555 \
        >m.xml &&
    grep -q "<sanprov:template>$LINUX</sanprov:template>" m.xml &&
    grep -q "<sanprov:vm>vm:kvm01:11111111-2222-3333-4444-555555555555</sanprov:vm>" m.xml &&
    grep -q "xmlns:sanprov=\"https://sanprov.org/xmlns/vm/1\"" m.xml
'

test_expect_success 'an FC LUN is reached by its WWN, or through multipath when the host says so' '
    printf "[host \"fc01\"]\nuri = test:///default\n[host \"fc02\"]\nuri = test:///default\nmultipath = yes\n" >fc.conf &&
    SANPROV_CONFIG=$PWD/fc.conf run vmtool block-path fc01 3791acc900000001 >p1 &&
    SANPROV_CONFIG=$PWD/fc.conf run vmtool block-path fc02 3791acc900000001 >p2 &&
    echo /dev/disk/by-id/wwn-0x3791acc900000001 >w1 && test_cmp w1 p1 &&
    echo /dev/disk/by-id/dm-uuid-mpath-33791acc900000001 >w2 && test_cmp w2 p2
'

test_expect_code 2 'an iSCSI disk without the initiator is refused' '
    run vmtool xml "$LINUX" web01 "iscsi:192.0.2.10:3260,$TARGET,3"
'

test_expect_success 'test driver: define, start, stop (twice), undefine (twice) in one connection' '
    printf "[host \"t\"]\nuri = test:///default\n" >t.conf &&
    SANPROV_CONFIG=$PWD/t.conf run vmtool define t "$LINUX" life "$ISCSI" --cycle >out &&
    uuid=$(head -1 out) &&
    printf "%s\n" "$uuid" "$uuid life $LINUX - running" "$uuid life $LINUX - stopped" >want &&
    test_cmp want out
'

# ---- customization media ----

test_expect_success 'a cloud-init seed: label cidata, the files, hostname and instance-id' '
    run vmtool seed "$LINUX" web01 iid-web01 seed.iso &&
    isoinfo -d -i seed.iso | grep -qx "Volume id: cidata" &&
    isoinfo -f -R -i seed.iso | sort >files &&
    printf "/meta-data\n/network-config\n/user-data\n" >want && test_cmp want files &&
    isoinfo -R -x /meta-data -i seed.iso >meta &&
    grep -qx "instance-id: \"iid-web01\"" meta &&
    grep -qx "local-hostname: \"web01\"" meta &&
    isoinfo -R -x /user-data -i seed.iso | cmp - site.yaml
'

test_expect_success 'user-data given for the VM replaces the template'"'"'s' '
    printf "#cloud-config\nhostname: other\n" >own.yaml &&
    run vmtool seed "$LINUX" web02 iid-web02 seed2.iso own.yaml &&
    isoinfo -R -x /user-data -i seed2.iso | cmp - own.yaml
'

test_expect_success 'a Windows medium carries the unattend file' '
    run vmtool seed "$WINDOWS" win01 iid-win01 win.iso &&
    isoinfo -f -R -i win.iso | sort >files &&
    printf "/autounattend.xml\n/unattend.xml\n" >want && test_cmp want files &&
    isoinfo -R -x /autounattend.xml -i win.iso | cmp - unattend.xml
'

# ---- a libvirtd of the test's own ----

. "$SANPROV_SRCDIR/tests/sh/lib-libvirt.sh"
if ! lv_usable; then
    test_skip 'VMs defined against a libvirtd' "$LV_WHY"
    test_done
    exit
fi
if ! lv_start; then
    test_skip 'VMs defined against a libvirtd' "libvirtd does not start here: $(tail -1 "$TRASH/libvirt/log")"
    test_done
    exit
fi
P=$LV_P
cat >"$TRASH/sanprov.conf" <<EOF
[host "kvm01"]
uri = $LV_URI
iscsi-initiator = $KVM01
[host "unreachable"]
uri = qemu:///system?socket=$LV/run/none
EOF
SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG
VIRSH="virsh -q -c $LV_URI"

test_expect_success 'libvirtd: host-list sees the host, its UEFI firmware, no VMs yet' '
    run host-list --json host:kvm01 >out &&
    jq -e ".state == \"reachable\" and .vms == 0 and (.uefi | type) == \"boolean\"
           and (.hypervisor | startswith(\"QEMU \"))" out
'

test_expect_success 'libvirtd: an iSCSI VM is defined; virsh reads back disk, UUID, MACs and metadata' '
    run vmtool define kvm01 "$LINUX" "$P"web01 "$ISCSI" --seed "$TRASH/seed.iso" >uuid1 &&
    $VIRSH dumpxml "$(cat uuid1)" >back.xml &&
    test "$(xmllint --xpath "string(//uuid)" back.xml)" = "$(cat uuid1)" &&
    test "$(xmllint --xpath "string(//disk[@device=\"disk\"]/source/@name)" back.xml)" = "$TARGET/3" &&
    test "$(xmllint --xpath "string(//disk[@device=\"disk\"]/source/initiator/iqn/@name)" back.xml)" = "$KVM01" &&
    test "$(xmllint --xpath "count(//interface/mac[starts-with(@address, \"52:54:00:\")])" back.xml)" = 2 &&
    $VIRSH metadata "$(cat uuid1)" https://sanprov.org/xmlns/vm/1 >meta.xml &&
    grep -q "$LINUX" meta.xml
'

# back UUID-FILE XML: what virsh reads back of the VM has its UUID, fresh
# MACs and our metadata with the template TMPL.
back() {
    $VIRSH dumpxml --inactive "$(cat "$1")" >"$2" &&
        test "$(xmllint --xpath "string(//uuid)" "$2")" = "$(cat "$1")" &&
        test "$(xmllint --xpath "count(//interface/mac[starts-with(@address, \"52:54:00:\")])" "$2")" = \
            "$(xmllint --xpath "count(//interface)" "$2")" &&
        $VIRSH metadata "$(cat "$1")" https://sanprov.org/xmlns/vm/1 | grep -q "$3"
}

test_expect_success 'libvirtd: an FC VM and a UEFI VM are defined and read back too' '
    run vmtool define kvm01 "$LINUX" "$P"db01 "fc:$WWN" >uuid2 &&
    back uuid2 fc.back "$LINUX" &&
    test "$(xmllint --xpath "string(//disk[@device=\"disk\"]/source/@dev)" fc.back)" = "$DEV" &&
    run vmtool define kvm01 "$WINDOWS" "$P"win01 "$ISCSI" --seed "$TRASH/win.iso" >uuid3 &&
    back uuid3 w.xml "$WINDOWS" &&
    grep -q "<os firmware=.efi.>" w.xml &&
    test "$(xmllint --xpath "string(//disk[@device=\"cdrom\"]/source/@file)" w.xml)" = "$TRASH/win.iso" &&
    ! cmp -s uuid1 uuid3
'

test_expect_success 'libvirtd: the VMs this toolkit made are listed, with their templates' '
    run vmtool xml "$LINUX" "$P"not-ours "fc:$WWN" |
        sed "/<metadata>/,/<\/metadata>/d; /<uuid>/d" >other.xml &&
    $VIRSH define other.xml >/dev/null &&
    run vmtool list kvm01 | sort >list &&
    test_line_count = 3 list &&
    ! grep -q "$P"not-ours list &&
    grep -q "^$(cat uuid1) "$P"web01 $LINUX - stopped$" list &&
    run host-list --json host:kvm01 | jq -e ".vms == 3"
'

test_expect_code 6 'libvirtd: a second VM of the same name is refused (exit 6)' '
    run vmtool define kvm01 "$LINUX" "$P"web01 "$ISCSI"
'

test_expect_success 'libvirtd: undefine removes them; again is fine' '
    for u in uuid1 uuid2 uuid3; do run vmtool undefine kvm01 "$(cat $u)" || exit 1; done &&
    run vmtool undefine kvm01 "$(cat uuid1)" &&
    run vmtool list kvm01 >list && test_line_count = 0 list &&
    $VIRSH list --all --name | grep -qx "$P"not-ours &&
    $VIRSH undefine "$P"not-ours >/dev/null
'

test_expect_code 4 'an unreachable host exits 4 and says why' '
    run vmtool caps unreachable 2>err
    rc=$?
    cat err && grep -q "cannot connect to host .unreachable." err && exit $rc
'

test_done
