#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0215-journals.sh: lun-create and template-make journaled: their LUNs tagged with the library and the run, names reserved before the first array call (a concurrent run exits 6 naming the holder), lost answers settled by the tag, signals undone, and kill -9 at random (20 trials each, smis-sim with latency and the local array) after which reconcile lists everything the dead run left and reconcile --fix leaves the arrays and the library as they were.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
# test_line_count takes its operator as an argument:
# shellcheck disable=SC2283
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

if ! command -v jq >/dev/null; then
    test_skip 'journals' 'jq is not installed (make deps)'
    test_done
    exit
fi

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

# Under valgrind every program is slow: fewer trials, longer jobs.
if [ -n "$SANPROV_WRAP" ]; then
    TRIALS=3
    JOB_S=6
else
    TRIALS=20
    JOB_S=2
fi

# state: what the arrays and the library hold, one line each, in
# state.now: every LUN's ID, every file of the library but the
# reconciler's own record of when it first saw orphans.
state() {
    {
        run lun-list --all | sort
        (cd "$LIB" && find . -type f ! -path ./reconcile/seen | sort)
    } | sort >state.now
}

# left_told: every LUN the dead run left (in state.now, not in
# state.before) is a line of reconcile's output (reconcile.out).
left_told() {
    grep '^lun:' state.now | sort >luns.now
    grep '^lun:' state.before | sort >luns.before
    comm -13 luns.before luns.now >luns.left
    while read -r id; do
        grep -qxF "$id" reconcile.out ||
            { echo "not told: $id"; cat reconcile.out; return 1; }
    done <luns.left
}

# finished: the journal the last trial's run left (new in state.now) says
# it was done: it ended, all it made is kept.
finished() {
    comm -13 state.before state.now | grep "^./journals/.*\.journal$" >jnew
    test_line_count = 1 jnew >/dev/null &&
        grep -qx "state=done" "$LIB/$(cat jnew)"
}

trial=0
# trial PROGRAM-AND-ARGS... ($trial: its number): run it, kill -9 it at a random moment of
# $span ms (seeded by $trial), then reconcile must tell all it left, and
# reconcile --fix must leave the state as it was before.
trial() {
    state && mv state.now state.before
    delay=$(awk -v s="$trial$$" -v m="$span" \
        "BEGIN { srand(s); printf \"%.3f\", rand() * m / 1000 }")
    # shellcheck disable=SC2086
    (exec $SANPROV_WRAP "$@" >/dev/null 2>&1) &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    # What it made, if it ended first, is kept, as if it had been before.
    if [ -z "$(run reconcile)" ]; then
        return 0
    fi
    if ! { state && run reconcile >reconcile.out 2>reconcile.err &&
        { finished || left_told; } &&
        run reconcile --fix --grace 0 >fix.out 2>fix.err; }; then
        echo "trial $trial after ${delay}s:"
        cat reconcile.out fix.err
        return 1
    fi
    state
    # A run killed after it recorded its template, or after its journal
    # said done, is finished: what it made is kept (its LUNs, template and
    # done journal), nothing else.
    if grep -q "finished: what it made is kept" fix.err || finished; then
        comm -23 state.before state.now >lost
        comm -13 state.before state.now >new
        if test -s lost || grep -E "lock$|tmp[0-9]|reserved/" new; then
            echo "trial $trial after ${delay}s: finished, but not as it ends"
            cat lost new fix.err
            return 1
        fi
    elif ! diff state.before state.now; then
        echo "trial $trial after ${delay}s: not as before"
        cat reconcile.out fix.err
        return 1
    fi
    run reconcile >again && test_line_count = 0 again
}

sim_start --latency 20 || exit 1
write_config

# ---- journals and tags ----

