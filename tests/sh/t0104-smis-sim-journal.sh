#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0104-smis-sim-journal.sh: smis-sim's state as a snapshot and a journal: kill -9 at random moments of concurrent creates (and of snapshots) loses no answered change, every kind of change replays as it was, a torn last record is dropped, damage refuses the start, old state files read, one server a state.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

if ! command -v jq >/dev/null || ! command -v wbemcli >/dev/null; then
    test_skip 'smis-sim journal' 'jq or wbemcli is not installed (make deps)'
    test_done
    exit
fi

# served: the DeviceIDs the simulator serves, sorted.
served() {
    wbemcli ein "$SIM_URL/$SIM_VOLUMES" | sim_key DeviceID | sort
}

# ---- kill -9 during concurrent creates ----

# A snapshot every few records, so that kills also land in the middle of
# writing one and emptying the journal.
JMAX=4096
ROUNDS=5
SEED=${SANPROV_TEST_SEED:-$(date +%s)}
echo "# kill moments from seed $SEED (SANPROV_TEST_SEED=$SEED repeats them)"
# shellcheck disable=SC2046
set -- $(awk -v seed="$SEED" -v n=$ROUNDS \
    'BEGIN { srand(seed); for (i = 0; i < n; i++) printf "%.2f ", 0.01 + rand() * 0.2 }')

SIM_NAME=crash
: >"$TRASH/answered"
r=0
for delay in "$@"; do
    r=$((r + 1))
    sim_start --journal-max $JMAX || break
    run simtool create "$SIM_URL" --threads 4 --count 250 --prefix "r$r" \
        >"$TRASH/ids.$r" 2>"$TRASH/err.$r" &
    client=$!
    # From the first answer on (valgrind takes a while to get there).
    i=0
    while [ ! -s "$TRASH/ids.$r" ] && [ $i -lt $((SIM_WAIT * 20)) ]; do
        sleep 0.05
        i=$((i + 1))
    done
    sleep "$delay"
    sim_kill9
    wait "$client"
    cat "$TRASH/ids.$r" >>"$TRASH/answered"
    sim_start --journal-max $JMAX || break
    test_expect_success "round $r: kill -9 $delay s after the first answer, $(wc -l <"$TRASH/ids.$r") of 1000 creates answered: all there after the restart" '
        sort "$TRASH/answered" >sorted && served >now &&
        comm -23 sorted now >lost &&
        test_line_count = 0 lost &&
        test "$(sort -u now | wc -l)" = "$(wc -l <now)"
    '
    test_expect_success "round $r: no volume that no client asked for (at most one unanswered create a client)" '
        comm -13 sorted now >extra &&
        test_line_count -le $((4 * r)) extra
    '
    test_expect_success "round $r: the start folded the journal in and left no temporary snapshot" '
        test ! -s "$SIM_STATE.journal" &&
        ! ls "$SIM_STATE".tmp.* 2>/dev/null
    '
    sim_stop
done

test_expect_success 'the crashed array stops cleanly at last' 'sim_stopped_ok'

# ---- every kind of change replays ----

SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG
write_config() {
    cat >"$SANPROV_CONFIG" <<EOF
[array "sim"]
uri = smis+http://127.0.0.1:$SIM_PORT
[pool "sim:gold"]
class = gold
[host "kvm01"]
uri = test:///default
connectivity = iscsi
iscsi-initiator = iqn.1993-08.org.debian:01:kvm01
EOF
}

for p in group legacy; do
    SIM_NAME=kinds-$p
    sim_start --personality $p --job-seconds 0.05 --journal-max 100000 &&
        write_config
    test_expect_success "$p: volumes, replicas, masking, unmasking, deletes and jobs" '
        run pool-list --class gold | run lun-create --size 1G --name base >base &&
        run lun-create --snapshot-of "$(cat base)" --count 3 --name "s%d" \
            pool:sim:gold >snaps &&
        run lun-create --clone-of "$(cat base)" --name c pool:sim:gold >clone &&
        cat snaps clone | run lun-mask --host kvm01 >/dev/null &&
        sed -n 1p snaps | run lun-mask -u --host kvm01 >/dev/null &&
        sed -n 1p snaps | run lun-delete >/dev/null &&
        sim_state | jq -S . >"$TRASH/before.$p" &&
        jq -e ".views | length == 1" "$TRASH/before.$p" &&
        jq -e "(.jobs | length) > 5" "$TRASH/before.$p"
    '
    test_expect_success "$p: all of it is in the journal" '
        test -s "$SIM_STATE.journal" &&
        ! jq -e "(.volumes | length) > 0" "$SIM_STATE"
    '
    sim_kill9
    sim_start --personality $p
    test_expect_success "$p: after kill -9 the array is the same, jobs included" '
        sim_state | jq -S . >after &&
        test_cmp "$TRASH/before.$p" after
    '
    sim_stop
    test_expect_success "$p: and so is the state file after a clean stop" '
        sim_stopped_ok &&
        jq -S . "$SIM_STATE" >file &&
        test_cmp "$TRASH/before.$p" file && test ! -s "$SIM_STATE.journal"
    '
done

# ---- torn and damaged journals ----

SIM_NAME=damage
sim_start
sim_create_volume one >/dev/null && sim_create_volume two >/dev/null &&
    sim_create_volume three >/dev/null
