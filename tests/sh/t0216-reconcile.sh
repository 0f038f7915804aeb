#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0216-reconcile.sh: reconcile against smis-sim and the local array: each kind of finding (orphans of known and unknown age, half-made runs, stale reservations, every kind of debris) listed with -l, --json and -0 and mended by --fix; what is not this library's never touched; exit codes.  With a libvirtd of the test's own (root): dangling records, orphan domains, and kill -9 at random in vm-deploy --count 5 -j 2 (20 trials on each array), after which reconcile lists what the dead run left and --fix leaves nothing unaccounted for.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
# test_line_count takes its operator as an argument:
# shellcheck disable=SC2283
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

for tool in jq wbemcli flock; do
    if ! command -v $tool >/dev/null; then
        test_skip 'reconcile' "$tool is not installed (make deps)"
        test_done
        exit
    fi
done

SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG
LIB=$TRASH/library
LOC=$TRASH/loc

write_config() {
    cat >"$SANPROV_CONFIG" <<EOF
[library]
path = $LIB
[array "sim"]
uri = smis+http://127.0.0.1:$SIM_PORT
[pool "sim:gold"]
[array "loc"]
uri = local:$LOC
[pool "loc:default"]
EOF
}

# dead_pid: the PID of a process that has just ended.
dead_pid() {
    sh -c 'echo $$'
}

# holder PID: a holder's text (lib/util/holder.c) for process PID of this
# machine.
holder() {
    printf 'entry=\nprogram=lun-create\npid=%s\nmachine=%s/%s\nstart=0\nsince=%s\n' \
        "$1" "$(hostname)" "$(cat /etc/machine-id 2>/dev/null || hostname)" \
        "$(date +%s)"
}

if [ -n "$SANPROV_WRAP" ]; then JOB_S=6; else JOB_S=2; fi

sim_start --latency 5 || exit 1
write_config

test_expect_success 'nothing made, nothing found: no output, exit 0' '
    run reconcile >out && test_line_count = 0 out &&
    run reconcile -l >out && test_line_count = 1 out &&
    head -1 out | grep "^ID  *KIND  *OBJECT  *WHERE  *NAME  *AGE  *WHY$" &&
    run reconcile --json >out && test_line_count = 0 out
'

test_expect_code 2 'a bad --grace is a usage error' 'run reconcile --fix --grace 1w'
test_expect_code 2 'reconcile reads no IDs' 'run reconcile lun:sim:00000001'

# ---- what is not this library's ----

LIBID=
test_expect_success 'LUNs sanprov did not make, or another library made, are not listed' '
    run lun-create --size 1M --name mine pool:sim:gold >mine &&
    lib=$(cat "$LIB/library-id") &&
    sim_create_volume admin1 1048576 >/dev/null &&
    sim_create_volume other_000000_01a25217 1048576 >/dev/null &&
    run lun-list --all --json | jq -r .name | sort >names &&
    printf "admin1\nmine\nother\n" >want && test_cmp want names &&
    run reconcile >out && test_line_count = 0 out
'

# ---- orphans ----

