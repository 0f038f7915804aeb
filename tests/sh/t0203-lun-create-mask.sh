#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0203-lun-create-mask.sh: lun-create and lun-mask against smis-sim in both masking personalities: the acceptance pipeline, SAN copies, host LUN numbers, usage errors, jobs and --timeout, and a fault injected into every CIM call of lun-create | lun-mask.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

if ! command -v jq >/dev/null; then
    test_skip 'lun-create and lun-mask against smis-sim' \
        'jq is not installed (make deps)'
    test_done
    exit
fi

SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG

# write_config: the configuration for the simulator just started.
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
[host "fc01"]
uri = test:///default
connectivity = fc
fc-wwpn = 21:00:00:24:ff:4c:aa:01, 21:00:00:24:ff:4c:aa:02
[host "bare"]
uri = test:///default
EOF
}

# start PERSONALITY [SMIS-SIM OPTIONS...]: a fresh simulator ($SIM_NAME)
# and its configuration.
start() {
    _p=$1
    shift
    rm -rf "$TRASH/${SIM_NAME:-sim}.state" "$TRASH/${SIM_NAME:-sim}.trace"
    sim_start --personality "$_p" "$@" && write_config
}

# kill9: kill the simulator at once (its state is saved before each answer)
# and forget its PID, so that the exit trap cannot hit a process that
# reuses it: this script starts hundreds of simulators.
kill9() {
    _pid=$SIM_PID
    sim_kill9
    SIM_PIDS=$(echo " $SIM_PIDS " | sed "s/ $_pid / /")
}

# counts_are VOLUMES GROUPS VIEWS [STATS-FILE]: what the array holds.
counts_are() {
    if [ -n "$4" ]; then cp "$4" .stats; else sim_get /stats >.stats; fi
    _c=$(jq -r '"\(.volumes) \(.groups) \(.views)"' .stats)
    [ "$_c" = "$1 $2 $3" ] && return 0
    echo "volumes groups views: $_c, wanted $1 $2 $3"
    return 1
}

# no_views: wbemcli, an independent client, sees no masking view either.
no_views() {
    command -v wbemcli >/dev/null || return 0
    # (The iSCSI node is a SCSIProtocolController too, not a view.)
    wbemcli ein "$SIM_URL/root/sim:CIM_SCSIProtocolController" >spcs &&
        test "$(grep -vc SIM_iSCSIProtocolController spcs)" -eq 0
}

# Under valgrind every program is slow: fewer fault cases, longer jobs.
if [ -n "$SANPROV_WRAP" ]; then JOB_S=6; else JOB_S=2; fi

