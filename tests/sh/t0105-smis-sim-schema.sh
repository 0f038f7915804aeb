#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0105-smis-sim-schema.sh: smis-sim against the DMTF CIM Schema 2.49: its schema table is what the MOFs give, and every class and instance it serves, in both masking personalities and every vendor personality, is schema-true (tests/tools/schemacheck.c).
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

# ---- the table is fresh ----

SCHEMA_ZIP=$SANPROV_SHARED/cim/schema/cim_schema_2.49.0Final-MOFs.zip
if [ ! -r "$SCHEMA_ZIP" ]; then
    test_skip 'cmd/smis-sim/schema.c is what the MOFs give' \
        "reference data: the DMTF CIM Schema MOFs are not at $SCHEMA_ZIP (set SANPROV_SHARED)"
elif ! command -v unzip >/dev/null; then
    test_skip 'cmd/smis-sim/schema.c is what the MOFs give' \
        'unzip is not installed (it reads the MOFs out of the schema zip)'
else
    test_expect_success 'cmd/smis-sim/schema.c is what the MOFs give (else: make schema)' '
        (cd "$SANPROV_SRCDIR" &&
            mofgen "$SCHEMA_ZIP" cmd/smis-sim/schema.list) >schema.c &&
        test_cmp "$SANPROV_SRCDIR/cmd/smis-sim/schema.c" schema.c
    '
fi

# ---- what smis-sim serves ----

# Known problems, each with its reason; none now.  A line here that no
# personality shows any more fails the last test: remove it.
: >"$TRASH/known"

SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG

# check [--traces DIR]: schemacheck of namespaces $NS and $INTEROP; its
# problems into problems (and found, in smis-sim's own class names), the
# counts into summary; fails on a problem not known (in this personality's
# class names, $PFX for SIM_).
check() {
    schemacheck "$@" "$SIM_URL" "$NS" "$INTEROP" >problems 2>summary
    _rc=$?
    cat summary
    sed "s/\b$PFX/SIM_/g" problems >>"$TRASH/found"
    sed "s/\bSIM_/$PFX/g" "$TRASH/known" >known.here
    grep -v -x -F -f known.here problems >new
    if [ "$_rc" -gt 1 ] || [ -s new ]; then
        cat new
        return 1
    fi
}

# populate: every kind of object the array has: volumes, a snapshot and a
# clone, LUNs masked to an iSCSI and an FC host (hardware IDs, groups or
# privileges, views), jobs, one of them failed.
populate() {
    cat >"$SANPROV_CONFIG" <<EOF
[array "sim"]
uri = smis+http://127.0.0.1:$SIM_PORT
[host "kvm01"]
uri = test:///default
connectivity = iscsi
iscsi-initiator = iqn.1993-08.org.debian:01:kvm01
[host "fc01"]
uri = test:///default
connectivity = fc
fc-wwpn = 21:00:00:24:ff:4c:aa:01
EOF
    # The first job fails (--job-fail 1): a job in error, and its GetError.
    ! run lun-create -q --size 1G --name failed pool:sim:gold 2>err &&
        grep "simulated failure" err &&
        if command -v wbemcli >/dev/null; then
            wbemcli cm "$SIM_URL/$NS:${PFX}ConcreteJob.InstanceID=\"SIM+JOB+1\"" \
                GetError >geterror &&
                grep "Error (string)" geterror
        fi &&
        run lun-create -q --size 1G --name "v%d" --count 3 pool:sim:gold >ids &&
        first=$(head -n 1 ids) &&
        run lun-create -q --snapshot-of "$first" >>ids &&
        run lun-create -q --clone-of "$first" >>ids &&
        head -n 2 ids | run lun-mask -q --host kvm01 >/dev/null &&
        sed -n 3p ids | run lun-mask -q --host fc01 >/dev/null
}

: >"$TRASH/found"
# The two masking personalities, then each vendor's (t0106), whose
# classes are subclasses of the same CIM_ classes under the vendor's
# prefix, in the vendor's namespaces.
for P in group legacy vnx vmax 3par eternus ibm pegasus sfcb; do
    SIM_NAME=$P
    NS=root/sim INTEROP=interop PFX=SIM_
    case $P in
    group | legacy) set -- --personality "$P" ;;
    *) set -- --vendor "$P" ;;
    esac
    case $P in
    vnx) NS=root/emc PFX=Clar_ ;;
    vmax) NS=root/emc PFX=Symm_ ;;
    3par) NS=root/tpd PFX=TPD_ ;;
    eternus) NS=root/eternus PFX=FUJITSU_ ;;
    ibm) NS=root/ibm PFX=IBMTSDS_ ;;
    pegasus) INTEROP=root/PG_InterOp ;;
    esac
    sim_start "$@" --job-seconds 0.05 --job-fail 1

    test_expect_success "$P: sanprov's programs make every kind of object" '
        populate
    '

    test_expect_success "$P: every class and instance is schema-true" '
        check && grep " [1-9][0-9]* instances" summary
    '

    test_expect_success "$P: sanprov's programs unmask and delete them all" '
        head -n 2 ids | run lun-mask -q -u --host kvm01 >/dev/null &&
        sed -n 3p ids | run lun-mask -q -u --host fc01 >/dev/null &&
        tac ids | run lun-delete -q >/dev/null
    '

    test_expect_success "$P: every method call had the schema's parameters" '
        rm -rf calls && cp -r "$SIM_TRACE" calls &&
        check --traces calls && grep " [1-9][0-9]* method calls" summary
    '

    sim_stop
    test_expect_success "$P: smis-sim stops cleanly" 'sim_stopped_ok'
    if [ "$P" = sfcb ]; then
        # SFCB's keys lack TYPE (DTD 2.3.1 style): the one difference
        # from DSP0203 2.4.0 allowed.
        test_expect_success "$P: every response is DTD-valid but for untyped keys" '
            xmllint --noout --nonet --dtdvalid "$SIM_DTD" "$SIM_TRACE"/*.rsp.xml 2>&1 |
                grep -v -E "KEYVALUE does not carry attribute TYPE|does not validate against" |
                head -20 >invalid &&
            ! test -s invalid || { cat invalid; false; }
        '
    else
        sim_expect_valid_traces "$P: every response (the classes too) is DTD-valid"
    fi
done

test_expect_success 'each known problem is still found (else remove it from the list)' '
    while read -r line; do
        grep -q -x -F "$line" "$TRASH/found" ||
            { echo "no longer found: $line"; exit 1; }
    done <"$TRASH/known"
'

test_done
