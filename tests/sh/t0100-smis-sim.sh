#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0100-smis-sim.sh: smis-sim as a user runs it: options, port 0 and the port file, /stats, state across restarts, preloading.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

# ---- the command line ----

test_expect_success '--help exits 0 and lists the options' '
    run smis-sim --help >out &&
    for o in --listen --port-file --state --tls-cert --tls-key --user \
        --password-file --personality --pools --preload-volumes --latency \
        --job-seconds --fail --drop --job-fail --job-stall --no-pull \
        --trace-dir --version; do
        grep -e "$o" out || { echo "--help does not list $o"; exit 1; }
    done
'

test_expect_success '--version prints the version' '
    run smis-sim --version >out &&
    grep "^smis-sim (sanprov) [0-9][0-9.]*$" out
'

test_expect_success 'an unknown option exits 2 and is named' '
    run smis-sim --no-such-option 2>err; test $? -eq 2 &&
    grep -e "--no-such-option" err && grep "smis-sim --help" err
'

test_expect_success 'an unexpected argument exits 2' '
    run smis-sim stray 2>err; test $? -eq 2 && grep "stray" err
'

test_expect_success 'a bad --listen exits 2 and says why' '
    for l in 127.0.0.1 127.0.0.1:port 127.0.0.1:70000 :-1; do
        run smis-sim --listen "$l" 2>err; rc=$?
        test $rc -eq 2 || { echo "--listen $l: exit $rc"; exit 1; }
        grep "HOST:PORT" err || exit 1
    done
'

test_expect_success 'a bad --personality exits 2 and says why' '
    run smis-sim --personality modern 2>err; test $? -eq 2 &&
    grep "group or legacy" err && grep "modern" err
'

test_expect_success 'bad --fail and --drop specs exit 2 and say why' '
    for f in "--fail=Create" "--fail=:1" "--fail=Create:0" "--fail=Create:x" \
        "--fail=Create:1:99" "--fail=Create:1:x" "--drop=Create:1:6"; do
        run smis-sim "$f" 2>err; rc=$?
        test $rc -eq 2 || { echo "$f: exit $rc"; exit 1; }
        grep "METHOD:N\|call number\|CIM status" err || exit 1
    done
'

test_expect_success 'a group- or world-readable password file is refused (exit 6)' '
    echo secret >pw &&
    for mode in 640 604 660; do
        chmod $mode pw &&
        run smis-sim --listen 127.0.0.1:0 --user admin --password-file pw \
            2>err; rc=$?
        test $rc -eq 6 || { echo "mode $mode: exit $rc"; exit 1; }
        grep "pw.* by others (mode 0$mode); refused: run chmod 600" err ||
            exit 1
    done
'

test_expect_code 2 '--user without --password-file exits 2' '
    run smis-sim --user admin
'

# ---- a running array ----

sim_start

test_expect_success 'starts on port 0 and writes the port it got to the port file' '
    test -n "$SIM_PORT" && test "$SIM_PORT" -gt 0 &&
    test "$(cat "$SIM_PORT_FILE")" = "$SIM_PORT" &&
    grep "^http://127.0.0.1:$SIM_PORT$" "$SIM_LOG"
'

test_expect_success 'a new array writes its state file at once' '
    test -s "$SIM_STATE" && jq -e ".volumes == []" "$SIM_STATE"
'

test_expect_success 'GET /stats returns JSON counters' '
    wbemcli ein "$SIM_URL/$SIM_POOLS" >/dev/null &&
    sim_get /stats >stats &&
    jq -e ".requests >= 1 and .volumes == 0 and
           .calls.EnumerateInstanceNames == 1" stats
'

test_expect_success 'create a volume with wbemcli cm' '
    sim_create_volume keepme 2147483648 silver >out &&
    grep "CreateOrModifyElementFromStoragePool: 0" out &&
    wbemcli ei "$SIM_URL/$SIM_VOLUMES" >vols &&
    test_line_count = 1 vols &&
    sim_key DeviceID <vols >"$TRASH/id.before" &&
    sim_key Name <vols >"$TRASH/wwn.before" &&
    test_line_count = 1 "$TRASH/id.before" &&
    grep "^6[0-9A-F]\{31\}$" "$TRASH/wwn.before" &&
    grep "ElementName=\"keepme\"" vols
