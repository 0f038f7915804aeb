#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0601-hyperv-sim-iscsi.sh: hyperv-sim sees the disks the array masks to its IQN, no others: the local array exported by the test's own tgtd, hyperv-sim logging in with libiscsi, a rescan after masking and after unmasking.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-tgt.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-hv.sh"

if [ "$(id -u)" != 0 ]; then
    test_skip 'hyperv-sim over iSCSI' 'needs root to run tgtd (CI runs as root)'
    test_done
    exit
fi
for tool in tgtd tgtadm jq ss curl; do
    if ! command -v $tool >/dev/null; then
        test_skip 'hyperv-sim over iSCSI' "$tool is not installed (make deps)"
        test_done
        exit
    fi
done

HV01=iqn.1991-05.com.microsoft:hv01.sanprov.test
HV02=iqn.1991-05.com.microsoft:hv02.sanprov.test
TARGET=iqn.2026-11.org.sanprov:san.hv01

trap 'tgt_stop; _sim_exit' EXIT

if ! tgt_start; then
    test_skip 'hyperv-sim over iSCSI' "tgtd does not start here: $(tail -1 "$TRASH/tgtd.log")"
    test_done
    exit
fi

cat >"$TRASH/sanprov.conf" <<EOF
[array "san"]
uri = local:$TRASH/array
iscsi-portal = 127.0.0.1:$PORT
tgt-control-port = $CTL
[pool "san:default"]
[host "hv01"]
uri = test:///default
iscsi-initiator = $HV01
EOF
SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG

PORTAL="<p:TargetPortalAddress>127.0.0.1</p:TargetPortalAddress><p:TargetPortalPortNumber>$PORT</p:TargetPortalPortNumber>"

# rescan: UpdateHostStorageCache answered 0.
rescan() {
    hv_invoke "$HV_STORAGE/MSFT_StorageSetting" UpdateHostStorageCache >rescan.xml &&
        grep -q "<p:ReturnValue>0</p:ReturnValue>" rescan.xml
}

# iscsi_disks: the serial numbers of the iSCSI disks (BusType 9),
# sorted.  The local array gives tgtd a LUN's WWN as its unit serial
# number (page 0x80); tgtd makes the page-83 NAA identifier, UniqueId, of
# its own (hence the check of both below).
iscsi_disks() {
    hv_enum "$HV_STORAGE/MSFT_Disk" "SELECT * FROM MSFT_Disk WHERE BusType = 9" >disks.xml &&
        hv_prop SerialNumber <disks.xml | sort
}

test_expect_success 'two LUNs, the first masked to hv01' '
    run pool-list | run lun-create --size 64M --name hv%d --count 2 >luns &&
    head -1 luns | run lun-mask --host hv01 >masked &&
    test_line_count = 1 masked &&
    run lun-list --json | jq -r "select(.name == \"hv1\") | .wwn" >wwn1 &&
    test -s wwn1 && cat wwn1
'

sim_start --iqn "$HV01"

test_expect_success 'hyperv-sim adds the portal and finds its target there' '
    hv_invoke "$HV_STORAGE/MSFT_iSCSITargetPortal" New "" "$PORTAL" >out &&
    cat out && grep -q "<p:ReturnValue>0</p:ReturnValue>" out &&
    hv_enum "$HV_STORAGE/MSFT_iSCSITarget" >targets &&
    hv_prop NodeAddress <targets >iqns && cat iqns &&
    echo "$TARGET" >want && test_cmp want iqns
'

test_expect_success 'it logs in to the target with its IQN' '
    hv_invoke "$HV_STORAGE/MSFT_iSCSITarget" Connect "" \
        "<p:NodeAddress>$TARGET</p:NodeAddress>$PORTAL<p:IsPersistent>true</p:IsPersistent>" >out &&
    cat out && grep -q "<p:ReturnValue>0</p:ReturnValue>" out &&
    hv_enum "$HV_STORAGE/MSFT_iSCSISession" >sessions &&
    hv_prop TargetNodeAddress <sessions >s && echo "$TARGET" >want &&
    test_cmp want s
'

test_expect_success 'a rescan shows exactly the masked LUN, by its WWN' '
    rescan && iscsi_disks >seen && cat disks.xml &&
    tr a-f A-F <wwn1 >want && tr a-f A-F <seen >got && test_cmp want got &&
    hv_prop UniqueId <disks.xml >uid && grep -Eq "^6[0-9A-F]{31}$" uid &&
    hv_prop Size <disks.xml >size && echo 67108864 >want && test_cmp want size &&
    hv_prop IsOffline <disks.xml >off && echo true >want && test_cmp want off &&
    hv_prop OfflineReason <disks.xml >why && echo 1 >want && test_cmp want why
'

# mbr FILE: an MBR with the disk signature 0xDEADBEEF and one NTFS
# partition at sector 2048, as Windows leaves a formatted disk.
mbr() {
    printf '\357\276\255\336' | dd of="$1" bs=1 seek=440 conv=notrunc 2>/dev/null &&
        printf '\007' | dd of="$1" bs=1 seek=450 conv=notrunc 2>/dev/null &&
        printf '\000\010\000\000' | dd of="$1" bs=1 seek=454 conv=notrunc 2>/dev/null &&
        printf '\125\252' | dd of="$1" bs=1 seek=510 conv=notrunc 2>/dev/null &&
        printf 'NTFS    ' | dd of="$1" bs=1 seek=$((2048 * 512 + 3)) conv=notrunc 2>/dev/null
}

