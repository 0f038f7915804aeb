#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0102-smis-sim-faults.sh: smis-sim's fault injection: --fail, --drop, jobs (--job-seconds, --job-fail, --job-stall), --latency, --no-pull, full pools.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"

if ! command -v wbemcli >/dev/null; then
    test_skip 'smis-sim faults seen by wbemcli' \
        'wbemcli is not installed (Debian package sblim-wbemcli; make deps)'
    test_done
    exit
fi

# Milliseconds since the epoch.
now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

# ---- --fail and --drop ----

SIM_NAME=fail
sim_start --fail CreateOrModifyElementFromStoragePool:2 \
    --fail GetInstance:1:6 --fail EnumerateInstanceNames:2:27

test_expect_success '--fail METHOD:2: the first call works' '
    sim_create_volume first >out &&
    grep "CreateOrModifyElementFromStoragePool: 0," out
'

test_expect_success '--fail METHOD:2: the second call gets the simulated CIM error' '
    sim_create_volume second >out 2>err; rc=$?
    test $rc -ne 0 && test ! -s out &&
    grep "Cim: (1) CIM_ERR_FAILED: simulated failure of CreateOrModifyElementFromStoragePool call 2 (--fail)" err
'

test_expect_success '--fail METHOD:2: and creates nothing' '
    wbemcli ei "$SIM_URL/$SIM_VOLUMES" >vols &&
    test_line_count = 1 vols && grep "ElementName=\"first\"" vols
'

test_expect_success '--fail METHOD:2: the third call works again' '
    sim_create_volume third >out &&
    grep "CreateOrModifyElementFromStoragePool: 0, .*DeviceID=\"00000002\"" out &&
    sim_get /stats >stats &&
    jq -e ".volumes == 2 and .calls.CreateOrModifyElementFromStoragePool == 3" \
        stats
'

test_expect_success '--fail METHOD:N:CODE answers with that CIM status' '
    wbemcli gi "$SIM_URL/$SIM_SYSTEM" >out 2>err; rc=$?
    test $rc -ne 0 &&
    grep "Cim: (6) CIM_ERR_NOT_FOUND: simulated failure of GetInstance call 1" err &&
    wbemcli gi "$SIM_URL/$SIM_SYSTEM" >out && grep "SIM0001" out
'

test_expect_success '--fail counts the calls of each method on its own' '
    wbemcli ein "$SIM_URL/$SIM_POOLS" >first &&
    test_line_count = 3 first &&
    wbemcli ein "$SIM_URL/$SIM_POOLS" >out 2>err; rc=$?
    test $rc -ne 0 &&
    grep "(27) CIM_ERR_SERVER_LIMITS_EXCEEDED: simulated failure of EnumerateInstanceNames call 2" err
'

test_expect_success 'pull operations are served without --no-pull' '
    run simtool open-enum "$SIM_URL" SIM_StoragePool >out &&
    test "$(cat out)" = ok
'

sim_stop

test_expect_success 'the failing array stops cleanly' 'sim_stopped_ok'
sim_expect_valid_traces 'its responses, errors included, are DSP0203-valid'

SIM_NAME=drop
sim_start --drop EnumerateInstances:1

test_expect_success '--drop METHOD:1: the response is cut short and wbemcli fails' '
    wbemcli ei "$SIM_URL/$SIM_POOLS" >out 2>err; rc=$?
    cat err
    test $rc -ne 0 && test ! -s out && grep "partial" err
'

test_expect_success '--drop METHOD:1: the next call works' '
    wbemcli ei "$SIM_URL/$SIM_POOLS" >pools &&
    test_line_count = 3 pools
'

test_expect_success '--drop METHOD:1: both calls reached the array' '
    sim_get /stats >stats &&
    jq -e ".calls.EnumerateInstances == 2" stats
'

sim_stop

test_expect_success 'the dropping array stops cleanly' 'sim_stopped_ok'

# ---- asynchronous jobs ----

# Under valgrind every request is slow: give the jobs more time so that
# "still running" is observed while it is.
if [ -n "$SANPROV_WRAP" ]; then JOB_S=6; else JOB_S=2; fi

SIM_NAME=job
sim_start --job-seconds "$JOB_S"
sim_create_volume slow >job.out 2>job.err
# From when the create returned: the job began before (under valgrind,
# a request can take longer than the slack below).
T0=$(now_ms)

