#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0206-secrets.sh: a program holding a password leaves no core dump when it crashes and no longer shows $SANPROV_PASSWORD in /proc/PID/environ; helper programs (qemu-img, tgtadm, genisoimage, xorriso) get no secret in their environment.
# Test bodies are single-quoted and run by eval (see lib.sh); ulimit -c
# is in dash and bash, which run these tests:
# shellcheck disable=SC2016,SC3045
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

for p in qemu-img ss; do
    if ! command -v $p >/dev/null; then
        test_skip 'secrets in memory and in helper environments' \
            "$p is not installed (make deps)"
        test_done
        exit
    fi
done

# The secret, in plain and as HTTP basic authentication sends it.
SECRET=Zq9-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')-pw
B64=$(printf 'admin:%s' "$SECRET" | base64)
printf '%s\n' "$SECRET" >pw
chmod 600 pw

# no_secret FILE...: the password is in none of the files, neither as
# typed nor base64-encoded, nor the variable that carries it.
no_secret() {
    if grep -l -F -e "$SECRET" -e "$B64" -e SANPROV_PASSWORD "$@"; then
        echo "a secret is in the file(s) above"
        return 1
    fi
}

# ---- helper programs: a spy first on PATH writes its environment to
# $SPY_DUMPS, then runs the real program (from $SPY_REAL, if installed) ----

SPY_DUMPS=$TRASH/dumps
SPY_REAL=$TRASH/real
export SPY_DUMPS SPY_REAL
mkdir -p "$SPY_DUMPS" "$SPY_REAL" spy spy-x
for p in qemu-img tgtadm genisoimage xorriso; do
    _real=$(command -v $p) && ln -s "$_real" "$SPY_REAL/$p"
    cat >spy/$p <<'EOF'
#!/bin/sh
# The environment it was given (export -p: no other program needed).
export -p >"$SPY_DUMPS/${0##*/}.$$"
exec "$SPY_REAL/${0##*/}" "$@"
EOF
    chmod +x spy/$p
    # spy-x: the same without genisoimage, so that xorriso is the one used
    [ $p = genisoimage ] || cp spy/$p spy-x/$p
done

# dumps_of PROGRAM: the environments PROGRAM was started with (at least one).
dumps_of() {
    ls "$SPY_DUMPS/$1".* >/dev/null 2>&1 || {
        echo "$1 was not run"
        return 1
    }
    ls "$SPY_DUMPS/$1".*
}

qemu-img create -q -f qcow2 golden.qcow2 16M
printf '#cloud-config\nusers: [alice]\n' >site.yaml

test_expect_success 'template-make --image: qemu-img gets no secret (set, never read)' '
    SANPROV_PASSWORD=$SECRET PATH=$TRASH/spy:$PATH run template-make \
        --name img --image golden.qcow2 pool:local:default >t1 &&
    grep -q "^tmpl:" t1 &&
    dumps_of qemu-img && no_secret $(dumps_of qemu-img) &&
    grep -q "^export PATH=" $(dumps_of qemu-img)
'

# The local array exporting over iSCSI through a tgtd that is not there:
# lun-mask runs tgtadm, which fails; what matters is its environment.
cat >tgt.conf <<EOF
[array "san"]
uri = local:$TRASH/array
iscsi-portal = 127.0.0.1:9
tgt-control-port = 9
[pool "san:default"]
[host "kvm01"]
uri = test:///default
iscsi-initiator = iqn.1993-08.org.debian:01:kvm01
EOF

test_expect_success 'lun-mask over iSCSI on the local array: tgtadm gets no secret' '
    run lun-create -c tgt.conf --size 1M --name m pool:san:default >lun &&
    SANPROV_PASSWORD=$SECRET PATH=$TRASH/spy:$PATH \
        run lun-mask -c tgt.conf --host kvm01 <lun >/dev/null 2>err
    cat err &&
    dumps_of tgtadm && no_secret $(dumps_of tgtadm)
