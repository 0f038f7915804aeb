#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0602-hyperv-sim.sh: hyperv-sim as a client sees it: its options, the host it reports, VMs and their resources checked as Hyper-V checks them, jobs, associations, enumerations, faults as WinRM writes them, injected faults, and the state across a restart.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-hv.sh"

if ! command -v curl >/dev/null; then
    test_skip 'hyperv-sim' 'curl is not installed (make deps)'
    test_done
    exit
fi

VSMS=$HV_V2/Msvm_VirtualSystemManagementService
OK='<p:ReturnValue>0</p:ReturnValue>'

# ---- the command line ----

test_expect_success '--help lists the options, --version the version' '
    run hyperv-sim --help >out &&
    for o in --listen --port-file --state --tls-cert --tls-key --user \
        --password-file --hostname --os --iqn --wwpn --switches --no-mpio \
        --iscsi-service --smis-url --preload-vms --latency --job-seconds --fail --drop \
        --job-fail --close-after --trace-dir --version; do
        grep -e "$o" out || { echo "--help does not list $o"; exit 1; }
    done &&
    run hyperv-sim --version >out && grep "^hyperv-sim (sanprov) [0-9.]*$" out
'

test_expect_success 'bad options exit 2 and say why' '
    for a in --no-such-option "--os 2008" "--iscsi-service paused" \
        "--fail Get" "--fail Get:0" "--fail Get:1:99" "--drop Get:1:5" \
        "--listen 127.0.0.1" "--user u" "--tls-cert x"; do
        # shellcheck disable=SC2086
        run hyperv-sim $a 2>err; rc=$?
        test $rc -eq 2 || { echo "$a: exit $rc"; cat err; exit 1; }
        test -s err || exit 1
    done
'

# define NAME GEN: DefineSystem; the response in define.xml.
define() {
    hv_invoke "$VSMS" DefineSystem "$HV_VSMS_SEL" \
        "<p:SystemSettings>$(hv_embedded Msvm_VirtualSystemSettingData \
            ElementName="$1" VirtualSystemSubType="Microsoft:Hyper-V:SubType:$2" \
            Notes="tmpl:x vm:$1")</p:SystemSettings>" >define.xml
}

# vm_guid NAME: the GUID of VM NAME.
vm_guid() {
    hv_enum "$HV_V2/Msvm_ComputerSystem" \
        "SELECT * FROM Msvm_ComputerSystem WHERE ElementName = '$1'" |
        hv_prop Name
}

# ---- an old host ----

sim_start --os 2012 --no-mpio --iscsi-service stopped:manual \
    --switches LAN,Storage --hostname HV01

test_expect_success '2012: the OS, no MPIO, the iSCSI service stopped and manual' '
    hv_enum "$HV_CIMV2/Win32_OperatingSystem" >os &&
    hv_prop BuildNumber <os >b && echo 9200 >want && test_cmp want b &&
    hv_enum "$HV_CIMV2/Win32_ServerFeature" >f && ! grep -q "Multipath" f &&
    hv_get "$HV_CIMV2/Win32_Service" "$(hv_sel Name=MSiSCSI)" >svc &&
    hv_prop State <svc >s && echo Stopped >want && test_cmp want s &&
    hv_prop StartMode <svc >m && echo Manual >want && test_cmp want m
'

test_expect_success '2012: the service started and set to automatic' '
    hv_invoke "$HV_CIMV2/Win32_Service" StartService "$(hv_sel Name=MSiSCSI)" >out &&
    grep -q "$OK" out &&
    hv_invoke "$HV_CIMV2/Win32_Service" ChangeStartMode "$(hv_sel Name=MSiSCSI)" \
        "<p:StartMode>Automatic</p:StartMode>" >out && grep -q "$OK" out &&
    hv_get "$HV_CIMV2/Win32_Service" "$(hv_sel Name=MSiSCSI)" >svc &&
    hv_prop State <svc >s && echo Running >want && test_cmp want s &&
    hv_invoke "$HV_CIMV2/Win32_Service" StartService "$(hv_sel Name=MSiSCSI)" >out &&
    grep -q "<p:ReturnValue>10</p:ReturnValue>" out