test_expect_success "--job-seconds $JOB_S: the create returns 4096 and a Job" '
    cat job.err
    grep "CreateOrModifyElementFromStoragePool: 4096," job.out &&
    grep "Job (reference): .*SIM_ConcreteJob.InstanceID=\"SIM+JOB+1\"" job.out &&
    grep "TheElement (reference): .*DeviceID=\"00000001\"" job.out
'

test_expect_success 'the job is running (JobState 4) at first' '
    wbemcli gi "$SIM_URL/$(sim_job SIM+JOB+1)" >job &&
    grep "JobState=4," job && grep "JobStatus=\"running\"" job
'

test_expect_success 'CIM_AffectedJobElement leads from the job to the volume' '
    wbemcli ain -ac CIM_AffectedJobElement "$SIM_URL/$(sim_job SIM+JOB+1)" \
        >affected &&
    test_line_count = 1 affected &&
    grep "SIM_StorageVolume.*DeviceID=\"00000001\"" affected
'

# Wait until the job's time is surely over.
while [ $(($(now_ms) - T0)) -le $((JOB_S * 1000 + 300)) ]; do sleep 0.1; done

test_expect_success "after more than $JOB_S s the job has completed (JobState 7)" '
    wbemcli gi "$SIM_URL/$(sim_job SIM+JOB+1)" >job &&
    grep "JobState=7,PercentComplete=100," job &&
    grep "ErrorCode=0," job
'

sim_stop

test_expect_success 'the job array stops cleanly' 'sim_stopped_ok'

SIM_NAME=jobfail
sim_start --job-seconds "$JOB_S" --job-fail 1
sim_create_volume doomed >job.out 2>job.err
# From when the create returned: the job began before (under valgrind,
# a request can take longer than the slack below).
T0=$(now_ms)

test_expect_success '--job-fail 1: the create starts a job and names no volume' '
    cat job.err
    grep "CreateOrModifyElementFromStoragePool: 4096, Job (reference): .*SIM+JOB+1" \
        job.out &&
    ! grep TheElement job.out
'

while [ $(($(now_ms) - T0)) -le $((JOB_S * 1000 + 300)) ]; do sleep 0.1; done

test_expect_success '--job-fail 1: the job ends with JobState 10 and an ErrorDescription' '
    wbemcli gi "$SIM_URL/$(sim_job SIM+JOB+1)" >job &&
    grep "JobState=10," job &&
    grep "ErrorDescription=\"simulated failure of job SIM+JOB+1 (CreateOrModifyElementFromStoragePool, --job-fail)\"" job
'

test_expect_success '--job-fail 1: no volume was created' '
    wbemcli ein "$SIM_URL/$SIM_VOLUMES" >vols &&
    test_line_count = 0 vols &&
    wbemcli ain -ac CIM_AffectedJobElement "$SIM_URL/$(sim_job SIM+JOB+1)" \
        >affected &&
    test_line_count = 0 affected
'

test_expect_success '--job-fail 1: ConcreteJob.GetError returns the embedded CIM_Error' '
    wbemcli cm "$SIM_URL/$(sim_job SIM+JOB+1)" GetError >out &&
    grep "GetError: 0, Error (string): <INSTANCE CLASSNAME=.\{0,2\}\"CIM_Error" out &&
    grep "simulated failure of job SIM+JOB+1" out &&
    tr -d "\n" <"$(ls "$SIM_TRACE"/*-GetError.rsp.xml | tail -n 1)" >rsp &&
    grep "<PARAMVALUE NAME=\"Error\" PARAMTYPE=\"string\" EmbeddedObject=\"instance\"><VALUE>&lt;INSTANCE CLASSNAME=&quot;CIM_Error&quot;&gt;" rsp &&
    grep "&lt;PROPERTY NAME=&quot;CIMStatusCode&quot; TYPE=&quot;uint32&quot;&gt;&lt;VALUE&gt;1&lt;/VALUE&gt;" rsp
'

sim_stop

test_expect_success 'the failing-job array stops cleanly' 'sim_stopped_ok'
sim_expect_valid_traces 'the job responses (GetError included) are DSP0203-valid'

SIM_NAME=jobstall
sim_start --job-seconds "$JOB_S" --job-stall 1
T0=$(now_ms)
sim_create_volume stuck >job.out 2>job.err
while [ $(($(now_ms) - T0)) -le $((JOB_S * 1000 + 300)) ]; do sleep 0.1; done

