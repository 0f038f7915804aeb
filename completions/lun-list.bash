# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/lun-list.bash: bash completion for lun-list(1), which lists LUNs.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

_lun_list() {
    local cur prev
    _sanprov_start || return
    # IDs are not offered: finding them would ask the arrays.
    _sanprov_options -a --all --no-masking
}

complete -F _lun_list lun-list