'

test_expect_success '2012: generation 2 is refused (32773), generation 1 defined' '
    define g2 2 && grep -q "<p:ReturnValue>32773</p:ReturnValue>" define.xml &&
    define g1 1 && grep -q "$OK" define.xml &&
    hv_enum "$HV_V2/Msvm_VirtualSystemSettingData" >vssd &&
    hv_prop VirtualSystemSubType <vssd | sort -u >subs &&
    echo Microsoft:Hyper-V:SubType:1 >want && test_cmp want subs
'

test_expect_success 'a VM: SCSI, a drive, a VHD on a volume, a NIC on a switch' '
    g=$(vm_guid g1) && test -n "$g" &&
    vssd=$(hv_sel "InstanceID=Microsoft:$g") &&
    aff="<p:AffectedConfiguration><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address><a:ReferenceParameters><w:ResourceURI>$HV_V2/Msvm_VirtualSystemSettingData</w:ResourceURI><w:SelectorSet>$vssd</w:SelectorSet></a:ReferenceParameters></p:AffectedConfiguration>" &&
    echo "$aff" >aff &&
    hv_invoke "$VSMS" AddResourceSettings "$HV_VSMS_SEL" "$aff<p:ResourceSettings>$(hv_embedded \
        Msvm_ResourceAllocationSettingData \
        "ResourceSubType=Microsoft:Hyper-V:Synthetic SCSI Controller")</p:ResourceSettings><p:ResourceSettings>$(hv_embedded \
        Msvm_SyntheticEthernetPortSettingData \
        "ResourceSubType=Microsoft:Hyper-V:Synthetic Ethernet Port" \
        ElementName=nic0)</p:ResourceSettings>" >out &&
    grep -q "$OK" out &&
    scsi=$(sed "s/<p:ResultingResourceSettings>/\n&/g" out | grep "D422512D" |
        sed -n "s/.*InstanceID\">\([^<]*\)<.*/\1/p") && test -n "$scsi" &&
    nic=$(sed "s/<p:ResultingResourceSettings>/\n&/g" out | grep "C1B2A3D4" |
        sed -n "s/.*InstanceID\">\([^<]*\)<.*/\1/p") && test -n "$nic" &&
    sp=$(printf "%s" "$scsi" | sed "s/\\\\/\\\\\\\\/g") &&
    hv_invoke "$VSMS" AddResourceSettings "$HV_VSMS_SEL" "$aff<p:ResourceSettings>$(hv_embedded \
        Msvm_ResourceAllocationSettingData \
        "ResourceSubType=Microsoft:Hyper-V:Synthetic Disk Drive" \
        "Parent=\\\\\\\\HV01\\\\root\\\\virtualization\\\\v2:Msvm_ResourceAllocationSettingData.InstanceID=&quot;$sp&quot;" \
        AddressOnParent=0)</p:ResourceSettings>" >out &&
    cat out && grep -q "$OK" out &&
    drive=$(sed -n "s/.*InstanceID\">\([^<]*\)<.*/\1/p" out) && test -n "$drive" &&
    printf "%s\n" "$drive" >drive.id &&
    dp=$(printf "%s" "$drive" | sed "s/\\\\/\\\\\\\\/g") &&
    parent="Parent=\\\\\\\\HV01\\\\root\\\\virtualization\\\\v2:Msvm_ResourceAllocationSettingData.InstanceID=&quot;$dp&quot;" &&
    hv_invoke "$VSMS" AddResourceSettings "$HV_VSMS_SEL" "$aff<p:ResourceSettings>$(hv_embedded \
        Msvm_StorageAllocationSettingData \
        "ResourceSubType=Microsoft:Hyper-V:Virtual Hard Disk" "$parent" \
        "HostResource=D:\\VMs\\g1.vhdx")</p:ResourceSettings>" >out &&
    grep -q "<p:ReturnValue>32773</p:ReturnValue>" out &&
    hv_invoke "$VSMS" AddResourceSettings "$HV_VSMS_SEL" "$aff<p:ResourceSettings>$(hv_embedded \
        Msvm_StorageAllocationSettingData \
        "ResourceSubType=Microsoft:Hyper-V:Virtual Hard Disk" "$parent" \
        "HostResource=C:\\VMs\\g1.vhdx")</p:ResourceSettings>" >out &&
    grep -q "$OK" out &&
    np=$(printf "%s" "$nic" | sed "s/\\\\/\\\\\\\\/g") &&
    nparent="Parent=\\\\\\\\HV01\\\\root\\\\virtualization\\\\v2:Msvm_SyntheticEthernetPortSettingData.InstanceID=&quot;$np&quot;" &&
    hv_invoke "$VSMS" AddResourceSettings "$HV_VSMS_SEL" "$aff<p:ResourceSettings>$(hv_embedded \
        Msvm_EthernetPortAllocationSettingData \
        "ResourceSubType=Microsoft:Hyper-V:Ethernet Connection" "$nparent" \
        HostResource=Nope)</p:ResourceSettings>" >out &&
    grep -q "<p:ReturnValue>32773</p:ReturnValue>" out &&
    hv_invoke "$VSMS" AddResourceSettings "$HV_VSMS_SEL" "$aff<p:ResourceSettings>$(hv_embedded \
        Msvm_EthernetPortAllocationSettingData \
        "ResourceSubType=Microsoft:Hyper-V:Ethernet Connection" "$nparent" \
        HostResource=LAN)</p:ResourceSettings>" >out &&
    grep -q "$OK" out &&
    hv_enum "$HV_V2/Msvm_StorageAllocationSettingData" >sasd &&
    hv_prop HostResource <sasd >hr && printf "C:\\\\VMs\\\\g1.vhdx\n" >want &&
    test_cmp want hr &&
    hv_enum "$HV_V2/Msvm_SyntheticEthernetPortSettingData" >nics &&
    hv_prop Address <nics | grep -Eq "^00155D[0-9A-F]{6}$" &&
    hv_enum "$HV_V2/Msvm_EthernetPortAllocationSettingData" >conn &&
    grep -q "5A5B0000-0000-4000-8000-000000000001" conn