test_expect_success "--job-stall 1: after more than $JOB_S s the job still runs (JobState 4)" '
    cat job.err
    grep "CreateOrModifyElementFromStoragePool: 4096," job.out &&
    wbemcli gi "$SIM_URL/$(sim_job SIM+JOB+1)" >job &&
    grep "JobState=4," job && grep "JobStatus=\"running\"" job
'

test_expect_success '--job-stall 1: only the first job stalls' '
    sim_create_volume next >out &&
    grep "Job (reference): .*SIM+JOB+2" out &&
    T1=$(now_ms) &&
    while [ $(($(now_ms) - T1)) -le $((JOB_S * 1000 + 300)) ]; do
        sleep 0.1
    done &&
    wbemcli gi "$SIM_URL/$(sim_job SIM+JOB+2)" >job2 &&
    grep "JobState=7," job2 &&
    wbemcli gi "$SIM_URL/$(sim_job SIM+JOB+1)" >job1 &&
    grep "JobState=4," job1
'

sim_stop

test_expect_success 'the stalled-job array stops cleanly' 'sim_stopped_ok'

# ---- --latency ----

SIM_NAME=slow
sim_start --latency 300

test_expect_success '--latency 300: a request takes at least 0.3 s' '
    t0=$(now_ms) &&
    wbemcli gi "$SIM_URL/$SIM_SYSTEM" >out &&
    t1=$(now_ms) &&
    echo "took $((t1 - t0)) ms" &&
    test $((t1 - t0)) -ge 300 &&
    grep SIM0001 out
'

sim_stop

test_expect_success 'the slow array stops cleanly' 'sim_stopped_ok'

# ---- --no-pull ----

SIM_NAME=nopull
sim_start --no-pull

test_expect_success '--no-pull: OpenEnumerateInstances gets CIM_ERR_NOT_SUPPORTED' '
    run simtool open-enum "$SIM_URL" SIM_StorageVolume >out 2>err; rc=$?
    cat err
    test $rc -eq 1 && test "$(cat out)" = "cim_status=7 CIM_ERR_NOT_SUPPORTED"
'

test_expect_success '--no-pull: EnumerateInstances still works' '
    wbemcli ei "$SIM_URL/$SIM_POOLS" >pools &&
    test_line_count = 3 pools &&
    run simtool count "$SIM_URL" SIM_StoragePool >n && test "$(cat n)" = 3
'

sim_stop

test_expect_success 'the no-pull array stops cleanly' 'sim_stopped_ok'

# ---- capacity ----

SIM_NAME=small
sim_start --pools small:1G

test_expect_success 'a full pool: asking 2 GiB of 1 GiB gets a CIM error' '
    sim_create_volume big 2147483648 small >out 2>err; rc=$?
    test $rc -ne 0 && test ! -s out &&
    grep "(1) CIM_ERR_FAILED: storage pool .small. has 1073741824 bytes free, 2147483648 asked" err
'

test_expect_success 'a full pool: and nothing is created' '
    wbemcli ein "$SIM_URL/$SIM_VOLUMES" >vols &&
    test_line_count = 0 vols &&
    wbemcli gi "$SIM_URL/$(sim_pool small)" >pool &&
    grep "RemainingManagedSpace=1073741824" pool
'

test_expect_success 'a full pool: what fits is created, then nothing more' '
    sim_create_volume all 1073741824 small >out &&
    grep "CreateOrModifyElementFromStoragePool: 0," out &&
    sim_create_volume more 1048576 small >out 2>err; rc=$?
    test $rc -ne 0 && grep "has 0 bytes free, 1048576 asked" err &&
    wbemcli ein "$SIM_URL/$SIM_VOLUMES" >vols && test_line_count = 1 vols
'

test_expect_success 'a full pool: a clone does not fit either' '
    wbemcli cm "$SIM_URL/$SIM_RS" \
        "CreateElementReplica.ElementName=c,SyncType=8,SourceElement=$(sim_volume 00000001)" \
        >out 2>err; rc=$?
    test $rc -ne 0 && grep "has 0 bytes free, 1073741824 asked for the clone" err
'

sim_stop

test_expect_success 'the small array stops cleanly' 'sim_stopped_ok'
sim_expect_valid_traces 'the capacity errors are DSP0203-valid'

test_done
