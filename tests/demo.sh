#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/demo.sh: "make demo", the main job on the embedded default configuration: a golden image, a template from it, VMs deployed by SAN copy into the local libvirt, listed with their timings, and removed again.
#
# No configuration file is read: XDG_CONFIG_HOME is an empty directory
# and SANPROV_CONFIG is unset, so the programs use the built-in one (the
# local array under $XDG_DATA_HOME/sanprov/arrays/local, host localhost =
# qemu:///system for root, qemu:///session otherwise, the library under
# $XDG_DATA_HOME/sanprov/library).  What the demo makes there is named
# sanprov-demo* and removed at the end, and at the start when an earlier
# demo was interrupted.
#
# As root, with no libvirtd answering (a container without systemd), the
# demo starts one, and virtlogd when none runs, and stops them at the end.
# It then takes /tmp/sanprov-libvirtd.lock first, as tests/sh/lib-libvirt.sh
# does: one system-mode QEMU driver runs at a time on a machine.
#
# Environment: B (build dir, default build), DEMO_BINDIR (where the
# programs are, default $B/bin: /usr/bin runs the installed ones, as the
# Debian packages' test does), DEMO_COUNT (VMs, default 5),
# DEMO_JOBS (vm-deploy -j, default 4), DEMO_START=1 (start the VMs: the
# golden image only boots to a message; QEMU needs a CPU model it can run,
# and as root its user libvirt-qemu must reach the disk files, which
# /root, mode 0700, forbids: vm-deploy then says so before it makes
# anything; set XDG_DATA_HOME elsewhere, or setfacl -m u:libvirt-qemu:x
# /root).

B=${B:-build}
BIN=${DEMO_BINDIR:-$B/bin}
COUNT=${DEMO_COUNT:-5}
JOBS=${DEMO_JOBS:-4}
P=sanprov-demo
LOCK=/tmp/sanprov-libvirtd.lock

say() { printf '# %s\n' "$*"; }
die() {
    printf '\ndemo: FAILED: %s\n' "$*" >&2
    exit 1
}
N=0
step() {
    N=$((N + 1))
    printf '\n== %d. %s\n' "$N" "$*"
}
# run 'COMMAND LINE': show it, run it (a pipeline too), show its output;
# the output stays in $T/out and the status is returned.
run() {
    printf '$ %s\n' "$1"
    eval "$1" >"$T/out"
    _rc=$?
    sed -e '/^[[:space:]]*$/d' -e 's/^/  /' "$T/out"
    return $_rc
}
now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{ printf "%.2f", $2 - $1 }'; }
# The demo's VMs, templates and LUNs, as lines of -l tables.
demo_vms() { vm-list -a -l | awk -v p="$P" 'index($2, p) == 1'; }
demo_templates() { template-list -a -l | awk -v p="$P" '$2 == p'; }
demo_luns() {
    lun-list -l pool:local:default | awk -v p="$P" 'index($2, p) == 1'
}

for p in pool-list lun-list lun-delete template-make template-list \
    template-delete vm-deploy vm-list vm-delete; do
    [ -x "$BIN/$p" ] || die "$BIN/$p is missing: run make first"
done
command -v virsh >/dev/null || die "virsh is missing: run make deps"
# The programs find the library beside them (their RUNPATH): no
# LD_LIBRARY_PATH.
PATH=$(cd "$BIN" && pwd):$PATH
export PATH

T=$(mktemp -d /tmp/sanprov-demo.XXXXXX) || die "cannot make a temporary directory"
STARTED_LIBVIRTD=''
STARTED_VIRTLOGD=''
KVM_WAS=''
DONE=''

# Stop a daemon the demo started, by its pid file; wait until it is gone.
stop_daemon() {
    _pid=$(cat "$2" 2>/dev/null) || return 0
    kill "$_pid" 2>/dev/null || return 0
    for _i in $(seq 100); do
        kill -0 "$_pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$_pid" 2>/dev/null
    say "stopped the $1 the demo started (pid $_pid)"
}

cleanup() {
    trap - EXIT INT TERM
    if [ -z "$DONE" ] && [ -n "$MADE" ]; then
        printf '\n== Cleaning up after the failure\n'
        demo_vms | vm-delete | sed 's/^/  deleted /'
        demo_templates | template-delete --with-lun | sed 's/^/  deleted /'
        demo_luns | lun-delete --force | sed 's/^/  deleted /'
    fi
    if [ -n "$STARTED_LIBVIRTD$STARTED_VIRTLOGD$KVM_WAS" ]; then
        [ -n "$DONE" ] && step "Stopping what the demo started"
        [ -n "$STARTED_LIBVIRTD" ] && stop_daemon libvirtd /run/libvirtd.pid
        [ -n "$STARTED_VIRTLOGD" ] && stop_daemon virtlogd /run/virtlogd.pid
        if [ -n "$KVM_WAS" ]; then
            chgrp "${KVM_WAS%:*}" /dev/kvm && chmod "${KVM_WAS#*:}" /dev/kvm &&
                say "/dev/kvm is ${KVM_WAS%:*}, mode ${KVM_WAS#*:} again"
        fi
    fi
    rm -rf "$T"
}
MADE=''
trap cleanup EXIT
trap 'printf "\ndemo: interrupted\n" >&2; exit 130' INT
trap 'printf "\ndemo: terminated\n" >&2; exit 143' TERM

