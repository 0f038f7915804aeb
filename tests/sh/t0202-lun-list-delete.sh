#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0202-lun-list-delete.sh: lun-list and lun-delete against smis-sim in both personalities: output modes, SAN copies, masking, errors, exit codes, scale.
#
# The volumes, snapshots, clones and masking views are made with wbemcli,
# a client independent of libsanprov (as in t0101).
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

for tool in wbemcli jq script; do
    if ! command -v $tool >/dev/null; then
        test_skip 'lun-list and lun-delete against smis-sim' \
            "$tool is not installed (make deps)"
        test_done
        exit
    fi
done

KVM01=iqn.1993-08.org.debian:01:kvm01
OTHER=iqn.2000-01.net.example:stranger
GIB=1073741824
MIB=1048576

# on_tty COMMAND: run COMMAND (a shell string) with a terminal on stdin,
# stdout and stderr; its output, with the terminal's \r\n made \n, goes to
# stdout.  Exits with COMMAND's status.
on_tty() {
    script -qec "$1" /dev/null </dev/null >tty.raw
    _rc=$?
    tr -d '\r' <tty.raw
    return $_rc
}

# write_conf: array "sim" at $SIM_PORT, a class for pool gold, host kvm01.
write_conf() {
    {
        echo '[array "sim"]'
        echo "uri = smis+http://127.0.0.1:$SIM_PORT"
        echo '[pool "sim:gold"]'
        echo 'class = gold'
        echo '[host "kvm01"]'
        echo 'uri = test:///default'
        echo "iscsi-initiator = $KVM01"
    } >"$TRASH/sanprov.conf"
}
SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG

# ---- making objects with wbemcli ----

# snapshot_of NAME SOURCE-DEVICEID [TYPE]: CreateElementReplica (7
# snapshot, 8 clone).
replica_of() {
    wbemcli cm "$SIM_URL/$SIM_RS" \
        "CreateElementReplica.ElementName=$1,SyncType=${3:-7},SourceElement=$(sim_volume "$2")"
}

# mask_group INITIATOR DEVICEID...: a hardware ID, an initiator group, a
# device group and a view with the iSCSI target group SIM+TG+2 (made by the
# first call).  Group and hardware IDs are numbered by the simulator in
# order, so the calls are made in a fixed order.
NEXT_HWID=1
NEXT_GROUP=1
mask_group() {
    _ini=$1
    shift
    wbemcli cm "$SIM_URL/$SIM_HWMS" \
        "CreateStorageHardwareID.StorageID=$_ini,IDType=5" || return 1
    _hw=SIM+HWID+$NEXT_HWID
    NEXT_HWID=$((NEXT_HWID + 1))
    wbemcli cm "$SIM_URL/$SIM_GMMS" \
        "CreateGroup.GroupName=ig$NEXT_GROUP,Type=2,Members=$(sim_hwid "$_hw")" ||
        return 1
    _ig=SIM+IG+$NEXT_GROUP
    NEXT_GROUP=$((NEXT_GROUP + 1))
    if [ "$NEXT_GROUP" = 2 ]; then
        wbemcli cm "$SIM_URL/$SIM_GMMS" \
            "CreateGroup.GroupName=tg,Type=3,Members=$(sim_iscsi_port)" ||
            return 1
        NEXT_GROUP=3
    fi
    _members=
    for _d in "$@"; do
        _members="$_members${_members:+,}$(sim_volume "$_d")"
    done
    wbemcli cm "$SIM_URL/$SIM_GMMS" \
        "CreateGroup.GroupName=dg$NEXT_GROUP,Type=4,Members=$_members" ||
        return 1
    _dg=SIM+DG+$NEXT_GROUP
    NEXT_GROUP=$((NEXT_GROUP + 1))
    wbemcli cm "$SIM_URL/$SIM_GMMS" \
        "CreateMaskingView.ElementName=view$NEXT_GROUP,InitiatorMaskingGroup=$(sim_group SIM_InitiatorMaskingGroup "$_ig"),TargetMaskingGroup=$(sim_group SIM_TargetMaskingGroup SIM+TG+2),DeviceMaskingGroup=$(sim_group SIM_DeviceMaskingGroup "$_dg")"
}

# mask_legacy INITIATOR DEVICEIDS NUMBERS: ExposePaths (comma-separated
# lists).  wbemcli cannot read the answer (see t0101), so the effect is
# checked instead of its status.
mask_legacy() {
    wbemcli cm "$SIM_URL/$SIM_CCS" \
        "ExposePaths.LUNames=$2,InitiatorPortIDs=$1,DeviceNumbers=$3" \
        >/dev/null 2>&1
    wbemcli ei "$SIM_URL/root/sim:SIM_ProtocolControllerForUnit" |
        grep -q "DeviceID=\"${2%%,*}\""
}