'

test_expect_success 'a VM modified: 4 vCPUs, 2048 MB, new notes; odd memory refused' '
    g=$(vm_guid g1) &&
    hv_enum "$HV_V2/Msvm_ProcessorSettingData" >p && pid=$(hv_prop InstanceID <p) &&
    hv_enum "$HV_V2/Msvm_MemorySettingData" >m && mid=$(hv_prop InstanceID <m) &&
    hv_invoke "$VSMS" ModifyResourceSettings "$HV_VSMS_SEL" "<p:ResourceSettings>$(hv_embedded \
        Msvm_ProcessorSettingData "InstanceID=$pid" VirtualQuantity=4)</p:ResourceSettings><p:ResourceSettings>$(hv_embedded \
        Msvm_MemorySettingData "InstanceID=$mid" VirtualQuantity=2048)</p:ResourceSettings>" >out &&
    grep -q "$OK" out &&
    hv_enum "$HV_V2/Msvm_ProcessorSettingData" | hv_prop VirtualQuantity >q &&
    echo 4 >want && test_cmp want q &&
    hv_enum "$HV_V2/Msvm_MemorySettingData" | hv_prop VirtualQuantity >q &&
    echo 2048 >want && test_cmp want q &&
    hv_invoke "$VSMS" ModifyResourceSettings "$HV_VSMS_SEL" "<p:ResourceSettings>$(hv_embedded \
        Msvm_MemorySettingData "InstanceID=$mid" VirtualQuantity=1025)</p:ResourceSettings>" >out &&
    grep -q "<p:ReturnValue>32773</p:ReturnValue>" out &&
    hv_enum "$HV_V2/Msvm_MemorySettingData" | hv_prop VirtualQuantity >q &&
    echo 2048 >want && test_cmp want q &&
    hv_invoke "$VSMS" ModifySystemSettings "$HV_VSMS_SEL" "<p:SystemSettings>$(hv_embedded \
        Msvm_VirtualSystemSettingData "InstanceID=Microsoft:$g" \
        "Notes=tmpl:y vm:g1")</p:SystemSettings>" >out && grep -q "$OK" out &&
    hv_get "$HV_V2/Msvm_VirtualSystemSettingData" "$(hv_sel "InstanceID=Microsoft:$g")" >v &&
    hv_prop Notes <v >n && echo "tmpl:y vm:g1" >want && test_cmp want n
