#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0300-local-array.sh: the local array as a user meets it: the embedded default on a machine with no configuration, sparse LUNs, copies, masking records, bad input, crash leftovers and concurrent programs.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"

if ! command -v jq >/dev/null; then
    test_skip 'the local array' 'jq is not installed (make deps)'
    test_done
    exit
fi

KVM01=iqn.1993-08.org.debian:01:kvm01
OTHER=iqn.2000-01.net.example:stranger
ARRAY=$XDG_DATA_HOME/sanprov/arrays/local
POOL=$ARRAY/default
BASE=lun:local:default%2Fbase
MIB=1048576

# ---- the embedded default ----

test_expect_success 'with no configuration at all, pool-list prints pool:local:default' '
    ! test -e "$XDG_CONFIG_HOME/sanprov/sanprov.conf" &&
    run pool-list >out &&
    echo pool:local:default >want &&
    test_cmp want out
'

test_expect_success 'pool-list | lun-create --size 10G --name base makes a sparse LUN' '
    run pool-list | run lun-create --size 10G --name base >out &&
    grep -qx "$BASE:3[0-9a-f]\{15\}" out &&
    test "$(stat -c %s "$POOL/base.img")" = 10737418240 &&
    test "$(du -k "$POOL/base.img" | cut -f1)" -le 64
'

