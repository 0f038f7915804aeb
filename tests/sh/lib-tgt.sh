#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/lib-tgt.sh: a tgtd of the test's own (root only), on a spare portal port and a control port of its own, so a system tgtd is not touched.
#
#   . "$SANPROV_SRCDIR/tests/sh/lib.sh"
#   . "$SANPROV_SRCDIR/tests/sh/lib-tgt.sh"
#   tgt_start || { test_skip ...; }    # at the top level; PORT and CTL set
#   ... iscsi-portal = 127.0.0.1:$PORT, tgt-control-port = $CTL ...
#   tgt_stop                           # from the script's EXIT trap
#
# tgtd's management socket is named after its control port.  A test body
# is a subshell, so the pid is kept in a file: tgt_stop and tgt_start work
# from a test body too (a restart of the array's target daemon).
# Used by the scripts that source this file:
# shellcheck disable=SC2034

PORT=$((20000 + $$ % 20000))
while ss -ltn | grep -q ":$PORT "; do PORT=$((PORT + 1)); done
CTL=$((5000 + $$ % 1000))

tgt_start() {
    tgtd -f -C "$CTL" --iscsi "portal=127.0.0.1:$PORT" >>"$TRASH/tgtd.log" 2>&1 &
    echo $! >"$TRASH/tgtd.pid"
    for _i in $(seq 100); do
        tgtadm -C "$CTL" --lld iscsi --op show --mode target >/dev/null 2>&1 &&
            return 0
        sleep 0.05
    done
    return 1
}

# tgtd ignores SIGTERM while it has targets: ours is killed outright.
tgt_stop() {
    [ -s "$TRASH/tgtd.pid" ] || return 0
    kill -KILL "$(cat "$TRASH/tgtd.pid")" 2>/dev/null
    while kill -0 "$(cat "$TRASH/tgtd.pid")" 2>/dev/null; do sleep 0.05; done
    : >"$TRASH/tgtd.pid"
}
