#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0207-names.sh: names and messages from arrays printed escaped (-l: one line per object, its ID first; --json: valid JSON; -0: IDs only; stderr: one line per message), and names with control characters refused at creation.
#
# Hostile names are made where any user of an array can make them: on
# smis-sim by a CreateOrModifyElementFromStoragePool sent raw (XML
# character references carry the newline and the carriage return; XML 1.0
# cannot carry ESC or bytes that are not UTF-8), and on the local array by
# renaming a LUN's files (local.h: a LUN is POOL/NAME.meta and NAME.img; a
# file name holds any byte but '/' and NUL).  Each hostile name holds the
# ID of a real LUN, prod-db, that must survive
# "lun-list -l | grep scratch | lun-delete".
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

for tool in jq bash iconv; do
    if ! command -v $tool >/dev/null; then
        test_skip 'names from outside' "$tool is not installed (make deps)"
        test_done
        exit
    fi
done

POOL=$XDG_DATA_HOME/sanprov/arrays/local/default
CR=$(printf '\r')
ESC=$(printf '\033')
CSI8=$(printf '\302\233')  # U+009B, the 8-bit CSI
RLO=$(printf '\342\200\256') # U+202E, right-to-left override

# clean FILE: valid UTF-8, no C0 control but the newlines ending lines, no
# DEL, no 8-bit CSI, no right-to-left override.
clean() {
    if ! iconv -f UTF-8 -t UTF-8 "$1" >/dev/null ||
        LC_ALL=C grep -q '[[:cntrl:]]' "$1" ||
        grep -q "$CSI8" "$1" || grep -q "$RLO" "$1"; then
        echo "$1 is not clean:"
        od -c "$1" | head -20
        return 1
    fi
}

# ids_only FILE: every line an ID (printable ASCII, no spaces).
ids_only() {
    ! LC_ALL=C grep -v '^[a-z]*:[!-~]*$' "$1"
}

# ---- the local array ----

# scratch\n<prod-db's ID> prod-db\r\033[2J\377\376 \302\2332J \342\200\256gnp.exe
test_expect_success 'local: prod-db, and a LUN renamed on the array with a newline and prod-db'"'"'s ID, CR, ESC, bytes not UTF-8, C1 and bidi controls' '
    run pool-list | run lun-create --size 1M --name prod-db >prod.id &&
    run pool-list | run lun-create --size 1M --name tmp >/dev/null &&
    name=$(printf "scratch\\n%s prod-db\\r\\033[2J\\377\\376 \\302\\2332J \\342\\200\\256gnp.exe" "$(cat prod.id)") &&
    mv "$POOL/tmp.img" "$POOL/$name.img" &&
    mv "$POOL/tmp.meta" "$POOL/$name.meta" &&
    run lun-list pool:local:default >ids && test_line_count = 2 ids &&
    grep -vx "$(cat prod.id)" ids >hostile.id && test_line_count = 1 hostile.id
'

test_expect_success 'local: lun-list -l has a header and one line per LUN, the ID first, the name escaped' '
    run lun-list -l pool:local:default >out &&
    test_line_count = 3 out && clean out &&
    ! grep -q "$CR" out && ! grep -q "$ESC" out &&
    awk "NR > 1 { print \$1 }" out >first && test_cmp ids first &&
    grep "^$(cat hostile.id)  " out >row &&
    grep -F "scratch\\n$(cat prod.id)\\040prod-db\\r\\033[2J\\377\\376\\040\\302\\2332J\\040\\342\\200\\256gnp.exe  " row &&
    awk "NR == 1 { n = NF } NF != n { exit 1 }" out
'

test_expect_success 'local: --json is valid JSON, the name escaped in it and given back by jq (U+FFFD for bytes not UTF-8)' '
    run lun-list --json pool:local:default >json &&
    test_line_count = 2 json && clean json &&
    jq -e . json >/dev/null &&
    grep -F "scratch\\n$(cat prod.id) prod-db\\r\\u001b[2J\\ufffd\\ufffd \\u009b2J \\u202egnp.exe\"" json &&
    jq -r "select(.id == \"$(cat hostile.id)\") | .name" json >got &&
    printf "scratch\\n%s prod-db\\r\\033[2J\\357\\277\\275\\357\\277\\275 \\302\\2332J \\342\\200\\256gnp.exe\\n" "$(cat prod.id)" >want &&
    test_cmp want got
