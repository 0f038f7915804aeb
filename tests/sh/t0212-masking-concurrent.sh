#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0212-masking-concurrent.sh: runs at once on smis-sim (both masking personalities): 16 lun-mask runs of disjoint LUNs to a host without masking and 16 unmasks, 5 rounds, from one library and from 16 (as from 16 machines); the removal of an emptied view, group or hardware ID refused once (exit 5 naming it, a second lun-mask -u finishes); a lock held by another run or process (exit 7 naming it); copies of one source limited by max-copies-per-source.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
# test_line_count takes its operator as an argument:
# shellcheck disable=SC2283
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

if ! command -v jq >/dev/null; then
    test_skip 'concurrent masking on smis-sim' 'jq is not installed (make deps)'
    test_done
    exit
fi

# Runs at once and rounds; under valgrind every run is slow: fewer.
if [ -n "$SANPROV_WRAP" ]; then N=4 ROUNDS=2; else N=16 ROUNDS=5; fi
SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG

# write_conf [LIBRARY]: the configuration for the simulator just started,
# hosts h1..h5 (one initiator each) and kvm01.
write_conf() {
    {
        printf '[library]\npath = %s\n' "${1:-$TRASH/library}"
        printf '[array "sim"]\nuri = smis+http://127.0.0.1:%s\n' "$SIM_PORT"
        printf '[pool "sim:gold"]\nclass = gold\n'
        for h in h1 h2 h3 h4 h5 kvm01; do
            printf '[host "%s"]\nuri = test:///default\n' "$h"
            printf 'iscsi-initiator = iqn.1993-08.org.debian:01:%s\n' "$h"
        done
    }
}

# start PERSONALITY [SMIS-SIM OPTIONS...]: a fresh simulator ($SIM_NAME),
# its configuration and an empty library.
start() {
    _p=$1
    shift
    rm -rf "$TRASH/${SIM_NAME:-sim}.state" "$TRASH/library" "$TRASH"/lib.*
    sim_start --personality "$_p" "$@" && write_conf >"$SANPROV_CONFIG"
}

# counts_are VIEWS GROUPS HWIDS: what the array holds.
counts_are() {
    sim_get /stats >.stats &&
        _c=$(jq -r '"\(.views) \(.groups) \(.hardware_ids)"' .stats) &&
        [ "$_c" = "$1 $2 $3" ] && return 0
    echo "views groups hardware IDs: $_c, wanted $1 $2 $3"
    return 1
}

# one_view LUNS: the array has one view; it holds LUNS units, each with a
# host LUN number of its own.
one_view() {
    sim_state >"$TRASH/.state" || return 1
    jq -e --argjson n "$1" '(.views | length) == 1 and
        (.views[0].units | length) == $n and
        ([.views[0].units[][1]] | unique | length) == $n' "$TRASH/.state" ||
        { jq -c '.views' "$TRASH/.state"; return 1; }
}

# at_once MODE ROUND [-u]: $N lun-mask runs at once, run I with LUNs 2I-1
# and 2I of "luns", to host hROUND; MODE "one" shares a library, "apart"
# gives each run its own.  Each run's status in "rc.I", its output in
# "out.I", its errors in "err.I".
at_once() {
    _i=1
    while [ "$_i" -le "$N" ]; do
        if [ "$1" = apart ]; then
            write_conf "$TRASH/lib.$_i" >"c.$_i"
        else
            cp "$SANPROV_CONFIG" "c.$_i"
        fi
        sed -n "$((2 * _i - 1)),$((2 * _i))p" luns >"in.$_i"
        # shellcheck disable=SC2086
        (SANPROV_CONFIG=c.$_i run lun-mask $3 --host "h$2" <"in.$_i" \
            >"out.$_i" 2>"err.$_i"
        echo $? >"rc.$_i") &
        _i=$((_i + 1))
    done
    wait
}

# all_ok: every run of at_once exited 0, printed its LUNs and said nothing.
all_ok() {
    _i=1
    _bad=0
    while [ "$_i" -le "$N" ]; do
        if [ "$(cat "rc.$_i")" != 0 ] || ! cmp -s "in.$_i" "out.$_i" ||
            [ -s "err.$_i" ]; then
            echo "run $_i: exit $(cat "rc.$_i")"
            cat "err.$_i"
            _bad=$((_bad + 1))
        fi
        _i=$((_i + 1))
    done
    [ "$_bad" = 0 ]
}

