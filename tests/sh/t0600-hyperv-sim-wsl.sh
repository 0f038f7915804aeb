#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0600-hyperv-sim-wsl.sh: an independent WS-Management client accepts hyperv-sim: Debian's wsl enumerates Msvm_ComputerSystem and MSFT_Disk, gets a VM by its selectors and invokes RequestStateChange on it, over HTTP and over HTTPS, with Basic authentication.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-hv.sh"

for tool in wslenum wslget wslinvoke uuidgen xmllint curl openssl; do
    if ! command -v $tool >/dev/null; then
        test_skip 'wsl against hyperv-sim' "$tool is not installed (make deps: wsl, uuid-runtime)"
        test_done
        exit
    fi
done

mkdir -p pki
(
    cd pki &&
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
            -subj '/CN=sanprov test CA' -keyout ca.key -out ca.pem \
            -addext basicConstraints=critical,CA:TRUE &&
        openssl req -newkey rsa:2048 -nodes -subj '/CN=127.0.0.1' \
            -keyout srv.key -out srv.csr &&
        printf 'subjectAltName=IP:127.0.0.1\n' >ext &&
        openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key \
            -CAcreateserial -days 2 -extfile ext -out srv.pem
) >pki.log 2>&1
printf 'n0t-s3cret\n' >pw
chmod 600 pw

# wsl reads its settings from the environment and ~/.wsl-config, and
# writes its request and response files where it runs.  No history of
# the credentials (KEEPHISTORY=0).
KEEPHISTORY=0
WSUSER="admin"
WSPASS=n0t-s3cret
export KEEPHISTORY WSUSER WSPASS

# define NAME: DefineSystem of a generation 2 VM through wslinvoke -raw.
define() {
    printf '<p:DefineSystem_INPUT xmlns:p="%s"><p:SystemSettings>%s</p:SystemSettings></p:DefineSystem_INPUT>\n' \
        "$HV_V2/Msvm_VirtualSystemManagementService" \
        "$(hv_embedded Msvm_VirtualSystemSettingData ElementName="$1" \
            VirtualSystemSubType=Microsoft:Hyper-V:SubType:2 Notes=sanprov)" >define.xml &&
        wslinvoke "$HV_V2/Msvm_VirtualSystemManagementService" DefineSystem \
            -raw define.xml >out && cat out &&
        grep -q "<p:ReturnValue>0</p:ReturnValue>" out
}

# the_checks SCHEME: the client's session, the same over HTTP and HTTPS.
the_checks() {
    test_expect_success "$1: wslenum lists the host and the VMs" '
        wslenum "$HV_V2/Msvm_ComputerSystem" >out && cat out &&
        hv_prop ElementName <out | sort >names &&
        printf "HV01\nweb01\nweb02\n" >want && test_cmp want names
    '

    test_expect_success "$1: wslenum with a WQL filter" '
        wslenum "$HV_V2/Msvm_ComputerSystem" \
            -dialect http://schemas.microsoft.com/wbem/wsman/1/WQL \
            -filter "SELECT * FROM Msvm_ComputerSystem WHERE ElementName = '"'"'web02'"'"'" >out &&
        hv_prop ElementName <out >names && echo web02 >want &&
        test_cmp want names
    '

    test_expect_success "$1: wslenum lists MSFT_Disk" '
        wslenum "$HV_STORAGE/MSFT_Disk" >out && cat out &&
        hv_prop Number <out >n && echo 0 >want && test_cmp want n &&
        hv_prop IsBoot <out >b && echo true >want && test_cmp want b
    '

    test_expect_success "$1: wslget gets a VM by its selectors" '
        guid=$(hv_prop Name <vms.xml | head -1) && test -n "$guid" &&
        wslget "$HV_V2/Msvm_ComputerSystem" \
            CreationClassName=Msvm_ComputerSystem "Name=$guid" >out &&
        cat out && hv_prop Name <out >n && echo "$guid" >want &&
        test_cmp want n
    '

    test_expect_success "$1: wslinvoke RequestStateChange starts and stops a VM" '
        wslinvoke "$HV_V2/Msvm_ComputerSystem" RequestStateChange RequestedState=2 \
            -filter "SELECT * FROM Msvm_ComputerSystem WHERE ElementName = '"'"'web01'"'"'" >out &&
        cat out && grep -q "<p:ReturnValue>0</p:ReturnValue>" out &&
        hv_enum "$HV_V2/Msvm_ComputerSystem" \
            "SELECT * FROM Msvm_ComputerSystem WHERE ElementName = '"'"'web01'"'"'" >st &&
        hv_prop EnabledState <st >s && echo 2 >want && test_cmp want s &&
        wslinvoke "$HV_V2/Msvm_ComputerSystem" RequestStateChange RequestedState=3 \
            -filter "SELECT * FROM Msvm_ComputerSystem WHERE ElementName = '"'"'web01'"'"'" >out &&
        grep -q "<p:ReturnValue>0</p:ReturnValue>" out &&
        hv_enum "$HV_V2/Msvm_ComputerSystem" \
            "SELECT * FROM Msvm_ComputerSystem WHERE ElementName = '"'"'web01'"'"'" >st &&
        hv_prop EnabledState <st >s && echo 3 >want && test_cmp want s
    '

    test_expect_success "$1: a wrong password is refused (401)" '
        WSPASS=wrong wslenum "$HV_V2/Msvm_ComputerSystem" >out 2>&1;
        ! grep -q Msvm_ComputerSystem_Type out &&
        grep -q "empty\|not in SOAP" out
    '
}

# ---- HTTP ----

sim_start --user admin --password-file pw
WSENDPOINT=127.0.0.1:$SIM_PORT
WSNOSSL=1
HV_CURL="-u admin:n0t-s3cret"
export WSENDPOINT WSNOSSL

test_expect_success 'http: two VMs defined through wslinvoke' '
    define web01 && define web02 &&
    hv_enum "$HV_V2/Msvm_ComputerSystem" \
        "SELECT * FROM Msvm_ComputerSystem WHERE Caption = '"'"'Virtual Machine'"'"'" >vms.xml &&
    hv_prop ElementName <vms.xml | sort >names &&
    printf "web01\nweb02\n" >want && test_cmp want names
'
hv_enum "$HV_V2/Msvm_ComputerSystem" \
    "SELECT * FROM Msvm_ComputerSystem WHERE Caption = 'Virtual Machine'" >vms.xml
the_checks http
sim_stop
test_expect_success 'http: hyperv-sim stops cleanly' 'sim_stopped_ok'

# ---- HTTPS, the same host ----

sim_start --user admin --password-file pw --tls-cert pki/srv.pem \
    --tls-key pki/srv.key
WSENDPOINT=127.0.0.1:$SIM_PORT
unset WSNOSSL
HV_CURL="-u admin:n0t-s3cret --cacert pki/ca.pem"
# wsl verifies the server against ENDPOINT.crt when there is one.
cp pki/ca.pem "$WSENDPOINT.crt"

test_expect_success 'https: the VMs are still there (state file)' '
    hv_enum "$HV_V2/Msvm_ComputerSystem" >all.xml &&
    hv_prop ElementName <all.xml | sort >names &&
    printf "HV01\nweb01\nweb02\n" >want && test_cmp want names
'
the_checks https

test_expect_success 'https: plain HTTP to the HTTPS port is no answer' '
    ! curl -s -u admin:n0t-s3cret "http://$WSENDPOINT/wsman" -d x -o /dev/null
'
sim_stop
test_expect_success 'https: hyperv-sim stops cleanly' 'sim_stopped_ok'

test_done
