#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/run.sh: run every test program and shell test (TAP), print "N passed, N failed".
#
# Environment: B (build dir), VALGRIND=1 (run the C tests under valgrind),
# TESTS (a subset: space-separated names such as "test_decode t0001-ids"),
# SANPROV_SHARED (the reference data, default ../shared beside the source
# tree: DMTF DTDs, captured CIM traffic), SANPROV_CI_STRICT=1 (a skipped
# test counts as a failure unless its reason says "optional:"; set by the
# project's own .ci/run, whose machine has everything; anyone else's CI,
# where CI=true too, runs what it can and lists what it skipped and why).
#
# The programs are run from $B/bin with no LD_LIBRARY_PATH: they find the
# library through their RUNPATH, as a user's shell would.

B=${B:-build}
SANPROV_SRCDIR=${SANPROV_SRCDIR:-$(pwd)}
SANPROV_TEST_OUT=${SANPROV_TEST_OUT:-$SANPROV_SRCDIR/$B/tests/out}
SANPROV_BUILD=$SANPROV_SRCDIR/$B
SANPROV_SHARED=${SANPROV_SHARED:-$SANPROV_SRCDIR/../shared}
PATH=$SANPROV_BUILD/bin:$SANPROV_BUILD/tests:$PATH
CMOCKA_MESSAGE_OUTPUT=TAP
export SANPROV_SRCDIR SANPROV_TEST_OUT SANPROV_BUILD SANPROV_SHARED PATH \
    CMOCKA_MESSAGE_OUTPUT SANPROV_CI_STRICT
mkdir -p "$SANPROV_TEST_OUT"

if [ -n "$VALGRIND" ]; then
    WRAP="valgrind -q --error-exitcode=99 --leak-check=full \
--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
--track-fds=no"
    # Make the timing-sensitive client tests patient under valgrind.
    SANPROV_TEST_SLOW=1
    export SANPROV_TEST_SLOW
else
    WRAP=
fi
# Programs run by shell tests go through the same wrapper.
SANPROV_WRAP=$WRAP
export SANPROV_WRAP

passed=0
failed=0
skipped=0
failures=""
skips=$SANPROV_TEST_OUT/.skips
: >"$skips"

selected() {
    [ -z "$TESTS" ] && return 0
    for _sel in $TESTS; do [ "$_sel" = "$1" ] && return 0; done
    return 1
}

# Count one TAP stream.  A skip is a failure with SANPROV_CI_STRICT=1
# unless its reason says "optional:" (a component CI is not expected to
# have).
count() {
    name=$1 log=$2 rc=$3
    p=$(grep -ac '^ok ' "$log" | tr -d ' ')
    f=$(grep -a '^not ok ' "$log" | grep -vc '# SKIP' | tr -d ' ')
    s=$(grep -ac '# SKIP' "$log" | tr -d ' ')
    p=$((p - $(grep -a '^ok ' "$log" | grep -c '# SKIP')))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        # Crashed, or valgrind found an error after the tests passed.
        f=1
        echo "not ok - $name exited with status $rc"
    fi
    # test_skip and tu_skip say why on a "# skipped: REASON" line.
    grep -a '^# skipped: ' "$log" | sed "s/^# skipped: /$name: /" |
        sort -u >>"$skips"
    if [ "$s" -gt 0 ] && [ "$SANPROV_CI_STRICT" = 1 ]; then
        core=$(grep -a '^# skipped: ' "$log" | grep -vc 'optional:' | tr -d ' ')
        if [ "$core" -gt 0 ]; then
            echo "not ok - $name skipped a core test (SANPROV_CI_STRICT=1)"
            f=$((f + 1))
        fi
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))
    [ "$f" -gt 0 ] && failures="$failures $name"
}

run_one() {
    name=$1
    shift
    log=$SANPROV_TEST_OUT/$name.log
    echo "# $name"
    "$@" >"$log" 2>&1
    rc=$?
    grep -aE '^(not ok|# skipped|# SKIP|ERROR:)|^#  ' "$log" | head -40
    count "$name" "$log" "$rc"
}

for t in "$SANPROV_BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    n=$(basename "$t")
    selected "$n" || continue
    # shellcheck disable=SC2086
    run_one "$n" $WRAP "$t"
done

for t in "$SANPROV_SRCDIR"/tests/sh/t[0-9]*.sh; do
    [ -e "$t" ] || continue
    n=$(basename "$t" .sh)
    selected "$n" || continue
    run_one "$n" sh "$t"
done

if [ -n "$failures" ]; then
    echo "# failed:$failures (logs in $SANPROV_TEST_OUT)"
fi
if [ "$skipped" -gt 0 ]; then
    echo "# $skipped skipped, for these reasons:"
    sed 's/^/#   /' "$skips"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
