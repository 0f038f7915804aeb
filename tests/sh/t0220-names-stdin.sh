#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0220-names-stdin.sh: names where IDs go (templates, VMs, hosts, arrays; an ambiguous name exits 2 listing the IDs), standard input read only when it holds input (/dev/null is no IDs: list everything, copy into the source's pool), and batch deletes that order themselves (snapshots before their sources) in lun-delete and template-delete; against smis-sim, VMs on libvirt's test driver.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

for tool in jq xorriso; do
    if ! command -v $tool >/dev/null; then
        test_skip 'names for IDs and standard input' \
            "$tool is not installed (make deps)"
        test_done
        exit
    fi
done

write_conf() {
    cat >"$TRASH/sanprov.conf" <<EOF
[library]
path = $TRASH/library
[array "sim"]
uri = smis+http://127.0.0.1:$SIM_PORT
iscsi-portal = 192.0.2.10:3260
[pool "sim:gold"]
host-groups = lab
[host "kvm01"]
uri = test:///default
group = lab
iscsi-initiator = iqn.1993-08.org.debian:01:kvm01
[host "kvm02"]
uri = test:///default
group = lab
iscsi-initiator = iqn.1993-08.org.debian:01:kvm02
EOF
}
SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG
LIB=$TRASH/library

# new_uuid: a fresh UUID (for records copied by hand).
new_uuid() {
    cat /proc/sys/kernel/random/uuid
}

# no_lun_example: stderr (err) does not offer a LUN ID where none is wanted.
no_lun_example() {
    ! grep -F "lun:ARRAY:KEY" err
}

sim_start --personality group || exit 1
write_conf
echo pool:sim:gold | run lun-create --size 1G --name base-deb12 |
    run template-make --name deb12 >deb12.id

# ---- names for IDs ----

test_expect_success 'template-list NAME gives the template ID' '
    run template-list deb12 >out &&
    test_cmp deb12.id out &&
    run template-list --json deb12 | jq -e ".name == \"deb12\"" >/dev/null
'

test_expect_success 'host-list NAME and array-info NAME give their IDs' '
    run host-list kvm01 >out &&
    echo host:kvm01 >want && test_cmp want out &&
    run array-info sim >out &&
    echo array:sim >want && test_cmp want out
'

test_expect_code 3 'host-list of a name no host has: not found' '
    run host-list kvm09 >out 2>err; rc=$?; cat err
    grep -F "cannot find '"'kvm09'"'" err && no_lun_example &&
    ! test -s out && exit $rc
'

test_expect_code 3 'template-delete of an unknown name: not found, a tmpl example' '
    run template-delete deb13 2>err; rc=$?; cat err
    grep -F "no template has that name" err && grep -F "tmpl:UUID" err &&
    no_lun_example && exit $rc
'

test_expect_code 2 'a malformed tmpl ID is still a bad ID' '
    run template-delete tmpl:not-a-uuid 2>err; rc=$?; cat err
    grep -F "cannot read ID '"'tmpl:not-a-uuid'"'" err && exit $rc
'

test_expect_code 3 'a hostile name is escaped in the message' '
    run template-delete "$(printf "x\033]0;pwn\007")" 2>err; rc=$?; cat err
    ! grep -q "$(printf "\033")" err && grep -F "x\\033]0;pwn\\a" err &&
    exit $rc
'

test_expect_success 'vm-deploy --template NAME; vm-list NAME gives the VM ID' '
    run vm-deploy --template deb12 --host kvm01 --name web01 >web01.id &&
    run vm-list web01 >out && test_cmp web01.id out &&
    run vm-list --json web01 | jq -e ".name == \"web01\"" >/dev/null
'

# Two VMs of one name (names are per host; here a record copied by hand).
test_expect_success 'an ambiguous VM name: exit 2 listing both IDs, nothing deleted' '
    u=$(new_uuid) && old=$(cut -d: -f3 web01.id) &&
    sed "s/$old/$u/; s/^id=vm:kvm01:/id=vm:kvm02:/" "$LIB/vms/$old.vm" \
        >"$LIB/vms/$u.vm" &&
    { run vm-list web01 >out 2>err; rc=$?; } && cat err &&
    test "$rc" = 2 && ! test -s out &&
    grep -F "2 VMs have that name" err &&
    grep -F "$(cat web01.id)" err && grep -F "vm:kvm02:$u" err &&
    { run vm-delete web01 >out 2>err; rc=$?; } && cat err &&
    test "$rc" = 2 && ! test -s out &&
    test -f "$LIB/vms/$old.vm" && test -f "$LIB/vms/$u.vm" &&
    rm "$LIB/vms/$u.vm"
