#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0208-keepalive.sh: a provider that closes kept-alive connections (smis-sim --close-after): lookups of many LUNs succeed, one connection per array while the provider keeps it open, no method call sent twice.
#
# libcurl 7.70 to 8.16 count the requests they send again after such a
# closure over a handle's life: before lib/http/http.c reset it, the sixth
# closure failed its request ("Connection died, tried 5 times before
# giving up"), and a lookup of 25 LUNs exited 5.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

if ! command -v jq >/dev/null; then
    test_skip 'kept-alive connections closed by smis-sim' \
        'jq is not installed (make deps)'
    test_done
    exit
fi

# write_conf: array "sim" at the simulator started last.
write_conf() {
    {
        echo '[array "sim"]'
        echo "uri = smis+http://127.0.0.1:$SIM_PORT"
    } >"$TRASH/sanprov.conf"
}
SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG

# counted FILE COMMAND...: run COMMAND; write to FILE the simulator's
# counts of what it did: "REQUESTS CONNECTIONS UNANSWERED", where
# REQUESTS are those answered.  The /stats requests themselves are left
# out.  Exits with COMMAND's status.
counted() {
    _out=$1
    shift
    sim_get /stats >stats.before || return 1
    "$@"
    _rc=$?
    sim_get /stats >stats.after || return 1
    jq -s -r '"\(.[1].requests - .[0].requests - 1) " +
        "\(.[1].connections - .[0].connections - 1) " +
        "\(.[1].unanswered - .[0].unanswered)"' \
        stats.before stats.after >"$_out"
    cat "$_out"
    return $_rc
}

# lookup: lun-list of the 25 IDs in $TRASH/ids into out.
lookup() {
    run lun-list <"$TRASH/ids" >out
}

# ---- the command line ----

test_expect_code 2 '--close-unannounced without --close-after exits 2' '
    run smis-sim --close-unannounced 2>err; rc=$?
    grep -e "--close-after" err; exit $rc
'

test_expect_code 2 'a negative --close-after exits 2' '
    run smis-sim --close-after -1
'

# ---- kept alive ----

SIM_NAME=kept
sim_start --preload-volumes 30
write_conf
run pool-list | run lun-list | head -n 25 >"$TRASH/ids"

test_expect_success 'the lookup has 25 LUNs to find' '
    test_line_count = 25 "$TRASH/ids"
'

test_expect_success 'kept alive: a lookup of 25 LUNs takes one connection' '
    counted n lookup && test_cmp "$TRASH/ids" out &&
    read -r req conn unans <n &&
    test "$req" -gt 25 && test "$conn" = 1 && test "$unans" = 0
'
sim_stop

# ---- closed with Connection: close ----

SIM_NAME=announced
sim_start --preload-volumes 30 --close-after 10
write_conf

test_expect_success 'closed after every 10 answers: one connection per 10 requests' '
    counted n lookup && test_cmp "$TRASH/ids" out &&
    read -r req conn unans <n &&
    test "$conn" = $(((req + 9) / 10)) && test "$unans" = 0
'
sim_stop

SIM_NAME=announced1
sim_start --preload-volumes 3 --close-after 1
write_conf

test_expect_success 'closed after every answer: lun-create and lun-delete work' '
    run lun-create --size 1G pool:sim:gold >made &&
    test_line_count = 1 made &&
    run lun-delete <made &&
    sim_get /stats >stats &&
    jq -e ".volumes == 3 and .unanswered == 0 and
        .calls.CreateOrModifyElementFromStoragePool == 1 and
        .calls.ReturnToStoragePool == 1 and
        .connections == .requests" stats
'
sim_stop

# ---- closed as the next request comes, unannounced ----

SIM_NAME=unannounced1
sim_start --preload-volumes 30 --close-after 1 --close-unannounced
write_conf

test_expect_success 'closed on every request but the first: the lookup of 25 LUNs succeeds' '
    counted n lookup && test_cmp "$TRASH/ids" out &&
    read -r req conn unans <n &&
    test "$req" -gt 25 &&
    test "$conn" = "$req" && test "$unans" = $((req - 1))
'

test_expect_code 4 'a method call closed on is not sent again: its answer is lost' '
    run lun-create --size 1G pool:sim:gold >made 2>err; rc=$?
    cat err
    grep "no answer to .CreateOrModifyElementFromStoragePool." err &&
    grep "not sent again" err && test ! -s made || exit 1
    exit $rc
'

test_expect_success 'and the array did not carry it out' '
    sim_get /stats >stats &&
    jq -e ".volumes == 30 and
        .calls.CreateOrModifyElementFromStoragePool == null" stats
'
sim_stop

SIM_NAME=unannounced10
sim_start --preload-volumes 30 --close-after 10 --close-unannounced
write_conf

test_expect_success 'closed on the request after every 10th: one connection per 10 requests' '
    counted n lookup && test_cmp "$TRASH/ids" out &&
    read -r req conn unans <n &&
    test "$conn" = $(((req + 9) / 10)) && test "$unans" = $((conn - 1))
'
sim_stop

test_expect_success 'smis-sim stops cleanly' 'sim_stopped_ok'

test_done