# disk_where COND: the response for the disks that meet WQL COND.
disk_where() {
    hv_enum "$HV_STORAGE/MSFT_Disk" "SELECT * FROM MSFT_Disk WHERE $1"
}

# disk_call SERIAL METHOD [PARAMS]: invoke METHOD on the disk whose serial
# number is SERIAL.
disk_call() {
    disk_where "SerialNumber = '$1'" >d.xml &&
        oid=$(hv_prop ObjectId <d.xml) && test -n "$oid" &&
        hv_invoke "$HV_STORAGE/MSFT_Disk" "$2" "$(hv_sel "ObjectId=$oid")" "$3"
}

test_expect_success 'a LUN with an MBR: the host reads its signature and volume' '
    mbr "$TRASH/array/default/hv1.img" &&
    run lun-mask -u --host hv01 <luns >/dev/null && rescan &&
    head -1 luns | run lun-mask --host hv01 >/dev/null && rescan &&
    w=$(cat wwn1) && disk_where "SerialNumber = '"'"'$w'"'"'" >d1.xml &&
    hv_prop PartitionStyle <d1.xml >ps && echo 1 >want && test_cmp want ps &&
    hv_prop Signature <d1.xml >sig && echo 3735928559 >want && test_cmp want sig &&
    disk_call "$w" Online >out && grep -q "<p:ReturnValue>0</p:ReturnValue>" out &&
    hv_enum "$HV_STORAGE/MSFT_Volume" >vols && hv_prop FileSystem <vols >fs &&
    printf "NTFS\nNTFS\n" >want && test_cmp want fs
'

test_expect_success 'its clone carries the signature and stays offline: a collision' '
    run pool-list | run lun-create --clone-of "$(head -1 luns)" --name hvc >clone &&
    run lun-mask --host hv01 <clone >/dev/null && rescan &&
    run lun-list --json | jq -r "select(.name == \"hvc\") | .wwn" >wwnc &&
    c=$(cat wwnc) && disk_where "SerialNumber = '"'"'$c'"'"'" >dc.xml &&
    hv_prop Signature <dc.xml >sig && echo 3735928559 >want && test_cmp want sig &&
    hv_prop OfflineReason <dc.xml >why && echo 4 >want && test_cmp want why &&
    disk_call "$c" Online >out && grep -q "<p:ReturnValue>4</p:ReturnValue>" out &&
    grep -q "collides" out
'

test_expect_success 'a new signature clears the collision; then it comes online' '
    c=$(cat wwnc) &&
    disk_call "$c" SetAttributes "<p:Signature>305419896</p:Signature>" >out &&
    grep -q "<p:ReturnValue>0</p:ReturnValue>" out &&
    disk_where "SerialNumber = '"'"'$c'"'"'" >dc.xml &&
    hv_prop OfflineReason <dc.xml >why && echo 1 >want && test_cmp want why &&
    disk_call "$c" Online >out && grep -q "<p:ReturnValue>0</p:ReturnValue>" out &&
    run lun-mask -u --host hv01 <clone >/dev/null &&
    run lun-delete <clone >/dev/null && rescan
'

test_expect_success 'masked to hv01 as well, the second LUN appears after a rescan' '
    tail -1 luns | run lun-mask --host hv01 >/dev/null &&
    iscsi_disks >seen && test_line_count = 1 seen &&
    rescan && iscsi_disks >seen && test_line_count = 2 seen
'

test_expect_success 'unmasked, the LUNs go at the next rescan' '
    run lun-mask -u --host hv01 <luns >/dev/null &&
    rescan && iscsi_disks >seen && cat seen && test_line_count = 0 seen
'

test_expect_success 'the state file keeps the portal and the session' '
    jq -e ".portals | length == 1" "$SIM_STATE" &&
    jq -e ".sessions[0].target == \"$TARGET\"" "$SIM_STATE"
'

sim_stop
test_expect_success 'hyperv-sim stops cleanly' 'sim_stopped_ok'

SIM_NAME=hv02
sim_start --iqn "$HV02"

test_expect_success 'a host whose IQN is masked nowhere is refused the target' '
    head -1 luns | run lun-mask --host hv01 >/dev/null &&
    hv_invoke "$HV_STORAGE/MSFT_iSCSITargetPortal" New "" "$PORTAL" >out &&
    grep -q "<p:ReturnValue>0</p:ReturnValue>" out &&
    hv_enum "$HV_STORAGE/MSFT_iSCSITarget" >targets &&
    ! grep -q "NodeAddress" targets &&
    hv_invoke "$HV_STORAGE/MSFT_iSCSITarget" Connect "" \
        "<p:NodeAddress>$TARGET</p:NodeAddress>$PORTAL" >out && cat out &&
    grep -q "Authorization Failure" out && test "$(cat http.status)" = 500 &&
    rescan && iscsi_disks >seen && test_line_count = 0 seen
'

sim_stop
test_expect_success 'the second hyperv-sim stops cleanly' 'sim_stopped_ok'

test_done