echo "sanprov demo: rapid provisioning of VMs by SAN copy, on this machine"

# ---- 1. configuration ----
step "The embedded default configuration (no configuration file)"
XDG_CONFIG_HOME=$T/config
mkdir -p "$XDG_CONFIG_HOME"
export XDG_CONFIG_HOME
unset SANPROV_CONFIG
if [ "$(id -u)" = 0 ]; then URI=qemu:///system; else URI=qemu:///session; fi
DATA=${XDG_DATA_HOME:-$HOME/.local/share}/sanprov
say "XDG_CONFIG_HOME=$XDG_CONFIG_HOME (empty), SANPROV_CONFIG unset"
if [ -e /etc/sanprov/sanprov.conf ]; then
    say "WARNING: /etc/sanprov/sanprov.conf exists and is used instead of"
    say "the embedded default; the demo needs its array local and host localhost"
fi
say "array local:    $DATA/arrays/local (pool default, for host group local)"
say "host localhost: $URI"
say "library:        $DATA/library"
run "pool-list -l -H" || die "pool-list failed"

# ---- 2. libvirt ----
step "libvirt at $URI"
if virsh -c "$URI" version >/dev/null 2>&1; then
    say "libvirt answers"
elif [ "$(id -u)" = 0 ]; then
    command -v libvirtd >/dev/null || die "libvirtd is missing: run make deps"
    say "no libvirtd answers (no systemd here?): the demo starts one, and stops"
    say "it at the end"
    exec 8>"$LOCK"
    if ! flock -n 8; then
        say "waiting for $LOCK: a test of make check runs a libvirtd,"
        say "and one system-mode QEMU driver runs at a time on a machine"
        flock 8 || die "cannot lock $LOCK"
    fi
    if ! virsh -c "$URI" version >/dev/null 2>&1; then
        if [ -c /dev/kvm ] && getent group kvm >/dev/null &&
            [ "$(stat -c %G:%a /dev/kvm)" != kvm:660 ]; then
            # Without udev, /dev/kvm is root's alone; libvirt then finds KVM
            # unusable for its QEMU user and probes QEMU again on every call
            # (95 s a define).
            KVM_WAS=$(stat -c %G:%a /dev/kvm)
            if ! { chgrp kvm /dev/kvm && chmod 0660 /dev/kvm; }; then
                die "cannot give /dev/kvm to group kvm"
            fi
            say "/dev/kvm was ${KVM_WAS%:*}, mode ${KVM_WAS#*:} (no udev): now group kvm,"
            say "mode 0660, as Debian's udev rule makes it, until the end"
        fi
        # A socket file alone says nothing (a killed virtlogd leaves its
        # own behind): one answers on its admin socket, or one is started.
        if command -v virtlogd >/dev/null &&
            ! virt-admin -c virtlogd:///system version >/dev/null 2>&1; then
            printf '$ virtlogd -d\n'
            virtlogd -d 8>&- || die "virtlogd does not start"
            STARTED_VIRTLOGD=1
        fi
        printf '$ libvirtd -d\n'
        libvirtd -d 8>&- || die "libvirtd does not start"
        STARTED_LIBVIRTD=1
        for _i in $(seq 150); do
            virsh -c "$URI" version >/dev/null 2>&1 && break
            sleep 0.2
        done
    fi
fi
run "virsh -c $URI version" ||
    die "libvirt does not answer at $URI (is libvirtd running? make deps)"

# ---- 3. leftovers ----
step "Leftovers of an earlier, interrupted demo"
MADE=1 # from here on, a failure removes what is named sanprov-demo*
demo_vms >"$T/vms"
demo_templates >"$T/tmpl"
if [ -s "$T/vms" ] || [ -s "$T/tmpl" ]; then
    if [ -s "$T/vms" ]; then
        run "vm-list -a -l | awk '\$2 ~ /^$P/' | vm-delete" ||
            die "cannot delete the VMs of an earlier demo"
    fi
    if [ -s "$T/tmpl" ]; then
        run "template-list -a -l | awk '\$2 == \"$P\"' | template-delete --with-lun" ||
            die "cannot delete the template of an earlier demo"
    fi
