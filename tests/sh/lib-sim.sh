#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/lib-sim.sh: start, stop and check smis-sim from shell tests; object paths of the simulated array.
#
#   . "$SANPROV_SRCDIR/tests/sh/lib.sh"
#   . "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"
#   sim_start --personality legacy      # at the top level, not in a test
#   test_expect_success 'lists pools' 'wbemcli ei "$SIM_URL/$SIM_POOLS"'
#   sim_stop
#   test_expect_success 'smis-sim stops cleanly' 'sim_stopped_ok'
#
# sim_start and sim_stop set variables (SIM_PID, SIM_PORT, SIM_URL,
# SIM_RC), so they run at the top level of a script: test bodies run in
# subshells.  Files of a simulator are named after $SIM_NAME (default
# "sim"): $TRASH/NAME.state (and its journal NAME.state.journal),
# NAME.port, NAME.log and the trace directory NAME.trace; start another
# array by setting SIM_NAME, restart the same one with the same name.
# Read the array with sim_state, not from NAME.state: while smis-sim runs,
# changes are in the journal.  Every simulator still running when the script
# exits is killed.
# The paths below are for the scripts that source this file:
# shellcheck disable=SC2034

# Seconds to wait for a start or a stop: valgrind is slow.
if [ -n "$SANPROV_WRAP" ]; then
    SIM_WAIT=${SIM_WAIT:-180}
else
    SIM_WAIT=${SIM_WAIT:-20}
fi

# ---- object paths (namespace:Class.keys, to follow "$SIM_URL/") ----

SIM_NS=root/sim
SIM_SYS_KEYS='SystemCreationClassName="SIM_StorageSystem",SystemName="SIM0001"'
SIM_SYSTEM="$SIM_NS:SIM_StorageSystem.CreationClassName=\"SIM_StorageSystem\",Name=\"SIM0001\""
SIM_POOLS="$SIM_NS:SIM_StoragePool"
SIM_VOLUMES="$SIM_NS:SIM_StorageVolume"
SIM_PACKAGE="$SIM_NS:SIM_PhysicalPackage.CreationClassName=\"SIM_PhysicalPackage\",Tag=\"SIM+PACKAGE+SIM0001\""
SIM_SOFTWARE="$SIM_NS:SIM_SoftwareIdentity.InstanceID=\"SIM+FIRMWARE\""
SIM_PROFILES=interop:SIM_RegisteredProfile
SIM_ARRAY_PROFILE="$SIM_PROFILES.InstanceID=\"SIM+PROFILE+ARRAY\""
SIM_OM="interop:SIM_ObjectManager.SystemCreationClassName=\"SIM_StorageSystem\",SystemName=\"SIM0001\",CreationClassName=\"SIM_ObjectManager\",Name=\"smis-sim:SIM0001\""

# sim_service CLASS: the path of one of the array's services.
sim_service() {
    echo "$SIM_NS:$1.CreationClassName=\"$1\",Name=\"${1#SIM_}\",$SIM_SYS_KEYS"
}
SIM_SCS=$(sim_service SIM_StorageConfigurationService)
SIM_RS=$(sim_service SIM_ReplicationService)
SIM_GMMS=$(sim_service SIM_GroupMaskingMappingService)
SIM_CCS=$(sim_service SIM_ControllerConfigurationService)
SIM_HWMS=$(sim_service SIM_StorageHardwareIDManagementService)

# sim_pool NAME, sim_volume DEVICEID, sim_view ID, sim_job ID, sim_hwid ID,
# sim_group CLASS ID: paths of the array's objects.
sim_pool() {
    echo "$SIM_NS:SIM_StoragePool.InstanceID=\"SIM+POOL+$1\""
}
sim_volume() {
    echo "$SIM_NS:SIM_StorageVolume.CreationClassName=\"SIM_StorageVolume\",DeviceID=\"$1\",$SIM_SYS_KEYS"
}
sim_view() {
    echo "$SIM_NS:SIM_SCSIProtocolController.CreationClassName=\"SIM_SCSIProtocolController\",DeviceID=\"$1\",$SIM_SYS_KEYS"
}
sim_job() {
    echo "$SIM_NS:SIM_ConcreteJob.InstanceID=\"$1\""
}
sim_hwid() {
    echo "$SIM_NS:SIM_StorageHardwareID.InstanceID=\"$1\""
}
sim_group() {
    echo "$SIM_NS:$1.InstanceID=\"$2\""
}
sim_fc_port() {
    echo "$SIM_NS:SIM_FCPort.CreationClassName=\"SIM_FCPort\",DeviceID=\"fc0\",$SIM_SYS_KEYS"
}
sim_iscsi_port() {
    echo "$SIM_NS:SIM_iSCSIProtocolEndpoint.CreationClassName=\"SIM_iSCSIProtocolEndpoint\",Name=\"iscsi0\",$SIM_SYS_KEYS"
}