for P in group legacy; do
    SIM_NAME=$P
    start "$P"

    test_expect_success "$P: $((2 * N)) LUNs for the runs" '
        run lun-create --size 1M --name "l%d" --count $((2 * N)) \
            pool:sim:gold >"$TRASH/luns" && test_line_count = $((2 * N)) "$TRASH/luns"
    '

    # One library: the runs take turns at the host's masking.  16
    # libraries (legacy masking has no group names to meet on, so group
    # only): they meet on the array and converge.
    MODES=one
    [ "$P" = group ] && MODES="one apart"
    for M in $MODES; do
        r=1
        while [ "$r" -le "$ROUNDS" ]; do
            test_expect_success "$P, $M library: round $r: $N lun-mask at once to a new host: 0 failures, one view, distinct LUN numbers" '
                at_once '"$M"' '$r' && all_ok && one_view $((2 * N)) &&
                if [ "$P" = group ]; then counts_are 1 3 1
                else counts_are 1 0 '$r'; fi
            '
            test_expect_success "$P, $M library: round $r: $N lun-mask -u at once: 0 failures, no view, group or hardware ID left" '
                at_once '"$M"' '$r' -u && all_ok &&
                if [ "$P" = group ]; then counts_are 0 0 0
                else counts_are 0 0 '$r'; fi
            '
            r=$((r + 1))
        done
    done

    sim_stop
    test_expect_success "$P: the array stops cleanly" 'sim_stopped_ok'
done

# ---- removing what an unmask emptied: refused once, finished next time ----

