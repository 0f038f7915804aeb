#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0103-smis-sim-scale.sh: smis-sim under load: concurrent clients, kill -9 and restart, 100,000 preloaded volumes paged by pull.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

# MS as seconds with two decimals.
seconds() {
    printf '%d.%02d' $(($1 / 1000)) $(($1 % 1000 / 10))
}

# ---- 8 concurrent clients ----

SIM_NAME=busy
sim_start

test_expect_success '8 clients creating 125 volumes each all succeed' '
    run simtool create "$SIM_URL" --threads 8 --count 125 --prefix load \
        >"$TRASH/ids" 2>err; rc=$?
    cat err
    test $rc -eq 0 && test_line_count = 1000 "$TRASH/ids"
'

test_expect_success 'and end with exactly 1,000 distinct volumes' '
    sort -u "$TRASH/ids" >"$TRASH/ids.sorted" &&
    test_line_count = 1000 "$TRASH/ids.sorted" &&
    run simtool count "$SIM_URL" SIM_StorageVolume >n &&
    test "$(cat n)" = 1000 &&
    sim_get /stats >stats && jq -e ".volumes == 1000" stats
'

test_expect_success 'every client got the names it asked for' '
    wbemcli ei "$SIM_URL/$SIM_VOLUMES" | sim_key ElementName | sort >names &&
    for t in 0 1 2 3 4 5 6 7; do
        n=$(grep -c "^load-$t-" names)
        test "$n" -eq 125 || { echo "client $t: $n volumes"; exit 1; }
    done
'

sim_kill9

test_expect_success 'after kill -9 the state file and its journal hold all 1,000 volumes' '
    cp "$SIM_STATE" copy.state && cp "$SIM_STATE.journal" copy.state.journal &&
    run smis-sim --state copy.state --compact &&
    jq -e ".volumes | length == 1000" copy.state &&
    test ! -s copy.state.journal
'

sim_start

test_expect_success 'and a restart on it serves the same 1,000 volumes' '
    run simtool count "$SIM_URL" SIM_StorageVolume >n &&
    test "$(cat n)" = 1000 &&
    wbemcli ein "$SIM_URL/$SIM_VOLUMES" | sim_key DeviceID | sort >ids &&
    test_cmp "$TRASH/ids.sorted" ids
'

test_expect_success 'new volumes after the restart do not reuse a DeviceID' '
    run simtool create "$SIM_URL" --threads 2 --count 5 --prefix after >new &&
    test_line_count = 10 new &&
    ! grep -F -x -f "$TRASH/ids.sorted" new
'

sim_stop

test_expect_success 'the busy array stops cleanly' 'sim_stopped_ok'

# ---- many volumes, paged ----

if [ -n "$SANPROV_WRAP" ]; then
    # valgrind runs the server some 20-50 times slower: a tenth of the
    # volumes, and a limit that only catches a hang.
    N=10000
    LIMIT=60
    echo "# under valgrind: --preload-volumes $N (not 100000), limit $LIMIT s"
else
    N=100000
    LIMIT=5
fi

SIM_NAME=big
T0=$(now_ms)
# Under AddressSanitizer freed memory sits in a quarantine (256 MiB by
# default) and would look like growth; without one, RSS means what it says.
# (ASAN_OPTIONS does nothing in other builds.)
ASAN_OPTIONS="quarantine_size_mb=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export ASAN_OPTIONS
sim_start --preload-volumes "$N"
T1=$(now_ms)
STARTUP=$((T1 - T0))
echo "# preload $N: $(seconds $STARTUP) s"

test_expect_success "--preload-volumes $N starts in under $LIMIT s" '
    test -n "$SIM_PORT" && test "$STARTUP" -lt $((LIMIT * 1000))
'

run simtool pull "$SIM_URL" SIM_StorageVolume --max 1000 --pid "$SIM_PID" \
    >pages 2>pull.err
PULL_RC=$?
RSS10=$(sed -n 's/^page=10 .* rss_kib=\([0-9-]*\)$/\1/p' pages)
RSS_LAST=$(sed -n 's/^page=.* rss_kib=\([0-9-]*\)$/\1/p' pages | tail -n 1)
echo "# pull of $N volumes: $(grep -c '^page=' pages) pages;" \
    "server VmRSS at page 10: ${RSS10:-?} KiB, at the last page:" \
    "${RSS_LAST:-?} KiB"

test_expect_success "pull enumeration returns all $N volumes" '
    cat pull.err
    test $PULL_RC -eq 0 &&
    grep "^total=$N pages=[0-9]* over_max=0$" pages
'

test_expect_success 'every page holds at most MaxObjectCount (1000) objects' '
    test_line_count -ge $((N / 1000)) pages &&
    awk -F"[= ]" "/^page=/ && \$4 > 1000 { print; bad = 1 } END { exit bad }" \
        pages &&
    awk -F"[= ]" "/^page=/ { n += \$4 } END { exit n != $N }" pages
'

test_expect_success 'server memory does not grow per page (last - page 10 < 8 MiB)' '
    test -n "$RSS10" && test -n "$RSS_LAST" &&
    test "$RSS10" -gt 0 && test "$RSS_LAST" -gt 0 &&
    echo "growth $((RSS_LAST - RSS10)) KiB" &&
    test $((RSS_LAST - RSS10)) -lt 8192
'

sim_stop

test_expect_success 'the big array stops cleanly' 'sim_stopped_ok'

test_done
