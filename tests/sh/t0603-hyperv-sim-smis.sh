#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0603-hyperv-sim-smis.sh: the simulators' link: hyperv-sim sees the volumes smis-sim masks to its IQN (both masking personalities), by their WWNs, and a clone carries its source's signature.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-hv.sh"

for tool in jq curl; do
    if ! command -v $tool >/dev/null; then
        test_skip 'hyperv-sim with smis-sim' "$tool is not installed (make deps)"
        test_done
        exit
    fi
done

HV01=iqn.1991-05.com.microsoft:hv01.sanprov.test
SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG

rescan() {
    hv_invoke "$HV_STORAGE/MSFT_StorageSetting" UpdateHostStorageCache >rescan.xml &&
        grep -q "<p:ReturnValue>0</p:ReturnValue>" rescan.xml
}

# disks: the UniqueIds of the disks other than the system disk, sorted.
disks() {
    hv_enum "$HV_STORAGE/MSFT_Disk" "SELECT * FROM MSFT_Disk WHERE IsBoot = FALSE" >disks.xml &&
        hv_prop UniqueId <disks.xml | tr a-f A-F | sort
}

for personality in group legacy; do
    SIM_PROG=smis-sim SIM_NAME=array-$personality
    sim_start --personality $personality
    SMIS_PID=$SIM_PID
    SMIS_URL=$SIM_URL
    cat >"$SANPROV_CONFIG" <<EOF
[array "sim"]
uri = smis+http://127.0.0.1:$SIM_PORT
[pool "sim:gold"]
[host "hv01"]
uri = test:///default
connectivity = iscsi
iscsi-initiator = $HV01
EOF
    SIM_PROG=hyperv-sim SIM_NAME=hv-$personality
    sim_start --iqn "$HV01" --smis-url "$SMIS_URL"

    test_expect_success "$personality: a rescan shows the volume masked to the host, by its WWN" '
        run pool-list | head -1 | run lun-create --size 64M --name v%d --count 2 >luns &&
        head -1 luns | run lun-mask --host hv01 >/dev/null &&
        rescan && disks >seen &&
        run lun-list --json | jq -r "select(.name == \"v1\") | .wwn" | tr a-f A-F >want &&
        test_cmp want seen &&
        hv_prop OfflineReason <disks.xml >why && echo 1 >want && test_cmp want why
    '

    test_expect_success "$personality: online, its clone collides; unmasked, the disks go" '
        w=$(run lun-list --json | jq -r "select(.name == \"v1\") | .wwn") &&
        hv_enum "$HV_STORAGE/MSFT_Disk" "SELECT * FROM MSFT_Disk WHERE IsBoot = FALSE" >d.xml &&
        oid=$(hv_prop ObjectId <d.xml) &&
        hv_invoke "$HV_STORAGE/MSFT_Disk" Online "$(hv_sel "ObjectId=$oid")" >out &&
        grep -q "<p:ReturnValue>0</p:ReturnValue>" out &&
        run pool-list | head -1 | run lun-create --clone-of "$(head -1 luns)" --name c1 >clone &&
        run lun-mask --host hv01 <clone >/dev/null && rescan &&
        hv_enum "$HV_STORAGE/MSFT_Disk" "SELECT * FROM MSFT_Disk WHERE OfflineReason = 4" >c.xml &&
        hv_prop UniqueId <c.xml | tr a-f A-F >got &&
        run lun-list --json | jq -r "select(.name == \"c1\") | .wwn" | tr a-f A-F >want &&
        test_cmp want got &&
        hv_prop Signature <c.xml >s1 && hv_prop Signature <d.xml >s0 && test_cmp s0 s1 &&
        cat luns clone | run lun-mask -u --host hv01 >/dev/null &&
        rescan && disks >seen && test_line_count = 0 seen
    '

    sim_stop
    test_expect_success "$personality: hyperv-sim stops cleanly" 'sim_stopped_ok'
    SIM_PID=$SMIS_PID
    sim_stop
    test_expect_success "$personality: smis-sim stops cleanly" 'sim_stopped_ok'
done

test_done