'

test_expect_success 'local: -0 prints the IDs only' '
    run lun-list -0 pool:local:default >nul &&
    tr "\\000" "\\n" <nul >lines && test_cmp ids lines && ids_only lines
'

test_expect_success 'local: lun-list -l | grep scratch | lun-delete leaves prod-db alone' '
    run lun-list -l pool:local:default | grep scratch >picked &&
    test_line_count = 1 picked &&
    { run lun-delete <picked >deleted 2>err; true; } &&
    cat err && clean err && ! grep -qx "$(cat prod.id)" deleted &&
    test -f "$POOL/prod-db.img" && test -f "$POOL/prod-db.meta" &&
    run lun-list pool:local:default >after && grep -qx "$(cat prod.id)" after
'

test_expect_success 'local: messages naming LUNs are one line each, escaped' '
    run lun-list "$(cat hostile.id)" lun:local:default%2Fnone >out 2>err
    test $? -ne 0 && cat err && clean err && clean out &&
    test_line_count -le 2 err && ! grep -v "^lun-list: " err
'

test_expect_success 'printable UTF-8 stays as it is and is aligned by the columns it takes' '
    run pool-list | run lun-create --size 1M --name "日本語" >cjk.id &&
    run pool-list | run lun-create --size 1M --name "abcdef" >abc.id &&
    run lun-create --size 1M --name "café" pool:local:default >/dev/null &&
    run lun-list -l "$(cat cjk.id)" "$(cat abc.id)" >out &&
    grep -q "  日本語  " out && clean out &&
    sed "s/日本語/abcdef/" out | awk "NR > 1 { print index(\$0, \"1048576\") }" |
        sort -u >cols &&
    test_line_count = 1 cols
'

# ---- names refused at creation ----

