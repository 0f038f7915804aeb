#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0301-local-filesystems.sh: the local array's SAN copies on real file systems, loop-mounted by the test: XFS with reflink (clones and snapshots share extents) and ext4 (clones are sparse copies that keep the holes, snapshots exit 6); capabilities follow the file system; a copy killed half way leaves nothing.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"

if [ "$(id -u)" != 0 ]; then
    test_skip 'the local array on XFS and ext4' \
        'needs root to loop-mount XFS and ext4 (CI runs as root)'
    test_done
    exit
fi
for tool in mkfs.xfs mkfs.ext4 filefrag losetup jq; do
    if ! command -v $tool >/dev/null; then
        test_skip 'the local array on XFS and ext4' \
            "$tool is not installed (make deps)"
        test_done
        exit
    fi
done

MNT=$TRASH/mnt
cleanup() {
    cd / || return
    for fs in xfs ext4; do
        umount "$MNT/$fs" 2>/dev/null
    done
}
trap cleanup EXIT

# mount_fs TYPE SIZE MKFS-ARGS...: a file system of TYPE on a loop device,
# mounted on $MNT/TYPE.
mount_fs() {
    _t=$1 _s=$2
    shift 2
    mkdir -p "$MNT/$_t" &&
        truncate -s "$_s" "$TRASH/$_t.fs" &&
        "mkfs.$_t" -q "$@" "$TRASH/$_t.fs" &&
        mount -o loop "$TRASH/$_t.fs" "$MNT/$_t"
}

if ! mount_fs xfs 3G -m reflink=1 || ! mount_fs ext4 3G -F; then
    test_skip 'the local array on XFS and ext4' \
        'cannot loop-mount a file system here (no loop devices?)'
    test_done
    exit
fi

cat >"$TRASH/sanprov.conf" <<EOF
[array "xfs"]
uri = local:$MNT/xfs/array
[pool "xfs:gold"]
class = gold
[array "ext4"]
uri = local:$MNT/ext4/array
[pool "ext4:silver"]
class = silver
EOF
SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG
GOLD=$MNT/xfs/array/gold
SILVER=$MNT/ext4/array/silver

# fill IMAGE: 3 runs of random data with holes between them (24 MiB).
fill() {
    for at in 0 300 900; do
        dd if=/dev/urandom of="$1" bs=1M count=8 seek=$at conv=notrunc \
            status=none || return 1
    done
}

# shared FILE: filefrag says some extent of FILE is shared (in the flags of
# an extent's line: the lines naming FILE may hold "shared" in its path).
shared() {
    filefrag -v "$1" | grep -E '^ *[0-9]+:' | grep -q shared
}

test_expect_success 'capabilities follow the file system: XFS snapshots, ext4 only clones' '
    run array-info --json >out &&
    jq -se "map({(.array): [.snapshot, .clone]}) | add ==
            {\"xfs\": [true, true], \"ext4\": [false, true]}" out &&
    run pool-list --supports snapshot >snap &&
    echo pool:xfs:gold >want && test_cmp want snap &&
    run pool-list --supports clone | sort >clone &&
    printf "pool:ext4:silver\npool:xfs:gold\n" >want && test_cmp want clone
'

test_expect_success 'a base LUN on each, with data and holes' '
    run pool-list | run lun-create --size 1G --name base >bases &&
    fill "$GOLD/base.img" && fill "$SILVER/base.img" &&
    test_line_count = 2 bases
'

test_expect_success 'XFS: --clone-of and --snapshot-of share extents, the bytes identical' '
    run pool-list --class gold | run lun-create --clone-of lun:xfs:gold%2Fbase \
        --name c1 --json >clone &&
    run pool-list --class gold |
        run lun-create --snapshot-of lun:xfs:gold%2Fbase --name s1 --json >snap &&
    jq -e ".copy == \"clone\" and .copied_by == \"reflink\" and .copied_bytes == 0" clone &&
    jq -e ".copy == \"snapshot\" and .copied_by == \"reflink\" and .copied_bytes == 0" snap &&
    shared "$GOLD/c1.img" && shared "$GOLD/s1.img" &&
    cmp "$GOLD/base.img" "$GOLD/c1.img" && cmp "$GOLD/base.img" "$GOLD/s1.img"
'

test_expect_success 'XFS: a copy is its own LUN: writing to it leaves the source alone' '
    cp "$GOLD/base.img" before.img &&
    dd if=/dev/urandom of="$GOLD/s1.img" bs=1M count=1 seek=300 conv=notrunc \
        status=none &&
    cmp before.img "$GOLD/base.img" && ! cmp -s "$GOLD/s1.img" before.img &&
    rm before.img
'

test_expect_success 'XFS: lun-list shows the copies with their source' '
    run lun-list --json lun:xfs:gold%2Fc1 lun:xfs:gold%2Fs1 >out &&
    jq -se "map([.source, .copy]) == [[\"lun:xfs:gold%2Fbase\", \"clone\"],
            [\"lun:xfs:gold%2Fbase\", \"snapshot\"]]" out
'

test_expect_success 'ext4: a clone is a sparse copy that keeps the holes' '
    run pool-list --class silver |
        run lun-create --clone-of lun:ext4:silver%2Fbase --name c1 --json \
        >clone 2>clone.err &&
    jq -e ".copied_by == \"sparse copy\" and .copied_bytes == 25165824" clone &&
    cat clone.err &&
    grep -q "made by sparse copy (no reflink copies here): 24 MiB" clone.err &&
    cmp "$SILVER/base.img" "$SILVER/c1.img" &&
    { ! shared "$SILVER/c1.img" || { filefrag -v "$SILVER/c1.img"; false; }; } &&
    # 24 MiB of data in 1 GiB: the holes kept.
    kib=$(du -k "$SILVER/c1.img" | cut -f1) && echo "c1.img: $kib KiB" &&
    test "$kib" -le 26000
'

test_expect_code 6 'ext4: a snapshot exits 6 and says why, nothing made' '
    ls "$SILVER" >before &&
    run pool-list --class silver |
        run lun-create --snapshot-of lun:ext4:silver%2Fbase --name s1 2>err
    rc=$?
    cat err &&
    grep -q "snapshot is a reflink copy, which is not supported on this file system (ext4)" err &&
    ls "$SILVER" >after && test_cmp before after && exit $rc
'

test_expect_success 'ext4: a sparse copy killed half way leaves nothing once listed' '
    dd if=/dev/zero of="$SILVER/base.img" bs=1M count=768 seek=100 \
        conv=notrunc status=none &&
    $SANPROV_WRAP lun-create --clone-of lun:ext4:silver%2Fbase \
        --name killed pool:ext4:silver >/dev/null 2>&1 &
    pid=$!
    test -n "$pid" &&
    while ! grep -q state=creating "$SILVER/killed.meta" 2>/dev/null; do
        sleep 0.01
    done &&
    kill -9 $pid && wait $pid
    test -e "$SILVER/killed.meta" &&
    run lun-list --all >list 2>err &&
    ! grep -q killed list && grep -q "half made" err &&
    ! test -e "$SILVER/killed.meta" && ! test -e "$SILVER/killed.img"
'

test_expect_success 'deleting the copies and the bases leaves the pools empty' '
    run lun-list --all | run lun-delete &&
    test -z "$(ls "$GOLD")" && test -z "$(ls "$SILVER")"
'

test_done