'

test_expect_success 'associations: the VM settings and their parts, by filter and by WQL' '
    g=$(vm_guid g1) &&
    hv_envelope http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate \
        "$HV_V2/*" "" "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>100</w:MaxElements><w:Filter Dialect=\"http://schemas.dmtf.org/wbem/wsman/1/cimbinding/associationFilter\"><b:AssociatedInstances xmlns:b=\"http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd\"><b:Object><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address><a:ReferenceParameters><w:ResourceURI>$HV_V2/Msvm_ComputerSystem</w:ResourceURI><w:SelectorSet>$(hv_sel CreationClassName=Msvm_ComputerSystem Name="$g")</w:SelectorSet></a:ReferenceParameters></b:Object><b:AssociationClassName>Msvm_SettingsDefineState</b:AssociationClassName><b:ResultClassName>Msvm_VirtualSystemSettingData</b:ResultClassName></b:AssociatedInstances></w:Filter></n:Enumerate>" |
        hv_post >out &&
    hv_prop InstanceID <out >ids && echo "Microsoft:$g" >want && test_cmp want ids &&
    hv_enum "$HV_V2/*" "ASSOCIATORS OF {Msvm_VirtualSystemSettingData.InstanceID=\"Microsoft:$g\"} WHERE ResultClass = Msvm_ResourceAllocationSettingData" >out &&
    hv_prop ResourceSubType <out | sort >subs &&
    printf "Microsoft:Hyper-V:Synthetic Disk Drive\nMicrosoft:Hyper-V:Synthetic SCSI Controller\n" >want &&
    test_cmp want subs &&
    hv_enum "$HV_V2/*" "REFERENCES OF {Msvm_VirtualSystemSettingData.InstanceID=\"Microsoft:$g\"}" >out &&
    test "$(grep -o "<p:Msvm_VirtualSystemSettingDataComponent " out | wc -l)" -eq 7
'

test_expect_success 'a removed drive takes its disk with it' '
    d=$(cat drive.id) &&
    hv_invoke "$VSMS" RemoveResourceSettings "$HV_VSMS_SEL" "<p:ResourceSettings><a:Address>x</a:Address><a:ReferenceParameters><w:ResourceURI>$HV_V2/Msvm_ResourceAllocationSettingData</w:ResourceURI><w:SelectorSet>$(hv_sel "InstanceID=$d")</w:SelectorSet></a:ReferenceParameters></p:ResourceSettings>" >out &&
    cat out && grep -q "$OK" out &&
    hv_enum "$HV_V2/Msvm_StorageAllocationSettingData" >sasd &&
    ! grep -q HostResource sasd
'

test_expect_success 'a running VM cannot be destroyed (32775); stopped, it can' '
    g=$(vm_guid g1) && sel=$(hv_sel CreationClassName=Msvm_ComputerSystem Name="$g") &&
    hv_invoke "$HV_V2/Msvm_ComputerSystem" RequestStateChange "$sel" \
        "<p:RequestedState>2</p:RequestedState>" >out && grep -q "$OK" out &&
    hv_invoke "$HV_V2/Msvm_ComputerSystem" RequestStateChange "$sel" \
        "<p:RequestedState>2</p:RequestedState>" >out &&
    grep -q "<p:ReturnValue>32775</p:ReturnValue>" out &&
    sys="<p:AffectedSystem><a:Address>x</a:Address><a:ReferenceParameters><w:ResourceURI>$HV_V2/Msvm_ComputerSystem</w:ResourceURI><w:SelectorSet>$sel</w:SelectorSet></a:ReferenceParameters></p:AffectedSystem>" &&
    hv_invoke "$VSMS" DestroySystem "$HV_VSMS_SEL" "$sys" >out &&
    grep -q "<p:ReturnValue>32775</p:ReturnValue>" out &&
    hv_invoke "$HV_V2/Msvm_ComputerSystem" RequestStateChange "$sel" \
        "<p:RequestedState>3</p:RequestedState>" >out && grep -q "$OK" out &&
    hv_invoke "$VSMS" DestroySystem "$HV_VSMS_SEL" "$sys" >out && grep -q "$OK" out &&
    test -z "$(vm_guid g1)"
