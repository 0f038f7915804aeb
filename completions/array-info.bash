# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/array-info.bash: bash completion for array-info(1), which probes the configured arrays.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

_array_info() {
    local cur prev
    _sanprov_start || return
    # shellcheck disable=SC2119 # no options but the common ones
    _sanprov_options && return
    # The IDs array:NAME of the configuration; no array is contacted.
    _sanprov_ids array
}

complete -F _array_info array-info