test_expect_success 'lun-create: the LUNs carry the library and the run as their tag' '
    run lun-create --size 1M --count 2 --name "tag%d" pool:sim:gold >ids &&
    run lun-list --json <ids >luns &&
    test_line_count = 2 luns &&
    lib=$(cat "$LIB/library-id") &&
    jq -e -s --arg l "${lib%"${lib#??????}"}" \
        "all(.[]; .tag.library == \$l and (.tag.entry | length) == 8)
         and (map(.tag.entry) | unique | length) == 1
         and map(.name) == [\"tag1\", \"tag2\"]" luns
'

test_expect_success 'lun-create: its journal is done, and accounts for them; no reservation is left' '
    ls "$LIB/journals" >js && test_line_count = 1 js &&
    j=$(cat js) && entry=${j%.journal} &&
    grep -x "state=done" "$LIB/journals/$j" &&
    grep -x "program=lun-create" "$LIB/journals/$j" &&
    test "$(jq -r .tag.entry luns | sort -u)" = "${entry%"${entry#????????}"}" &&
    ! ls "$LIB/reserved"/* 2>/dev/null &&
    run reconcile >out && test_line_count = 0 out
'

test_expect_success 'the local array keeps the whole tag in its metadata' '
    run lun-create --size 1M --name ltag pool:loc:default >lid &&
    grep -x "library=$(cat "$LIB/library-id")" "$LOC/default/ltag.meta" &&
    grep "^entry=" "$LOC/default/ltag.meta" &&
    run lun-list --json <lid | jq -e ".tag.library == \"$(cat "$LIB/library-id")\""
'

test_expect_success 'an ElementName holds the tag; wbemcli sees it, lun-list does not' '
    command -v wbemcli >/dev/null || exit 0
    wbemcli ei "$SIM_URL/$SIM_VOLUMES" >vols &&
    grep -E "ElementName=\"tag1_[0-9a-f]{6}_[0-9a-f]{8}\"" vols
'

# ---- names reserved ----

sim_stop
sim_start --latency 20 --job-seconds "$JOB_S" || exit 1
write_config
test_expect_success 'a concurrent run wanting a reserved name: exit 6 naming the holder, nothing made' '
    (exec $SANPROV_WRAP lun-create --size 1M --count 2 --name "dup%d" \
        pool:sim:gold >first 2>first.err) &
    pid=$!
    i=0; while ! ls "$LIB/reserved"/*dup2 >/dev/null 2>&1 && [ $i -lt 200 ]; do
        sleep 0.05; i=$((i + 1)); done
    n=$(sim_get /stats | jq .volumes)
    run lun-create --size 1M --count 2 --name "dup%d" pool:sim:gold >second 2>err
    rc=$?; cat err
    wait "$pid" && test "$rc" = 6 && ! test -s second &&
    grep "lun name .dup1. is reserved by lun-create (PID $pid on " err &&
    test_line_count = 2 first &&
    test "$(sim_get /stats | jq .volumes)" = $((n + 2))
'

test_expect_success 'default names another run holds are skipped, like names the pool has' '
    (exec $SANPROV_WRAP lun-create --size 1M --count 2 pool:sim:gold \
        >first 2>first.err) &
    pid=$!
    i=0; while ! ls "$LIB/reserved"/*lun1 >/dev/null 2>&1 && [ $i -lt 200 ]; do
        sleep 0.05; i=$((i + 1)); done
    run lun-create --size 1M pool:sim:gold >second &&
    wait "$pid" &&
    cat first second | run lun-list --json | jq -r .name | sort >names &&
    printf "lun1\nlun2\nlun3\n" >want && test_cmp want names
'

# ---- lost answers ----

sim_stop
sim_start --latency 20 --drop CreateOrModifyElementFromStoragePool:2 || exit 1
write_config
test_expect_success 'a create whose answer is lost: found by its tag, kept and printed' '
    n=$(sim_get /stats | jq .volumes) &&
    run lun-create --size 1M --count 3 --name "lost%d" pool:sim:gold >ids 2>err &&
    cat err && test_line_count = 3 ids &&
    grep "the answer to the making of LUN .lost2. was lost" err &&
    grep "found by its tag" err &&
    test "$(sim_get /stats | jq .volumes)" = $((n + 3)) &&
    run reconcile >out && test_line_count = 0 out
'

sim_stop
sim_start --latency 20 --drop CreateElementReplica:1 || exit 1
write_config
test_expect_success 'a copy whose answer is lost: the same' '
    n=$(sim_get /stats | jq .volumes) &&
    src=$(run lun-create --size 1M --name src pool:sim:gold) &&
    run lun-create --clone-of "$src" --count 2 pool:sim:gold >ids 2>err &&
    test_line_count = 2 ids && grep "found by its tag" err &&
    test "$(sim_get /stats | jq .volumes)" = $((n + 3))
'

sim_stop
sim_start --latency 20 --drop ReturnToStoragePool:1 || exit 1
write_config
test_expect_success 'a delete whose answer is lost is a delete when the LUN is gone' '
    run lun-create --size 1M --name del pool:sim:gold >id &&
    run lun-delete <id >out 2>err && cat err &&
    test_cmp id out &&
    { run lun-list <id 2>/dev/null; test $? = 3; }
'

# ---- signals ----

sim_stop
sim_start --latency 20 --job-seconds "$JOB_S" || exit 1
write_config
run reconcile --fix --grace 0 >/dev/null 2>&1
test_expect_success 'SIGTERM: lun-create removes what it made, its journal and its names' '
    n=$(sim_get /stats | jq .volumes)
    (exec $SANPROV_WRAP lun-create --size 1M --count 4 --name "sig%d" \
        pool:sim:gold >out 2>err) &
    pid=$! && sleep "$JOB_S" && kill -TERM "$pid"
    wait "$pid"; rc=$?; cat err
    test "$rc" = 143 && ! test -s out &&
    test "$(sim_get /stats | jq .volumes)" = "$n" &&
    ! ls "$LIB/journals"/*.journal "$LIB/reserved"/* 2>/dev/null
'

head -c 48M /dev/urandom >"$TRASH/image.raw"

test_expect_success 'SIGTERM: template-make --image removes its LUN; no template' '
    run lun-list pool:loc:default >before &&
    (exec $SANPROV_WRAP template-make --name sigt --image "$TRASH/image.raw" \
        pool:loc:default >out 2>err) &
    pid=$!
    i=0; while ! test -e "$LOC/default/sigt.img" && [ $i -lt 400 ]; do
        sleep 0.01; i=$((i + 1)); done
    kill -TERM "$pid"; wait "$pid"; rc=$?; cat err
    test "$rc" = 143 && ! test -s out &&
    ! test -e "$LOC/default/sigt.img" && ! test -e "$LOC/default/sigt.meta" &&
    run lun-list pool:loc:default >after && test_cmp before after &&
    ! ls "$LIB/reserved"/* 2>/dev/null &&
    run template-list >t && ! grep sigt t
'

test_expect_success 'template-make: a done journal, the template, its LUN tagged' '
    run template-make --name deb --image "$TRASH/image.raw" pool:loc:default >t &&
    grep -l "^template=deb$" "$LIB/journals"/*.journal >j &&
    grep -x "state=done" "$(cat j)" &&
    grep -x "template-id=$(cat t)" "$(cat j)" &&
    grep -x "library=$(cat "$LIB/library-id")" "$LOC/default/deb.meta" &&
    run reconcile >out && test_line_count = 0 out
'

# A run that holds a template's name: its reservation, held by a process
# that lives while the test runs (deterministic, even under valgrind).
sleep 120 &
HOLDER=$!
mkdir -p "$LIB/reserved"
printf 'entry=\nprogram=template-make\npid=%s\nmachine=%s/%s\nstart=0\nsince=%s\n' \
    "$HOLDER" "$(hostname)" "$(cat /etc/machine-id 2>/dev/null || hostname)" \
    "$(date +%s)" >"$LIB/reserved/template%3A%3Abusy"
test_expect_success 'template-make of a name another run holds: exit 6 naming it, nothing made' '
    run lun-list pool:loc:default >before &&
    run template-make --name busy --image "$TRASH/image.raw" \
        pool:loc:default >out 2>err
    rc=$?; cat err
    test "$rc" = 6 && ! test -s out &&
    grep "template name .busy. is reserved by template-make (PID $HOLDER on " err &&
    run lun-list pool:loc:default >after && test_cmp before after
'
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null
test_expect_success 'its holder gone, the reservation is stale; reconcile --fix drops it' '
    run reconcile >out && echo "reservation:template::busy" >want &&
    test_cmp want out && run reconcile --fix >/dev/null 2>&1 &&
    ! test -e "$LIB/reserved/template%3A%3Abusy"
'

# ---- a reconcile during a live run ----

test_expect_success 'a reconcile during a live lun-create lists nothing of it and removes nothing' '
    (exec $SANPROV_WRAP lun-create --size 1M --count 3 --name "live%d" \
        pool:sim:gold >live 2>live.err) &
    pid=$!
    i=0; while ! ls "$LIB/reserved"/*live3 >/dev/null 2>&1 && [ $i -lt 200 ]; do
        sleep 0.05; i=$((i + 1)); done
    sleep "$JOB_S"
    run reconcile >during && run reconcile --fix --grace 0 >fixed 2>fix.err
    wait "$pid" && cat during fixed fix.err &&
    test_line_count = 0 during && test_line_count = 0 fixed &&
    test_line_count = 3 live &&
    run lun-list <live >still && test_line_count = 3 still
'

# ---- kill -9 at random ----

sim_stop
sim_start --latency 20 || exit 1
write_config
# The done journals of the LUNs the last simulator took with it go.
run reconcile --fix --grace 0 >/dev/null 2>&1
start=$(date +%s%N)
run lun-create --size 1M --count 5 --name "span%d" pool:sim:gold >/dev/null
span=$((($(date +%s%N) - start) / 1000000))
test_expect_success "$TRIALS trials: kill -9 in a lun-create --count 5 of $span ms on smis-sim: reconcile tells, --fix mends" '
    for trial in $(seq "$TRIALS"); do
        trial lun-create --size 1M --count 5 --name "k${trial}x%d" \
            pool:sim:gold || return 1
    done
'

start=$(date +%s%N)
run lun-create --size 1M --count 5 --name "span%d" pool:loc:default >/dev/null
span=$((($(date +%s%N) - start) / 1000000))
test_expect_success "$TRIALS trials: kill -9 in a lun-create --count 5 of $span ms on the local array" '
    for trial in $(seq "$TRIALS"); do
        trial lun-create --size 1M --count 5 --name "k${trial}x%d" \
            pool:loc:default || return 1
    done
'

start=$(date +%s%N)
run template-make --name span --image "$TRASH/image.raw" pool:loc:default >/dev/null
span=$((($(date +%s%N) - start) / 1000000))
test_expect_success "$TRIALS trials: kill -9 in a template-make --image of $span ms on the local array" '
    for trial in $(seq "$TRIALS"); do
        trial template-make --name "k$trial" --image "$TRASH/image.raw" \
            pool:loc:default || return 1
    done
'

sim_stop
test_expect_success 'smis-sim stops cleanly' 'sim_stopped_ok'

test_done
