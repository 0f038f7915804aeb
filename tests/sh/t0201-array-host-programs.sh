#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0201-array-host-programs.sh: array-info, pool-list and host-list against smis-sim in both personalities: output modes, filters, errors and exit codes.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

TIB10=10995116277760 # the size of each default pool of smis-sim
# smis-sim's firmware version is its own: "smis-sim (sanprov) VERSION".
SIM_VERSION=$(smis-sim --version | awk '{ print $NF }')

# on_tty COMMAND: run COMMAND (a shell string) with a terminal on stdin,
# stdout and stderr; its output, with the terminal's \r\n made \n, goes to
# stdout.  Exits with COMMAND's status.
on_tty() {
    script -qec "$1" /dev/null </dev/null >tty.raw
    _rc=$?
    tr -d '\r' <tty.raw
    return $_rc
}

# write_conf FILE [ARRAY-SECTION-LINES]: a configuration with array "sim"
# at $SIM_PORT (the lines given instead of the uri when there are some),
# the class of one pool and two hosts.
write_conf() {
    {
        echo '[array "sim"]'
        if [ -n "$2" ]; then
            printf '%s\n' "$2"
        else
            echo "uri = smis+http://127.0.0.1:$SIM_PORT"
        fi
        echo '[pool "sim:gold"]'
        echo 'class = gold'
        echo 'host-groups = prod'
        echo '[host "kvm01"]'
        echo 'uri = test:///default'
        echo 'group = prod'
        echo 'connectivity = iscsi'
        echo 'iscsi-initiator = iqn.1993-08.org.debian:01:kvm01'
        echo '[host "fc01"]'
        echo 'uri = qemu+ssh://fc01.example.net/system'
        echo 'connectivity = fc'
        echo 'fc-wwpn = 21:00:00:24:ff:4c:aa:01, 21:00:00:24:ff:4c:aa:02'
    } >"$1"
}

# ---- the command line, without an array ----

for p in array-info pool-list host-list; do
    test_expect_code 2 "$p: a bad option exits 2" '
        run $p --no-such-option 2>err </dev/null
        rc=$?
        grep -e "--no-such-option" err && exit $rc
    '
done

test_expect_code 2 'pool-list: --supports takes snapshot or clone only' '
    run pool-list --supports mirror 2>err
    rc=$?
    grep "snapshot or clone" err && exit $rc
'

test_expect_code 2 'pool-list: --min-free takes a binary size' '
    run pool-list --min-free 1KB 2>err
    rc=$?
    grep "1KB" err && exit $rc
'

test_expect_code 2 'pool-list: takes no arguments' '
    run pool-list pool:sim:gold 2>err
'

# ---- both personalities ----