sim_kill9
cp "$SIM_STATE" "$TRASH/damage.saved"
cp "$SIM_STATE.journal" "$TRASH/damage.journal.saved"

test_expect_success 'a record cut short at the end (a crash mid-append) is dropped' '
    printf "%s" "0badc0de {\"seq\":4,\"next\":[5,1,1,1,1,0],\"ops\":[[\"vol" \
        >>"$SIM_STATE.journal" &&
    run smis-sim --state "$SIM_STATE" --compact 2>err &&
    grep "the last 51 bytes, a change cut short by a crash and never answered, are dropped" err &&
    jq -e "[.volumes[].name] == [\"one\", \"two\", \"three\"]" "$SIM_STATE"
'

# damage SED-SCRIPT: the saved crashed state, its journal edited.
damage() {
    cp "$TRASH/damage.saved" "$SIM_STATE" &&
        sed "$1" "$TRASH/damage.journal.saved" >"$SIM_STATE.journal"
}

test_expect_code 1 'a record damaged in the middle: smis-sim does not start (exit 1)' '
    damage "3s/two/twO/" &&
    run smis-sim --listen 127.0.0.1:0 --state "$SIM_STATE" >out 2>err
    rc=$?; cat err; test ! -s out && exit $rc
'
test_expect_success 'and says which file, line and byte' '
    grep "journal .*damage.state.journal. is damaged at line 3 (byte [0-9]*): a record fails its checksum" err
'
test_expect_code 1 'a damaged last record whose checksum holds: refused (exit 1)' '
    damage "4s/\"three\",\"gold\",2097152/\"three\",\"gold\",-1/" &&
    sed -i "4s/^[0-9a-f]\{8\} \(.*\)$/\1/" "$SIM_STATE.journal" &&
    line=$(sed -n 4p "$SIM_STATE.journal") &&
    crc=$(printf "%s" "$line" | gzip -c | tail -c 8 | od -An -tx4 -N4 | tr -d " ") &&
    sed -i "4s/^/$crc /" "$SIM_STATE.journal" &&
    run smis-sim --state "$SIM_STATE" --compact 2>err; rc=$?; cat err
    grep "line 4 (byte [0-9]*): an operation has a field of the wrong type" err &&
    exit $rc
'
test_expect_code 1 'a journal that does not follow its snapshot: refused (exit 1)' '
    damage "3d" &&
    run smis-sim --state "$SIM_STATE" --compact 2>err; rc=$?; cat err
    grep "line 3 (byte [0-9]*): change 2 is missing (the next is 3)" err &&
    exit $rc
'
test_expect_code 1 'the journal of another array: refused (exit 1)' '
    damage "1s/ [0-9a-f]*$/ 0123456789abcdef/" &&
    run smis-sim --state "$SIM_STATE" --compact 2>err; rc=$?; cat err
    grep "the journal is of array 0123456789abcdef, the snapshot of [0-9a-f]\{16\}" err &&
    exit $rc
'
test_expect_success 'records the snapshot already holds (a crash after a snapshot) are skipped' '
    damage "" &&
    jq ".seq = 2" "$TRASH/damage.saved" >"$SIM_STATE" &&
    run smis-sim --state "$SIM_STATE" --compact &&
    jq -e "[.volumes[].name] == [\"three\"]" "$SIM_STATE"
'
test_expect_success 'a state without a journal (version 1, before journals) is read' '
    rm -f "$SIM_STATE.journal" &&
    cat >"$SIM_STATE" <<-EOF &&
	{"version":1,"system":"SIM0001","next":{"vol":3,"group":1,"view":1,"job":1,"hwid":1},"jobs_started":0,
	"pools":[{"id":"gold","total":10995116277760,"primordial":false},{"id":"primordial","total":10995116277760,"primordial":true}],
	"volumes":[{"num":2,"name":"old","pool":"gold","blocks":2048,"wwn":"65A4E500A78A99380000000000000002","source":0,"sync":0}],
	"hwids":[],"groups":[],"views":[],"jobs":[]}
	EOF
    run smis-sim --state "$SIM_STATE" --compact &&
    jq -e ".version == 2 and (.array_id | length) == 16 and .seq == 0 and
        [.volumes[].name] == [\"old\"]" "$SIM_STATE"
'

sim_start
test_expect_success 'a second smis-sim on the same state is refused (exit 6)' '
    run smis-sim --listen 127.0.0.1:0 --state "$SIM_STATE" 2>err; rc=$?
    cat err; test $rc = 6 && grep "another smis-sim serves this state" err
'
test_expect_code 6 'so is --compact while it runs (exit 6)' '
    run smis-sim --state "$SIM_STATE" --compact
'
test_expect_code 3 '--compact of a state that does not exist (exit 3)' '
    run smis-sim --state nothing.state --compact
'
test_expect_code 2 '--compact without --state (exit 2)' '
    run smis-sim --compact
'
test_expect_success 'GET /state is the array of the moment' '
    sim_create_volume four >/dev/null &&
    sim_get /state | jq -e "[.volumes[].name] == [\"old\", \"four\"]"
'
sim_stop
test_expect_success 'the damage array stops cleanly' 'sim_stopped_ok'

test_done
