# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/vm-list.bash: bash completion for vm-list(1), which lists the VMs deployed from templates.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

_vm_list() {
    local cur prev
    _sanprov_start || return
    case $prev in
    --host)
        # The configured hosts (of -c FILE when given).
        _sanprov_words "$(_sanprov_sections host)"
        return
        ;;
    esac
    # VM IDs are not offered: they hold UUIDs, which come from vm-list
    # itself rather than from typing.
    _sanprov_options -a --all --host
}

complete -F _vm_list vm-list
