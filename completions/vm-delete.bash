# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/vm-delete.bash: bash completion for vm-delete(1), which tears deployed VMs down.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

_vm_delete() {
    local cur prev
    _sanprov_start || return
    # VM IDs are not offered: they hold UUIDs, which come from vm-list or
    # vm-deploy rather than from typing.
    # shellcheck disable=SC2119 # no options but the common ones
    _sanprov_options
}

complete -F _vm_delete vm-delete