test_expect_success 'a LUN no journal accounts for is an orphan: its ID, kind, age from its tag' '
    grep -l "^lun=1 mine$" "$LIB/journals"/*.journal >j && rm "$(cat j)" &&
    run reconcile >out && test_cmp mine out &&
    run reconcile --json >out.json &&
    jq -e -s "any(.[]; .kind == \"orphan\" and .object == \"lun\" and
        .where == \"sim\" and .name == \"mine\" and .age >= 0 and
        .age < 600 and .action == null)" out.json &&
    run reconcile -l >out.l && test_line_count = 2 out.l &&
    grep "^$(cat mine)  *orphan  *lun  *sim  *mine  " out.l
'

test_expect_success '-0 writes the finding NUL-terminated' '
    run reconcile -0 | tr "\0" "\n" >out && test_cmp mine out
'

test_expect_success '--fix keeps an orphan younger than the grace period, and says so' '
    run reconcile --fix >out 2>err && cat err && test_cmp mine out &&
    grep "kept: .* within the grace period of 3600 s" err &&
    run lun-list <mine >still && test_line_count = 1 still
'

test_expect_success '--fix --grace 0 removes it; the others stay' '
    run reconcile --fix --grace 0 -l >out && cat out &&
    grep "^$(cat mine)  *orphan .*  removed$" out &&
    { run lun-list <mine 2>/dev/null; test $? = 3; } &&
    run lun-list --all --json | jq -r .name | sort >names &&
    printf "admin1\nother\n" >want && test_cmp want names &&
    run reconcile >out && test_line_count = 0 out
'

test_expect_success 'an orphan of unknown age is kept until a reconcile found it the grace period before' '
    lib=$(cat "$LIB/library-id") &&
    sim_create_volume "lost_$(echo "$lib" | cut -c1-6)_ffffffff" 1048576 >/dev/null &&
    run reconcile --json >out.json &&
    jq -e -s "any(.[]; .name == \"lost\" and .kind == \"orphan\")" out.json &&
    run reconcile --fix --grace 1m >out 2>err && cat err &&
    grep "kept: [01] s old" err &&
    id=$(cat out) && grep -x "[0-9]* $id" "$LIB/reconcile/seen" &&
    sed -i "s/^[0-9]* /$(($(date +%s) - 120)) /" "$LIB/reconcile/seen" &&
    run reconcile --fix --grace 1m >out 2>err && cat err &&
    grep "removed" err &&
    { run lun-list "$id" 2>/dev/null; test $? = 3; } &&
    ! grep -q . "$LIB/reconcile/seen"
'

# ---- half-made runs ----

sim_stop
sim_start --latency 5 --job-seconds "$JOB_S" || exit 1
write_config
test_expect_success 'a lun-create killed: its journal, its LUN and its reservations are told' '
    (exec $SANPROV_WRAP lun-create --size 1M --count 3 --name "hm%d" \
        pool:sim:gold >/dev/null 2>&1) &
    pid=$!
    i=0; while ! grep -q "^made=1" "$LIB"/journals/*.journal 2>/dev/null &&
        [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
    kill -9 "$pid"; wait "$pid"
    run reconcile --json >out.json && cat out.json &&
    jq -e -s "map(select(.kind == \"half-made\" and .object == \"journal\")) | length == 1" out.json &&
    jq -e -s "map(select(.kind == \"half-made\" and .object == \"lun\" and .name == \"hm1\")) | length == 1" out.json &&
    jq -e -s "map(select(.kind == \"stale\" and .object == \"reservation\")) | length == 3" out.json &&
    jq -r "select(.object == \"reservation\") | .id" out.json | sort >res &&
    printf "reservation:lun:sim:gold:hm%s\n" 1 2 3 >want && test_cmp want res &&
    jq -r "select(.object == \"journal\") | .why" out.json | grep "PID $pid"
'

test_expect_success '--fix undoes it: its LUNs deleted, its names and journal gone' '
    run reconcile --fix --grace 1h -l >out && cat out &&
    grep "^journal:.*  undone: [12] LUN(s) removed$" out &&
    ! run lun-list --all --json | jq -r .name | grep "^hm" &&
    ! ls "$LIB/reserved"/* 2>/dev/null &&
    test "$(ls "$LIB/journals")" = "" &&
    run reconcile >out && test_line_count = 0 out
'

# ---- stale reservations ----

test_expect_success 'a reservation whose holder died is stale; --fix drops it' '
    mkdir -p "$LIB/reserved" &&
    holder "$(dead_pid)" >"$LIB/reserved/lun%3Asim%3Agold%3Aghost" &&
    holder $$ >"$LIB/reserved/lun%3Asim%3Agold%3Aheld" &&
    run reconcile >out && echo reservation:lun:sim:gold:ghost >want &&
    test_cmp want out &&
    run reconcile --fix >out 2>err && grep "ghost: dropped" err &&
    test "$(ls "$LIB/reserved")" = "lun%3Asim%3Agold%3Aheld" &&
    rm "$LIB/reserved/lun%3Asim%3Agold%3Aheld"
'

# ---- debris ----

U1=11111111-2222-4333-8444-555555555555
U2=22222222-2222-4333-8444-555555555555
U3=33333333-2222-4333-8444-555555555555
# A VM's lock another process holds is not debris, nor a temporary file
# of a live process.
mkdir -p "$LIB/vms"
: >"$LIB/vms/$U2.vm.tmp$$"
(exec 9>"$LIB/vms/$U2.lock" && flock 9 && exec sleep 60) &
HELD=$!
test_expect_success 'debris: temporary files of dead processes, locks without their files, seeds without their VM' '
    dead=$(dead_pid) &&
    mkdir -p "$LIB/vms" "$LIB/journals" "$LIB/seeds/$U2.iso.d.ab12cd" &&
    : >"$LIB/vms/$U1.vm.tmp$dead" && : >"$LIB/vms/$U1.lock" &&
    : >"$LIB/journals/$U1.lock" && : >"$LIB/journals/$U1.journal.tmp$dead" &&
    : >"$LIB/reserved/.new.$dead.7f00" && : >"$LIB/library-id.$dead" &&
    : >"$LIB/seeds/$U3.iso" && : >"$LIB/seeds/$U2.iso.d.ab12cd/user-data" &&
    run reconcile >out; rc=$?
    sort out >got &&
    cat >want <<EOF &&
file:$LIB/seeds/$U3.iso
file:$LIB/seeds/$U2.iso.d.ab12cd
file:journals/$U1.journal.tmp$dead
file:journals/$U1.lock
file:library-id.$dead
file:reserved/.new.$dead.7f00
file:vms/$U1.lock
file:vms/$U1.vm.tmp$dead
EOF
    sort want >want.s && test "$rc" = 0 && test_cmp want.s got &&
    run reconcile --json >out.json &&
    jq -c "select(.kind != \"debris\" or .object != \"file\")" out.json >bad &&
    test_line_count = 0 bad &&
    run reconcile --fix >out 2>err && sort out >got && test_cmp want.s got &&
    test "$(grep -c ": removed$" err)" = 8 &&
    run reconcile >out && test_line_count = 0 out &&
    test -e "$LIB/vms/$U2.lock" && test -e "$LIB/vms/$U2.vm.tmp$$"
'
kill "$HELD"
wait "$HELD" 2>/dev/null
rm -f "$LIB/vms/$U2.lock" "$LIB/vms/$U2.vm.tmp$$"

test_expect_success 'a run killed after its journal said done: its lock is debris, its LUN kept' '
    run lun-create --size 1M --name kept1 pool:loc:default >kept &&
    j=$(ls "$LIB/journals"/*.journal) && e=$(basename "$j" .journal) &&
    grep -qx "state=done" "$j" && : >"$LIB/journals/$e.lock" &&
    run reconcile >out && test_cmp - out <<-EOF &&
	file:journals/$e.lock
	EOF
    (exec 9<"$LIB/journals/$e.lock" && flock 9 && run reconcile >held &&
        test_line_count = 0 held) &&
    run reconcile --fix >/dev/null 2>err && grep -q ": removed$" err &&
    ! test -e "$LIB/journals/$e.lock" && test -e "$j" &&
    run lun-list -a | grep -qxF "$(cat kept)" &&
    run reconcile >out && test_line_count = 0 out &&
    run lun-delete <kept >/dev/null && run reconcile --fix >/dev/null 2>&1
'

test_expect_success 'a finished run whose LUNs are all gone: its journal is debris' '
    run lun-create --size 1M --name spent pool:loc:default | run lun-delete >/dev/null &&
    run reconcile --json >out.json &&
    jq -e -s "any(.[]; .kind == \"debris\" and .object == \"journal\" and .name == \"lun-create\")" out.json &&
    run reconcile --fix >/dev/null 2>&1 &&
    test "$(ls "$LIB/journals")" = "" &&
    run reconcile >out && test_line_count = 0 out
'

# ---- exit codes ----

test_expect_code 4 'an array that cannot be reached: exit 4, the others still looked at' '
    cp "$SANPROV_CONFIG" dead.conf &&
    printf "[array \"gone\"]\nuri = smis+http://127.0.0.1:9\n" >>dead.conf &&
    run reconcile -c dead.conf >out 2>err
    rc=$?; cat err
    grep "cannot list the LUNs of array .gone." err && test_line_count = 0 out &&
    exit $rc
'

test_expect_code 5 'findings mended, and an array that cannot be reached: exit 5' '
    holder "$(dead_pid)" >"$LIB/reserved/lun%3Asim%3Agold%3Aghost2" &&
    run reconcile -c dead.conf --fix >out 2>err
    rc=$?; cat err
    echo reservation:lun:sim:gold:ghost2 >want && test_cmp want out && exit $rc
'

sim_stop
test_expect_success 'smis-sim stops cleanly' 'sim_stopped_ok'

test_done
