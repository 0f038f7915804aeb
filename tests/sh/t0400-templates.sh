#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0400-templates.sh: template-make (method 1 from a LUN, method 2 from a raw or qcow2 image), template-list and template-delete, on the local array and on smis-sim: what is recorded, what is refused (exit 6) and that a refusal changes nothing.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

for tool in jq qemu-img; do
    if ! command -v $tool >/dev/null; then
        test_skip 'templates' "$tool is not installed (make deps)"
        test_done
        exit
    fi
done

LIB=$XDG_DATA_HOME/sanprov/library/templates
POOL=$XDG_DATA_HOME/sanprov/arrays/local/default

# An image of 64 MiB with 3 MiB of data at 10 MiB, and its qcow2 twin.
truncate -s 64M "$TRASH/golden.raw"
dd if=/dev/urandom of="$TRASH/golden.raw" bs=1M count=3 seek=10 conv=notrunc \
    status=none
qemu-img convert -f raw -O qcow2 "$TRASH/golden.raw" "$TRASH/golden.qcow2"
printf '#cloud-config\nusers: [alice]\n' >"$TRASH/site.yaml"

# ---- the local array, with no configuration ----

test_expect_success 'method 2: a raw image onto a new LUN of the pool, recorded' '
    run pool-list | run template-make --name deb12 --image golden.raw \
        --vcpus 2 --memory 2G --nic network=default --user-data site.yaml \
        --tag web >t1 &&
    grep -q "^tmpl:[0-9a-f-]\{36\}$" t1 &&
    cmp golden.raw "$POOL/deb12.img" &&
    test "$(du -k "$POOL/deb12.img" | cut -f1)" -le 4096 &&
    test -f "$LIB/$(cut -d: -f2 t1).xml"
'