'

# vm-deploy reads the password of an SMI-S array from $SANPROV_PASSWORD,
# then builds the VM's cloud-init seed with genisoimage or xorriso.
sim_start --user admin --password-file pw
cat >sim.conf <<EOF
[library]
path = $TRASH/library
[array "sim"]
uri = smis+http://127.0.0.1:$SIM_PORT
user = admin
iscsi-portal = 192.0.2.10:3260
[pool "sim:gold"]
class = gold
host-groups = lab
[host "kvm01"]
uri = test:///default
group = lab
iscsi-initiator = iqn.1993-08.org.debian:01:kvm01
seed-dir = $TRASH/seeds
EOF

test_expect_success 'a template on the SMI-S array (the password from the environment)' '
    SANPROV_PASSWORD=$SECRET run lun-create -c sim.conf --size 1G \
        --name gold pool:sim:gold >base &&
    SANPROV_PASSWORD=$SECRET run template-make -c sim.conf --name t2 \
        --copy-method snapshot <base >t2
'

if [ -e "$SPY_REAL/genisoimage" ]; then
    test_expect_success 'vm-deploy with the password read: genisoimage gets no secret' '
        SANPROV_PASSWORD=$SECRET PATH=$TRASH/spy:$PATH run vm-deploy \
            -c sim.conf --template t2 --host kvm01 --name web1 \
            --user-data site.yaml >vm1 &&
        grep -q "^vm:kvm01:" vm1 &&
        dumps_of genisoimage && no_secret $(dumps_of genisoimage)
    '
else
    test_skip 'vm-deploy: genisoimage gets no secret' \
        'genisoimage is not installed (make deps)'
fi

# Not through valgrind: under it a program that is not there still
# starts (and exits 127), so genisoimage would not be passed over.
if [ -e "$SPY_REAL/xorriso" ]; then
    test_expect_success 'vm-deploy where xorriso makes the seed: xorriso gets no secret' '
        SANPROV_PASSWORD=$SECRET PATH=$TRASH/spy-x \
            "$SANPROV_BUILD/bin/vm-deploy" -c sim.conf --template t2 \
            --host kvm01 --name web2 --user-data site.yaml >vm2 &&
        grep -q "^vm:kvm01:" vm2 &&
        dumps_of xorriso && no_secret $(dumps_of xorriso)
    '
else
    test_skip 'vm-deploy: xorriso gets no secret' \
        'xorriso is not installed (make deps)'
fi

