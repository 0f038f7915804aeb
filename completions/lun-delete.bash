# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/lun-delete.bash: bash completion for lun-delete(1), which deletes LUNs.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

_lun_delete() {
    local cur prev
    _sanprov_start || return
    # --timeout takes seconds to type.
    [[ $prev == --timeout ]] && return
    # LUN IDs are not offered: finding them would ask the arrays.
    _sanprov_options -f --force --timeout
}

complete -F _lun_delete lun-delete
