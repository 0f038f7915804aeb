#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0210-provider-quirks.sh: the storage pipeline, template-make and vm-deploy/vm-list/vm-delete through quirkproxy, which rewrites smis-sim's answers the way real providers differ; every result the same as without it, every VM's disk at the LUN number the array gave.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
# test_line_count takes its operator as an argument:
# shellcheck disable=SC2283
. "$SANPROV_SRCDIR/tests/sh/lib.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-sim.sh"
. "$SANPROV_SRCDIR/tests/sh/lib-libvirt.sh"

for tool in jq xmllint virsh; do
    if ! command -v $tool >/dev/null; then
        test_skip 'provider quirks' "$tool is not installed (make deps)"
        test_done
        exit
    fi
done
if ! lv_usable; then
    test_skip 'provider quirks, into a libvirtd' "$LV_WHY"
    test_done
    exit
fi
if ! lv_start; then
    test_skip 'provider quirks, into a libvirtd' "libvirtd does not start here: $(tail -1 "$TRASH/libvirt/log")"
    test_done
    exit
fi
VIRSH="virsh -q -c $LV_URI"
P=$LV_P
KVM01=iqn.1993-08.org.debian:01:kvm01

# ---- the proxy ----

PROXY_PID=
proxy_start() {
    rm -f "$TRASH/proxy.port"
    quirkproxy --listen 127.0.0.1:0 --upstream "127.0.0.1:$SIM_PORT" \
        --port-file "$TRASH/proxy.port" --quirks "$1" 2>"$TRASH/proxy.log" 8>&- &
    PROXY_PID=$!
    _i=0
    while [ ! -s "$TRASH/proxy.port" ] && [ $_i -lt 100 ]; do
        sleep 0.05
        _i=$((_i + 1))
    done
    PROXY_PORT=$(cat "$TRASH/proxy.port")
}
proxy_stop() {
    [ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null && wait "$PROXY_PID" 2>/dev/null
    PROXY_PID=
}
# lv_start's trap replaced lib-sim.sh's: both, and the proxy.
trap 'proxy_stop; lv_stop; _sim_exit' EXIT

write_conf() {
    cat >"$TRASH/sanprov.conf" <<EOF
[library]
path = $TRASH/library-$1
[array "sim"]
uri = smis+http://127.0.0.1:$PROXY_PORT
iscsi-portal = 192.0.2.10:3260
[pool "sim:gold"]
class = gold
host-groups = lab
[host "kvm01"]
uri = $LV_URI
group = lab
iscsi-initiator = $KVM01
cpu-mode = default
EOF
}
SANPROV_CONFIG=$TRASH/sanprov.conf
export SANPROV_CONFIG

# truth NAME: the host LUN number smis-sim gave the volume named NAME
# (from its state, not through any client; the ElementName may end in
# sanprov's tag, _LLLLLL_EEEEEEEE).
truth() {
    sim_state | jq -r --arg n "$1" '(.volumes[] | select(.name == $n or
            ((.name | startswith($n + "_")) and
             (.name[($n | length):] | test("^_[0-9a-f]{6}_[0-9a-f]{8}$"))))
        | .num) as $v |
        [.views[].units[] | select(.[0] == $v) | .[1]] | .[0]'
}