'

test_expect_success 'faults: no such instance, class, namespace, context, action' '
    hv_get "$HV_V2/Msvm_ComputerSystem" "$(hv_sel CreationClassName=Msvm_ComputerSystem Name=nope)" >out &&
    test "$(cat http.status)" = 500 && grep -q "wsman:InvalidSelectors" out &&
    grep -q "<p:CIMStatusCode[^>]*>6<" out && grep -q ">2147749890<" out &&
    hv_enum "$HV_V2/Msvm_Nothing" >out && grep -q "wsman:DestinationUnreachable" out &&
    grep -q "<p:CIMStatusCode[^>]*>5<" out &&
    hv_enum "$HV_WMI/root/nowhere/Msvm_ComputerSystem" >out &&
    grep -q "<p:CIMStatusCode[^>]*>3<" out &&
    hv_enum "$HV_V2/Msvm_ComputerSystem" "SELECT Name FROM Msvm_ComputerSystem" >out &&
    grep -q "wsman:CannotProcessFilter" out &&
    hv_envelope http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull "$HV_V2/Msvm_ComputerSystem" "" \
        "<n:Pull><n:EnumerationContext>uuid:gone</n:EnumerationContext></n:Pull>" | hv_post >out &&
    grep -q "n:InvalidEnumerationContext" out &&
    hv_invoke "$HV_V2/Msvm_ComputerSystem" Explode "$(hv_sel CreationClassName=Msvm_ComputerSystem Name=HV01)" >out &&
    grep -q "a:ActionNotSupported" out
'