'

test_expect_success 'vm-delete NAME deletes it, printing its ID' '
    run vm-delete web01 >out && test_cmp web01.id out &&
    run vm-list --all >out && test_line_count = 0 out
'

test_expect_success 'an ambiguous template name: exit 2 listing both IDs' '
    u=$(new_uuid) && old=$(cut -d: -f2 deb12.id) &&
    sed "s/$old/$u/" "$LIB/templates/$old.xml" >"$LIB/templates/$u.xml" &&
    { run template-delete deb12 >out 2>err; rc=$?; } && cat err &&
    test "$rc" = 2 && ! test -s out &&
    grep -F "2 templates have that name" err &&
    grep -F "$(cat deb12.id)" err && grep -F "tmpl:$u" err &&
    rm "$LIB/templates/$u.xml"
'

# ---- standard input: read only when it holds input ----

test_expect_success 'template-list -l </dev/null lists every template' '
    run template-list -l </dev/null >out &&
    test_line_count = 2 out && grep "^$(cat deb12.id)  *deb12 " out
'

test_expect_success 'vm-list -l </dev/null lists every VM' '
    run vm-deploy --template deb12 --host kvm02 --name web02 >web02.id &&
    run vm-list -l </dev/null >out &&
    test_line_count = 2 out && grep "^$(cat web02.id)  *web02 " out &&
    run vm-delete <web02.id >/dev/null
'

test_expect_success 'lun-list -l </dev/null lists every LUN, as -a does' '
    run lun-list -l </dev/null >out &&
    run lun-list -l -a >want && test_cmp want out &&
    test_line_count = 2 out
'

test_expect_success 'an empty pipe is still no IDs: nothing listed' '
    : | run lun-list >out && test_line_count = 0 out
'

test_expect_code 2 'a program that needs IDs, given /dev/null, says so' '
    run lun-delete </dev/null 2>err; rc=$?; cat err
    grep -F "no IDs given" err && exit $rc
'

test_expect_success 'lun-create --snapshot-of LUN </dev/null: into the LUN'"'"'s pool' '
    run template-list --json deb12 | jq -r .lun >base.id &&
    run lun-create --snapshot-of "$(cat base.id)" --name s1 --json \
        </dev/null >out &&
    test_line_count = 1 out &&
    jq -e ".pool == \"pool:sim:gold\" and .copy == \"snapshot\"" out &&
    run lun-list -a >all && test_line_count = 2 all
'

# ---- batch deletes order themselves ----

test_expect_success 'lun-list -a | lun-delete: sources and snapshots in one run' '
    run lun-create --snapshot-of "$(cat base.id)" --name "s%d" --count 3 \
        >snaps &&
    run lun-list -a >all && test_line_count = 5 all &&
    # The source comes first in the listing: the batch must reorder.
    head -1 all | grep -F "$(lun_keys base.id)" &&
    run lun-list -a | run lun-delete >out &&
    sort all >want && sort out >got && test_cmp want got &&
    tail -1 out | grep -F "$(lun_keys base.id)" &&
    run lun-list -a >left && test_line_count = 0 left
'

test_expect_success 'template-list -a | template-delete --with-lun: a template on a snapshot of another first' '
    run template-delete deb12 >/dev/null &&
    echo pool:sim:gold | run lun-create --size 1G --name a-base >a.lun &&
    run template-make --name a-base <a.lun >a.id &&
    run lun-create --snapshot-of "$(cat a.lun)" --name b-snap |
        run template-make --name b-snap >b.id &&
    run template-list -a >all && cat a.id b.id >want && test_cmp want all &&
    run template-list -a | run template-delete --with-lun >out &&
    cat b.id a.id >want && test_cmp want out &&
    run template-list -a >left && test_line_count = 0 left &&
    run lun-list -a >left && test_line_count = 0 left
'

sim_stop
test_expect_success 'smis-sim stops cleanly' 'sim_stopped_ok'

test_done