# WHAT=NAME (NAME as printf reads it, and as the message shows it)
for case in 'a newline=a\nb' 'a carriage return=a\rb' 'a tab=a\tb' \
    'ESC=x\033[2J' 'DEL=a\177' 'the 8-bit CSI=a\302\233' \
    'a right-to-left override=\342\200\256gpj.exe' 'bytes not UTF-8=a\377b'; do
    bad=${case#*=}
    test_expect_code 2 "lun-create --name with ${case%%=*} is a usage error, nothing made" '
        run lun-list pool:local:default >before &&
        run lun-create --size 1M --name "$(printf "$bad")" pool:local:default \
            >out 2>err
        rc=$? && cat err && clean err && ! test -s out &&
        grep -F -- "--name '"'"'$bad'"'"'" err &&
        run lun-list pool:local:default >after && test_cmp before after &&
        exit $rc
    '
done

test_expect_code 2 'lun-create --count 2 --name with a newline and a number: usage error' '
    run lun-create --size 1M --count 2 --name "$(printf "a\\n%%d")" \
        pool:local:default 2>err
    rc=$?
    grep -F -- "--name '"'"'a\\n%d'"'"'" err || exit 99
    exit $rc
'

test_expect_code 2 'template-make --name with a newline is a usage error' '
    run template-make --name "$(printf "a\\nb")" "$(cat prod.id)" >out 2>err
    rc=$? && cat err && clean err && ! test -s out && exit $rc
'

test_expect_code 2 'template-make --name with a bidi control is a usage error' '
    run template-make --name "$(printf "\\342\\200\\256gnp")" "$(cat prod.id)" \
        2>err
    rc=$?
    grep -F "\\342\\200\\256gnp" err || exit 99
    exit $rc
'

test_expect_code 2 'vm-deploy --name with a newline is a usage error' '
    run vm-deploy --template t --host localhost --name "$(printf "web\\n%%02d")" \
        --count 2 >out 2>err
    rc=$? && cat err && clean err && grep -F "web\\n%02d" err && exit $rc
'

test_expect_code 2 'vm-deploy --name with ESC is a usage error' '
    run vm-deploy --template t --host localhost --name "$(printf "\\033[2Jweb")" \
        2>err
    rc=$?
    grep -F "\\033[2Jweb" err || exit 99
    exit $rc
'

test_expect_success 'sanprov'"'"'s own messages are escaped too: a configuration path with ESC' '
    run lun-list -c "$(printf "no\\033[2Jsuch.conf")" >out 2>err
    test $? -ne 0 && cat err && clean err &&
    grep -F "no\\033[2Jsuch.conf" err
'

# ---- smis-sim ----

# sim_create_raw NAME-XML: CreateOrModifyElementFromStoragePool of a 1 GiB
# volume in pool gold named NAME-XML (XML text: character references carry
# what the shell cannot), sent raw with bash's /dev/tcp as sim_get does;
# fails unless the answer is HTTP 200 with ReturnValue 0.
sim_create_raw() {
    _ns='<LOCALNAMESPACEPATH><NAMESPACE NAME="root"/><NAMESPACE NAME="sim"/></LOCALNAMESPACEPATH>'
    _kv() {
        printf '<KEYBINDING NAME="%s"><KEYVALUE VALUETYPE="string">%s</KEYVALUE></KEYBINDING>' "$1" "$2"
    }
    _body="<?xml version=\"1.0\" encoding=\"utf-8\" ?>
<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE ID=\"1\" PROTOCOLVERSION=\"1.0\"><SIMPLEREQ>
<METHODCALL NAME=\"CreateOrModifyElementFromStoragePool\"><LOCALINSTANCEPATH>$_ns
<INSTANCENAME CLASSNAME=\"SIM_StorageConfigurationService\">$(_kv CreationClassName SIM_StorageConfigurationService)$(_kv Name StorageConfigurationService)$(_kv SystemCreationClassName SIM_StorageSystem)$(_kv SystemName SIM0001)</INSTANCENAME></LOCALINSTANCEPATH>
<PARAMVALUE NAME=\"ElementName\" PARAMTYPE=\"string\"><VALUE>$1</VALUE></PARAMVALUE>
<PARAMVALUE NAME=\"ElementType\" PARAMTYPE=\"uint16\"><VALUE>2</VALUE></PARAMVALUE>
<PARAMVALUE NAME=\"Size\" PARAMTYPE=\"uint64\"><VALUE>1073741824</VALUE></PARAMVALUE>
<PARAMVALUE NAME=\"InPool\" PARAMTYPE=\"reference\"><VALUE.REFERENCE><LOCALINSTANCEPATH>$_ns
<INSTANCENAME CLASSNAME=\"SIM_StoragePool\">$(_kv InstanceID SIM+POOL+gold)</INSTANCENAME></LOCALINSTANCEPATH></VALUE.REFERENCE></PARAMVALUE>
</METHODCALL></SIMPLEREQ></MESSAGE></CIM>"
    # shellcheck disable=SC2016
    bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf "POST /cimom HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/xml; charset=\"utf-8\"\r\nContent-Length: %d\r\nCIMProtocolVersion: 1.0\r\nCIMOperation: MethodCall\r\nCIMMethod: CreateOrModifyElementFromStoragePool\r\nCIMObject: root%%2Fsim%%3ASIM_StorageConfigurationService\r\n\r\n%s" \
            "$(printf %s "$2" | wc -c)" "$2" >&3
        cat <&3' sim_create_raw "$SIM_PORT" "$_body" >"$TRASH/.sim_raw" || return 1
    if ! head -n 1 "$TRASH/.sim_raw" | grep -q '^HTTP/1\.[01] 200 ' ||
        grep -q '<ERROR' "$TRASH/.sim_raw" ||
        ! tr -d '\n' <"$TRASH/.sim_raw" |
        grep -q '<RETURNVALUE[^>]*><VALUE>0</VALUE>'; then
        cat "$TRASH/.sim_raw"
        return 1
    fi
}

# write_conf: array "sim" at $SIM_PORT.
write_conf() {
    printf '[array "sim"]\nuri = smis+http://127.0.0.1:%s\n' "$SIM_PORT" \
        >"$TRASH/sim.conf"
}

sim_start
write_conf
SIM_CONF=$TRASH/sim.conf

test_expect_success 'smis-sim: prod-db, and a LUN named on the array with a newline and prod-db'"'"'s ID, CR, C1 and bidi controls, DEL' '
    run lun-create -c "$SIM_CONF" --size 1G --name prod-db pool:sim:gold >sprod.id &&
    sim_create_raw "scratch&#10;$(cat sprod.id) prod-db&#13;&#155;2J&#8238;gnp.exe&#127;" &&
    run lun-list -c "$SIM_CONF" pool:sim:gold >sids && test_line_count = 2 sids &&
    grep -vx "$(cat sprod.id)" sids >shostile.id && test_line_count = 1 shostile.id
'

test_expect_success 'smis-sim: lun-list -l has a header and one line per LUN, the ID first, the name escaped' '
    run lun-list -c "$SIM_CONF" -l pool:sim:gold >out &&
    test_line_count = 3 out && clean out && ! grep -q "$CR" out &&
    awk "NR > 1 { print \$1 }" out >first && test_cmp sids first &&
    grep "^$(cat shostile.id)  " out >row &&
    grep -F "scratch\\n$(cat sprod.id)\\040prod-db\\r\\302\\2332J\\342\\200\\256gnp.exe\\177  " row &&
    awk "NR == 1 { n = NF } NF != n { exit 1 }" out
'

test_expect_success 'smis-sim: --json is valid JSON and gives the name back' '
    run lun-list -c "$SIM_CONF" --json pool:sim:gold >json &&
    test_line_count = 2 json && clean json && jq -e . json >/dev/null &&
    grep -F "prod-db\\r\\u009b2J\\u202egnp.exe\\u007f\"" json &&
    jq -r "select(.id == \"$(cat shostile.id)\") | .name" json >got &&
    printf "scratch\\n%s prod-db\\r\\302\\2332J\\342\\200\\256gnp.exe\\177\\n" "$(cat sprod.id)" >want &&
    test_cmp want got
'

test_expect_success 'smis-sim: -0 prints the IDs only' '
    run lun-list -c "$SIM_CONF" -0 pool:sim:gold | tr "\\000" "\\n" >lines &&
    test_cmp sids lines && ids_only lines
'

test_expect_success 'smis-sim: a snapshot of it is not named after its name' '
    run lun-create -c "$SIM_CONF" --json <shostile.id >snap.json &&
    jq -r .name snap.json >snap.name && cat snap.name &&
    ! grep -q scratch snap.name && grep -q -- "-snap1$" snap.name &&
    jq -r .id snap.json | run lun-delete -c "$SIM_CONF" >/dev/null
'

test_expect_success 'smis-sim: lun-list -l | grep scratch | lun-delete deletes it and nothing else' '
    run lun-list -c "$SIM_CONF" -l pool:sim:gold | grep scratch |
        run lun-delete -c "$SIM_CONF" >deleted &&
    test_cmp shostile.id deleted &&
    run lun-list -c "$SIM_CONF" -l pool:sim:gold >after &&
    test_line_count = 2 after &&
    grep -q "^$(cat sprod.id)  prod-db  " after
'

sim_expect_valid_traces 'smis-sim: its answers with the hostile name are valid CIM-XML'
sim_stop
test_expect_success 'smis-sim stops cleanly' 'sim_stopped_ok'

# An error whose description (CIM ERROR DESCRIPTION) holds what a terminal
# acts on.  The newline and the tab reach the client as spaces (XML
# normalizes attribute values), ESC as U+FFFD (the simulator's XML writer:
# XML 1.0 cannot carry it); CR, C1 and bidi controls arrive as they are.
SIM_NAME=faulty
sim_start --fail CreateOrModifyElementFromStoragePool:1 \
    --fail-text "$(printf 'array says:\n\033[2J\r\302\2332J \342\200\256evil\tend')"
write_conf

test_expect_code 1 'smis-sim: the array'"'"'s error text reaches stderr escaped, on one line' '
    run lun-create -c "$SIM_CONF" --size 1G --name x pool:sim:gold >out 2>err
    rc=$?
    cat err
    # a failed check must not pass for the exit code 1 wanted
    clean err && test_line_count = 1 err && grep -F "array says: " err &&
        grep -F "\\r\\302\\2332J \\342\\200\\256evil end" err || exit 99
    exit $rc
'

sim_stop
test_expect_success 'smis-sim (faults) stops cleanly' 'sim_stopped_ok'

test_done