# sim_create_volume NAME [BYTES [POOL]]: wbemcli cm
# CreateOrModifyElementFromStoragePool; its output on stdout.
sim_create_volume() {
    wbemcli cm "$SIM_URL/$SIM_SCS" \
        "CreateOrModifyElementFromStoragePool.ElementName=$1,ElementType=2,Size=${2:-1073741824},InPool=$(sim_pool "${3:-gold}")"
}

# sim_key NAME <FILE: the value of key or property NAME="..." on each line
# of wbemcli output (the last one on the line: a property comes after
# the path's keys).
sim_key() {
    sed -n "s/.*[ ,.]$1=\"\([^\"]*\)\".*/\1/p"
}

# sim_lun N...: the lun IDs (of array "sim") that smis-sim's volumes N...
# have: the DeviceID and the WWN it makes from the volume number.
sim_lun() {
    for _n in "$@"; do
        printf "lun:sim:%08X:65A4E500A78A9938%016X\n" "$_n" "$_n"
    done
}

# ---- life cycle ----

SIM_PIDS=

# Is process $1 running (and not a zombie waiting to be reaped)?
_sim_alive() {
    [ -r "/proc/$1/stat" ] &&
        [ "$(sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f1)" != Z ]
}

# sim_start [SMIS-SIM OPTIONS...]: start smis-sim (or $SIM_PROG, e.g.
# hyperv-sim: lib-hv.sh) on 127.0.0.1, port 0,
# with a state file and a trace directory; wait until it listens.  Sets
# SIM_PID (the smis-sim process, or valgrind running it), SIM_PORT,
# SIM_URL (http or https, no credentials), SIM_STATE, SIM_TRACE, SIM_LOG.
# Returns non-zero (and shows the log) when it does not come up.
sim_start() {
    _n=${SIM_NAME:-sim}
    SIM_STATE=$TRASH/$_n.state
    SIM_TRACE=$TRASH/$_n.trace
    SIM_LOG=$TRASH/$_n.log
    SIM_PORT_FILE=$TRASH/$_n.port
    SIM_PORT=
    SIM_URL=
    rm -f "$SIM_PORT_FILE"
    mkdir -p "$SIM_TRACE"
    _scheme=http
    for _a in "$@"; do
        case $_a in --tls-cert | --tls-cert=*) _scheme=https ;; esac
    done
    # As run() does, but exec'd so that $! is the server (or valgrind).
    # shellcheck disable=SC2086
    (exec $SANPROV_WRAP "${SIM_PROG:-smis-sim}" --listen 127.0.0.1:0 \
        --port-file "$SIM_PORT_FILE" --state "$SIM_STATE" \
        --trace-dir "$SIM_TRACE" "$@") >"$SIM_LOG" 2>&1 8>&- &
    SIM_PID=$!
    SIM_PIDS="$SIM_PIDS $SIM_PID"
    _i=0
    while [ ! -s "$SIM_PORT_FILE" ] && _sim_alive "$SIM_PID" &&
        [ "$_i" -lt $((SIM_WAIT * 20)) ]; do
        sleep 0.05
        _i=$((_i + 1))
    done
    if [ ! -s "$SIM_PORT_FILE" ]; then
        echo "# ${SIM_PROG:-smis-sim} did not start within $SIM_WAIT s:"
        sed 's/^/#   /' "$SIM_LOG"
        sim_kill9
        return 1
    fi
    SIM_PORT=$(cat "$SIM_PORT_FILE")
    SIM_URL=$_scheme://127.0.0.1:$SIM_PORT
}

# sim_stop: SIGTERM, then wait (bounded) for the exit.  Sets SIM_RC to
# the exit status: 0 for a clean stop; 99 when valgrind found an error.
sim_stop() {
    [ -n "$SIM_PID" ] || return 0
    kill -TERM "$SIM_PID" 2>/dev/null
    _i=0
    while _sim_alive "$SIM_PID" && [ "$_i" -lt $((SIM_WAIT * 10)) ]; do
        sleep 0.1
        _i=$((_i + 1))
    done
    _sim_alive "$SIM_PID" && kill -KILL "$SIM_PID" 2>/dev/null
    wait "$SIM_PID"
    SIM_RC=$?
    SIM_PID=
    return "$SIM_RC"
}

# sim_kill9: kill -9 the simulator, as a crash or a power cut would.
sim_kill9() {
    [ -n "$SIM_PID" ] || return 0
    kill -KILL "$SIM_PID" 2>/dev/null
    wait "$SIM_PID" 2>/dev/null
    SIM_RC=$?
    SIM_PID=
}

# sim_stopped_ok: in a test after sim_stop: it exited 0 (else show its log).
sim_stopped_ok() {
    [ "$SIM_RC" = 0 ] && return 0
    echo "smis-sim exited with status $SIM_RC; its log:"
    cat "$SIM_LOG"
    return 1
}

