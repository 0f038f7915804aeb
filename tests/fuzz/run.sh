#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/fuzz/run.sh: build the libFuzzer targets (ASan+UBSan) and run each.
#
# Usage: sh tests/fuzz/run.sh TARGET...   (TARGET: fuzz_cimxml_decode, ...)
#
# Everything goes under build-fuzz/: the instrumented library objects, one
# binary per target, a working corpus per target (seeded from the small
# checked-in tests/fuzz/corpus/TARGET, which it never writes to), logs and
# crash artifacts.  Exit status 1 on any finding (crash, leak, timeout,
# out-of-memory), 2 on a build failure.
#
# Environment: FUZZ_SECONDS (default 60), FUZZ_CC (default clang),
# FUZZ_DIR (default build-fuzz).

cd "$(dirname "$0")/../.." || exit 2

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_CC=${FUZZ_CC:-clang}
FUZZ_DIR=${FUZZ_DIR:-build-fuzz}

if [ $# -eq 0 ]; then
    echo "usage: $0 TARGET..." >&2
    exit 2
fi
if ! command -v "$FUZZ_CC" >/dev/null 2>&1; then
    echo "fuzz: '$FUZZ_CC' not found (libFuzzer needs clang): make deps" >&2
    exit 2
fi

# -fno-sanitize-recover makes UBSan findings fatal, so libFuzzer sees them.
SAN="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
-fno-sanitize-recover=all"
CFLAGS="-std=gnu11 -D_GNU_SOURCE -Ilib -Ilib/include -Wall -Wextra \
-Wno-unused-parameter"
PKG_CFLAGS=$(pkg-config --cflags libxml-2.0 libcurl uuid inih libvirt json-c) || exit 2
PKG_LIBS="$(pkg-config --libs libxml-2.0 libcurl uuid inih libvirt json-c) -lpthread" || exit 2

mkdir -p "$FUZZ_DIR/lib" || exit 2

# The library, once, with the same instrumentation as the targets.
echo "fuzz: building the library with $FUZZ_CC"
objs=""
for src in lib/util/*.c lib/http/*.c lib/cim/*.c lib/array/*.c lib/library/*.c \
    lib/host/*.c lib/custom/*.c lib/deploy/*.c lib/reconcile/*.c lib/wsman/*.c; do
    obj=$FUZZ_DIR/lib/$(echo "$src" | sed 's|^lib/||; s|/|_|g; s|\.c$|.o|')
    # shellcheck disable=SC2086
    "$FUZZ_CC" $SAN $CFLAGS $PKG_CFLAGS -c "$src" -o "$obj" || exit 2
    objs="$objs $obj"
done

status=0
for t in "$@"; do
    src=tests/fuzz/$t.c
    if [ ! -f "$src" ]; then
        echo "fuzz: no such target '$t' ($src)" >&2
        exit 2
    fi
    bin=$FUZZ_DIR/$t
    # A parser of smis-sim's, fuzz_sim_NAME, with its own source.
    extra=
    case $t in
    fuzz_sim_*) extra=cmd/smis-sim/${t#fuzz_sim_}.c ;;
    fuzz_hv_*) extra="cmd/hyperv-sim/request.c cmd/hyperv-sim/wql.c" ;;
    esac
    echo "fuzz: building $t"
    # shellcheck disable=SC2086
    "$FUZZ_CC" $SAN $CFLAGS $PKG_CFLAGS -o "$bin" "$src" $extra $objs \
        $PKG_LIBS || exit 2

    corpus=$FUZZ_DIR/corpus/$t
    artifacts=$FUZZ_DIR/artifacts/$t
    log=$FUZZ_DIR/$t.log
    mkdir -p "$corpus" "$artifacts" || exit 2
    if [ -d "tests/fuzz/corpus/$t" ]; then
        cp tests/fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null
    fi
    dict=
    case $t in
    fuzz_cimxml_decode | fuzz_xml_dom) dict=-dict=tests/fuzz/cimxml.dict ;;
    fuzz_wsman_decode) dict=-dict=tests/fuzz/wsman.dict ;;
    esac

    echo "fuzz: running $t for $FUZZ_SECONDS s (log: $log)"
    # Findings of earlier runs stay in $artifacts; only new files count.
    stamp=$FUZZ_DIR/$t.stamp
    : >"$stamp"
    # shellcheck disable=SC2086
    "$bin" -max_total_time="$FUZZ_SECONDS" -max_len=65536 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" $dict "$corpus" >"$log" 2>&1
    rc=$?
    found=$(find "$artifacts" -type f -newer "$stamp")

    runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1/p' "$log")
    secs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$log")
    # The last status line: "#N DONE cov: C ft: F corp: ... exec/s: ...".
    stats=$(grep -E '^#[0-9]+' "$log" | tail -1 |
        sed -e 's/^#[0-9]*[[:space:]]*[A-Z]*[[:space:]]*//' \
            -e 's/[[:space:]]*exec\/s.*//')
    echo "fuzz: $t: ${runs:-?} runs in ${secs:-?} s; $stats"
    if [ "$rc" -ne 0 ] || [ -n "$found" ]; then
        status=1
        echo "fuzz: $t: FINDING (exit status $rc), see $log"
        grep -E '^(==[0-9]+==ERROR|SUMMARY)|runtime error' "$log" | head -5
        # An abort() in the target: its own message is the line before.
        awk '/ERROR: libFuzzer: deadly signal/ { print prev; exit }
            { prev = $0 }' "$log"
        for f in $found; do
            echo "fuzz:   crash file: $f"
        done
    fi
done

if [ "$status" -ne 0 ]; then
    echo "fuzz: findings above; reproduce with: $FUZZ_DIR/TARGET FILE"
else
    echo "fuzz: no findings"
fi
exit "$status"
