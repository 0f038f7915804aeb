#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0205-inputs.sh: files from users that are not what they must be: a FIFO, a socket or /dev/zero given as configuration, password file, customization document or image is refused at once (exit 2); a qcow2 image that would read other files (a backing file, a json: backing, an external data file) is refused before any LUN is made (exit 6) unless --allow-backing names its chain, and qemu-img is told every format.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"

# Milliseconds since the epoch.
now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

# A refusal must come at once; valgrind only makes it slower.
if [ -n "$SANPROV_WRAP" ]; then
    LIMIT_MS=30000 KILL_S=60
else
    LIMIT_MS=1000 KILL_S=5
fi

# refused_fast CODE TEXT PROGRAM ARGS...: the program exits with CODE
# within LIMIT_MS, saying TEXT (a fixed string) on stderr; killed after
# KILL_S seconds (exit 124) if it blocks.
refused_fast() {
    _code=$1 _text=$2
    shift 2
    _t0=$(now_ms)
    # shellcheck disable=SC2086
    timeout "$KILL_S" $SANPROV_WRAP "$@" </dev/null >out 2>err
    _rc=$?
    _ms=$(($(now_ms) - _t0))
    cat err
    echo "exit $_rc after $_ms ms"
    [ "$_rc" -eq "$_code" ] && [ "$_ms" -lt "$LIMIT_MS" ] &&
        grep -qF -e "$_text" err
}

POOL=$XDG_DATA_HOME/sanprov/arrays/local/default
LIB=$XDG_DATA_HOME/sanprov/library/templates
mkdir -p "$POOL"

mkfifo "$TRASH/fifo"
mksock "$TRASH/sock"

# ---- not regular files, as every kind of input ----

for f in fifo sock zero; do
    case $f in
    fifo) path=$TRASH/fifo what='a FIFO' ;;
    sock) path=$TRASH/sock what='a socket' ;;
    zero) path=/dev/zero what='a character device' ;;
    esac
    # An array whose password file is $path; it is read before any
    # connection, so the address needs nothing behind it.
    {
        echo '[array "dummy"]'
        echo 'uri = smis+http://127.0.0.1:9/'
        echo 'user = admin'
        echo "password-file = $path"
    } >"$TRASH/pw-$f.conf"

    test_expect_success "$what as -c is a configuration error (exit 2) at once" '
        refused_fast 2 "'"'$path' is $what, not a regular file"'" \
            pool-list -c "'"$path"'"
    '

    test_expect_success "$what as \$SANPROV_CONFIG is refused alike" '
        SANPROV_CONFIG="'"$path"'" &&
        export SANPROV_CONFIG &&
        refused_fast 2 "'"'$path' is $what, not a regular file"'" pool-list
    '

    test_expect_success "$what as password-file is refused at once (exit 2)" '
        refused_fast 2 "'"'$path' is $what, not a regular file"'" \
            pool-list -c "$TRASH/pw-'"$f"'.conf"
    '

    test_expect_success "$what as smis-sim --password-file is refused alike" '
        refused_fast 2 "'"'$path' is $what, not a regular file"'" \
            smis-sim --listen 127.0.0.1:0 --user admin \
            --password-file "'"$path"'"
    '

    test_expect_success "$what as vm-deploy --user-data is refused at once (exit 2)" '
        refused_fast 2 "--user-data: '"'$path' is $what, not a regular file"'" \
            vm-deploy --template deb12 --host localhost --name web1 \
            --user-data "'"$path"'"
    '

    for opt in user-data meta-data network-config unattend; do
        test_expect_success "$what as template-make --$opt is refused at once (exit 2)" '
            refused_fast 2 "--'"$opt: '$path' is $what, not a regular file"'" \
                template-make --name t --'"$opt"' "'"$path"'" pool:local:default
        '
    done

    test_expect_success "$what as template-make --image is refused at once (exit 2), no LUN made" '
        ls -A "$POOL" >before &&
        refused_fast 2 "'"'$path' is $what, not a regular file or a block device"'" \
            template-make --name t --image "'"$path"'" pool:local:default &&
        ls -A "$POOL" >after && test_cmp before after
    '
done

test_expect_success 'a directory as -c says what it is' '
    refused_fast 2 "'"'$TRASH' is a directory, not a regular file"'" \
        pool-list -c "$TRASH"
'

test_expect_success 'a symbolic link as password-file is refused, saying so' '
    printf "secret\n" >pw && chmod 600 pw && ln -s pw pw.link &&
    sed "s|^password-file = .*|password-file = $TRASH/pw.link|" \
        pw-fifo.conf >link.conf &&
    refused_fast 2 "'"'$TRASH/pw.link' is a symbolic link, not a regular file"'" \
        pool-list -c link.conf
