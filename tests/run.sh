#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/run.sh: run every test program and shell test (TAP), print "N passed, N failed".
#
# Environment: B (build dir), VALGRIND=1 (run the C tests under valgrind),
# CI=true (a skipped core test counts as a failure), TESTS (a subset:
# space-separated names such as "test_decode t0001-ids").

B=${B:-build}
SANPROV_SRCDIR=${SANPROV_SRCDIR:-$(pwd)}
SANPROV_TEST_OUT=${SANPROV_TEST_OUT:-$SANPROV_SRCDIR/$B/tests/out}
SANPROV_BUILD=$SANPROV_SRCDIR/$B
LD_LIBRARY_PATH=$SANPROV_BUILD${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
PATH=$SANPROV_BUILD/bin:$SANPROV_BUILD/tests:$PATH
CMOCKA_MESSAGE_OUTPUT=TAP
export SANPROV_SRCDIR SANPROV_TEST_OUT SANPROV_BUILD LD_LIBRARY_PATH PATH \
    CMOCKA_MESSAGE_OUTPUT
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

selected() {
    [ -z "$TESTS" ] && return 0
    for _sel in $TESTS; do [ "$_sel" = "$1" ] && return 0; done
    return 1
}

# Count one TAP stream.  A skip is a failure in CI unless its reason says
# "optional:" (a component CI is not expected to have).
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
    if [ "$s" -gt 0 ] && [ "$CI" = true ]; then
        # test_skip says why on a "# skipped: REASON" line of its own.
        core=$(grep -a '^# skipped: ' "$log" | grep -vc 'optional:' | tr -d ' ')
        if [ "$core" -gt 0 ]; then
            echo "not ok - $name skipped a core test in CI"
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
[ "$skipped" -gt 0 ] && echo "# $skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
