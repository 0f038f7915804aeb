#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/bench/local.sh: SAN copies on the local array on XFS: 100 clones of a 10 GiB image holding 1 GiB of data, against a loop of "cp --reflink=always" and a plain full copy, in the same run.
#
# The XFS file system (reflink=1) is loop-mounted by the bench, so it needs
# root; without root it says so and exits 0.  Figures:
#   - lun-create --clone-of BASE --count 100, one process;
#   - 100 runs of lun-create --clone-of BASE (one clone each), as a loop
#     in a script would make them;
#   - a loop of 100 "cp --reflink=always" (target: lun-create no slower);
#   - "cp --reflink=never" (a full copy of the 1 GiB of data; coreutils 9
#     reflinks by default) for BENCH_FULL copies (default 3), the ratio
#     given per copy.
# Environment: B (build dir), BENCH_CLONES (default 100), BENCH_FULL.

B=${B:-build}
CLONES=${BENCH_CLONES:-100}
FULL=${BENCH_FULL:-3}

if [ "$(id -u)" != 0 ]; then
    echo "local array bench: skipped, it needs root to loop-mount XFS"
    exit 0
fi
for p in mkfs.xfs lun-create pool-list; do
    if ! command -v "$p" >/dev/null && [ ! -x "$B/bin/$p" ]; then
        echo "bench: $p is missing (make deps; make)" >&2
        exit 1
    fi
done
PATH=$(cd "$B/bin" && pwd):$PATH
LD_LIBRARY_PATH=$(cd "$B" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PATH LD_LIBRARY_PATH

DIR=$(mktemp -d /var/tmp/sanprov-bench.XXXXXX)
MNT=$DIR/mnt
cleanup() {
    umount "$MNT" 2>/dev/null
    rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

mkdir -p "$MNT" &&
    truncate -s 40G "$DIR/xfs.fs" &&
    mkfs.xfs -q -m reflink=1 "$DIR/xfs.fs" &&
    mount -o loop "$DIR/xfs.fs" "$MNT" || exit 1

cat >"$DIR/sanprov.conf" <<EOF
[array "xfs"]
uri = local:$MNT/array
[pool "xfs:gold"]
EOF
SANPROV_CONFIG=$DIR/sanprov.conf
export SANPROV_CONFIG
POOL=$MNT/array/gold

now() { date +%s.%N; }
# secs START END
secs() { echo "$1 $2" | awk '{ printf "%.2f", $2 - $1 }'; }
ratio() { echo "$1 $2" | awk '{ printf "%.2f", ($2 > 0 ? $1 / $2 : 0) }'; }

echo "local array bench: $CLONES clones of a 10 GiB image with 1 GiB of data, XFS (reflink) on a loop device"
lun-create --size 10G --name base pool:xfs:gold >/dev/null || exit 1
# 1 GiB of data in 64 runs of 16 MiB spread over the 10 GiB.
for i in $(seq 0 63); do
    dd if=/dev/urandom of="$POOL/base.img" bs=1M count=16 seek=$((i * 160)) \
        conv=notrunc status=none || exit 1
done
sync
echo "  base: $(du -h "$POOL/base.img" | cut -f1) of data in a $(du -h --apparent-size "$POOL/base.img" | cut -f1) image"

used0=$(df -k --output=used "$MNT" | tail -1)
t0=$(now)
lun-create --clone-of lun:xfs:gold%2Fbase --count "$CLONES" --name 'one%d' \
    pool:xfs:gold >"$DIR/one.ids" || exit 1
t1=$(now)
one=$(secs "$t0" "$t1")
sync
used1=$(df -k --output=used "$MNT" | tail -1)

t0=$(now)
i=0
while [ $i -lt "$CLONES" ]; do
    i=$((i + 1))
    lun-create --clone-of lun:xfs:gold%2Fbase --name "loop$i" pool:xfs:gold \
        >/dev/null || exit 1
done
t1=$(now)
loop=$(secs "$t0" "$t1")

mkdir "$MNT/cp"
t0=$(now)
i=0
while [ $i -lt "$CLONES" ]; do
    i=$((i + 1))
    cp --reflink=always "$POOL/base.img" "$MNT/cp/r$i.img" || exit 1
done
t1=$(now)
reflink=$(secs "$t0" "$t1")

t0=$(now)
i=0
while [ $i -lt "$FULL" ]; do
    i=$((i + 1))
    cp --reflink=never "$POOL/base.img" "$MNT/cp/f$i.img" || exit 1
done
sync
t1=$(now)
full=$(secs "$t0" "$t1")
full_each=$(echo "$full $FULL" | awk '{ printf "%.3f", $1 / $2 }')
one_each=$(echo "$one $CLONES" | awk '{ printf "%.4f", $1 / $2 }')

printf '  %-52s %8s s\n' "lun-create --count $CLONES (one process)" "$one"
printf '  %-52s %8s s\n' "$CLONES x lun-create (one clone each)" "$loop"
printf '  %-52s %8s s\n' "$CLONES x cp --reflink=always" "$reflink"
printf '  %-52s %8s s  (%s s a copy)\n' "$FULL x cp --reflink=never (full copies)" "$full" "$full_each"
echo "  lun-create (one process) vs the cp --reflink loop: $(ratio "$reflink" "$one")x as fast (target: >= 1)"
echo "  lun-create loop vs the cp --reflink loop: $(ratio "$reflink" "$loop")x as fast"
echo "  a clone vs a full copy: $(ratio "$full_each" "$one_each")x as fast ($one_each s vs $full_each s a copy)"
shared=$(filefrag -v "$POOL/one1.img" | grep -c shared)
echo "  extents of one clone marked shared: $shared; file system space the $CLONES clones took: $(((used1 - used0) / 1024)) MiB (du counts shared extents in every file: $(du -sh "$POOL" | cut -f1))"
