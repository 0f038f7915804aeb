#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0221-config-errors.sh: every kind of configuration error exits 2 in every program, with one message naming the file (and the line) and nothing on stdout.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"

# ---- the configurations, one per kind of error ----

mkdir conf.d
mkfifo fifo.conf
printf '[array "a"]\nuri = local:/nowhere\nthis is no key\n' >syntax.conf
printf '[array "a"]\nuri = local:/nowhere\nurl = local:/x\n' >key.conf
printf '[array "a"]\nuri = local:/nowhere\ninsecure = maybe\n' >value.conf
printf '[array "a"]\nuri = local:/nowhere\nuser = u\nauth = digest\n' >auth.conf
printf '[host "h"]\nuri = qemu:///system\n[pool "a:p"]\nclass = gold\n' \
    >pool.conf
printf '[library]\npath = %s/lib\n\n[array "a"]\nuri = smis://fas01\n' \
    "$TRASH" >uri.conf
printf '[array "a"]\n; the path is relative\nuri = local:arrays/a\n' \
    >path.conf
printf '[host "h"]\nuri = kvm01.example.net\n' >hosturi.conf

# The table: NAME, the file given to -c, what the message says after
# "PROG: " (an extended regular expression).
cat >cases <<'EOF'
missing     nope.conf     cannot read the configuration: cannot read 'nope\.conf': No such file or directory$
directory   conf.d        cannot read the configuration: 'conf\.d' is a directory, not a regular file$
fifo        fifo.conf     cannot read the configuration: 'fifo\.conf' is a FIFO, not a regular file$
syntax      syntax.conf   cannot read the configuration: syntax\.conf:3: syntax error \(expected \[section\] or key = value\)$
unknown-key key.conf      cannot read the configuration: key\.conf:3: unknown key 'url' in \[array "a"\]$
bad-value   value.conf    cannot read the configuration: value\.conf:3: insecure must be yes or no, not 'maybe'$
bad-auth    auth.conf     cannot read the configuration: auth\.conf:4: auth must be basic, ntlm or negotiate, not 'digest'$
bad-section pool.conf     cannot read the configuration: pool\.conf:3: pool "a:p" is on unknown array 'a'$
EOF

# Every program reads the configuration first, whatever else it is asked.
cat >programs <<'EOF'
array-info
pool-list -l
lun-list -l --all
lun-create --size 1G pool:a:p
lun-mask --host h lun:a:1
lun-delete lun:a:1
host-list -l
template-list -l
template-make --name t lun:a:1
template-delete tmpl:2f1c9a5e-7b1d-4c38-9e0a-5d1f3b6a8c42
vm-list -l
vm-deploy --template t --host h --name v
vm-delete vm:h:2f1c9a5e-7b1d-4c38-9e0a-5d1f3b6a8c42
reconcile -l
EOF

# expect_config_error PROG ARGS -- FILE REGEX: a test that "PROG -c FILE
# ARGS" exits 2, prints nothing on stdout and one line on stderr, "PROG:
# " and REGEX.
expect_config_error() {
    _cmd=$1 _file=$2 _re=$3
    test_expect_code 2 "${_cmd%% *} -c $_file: exit 2, $4" '
        set -- $_cmd
        _prog=$1; shift
        run "$_prog" -c "$_file" "$@" </dev/null >out 2>err
        rc=$?
        cat err
        test_line_count = 0 out &&
        test_line_count = 1 err &&
        grep -E "^$_prog: $_re" err &&
        exit $rc
    '
}

while read -r name file re; do
    while read -r cmd; do
        expect_config_error "$cmd" "$file" "$re" "$name"
    done <programs
done <cases

# ---- a URI no driver takes: found when the array or host is opened ----

for cmd in 'array-info' 'pool-list -l' 'lun-list -l --all' \
    'lun-create --size 1G pool:a:p'; do
    expect_config_error "$cmd" uri.conf \
        ".*: uri\\.conf:5: no driver for its URI 'smis://fas01' \\(this build has: smis\\+https://, smis\\+http://, local:\\)$" \
        'array uri'
    expect_config_error "$cmd" path.conf \
        ".*: path\\.conf:3: array 'a': uri 'local:arrays/a' is not local:/ABSOLUTE/PATH$" \
        'array uri, no driver can use'
done

for cmd in 'host-list -l' 'host-list --json' 'vm-list -l'; do
    expect_config_error "$cmd" hosturi.conf \
        "cannot open host 'h': hosturi\\.conf:2: no driver for its URI 'kvm01\\.example\\.net' \\(this build has: libvirt URIs, DRIVER\\[\\+TRANSPORT\\]://\\.\\.\\.\\)$" \
        'host uri'
done

test_expect_code 2 'SANPROV_CONFIG naming a missing file: exit 2 too' '
    SANPROV_CONFIG=$TRASH/nope.conf run pool-list >out 2>err
    rc=$?
    test_line_count = 0 out &&
    grep -x "pool-list: cannot read the configuration: cannot read .$TRASH/nope.conf.: No such file or directory" err &&
    exit $rc
'

test_expect_success 'host-list without -l does not open the hosts: no error' '
    run host-list -c hosturi.conf >out &&
    echo host:h >want &&
    test_cmp want out
'

test_done