'

test_expect_success 'regular files are read as before: a configuration through a link' '
    printf "[library]\npath = %s\n" "$TRASH/lib2" >plain.conf &&
    ln -s plain.conf plain.link &&
    run template-list -c plain.link --all >out && test_line_count = 0 out
'

# ---- images that read other files ----

if ! command -v qemu-img >/dev/null || ! command -v qemu-io >/dev/null; then
    test_skip 'images with backing files' \
        'qemu-img is not installed (qemu-utils; make deps)'
    test_done
    exit
fi

# A raw base with data at 1 MiB; a qcow2 over it with data of its own at
# 2 MiB; what the chain reads, flattened.
truncate -s 8M base.raw
dd if=/dev/urandom of=base.raw bs=64k count=4 seek=16 conv=notrunc \
    status=none
qemu-img create -q -f qcow2 -b base.raw -F raw top.qcow2
qemu-io -f qcow2 -c 'write -P 0x5a 2M 64k' top.qcow2 >/dev/null
qemu-img convert -f qcow2 -O raw top.qcow2 top.flat
# Backing files qemu-img is not to open (-u): a secret, a json: pseudo-path
# reading one, a device, a network block device.
qemu-img create -q -f qcow2 -u -b /etc/shadow -F raw shadow.qcow2 8M
qemu-img create -q -f qcow2 -u \
    -b 'json:{"driver":"raw","file":{"driver":"file","filename":"/etc/hostname"}}' \
    -F raw json.qcow2 8M
qemu-img create -q -f qcow2 -u -b /dev/zero -F raw dev.qcow2 8M
qemu-img create -q -f qcow2 -u -b nbd://127.0.0.1:9/x -F raw nbd.qcow2 8M
# An external data file (QEMU opens it with the image).
qemu-img create -q -f qcow2 -o data_file="$TRASH/data.raw" datafile.qcow2 8M
# A chain of three, with relative names: top3 -> sub/mid -> base.raw.
mkdir sub
qemu-img create -q -f qcow2 -b ../base.raw -F raw sub/mid.qcow2
qemu-io -f qcow2 -c 'write -P 0x33 3M 64k' sub/mid.qcow2 >/dev/null
qemu-img create -q -f qcow2 -b sub/mid.qcow2 -F qcow2 top3.qcow2
qemu-io -f qcow2 -c 'write -P 0x44 4M 64k' top3.qcow2 >/dev/null
qemu-img convert -f qcow2 -O raw top3.qcow2 top3.flat

# refused_image CODE TEXT ARGS...: template-make ARGS into the local pool
# exits CODE saying TEXT, and makes no LUN and no template.
refused_image() {
    _code=$1 _text=$2
    shift 2
    run lun-list pool:local:default >luns.before &&
        ls -A "$POOL" >files.before || return 1
    run template-make --name bad "$@" pool:local:default 2>err
    _rc=$?
    cat err
    echo "exit $_rc"
    run lun-list pool:local:default >luns.after &&
        ls -A "$POOL" >files.after &&
        test_cmp luns.before luns.after && test_cmp files.before files.after &&
        ! run template-list --all -l | grep -q " bad " &&
        [ "$_rc" -eq "$_code" ] && grep -qF -e "$_text" err
}

test_expect_success 'the local pool holds a LUN to compare with' '
    truncate -s 1M small.raw &&
    run template-make --name small --image small.raw pool:local:default >t0 &&
    run lun-list pool:local:default >luns && test_line_count = 1 luns
'

test_expect_success 'a qcow2 with a backing file is refused (exit 6), naming both, no LUN made' '
    refused_image 6 "image '"'top.qcow2' has backing file 'base.raw'"'" \
        --image top.qcow2 &&
    grep -q -- "--allow-backing" err
'

test_expect_success 'a backing file such as /etc/shadow is refused alike' '
    refused_image 6 "image '"'shadow.qcow2' has backing file '/etc/shadow'"'" \
        --image shadow.qcow2
'

test_expect_success 'a json: backing is never read, named or not (exit 6)' '
    refused_image 6 "image '"'json.qcow2' has backing file 'json:{"'" \
        --image json.qcow2 &&
    grep -q "is not a local file and is never read" err &&
    refused_image 6 "is not a local file and is never read" \
        --image json.qcow2 --allow-backing /etc/hostname
'

test_expect_success 'an nbd: backing is never read either' '
    refused_image 6 "'"'nbd://127.0.0.1:9/x', which is not a local file"'" \
        --image nbd.qcow2 --allow-backing nbd://127.0.0.1:9/x
'