for personality in group legacy; do
    if [ "$personality" = group ]; then
        async=false async_cell=no jobs=0
        masking_profile='Group Masking and Mapping 1.8.0'
    else
        async=true async_cell=yes jobs=1
        masking_profile='Masking and Mapping 1.8.0'
    fi
    SIM_NAME=$personality
    sim_start --personality "$personality" --job-seconds "$jobs"
    SANPROV_CONFIG=$TRASH/$personality.conf
    export SANPROV_CONFIG
    write_conf "$SANPROV_CONFIG"
    P="$personality:"

    # array-info

    test_expect_success "$P array-info prints the IDs of the arrays given" '
        run array-info array:sim >out &&
        echo array:sim >want &&
        test_cmp want out
    '

    test_expect_success "$P array-info reads array IDs from stdin only with -" '
        echo array:sim | run array-info - >out &&
        echo array:sim >want &&
        test_cmp want out
    '

    test_expect_success "$P array-info with no arguments probes every array, whatever stdin is" '
        echo array:nope | run array-info >out &&
        echo array:sim >want &&
        test_cmp want out &&
        run array-info </dev/null >out &&
        test_cmp want out
    '

    test_expect_success "$P array-info -l: snapshot, clone, masking $personality" '
        run array-info -l array:sim >out &&
        test_line_count = 2 out &&
        head -n 1 out >header &&
        grep -x "ID  *DRIVER  *VENDOR  *MODEL  *FIRMWARE  *VERSION  *SNAPSHOT  *CLONE  *MASKING  *ASYNC  *RAPID" header &&
        sed -n 2p out >row &&
        awk -v m="$personality" -v a="$async_cell" -v fw="$SIM_VERSION" "
            \$1 == \"array:sim\" && \$2 == \"smis\" &&
            \$3 == \"sanprov\" && \$4 == \"smis-sim\" && \$5 == fw &&
            \$6 == \"1.8.0\" && \$7 == \"yes\" && \$8 == \"yes\" &&
            \$9 == m && \$10 == a && \$11 == \"yes\" && NF == 11 { ok = 1 }
            END { exit !ok }" row
    '

    test_expect_success "$P array-info --json: fields and types" '
        run array-info --json array:sim >out &&
        test_line_count = 1 out &&
        jq -e --arg m "$personality" --argjson a "$async" \
            --arg mp "$masking_profile" --arg fw "$SIM_VERSION" "
            (keys_unsorted == [\"id\", \"array\", \"driver\", \"vendor\",
                \"model\", \"firmware\", \"version\", \"snapshot\",
                \"clone\", \"masking\", \"async\", \"rapid_provisioning\",
                \"profiles\"]) and
            .id == \"array:sim\" and .array == \"sim\" and
            .driver == \"smis\" and .vendor == \"sanprov\" and
            .model == \"smis-sim\" and .firmware == \$fw and
            .version == \"1.8.0\" and
            .snapshot == true and .clone == true and .masking == \$m and
            .async == \$a and .rapid_provisioning == true and
            (.profiles | type) == \"array\" and
            (.profiles | all(type == \"string\")) and
            (.profiles | index([\"Array 1.8.0\"]) != null) and
            (.profiles | index([\$mp]) != null)" out
    '

    test_expect_code 3 "$P array-info: an unknown array exits 3" '
        run array-info array:nope >out 2>err
        rc=$?
        test_line_count = 0 out &&
        grep -x "array-info: no array .nope. in the configuration" err &&
        exit $rc
    '

    test_expect_code 5 "$P array-info: an unknown and a known array exit 5" '
        run array-info array:nope array:sim >out 2>err
        rc=$?
        echo array:sim >want &&
        test_cmp want out && grep "nope" err && exit $rc
    '

    test_expect_code 2 "$P array-info: a pool ID is refused (exit 2), the rest done" '
        run array-info pool:sim:gold array:sim >out 2>err
        rc=$?
        echo array:sim >want &&
        test_cmp want out &&
        grep "an array ID is wanted, not a pool ID" err && exit $rc
    '

    # pool-list

    test_expect_success "$P pool-list prints the pool IDs of every array" '
        run pool-list >out &&
        printf "%s\n" pool:sim:gold pool:sim:silver >want &&
        sort out | test_cmp want -
    '

    test_expect_success "$P pool-list -l: a header and a row per pool" '
        run pool-list -l >out &&
        test_line_count = 3 out &&
        head -n 1 out >header &&
        grep -x "ID  *NAME  *CLASS  *TOTAL  *FREE  *USED" header &&
        grep -x "pool:sim:gold  *gold  *gold  *$TIB10  *$TIB10  *0%" out &&
        grep -x "pool:sim:silver  *silver  *-  *$TIB10  *$TIB10  *0%" out
    '

    test_expect_success "$P pool-list -l -H: sizes in IEC units" '
        run pool-list -l -H >out &&
        grep -x "pool:sim:gold  *gold  *gold  *10TiB  *10TiB  *0%" out
    '

    test_expect_success "$P pool-list --json: fields and types" '
        run pool-list --json >out &&
        test_line_count = 2 out &&
        jq -e -s "
            all(.[]; (keys_unsorted == [\"id\", \"array\", \"name\", \"class\",
                \"managed\", \"total\", \"free\", \"snapshot\", \"clone\"]) and
                (.id | type) == \"string\" and .array == \"sim\" and
                (.name | type) == \"string\" and
                (.managed | type) == \"boolean\" and
                .total == $TIB10 and (.free | type) == \"number\" and
                .snapshot == true and .clone == true) and
            (map(select(.name == \"gold\"))[0] |
                .id == \"pool:sim:gold\" and .class == \"gold\" and .managed) and
            (map(select(.name == \"silver\"))[0] |
                .class == null and (.managed | not))" out
    '

    test_expect_success "$P pool-list --class gold: the gold pool only" '
        run pool-list --class gold >out &&
        echo pool:sim:gold >want &&
        test_cmp want out &&
        run pool-list --class platinum >out &&
        test_line_count = 0 out
    '

    test_expect_success "$P pool-list --min-free: more than is free lists nothing" '
        run pool-list --min-free 11T >out &&
        test_line_count = 0 out &&
        run pool-list --min-free 10T >out &&
        test_line_count = 2 out &&
        run pool-list --min-free=1.5G --class gold >out &&
        echo pool:sim:gold >want &&
        test_cmp want out
    '

    test_expect_success "$P pool-list --supports snapshot and clone: both pools" '
        run pool-list --supports snapshot >out &&
        test_line_count = 2 out &&
        run pool-list --supports=clone >out &&
        test_line_count = 2 out
    '

    test_expect_success "$P pool-list --array sim" '
        run pool-list -a sim >out &&
        test_line_count = 2 out
    '

    test_expect_code 3 "$P pool-list --array nope exits 3" '
        run pool-list --array nope >out 2>err
        rc=$?
        test_line_count = 0 out &&
        grep -x "pool-list: no array .nope. in the configuration" err &&
        exit $rc
    '

    test_expect_success "$P the arrays of the pools pipe into array-info" '
        run pool-list --json | jq -r "\"array:\" + .array" | sort -u |
            run array-info - >out &&
        echo array:sim >want &&
        test_cmp want out
    '
    sim_stop
    test_expect_success "$P smis-sim stops cleanly" 'sim_stopped_ok'
done

# ---- hosts ----

test_expect_success 'host-list prints the host IDs given' '
    run host-list host:kvm01 host:fc01 >out &&
    printf "%s\n" host:kvm01 host:fc01 >want &&
    test_cmp want out
'

test_expect_success 'host-list -l shows kvm01 with its IQN' '
    run host-list -l host:kvm01 >out &&
    test_line_count = 2 out &&
    grep -x "ID  *URI  *GROUP  *CONNECTIVITY  *INITIATORS  *DRIVER  *STATE  *UEFI  *VMS" out &&
    grep -x "host:kvm01  *test:///default  *prod  *iscsi  *iqn.1993-08.org.debian:01:kvm01  *libvirt  *reachable  *no  *0" out
'

test_expect_success 'host-list --json: fields and types' '
    run host-list --json host:kvm01 host:fc01 >out &&
    test_line_count = 2 out &&
    jq -e -s "
        all(.[]; keys_unsorted == [\"id\", \"name\", \"uri\", \"group\",
            \"connectivity\", \"initiators\", \"driver\", \"state\",
            \"error\", \"hypervisor\", \"uefi\", \"vms\"] and
            (.initiators | type) == \"array\" and .driver == \"libvirt\") and
        (.[0] | .id == \"host:kvm01\" and .name == \"kvm01\" and
            .state == \"reachable\" and .error == null and
            (.hypervisor | startswith(\"TEST \")) and .uefi == false and
            .vms == 0 and
            .uri == \"test:///default\" and .group == \"prod\" and
            .connectivity == \"iscsi\" and
            .initiators == [\"iqn.1993-08.org.debian:01:kvm01\"]) and
        (.[1] | .id == \"host:fc01\" and .group == null and
            .state == \"unreachable\" and (.error | type) == \"string\" and
            .uefi == null and .vms == null and
            .connectivity == \"fc\" and
            .initiators == [\"21000024FF4CAA01\",
                            \"21000024FF4CAA02\"])" out
'

test_expect_success 'host-list with no arguments lists every host, whatever stdin is' '
    echo host:nope | run host-list >out &&
    printf "%s\n" host:kvm01 host:fc01 >want &&
    test_cmp want out &&
    run host-list </dev/null >out &&
    test_cmp want out
'

test_expect_code 3 'host-list host:nope exits 3' '
    run host-list host:nope >out 2>err
    rc=$?
    test_line_count = 0 out &&
    grep -x "host-list: no host .nope. in the configuration" err &&
    exit $rc
'

test_expect_code 2 'host-list: an array ID is refused (exit 2)' '
    run host-list array:sim 2>err
    rc=$?
    grep "a host ID is wanted, not an array ID" err && exit $rc
'

if command -v script >/dev/null 2>&1; then
    test_expect_success 'host-list with no IDs at a terminal lists every host' '
        on_tty "$SANPROV_WRAP host-list" >out &&
        printf "%s\n" host:kvm01 host:fc01 >want &&
        test_cmp want out
    '
else
    test_skip 'host-list with no IDs at a terminal lists every host' \
        'optional: script (bsdutils) is not installed'
fi

# ---- arrays that cannot be reached or used ----

# The port of the simulator stopped last is closed now.
CLOSED=$SIM_PORT
SIM_NAME=auth
echo secret >"$TRASH/sim.pw"
chmod 600 "$TRASH/sim.pw"
sim_start --user admin --password-file "$TRASH/sim.pw"
write_conf closed.conf "uri = smis+http://127.0.0.1:$CLOSED"
{
    echo '[array "good"]'
    echo "uri = smis+http://127.0.0.1:$SIM_PORT"
    echo 'user = admin'
    echo "password-file = $TRASH/sim.pw"
    cat closed.conf
} >mixed.conf
echo wrong >wrong.pw
chmod 600 wrong.pw
cp wrong.pw open.pw
chmod 640 open.pw
for pw in sim wrong open; do
    write_conf "$pw.conf" "uri = smis+http://127.0.0.1:$SIM_PORT
user = admin
password-file = $TRASH/$pw.pw"
done
write_conf nopw.conf "uri = smis+http://127.0.0.1:$SIM_PORT
user = admin"

write_conf nodriver.conf "uri = foo://127.0.0.1"

test_expect_code 2 'array-info: a URI no driver handles is a configuration error (2) naming the line and the drivers' '
    run array-info -c nodriver.conf >out 2>err
    rc=$?; cat err
    test_line_count = 0 out &&
    grep -x "array-info: cannot probe array .sim.: nodriver.conf:2: no driver for its URI .foo://127.0.0.1. (this build has: smis+https://, smis+http://, local:)" err &&
    exit $rc
'

test_expect_code 4 'array-info: an unreachable array exits 4 and says why' '
    run array-info -c closed.conf array:sim >out 2>err
    rc=$?
    test_line_count = 0 out &&
    grep "^array-info: cannot probe array .sim.: cannot connect " err &&
    exit $rc
'

test_expect_code 4 'pool-list: an unreachable array exits 4 and says why' '
    run pool-list -c closed.conf >out 2>err
    rc=$?
    test_line_count = 0 out &&
    grep "^pool-list: cannot list pools of array .sim.: cannot connect " err &&
    exit $rc
'

test_expect_code 5 'pool-list: one array reached, one not: exit 5, its pools printed' '
    run pool-list -c mixed.conf >out 2>err
    rc=$?
    printf "%s\n" pool:good:gold pool:good:silver >want &&
    sort out | test_cmp want - &&
    grep "cannot list pools of array .sim.: cannot connect" err &&
    ! grep "good" err && exit $rc
'

test_expect_code 5 'array-info: one array reached, one not: exit 5, it is printed' '
    run array-info -c mixed.conf -l array:good array:sim >out 2>err
    rc=$?
    test_line_count = 2 out &&
    grep "^array:good  *smis " out &&
    grep "cannot probe array .sim.: cannot connect" err && exit $rc
'

test_expect_success 'the right password works' '
    run pool-list -c sim.conf >out &&
    test_line_count = 2 out &&
    run array-info -c sim.conf array:sim >out &&
    echo array:sim >want &&
    test_cmp want out
'

test_expect_success 'SANPROV_PASSWORD works for an array without password-file' '
    SANPROV_PASSWORD=secret run pool-list -c nopw.conf >out &&
    test_line_count = 2 out
'

test_expect_code 4 'no password at all exits 4 and says where to put one' '
    run pool-list -c nopw.conf </dev/null >out 2>err
    rc=$?
    test_line_count = 0 out &&
    grep "needs a password for user .admin.: set password-file" err &&
    exit $rc
'

test_expect_code 4 'pool-list: a wrong password exits 4' '
    run pool-list -c wrong.conf >out 2>err
    rc=$?
    test_line_count = 0 out &&
    grep "pool-list: cannot list pools of array .sim.: .*refused the user name or password" err &&
    ! grep -e "wrong" err && exit $rc
'

test_expect_code 4 'array-info: a wrong password exits 4' '
    run array-info -c wrong.conf array:sim >out 2>err
    rc=$?
    test_line_count = 0 out &&
    grep "array-info: cannot probe array .sim.: .*refused the user name or password" err &&
    exit $rc
'

test_expect_code 6 'pool-list: a group-readable password file is refused (exit 6)' '
    run pool-list -c open.conf >out 2>err
    rc=$?
    test_line_count = 0 out &&
    grep "open.pw.* may be read by others (mode 0640); refused: run chmod 600" err &&
    exit $rc
'

test_expect_code 6 'array-info: a group-readable password file is refused (exit 6)' '
    run array-info -c open.conf array:sim >out 2>err
    rc=$?
    grep "array-info: cannot probe array .sim.: .*run chmod 600" err &&
    exit $rc
'

if command -v script >/dev/null 2>&1; then
    test_expect_success 'array-info with no IDs at a terminal probes every array' '
        on_tty "$SANPROV_WRAP array-info -c $TRASH/sim.conf -l" >out &&
        test_line_count = 2 out &&
        grep "^array:sim  *smis .* yes$" out
    '
else
    test_skip 'array-info with no IDs at a terminal probes every array' \
        'optional: script (bsdutils) is not installed'
fi

sim_stop
test_expect_success 'smis-sim with a password stops cleanly' 'sim_stopped_ok'

test_done
