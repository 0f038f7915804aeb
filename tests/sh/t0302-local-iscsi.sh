#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0302-local-iscsi.sh: real iSCSI masking by the local array: the test starts its own tgtd on spare ports, and a real initiator (iscsi-ls, libiscsi) proves which host sees which LUN at which number.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-tgt.sh"

if [ "$(id -u)" != 0 ]; then
    test_skip 'iSCSI masking through tgt' 'needs root to run tgtd (CI runs as root)'
    test_done
    exit
fi
for tool in tgtd tgtadm iscsi-ls jq ss; do
    if ! command -v $tool >/dev/null; then
        test_skip 'iSCSI masking through tgt' "$tool is not installed (make deps)"
        test_done
        exit
    fi
done

KVM01=iqn.1993-08.org.debian:01:kvm01
KVM02=iqn.1993-08.org.debian:01:kvm02

trap tgt_stop EXIT

if ! tgt_start; then
    test_skip 'iSCSI masking through tgt' "tgtd does not start here: $(tail -1 "$TRASH/tgtd.log")"
    test_done
    exit
fi

cat >"$TRASH/sanprov.conf" <<EOF
[array "san"]
uri = local:$TRASH/array
iscsi-portal = 127.0.0.1:$PORT
tgt-control-port = $CTL
[pool "san:default"]
[host "kvm01"]
uri = test:///default
iscsi-initiator = $KVM01
[host "kvm02"]
uri = test:///default
iscsi-initiator = $KVM02
EOF
SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG
TARGET01=iqn.2026-11.org.sanprov:san.kvm01

# sees IQN: what initiator IQN is shown by the portal (targets and LUNs).
# iscsi-ls exits 10 when it finds no target for IQN ("iscsi_service
# failed ... Can not reconnect right now"); when it cannot reach the portal
# at all, sees fails.
sees() {
    iscsi-ls -s -i "$1" "iscsi://127.0.0.1:$PORT" >"$TRASH/seen.raw" 2>&1
    cat "$TRASH/seen.raw"
    ! grep -q "connection failed" "$TRASH/seen.raw"
}

# tgt_lost IQN: tgtd has no target IQN, within 2 s (tgtd removes a target
# that a session is just leaving once the session is gone).
tgt_lost() {
    for _i in $(seq 40); do
        tgtadm -C "$CTL" --lld iscsi --op show --mode target | grep -q "$1" ||
            return 0
        sleep 0.05
    done
    echo "tgtd still has target $1"
    return 1
}

test_expect_success 'two LUNs masked to kvm01 are exported to its initiator only' '
    run pool-list | run lun-create --size 64M --name d%d --count 2 >luns &&
    run lun-mask --host kvm01 --json <luns >masked &&
    jq -se "map(.lun) == [1, 2]" masked &&
    sees "$KVM01" >seen01 && cat seen01 &&
    grep -q "Target:$TARGET01 Portal:127.0.0.1:$PORT" seen01 &&
    grep -q "^Lun:1 *Type:DIRECT_ACCESS (Size:6[34]M)" seen01 &&
    grep -q "^Lun:2 *Type:DIRECT_ACCESS (Size:6[34]M)" seen01 &&
    sees "$KVM02" >seen02 && cat seen02 &&
    ! grep -q "$TARGET01" seen02
'

test_expect_success 'the LUN numbers tgt gives are those lun-list shows' '
    run lun-list --json <luns | jq -r ".masking[0].lun" >nums &&
    printf "1\n2\n" >want && test_cmp want nums &&
    tgtadm -C "$CTL" --lld iscsi --op show --mode target >show &&
    grep -q "Backing store path: $TRASH/array/default/d1.img" show &&
    grep -q "Backing store path: $TRASH/array/default/d2.img" show
'

test_expect_success 'unmasking the first keeps the second at its number' '
    head -1 luns | run lun-mask -u --host kvm01 &&
    sees "$KVM01" >seen && cat seen &&
    ! grep -q "^Lun:1 " seen && grep -q "^Lun:2 " seen
'

test_expect_success 'after lun-mask -u the masked host sees nothing either' '
    sed -n 2p luns | run lun-mask -u --host kvm01 &&
    sees "$KVM01" >seen && cat seen &&
    ! grep -q "$TARGET01" seen &&
    tgt_lost "$TARGET01"
'

test_expect_success 'each host gets its own target' '
    head -1 luns | run lun-mask --host kvm01 &&
    sed -n 2p luns | run lun-mask --host kvm02 &&
    sees "$KVM01" | grep -c "^Lun:[1-9]" >n01 && echo 1 >want && test_cmp want n01 &&
    sees "$KVM02" >seen02 && grep -q "san.kvm02" seen02 && ! grep -q "$TARGET01" seen02
'

test_expect_success 'lun-delete --force takes the LUN out of the target first' '
    head -1 luns | run lun-delete --force &&
    ! sees "$KVM01" | grep -q "$TARGET01" &&
    ! test -e "$TRASH/array/default/d1.img"
'

test_expect_success 'masking again after tgtd restarted brings the export back' '
    tgt_stop && tgt_start &&
    ! sees "$KVM02" | grep -q san.kvm02 &&
    sed -n 2p luns | run lun-mask --host kvm02 --json >again &&
    jq -e ".lun == 1" again &&
    sees "$KVM02" | grep -q "^Lun:1 *Type:DIRECT_ACCESS"
'

test_expect_code 4 'with tgtd down, lun-mask exits 4, says so, and records nothing' '
    tgt_stop &&
    cp "$TRASH"/array/.masking/kvm02.mask before &&
    run pool-list | run lun-create --size 1M --name down >down &&
    run lun-mask --host kvm02 <down 2>err
    rc=$?
    cat err &&
    grep -q "is tgtd running" err &&
    test_cmp before "$TRASH"/array/.masking/kvm02.mask &&
    ! ls "$TRASH"/array/.masking/ | grep -q kvm01 &&
    exit $rc
'

test_expect_success 'cleanup: the LUNs are deleted once tgtd is back' '
    tgt_start &&
    { sed -n 2p luns; cat down; } | run lun-delete --force &&
    ! ls "$TRASH"/array/.masking/*.mask 2>/dev/null &&
    test -z "$(ls "$TRASH/array/default")"
'

test_done
