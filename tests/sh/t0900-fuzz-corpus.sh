#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0900-fuzz-corpus.sh: replay each fuzz target's checked-in corpus.
#
# The replay binaries are the fuzz targets linked with tests/fuzz/replay.c
# instead of libFuzzer ("make tests" builds them), so this runs with the
# build's own compiler and sanitizers, and under valgrind when
# $SANPROV_WRAP says so.

SANPROV_SRCDIR=${SANPROV_SRCDIR:-$(pwd)}
SANPROV_BUILD=${SANPROV_BUILD:-$SANPROV_SRCDIR/build}
SANPROV_TEST_OUT=${SANPROV_TEST_OUT:-$SANPROV_BUILD/tests/out}
mkdir -p "$SANPROV_TEST_OUT"

targets=""
for src in "$SANPROV_SRCDIR"/tests/fuzz/fuzz_*.c; do
    [ -e "$src" ] || continue
    targets="$targets $(basename "$src" .c)"
done

n=0
for t in $targets; do
    n=$((n + 1))
done
echo "1..$n"

i=0
for t in $targets; do
    i=$((i + 1))
    bin=$SANPROV_BUILD/tests/fuzz-replay-$t
    corpus=$SANPROV_SRCDIR/tests/fuzz/corpus/$t
    out=$SANPROV_TEST_OUT/t0900-$t.out
    if [ ! -x "$bin" ]; then
        echo "not ok $i - $t: $bin is not built (make tests)"
        continue
    fi
    if [ ! -d "$corpus" ]; then
        echo "not ok $i - $t: no corpus in $corpus"
        continue
    fi
    # shellcheck disable=SC2086
    $SANPROV_WRAP "$bin" "$corpus" >"$out" 2>&1
    rc=$?
    inputs=$(sed -n 's/^ok 1 - .*(\([0-9]*\) inputs*)$/\1/p' "$out")
    if [ "$rc" -eq 0 ] && [ -n "$inputs" ] && [ "$inputs" -gt 0 ]; then
        echo "ok $i - $t replays its corpus ($inputs inputs)"
    else
        echo "not ok $i - $t replays its corpus (exit status $rc)"
        sed 's/^/#   /' "$out" | tail -30
    fi
done