'

sim_stop

test_expect_success 'SIGTERM stops it cleanly (exit 0)' 'sim_stopped_ok'

sim_start

test_expect_success 'after a restart on the same state the volume is still there' '
    wbemcli ei "$SIM_URL/$SIM_VOLUMES" >vols &&
    test_line_count = 1 vols &&
    sim_key DeviceID <vols >id.after && sim_key Name <vols >wwn.after &&
    test_cmp "$TRASH/id.before" id.after &&
    test_cmp "$TRASH/wwn.before" wwn.after &&
    grep "ElementName=\"keepme\"" vols &&
    grep "NumberOfBlocks=4194304" vols
'

test_expect_success 'and the pool still accounts for it' '
    wbemcli gi "$SIM_URL/$(sim_pool silver)" >pool &&
    free=$(grep -o "RemainingManagedSpace=[0-9]*" pool | cut -d= -f2) &&
    total=$(grep -o "TotalManagedSpace=[0-9]*" pool | cut -d= -f2) &&
    test $((total - free)) -eq 2147483648
'

test_expect_success 'a new volume after the restart gets a new DeviceID' '
    sim_create_volume second >out &&
    sim_key DeviceID <out >id2 &&
    ! grep -F -f "$TRASH/id.before" id2
'

sim_stop

test_expect_success 'stops cleanly again' 'sim_stopped_ok'

# ---- queries: OpenQueryInstances, PullInstances ----

# exits1 COMMAND...: COMMAND fails with exit status 1 (simtool: the
# operation failed).
exits1() {
    "$@"
    test $? -eq 1
}

SIM_NAME=query
sim_start --preload-volumes 2500

test_expect_success 'a query of two properties: every volume, those properties, no paths, in pages' '
    run simtool query "$SIM_URL" --max 1000 \
        "SELECT DeviceID, SystemName FROM CIM_StorageVolume" >out &&
    tail -n 1 out >last && test "$(cat last)" = "total=2500 pages=3" &&
    grep -c "^SIM_StorageVolume DeviceID=[0-9A-F]* SystemName=SIM0001 path=no\$" out >n &&
    test "$(cat n)" = 2500 &&
    sed -n "s/.*DeviceID=\([^ ]*\) .*/\1/p" out | sort -u >ids && test_line_count = 2500 ids
'

test_expect_success 'SELECT * gives every property; WQL too; FROM a superclass takes its subclasses' '
    run simtool query "$SIM_URL" --lang WQL "select * from CIM_StoragePool;" >pools &&
    grep -q "^SIM_StoragePool .*InstanceID=SIM+POOL+gold .*ElementName=gold" pools &&
    test "$(tail -n 1 pools)" = "total=3 pages=1"
'

test_expect_success 'another query language: CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED (14)' '
    exits1 run simtool query "$SIM_URL" --lang CQL "SELECT * FROM CIM_StoragePool" >out &&
    test "$(cat out)" = "cim_status=14 CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED"
'

test_expect_success 'a WHERE clause, or no FROM: CIM_ERR_INVALID_QUERY (15), saying what' '
    exits1 run simtool query "$SIM_URL" \
        "SELECT DeviceID FROM CIM_StorageVolume WHERE DeviceID = 1" >out 2>err &&
    test "$(cat out)" = "cim_status=15 CIM_ERR_INVALID_QUERY" &&
    grep -q "not .WHERE DeviceID" err &&
    exits1 run simtool query "$SIM_URL" "SELECT DeviceID" >out &&
    test "$(cat out)" = "cim_status=15 CIM_ERR_INVALID_QUERY"
'

test_expect_success 'an unknown class: CIM_ERR_INVALID_CLASS' '
    exits1 run simtool query "$SIM_URL" "SELECT * FROM CIM_Nothing" >out &&
    test "$(cat out)" = "cim_status=5 CIM_ERR_INVALID_CLASS"
