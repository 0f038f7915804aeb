#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0211-lun-identity.sh: a LUN is its key and its WWN: when a key names another LUN (deleted and made again behind sanprov's back), lun-delete, lun-mask (-u), vm-delete, vm-deploy and its --resume refuse with exit 6 and change nothing on the array, the host or the library.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
# test_line_count takes its operator as an argument:
# shellcheck disable=SC2283
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-libvirt.sh"

for tool in jq virsh; do
    if ! command -v $tool >/dev/null; then
        test_skip 'LUN identity' "$tool is not installed (make deps)"
        test_done
        exit
    fi
done

# ---- the local array: a LUN deleted and made again under its name ----

test_expect_success 'local: a LUN made again under its name has another WWN' '
    run pool-list | run lun-create --size 1M --name x >x1 &&
    run lun-delete <x1 >/dev/null &&
    run pool-list | run lun-create --size 1M --name x >x2 &&
    test "$(lun_keys x1)" = "$(lun_keys x2)" && ! test_cmp x1 x2
'

test_expect_code 6 'local: lun-delete of the old ID refuses (exit 6)' '
    run lun-delete <x1 >out 2>err; rc=$?; cat err
    grep "cannot delete .*its key now names another LUN, WWN $(cut -d: -f4 x2), not $(cut -d: -f4 x1)" err &&
    ! test -s out && exit $rc
'

test_expect_success 'local: ... and the LUN now under the key is left' '
    run lun-list <x2 >out && test_cmp x2 out
'

test_expect_code 3 'local: lun-list of the old ID: no such LUN (exit 3), saying why' '
    run lun-list <x1 2>err; rc=$?; cat err
    grep "its key names another LUN now" err && exit $rc
'

test_expect_code 3 'local: a template from the old ID: no such LUN (exit 3), nothing recorded' '
    run template-make --name t-old <x1 2>err; rc=$?; cat err
    test "$(run template-list -a | wc -l)" = 0 && exit $rc
'

test_expect_success 'local: the ID without its WWN names whatever LUN has the key' '
    lun_keys x1 | run lun-delete >out && lun_keys x1 >k && test_cmp k out &&
    ! run lun-list <x2 2>/dev/null
'

if ! lv_usable; then
    test_skip 'LUN identity against smis-sim, into a libvirtd' "$LV_WHY"
    test_done
    exit
fi
if ! lv_start; then
    test_skip 'LUN identity against smis-sim, into a libvirtd' "libvirtd does not start here: $(tail -1 "$TRASH/libvirt/log")"
    test_done
    exit
fi
# lv_start's trap replaced lib-sim.sh's: both.  (A simulator left running
# would hold the lock libvirtd tests take turns with.)
trap 'lv_stop; _sim_exit' EXIT
VIRSH="virsh -q -c $LV_URI"
P=$LV_P
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
[host "kvm01"]
uri = $LV_URI
group = lab
iscsi-initiator = $KVM01
cpu-mode = default
EOF
}
SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG

# swap NAME...: as an administrator deleting the volumes NAME... on the
# array and making them again, so that they keep their DeviceIDs: each gets
# another WWN (smis-sim stopped, which folds its journal into the state
# file, the file changed, smis-sim started again).  A
# volume's ElementName is NAME, or NAME and the 16 characters of its tag.
swap() {
    sim_stop
    for _n in "$@"; do
        jq --arg n "$_n" '(.volumes[] | select(.name == $n or
            (.name | startswith($n) and length == ($n | length) + 16)) | .wwn) |=
            (.[0:16] + "FEEDFACE" + .[24:32])' "$SIM_STATE" >"$SIM_STATE.new" &&
            mv "$SIM_STATE.new" "$SIM_STATE"
    done
    sim_start --personality group && write_conf
}

# Everything that must not change: the array, the domains, the library.
snapshot_state() {
    {
        sim_state | jq -S '{volumes, views, groups, hwids}'
        $VIRSH list --all --name | grep "^$P" | sort
        (cd "$TRASH/library" && find . -type f | sort | xargs md5sum)
    } 2>&1
}

SIM_NAME=sim
sim_start --personality group || exit 1
write_conf

test_expect_success 'smis-sim: LUNs, a masked one, a template and two VMs' '
    run pool-list --class gold | run lun-create --size 1G --name base >"$TRASH/base" &&
    run pool-list --class gold | run lun-create --size 1M --name "m%d" --count 2 \
        >"$TRASH/m" &&
    sed -n 1p "$TRASH/m" | run lun-mask --host kvm01 >"$TRASH/masked" &&
    sed -n 2p "$TRASH/m" >"$TRASH/plain" &&
    run template-make --name tmpl <"$TRASH/base" >"$TRASH/tmpl" &&
    run vm-deploy --template tmpl --host kvm01 --name "${P}v%d" --count 2 \
        >"$TRASH/vms" &&
    test_line_count = 2 "$TRASH/vms"
'

vm1=$(sed -n 1p "$TRASH/vms")
vm1_lun=$(run vm-list --json "$vm1" | jq -r .lun)
vm1_lun_name=$(run lun-list --json "$vm1_lun" | jq -r .name)
vm2=$(sed -n 2p "$TRASH/vms")
# An interrupted rollback: what vm-deploy --resume takes up.
rec2=$TRASH/library/vms/${vm2##*:}.vm
sed -i 's/^state=deployed$/state=rolling-back/' "$rec2"
vm2_lun_name=$(run lun-list --json "$(grep '^lun=' "$rec2" | cut -d= -f2-)" | jq -r .name)

swap m1 m2 base "$vm1_lun_name" "$vm2_lun_name"
snapshot_state >"$TRASH/before"

# refused DESCRIPTION COMMAND: exit 6, the two WWNs said, nothing changed.
refused() {
    test_expect_code 6 "swapped: $1 (exit 6)" "$2 2>err; rc=\$?; cat err; exit \$rc"
    test_expect_success "swapped: $1: says so, nothing changed" '
        grep -q "its key now names another LUN, WWN [0-9A-F]*FEEDFACE[0-9A-F]*, not [0-9A-F]*" err &&
        snapshot_state >after && test_cmp "$TRASH/before" after
    '
}
refused 'lun-delete' 'run lun-delete <"$TRASH/plain" >/dev/null'
refused 'lun-delete --force of a masked LUN' 'run lun-delete --force <"$TRASH/masked" >/dev/null'
refused 'lun-mask -u' 'run lun-mask -u --host kvm01 <"$TRASH/masked" >/dev/null'
refused 'lun-mask' 'run lun-mask --host kvm01 <"$TRASH/plain" >/dev/null'
refused 'lun-mask of two LUNs, one swapped' \
    'cat "$TRASH/plain" "$TRASH/masked" | run lun-mask --host kvm01 >/dev/null'
refused 'vm-delete' 'echo "$vm1" | run vm-delete >/dev/null'
refused 'vm-deploy --resume of a rollback' 'run vm-deploy --resume >/dev/null'

test_expect_code 6 'swapped: vm-deploy from the template whose LUN was swapped (exit 6)' '
    run vm-deploy --template tmpl --host kvm01 --name "${P}n%d" 2>err; rc=$?; cat err
    grep "is another LUN\|its key names another LUN now" err &&
    snapshot_state >after && test_cmp "$TRASH/before" after && exit $rc
'

test_expect_success 'the IDs without WWN (as an admin who means the new LUNs gives them) act' '
    lun_keys "$TRASH/plain" | run lun-delete >/dev/null &&
    lun_keys "$TRASH/masked" | run lun-mask -u --host kvm01 >/dev/null
'

sim_stop
test_done