test_expect_success 'a device as backing file: refused unnamed (6), and named it is no file (2)' '
    refused_image 6 "image '"'dev.qcow2' has backing file '/dev/zero'"'" \
        --image dev.qcow2 &&
    refused_image 2 "'"'/dev/zero' is a character device, not a regular file or a block device"'" \
        --image dev.qcow2 --allow-backing /dev/zero
'

test_expect_success 'an external data file is never read (exit 6)' '
    refused_image 6 "'"'datafile.qcow2' keeps its data in an external data file"'" \
        --image datafile.qcow2
'

test_expect_success 'naming another file than the backing file is refused (exit 6)' '
    cp base.raw other.raw &&
    refused_image 6 "image '"'top.qcow2' has backing file 'base.raw', not 'other.raw'"'" \
        --image top.qcow2 --allow-backing other.raw
'

test_expect_success 'naming more files than the chain has is refused (exit 6)' '
    refused_image 6 "the backing chain of image '"'top.qcow2' ends at 'base.raw'"'" \
        --image top.qcow2 --allow-backing base.raw --allow-backing base.raw &&
    refused_image 6 "image '"'small.raw' is raw, with no backing file"'" \
        --image small.raw --allow-backing base.raw
'

test_expect_code 2 '--allow-backing without --image is a usage error' '
    run template-make --name bad --allow-backing base.raw lun:local:default%2Fsmall
'

# Every qemu-img run is logged, to see what it was told.
QEMU_IMG=$(command -v qemu-img)
mkdir bin
cat >bin/qemu-img <<EOF
#!/bin/sh
printf '%s\n' "\$*" >>"$TRASH/qemu-img.log"
exec "$QEMU_IMG" "\$@"
EOF
chmod +x bin/qemu-img

test_expect_success 'the chain named with --allow-backing is read: the LUN holds the flattened disk' '
    PATH=$TRASH/bin:$PATH &&
    : >qemu-img.log &&
    run template-make --name chained --image top.qcow2 \
        --allow-backing base.raw pool:local:default >t1 &&
    cmp top.flat "$POOL/chained.img" &&
    run template-list --json <t1 >out &&
    jq -e ".name == \"chained\" and (.lun | startswith(\"lun:local:default%2Fchained\"))" out
'

test_expect_success 'qemu-img was told every format and every file: no probing, no header followed' '
    cat qemu-img.log &&
    grep "^info " qemu-img.log >info &&
    test_line_count = 1 info && grep -q "^info --output=json -f qcow2 -- json:" info &&
    grep "^convert " qemu-img.log >convert && test_line_count = 1 convert &&
    grep -qF "convert -n -f qcow2 -O raw -- json:" convert &&
    grep -qF "\"backing\":{\"driver\":\"raw\",\"file\":{\"driver\":\"file\",\"filename\":\"base.raw\"}}" convert
'

test_expect_success 'a qcow2 with no backing file is converted with its backing null' '
    qemu-img convert -f raw -O qcow2 base.raw alone.qcow2 &&
    PATH=$TRASH/bin:$PATH &&
    : >qemu-img.log &&
    run template-make --name alone --image alone.qcow2 pool:local:default &&
    cmp base.raw "$POOL/alone.img" &&
    grep -qF "\"backing\":null" qemu-img.log
'

test_expect_success 'a chain of three, named as relative paths, in order' '
    refused_image 6 "image '"'sub/mid.qcow2' has backing file 'sub/../base.raw'"'" \
        --image top3.qcow2 --allow-backing sub/mid.qcow2 &&
    refused_image 6 "image '"'top3.qcow2' has backing file 'sub/mid.qcow2', not 'base.raw'"'" \
        --image top3.qcow2 --allow-backing base.raw --allow-backing sub/mid.qcow2 &&
    run template-make --name three --image top3.qcow2 \
        --allow-backing "$TRASH/sub/mid.qcow2" --allow-backing ./base.raw \
        pool:local:default >t3 &&
    cmp top3.flat "$POOL/three.img"
'

if [ "$(id -u)" = 0 ] && command -v losetup >/dev/null &&
    LOOP=$(losetup -f --show base.raw 2>/dev/null); then
    test_expect_success 'root: a block device is an image, and a backing file when named' '
        run template-make --name fromdev --image "$LOOP" pool:local:default &&
        cmp base.raw "$POOL/fromdev.img" &&
        qemu-img create -q -f qcow2 -u -b "$LOOP" -F raw overdev.qcow2 8M &&
        refused_image 6 "has backing file '"'$LOOP'"'" --image overdev.qcow2 &&
        run template-make --name overdev --image overdev.qcow2 \
            --allow-backing "$LOOP" pool:local:default &&
        cmp base.raw "$POOL/overdev.img"
    '
    losetup -d "$LOOP"
else
    test_skip 'a block device as image and backing file' \
        'optional: needs root and a loop device'
fi

test_done