'

# ---- the other pull operations: paths, associators, references ----

test_expect_success 'OpenEnumerateInstancePaths and PullInstancePaths: every volume path, in pages' '
    run simtool paths "$SIM_URL" --max 1000 CIM_StorageVolume >out &&
    test "$(tail -n 1 out)" = "total=2500 pages=3" &&
    grep -c "^path //127.0.0.1/root/sim:SIM_StorageVolume\.CreationClassName=\"SIM_StorageVolume\",DeviceID=\"[0-9A-F]\{8\}\"," out >n &&
    test "$(cat n)" = 2500 &&
    sed -n "s/.*DeviceID=\"\([^\"]*\)\".*/\1/p" out | sort -u >ids &&
    test_line_count = 2500 ids
'

test_expect_success 'OpenAssociatorInstances and ...Paths: what a volume is associated with' '
    run simtool walk "$SIM_URL" --max 1 associators 00000001 >out &&
    test "$(tail -n 1 out)" = "total=2 pages=2" &&
    grep "^instance .*SIM_StoragePool.InstanceID=\"SIM+POOL+gold\"" out &&
    grep "^instance .*SIM_StorageSystem" out &&
    run simtool walk "$SIM_URL" associator-paths 00000002 >out &&
    test "$(tail -n 1 out)" = "total=2 pages=1" &&
    grep "^path .*SIM+POOL+silver" out
'

test_expect_success 'OpenReferenceInstances and ...Paths: the associations, filtered by class' '
    run simtool walk "$SIM_URL" --max 2 --assoc CIM_HostedService \
        reference-paths system >out &&
    test "$(tail -n 1 out)" = "total=5 pages=3" &&
    grep -c "^path .*SIM_HostedService\.Antecedent=" out >n &&
    test "$(cat n)" = 4 &&
    grep "^path //127.0.0.1/interop:SIM_HostedObjectManager" out &&
    run simtool walk "$SIM_URL" --assoc CIM_AllocatedFromStoragePool \
        references 00000003 >out &&
    test "$(tail -n 1 out)" = "total=1 pages=1" &&
    grep "^instance .*SIM_AllocatedFromStoragePool.*DeviceID=.*00000003" out
'

test_expect_success 'a walk from no such object: CIM_ERR_NOT_FOUND' '
    exits1 run simtool walk "$SIM_URL" reference-paths 00FFFFFF >out &&
    test "$(cat out)" = "cim_status=6 CIM_ERR_NOT_FOUND"
'

sim_stop

test_expect_success 'the queried array stops cleanly' 'sim_stopped_ok'
sim_expect_valid_traces 'its query and pull responses are DSP0203-valid'

SIM_NAME=noquery
sim_start --no-query

test_expect_success '--no-query: OpenQueryInstances gets CIM_ERR_NOT_SUPPORTED' '
    exits1 run simtool query "$SIM_URL" "SELECT * FROM CIM_StoragePool" >out &&
    test "$(cat out)" = "cim_status=7 CIM_ERR_NOT_SUPPORTED"
'

sim_stop

# ---- preloading ----

SIM_NAME=preload
sim_start --preload-volumes 10000

test_expect_success '--preload-volumes 10000 gives 10000 volumes' '
    wbemcli ein "$SIM_URL/$SIM_VOLUMES" >names &&
    test_line_count = 10000 names &&
    sort -u names >uniq && test_line_count = 10000 uniq
'

test_expect_success 'preloaded volumes are 1 GiB and spread over the pools' '
    wbemcli ain -ac CIM_AllocatedFromStoragePool \
        "$SIM_URL/$(sim_volume 00002710)" >pool &&
    grep "SIM+POOL+silver" pool &&
    wbemcli gi "$SIM_URL/$(sim_volume 00000001)" >v1 &&
    grep "NumberOfBlocks=2097152" v1 && grep "ElementName=\"preload1\"" v1
'

sim_stop

test_expect_success 'the preloaded array stops cleanly' 'sim_stopped_ok'

test_done
