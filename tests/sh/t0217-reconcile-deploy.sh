#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0217-reconcile-deploy.sh: reconcile and deployed VMs, into a libvirtd the test starts itself: dangling records (domain gone, LUN gone, LUN with another WWN, masking gone) listed and dropped, orphan domains of this library removed and others' left, and kill -9 at random in vm-deploy --count 5 -j 2 (20 trials on the local array and on smis-sim with latency): reconcile lists the records, LUNs and domains the dead run left and reconcile --fix leaves the arrays, the library and the host as they were.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
# test_line_count takes its operator as an argument:
# shellcheck disable=SC2283
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-libvirt.sh"

# A libvirtd of the test's own; VIRSH, P and OPEN (see lib-libvirt.sh).
lv_begin 'reconcile and deployed VMs' jq virsh xorriso
LOC=$OPEN/loc
LIB=$TRASH/library

write_conf() {
    cat >"$SANPROV_CONFIG" <<EOF
[library]
path = $LIB
[array "sim"]
uri = smis+http://127.0.0.1:$SIM_PORT
iscsi-portal = 192.0.2.10:3260
[pool "sim:gold"]
host-groups = lab
[array "loc"]
uri = local:$LOC
[pool "loc:default"]
host-groups = lab
[host "kvm01"]
uri = $LV_URI
group = lab
iscsi-initiator = iqn.1993-08.org.debian:01:kvm01
cpu-mode = default
[host "here"]
uri = $LV_URI
group = lab
cpu-mode = default
seed-dir = $OPEN/seeds
EOF
}
SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG

if [ -n "$SANPROV_WRAP" ]; then TRIALS=3; else TRIALS=20; fi

# state: the arrays' LUNs, the library's files but the reconciler's
# record of orphans first found, this run's domains, the seeds.
state() {
    {
        run lun-list --all
        (cd "$LIB" && find . -type f ! -path ./reconcile/seen)
        $VIRSH list --all --name | grep "^$P"
        ls "$OPEN/seeds" 2>/dev/null
    } | sort >state.now
}

truncate -s 32M "$TRASH/golden.raw"
sim_start --latency 15 || exit 1
write_conf
run template-make --name tl --image "$TRASH/golden.raw" pool:loc:default >/dev/null
run lun-create --size 1G --name golden pool:sim:gold |
    run template-make --name ts >/dev/null

# ---- dangling records ----

test_expect_success 'a VM whose domain is gone: dangling; --fix drops its record' '
    run vm-deploy --template tl --host here --name "${P}d1" >id &&
    uuid=$(cut -d: -f3 id) &&
    run vm-list --json <id | jq -r .lun >lun &&
    $VIRSH undefine "$uuid" >/dev/null &&
    run reconcile --json >out.json && cat out.json &&
    jq -e -s "any(.[]; .kind == \"dangling\" and .object == \"record\" and
        .id == \"$(cat id)\" and (.why | test(\"domain is gone\")))" out.json &&
    run reconcile --fix >out 2>err && cat err &&
    grep "$(cat id): dropped$" err &&
    ! test -e "$LIB/vms/$uuid.vm" && ! test -e "$LIB/vms/$uuid.lock" &&
    ! test -e "$OPEN/seeds/$uuid.iso" &&
    run lun-delete <lun >/dev/null
'

test_expect_success 'a VM whose LUN is gone: dangling; --fix drops it and undefines its domain' '
    run vm-deploy --template tl --host here --name "${P}d2" >id &&
    uuid=$(cut -d: -f3 id) &&
    run vm-list --json <id | jq -r .lun | run lun-delete --force >/dev/null &&
    run reconcile -l >out && cat out &&
    grep "^$(cat id)  *dangling  *record  *here  *${P}d2 .*its LUN .* is gone" out &&
    run reconcile --fix -l >out && cat out &&
    grep "dropped, and its domain undefined$" out &&
    ! $VIRSH dominfo "$uuid" >/dev/null 2>&1 &&
    ! test -e "$LIB/vms/$uuid.vm"
'

test_expect_success 'a VM whose LUN has another WWN now: dangling; the new LUN is left' '
    run vm-deploy --template tl --host here --name "${P}d3" >id &&
    uuid=$(cut -d: -f3 id) &&
    run vm-list --json <id | jq -r .lun >lun &&
    run lun-delete --force <lun >/dev/null &&
    run lun-create --size 1M --name "${P}d3" pool:loc:default >new &&
    run reconcile --json >out.json &&
    jq -e -s "any(.[]; .id == \"$(cat id)\" and (.why | test(\"another LUN\")))" out.json &&
    run reconcile --fix >/dev/null 2>&1 &&
    ! test -e "$LIB/vms/$uuid.vm" && ! $VIRSH dominfo "$uuid" >/dev/null 2>&1 &&
    run lun-list <new >still && test_line_count = 1 still &&
    run lun-delete <new >/dev/null
'

test_expect_success 'a VM whose LUN is no longer masked to its host: dangling' '
    run vm-deploy --template ts --host kvm01 --name "${P}d4" >id &&
    uuid=$(cut -d: -f3 id) &&
    run vm-list --json <id | jq -r .lun >lun &&
    run lun-mask -u --host kvm01 <lun >/dev/null &&
    run reconcile --json >out.json &&
    jq -e -s "any(.[]; .id == \"$(cat id)\" and (.why | test(\"no longer masked to host .kvm01.\")))" out.json &&
    run reconcile --fix -l >fix.out 2>fix.err
    rc=$?; cat fix.out fix.err
    test "$rc" = 0 && ! test -e "$LIB/vms/$uuid.vm" &&
    $VIRSH undefine "$uuid" >/dev/null && run lun-delete <lun