_sim_exit() {
    for _p in $SIM_PIDS; do
        _sim_alive "$_p" && kill -KILL "$_p" 2>/dev/null
    done
    return 0
}
trap _sim_exit EXIT
trap '_sim_exit; exit 130' INT TERM

# ---- checks ----

# sim_get PATH [PORT]: an HTTP GET of PATH on the (plain HTTP) simulator
# (default: the last started, $SIM_PORT); the body on stdout, non-zero
# unless the status is 200.  bash's /dev/tcp keeps the tests free of an
# HTTP client program.
sim_get() {
    bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" "$2" >&3
        cat <&3' sim_get "${2:-$SIM_PORT}" "$1" >"$TRASH/.sim_get" || return 1
    head -n 1 "$TRASH/.sim_get" | grep -q '^HTTP/1\.[01] 200 ' || {
        head -n 1 "$TRASH/.sim_get" >&2
        return 1
    }
    sed '1,/^\r*$/d' "$TRASH/.sim_get"
}

# sim_imethod NAMESPACE OPERATION [IPARAMVALUES]: a raw CIM-XML
# intrinsic request (for what no client here sends, e.g. a GetClass with
# DSP0200's defaults); IPARAMVALUES is the XML of its parameters.  The
# response body on stdout; non-zero unless the HTTP status is 200.
sim_imethod() {
    _ns=$(printf '%s' "$1" | tr '/' '\n' | sed 's|.*|<NAMESPACE NAME="&"/>|' |
        tr -d '\n')
    printf '<?xml version="1.0" encoding="utf-8"?>
<CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="1" PROTOCOLVERSION="1.0"><SIMPLEREQ><IMETHODCALL NAME="%s"><LOCALNAMESPACEPATH>%s</LOCALNAMESPACEPATH>%s</IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>
' "$2" "$_ns" "$3" >"$TRASH/.sim_req"
    {
        printf 'POST /cimom HTTP/1.0\r\nHost: 127.0.0.1\r\n'
        printf 'Content-Type: application/xml; charset="utf-8"\r\n'
        printf 'CIMOperation: MethodCall\r\nCIMMethod: %s\r\n' "$2"
        printf 'CIMObject: %s\r\nContent-Length: %s\r\n\r\n' "$1" \
            "$(wc -c <"$TRASH/.sim_req" | tr -d ' ')"
        cat "$TRASH/.sim_req"
    } >"$TRASH/.sim_post_req"
    bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        cat "$2" >&3
        cat <&3' sim_imethod "$SIM_PORT" "$TRASH/.sim_post_req" \
        >"$TRASH/.sim_post" || return 1
    head -n 1 "$TRASH/.sim_post" | grep -q '^HTTP/1\.[01] 200 ' || {
        head -n 1 "$TRASH/.sim_post" >&2
        return 1
    }
    sed '1,/^\r*$/d' "$TRASH/.sim_post"
}

# sim_state: the array of the simulator as JSON (the form of its state
# file), for a test that looks behind the client's back.  While it runs:
# GET /state (of another simulator: sim_get /state PORT).  Stopped (after
# sim_stop or sim_kill9): its state file, with the journal folded in first
# (smis-sim --compact).  The state file alone is the array only after a
# clean stop: changes go to the journal beside it (see smis-sim(1)).
sim_state() {
    if [ -n "$SIM_PID" ]; then
        sim_get /state
    else
        # shellcheck disable=SC2086
        $SANPROV_WRAP smis-sim --state "$SIM_STATE" --compact &&
            cat "$SIM_STATE"
    fi
}

SIM_DTD=${SANPROV_SHARED:-$SANPROV_SRCDIR/../shared}/cim/DSP0203_2.4.0.dtd

# sim_validate_traces [DIR]: validate every response (*.rsp.xml) in DIR
# (default $SIM_TRACE) against DSP0203 2.4.0; list the failures.  Fails
# when there is nothing to validate.
sim_validate_traces() {
    _dir=${1:-$SIM_TRACE}
    _n=0
    _bad=0
    for _f in "$_dir"/*.rsp.xml; do
        [ -e "$_f" ] || continue
        _n=$((_n + 1))
        if ! xmllint --noout --nonet --dtdvalid "$SIM_DTD" "$_f" \
            >"$TRASH/.xmllint" 2>&1; then
            _bad=$((_bad + 1))
            echo "not valid: $_f"
            head -5 "$TRASH/.xmllint"
        fi
    done
    echo "$_n responses, $_bad not valid"
    [ "$_n" -gt 0 ] && [ "$_bad" -eq 0 ]
}

# sim_expect_valid_traces DESCRIPTION: (at the top level) a test that every
# response of the last simulator validates, skipped when the DTD is absent.
sim_expect_valid_traces() {
    if [ -r "$SIM_DTD" ]; then
        test_expect_success "$1" 'sim_validate_traces'
    else
        test_skip "$1" "reference data: the DMTF DTD DSP0203 2.4.0 is not at $SIM_DTD (set SANPROV_SHARED)"
    fi
}
