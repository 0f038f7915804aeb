#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0213-deploy-concurrent.sh: 16 vm-deploy runs at once, distinct names, to a host without masking on smis-sim (both masking personalities), into a libvirtd the test starts itself, 5 rounds: no failure, one view, distinct LUN numbers, and 16 vm-delete runs at once leave no view, group or hardware ID.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
# test_line_count takes its operator as an argument:
# shellcheck disable=SC2283
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-libvirt.sh"

# A libvirtd of the test's own; VIRSH, P and OPEN (see lib-libvirt.sh).
lv_begin 'concurrent vm-deploy into a libvirtd' jq virsh xorriso

# Runs at once and rounds; under valgrind every run is slow: fewer.
if [ -n "$SANPROV_WRAP" ]; then N=4 ROUNDS=2; else N=16 ROUNDS=5; fi
SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG

# write_conf: the simulator just started and hosts h1..h5 (one initiator
# each) of the test's libvirtd.
write_conf() {
    {
        printf '[library]\npath = %s\n' "$TRASH/library"
        printf '[array "sim"]\nuri = smis+http://127.0.0.1:%s\n' "$SIM_PORT"
        printf 'iscsi-portal = 192.0.2.10:3260\n'
        printf '[pool "sim:gold"]\nclass = gold\nhost-groups = lab\n'
        for h in h1 h2 h3 h4 h5; do
            printf '[host "%s"]\nuri = %s\ngroup = lab\n' "$h" "$LV_URI"
            printf 'iscsi-initiator = iqn.1993-08.org.debian:01:%s\n' "$h"
        done
    } >"$SANPROV_CONFIG"
}

# counts_are VIEWS GROUPS HWIDS: what the array holds.
counts_are() {
    sim_get /stats >.stats &&
        _c=$(jq -r '"\(.views) \(.groups) \(.hardware_ids)"' .stats) &&
        [ "$_c" = "$1 $2 $3" ] && return 0
    echo "views groups hardware IDs: $_c, wanted $1 $2 $3"
    return 1
}

# at_once ROUND PROGRAM ARGS...: $N runs of PROGRAM at once; run I gets
# "%I" in its ARGS replaced by I, and "in.I" on stdin when there is one.
# Each run's status in "rc.I", output in "out.I", errors in "err.I".
at_once() {
    _r=$1
    shift
    _i=1
    while [ "$_i" -le "$N" ]; do
        # shellcheck disable=SC2046
        (set -- $(echo "$*" | sed "s/%I/$_i/g; s/%R/$_r/g")
        [ -f "in.$_i" ] || : >"in.$_i"
        run "$@" <"in.$_i" >"out.$_i" 2>"err.$_i"
        echo $? >"rc.$_i") &
        _i=$((_i + 1))
    done
    wait
}

# all_ok: every run of at_once exited 0, printed one line and said nothing.
all_ok() {
    _i=1
    _bad=0
    while [ "$_i" -le "$N" ]; do
        if [ "$(cat "rc.$_i")" != 0 ] || [ "$(wc -l <"out.$_i")" != 1 ] ||
            [ -s "err.$_i" ]; then
            echo "run $_i: exit $(cat "rc.$_i")"
            cat "err.$_i"
            _bad=$((_bad + 1))
        fi
        _i=$((_i + 1))
    done
    [ "$_bad" = 0 ]
}

for p in group legacy; do
    SIM_NAME=$p
    sim_start --personality $p || continue
    write_conf
    run pool-list --class gold | run lun-create --size 1G --name golden |
        run template-make --name "deb-$p" >/dev/null

    r=1
    while [ "$r" -le "$ROUNDS" ]; do
        test_expect_success "$p: round $r: $N vm-deploy at once to a new host: 0 failures, one view, distinct LUN numbers" '
            rm -f in.* &&
            at_once '$r' vm-deploy --template deb-'$p' --host h%R \
                --name "${P}'$p'-r%R-%I" &&
            all_ok && cat out.* >vms && test_line_count = '"$N"' vms &&
            sim_state | jq -e --argjson n '"$N"' "(.views | length) == 1 and
                (.views[0].units | length) == \$n and
                ([.views[0].units[][1]] | unique | length) == \$n" &&
            if [ '$p' = group ]; then counts_are 1 3 1
            else counts_are 1 0 '$r'; fi &&
            test "$($VIRSH list --all --name | grep -c "^${P}'$p'-r'$r'-")" = '"$N"' &&
            run vm-list --json <vms >l.json &&
            test "$(jq -r .state l.json | sort -u)" = stopped &&
            test "$(jq -r .disk l.json | sed "s|.*/||" | sort -u | wc -l)" = '"$N"'
        '

        test_expect_success "$p: round $r: $N vm-delete at once: no view, group or hardware ID left" '
            i=1 && while [ $i -le '"$N"' ]; do
                sed -n "${i}p" vms >in.$i && i=$((i + 1)); done &&
            at_once '$r' vm-delete && all_ok &&
            if [ '$p' = group ]; then counts_are 0 0 0
            else counts_are 0 0 '$r'; fi &&
            test "$(sim_get /stats | jq .volumes)" = 1 &&
            ! $VIRSH list --all --name | grep -q "^${P}'$p'-r'$r'-"
        '
        r=$((r + 1))
    done

    sim_stop
    test_expect_success "$p: the array stops cleanly" 'sim_stopped_ok'
done

test_done