test_expect_success 'hostile envelopes: a DOCTYPE, not XML, too large, the wrong type' '
    { printf "<?xml version=\"1.0\"?><!DOCTYPE s [<!ENTITY x \"y\">]>"; hv_envelope \
        http://schemas.xmlsoap.org/ws/2004/09/transfer/Get "$HV_V2/Msvm_ComputerSystem" "" ""; } |
        hv_post >out && grep -q "wsman:SchemaValidationError" out &&
    echo "<s:Envelope" | hv_post >out && grep -q "not well-formed" out &&
    head -c 600000 /dev/zero | tr "\0" a | hv_post >out &&
    test "$(cat http.status)" = 413 &&
    test "$(curl -s -o /dev/null -w "%{http_code}" -d "<x/>" "$SIM_URL/wsman")" = 415
'

test_expect_success 'an enumeration pulled one by one, and one released' '
    hv_envelope http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate \
        "$HV_V2/Msvm_VirtualSystemSettingData" "" "<n:Enumerate/>" | hv_post >out &&
    ctx=$(sed -n "s/.*<n:EnumerationContext>\([^<]*\)<.*/\1/p" out) && test -n "$ctx" &&
    n=0 && while [ -n "$ctx" ]; do
        hv_envelope http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull "$HV_V2/Msvm_VirtualSystemSettingData" "" \
            "<n:Pull><n:EnumerationContext>$ctx</n:EnumerationContext></n:Pull>" | hv_post >out &&
        n=$((n + 1)) &&
        ctx=$(sed -n "s/.*<n:EnumerationContext>\([^<]*\)<.*/\1/p" out) || exit 1
    done && grep -q "<n:EndOfSequence/>" out && test "$n" -eq 1 &&
    hv_envelope http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate \
        "$HV_V2/Msvm_ComputerSystem" "" "<n:Enumerate/>" | hv_post >out &&
    ctx=$(sed -n "s/.*<n:EnumerationContext>\([^<]*\)<.*/\1/p" out) &&
    hv_envelope http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release "$HV_V2/Msvm_ComputerSystem" "" \
        "<n:Release><n:EnumerationContext>$ctx</n:EnumerationContext></n:Release>" | hv_post >out &&
    grep -q "ReleaseResponse" out &&
    hv_envelope http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull "$HV_V2/Msvm_ComputerSystem" "" \
        "<n:Pull><n:EnumerationContext>$ctx</n:EnumerationContext></n:Pull>" | hv_post >out &&
    grep -q "n:InvalidEnumerationContext" out
'

test_expect_success '/stats counts the calls; the trace holds each exchange' '
    sim_get /stats >stats && grep -q "\"DefineSystem\":2" stats &&
    grep -q "\"vms\":0" stats &&
    ls "$SIM_TRACE" | grep -q "^[0-9]\{6\}-DefineSystem\.req\.xml$" &&
    ls "$SIM_TRACE" | grep -q "^[0-9]\{6\}-DefineSystem\.rsp\.xml$" &&
    test "$(ls "$SIM_TRACE" | grep -c "\.req\.xml$")" -eq \
        "$(ls "$SIM_TRACE" | grep -c "\.rsp\.xml$")"
'

sim_stop
test_expect_success '2012: hyperv-sim stops cleanly' 'sim_stopped_ok'

# ---- the state across a restart; jobs ----

SIM_NAME="jobs"
sim_start --job-seconds 1 --job-fail 2

test_expect_success 'jobs: DefineSystem answers 4096 and a job that completes' '
    define j1 2 && grep -q "<p:ReturnValue>4096</p:ReturnValue>" define.xml &&
    job=$(sed "s/<p:Job>/\n&/" define.xml | sed -n "2s/.*InstanceID\">\([^<]*\)<.*/\1/p") &&
    test -n "$job" && echo "$job" >job1 &&
    hv_get "$HV_V2/Msvm_ConcreteJob" "$(hv_sel "InstanceID=$job")" >j &&
    hv_prop JobState <j >s && echo 4 >want && test_cmp want s &&
    sleep 1.2 &&
    hv_get "$HV_V2/Msvm_ConcreteJob" "$(hv_sel "InstanceID=$job")" >j &&
    hv_prop JobState <j >s && echo 7 >want && test_cmp want s &&
    hv_enum "$HV_V2/*" "ASSOCIATORS OF {Msvm_ConcreteJob.InstanceID=\"$job\"} WHERE ResultClass = Msvm_ComputerSystem" >vm &&
    hv_prop ElementName <vm >n && echo j1 >want && test_cmp want n
'

test_expect_success 'jobs: the second job fails and changes nothing' '
    define j2 2 && grep -q "<p:ReturnValue>4096</p:ReturnValue>" define.xml &&
    job=$(sed "s/<p:Job>/\n&/" define.xml | sed -n "2s/.*InstanceID\">\([^<]*\)<.*/\1/p") &&
    sleep 1.2 &&
    hv_get "$HV_V2/Msvm_ConcreteJob" "$(hv_sel "InstanceID=$job")" >j &&
    hv_prop JobState <j >s && echo 10 >want && test_cmp want s &&
    grep -q "job-fail" j && test -z "$(vm_guid j2)"
'

sim_stop
test_expect_success 'jobs: hyperv-sim stops cleanly' 'sim_stopped_ok'

sim_start --fail Get:2 --fail Enumerate:2:5 --fail RequestStateChange:1:32768 --drop Pull:1

test_expect_success 'the state survives the restart: the VM and its job' '
    test -n "$(vm_guid j1)" &&
    hv_get "$HV_V2/Msvm_ConcreteJob" "$(hv_sel "InstanceID=$(cat job1)")" >j &&
    hv_prop JobState <j >s && echo 7 >want && test_cmp want s
'

test_expect_success 'injected: a failed Get, a failed Enumerate, a failed method, a dropped Pull' '
    hv_get "$HV_CIMV2/Win32_Service" "$(hv_sel Name=MSiSCSI)" >out &&
    grep -q "simulated failure of Get call 2" out &&
    grep -q "<p:CIMStatusCode[^>]*>1<" out &&
    hv_enum "$HV_V2/Msvm_ComputerSystem" >out && grep -q "<p:CIMStatusCode[^>]*>5<" out &&
    sel=$(hv_sel CreationClassName=Msvm_ComputerSystem Name="$(vm_guid j1)") &&
    hv_invoke "$HV_V2/Msvm_ComputerSystem" RequestStateChange "$sel" \
        "<p:RequestedState>2</p:RequestedState>" >out &&
    grep -q "<p:ReturnValue>32768</p:ReturnValue>" out &&
    hv_envelope http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate \
        "$HV_V2/Msvm_ComputerSystem" "" "<n:Enumerate/>" | hv_post >out &&
    ctx=$(sed -n "s/.*<n:EnumerationContext>\([^<]*\)<.*/\1/p" out) &&
    ! hv_envelope http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull "$HV_V2/Msvm_ComputerSystem" "" \
        "<n:Pull><n:EnumerationContext>$ctx</n:EnumerationContext></n:Pull>" | hv_post >out
'

sim_stop
test_expect_success 'faults: hyperv-sim stops cleanly' 'sim_stopped_ok'

SIM_NAME="slow"
sim_start --latency 400

test_expect_success '--latency: each request waits' '
    start=$(date +%s%N) &&
    hv_get "$HV_CIMV2/Win32_Service" "$(hv_sel Name=MSiSCSI)" >out &&
    end=$(date +%s%N) && test $(((end - start) / 1000000)) -ge 400 &&
    grep -q "<p:Name>MSiSCSI</p:Name>" out
'

sim_stop
test_expect_success 'slow: hyperv-sim stops cleanly' 'sim_stopped_ok'

SIM_NAME="scale"
sim_start --preload-vms 10000

test_expect_success 'scale: 10,000 VMs enumerated in pages of 1000' '
    hv_envelope http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate \
        "$HV_V2/Msvm_ComputerSystem" "" "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>1000</w:MaxElements><w:EnumerationMode>EnumerateEPR</w:EnumerationMode></n:Enumerate>" |
        hv_post >out &&
    n=$(grep -o "<a:EndpointReference>" out | wc -l) &&
    ctx=$(sed -n "s/.*<n:EnumerationContext>\([^<]*\)<.*/\1/p" out) &&
    while [ -n "$ctx" ]; do
        hv_envelope http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull "$HV_V2/Msvm_ComputerSystem" "" \
            "<n:Pull><n:EnumerationContext>$ctx</n:EnumerationContext><n:MaxElements>1000</n:MaxElements></n:Pull>" | hv_post >out &&
        n=$((n + $(grep -o "<a:EndpointReference>" out | wc -l))) &&
        test "$(wc -c <out)" -le 512000 &&
        ctx=$(sed -n "s/.*<n:EnumerationContext>\([^<]*\)<.*/\1/p" out) || exit 1
    done && test "$n" -eq 10001
'

test_expect_success 'MaxEnvelopeSize: pages fit it; a Get that cannot is EncodingLimit' '
    HV_MAX_ENVELOPE=8192 &&
    hv_envelope http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate \
        "$HV_V2/Msvm_ComputerSystem" "" "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>1000</w:MaxElements></n:Enumerate>" |
        hv_post >out &&
    test "$(wc -c <out)" -le 8192 &&
    test "$(grep -o "<p:Msvm_ComputerSystem " out | wc -l)" -gt 1 &&
    HV_MAX_ENVELOPE=1000 &&
    hv_get "$HV_V2/Msvm_ComputerSystem" "$(hv_sel CreationClassName=Msvm_ComputerSystem Name=HV01)" >out &&
    grep -q "wsman:EncodingLimit" out
'

sim_stop
test_expect_success 'scale: hyperv-sim stops cleanly' 'sim_stopped_ok'

test_done