test_expect_success 'every helper that ran was seen, none with a secret' '
    ls "$SPY_DUMPS" && no_secret "$SPY_DUMPS"/*
'
sim_stop
test_expect_success 'smis-sim stops cleanly' 'sim_stopped_ok'

# ---- a program holding the password, caught mid-request ----

# A simulator slow to answer each request (no authentication: a program
# with no password talks to it too).
SIM_NAME=slow
sim_start --latency 1000
slow_conf() {
    _f=$1
    shift
    {
        echo '[array "sim"]'
        echo "uri = smis+http://127.0.0.1:$SIM_PORT"
        for _l in "$@"; do echo "$_l"; done
    } >"$_f"
}
slow_conf nopw.conf
slow_conf file.conf 'user = admin' "password-file = $TRASH/pw"
slow_conf env.conf 'user = admin'

# connected: how many connections to the slow simulator are open.
connected() {
    ss -Htn state established "( dport = :$SIM_PORT )" | wc -l
}

# start DIR CONF [VAR=VALUE]: lun-list (not through valgrind: the kernel's
# core dump is the point) started in directory DIR, with core dumps
# allowed; returns once it has connected to the simulator (it read its
# password before), so that it is waiting for an answer.  Sets PID.
start() {
    _dir=$1 _conf=$2
    shift 2
    mkdir -p "$_dir"
    _before=$(connected)
    (
        cd "$_dir" && ulimit -c unlimited &&
            exec env "$@" "$SANPROV_BUILD/bin/lun-list" -c "$TRASH/$_conf" --all
    ) >"$_dir.out" 2>&1 &
    PID=$!
    _i=0
    while [ "$(connected)" -le "$_before" ]; do
        _i=$((_i + 1))
        [ $_i -lt 200 ] || return 1
        kill -0 "$PID" 2>/dev/null || return 1
        sleep 0.05
    done
}

# abort: SIGABRT to $PID; fails unless that killed it.
abort() {
    kill -ABRT "$PID" && wait "$PID"
    _rc=$?
    [ $_rc = 134 ] || {
        echo "exit status $_rc, not 134 (SIGABRT)"
        return 1
    }
}

test_expect_success '/proc/PID/environ: $SANPROV_PASSWORD is gone once read (and there while not)' '
    start env-read env.conf SANPROV_PASSWORD=$SECRET && env_read=$PID &&
    start env-unread nopw.conf SANPROV_PASSWORD=$SECRET && env_unread=$PID &&
    tr "\0" "\n" </proc/$env_read/environ >environ.read &&
    tr "\0" "\n" </proc/$env_unread/environ >environ.unread &&
    kill $env_read $env_unread; wait $env_read $env_unread
    grep -F "$SECRET" environ.unread && ! grep -F "$SECRET" environ.read
'

# Where the kernel writes core dumps: a plain pattern puts them in the
# process's directory.  A pipe (systemd-coredump, apport) or a path
# elsewhere is replaced for the test when this may write core_pattern
# (root), and restored at the end.
PATTERN=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
CORES=
case $PATTERN in
'') CORES_WHY='/proc/sys/kernel/core_pattern cannot be read' ;;
'|'* | */*)
    if [ "$(id -u)" = 0 ] && echo core 2>/dev/null >/proc/sys/kernel/core_pattern; then
        trap 'printf "%s\n" "$PATTERN" >/proc/sys/kernel/core_pattern; _sim_exit' EXIT
        CORES=yes
    else
        CORES_WHY="core dumps go to '$PATTERN', and this cannot set /proc/sys/kernel/core_pattern to a plain file (needs root, /proc/sys writable)"
    fi
    ;;
*) CORES=yes ;;
esac
if [ -n "$CORES" ] && ! (ulimit -c unlimited) 2>/dev/null; then
    CORES='' CORES_WHY="core dumps cannot be allowed (ulimit -c unlimited: the hard limit is $(ulimit -H -c))"
fi

if [ -n "$CORES" ]; then
    test_expect_success 'control: a process killed by SIGABRT here leaves a core dump' '
        mkdir -p cores/sleep && (cd cores/sleep && ulimit -c unlimited &&
            exec sleep 30) &
        PID=$! && sleep 0.2 && abort && ls -A cores/sleep | grep -q .
    '
    if grep -q __asan_init "$SANPROV_BUILD/bin/lun-list" 2>/dev/null; then
        test_skip 'control: lun-list without a password leaves a core dump' \
            'optional: AddressSanitizer turns core dumps off (disable_coredump)'
    else
        test_expect_success 'control: lun-list without a password, killed by SIGABRT mid-request, leaves a core dump' '
            start cores/nopw nopw.conf && abort &&
            ls -A cores/nopw | grep -q .
        '
    fi
    test_expect_success 'lun-list holding the password (password-file), killed by SIGABRT mid-request, leaves no core dump' '
        start cores/file file.conf && abort &&
        ls -A cores/file >left && ! test -s left
    '
    test_expect_success 'the same with the password from $SANPROV_PASSWORD: no core dump' '
        start cores/env env.conf SANPROV_PASSWORD=$SECRET && abort &&
        ls -A cores/env >left && ! test -s left
    '
else
    test_skip 'a program killed while holding a password leaves no core dump' \
        "$CORES_WHY"
fi

sim_stop
test_expect_success 'the slow smis-sim stops cleanly' 'sim_stopped_ok'

test_done
