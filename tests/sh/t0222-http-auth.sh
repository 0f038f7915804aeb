#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0222-http-auth.sh: auth = basic | ntlm | negotiate per array: Basic logs in to smis-sim, a method smis-sim does not offer is refused naming the one it does (exit 4), and no password is read for negotiate.
# The NTLM handshake itself is tested against a server that answers with
# a challenge, in tests/unit/test_http.c.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

SECRET=Zq9-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')-pw
printf '%s\n' "$SECRET" >pw
chmod 600 pw

# conf FILE LINES...: array "sim" at the simulator, with LINES.
conf() {
    _f=$1
    shift
    {
        echo '[array "sim"]'
        echo "uri = smis+http://127.0.0.1:$SIM_PORT"
        for _l in "$@"; do echo "$_l"; done
    } >"$_f"
}

sim_start --user admin --password-file pw || exit 1
conf basic.conf 'user = admin' "password-file = $TRASH/pw" 'auth = basic'
conf default.conf 'user = admin' "password-file = $TRASH/pw"
conf wrong.conf 'user = admin' 'auth = basic'
conf ntlm.conf 'user = admin' "password-file = $TRASH/pw" 'auth = ntlm'
conf negotiate.conf 'auth = negotiate'

test_expect_success 'auth = basic logs in to smis-sim' '
    run pool-list -c basic.conf >out && grep -q "^pool:sim:" out
'

test_expect_success 'no auth with a user is basic' '
    run pool-list -c default.conf >out && grep -q "^pool:sim:" out
'

test_expect_code 4 'a wrong password: exit 4, the password never shown' '
    SANPROV_PASSWORD=not-$SECRET run pool-list -c wrong.conf >out 2>err
    rc=$?
    cat err
    grep -q "the array refused the user name or password (HTTP 401)" err &&
        ! grep -q "$SECRET" err && test_line_count = 0 out && exit $rc
'

test_expect_code 4 'auth = ntlm against a provider that offers basic: exit 4, what it offers said' '
    run pool-list -c ntlm.conf >out 2>err
    rc=$?
    cat err
    grep -q "the array does not offer ntlm authentication (HTTP 401; it offers: basic)" err &&
        test_line_count = 0 out && exit $rc
'

test_expect_code 4 'auth = negotiate: no password asked, a provider that offers basic refused' '
    SANPROV_PASSWORD= run pool-list -c negotiate.conf >out 2>err </dev/null
    rc=$?
    cat err
    if grep -q "built without SPNEGO" err; then exit 4; fi
    grep -q "does not offer negotiate authentication (HTTP 401; it offers: basic)" err &&
        exit $rc
'

sim_stop
sim_start || exit 1
conf negotiate.conf 'auth = negotiate'

test_expect_success 'auth = negotiate with a provider that asks for nothing' '
    run pool-list -c negotiate.conf >out 2>err
    rc=$?
    cat err
    if grep -q "built without SPNEGO" err; then exit 0; fi
    [ $rc -eq 0 ] && grep -q "^pool:sim:" out
'

test_done