# units: the count of masking mappings (volume in a view) on the array.
units() {
    wbemcli ein "$SIM_URL/root/sim:SIM_ProtocolControllerForUnit" | wc -l |
        tr -d ' '
}

# ---- one personality ----

personality_tests() {
    p=$1
    SIM_NAME=$p
    sim_start --personality "$p"
    write_conf
    NEXT_HWID=1
    NEXT_GROUP=1

    # 00000001 base (gold, 1 GiB), 00000002 its snapshot, 00000003 its
    # clone, 00000004 plain (silver, 1 MiB).  02 and 04 are masked to
    # kvm01, 03 to an initiator of no configured host.
    test_expect_success "$p: wbemcli makes volumes, a snapshot, a clone" '
        sim_create_volume base &&
        replica_of snap 00000001 7 &&
        replica_of clone 00000001 8 &&
        sim_create_volume plain $MIB silver &&
        wbemcli ein "$SIM_URL/$SIM_VOLUMES" >vols &&
        test_line_count = 4 vols
    '
    rm -f mask.log
    if [ "$p" = group ]; then
        KVM01_NUMS="0 1"
        OTHER_NUM=0
        mask_group "$KVM01" 00000002 00000004 >mask.log 2>&1 &&
            mask_group "$OTHER" 00000003 >>mask.log 2>&1
    else
        KVM01_NUMS="5 6"
        OTHER_NUM=7
        mask_legacy "$KVM01" 00000002,00000004 5,6 &&
            mask_legacy "$OTHER" 00000003 7
    fi
    _rc=$?
    test_expect_success "$p: wbemcli masks three of them" '
        cat mask.log 2>/dev/null
        test $_rc = 0 && test "$(units)" = 3
    '
    N2=${KVM01_NUMS% *}
    N4=${KVM01_NUMS#* }

    test_expect_success "$p: lun-list at a terminal lists every LUN" '
        on_tty "$SANPROV_WRAP lun-list" >out &&
        sim_lun 1 2 3 4 >want &&
        test_cmp want out
    '

    test_expect_success "$p: lun-list with empty input lists nothing" '
        : | run lun-list >out &&
        test_line_count = 0 out
    '

    test_expect_success "$p: lun-list with /dev/null on stdin lists every LUN" '
        run lun-list </dev/null >out &&
        sim_lun 1 2 3 4 >want &&
        test_cmp want out
    '

    test_expect_success "$p: pool-list | lun-list lists every LUN" '
        run pool-list | run lun-list >out &&
        sim_lun 1 2 3 4 >want &&
        test_cmp want out
    '

    test_expect_success "$p: lun-list of a pool ID lists its LUNs" '
        run lun-list pool:sim:silver >out &&
        sim_lun 4 >want &&
        test_cmp want out &&
        run pool-list --class gold | run lun-list >out &&
        sim_lun 1 2 3 >want &&
        test_cmp want out
    '

    test_expect_success "$p: lun-list of LUN IDs, in their order" '
        run lun-list lun:sim:00000003 lun:sim:00000001 >out &&
        sim_lun 3 1 >want &&
        test_cmp want out
    '

    test_expect_success "$p: lun-list -l shows names, sizes, pools, sources, masking" '
        run pool-list | run lun-list -l >out &&
        cat out &&
        test_line_count = 5 out &&
        head -n 1 out | grep -E "^ID +NAME +SIZE +WWN +POOL +COPY +SOURCE +MASKING$" &&
        grep -E "^lun:sim:00000001:[0-9A-F]{32} +base +$GIB +[0-9A-F]{32} +gold +- +- +-$" out &&
        grep -E "^lun:sim:[0-9A-F:]*2 +snap +$GIB +[0-9A-F]{32} +gold +snapshot +00000001 +kvm01:$N2$" out &&
        grep -E "^lun:sim:[0-9A-F:]*3 +clone +$GIB +[0-9A-F]{32} +gold +clone +00000001 +$OTHER:$OTHER_NUM$" out &&
        grep -E "^lun:sim:[0-9A-F:]*4 +plain +$MIB +[0-9A-F]{32} +silver +- +- +kvm01:$N4$" out &&
        awk "NF != 8 { exit 1 }" out
    '

    test_expect_success "$p: lun-list -l -H shows IEC sizes, right-aligned" '
        run lun-list -l -H lun:sim:00000001 lun:sim:00000004 >out &&
        cat out &&
        grep -E "^lun:sim:00000001:[0-9A-F]{32} +base +1\.0GiB " out &&
        grep -E "^lun:sim:[0-9A-F:]*4 +plain +1\.0MiB " out &&
        test "$(sed -n 2p out | grep -b -o "GiB" | cut -d: -f1)" = \
            "$(sed -n 3p out | grep -b -o "MiB" | cut -d: -f1)"
    '

    test_expect_success "$p: lun-list -l pipes into lun-list" '
        run lun-list -l pool:sim:silver | run lun-list >out &&
        sim_lun 4 >want &&
        test_cmp want out
    '

    test_expect_success "$p: lun-list --json: every field" '
        on_tty "$SANPROV_WRAP lun-list --json" >out &&
        cat out &&
        test_line_count = 4 out &&
        jq -e -s "length == 4 and all(.[]; .array == \"sim\"
            and (.wwn | test(\"^[0-9A-F]{32}$\"))
            and (keys == ([\"array\",\"copy\",\"id\",\"masking\",\"name\",
                \"pool\",\"size\",\"source\",\"tag\",\"wwn\"])))" out &&
        jq -r .id out >ids && sim_lun 1 2 3 4 >want && test_cmp want ids &&
        jq -e -s "[.[].size] == [$GIB,$GIB,$GIB,$MIB]" out &&
        jq -e -s "[.[].name] == [\"base\",\"snap\",\"clone\",\"plain\"]" out &&
        jq -e -s "[.[].pool] == [\"pool:sim:gold\",\"pool:sim:gold\",
            \"pool:sim:gold\",\"pool:sim:silver\"]" out &&
        jq -e -s "[.[].source] == [null,\"lun:sim:00000001\",
            \"lun:sim:00000001\",null]" out &&
        jq -e -s "[.[].copy] == [null,\"snapshot\",\"clone\",null]" out &&
        jq -e -s "[.[].wwn] | unique | length == 4" out
    '

    test_expect_success "$p: lun-list --json: masking with host and LUN number" '
        run lun-list --json lun:sim:00000001 lun:sim:00000002 \
            lun:sim:00000003 lun:sim:00000004 >out &&
        jq -e -s ".[0].masking == []" out &&
        jq -e -s ".[1].masking == [{\"initiator\":\"$KVM01\",
            \"host\":\"kvm01\",\"lun\":$N2}]" out &&
        jq -e -s ".[2].masking == [{\"initiator\":\"$OTHER\",
            \"host\":null,\"lun\":$OTHER_NUM}]" out &&
        jq -e -s ".[3].masking == [{\"initiator\":\"$KVM01\",
            \"host\":\"kvm01\",\"lun\":$N4}]" out
    '

    test_expect_success "$p: the man page example: select the unmasked LUNs" '
        on_tty "$SANPROV_WRAP lun-list --json" |
            jq -r "select(.masking == []) | .id" >out &&
        sim_lun 1 >want &&
        test_cmp want out
    '

    test_expect_success "$p: --no-masking: no MASKING column, masking null" '
        run lun-list -l --no-masking lun:sim:00000002 >out &&
        head -n 1 out | grep -E "^ID +NAME +SIZE +WWN +POOL +COPY +SOURCE$" &&
        grep -E "snapshot +00000001$" out &&
        run lun-list --json --no-masking lun:sim:00000002 >out &&
        jq -e ".masking == null and .copy == \"snapshot\"" out
    '

    test_expect_success "$p: -0 writes NUL-separated IDs" '
        run lun-list -0 pool:sim:silver >out &&
        printf "%s\0" "$(sim_lun 4)" >want &&
        cmp want out
    '

    test_expect_code 3 "$p: lun-list of a missing LUN exits 3" '
        run lun-list lun:sim:00000099 >out 2>err
        rc=$?
        cat err
        grep "^lun-list: cannot look up .lun:sim:00000099.: " err &&
        test_line_count = 0 out && exit $rc
    '

    test_expect_code 3 "$p: lun-list of a missing pool exits 3" '
        run lun-list pool:sim:nope >out 2>err
        rc=$?
        cat err
        grep "^lun-list: cannot list LUNs of .pool:sim:nope.: " err &&
        exit $rc
    '

    test_expect_code 3 "$p: lun-list of an unconfigured array exits 3" '
        run lun-list lun:elsewhere:1 2>err
        rc=$?
        cat err
        grep "elsewhere" err && exit $rc
    '

    test_expect_code 5 "$p: lun-list of a good and a missing LUN exits 5" '
        run lun-list lun:sim:00000001 lun:sim:00000099 >out 2>err
        rc=$?
        sim_lun 1 >want &&
        test_cmp want out && exit $rc
    '

    test_expect_code 2 "$p: lun-list: bad IDs exit 2, the good ones are printed" '
        printf "lun:sim:00000004\nnot-an-id\nhost:kvm01\nlun:sim:00000001\n" |
            run lun-list >out 2>err
        rc=$?
        cat err
        sim_lun 4 1 >want &&
        test_cmp want out &&
        grep "cannot read ID .not-an-id." err &&
        grep "cannot read ID .host:kvm01.: a pool or lun ID is wanted" err &&
        exit $rc
    '

    test_expect_code 6 "$p: lun-delete of a masked LUN is refused (6)" '
        run lun-delete lun:sim:00000004 >out 2>err
        rc=$?
        cat err
        grep "^lun-delete: cannot delete .lun:sim:00000004[:0-9A-F]*.: .*masked" err &&
        test_line_count = 0 out &&
        run lun-list lun:sim:00000004 && test "$(units)" = 3 &&
        exit $rc
    '

    test_expect_code 6 "$p: lun-delete of a snapshot source is refused (6)" '
        run lun-delete lun:sim:00000001 >out 2>err
        rc=$?
        cat err
        grep "^lun-delete: cannot delete .lun:sim:00000001[:0-9A-F]*.: .*snapshot" err &&
        test_line_count = 0 out &&
        run lun-list lun:sim:00000001 && exit $rc
    '

    test_expect_code 6 "$p: lun-delete --force of a masked snapshot source changes nothing (6)" '
        run lun-mask --host kvm01 lun:sim:00000001 >/dev/null &&
        before=$(units) &&
        run lun-delete --force lun:sim:00000001 >out 2>err
        rc=$?
        cat err
        grep "^lun-delete: cannot delete .lun:sim:00000001[:0-9A-F]*.: .*snapshot" err &&
        test_line_count = 0 out &&
        test "$(units)" = "$before" &&
        run lun-mask -u --host kvm01 lun:sim:00000001 >/dev/null &&
        test "$(units)" = $((before - 1)) &&
        exit $rc
    '

    test_expect_code 3 "$p: lun-delete of a missing LUN exits 3" '
        run lun-delete lun:sim:00000099 >out 2>err
        rc=$?
        cat err
        grep "^lun-delete: cannot delete .lun:sim:00000099.: " err &&
        test_line_count = 0 out && exit $rc
    '

    test_expect_code 2 "$p: lun-delete takes LUN IDs only" '
        run lun-delete pool:sim:gold >out 2>err
        rc=$?
        cat err
        grep "a lun ID is wanted, not a pool ID" err &&
        test_line_count = 0 out && exit $rc
    '

    test_expect_code 2 "$p: lun-delete at a terminal without IDs is a usage error" '
        on_tty "$SANPROV_WRAP lun-delete"
    '

    test_expect_success "$p: lun-delete --force unmasks, then deletes" '
        run lun-delete --force lun:sim:00000004 >out &&
        echo lun:sim:00000004 >want &&
        test_cmp want out &&
        test "$(units)" = 2 &&
        { run lun-list lun:sim:00000004; test $? = 3; }
    '

    test_expect_success "$p: lun-delete -l and --json say what was deleted" '
        sim_create_volume one $MIB >/dev/null &&
        sim_create_volume two $MIB >/dev/null &&
        run lun-delete -l lun:sim:00000005 >out &&
        cat out &&
        printf "ID                STATUS\nlun:sim:00000005  deleted\n" >want &&
        test_cmp want out &&
        run lun-delete --json lun:sim:00000006 >out &&
        echo "{\"id\":\"lun:sim:00000006\",\"status\":\"deleted\"}" >want &&
        test_cmp want out
    '

    test_expect_code 5 "$p: lun-delete goes on after a failure (5)" '
        for n in a b c; do sim_create_volume $n $MIB >/dev/null; done
        run lun-delete lun:sim:00000007 lun:sim:00000099 lun:sim:00000008 \
            lun:sim:00000009 >out 2>err
        rc=$?
        cat err
        printf "lun:sim:0000000%s\n" 7 8 9 >want &&
        test_cmp want out &&
        grep "cannot delete .lun:sim:00000099." err && exit $rc
    '

    test_expect_success "$p: lun-list | lun-delete deletes what can be deleted" '
        for n in d e; do sim_create_volume $n $MIB >/dev/null; done
        on_tty "$SANPROV_WRAP lun-list | $SANPROV_WRAP lun-delete" >out
        rc=$?
        cat out
        test $rc = 5 &&
        grep -x "$(sim_lun 10)" out && grep -x "$(sim_lun 11)" out &&
        grep "cannot delete .lun:sim:00000001[:0-9A-F]*.: .*snapshot" out &&
        grep "cannot delete .lun:sim:00000002[:0-9A-F]*.: .*masked" out &&
        on_tty "$SANPROV_WRAP lun-list" >left &&
        sim_lun 1 2 3 >want &&
        grep "^lun:" left | sort >left.ids &&
        test_cmp want left.ids
    '

    # The source comes first in the listing; its snapshot and clone are
    # deleted before it, in the same run.
    test_expect_success "$p: again with --force, once: the array is empty" '
        on_tty "$SANPROV_WRAP lun-list | $SANPROV_WRAP lun-delete --force" >out &&
        cat out &&
        sim_lun 2 3 1 >want &&
        test_cmp want out &&
        on_tty "$SANPROV_WRAP lun-list" >left &&
        test_line_count = 0 left &&
        test "$(units)" = 0 &&
        wbemcli ein "$SIM_URL/$SIM_VOLUMES" >vols &&
        test_line_count = 0 vols
    '

    if [ "$p" = group ]; then
        test_expect_success "$p: the views an administrator made stay, empty, with their groups" '
            wbemcli ein "$SIM_URL/root/sim:SIM_SCSIProtocolController" >views &&
            test_line_count = 2 views &&
            wbemcli ein "$SIM_URL/root/sim:CIM_MaskingGroup" >groups &&
            test_line_count = 5 groups &&
            wbemcli ein "$SIM_URL/root/sim:SIM_StorageHardwareID" >hwids &&
            test_line_count = 2 hwids
        '
    fi

    sim_stop
    test_expect_success "$p: smis-sim stops cleanly" 'sim_stopped_ok'
}

personality_tests group
personality_tests legacy

# ---- scale: many volumes ----

# Correctness at scale only; the time and memory of a listing of 100,000
# volumes are measured by "make bench" (tests/bench/storage.sh).
if [ -n "$SANPROV_WRAP" ]; then N=2000; else N=10000; fi
SIM_NAME=scale
sim_start --preload-volumes "$N"
write_conf

test_expect_success "scale: pool-list | lun-list lists $N LUNs, each once" '
    run pool-list | run lun-list >ids &&
    test_line_count = $N ids &&
    test "$(sort -u ids | wc -l)" -eq $N
'

test_expect_success "scale: lun-list --all lists the same LUNs, whatever stdin is" '
    echo pool:sim:gold | run lun-list --all >all &&
    sort ids >a && sort all >b && test_cmp a b
'

test_expect_success "scale: lun-list --all asks one query of two properties, paged" '
    run lun-list --all -vv >all 2>log && sort all >b && test_cmp a b &&
    grep -c "CIM operation OpenQueryInstances" log >n && test "$(cat n)" = 1 &&
    grep -c "CIM operation PullInstances " log >n && test "$(cat n)" = $((N / 1000)) &&
    ! grep -q "OpenEnumerateInstances on root/sim" log
'

test_expect_code 2 "lun-list --all with an ID is a usage error" '
    run lun-list --all pool:sim:gold >out 2>err
    rc=$?; cat err
    grep "takes no IDs" err && ! test -s out && exit $rc
'

test_expect_success "scale: lun-list -l --all has a row for each LUN" '
    run lun-list -l --all >long &&
    test_line_count = $((N + 1)) long
'

sim_stop
test_expect_success 'scale: smis-sim stops cleanly' 'sim_stopped_ok'

# An array that runs no queries: the pulled enumeration of the paths; one
# without pull operations either: the classic one.
for opt in --no-query --no-pull; do
    case $opt in
    --no-query) SAYS='OpenQueryInstances failed .* no DMTF:CQL queries to this array' ;;
    --no-pull) SAYS='using the classic operations for this array' ;;
    esac
    SIM_NAME=scale
    sim_start "$opt"
    write_conf
    test_expect_success "$opt: lun-list --all lists the same LUNs (-v says why)" '
        run lun-list --all -v >all 2>log && sort all >b && test_cmp a b &&
        grep -q "$SAYS" log || { cat log; false; }
    '
    sim_stop
done

test_done