else
    say "none"
fi
demo_luns >"$T/luns"
if [ -s "$T/luns" ]; then
    run "lun-list -l pool:local:default | awk '\$2 ~ /^$P/' | lun-delete --force" ||
        die "cannot delete the LUNs of an earlier demo"
fi

# ---- 4. golden image ----
step "A small golden image"
IMG=$T/golden.raw
# A 256 MiB sparse raw disk: a BIOS boot sector that prints a line and
# halts, and 8 MiB of data after the first MiB, which every copy carries.
#   xor ax,ax; mov ds,ax; xor bx,bx; cld; mov si,msg
#   1: lodsb; test al,al; jz 2f; mov ah,0eh; int 10h; jmp 1b
#   2: cli; hlt; jmp 2b
#   msg: db "sanprov demo: a VM made by SAN copy", 13, 10, 0
truncate -s 256M "$IMG" || die "cannot make $IMG"
{
    for h in 31 c0 8e d8 31 db fc be 19 7c ac 84 c0 74 06 b4 0e cd 10 eb f5 \
        fa f4 eb fc; do
        # shellcheck disable=SC2059 # an octal escape made from the byte
        printf "\\$(printf %o "0x$h")"
    done
    printf 'sanprov demo: a VM made by SAN copy\r\n\0'
} | dd of="$IMG" conv=notrunc status=none || die "cannot write $IMG"
printf '\125\252' | dd of="$IMG" bs=1 seek=510 conv=notrunc status=none ||
    die "cannot write $IMG"
dd if=/dev/urandom of="$IMG" bs=1M seek=1 count=8 conv=notrunc status=none ||
    die "cannot write $IMG"
say "$IMG: $(du -h --apparent-size "$IMG" | cut -f1) disk, $(du -h "$IMG" | cut -f1) of data"
say "(a boot sector that prints one line: bootable, but no operating system)"

# ---- 5. template ----
step "A template from it, on a new LUN of the local array"
run "pool-list | template-make --name $P --image $IMG -l -H" ||
    die "template-make failed"
grep -q '^tmpl:' "$T/out" || die "template-make made no template"
run "lun-list -l -H pool:local:default | awk 'NR == 1 || \$2 == \"$P\"'" ||
    die "lun-list failed"

# ---- 6. deploy ----
START=
[ "${DEMO_START:-}" = 1 ] && START=" --start"
step "Deploying $COUNT VMs by SAN copy, $JOBS at a time"
t0=$(now)
run "vm-deploy --template $P --host localhost --name '$P%d' --count $COUNT -j $JOBS$START -l"
rc=$?
t1=$(now)
[ $rc = 0 ] || die "vm-deploy exited $rc"
[ "$(grep -c '^vm:' "$T/out")" = "$COUNT" ] || die "vm-deploy did not print $COUNT VMs"
DEPLOY=$(secs "$t0" "$t1")
say "$COUNT VMs deployed in $DEPLOY s"

# ---- 7. list ----
step "The VMs: their records (SECONDS: each one's deploy) and libvirt's view"
run "vm-list -a -l" || die "vm-list failed"
run "virsh -c $URI list --all" || die "virsh list failed"

# ---- 8. delete ----
step "Deleting them (VM definitions and LUNs)"
t0=$(now)
run "vm-list -a -l | awk '\$2 ~ /^$P/' | vm-delete -l"
rc=$?
t1=$(now)
[ $rc = 0 ] || die "vm-delete exited $rc"
[ "$(grep -c '^vm:' "$T/out")" = "$COUNT" ] || die "vm-delete did not delete $COUNT VMs"
DELETE=$(secs "$t0" "$t1")
say "$COUNT VMs deleted in $DELETE s"
run "template-list -a -l | awk '\$2 == \"$P\"' | template-delete --with-lun -l" ||
    die "template-delete failed"
grep -q '^tmpl:' "$T/out" || die "template-delete deleted no template"

# ---- 9. nothing left ----
step "Nothing left"
run "vm-list -a -l" || die "vm-list failed"
run "lun-list -l -H pool:local:default" || die "lun-list failed"
run "virsh -c $URI list --all --name | grep '^$P' || true"
[ -s "$T/out" ] && die "domains are left in libvirt"
[ -n "$(demo_vms)$(demo_templates)$(demo_luns)" ] &&
    die "VMs, templates or LUNs named $P* are left"
say "no VM, template or LUN named $P* is left"

DONE=1
cleanup
printf '\ndemo: done: %s VMs deployed in %s s and deleted in %s s\n' \
    "$COUNT" "$DEPLOY" "$DELETE"
