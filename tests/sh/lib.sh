#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/lib.sh: TAP helpers for shell tests that read like a user session (after git's t/test-lib.sh).
#
#   . "$SANPROV_SRCDIR/tests/sh/lib.sh"
#   test_expect_success 'lists pools' 'pool-list >out && test_line_count = 1 out'
#   test_expect_code 2 'bad option' 'pool-list --nope'
#   test_done
#
# Each test runs in a subshell inside $TRASH (a fresh directory per script).
# Environment from tests/run.sh: SANPROV_SRCDIR, SANPROV_BUILD,
# SANPROV_TEST_OUT, SANPROV_WRAP (valgrind prefix or empty).

: "${SANPROV_SRCDIR:?run through tests/run.sh or make check}"
: "${SANPROV_BUILD:=$SANPROV_SRCDIR/build}"
: "${SANPROV_TEST_OUT:=$SANPROV_BUILD/tests/out}"

test_name=$(basename "$0" .sh)
TRASH=$SANPROV_TEST_OUT/trash.$test_name
rm -rf "$TRASH"
mkdir -p "$TRASH"
cd "$TRASH" || exit 1
# Never read the user's own configuration or data.
HOME=$TRASH/home
XDG_CONFIG_HOME=$HOME/.config
XDG_DATA_HOME=$HOME/.local/share
export HOME XDG_CONFIG_HOME XDG_DATA_HOME
unset SANPROV_CONFIG SANPROV_PASSWORD
mkdir -p "$HOME"

test_count=0
test_failures=0

_test_report() {
    # $1 = status (0 ok), $2 = description, $3 = log file
    test_count=$((test_count + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $test_count - $2"
    else
        test_failures=$((test_failures + 1))
        echo "not ok $test_count - $2"
        sed 's/^/#   /' "$3" | head -60
    fi
}

# test_expect_success DESCRIPTION COMMANDS
test_expect_success() {
    _log=$TRASH/.log.$((test_count + 1))
    (eval "$2") >"$_log" 2>&1
    _test_report $? "$1" "$_log"
}

# test_expect_code CODE DESCRIPTION COMMANDS: the commands exit with CODE.
test_expect_code() {
    _log=$TRASH/.log.$((test_count + 1))
    (eval "$3") >"$_log" 2>&1
    _rc=$?
    if [ "$_rc" -eq "$1" ]; then
        _test_report 0 "$2" "$_log"
    else
        echo "exit code $_rc, wanted $1" >>"$_log"
        _test_report 1 "$2" "$_log"
    fi
}

# test_skip DESCRIPTION REASON ("optional: ..." for what CI may lack).
test_skip() {
    test_count=$((test_count + 1))
    echo "# skipped: $2"
    echo "ok $test_count # SKIP $1"
}

# test_cmp EXPECTED ACTUAL: like cmp, showing a diff when they differ.
test_cmp() {
    diff -u "$1" "$2"
}

# test_line_count OP N FILE
test_line_count() {
    _n=$(wc -l <"$3" | tr -d ' ')
    if ! test "$_n" "$1" "$2"; then
        echo "line count of $3 is $_n, wanted $1 $2"
        return 1
    fi
}

# lun_keys [FILE]: the lun IDs of FILE (or stdin) without the WWN they end
# in (lun:ARRAY:KEY), as a LUN's source names its source.
lun_keys() {
    sed -E 's/^(lun:[^:[:space:]]+:[^:[:space:]]+):[0-9A-Fa-f]+/\1/' "$@"
}

# run PROGRAM ARGS...: run a sanprov program through $SANPROV_WRAP.
run() {
    # shellcheck disable=SC2086
    $SANPROV_WRAP "$@"
}

test_done() {
    echo "1..$test_count"
    [ "$test_failures" -eq 0 ]
}
