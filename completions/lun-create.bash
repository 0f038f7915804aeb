# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/lun-create.bash: bash completion for lun-create(1), which creates LUNs or SAN-copies them.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

_lun_create() {
    local cur prev
    _sanprov_start || return
    case $prev in
    --size)
        # A number and a binary unit: offer the units after the digits.
        if [[ $cur =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
            mapfile -t COMPREPLY < <(compgen -P "$cur" -W 'K M G T P')
        fi
        return
        ;;
    --name | --count | --timeout | --clone-of | --snapshot-of)
        # A value to type; LUN IDs are not offered: finding them would
        # ask the arrays.
        return
        ;;
    esac
    # Pool and LUN IDs (the LUNs to copy) are not offered either.
    _sanprov_options --size --name --count --clone-of --snapshot-of --timeout
}

complete -F _lun_create lun-create