for P in group legacy; do
    SIM_NAME=$P
    start "$P"
    # Groups a masked host has: initiator, target and device (legacy: none).
    if [ "$P" = group ]; then G_MASKED=3; else G_MASKED=0; fi

    test_expect_success "$P: the acceptance pipeline exits 0 and leaves nothing" '
        {
            { run pool-list --class gold; echo $? >rc.1; } |
            { run lun-create --size 1G --name "a%d" --count 5; echo $? >rc.2; } |
            { run lun-mask --host kvm01; echo $? >rc.3; } |
            { run lun-mask -u --host kvm01; echo $? >rc.4; } |
            { run lun-delete; echo $? >rc.5; } >out
        } 2>err
        cat err
        test "$(cat rc.1 rc.2 rc.3 rc.4 rc.5 | tr -d "\n")" = 00000 &&
        test_line_count = 5 out && ! test -s err &&
        counts_are 0 0 0 && no_views &&
        { [ "$P" = legacy ] || sim_get /stats | jq -e ".hardware_ids == 0"; }
    '

    test_expect_success "$P: lun-create names the LUNs after --name, from 1" '
        run lun-create --size 1G --name "n%02d" --count 5 --json \
            pool:sim:gold >json &&
        jq -r .id json >ids && test_line_count = 5 ids &&
        jq -r "[.name, .size, .pool, .array, .source, .copy] | @tsv" json >got &&
        for i in 1 2 3 4 5; do
            printf "n0%s\t1073741824\tpool:sim:gold\tsim\t\t\n" $i
        done >want &&
        test_cmp want got &&
        jq -e "select(.wwn | test(\"^[0-9A-F]{32}$\") | not)" json >bad;
        ! test -s bad
    '

    test_expect_success "$P: lun-mask -l shows the host LUNs 0 to 4; one batch" '
        sim_get /stats | jq -S .calls >before &&
        run lun-mask -l --host kvm01 <ids >table &&
        head -n 1 table | grep "^ID  *HOST  *LUN$" &&
        sed 1d table | awk "{ print \$1, \$2, \$3 }" >got &&
        i=0 && while read -r id; do
            echo "$id kvm01 $i"; i=$((i + 1))
        done <ids >want &&
        test_cmp want got &&
        counts_are 5 "$G_MASKED" 1 &&
        sim_get /stats | jq -S .calls >after &&
        if [ "$P" = group ]; then m=CreateMaskingView; else m=ExposePaths; fi &&
        test $(($(jq ".$m // 0" after) - $(jq ".$m // 0" before))) = 1 &&
        test "$(jq ".AddMembers // 0" after)" = 0
    '

    test_expect_success "$P: masking again changes nothing (--json: same LUNs)" '
        sim_get /stats | jq -S .calls >before &&
        run lun-mask --json --host kvm01 <ids >json &&
        jq -r "[.id, .array, .host, .lun, .masked,
                (.initiators | join(\",\"))] | @tsv" json >got &&
        i=0 && while read -r id; do
            printf "%s\tsim\tkvm01\t%s\ttrue\t%s\n" "$id" $i \
                iqn.1993-08.org.debian:01:kvm01
            i=$((i + 1))
        done <ids >want &&
        test_cmp want got &&
        sim_get /stats | jq -S .calls >after &&
        for m in CreateGroup AddMembers CreateMaskingView ExposePaths \
            CreateStorageHardwareID; do
            test "$(jq ".$m // 0" before)" = "$(jq ".$m // 0" after)" ||
                { echo "$m was called"; exit 1; }
        done &&
        counts_are 5 "$G_MASKED" 1
    '

    test_expect_success "$P: unmask, and unmask the unmasked again: both exit 0" '
        run lun-mask -u --json --host kvm01 <ids >json &&
        jq -r "[.id, .lun, .masked] | @tsv" json >got &&
        while read -r id; do printf "%s\t\tfalse\n" "$id"; done <ids >want &&
        test_cmp want got &&
        counts_are 5 0 0 &&
        run lun-mask -u -l --host kvm01 <ids >table &&
        sed 1d table | awk "{ print \$1, \$2, \$3 }" >got &&
        sed "s/$/ kvm01 -/" ids >want && test_cmp want got &&
        counts_are 5 0 0 && no_views
    '

    test_expect_success "$P: --initiator: WWPNs with colons are the host's, bare" '
        head -n 2 ids >two &&
        run lun-mask --json --initiator 21:00:00:24:ff:4c:aa:01 \
            --initiator 21000024FF4CAA02 <two >json &&
        jq -e -s "length == 2 and all(.host == \"fc01\" and
            .initiators == [\"21000024FF4CAA01\", \"21000024FF4CAA02\"])" json &&
        run lun-mask -u --host fc01 <two >out && test_cmp two out &&
        counts_are 5 0 0
    '

    if [ "$P" = group ]; then
        # SNIA's Group Masking and Mapping: a target group holds the ports'
        # endpoints, an FC port's found through DeviceSAPImplementation.
        test_expect_success "$P: an FC host's target group holds the FC port's SCSI endpoint" '
            head -n 1 ids >one &&
            run lun-mask --host fc01 <one >out && test_cmp one out &&
            req=$(grep -l "fc01-tg" "$SIM_TRACE"/*-CreateGroup.req.xml | tail -n 1) &&
            grep "SIM_SCSIProtocolEndpoint" "$req" &&
            ! grep SIM_FCPort "$req" &&
            run lun-mask -u --host fc01 <one >out && test_cmp one out &&
            counts_are 5 0 0
        '
    fi

    test_expect_success "$P: a LUN named twice is masked once" '
        head -n 1 ids >one &&
        cat one one | run lun-mask --host kvm01 >out &&
        test_cmp one out &&
        cat one one | run lun-mask -u --host kvm01 >out && test_cmp one out
    '

    test_expect_success "$P: the LUNs go again" '
        run lun-delete <ids >out && test_cmp ids out && counts_are 0 0 0
    '

    for M in snapshot clone; do
        test_expect_success "$P: $M pipeline: lun-create --$M-of ... | lun-mask | lun-mask -u | lun-delete" '
            run lun-create --size 1G --name base pool:sim:gold >src &&
            {
                { run pool-list --class gold; echo $? >rc.1; } |
                { run lun-create --$M-of "$(cat src)" --name "c%d" --count 3;
                  echo $? >rc.2; } | tee copies |
                { run lun-mask --host kvm01; echo $? >rc.3; } |
                { run lun-mask -u --host kvm01; echo $? >rc.4; } |
                { run lun-delete; echo $? >rc.5; } >out
            } 2>err
            cat err
            test "$(cat rc.1 rc.2 rc.3 rc.4 rc.5 | tr -d "\n")" = 00000 &&
            test_line_count = 3 out && test_cmp copies out &&
            run lun-delete <src && counts_are 0 0 0 && no_views
        '

        test_expect_success "$P: a $M has its source, its size and its pool" '
            run lun-create --size 2G --name base pool:sim:gold >src &&
            run lun-create --json --$M-of "$(cat src)" pool:sim:gold >json &&
            jq -e --arg src "$(lun_keys src)" --arg m "$M" \
                ".source == \$src and .copy == \$m and .size == 2147483648 and
                 .pool == \"pool:sim:gold\" and .name == \"base-${M%shot}1\"" \
                json &&
            jq -r .id json | run lun-delete && run lun-delete <src &&
            counts_are 0 0 0
        '
    done

    test_expect_success "$P: at a terminal, a copy without a pool goes to its source's" '
        run lun-create --size 1G --name base pool:sim:silver >src &&
        script -qec "lun-create --clone-of $(cat src) --name x -l" \
            /dev/null </dev/null >tty.raw &&
        tr -d "\r" <tty.raw >tty &&
        grep "^lun:sim:[0-9A-F:]* *x .* silver *clone " tty &&
        awk "/^lun:/ { print \$1 }" tty >made && test_line_count = 1 made &&
        run lun-delete <made && run lun-delete <src && counts_are 0 0 0
    '

    test_expect_success "$P: with /dev/null on stdin (cron), a copy without a pool goes to its source's" '
        run lun-create --size 1G --name base pool:sim:silver >src &&
        run lun-create --clone-of "$(cat src)" --name x --json </dev/null >json &&
        test_line_count = 1 json &&
        jq -e ".pool == \"pool:sim:silver\" and .copy == \"clone\"" json &&
        jq -r .id json | run lun-delete && run lun-delete <src && counts_are 0 0 0
    '

    test_expect_success "$P: a copy without a pool from an empty pipe makes nothing" '
        run lun-create --size 1G --name base pool:sim:gold >src &&
        : | run lun-create --clone-of "$(cat src)" >out &&
        ! test -s out && counts_are 1 0 0 &&
        run lun-delete <src && counts_are 0 0 0
    '

    # LUN IDs read: each is a source, copied --count times into its pool.

    test_expect_success "$P: lun-list | lun-create --count 2 | lun-mask: two snapshots of each LUN" '
        run lun-create --size 1G --name gb pool:sim:gold >src &&
        run lun-create --size 2G --name sb pool:sim:silver >>src &&
        {
            { run lun-list pool:sim:gold pool:sim:silver; echo $? >rc.1; } |
            { run lun-create --count 2; echo $? >rc.2; } | tee copies |
            { run lun-mask --host kvm01; echo $? >rc.3; } >out
        } 2>err
        cat err
        test "$(cat rc.1 rc.2 rc.3 | tr -d "\n")" = 000 && ! test -s err &&
        test_line_count = 4 out && test_cmp copies out &&
        counts_are 6 "$G_MASKED" 1 &&
        run lun-list --json <copies >json &&
        jq -r "[.name, .size, .pool, .source, .copy] | @tsv" json >got &&
        gb=$(lun_keys src | sed -n 1p) && sb=$(lun_keys src | sed -n 2p) &&
        printf "%s\t%s\t%s\t%s\tsnapshot\n" \
            gb-snap1 1073741824 pool:sim:gold "$gb" \
            gb-snap2 1073741824 pool:sim:gold "$gb" \
            sb-snap1 2147483648 pool:sim:silver "$sb" \
            sb-snap2 2147483648 pool:sim:silver "$sb" >want &&
        test_cmp want got &&
        run lun-mask -u --host kvm01 <copies >/dev/null &&
        run lun-delete <copies >/dev/null && run lun-delete <src >/dev/null &&
        counts_are 0 0 0
    '

    test_expect_success "$P: with copy-method = clone, LUNs read are cloned (--json, -l)" '
        sed "/^uri = smis/a copy-method = clone" "$SANPROV_CONFIG" >clone.conf &&
        run lun-create --size 1G --name gb pool:sim:gold >src &&
        run lun-create -c clone.conf --count 2 --json <src >json &&
        jq -r "[.name, .size, .pool, .array, .source, .copy] | @tsv" json >got &&
        for i in 1 2; do
            printf "gb-clone%s\t1073741824\tpool:sim:gold\tsim\t%s\tclone\n" \
                "$i" "$(lun_keys src)"
        done >want &&
        test_cmp want got && counts_are 3 0 0 &&
        run lun-create -c clone.conf -l <src >table &&
        sed 1d table >row && test_line_count = 1 row &&
        grep "^lun:sim:[0-9A-F:]*  *gb-clone1  *1073741824 .* gold  *clone  *$(cut -d: -f3 src)$" row &&
        jq -r .id json >copies && awk "{ print \$1 }" row >>copies &&
        run lun-delete <copies >/dev/null && run lun-delete <src >/dev/null &&
        counts_are 0 0 0
    '

    test_expect_success "$P: a LUN read twice goes on counting; --name numbers all the copies in turn" '
        run lun-create --size 1M --name x pool:sim:gold >src &&
        run lun-create --size 1M --name y pool:sim:gold >>src &&
        x=$(sed -n 1p src) && y=$(sed -n 2p src) &&
        { cat src; echo "$x"; } | run lun-create --json >json &&
        jq -r .name json >got && printf "x-snap1\ny-snap1\nx-snap2\n" >want &&
        test_cmp want got &&
        { cat src; echo "$x"; } |
            run lun-create --name "v%02d" --count 2 --json >json2 &&
        jq -r "[.name, .source] | @tsv" json2 >got &&
        x=$(echo "$x" | lun_keys) && y=$(echo "$y" | lun_keys) &&
        printf "v0%s\t%s\n" 1 "$x" 2 "$x" 3 "$y" 4 "$y" 5 "$x" 6 "$x" >want &&
        test_cmp want got && counts_are 11 0 0 &&
        cat json json2 | jq -r .id | run lun-delete >/dev/null &&
        run lun-delete <src >/dev/null && counts_are 0 0 0
    '

    test_expect_success "$P: the copies of a LUN named with a % are named after it as it is" '
        run lun-create --size 1M --name "p%%d" pool:sim:gold >src &&
        run lun-create --json <src >json &&
        jq -r .name json >got && echo "p%d-snap1" >want && test_cmp want got &&
        jq -r .id json | run lun-delete >/dev/null &&
        run lun-delete <src >/dev/null && counts_are 0 0 0
    '

    test_expect_success "$P: LUNs and a pool for the usage errors" '
        run lun-create --size 1M --name "u%d" --count 2 pool:sim:gold >two &&
        echo pool:sim:gold >pool && cat two pool >lun-pool &&
        cat pool two >pool-lun && counts_are 2 0 0
    '

    while IFS='|' read -r opts input msg; do
        test_expect_code 2 "$P: lun-create $opts <$input is a usage error, nothing made" '
            opts=$(echo "$opts" | sed "s/FIRST/$(head -n 1 two)/")
            # shellcheck disable=SC2086
            run lun-create $opts <"$input" >out 2>err
            rc=$?; cat err
            grep -F -- "$msg" err && ! test -s out && counts_are 2 0 0 &&
                exit $rc
        '
    done <<'EOF'
--snapshot-of FIRST|two|--snapshot-of names the source already, so a pool ID is wanted, not a lun ID
--clone-of FIRST|two|--clone-of names the source already
--size 1G|two|copied at its own size, so --size cannot be used with it
--count 2|lun-pool|cannot read ID 'pool:sim:gold': pool IDs and lun IDs cannot be mixed
--count 2|pool-lun|pool IDs and lun IDs cannot be mixed
--count 2|pool|--size is needed to make LUNs in a pool
--name v|two|--name 'v' has no number (%d) for the copies of 2 LUNs
EOF

    test_expect_success "$P: the LUNs of the usage errors go" '
        run lun-delete <two >/dev/null && counts_are 0 0 0
    '

    test_expect_code 3 "$P: a LUN read that does not exist exits 3, nothing made" '
        run lun-create --size 1M --name z pool:sim:gold >src &&
        { cat src; echo lun:sim:0000FFFF; } | run lun-create --count 2 \
            >out 2>err
        rc=$?; cat err
        grep "cannot copy .lun:sim:0000FFFF.: " err && ! test -s out &&
        counts_are 1 0 0 && run lun-delete <src >/dev/null && exit $rc
    '

    test_expect_code 1 "$P: a copy of the second LUN read refused: all the run made is removed" '
        run lun-create --size 1G --name small pool:sim:gold >src &&
        run lun-create --size 4T --name big pool:sim:gold >>src &&
        run lun-create -c clone.conf --count 2 <src >out 2>err
        rc=$?; cat err
        grep "cannot make clone .big-clone2. of .$(sed -n 2p src).: .*bytes free" err &&
        grep "removed the 3 LUNs this run had made" err &&
        ! test -s out && counts_are 2 0 0 &&
        run lun-delete <src >/dev/null && counts_are 0 0 0 && exit $rc
    '

    test_expect_code 3 "$P: lun-mask --host with an unknown host exits 3" '
        echo lun:sim:00000001 | run lun-mask --host kvm99 2>err
        rc=$?; cat err; grep "no host .kvm99." err && exit $rc
    '

    test_expect_code 6 "$P: lun-mask --host with a host without initiators exits 6" '
        echo lun:sim:00000001 | run lun-mask --host bare 2>err
        rc=$?; cat err; grep "host .bare. has no initiators" err && exit $rc
    '

    test_expect_code 2 "$P: lun-mask --initiator: iSCSI and FC mixed is a usage error" '
        echo lun:sim:00000001 | run lun-mask --initiator iqn.2026-01.x:a \
            --initiator 21:00:00:24:ff:4c:aa:01
    '

    test_expect_code 2 "$P: lun-mask with both --host and --initiator is a usage error" '
        echo lun:sim:00000001 | run lun-mask --host kvm01 \
            --initiator iqn.2026-01.x:a
    '

    test_expect_code 2 "$P: lun-mask --initiator that is no initiator is a usage error" '
        echo lun:sim:00000001 | run lun-mask --initiator kvm01
    '

    test_expect_code 3 "$P: lun-mask of a LUN that does not exist exits 3" '
        echo lun:sim:0000FFFF | run lun-mask --host kvm01 >out 2>err
        rc=$?; cat err; ! test -s out && exit $rc
    '

    for args in "--name a%s" "--name a%d%d" "--name a%x" "--name a%n" \
        "--name a%-3d" "--name a% --count 1" "--name a --count 2" \
        "--name= " "--count 0" "--count 10001" "--count 1x" "--count -1" \
        "--size 0" "--size 1KB" "--size -1G" "--size junk" "" \
        "--timeout 0" "--timeout 1.5"; do
        test_expect_code 2 "$P: lun-create --size 1G $args pool:sim:gold is a usage error" '
            # shellcheck disable=SC2086
            case "$args" in --size*|"") s= ;; *) s="--size 1G" ;; esac
            run lun-create $s $args pool:sim:gold >out 2>err
            rc=$?; cat err; ! test -s out && counts_are 0 0 0 && exit $rc
        '
    done

    test_expect_success "$P: %% is a % and %0Nd pads; one name needs no number" '
        run lun-create --size 1M --name "p%%%03d" --count 2 --json \
            pool:sim:gold >json &&
        jq -r .name json >got && printf "p%%001\np%%002\n" >want &&
        test_cmp want got &&
        run lun-create --size 1M --name "plain" --json pool:sim:gold >>json &&
        jq -r .id json | run lun-delete >/dev/null && counts_are 0 0 0
    '

    test_expect_code 2 "$P: --clone-of with --snapshot-of is a usage error" '
        run lun-create --clone-of lun:sim:1 --snapshot-of lun:sim:1 \
            pool:sim:gold
    '

    test_expect_code 2 "$P: --size with --clone-of is a usage error" '
        run lun-create --size 1G --clone-of lun:sim:1 pool:sim:gold
    '

    test_expect_code 2 "$P: --snapshot-of a pool ID is a usage error" '
        run lun-create --snapshot-of pool:sim:gold pool:sim:gold
    '

    test_expect_code 3 "$P: --snapshot-of a LUN that does not exist exits 3" '
        run lun-create --snapshot-of lun:sim:0000FFFF pool:sim:gold >out 2>err
        rc=$?; cat err
        grep "cannot snapshot .lun:sim:0000FFFF." err && ! test -s out &&
        counts_are 0 0 0 && exit $rc
    '

    test_expect_code 3 "$P: a pool that does not exist exits 3, nothing made" '
        run lun-create --size 1G --count 2 pool:sim:gold pool:sim:nope >out
        rc=$?; ! test -s out && counts_are 0 0 0 && exit $rc
    '

    test_expect_code 2 "$P: a bad ID in the input stops the run before anything is made" '
        printf "pool:sim:gold\nlun:sim:1\n" | run lun-create --size 1G >out
        rc=$?; ! test -s out && counts_are 0 0 0 && exit $rc
    '

    test_expect_code 6 "$P: a snapshot in another pool than its source's exits 6" '
        run lun-create --size 1G pool:sim:gold >src &&
        run lun-create --snapshot-of "$(cat src)" --count 2 pool:sim:silver \
            >out 2>err
        rc=$?; cat err; ! test -s out && counts_are 1 0 0 &&
        run lun-delete <src && counts_are 0 0 0 && exit $rc
    '

    test_expect_code 1 "$P: a pool too small: the array says so, nothing is left" '
        run lun-create --size 3T --count 4 pool:sim:gold >out 2>err
        rc=$?; cat err
        grep "cannot create LUN .lun4. in .pool:sim:gold.: .*bytes free" err &&
        grep "removed the 3 LUNs this run had made" err &&
        ! test -s out && counts_are 0 0 0 && exit $rc
    '

    if [ "$P" = group ]; then
        test_expect_success "$P: a view found through one of fc01's WWPNs gets the other" '
            run lun-create --size 1M --count 2 pool:sim:gold >ids2 &&
            head -n 1 ids2 | run lun-mask --initiator 21:00:00:24:ff:4c:aa:01 \
                >/dev/null &&
            sim_get /stats | jq -e ".hardware_ids == 1" &&
            run lun-mask --host fc01 --json <ids2 >json &&
            jq -e -s "length == 2 and all(.initiators | length == 2)" json &&
            run lun-list --json <ids2 >list &&
            jq -e -s "all(.masking | map(.initiator) | sort ==
                [\"21000024FF4CAA01\", \"21000024FF4CAA02\"])" list &&
            counts_are 2 3 1 &&
            run lun-mask -u --host fc01 <ids2 >/dev/null &&
            counts_are 2 0 0 &&
            sim_get /stats | jq -e ".hardware_ids == 0" &&
            run lun-delete <ids2 >/dev/null && counts_are 0 0 0
        '
    fi

    sim_stop
    test_expect_success "$P: the array stops cleanly" 'sim_stopped_ok'
done

# ---- masking groups: a lost answer, and what an interrupted run left ----

SIM_NAME=stale
start group --drop CreateGroup:1

test_expect_code 4 "a lost CreateGroup answer fails lun-mask (exit 4); the group it made goes" '
    run lun-create --size 1M pool:sim:gold >ids &&
    run lun-mask -v --host kvm01 <ids >out 2>err
    rc=$?; cat err
    grep "removing masking group .sanprov-kvm01-ig., which is in no view" err &&
    ! test -s out && counts_are 1 0 0 &&
    sim_get /stats | jq -e ".hardware_ids == 0" && exit $rc
'

test_expect_success "then lun-mask works, and unmasking leaves nothing" '
    run lun-mask --host kvm01 <ids >out && test_cmp ids out &&
    counts_are 1 3 1 &&
    run lun-mask -u --host kvm01 <ids >/dev/null &&
    run lun-delete <ids >/dev/null &&
    counts_are 0 0 0 && sim_get /stats | jq -e ".hardware_ids == 0"
'

kill9
SIM_NAME=stale2
start group

test_expect_success "an initiator group an interrupted run left is removed, then the view made" '
    wbemcli cm "$SIM_URL/$SIM_HWMS" \
        "CreateStorageHardwareID.StorageID=iqn.1993-08.org.debian:01:kvm01,IDType=5,ElementName=sanprov-kvm01" &&
    wbemcli cm "$SIM_URL/$SIM_GMMS" \
        "CreateGroup.GroupName=sanprov-kvm01-ig,Type=2,Members=$(sim_hwid SIM+HWID+1)" &&
    counts_are 0 1 0 &&
    run lun-create --size 1M pool:sim:gold >ids &&
    run lun-mask -v --host kvm01 <ids >out 2>err &&
    cat err && test_cmp ids out &&
    grep "removing masking group .sanprov-kvm01-ig., which is in no view" err &&
    counts_are 1 3 1 &&
    run lun-mask -u --host kvm01 <ids >/dev/null &&
    run lun-delete <ids >/dev/null &&
    counts_are 0 0 0 && sim_get /stats | jq -e ".hardware_ids == 0"
'

sim_stop
test_expect_success "smis-sim (stale groups) stops cleanly" 'sim_stopped_ok'

# ---- jobs: waiting, progress, --timeout ----

SIM_NAME=job
start group --job-seconds "$JOB_S"

test_expect_success "lun-create waits for the array's job ($JOB_S s)" '
    t0=$(date +%s%N) &&
    run lun-create --size 1G pool:sim:gold >id 2>err &&
    t1=$(date +%s%N) && cat err &&
    test $(((t1 - t0) / 1000000)) -ge $((JOB_S * 1000)) &&
    grep "^lun:sim:" id && ! test -s err
'

test_expect_success 'on a terminal, a progress line shows while the job runs' '
    script -qec "lun-create --size 1G --name prog pool:sim:gold" /dev/null \
        </dev/null >tty.raw &&
    grep "creating LUN .prog. \.\.\. [0-9]*%" tty.raw &&
    tr "\r" "\n" <tty.raw | grep "^lun:sim:" >id2
'

test_expect_success 'no progress with -q, nor when stderr is a file' '
    script -qec "lun-create -q --size 1G pool:sim:gold" /dev/null \
        </dev/null >tty.raw &&
    ! grep "creating LUN" tty.raw &&
    script -qec "lun-create --size 1G pool:sim:gold 2>err" /dev/null \
        </dev/null >tty.raw &&
    ! grep "creating LUN" tty.raw err
'

test_expect_success 'interrupted, lun-create removes what it made and dies of SIGINT' '
    sim_get /stats | jq .volumes >before &&
    # shellcheck disable=SC2086
    (exec $SANPROV_WRAP lun-create --size 1G --count 5 pool:sim:gold \
        >out 2>err) &
    pid=$! && sleep $((JOB_S / 2)) && kill -INT "$pid"
    wait "$pid"; rc=$?; cat err
    test "$rc" = 130 && ! test -s out &&
    grep "interrupted by SIGINT: removing the LUNs made" err &&
    test "$(sim_get /stats | jq .volumes)" = "$(cat before)"
'

test_expect_code 7 'lun-create --timeout 1: exit 7 and the job ID on stdout' '
    run lun-create --size 1G --name late --timeout 1 pool:sim:gold >out 2>err
    rc=$?; cat err out
    test_line_count = 1 out && grep "^job:sim:" out &&
    grep "still running on the array after 1 s" err && exit $rc
'

test_expect_success 'the job goes on, and makes its LUN' '
    sleep "$JOB_S" && counts_are 5 0 0
'

test_expect_success 'on a terminal, lun-mask and lun-delete show the progress of their jobs' '
    run lun-create --size 1M --name pm pool:sim:gold >pm &&
    id=$(cat pm) &&
    script -qec "lun-mask --host kvm01 $id" /dev/null </dev/null >tty.mask &&
    grep "creating a masking view \.\.\. [0-9]*%" tty.mask &&
    script -qec "lun-mask -u --host kvm01 $id" /dev/null </dev/null >tty.unmask &&
    grep "removing a masking view \.\.\. [0-9]*%" tty.unmask &&
    script -qec "lun-delete $id" /dev/null </dev/null >tty.delete &&
    grep "deleting LUN [0-9A-F]* \.\.\. [0-9]*%" tty.delete &&
    tr "\r" "\n" <tty.delete | grep -x "$id"
'

test_expect_code 7 'lun-mask --timeout 1: exit 7, the LUN failed, the job ID printed' '
    run lun-create --size 1M --name tm pool:sim:gold >tm &&
    run lun-mask --timeout 1 --host kvm01 <tm >out 2>err
    rc=$?; cat err out
    test_line_count = 1 out && grep "^job:sim:" out &&
    grep "^lun-mask: cannot mask .$(cat tm).: .*still running on the array after 1 s" err &&
    exit $rc
'

test_expect_success 'the masking job goes on: the LUN ends up masked' '
    sleep "$JOB_S" &&
    run lun-list --json <tm | jq -e ".masking[0].host == \"kvm01\"" &&
    run lun-mask -u --host kvm01 <tm >/dev/null
'

test_expect_code 7 'lun-delete --timeout 1 --json: exit 7 and the pending job' '
    run lun-delete --timeout 1 --json <tm >json 2>err
    rc=$?; cat err json
    jq -e -s "length == 1 and (.[0].id | startswith(\"job:sim:\")) and
        .[0].pending == true" json &&
    grep "^lun-delete: cannot delete .$(cat tm).: " err && exit $rc
'

test_expect_success 'the delete job goes on: the LUN is gone in the end' '
    sleep "$JOB_S" &&
    { run lun-list <tm; test $? = 3; }
'

kill9

SIM_NAME=stall
start group --job-seconds 1 --job-stall 2

test_expect_code 7 '--timeout: the LUNs made before a stalled job are printed first, then the job' '
    run lun-create --size 1G --count 3 --timeout 3 --json pool:sim:gold \
        >json 2>err
    rc=$?; cat err json
    jq -r .id json >out && test_line_count = 2 out &&
    head -n 1 out | grep "^lun:sim:" && tail -n 1 out | grep "^job:sim:" &&
    jq -e -s ".[1].pending == true and .[1].name == \"lun2\" and
        .[0].name == \"lun1\"" json &&
    grep "kept the 1 LUN made before the job" err &&
    counts_are 2 0 0 && exit $rc
'

kill9

SIM_NAME=stall-copy
start group --preload-volumes 1 --job-seconds 1 --job-stall 2

test_expect_code 7 '--timeout with LUNs read: the copy made, then the job making the next' '
    echo lun:sim:00000001 |
        run lun-create --count 3 --timeout 3 --json >json 2>err
    rc=$?; cat err json
    jq -e -s "length == 2 and .[0].name == \"preload1-snap1\" and
        (.[1].id | startswith(\"job:sim:\")) and .[1].pending == true and
        .[1].name == \"preload1-snap2\" and .[1].copy == \"snapshot\" and
        .[1].source == \"lun:sim:00000001\" and .[1].pool == \"pool:sim:gold\"" \
        json &&
    grep "kept the 1 LUN made before the job" err &&
    counts_are 3 0 0 && exit $rc
'

kill9

SIM_NAME=cleanup
start group --fail CreateOrModifyElementFromStoragePool:3 \
    --fail ReturnToStoragePool:2

test_expect_code 1 'a LUN the undoing cannot remove is reported loudly' '
    run lun-create --size 1G --count 3 pool:sim:gold >out 2>err
    rc=$?; cat err
    ! test -s out &&
    grep "cannot create LUN .lun3. in .pool:sim:gold.: .*simulated failure of CreateOrModifyElementFromStoragePool call 3" err &&
    grep "could not remove .lun:sim:00000001.: .*simulated failure of ReturnToStoragePool call 2" err &&
    grep "removed the 1 LUN this run had made" err &&
    counts_are 1 0 0 && exit $rc
'

kill9

# ---- a snapshot refused in the middle of the LUNs read ----

for P in group legacy; do
    SIM_NAME=middle
    start "$P" --preload-volumes 2 --fail CreateElementReplica:3
    test_expect_code 1 "$P: lun-list | lun-create --count 2: the third snapshot refused, the two made are removed" '
        run lun-list pool:sim:gold | run lun-create --count 2 >out 2>err
        rc=$?; cat err
        grep "cannot make snapshot .preload2-snap1. of .lun:sim:00000002.: .*simulated failure of CreateElementReplica call 3" err &&
        grep "removed the 2 LUNs this run had made" err &&
        ! test -s out && counts_are 2 0 0 && exit $rc
    '
    kill9
done

# ---- fault injection on every call of lun-create | lun-mask ----
#
# A first run counts the calls the pipeline makes, per operation or method
# name.  Then, for each name and each N up to its count, a fresh simulator
# fails (--fail: CIM_ERR_FAILED) or cuts the response of (--drop) the Nth
# call, and the pipeline runs again: the program that met the fault exits
# with the documented code (1, or 4 for a lost connection) and a message
# carrying the array's words, and the array holds nothing that the failed
# program made.  When lun-mask fails, lun-create succeeded: its LUNs are
# exactly the ones left, and lun-delete removes them.  A dropped call that
# changes something may well have been carried out: lun-mask finds and
# removes what such a call may have made (checked); lun-create looks for
# the LUN of that name carrying its run's tag, and goes on with it when
# the array made it (sanprov(7), "Tags").
# Pull operations that fail are retried with the classic operation by the
# client, so the pipeline may succeed then.

# The pipelines: "create" makes LUNs, "snapshot" copies a preloaded one.
pipe_create() {
    case $1 in
    create) run lun-create --size 1G --count 3 pool:sim:gold ;;
    snapshot) run lun-create --snapshot-of lun:sim:00000001 --count 3 \
        pool:sim:gold ;;
    esac
}

# fault_run VARIANT: the pipeline, leaving rc.create, rc.mask, created
# (lun-create's output), out, err and stats.json.
fault_run() {
    rm -f rc.create rc.mask created out err
    {
        { pipe_create "$1"; echo $? >rc.create; } | tee created |
        { run lun-mask --host kvm01; echo $? >rc.mask; } >out
    } 2>err
    sim_get /stats >stats.json
}

# Calls that change the array: a dropped one may have been carried out.
changes() {
    case $1 in
    Create* | AddMembers | ExposePaths) return 0 ;;
    esac
    return 1
}

# fault_check MODE NAME N BASE: in a test body, after fault_run; BASE is
# the number of volumes before (the preloaded source).
fault_check() {
    rc_c=$(cat rc.create) rc_m=$(cat rc.mask)
    cat err
    echo "lun-create $rc_c, lun-mask $rc_m;" \
        "$(jq -c "{volumes, groups, views}" stats.json)"
    if [ "$1" = fail ]; then
        code=1 text="CIM_ERR_FAILED: simulated failure of $2 call $3"
    else
        code=4 text="connection to .* closed before the response was complete"
    fi
    if [ "$rc_c" = 0 ] && [ "$rc_m" = 0 ]; then
        # Only a failed pull operation may go unseen (the classic one did
        # it), or a lost answer to a create or copy, settled by the tag.
        case $1:$2 in
        fail:Open*) ;;
        drop:CreateOrModifyElementFromStoragePool | drop:CreateElementReplica)
            grep "the array made it: lun:sim:.*, found by its tag" err ||
                return 1
            ;;
        *) echo "no failure seen"; return 1 ;;
        esac
        test_line_count -eq 3 out &&
            counts_are $(($4 + 3)) "$G_MASKED" 1 stats.json
        return
    fi
    grep "$text" err || { echo "no '$text' in the messages"; return 1; }
    if [ "$rc_c" != 0 ]; then
        if [ "$rc_c" != "$code" ] || [ "$rc_m" != 0 ] || test -s created ||
            test -s out; then
            echo "wrong exit codes or output"
            return 1
        fi
        # Undone, a LUN a lost answer made included (found by its tag).
        counts_are "$4" 0 0 stats.json
        return
    fi
    if [ "$rc_m" != "$code" ] || ! test_line_count -eq 3 created ||
        test -s out; then
        echo "wrong exit codes or output"
        return 1
    fi
    # lun-mask takes back what it made, a lost answer included.
    counts_are $(($4 + 3)) 0 0 stats.json &&
        { [ "$P" = legacy ] || jq -e ".hardware_ids == 0" stats.json; } &&
        run lun-list pool:sim:gold >all || return 1
    # Without the preloaded source, when there is one.
    if [ "$4" = 1 ]; then grep -v "^lun:sim:00000001:" all >left; else
        cp all left; fi
    sort created >want && sort left >got && test_cmp want got &&
        run lun-delete <created >/dev/null && counts_are "$4" 0 0
}

cases=0
reported=0
for P in group legacy; do
    if [ "$P" = group ]; then G_MASKED=3; else G_MASKED=0; fi
    for V in create snapshot; do
        [ -n "$SANPROV_WRAP" ] && [ "$V" = snapshot ] && continue
        if [ "$V" = snapshot ]; then
            base=1 preload="--preload-volumes 1"
        else
            base=0 preload=
        fi
        SIM_NAME=count
        # shellcheck disable=SC2086
        start "$P" $preload
        fault_run "$V"
        jq -r '.calls | to_entries[] | "\(.key) \(.value)"' stats.json \
            >"calls.$P.$V"
        kill9
        test_expect_success "$P, $V: the pipeline works and counts its calls" '
            cat err "calls.$P.$V"
            test "$(cat rc.create rc.mask | tr -d "\n")" = 00 &&
            test_line_count = 3 out && test -s "calls.$P.$V"
        '
        for mode in fail drop; do
            while read -r name count; do
                n=1
                while [ "$n" -le "$count" ]; do
                    SIM_NAME=fault
                    # shellcheck disable=SC2086
                    start "$P" $preload "--$mode" "$name:$n"
                    fault_run "$V"
                    cases=$((cases + 1))
                    test_expect_success "$P, $V: --$mode $name:$n" '
                        fault_check "$mode" "$name" "$n" "$base"
                    '
                    if [ "$mode" = drop ] && changes "$name" &&
                        [ "$(cat rc.create)" != 0 ]; then
                        reported=$((reported + 1))
                        echo "# $P, $V: --drop $name:$n (lun-create" \
                            "$(cat rc.create), lun-mask $(cat rc.mask)):" \
                            "the array holds" \
                            "$(jq -r '"\(.volumes) volume(s), \(.groups) group(s), \(.views) view(s), \(.hardware_ids) hardware ID(s)"' stats.json)"
                    fi
                    kill9
                    # Under valgrind: the first call of each name only.
                    if [ -n "$SANPROV_WRAP" ]; then n=$count; fi
                    n=$((n + 1))
                done
            done <"calls.$P.$V"
        done
    done
done
echo "# $cases fault cases; $reported dropped changes reported above"

test_done