test_expect_success 'lun-list --json shows its size, NAA WWN and pool' '
    run lun-list --json "$BASE" >out &&
    jq -e ".id == \"$BASE:\(.wwn)\" and .name == \"base\" and .size == 10737418240
           and .pool == \"pool:local:default\" and .source == null
           and (.wwn | test(\"^3[0-9a-f]{15}$\"))" out
'

test_expect_success 'the WWN is stable: the same on every read, kept in the metadata' '
    run lun-list --json "$BASE" | jq -r .wwn >w1 &&
    run lun-list --json "$BASE" | jq -r .wwn >w2 &&
    test_cmp w1 w2 &&
    grep -qx "wwn=$(cat w1)" "$POOL/base.meta"
'

test_expect_success 'pool-list -l shows the file system'"'"'s capacity and free space' '
    run pool-list --json >out &&
    df -B1 --output=size "$POOL" | tail -1 | tr -d " " >size &&
    jq -e ".total == $(cat size) and .free > 0" out
'

test_expect_success 'array-info reports the local driver and what its file system can do' '
    run array-info --json >out &&
    jq -e ".driver == \"local\" and .clone == true and .masking == \"local\"
           and .async == false" out
'

test_expect_code 6 'a second LUN of the same name is refused (exit 6), the first kept' '
    run pool-list | run lun-create --size 1G --name base 2>err
    rc=$?
    grep -q "has a LUN named .base. already" err &&
    test "$(stat -c %s "$POOL/base.img")" = 10737418240 &&
    exit $rc
'

test_expect_success 'default names go on counting past the names taken' '
    run pool-list | run lun-create --size 1M --count 2 >out1 &&
    run pool-list | run lun-create --size 1M >out2 &&
    printf "lun:local:default%%2Flun%s\n" 1 2 >want1 &&
    echo lun:local:default%2Flun3 >want2 &&
    lun_keys out1 >keys1 && lun_keys out2 >keys2 &&
    test_cmp want1 keys1 && test_cmp want2 keys2 &&
    run lun-delete <out1 && run lun-delete <out2
'

test_expect_success 'a size not a multiple of 512 is rounded up' '
    run pool-list | run lun-create --size 1000 --name odd --json >out &&
    jq -e ".size == 1024" out &&
    run lun-delete lun:local:default%2Fodd
'

# ---- copies ----

test_expect_success 'a clone has the bytes of its source and says how it was made' '
    dd if=/dev/urandom of="$POOL/base.img" bs=1M count=4 seek=100 \
        conv=notrunc status=none &&
    run pool-list | run lun-create --clone-of "$BASE" --json >out 2>err &&
    jq -e ".name == \"base-clone1\" and .source == \"$BASE\" and .copy == \"clone\"
           and (.copied_by | type == \"string\")" out &&
    cmp "$POOL/base.img" "$POOL/base-clone1.img" &&
    run lun-delete lun:local:default%2Fbase-clone1
'

# ---- bad input ----

test_expect_code 3 'an unknown pool is not found (exit 3)' '
    run lun-create --size 1G pool:local:nope 2>err
    rc=$?
    grep -q "no pool .nope." err && ! test -e "$ARRAY/nope" && exit $rc
'

test_expect_code 3 'an unknown LUN is not found (exit 3)' '
    run lun-list lun:local:default%2Fnope 2>err
    rc=$?
    grep -q "no LUN .default/nope." err && exit $rc
'

test_expect_code 2 'a LUN ID that is no POOL/NAME is a usage error (exit 2)' '
    run lun-delete lun:local:nopool 2>err
    rc=$?
    grep -q "not a LUN of a local array" err && exit $rc
'

test_expect_code 2 'a malformed ID is a usage error (exit 2)' '
    run lun-list "lun:local:%zz" 2>err
'

for bad in .hidden 'a/b'; do
    test_expect_code 2 "a LUN may not be named '$bad' (exit 2, nothing made)" '
        ls "$POOL" >before &&
        run lun-create --size 1M --name "'"$bad"'" pool:local:default 2>err
        rc=$?
        ls "$POOL" >after && test_cmp before after && cat err && exit $rc
    '
done

test_expect_code 2 'an array uri that is no absolute path is a configuration error' '
    printf "[array \"rel\"]\nuri = local:relative/dir\n" >rel.conf &&
    run pool-list -c rel.conf 2>err
    rc=$?
    grep -q "not local:/ABSOLUTE/PATH" err && exit $rc
'

# ---- masking, recorded per host ----

test_expect_success 'lun-mask records the masking with stable numbers from 1' '
    run pool-list | run lun-create --size 1M --name m%d --count 2 >luns &&
    run lun-mask --initiator "$KVM01" -l <luns >out &&
    run lun-list --json <luns >list &&
    jq -se "map(.masking[0].initiator) == [\"$KVM01\", \"$KVM01\"]
            and map(.masking[0].lun) == [1, 2]" list
'

test_expect_success 'masking again changes nothing; a new LUN gets the next free number' '
    run lun-mask --initiator "$KVM01" --json <luns >again &&
    jq -se "map(.lun) == [1, 2]" again &&
    head -1 luns | run lun-mask -u --initiator "$KVM01" &&
    run pool-list | run lun-create --size 1M --name m3 | run lun-mask --json \
        --initiator "$KVM01" >third &&
    jq -e ".lun == 1" third &&
    sed -n 2p luns | run lun-list --json | jq -e ".masking[0].lun == 2"
'

test_expect_code 6 'a masked LUN is not deleted without --force (exit 6)' '
    sed -n 2p luns | run lun-delete 2>err
    rc=$?
    test -e "$POOL/m2.img" && grep -q "masked" err && exit $rc
'

test_expect_success 'lun-delete --force unmasks, then deletes' '
    sed -n 2p luns | run lun-delete --force &&
    ! test -e "$POOL/m2.img" && ! test -e "$POOL/m2.meta" &&
    ! grep -q "default/m2" "$ARRAY"/.masking/*.mask
'

test_expect_success 'unmasking what is not masked succeeds and changes nothing' '
    cat "$ARRAY"/.masking/*.mask >before &&
    head -1 luns | run lun-mask -u --initiator "$OTHER" &&
    cat "$ARRAY"/.masking/*.mask >after && test_cmp before after
'

test_expect_success 'unmasking the last LUN of a host removes its record' '
    { head -1 luns; echo lun:local:default%2Fm3; } |
        run lun-mask -u --initiator "$KVM01" &&
    ! ls "$ARRAY"/.masking/*.mask 2>/dev/null &&
    { head -1 luns; echo lun:local:default%2Fm3; } | run lun-delete
'

# ---- leftovers of a program that died ----

test_expect_success 'a LUN left half made by a killed program is not listed, and is removed' '
    printf "state=creating\nsize=1048576\nwwn=3000000000000099\nserial=99\n" \
        >"$POOL/dead.meta" &&
    truncate -s 1M "$POOL/dead.img" &&
    run lun-list --all >out &&
    ! grep -q dead out &&
    ! test -e "$POOL/dead.meta" && ! test -e "$POOL/dead.img"
'

test_expect_success 'metadata a crash cut off before it was synced (empty, or NULs) is removed with its image' '
    : >"$POOL/torn1.meta" && truncate -s 1M "$POOL/torn1.img" &&
    head -c 80 /dev/zero >"$POOL/torn2.meta" && truncate -s 1M "$POOL/torn2.img" &&
    run lun-list --all >out 2>err &&
    ! grep -q torn out && test "$(grep -c "half made" err)" = 2 &&
    ! ls "$POOL" | grep -q torn
'

test_expect_code 1 'metadata that is damaged otherwise is an error, and is left alone' '
    printf "state=ready\nsize=banana\n" >"$POOL/bad.meta" &&
    run lun-list --all >out 2>err
    rc=$?
    cat err
    grep -q "bad.meta., line 2: bad metadata" err && test -e "$POOL/bad.meta" ||
        exit 99
    rm "$POOL/bad.meta"
    exit $rc
'

test_expect_success 'the name of a LUN left half made can be used again' '
    printf "state=creating\nsize=1048576\nwwn=3000000000000098\nserial=98\n" \
        >"$POOL/again.meta" &&
    run pool-list | run lun-create --size 2M --name again --json >out &&
    jq -e ".size == 2097152" out &&
    run lun-delete lun:local:default%2Fagain
'

test_expect_success 'a LUN being made by a live program is neither listed nor taken' '
    printf "state=creating\nsize=1048576\nwwn=3000000000000097\nserial=97\n" \
        >"$POOL/busy.meta" &&
    truncate -s 1M "$POOL/busy.img" &&
    flock "$POOL/busy.img" sh -c "
        lun-list --all >out &&
        ! grep -q busy out &&
        ! lun-create --size 1M --name busy pool:local:default 2>err &&
        grep -q \"named .busy. already\" err" &&
    test -e "$POOL/busy.meta" &&
    rm "$POOL/busy.meta" "$POOL/busy.img"
'

# ---- concurrency ----

test_expect_success '16 concurrent lun-create end with 16 distinct, intact LUNs' '
    for i in $(seq 16); do
        (run pool-list | run lun-create --size 1M >"c.$i" 2>"c.$i.err") &
    done
    wait
    cat c.[0-9]* | sort >ids &&
    test_line_count = 16 ids &&
    sort -u ids >uniq && test_cmp ids uniq &&
    run lun-list --json <ids >list &&
    test_line_count = 16 list &&
    jq -r .wwn list | sort -u >wwns && test_line_count = 16 wwns &&
    jq -e ".size == 1048576" list >/dev/null &&
    ! cat c.*.err | grep . &&
    run lun-delete <ids
'

test_expect_success '16 concurrent lun-mask to one host hand out 16 distinct numbers' '
    run pool-list | run lun-create --size 1M --name p%d --count 16 >luns16 &&
    i=0
    while read -r id; do
        i=$((i + 1))
        (echo "$id" | run lun-mask --initiator "$KVM01" >"m.$i") &
    done <luns16
    wait
    run lun-list --json <luns16 | jq -r ".masking[0].lun" | sort -n >nums &&
    seq 16 >want && test_cmp want nums &&
    run lun-delete --force <luns16 &&
    ! ls "$ARRAY"/.masking/*.mask 2>/dev/null
'

test_expect_success 'the pool holds only the base LUN after all of it' '
    ls "$POOL" >out &&
    printf "base.img\nbase.meta\n" >want && test_cmp want out
'

test_done
