# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/host-list.bash: bash completion for host-list(1), the configured hypervisor hosts.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

_host_list() {
    local cur prev
    _sanprov_start || return
    # shellcheck disable=SC2119 # no options but the common ones
    _sanprov_options && return
    # The IDs host:NAME of the configuration; nothing is contacted.
    _sanprov_ids host
}

complete -F _host_list host-list