test_expect_success 'template-list --json shows what was recorded' '
    run template-list --json <t1 >out &&
    jq -e ".name == \"deb12\"
           and (.lun | test(\"^lun:local:default%2Fdeb12:3[0-9a-f]{15}$\"))
           and .pool == \"pool:local:default\" and .copy_method == \"auto\"
           and .vcpus == 2 and .memory == 2147483648 and .firmware == \"bios\"
           and .os == \"linux\" and .nics == [{\"network\": \"default\",
           \"bridge\": null, \"model\": \"virtio\"}]
           and .customization == [\"user-data\"] and .tags == [\"web\"]
           and (.created | test(\"^20[0-9-]+T[0-9:]+Z$\"))" out
'

test_expect_success 'the document is XML an admin can read: user-data kept as text' '
    xmllint --noout "$LIB/$(cut -d: -f2 t1).xml" &&
    grep -q "users: \[alice\]" "$LIB/$(cut -d: -f2 t1).xml"
'

test_expect_success 'method 2 from qcow2: the LUN holds the raw disk' '
    run template-make --name deb12-q --image golden.qcow2 pool:local:default >t2 &&
    cmp golden.raw "$POOL/deb12-q.img"
'

test_expect_success 'method 1: a LUN that holds an image becomes a template' '
    echo lun:local:default%2Fdeb12-q | run template-make --name from-lun \
        --os windows --firmware uefi --machine pc-q35-7.2 --disk-bus sata >t3 &&
    run template-list --json <t3 |
        jq -e ".os == \"windows\" and .firmware == \"uefi\" and
               .machine == \"pc-q35-7.2\" and .disk_bus == \"sata\""
'

test_expect_success 'template-list with no IDs on a terminal, and --all, list all by name' '
    run template-list --all >all &&
    cat t1 t2 t3 | sort >want && sort all >got && test_cmp want got &&
    run template-list -a -l >table && head -1 table | grep -q "^ID  *NAME  *LUN"
'

test_expect_code 6 'a name already taken is refused (exit 6), and no LUN is made' '
    ls "$POOL" >before &&
    run template-make --name deb12 --image golden.raw pool:local:default 2>err
    rc=$?
    cat err && grep -q "template .deb12. exists already" err &&
    ls "$POOL" >after && test_cmp before after && exit $rc
'

test_expect_code 6 'a snapshot template where the file system has no reflink is refused' '
    ls "$LIB" >before &&
    echo lun:local:default%2Fdeb12 | run template-make --name snap \
        --copy-method snapshot 2>err
    rc=$?
    cat err && grep -q "can make no snapshots" err &&
    ls "$LIB" >after && test_cmp before after && exit $rc
'

test_expect_code 3 'a missing image is not found (exit 3), nothing made' '
    ls "$POOL" >before &&
    run template-make --name nope --image missing.raw pool:local:default 2>err
    rc=$?
    ls "$POOL" >after && test_cmp before after && cat err && exit $rc
'

test_expect_code 3 'an unknown LUN is not found (exit 3)' '
    run template-make --name nope lun:local:default%2Fmissing
'

for bad in "--vcpus 0" "--firmware efi" "--os bsd" "--copy-method fast" \
    "--nic foo=bar" "--nic network=a,bridge=b" "--memory 1K" \
    "--user-data missing.yaml" "--machine a/b" "--size 1M --image golden.raw"; do
    test_expect_code 2 "template-make $bad is a usage error (exit 2), nothing recorded" '
        ls "$LIB" >before &&
        run template-make --name bad '"$bad"' pool:local:default 2>err
        rc=$?
        ls "$LIB" >after && test_cmp before after && cat err && exit $rc
    '
done

test_expect_code 2 'no --name is a usage error' '
    run template-make pool:local:default
'

test_expect_code 2 'two IDs are a usage error: a template has one LUN' '
    run template-make --name two lun:local:default%2Fdeb12 lun:local:default%2Fdeb12-q
'

test_expect_code 1 'a damaged document is an error naming the file' '
    echo "<template><name>x" >"$LIB/00000000-0000-0000-0000-000000000000.xml" &&
    run template-list --all 2>err
    rc=$?
    cat err
    grep -q "00000000-0000-0000-0000-000000000000.xml: not an XML document" err ||
        exit 99
    rm "$LIB/00000000-0000-0000-0000-000000000000.xml"
    exit $rc
'

test_expect_code 1 'a document with a DOCTYPE is refused' '
    printf "<?xml version=\"1.0\"?>\n<!DOCTYPE t [<!ENTITY x \"y\">]>\n<template/>\n" \
        >"$LIB/00000000-0000-0000-0000-000000000001.xml" &&
    run template-list --all 2>err
    rc=$?
    cat err
    grep -q "DOCTYPE is not allowed" err || exit 99
    rm "$LIB/00000000-0000-0000-0000-000000000001.xml"
    exit $rc
'

test_expect_success 'template-delete forgets a template; --with-lun deletes its LUN too' '
    run template-delete <t3 >out && grep -qx "$(cat t3)" out &&
    test -e "$POOL/deb12-q.img" &&
    run template-delete --with-lun <t2 &&
    ! test -e "$POOL/deb12-q.img" &&
    run template-list --all >all && test_cmp t1 all
'

test_expect_code 3 'deleting a template that is gone is not found (exit 3)' '
    run template-delete <t3
'

# ---- smis-sim: snapshots, dependents, --device ----

write_conf() {
    cat >"$TRASH/sanprov.conf" <<EOF
[array "sim"]
uri = smis+http://127.0.0.1:$SIM_PORT
[pool "sim:gold"]
class = gold
EOF
}
SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG

if sim_start; then
    write_conf
    test_expect_success 'smis-sim: method 1 from a LUN' '
        run pool-list --class gold | run lun-create --size 1G --name gold >base &&
        run template-make --name on-sim --copy-method snapshot <base >ts &&
        run template-list --json <ts | jq -e ".copy_method == \"snapshot\""
    '

    test_expect_code 6 'smis-sim: template-delete is refused while a snapshot depends on the LUN' '
        run pool-list --class gold |
            run lun-create --snapshot-of "$(cat base)" --name vm1 >snap &&
        run template-delete <ts 2>err
        rc=$?
        cat err &&
        grep -q "1 snapshot(s) of its LUN depend on it ($(cat snap))" err &&
        run template-list --all | grep -qx "$(cat ts)" &&
        run lun-list <base >/dev/null && run lun-list <snap >/dev/null &&
        exit $rc
    '

    test_expect_success 'smis-sim: --force forgets it; its LUN and the snapshot stay' '
        run template-delete --force <ts &&
        ! run template-list --all | grep -q "$(cat ts)" &&
        run lun-list <base >/dev/null && run lun-delete <snap
    '

    test_expect_code 6 'smis-sim: method 2 into a pool says to use --device, and leaves no LUN' '
        run lun-list --all | sort >before &&
        run pool-list --class gold |
            run template-make --name m2 --image golden.raw 2>err
        rc=$?
        cat err && grep -q "does not give its LUNs. data on this machine.*--device PATH" err &&
        run lun-list --all | sort >after && test_cmp before after && exit $rc
    '

    if [ "$(id -u)" = 0 ] && command -v losetup >/dev/null; then
        test_expect_success 'smis-sim: method 2 onto a LUN attached here (--device, a loop device)' '
            truncate -s 128M attached.img &&
            dev=$(losetup -f --show attached.img) &&
            run template-make --name m2 --image golden.qcow2 --device "$dev" <base >tm
            rc=$?
            losetup -d "$dev"
            test $rc = 0 &&
            cmp -n 67108864 golden.raw attached.img &&
            run template-list --json <tm | jq -e ".lun == \"$(cat base)\""
        '
    else
        test_skip 'smis-sim: method 2 onto a LUN attached here' \
            'needs root and losetup for a loop device (CI runs as root)'
    fi

    sim_stop
    test_expect_success 'the simulator stops cleanly' 'sim_stopped_ok'

    if SIM_NAME=sim2 sim_start --no-copies; then
        write_conf
        test_expect_code 6 'an array that can make neither snapshots nor clones is refused (exit 6)' '
            run pool-list --class gold | run lun-create --size 1G --name plain >plain &&
            ls "$LIB" >before &&
            run template-make --name none <plain 2>err
            rc=$?
            cat err && grep -q "can make neither snapshots nor clones" err &&
            ls "$LIB" >after && test_cmp before after && exit $rc
        '
        sim_stop
        test_expect_success 'the no-copies simulator stops cleanly' 'sim_stopped_ok'
    fi
fi

test_done