# The pipeline, as a user runs it; its results, normalized so that runs
# with and without a quirk compare (IDs differ where DeviceIDs do), on
# stdout.  Fails at the first unexpected exit code.
pipeline() {
    q=$1
    # 17 masked LUNs first, so that the ones that matter get host LUN
    # numbers above 16, where hex and decimal differ.
    run pool-list --class gold | run lun-create --size 1M --name "fill%02d" --count 17 |
        run lun-mask --host kvm01 >fill.ids || return 1
    echo "fillers: $(wc -l <fill.ids)"
    run pool-list --class gold | run lun-create --size 1G --name base >base.id || return 1
    run pool-list --class gold |
        run lun-create --snapshot-of "$(cat base.id)" --name snap >snap.id || return 1
    run pool-list --class gold |
        run lun-create --clone-of "$(cat base.id)" --name clone >clone.id || return 1
    cat snap.id clone.id | run lun-mask --host kvm01 >masked.ids || return 1
    run lun-list --json <masked.ids >masked.json || return 1
    for n in snap clone; do
        got=$(jq -r --arg n $n 'select(.name == $n) | .masking[0].lun' masked.json)
        want=$(truth $n)
        echo "$n: masked at $got, the array says $want"
        test "$got" = "$want" || return 1
    done
    jq -r '[.name, .source != null, .size] | @tsv' masked.json
    run lun-list -l "$(cat base.id)" | tail -n +2 | awk '{print $2, $3}'
    # A forced delete of a snapshot's source refuses and changes nothing.
    run lun-delete --force <base.id >/dev/null 2>err
    echo "delete --force of the source: exit $?"
    grep -q "snapshot(s) depend on it" err || return 1
    run lun-list <masked.ids >still && test_cmp masked.ids still || return 1
    run lun-mask -u --host kvm01 <masked.ids >/dev/null || return 1
    run lun-list --json <masked.ids | jq -r '[.name, (.masking | length)] | @tsv'
    # Template from the LUN, three VMs by SAN copy.
    run template-make --name "t-$q" <base.id >tmpl.id || return 1
    run vm-deploy --template "t-$q" --host kvm01 --name "${P}$q%d" --count 3 -j 2 \
        >vms.ids || return 1
    echo "deployed: $(wc -l <vms.ids)"
    run vm-list --json <vms.ids >vms.json || return 1
    # shellcheck disable=SC2013 # IDs have no spaces
    for id in $(cat vms.ids); do
        name=$(jq -r --arg id "$id" 'select(.id == $id) | .name' vms.json)
        lun=$(jq -r --arg id "$id" 'select(.id == $id) | .lun' vms.json)
        lname=$(run lun-list --json "$lun" | jq -r .name)
        disk=$($VIRSH dumpxml "${id##*:}" |
            xmllint --xpath 'string(//disk[@device="disk"]/source/@name)' -)
        want=$(truth "$lname")
        echo "${name#"$P"}: disk LUN ${disk##*/}, the array says $want" >>disks
        test "${disk##*/}" = "$want" || return 1
    done
    sort disks && rm disks
    jq -r '[.name, .state] | @tsv' vms.json | sed "s/^$P//" | sort
    run vm-delete <vms.ids >/dev/null || return 1
    run vm-list <vms.ids 2>/dev/null | wc -l
    cat snap.id clone.id | run lun-delete >/dev/null || return 1
    run template-delete <tmpl.id >/dev/null || return 1
    run lun-mask -u --host kvm01 <fill.ids >/dev/null || return 1
    cat fill.ids base.id | run lun-delete >/dev/null || return 1
    run lun-list --all | wc -l
    $VIRSH list --all --name | grep -c "^$P$q" || :
}

i=0
for quirks in none hex case host order devid close=1 close=10 nojobstate \
    hex,case,host,order,devid,close=3,nojobstate; do
    i=$((i + 1))
    SIM_NAME=q$i
    jobs=
    case $quirks in *nojobstate*) jobs="--job-seconds 0.3" ;; esac
    # shellcheck disable=SC2086
    sim_start --personality group $jobs || continue
    proxy_start "$quirks"
    write_conf "$i"
    Q=q$i
    test_expect_success "$quirks: the storage pipeline, template-make and vm-deploy" '
        pipeline '$Q' >"$TRASH/result.'$i'"; rc=$?
        cat "$TRASH/result.'$i'"; test $rc = 0
    '
    if [ $i -gt 1 ]; then
        test_expect_success "$quirks: the same results as without quirks" '
            sed "s/q'$i'/Q/g" "$TRASH/result.'$i'" >mine &&
            sed "s/q1/Q/g" "$TRASH/result.1" >base &&
            test_cmp base mine
        '
    fi
    proxy_stop
    sim_stop
done

# A provider that closes kept-alive connections without warning (drop=N):
# reads are sent again on a new connection, whatever the number of them.
SIM_NAME=drop
sim_start --personality group || exit 1
proxy_start none
write_conf drop
run pool-list --class gold | run lun-create --size 1M --name "d%02d" --count 25 \
    >"$TRASH/drop.ids"
run lun-list -l <"$TRASH/drop.ids" >"$TRASH/drop.want"
proxy_stop
for n in 1 10; do
    proxy_start drop=$n
    write_conf drop
    test_expect_success "drop=$n: lun-list -l of 25 LUNs, the same" '
        run lun-list -l <"$TRASH/drop.ids" >out && test_cmp "$TRASH/drop.want" out
    '
    proxy_stop
done
sim_stop

# The legacy personality (ExposePaths), every quirk at once.
SIM_NAME=legacy
sim_start --personality legacy || exit 1
proxy_start hex,case,host,order,devid,close=2
write_conf legacy
test_expect_success 'legacy masking, every quirk: the pipeline' '
    pipeline L >"$TRASH/result.legacy"; rc=$?
    cat "$TRASH/result.legacy"; test $rc = 0
'
proxy_stop
sim_stop

test_done
