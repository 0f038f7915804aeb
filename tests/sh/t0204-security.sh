#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0204-security.sh: the storage programs against an HTTPS smis-sim with a password: certificate checks (self-signed refused, ca-file, insecure), wrong passwords, and the password kept out of -vvv output, ps and error messages.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

for p in openssl jq; do
    if ! command -v $p >/dev/null; then
        test_skip 'the storage programs over HTTPS' "$p is not installed (make deps)"
        test_done
        exit
    fi
done

# A self-signed server certificate for 127.0.0.1, and another one that
# is not the server's.
mkdir -p pki
(
    cd pki &&
        for n in srv other; do
            openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
                -subj '/CN=127.0.0.1' -keyout $n.key -out $n.pem \
                -addext subjectAltName=IP:127.0.0.1 || exit 1
        done
) >pki.log 2>&1

# The secret, in plain and as it travels (base64 of "admin:SECRET").
SECRET=Zq9-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')-pw
B64=$(printf 'admin:%s' "$SECRET" | base64)
printf '%s\n' "$SECRET" >pw
printf 'not-%s\n' "$SECRET" >wrong.pw
chmod 600 pw wrong.pw

SIM_NAME=tls
sim_start --tls-cert pki/srv.pem --tls-key pki/srv.key --user admin \
    --password-file pw
TLS_PID=$SIM_PID

# conf NAME [LINES...]: the configuration NAME.conf for the simulator, with
# extra lines for the [array] section.
conf() {
    _n=$1
    shift
    {
        echo '[array "sim"]'
        echo "uri = smis+https://127.0.0.1:$SIM_PORT"
        echo 'user = admin'
        for _l in "$@"; do echo "$_l"; done
        echo '[pool "sim:gold"]'
        echo 'class = gold'
        echo '[host "kvm01"]'
        echo 'uri = test:///default'
        echo 'iscsi-initiator = iqn.1993-08.org.debian:01:kvm01'
    } >"$_n.conf"
}
conf noca "password-file = $TRASH/pw"
conf ca "password-file = $TRASH/pw" "ca-file = $TRASH/pki/srv.pem"
conf otherca "password-file = $TRASH/pw" "ca-file = $TRASH/pki/other.pem"
conf insecure "password-file = $TRASH/pw" "insecure = yes"
conf wrong "password-file = $TRASH/wrong.pw" "ca-file = $TRASH/pki/srv.pem"
conf env "ca-file = $TRASH/pki/srv.pem"

# no_secret FILE...: the password appears in none of the files, neither as
# typed nor as HTTP basic authentication sends it.
no_secret() {
    if grep -l -F -e "$SECRET" -e "$B64" "$@"; then
        echo "the password is in the file(s) above"
        return 1
    fi
}

test_expect_success 'the certificates were made' '
    cat pki.log; test -s pki/srv.pem && test -s pki/other.pem
'

test_expect_code 4 'a self-signed certificate is refused (exit 4), saying what to do' '
    run pool-list -c noca.conf >out 2>err
    rc=$?; cat err
    grep "^pool-list: cannot list pools of array .sim.: TLS with https://127.0.0.1:$SIM_PORT/cimom failed: .*set ca-file to the array.s CA certificate" err &&
    ! test -s out && exit $rc
'

test_expect_code 4 'a ca-file that is not the array'"'"'s is refused too (exit 4)' '
    run array-info -c otherca.conf >out 2>err
    rc=$?; cat err
    grep "TLS with https://127.0.0.1:$SIM_PORT/cimom failed" err &&
    ! test -s out && exit $rc
'

test_expect_success 'with ca-file the whole pipeline works and leaves nothing' '
    {
        run pool-list -c ca.conf --class gold |
            run lun-create -c ca.conf --size 1G --count 2 |
            run lun-mask -c ca.conf --host kvm01 |
            run lun-mask -c ca.conf -u --host kvm01 |
            run lun-delete -c ca.conf >out
    } 2>err &&
    cat err && ! test -s err && test_line_count = 2 out &&
    test "$(run lun-list -c ca.conf --all | wc -l)" = 0
'

test_expect_success 'insecure = yes works, with a warning' '
    run pool-list -c insecure.conf >out 2>err &&
    cat err && test_line_count = 2 out &&
    grep "^pool-list: warning: not verifying the TLS certificate of https://127.0.0.1:$SIM_PORT/cimom (insecure mode was asked for)" err
'

test_expect_code 4 'a wrong password exits 4; neither password is in the message' '
    run lun-list -c wrong.conf --all >out 2>err
    rc=$?; cat err
    grep "^lun-list: cannot list LUNs of array .sim.: .*refused the user name or password" err &&
    ! grep -F "not-" err && no_secret err && ! test -s out && exit $rc
'

test_expect_success 'SANPROV_PASSWORD works in place of password-file' '
    SANPROV_PASSWORD=$SECRET run pool-list -c env.conf >out &&
    test_line_count = 2 out
'

test_expect_success '-vvv traces the CIM traffic, and the password is not in it' '
    run pool-list -c ca.conf -vvv >out 2>trace.pool &&
    SANPROV_PASSWORD=$SECRET run lun-create -c env.conf -vvv --size 1M \
        pool:sim:gold >id 2>trace.create &&
    run lun-mask -c ca.conf -vvv --host kvm01 <id >/dev/null 2>trace.mask &&
    run lun-delete -c ca.conf -vvv --force <id >/dev/null 2>trace.delete &&
    run lun-list -c wrong.conf -vvv --all >/dev/null 2>trace.wrong;
    grep -c "IMETHODCALL\|METHODCALL" trace.pool trace.create trace.mask \
        trace.delete &&
    grep "Authorization" trace.pool | head -n 3 &&
    no_secret trace.pool trace.create trace.mask trace.delete trace.wrong out id
'

# ps: a program that waits on a slow array is still running when ps looks.
SIM_NAME=slow
sim_start --latency 300 --user admin --password-file pw
conf slow "password-file = $TRASH/pw"
sed -i "s|smis+https://127.0.0.1:[0-9]*|smis+http://127.0.0.1:$SIM_PORT|" slow.conf

test_expect_success 'the password is not on any command line (ps) while a program runs' '
    { run lun-list -c slow.conf --all >/dev/null 2>&1 & } &&
    i=0 && found= &&
    while [ $i -lt 50 ]; do
        ps -eo args >ps.out
        if grep -q "lun-list -c slow.conf" ps.out; then found=1; break; fi
        sleep 0.1; i=$((i + 1))
    done &&
    wait &&
    test -n "$found" && grep "lun-list -c slow.conf" ps.out && no_secret ps.out
'

sim_stop
test_expect_success 'the slow smis-sim stops cleanly' 'sim_stopped_ok'
SIM_NAME=tls
SIM_PID=$TLS_PID
SIM_LOG=$TRASH/tls.log
sim_stop
test_expect_success 'smis-sim over HTTPS stops cleanly' 'sim_stopped_ok'

test_done
