# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/vm-delete.bash: bash completion for vm-delete(1), which tears deployed VMs down.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

_vm_delete() {
    local cur prev
    _sanprov_start || return
    case $prev in
    -j | --jobs) return ;;
    esac
    # VM IDs are not offered: they hold UUIDs, which come from vm-list or
    # vm-deploy rather than from typing.
    _sanprov_options -j --jobs
}

complete -F _vm_delete vm-delete