for case in "DeleteMaskingView|masking view 'sanprov-kvm01'|1 3 1" \
    "DeleteGroup|masking group 'sanprov-kvm01-dg'|0 1 0" \
    "DeleteStorageHardwareID|hardware ID 'iqn.1993-08.org.debian:01:kvm01'|0 0 1"; do
    method=${case%%|*}
    left=${case##*|}
    what=${case#*|}
    what=${what%|*}
    SIM_NAME=fail-$method
    start group --fail "$method:1"

    test_expect_code 5 "$method refused once: lun-mask -u exits 5 naming the $what left, the LUNs unmasked" '
        run lun-create --size 1M --count 2 pool:sim:gold >ids &&
        run lun-mask --host kvm01 <ids >/dev/null && counts_are 1 3 1 &&
        run lun-mask -u --host kvm01 <ids >out 2>err
        rc=$?; cat err
        test_cmp ids out && test_line_count = 1 err &&
        grep -F "lun-mask: cannot remove what the masking of '\''kvm01'\'' no longer needs: the LUNs are unmasked, but array '\''sim'\'' kept $what: " err &&
        grep "simulated failure of $method call 1 (--fail); lun-mask -u again removes it$" err &&
        counts_are $left &&
        run lun-list --json <ids | jq -e -s "all(.masking == [])" && exit $rc
    '

    test_expect_success "$method: a second lun-mask -u of the same LUNs removes it" '
        run lun-mask -u --host kvm01 <ids >out 2>err && cat err &&
        test_cmp ids out && ! test -s err && counts_are 0 0 0
    '

    test_expect_success "$method: masking and unmasking again leave nothing" '
        run lun-mask --host kvm01 <ids >/dev/null && counts_are 1 3 1 &&
        run lun-mask -u --host kvm01 <ids >/dev/null && counts_are 0 0 0
    '

    sim_stop
    test_expect_success "$method: the array stops cleanly" 'sim_stopped_ok'
done

SIM_NAME=leftgroup
start group --fail DeleteGroup:1

test_expect_success 'masking again where a group was left: the view is made anew' '
    run lun-create --size 1M --count 2 pool:sim:gold >ids &&
    run lun-mask --host kvm01 <ids >/dev/null &&
    { run lun-mask -u --host kvm01 <ids >/dev/null; test $? = 5; } &&
    counts_are 0 1 0 &&
    run lun-mask -v --host kvm01 <ids >out 2>err && cat err &&
    test_cmp ids out &&
    grep "removing masking group .sanprov-kvm01-dg., which is in no view" err &&
    counts_are 1 3 1 && one_view 2 &&
    run lun-mask -u --host kvm01 <ids >/dev/null && counts_are 0 0 0
'

sim_stop
test_expect_success 'the array (group left) stops cleanly' 'sim_stopped_ok'

# ---- locks ----

if [ -n "$SANPROV_WRAP" ]; then JOB_S=8; else JOB_S=2; fi
SIM_NAME=locks
start group --job-seconds "$JOB_S"
LOCKS=$TRASH/library/locks
MASK_LOCK=$LOCKS/mask%3Asim%3Akvm01.lock

# held_by PID FILE: wait (10 s at most) until lock FILE names PID.
held_by() {
    _i=0
    until grep -qx "pid=$1" "$2" 2>/dev/null; do
        [ "$_i" -ge 100 ] && { echo "$2 does not name $1"; return 1; }
        sleep 0.1
        _i=$((_i + 1))
    done
}

test_expect_code 7 'a run masking to kvm01 holds its lock: lun-mask --timeout 1 exits 7 naming it' '
    run lun-create --size 1M --count 2 pool:sim:gold >ids &&
        head -n 1 ids >first && tail -n 1 ids >second || exit 1
    (exec $SANPROV_WRAP lun-mask --host kvm01 <first >out.first 2>err.first) &
    pid=$! && held_by $pid "$MASK_LOCK" &&
    run lun-mask --timeout 1 --host kvm01 <second >out 2>err
    rc=$?; cat err; wait $pid; first=$?; cat err.first
    test "$first" = 0 && test_cmp first out.first && ! test -s out &&
    grep -F "lun-mask: cannot mask '\''$(cat second)'\'': another run is changing the masking of host '\''kvm01'\'' on array '\''sim'\'': '\''mask:sim:kvm01'\'' is still held by lun-mask (PID $pid on " err &&
    grep "after 1 s (lock file .*/library/locks/mask%3Asim%3Akvm01.lock.)$" err &&
    exit $rc
'

# Removing the emptied view is a job ($JOB_S s), making one too: the lock
# is held that long.
test_expect_success 'without --timeout a run waits for the lock, then goes on' '
    (exec $SANPROV_WRAP lun-mask -u --host kvm01 <first >out.first 2>err.first) &
    pid=$! && held_by $pid "$MASK_LOCK" &&
    run lun-mask -v --host kvm01 <second >out 2>err && wait $pid &&
    test_cmp first out.first && test_cmp second out && ! test -s err.first &&
    grep "waiting up to 3600 s for .mask:sim:kvm01., which another run holds" err &&
    one_view 1 &&
    run lun-mask -u --host kvm01 <second >/dev/null && counts_are 0 0 0
'

test_expect_success 'a free lock names no one' '
    ! test -s "$MASK_LOCK"
'

test_expect_code 7 'a lock held by a process that is not sanprov: exit 7, held by another process' '
    exec 9>"$MASK_LOCK" && flock 9 &&
    run lun-mask --timeout 1 --host kvm01 <first >out 2>err
    rc=$?; cat err
    ! test -s out && grep "is still held by another process after 1 s" err &&
    counts_are 0 0 0 && exit $rc
'

test_expect_success 'max-copies-per-source that is not a count is a configuration error (exit 2)' '
    sed "/^uri = smis/a max-copies-per-source = some" "$SANPROV_CONFIG" >bad.conf &&
    { run lun-list -c bad.conf pool:sim:gold >/dev/null 2>err; test $? = 2; } &&
    grep "max-copies-per-source must be a number from 0 (no limit) to 1000, not .some." err
'

sed "/^uri = smis/a max-copies-per-source = 1" "$SANPROV_CONFIG" >"$TRASH/one.conf"

test_expect_code 7 'max-copies-per-source = 1: a second copy of one source waits; with --timeout 1 it exits 7 naming the copy running' '
    run lun-create --size 1M --name src pool:sim:gold >src &&
        key=$(cut -d: -f3 src) || exit 1
    (exec $SANPROV_WRAP lun-create -c "$TRASH/one.conf" --name a --snapshot-of "$(cat src)" \
        pool:sim:gold >a 2>err.a) &
    pid=$! && held_by $pid "$LOCKS/copy%3Asim%3A$key%3A0.lock" &&
    run lun-create -c "$TRASH/one.conf" --timeout 1 --name b \
        --snapshot-of "$(cat src)" pool:sim:gold >b 2>err
    rc=$?; cat err; wait $pid && grep "^lun:sim:" a && ! test -s b &&
    grep -F "array '\''sim'\'' makes 1 copy of one LUN at once (max-copies-per-source), and other runs'\'' copies of '\''$key'\'' were still being made after 1 s: '\''copy:sim:$key:0'\'' is still held by lun-create (PID $pid on " err &&
    exit $rc
'

test_expect_success 'max-copies-per-source = 2: two copies at once, the third after them' '
    sed "s/^max-copies-per-source = 1/max-copies-per-source = 2/" \
        "$TRASH/one.conf" >two.conf &&
    t0=$(date +%s%N) &&
    for n in 1 2 3; do
        (exec $SANPROV_WRAP lun-create -c two.conf --name "c$n" \
            --snapshot-of "$(cat src)" pool:sim:gold >"c.$n" 2>"e.$n") &
    done && wait && t1=$(date +%s%N) && cat e.1 e.2 e.3 &&
    cat c.1 c.2 c.3 >made && test_line_count = 3 made &&
    test $(((t1 - t0) / 1000000)) -ge $((2 * JOB_S * 1000)) &&
    run lun-delete <made >/dev/null && run lun-delete <a >/dev/null
'

test_expect_success 'without max-copies-per-source the copies run at once' '
    t0=$(date +%s%N) &&
    for n in 1 2 3; do
        (exec $SANPROV_WRAP lun-create --name "d$n" \
            --snapshot-of "$(cat src)" pool:sim:gold >"d.$n" 2>"e.$n") &
    done && wait && t1=$(date +%s%N) && cat e.1 e.2 e.3 &&
    cat d.1 d.2 d.3 >made && test_line_count = 3 made &&
    test $(((t1 - t0) / 1000000)) -lt $((2 * JOB_S * 1000)) &&
    run lun-delete <made >/dev/null
'

sim_stop
test_expect_success 'the array (locks) stops cleanly' 'sim_stopped_ok'

test_done
