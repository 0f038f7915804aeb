#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/lib-hv.sh: start and stop hyperv-sim from shell tests (through lib-sim.sh's life cycle), and speak WS-Management to it with curl.
#
#   . "$SANPROV_SRCDIR/tests/sh/lib.sh"
#   . "$SANPROV_SRCDIR/tests/sh/lib-hv.sh"
#   sim_start --iqn "$IQN"              # hyperv-sim; SIM_URL, SIM_PORT...
#   test_expect_success 'a rescan' 'hv_invoke "$HV_STORAGE/MSFT_StorageSetting" UpdateHostStorageCache >out'
#   sim_stop
#
# HV_CURL holds extra curl options (credentials, --cacert) for hv_post.
# The paths below are for the scripts that source this file:
# shellcheck disable=SC2034
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

SIM_PROG=hyperv-sim
SIM_NAME=${SIM_NAME:-hv}
HV_WMI=http://schemas.microsoft.com/wbem/wsman/1/wmi
HV_V2=$HV_WMI/root/virtualization/v2
HV_STORAGE=$HV_WMI/root/Microsoft/Windows/Storage
HV_CIMV2=$HV_WMI/root/cimv2
HV_CURL=

# hv_envelope ACTION RESOURCEURI SELECTORS-XML BODY-XML: a request, with
# the MaxEnvelopeSize $HV_MAX_ENVELOPE (default 512000, WinRM's).
hv_envelope() {
    cat <<EOF
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration"><s:Header><a:To>$SIM_URL/wsman</a:To><w:ResourceURI s:mustUnderstand="true">$2</w:ResourceURI><a:ReplyTo><a:Address s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo><a:Action s:mustUnderstand="true">$1</a:Action><w:MaxEnvelopeSize s:mustUnderstand="true">${HV_MAX_ENVELOPE:-512000}</w:MaxEnvelopeSize><a:MessageID>uuid:$(cat /proc/sys/kernel/random/uuid)</a:MessageID><w:OperationTimeout>PT60S</w:OperationTimeout>${3:+<w:SelectorSet>$3</w:SelectorSet>}</s:Header><s:Body>$4</s:Body></s:Envelope>
EOF
}

# hv_post: the envelope on stdin to $SIM_URL/wsman; the response on
# stdout, its HTTP status in the file http.status.
hv_post() {
    # shellcheck disable=SC2086
    curl -sS $HV_CURL -H 'Content-Type: application/soap+xml;charset=UTF-8' \
        --data-binary @- -D http.headers "$SIM_URL/wsman" &&
        sed -n '1s/^HTTP[^ ]* \([0-9]*\).*/\1/p' http.headers >http.status
}

# hv_sel NAME=VALUE...: a selector set's selectors.
hv_sel() {
    for _s in "$@"; do
        printf '<w:Selector Name="%s">%s</w:Selector>' "${_s%%=*}" "${_s#*=}"
    done
}

# hv_invoke URI METHOD [SELECTORS-XML [PARAMS-XML]]: invoke METHOD.
hv_invoke() {
    hv_envelope "$1/$2" "$1" "$3" "<p:$2_INPUT xmlns:p=\"$1\">$4</p:$2_INPUT>" |
        hv_post
}

# hv_enum URI [WQL]: every instance, in one optimized Enumerate.
hv_enum() {
    hv_envelope http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate \
        "$1" "" "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>10000</w:MaxElements>${2:+<w:Filter Dialect=\"http://schemas.microsoft.com/wbem/wsman/1/WQL\">$2</w:Filter>}</n:Enumerate>" |
        hv_post
}

# hv_get URI SELECTORS-XML: WS-Transfer Get.
hv_get() {
    hv_envelope http://schemas.xmlsoap.org/ws/2004/09/transfer/Get "$1" "$2" "" |
        hv_post
}

# hv_prop NAME <RESPONSE: the values of property NAME, one a line.
hv_prop() {
    { cat && echo; } | sed "s/<p:$1>/\n&/g" |
        sed -n "s/^<p:$1>\([^<]*\)<\/p:$1>.*/\1/p"
}

# hv_embedded CLASS NAME=VALUE...: an embedded instance as DSP0201
# INSTANCE text, escaped for a parameter (what WMI's GetText makes).
hv_embedded() {
    _c=$1
    shift
    printf '&lt;INSTANCE CLASSNAME="%s"&gt;' "$_c"
    for _p in "$@"; do
        printf '&lt;PROPERTY NAME="%s" TYPE="string"&gt;&lt;VALUE&gt;%s&lt;/VALUE&gt;&lt;/PROPERTY&gt;' \
            "${_p%%=*}" "${_p#*=}"
    done
    printf '&lt;/INSTANCE&gt;'
}

HV_VSMS_SEL=$(hv_sel CreationClassName=Msvm_VirtualSystemManagementService \
    Name=vmms SystemCreationClassName=Msvm_ComputerSystem SystemName=HV01)