'

# ---- orphan domains ----

lib=$(cat "$LIB/library-id")
domain_xml() { # NAME UUID LIBRARY
    printf "<domain type='qemu'><name>%s</name><uuid>%s</uuid><memory>65536</memory><os><type arch='x86_64'>hvm</type></os><metadata><sanprov:vm xmlns:sanprov='https://sanprov.org/xmlns/vm/1'><sanprov:vm>vm:here:%s</sanprov:vm><sanprov:library>%s</sanprov:library></sanprov:vm></metadata></domain>\n" \
        "$1" "$2" "$2" "$3"
}
domain_xml "${P}orphan" 0190aaaa-0000-4000-8000-000000000001 "$lib" >"$TRASH/orphan.xml"
domain_xml "${P}theirs" 0190aaaa-0000-4000-8000-000000000002 \
    3f2a9c41-7d6e-4b8a-9c3d-2e1f0a9b8c7d >"$TRASH/theirs.xml"
test_expect_success 'a domain of this library with no record is an orphan; another library'\''s is not' '
    $VIRSH define "$TRASH/orphan.xml" >/dev/null &&
    $VIRSH define "$TRASH/theirs.xml" >/dev/null &&
    run reconcile >out && echo vm:here:0190aaaa-0000-4000-8000-000000000001 >want &&
    test_cmp want out &&
    run reconcile --fix >out 2>err && grep "kept: " err &&
    run reconcile --fix --grace 0 >out 2>err && grep ": removed$" err &&
    ! $VIRSH dominfo "${P}orphan" >/dev/null 2>&1 &&
    $VIRSH dominfo "${P}theirs" >/dev/null &&
    $VIRSH undefine "${P}theirs" >/dev/null &&
    run reconcile >out && test_line_count = 0 out
'

# ---- kill -9 at random in vm-deploy ----

trial=0
# trial TEMPLATE HOST ($trial: its number, $span: the deploy's ms): kill
# -9 a deploy at a random moment; reconcile must tell every record, LUN
# and domain it left but the VMs it finished (deployed: kept, as a
# finished run's), and --fix must leave the rest as it was before.
trial() {
    state && mv state.now state.before
    delay=$(awk -v s="$trial$$" -v m="$span" \
        "BEGIN { srand(s); printf \"%.3f\", rand() * m / 1000 }")
    # shellcheck disable=SC2086
    (exec $SANPROV_WRAP vm-deploy --template "$1" --host "$2" \
        --name "${P}k${trial}x%d" --count 5 -j 2 >/dev/null 2>&1) &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    # The VMs it finished: deployed, theirs to keep.
    run vm-list -a --json | jq -c "select(.name | startswith(\"${P}k${trial}x\"))" |
        jq -c "select(.state == \"stopped\" or .state == \"running\")" >done.json
    jq -r .id done.json >done.ids
    jq -r .lun done.json >done.luns
    state
    comm -13 state.before state.now | grep "^lun:" >left
    run reconcile >told 2>told.err || { cat told.err; return 1; }
    while read -r id; do
        grep -qxF "$id" told done.luns ||
            { echo "trial $trial after ${delay}s: not told: $id"; cat told; return 1; }
    done <left
    for f in "$LIB"/vms/*.vm; do
        [ -e "$f" ] || continue
        uuid=$(basename "$f" .vm)
        grep -q ":$uuid$" told done.ids ||
            { echo "trial $trial: record $uuid not told"; cat told; return 1; }
    done
    run reconcile --fix --grace 0 >fixed 2>fix.err ||
        { echo "trial $trial after ${delay}s:"; cat told fix.err; return 1; }
    if test -s done.ids; then
        run vm-delete <done.ids >/dev/null || return 1
    fi
    state
    if ! diff state.before state.now; then
        echo "trial $trial after ${delay}s: not as before"
        cat told fix.err
        return 1
    fi
    run reconcile >again && test_line_count = 0 again
}

for t in tl:here ts:kvm01; do
    tmpl=${t%:*}
    host=${t#*:}
    start=$(date +%s%N)
    run vm-deploy --template "$tmpl" --host "$host" --name "${P}span%d" \
        --count 5 -j 2 >span.ids
    span=$((($(date +%s%N) - start) / 1000000))
    run vm-delete <span.ids >/dev/null
    test_expect_success "$TRIALS trials: kill -9 in a vm-deploy --count 5 -j 2 of $span ms ($tmpl on $host): reconcile tells, --fix mends" '
        for trial in $(seq "$TRIALS"); do
            trial '"$tmpl $host"' || return 1
        done
    '
done

test_expect_success 'a reconcile during a live deploy lists nothing of it and removes nothing' '
    (exec $SANPROV_WRAP vm-deploy --template ts --host kvm01 \
        --name "${P}live%d" --count 5 -j 2 >live 2>live.err) &
    pid=$!
    i=0; while ! ls "$LIB/vms"/*.vm >/dev/null 2>&1 && [ $i -lt 400 ]; do
        sleep 0.01; i=$((i + 1)); done
    run reconcile >during; run reconcile --fix --grace 0 >fixed 2>fix.err
    wait "$pid" && cat during fixed fix.err &&
    test_line_count = 0 during && test_line_count = 0 fixed &&
    test_line_count = 5 live && run vm-delete <live >/dev/null
'

sim_stop
test_done
