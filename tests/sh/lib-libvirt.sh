#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/lib-libvirt.sh: a libvirtd of the test's own (root only), with virtlogd when none runs, so that VMs can be defined and started without touching the system's.
#
#   . "$SANPROV_SRCDIR/tests/sh/lib.sh"
#   . "$SANPROV_SRCDIR/tests/sh/lib-libvirt.sh"
#   lv_usable || { test_skip 'WHAT' "$LV_WHY"; test_done; exit; }
#   lv_start || { test_skip 'WHAT' "libvirtd does not start: ..."; ...; }
#   ... "$LV_URI" (qemu:///system?socket=...), VM names start with "$LV_P"
#
# Or, for a script that deploys VMs: lv_begin 'WHAT' TOOL... (below) does
# all of that, skipping the script when something is missing.
#
# lv_start sets LV_URI and LV_P at the top level of the script and
# installs an EXIT trap (lv_stop) that undefines every domain named
# "$LV_P*", kills the daemons it started and gives /dev/kvm back.  Such a
# libvirtd keeps domains where the system's does (/etc/libvirt/qemu), hence
# the per-run prefix.  Scripts with an EXIT trap of their own call lv_stop
# from it.
# Used by the scripts that source this file:
# shellcheck disable=SC2034

LV_P=sp$$-

lv_usable() {
    if [ "$(id -u)" != 0 ]; then
        LV_WHY='needs root to start a libvirtd of its own (CI runs as root)'
        return 1
    fi
    for _t in libvirtd virsh; do
        if ! command -v $_t >/dev/null; then
            LV_WHY="$_t is not installed (make deps)"
            return 1
        fi
    done
}

lv_start() {
    # One system-mode QEMU driver runs at a time on a machine (its state is
    # in /run/libvirt/qemu): tests, benches and demos take turns.
    if command -v flock >/dev/null; then
        exec 8>/tmp/sanprov-libvirtd.lock
        flock 8
    fi
    # Without udev (a container), /dev/kvm is root's alone; libvirt then
    # finds KVM unusable for its QEMU user, distrusts its cached QEMU
    # capabilities and probes QEMU again on every call (a define took
    # 95 s).  As Debian's udev rule would, /dev/kvm goes to group kvm
    # (0660), and back as it was at the end.
    LV_KVM_MODE=
    if [ -c /dev/kvm ] && getent group kvm >/dev/null &&
        [ "$(stat -c %G:%a /dev/kvm)" != kvm:660 ]; then
        LV_KVM_MODE=$(stat -c %a /dev/kvm)
        LV_KVM_GROUP=$(stat -c %G /dev/kvm)
        chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
    fi
    LV=$TRASH/libvirt
    mkdir -p "$LV/run"
    cat >"$LV/libvirtd.conf" <<LVEOF
unix_sock_dir = "$LV/run"
unix_sock_rw_perms = "0700"
auth_unix_rw = "none"
auth_unix_ro = "none"
LVEOF
    libvirtd -f "$LV/libvirtd.conf" -p "$LV/libvirtd.pid" >"$LV/log" 2>&1 &
    LV_PID=$!
    trap lv_stop EXIT
    lv_virtlogd || return 1
    LV_URI="qemu:///system?socket=$LV/run/libvirt-sock"
    for _i in $(seq 150); do
        virsh -c "$LV_URI" version >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

# virtlogd answers on its admin socket.  A socket file alone says nothing:
# one killed with SIGKILL leaves it behind, refusing connections, and QEMU
# domains then fail to start ("Failed to connect socket to
# '/run/libvirt/virtlogd-sock': Connection refused").
lv_virtlogd_up() {
    virt-admin -c virtlogd:///system version >/dev/null 2>&1
}

# QEMU's output goes through virtlogd: start one when none answers.  It
# replaces stale sockets itself; while one that is exiting still holds
# /run/virtlogd.pid, ours gives up at once and is started again.
lv_virtlogd() {
    LV_VIRTLOGD=
    command -v virtlogd >/dev/null || return 0
    for _i in $(seq 100); do
        lv_virtlogd_up && return 0
        if [ -z "$LV_VIRTLOGD" ] || ! kill -0 "$LV_VIRTLOGD" 2>/dev/null; then
            [ -n "$LV_VIRTLOGD" ] && wait "$LV_VIRTLOGD" 2>/dev/null
            virtlogd >>"$LV/virtlogd.log" 2>&1 &
            LV_VIRTLOGD=$!
        fi
        sleep 0.1
    done
    echo "virtlogd does not answer: $(tail -1 "$LV/virtlogd.log")" >>"$LV/log"
    return 1
}

lv_stop() {
    if [ -n "$LV_URI" ]; then
        for _d in $(timeout 20 virsh -q -c "$LV_URI" list --all --name 2>/dev/null |
            grep "^$LV_P"); do
            timeout 10 virsh -q -c "$LV_URI" destroy "$_d" >/dev/null 2>&1
            timeout 10 virsh -q -c "$LV_URI" undefine --nvram "$_d" >/dev/null 2>&1
        done
    fi
    [ -n "$LV_PID" ] && kill -KILL "$LV_PID" 2>/dev/null && wait "$LV_PID" 2>/dev/null
    # Waited for, so that the next test does not find its sockets still
    # there while it exits.
    [ -n "$LV_VIRTLOGD" ] && kill "$LV_VIRTLOGD" 2>/dev/null &&
        wait "$LV_VIRTLOGD" 2>/dev/null
    if [ -n "$LV_KVM_MODE" ]; then
        chgrp "$LV_KVM_GROUP" /dev/kvm && chmod "$LV_KVM_MODE" /dev/kvm
    fi
    LV_PID=''
    LV_VIRTLOGD=''
    LV_KVM_MODE=
}

# lv_begin WHAT TOOL...: the common start of a script that deploys VMs into
# a libvirtd of its own: skip the whole script (test_skip WHAT, saying why)
# when a TOOL is missing or no libvirtd can be started here; else start one
# and set VIRSH (its virsh -q), P (the prefix of this run's VM names) and
# OPEN, a directory where QEMU's user can reach the disk files and media
# of the VMs (this test's own directory, in a checkout anywhere, /root or a
# 0700 temporary directory, need not be).  The EXIT trap stops the
# libvirtd, a simulator of lib-sim.sh when one is sourced, and removes
# OPEN; a script with more to stop sets its own trap calling lv_end.
lv_begin() {
    _lv_what=$1
    shift
    for _t in "$@"; do
        if ! command -v "$_t" >/dev/null; then
            test_skip "$_lv_what" "$_t is not installed (make deps)"
            test_done
            exit
        fi
    done
    if ! lv_usable; then
        test_skip "$_lv_what" "$LV_WHY"
        test_done
        exit
    fi
    if ! lv_start; then
        test_skip "$_lv_what" "libvirtd does not start here: $(tail -1 "$TRASH/libvirt/log")"
        test_done
        exit
    fi
    # shellcheck disable=SC2154 # test_name is lib.sh's
    OPEN=$(mktemp -d "/var/tmp/sanprov-$test_name.XXXXXX") &&
        chmod 0755 "$OPEN" || exit 1
    trap lv_end EXIT
    VIRSH="virsh -q -c $LV_URI"
    P=$LV_P
}

# lv_end: what lv_begin's EXIT trap does.
lv_end() {
    lv_stop
    if command -v _sim_exit >/dev/null; then
        _sim_exit
    fi
    [ -n "$OPEN" ] && rm -rf "$OPEN"
}
