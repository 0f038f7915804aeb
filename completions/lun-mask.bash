# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/lun-mask.bash: bash completion for lun-mask(1), which masks LUNs to a host or unmasks them.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

_lun_mask() {
    local cur prev
    _sanprov_start || return
    case $prev in
    --host)
        # The configured hosts (of -c FILE when given).
        _sanprov_words "$(_sanprov_sections host)"
        return
        ;;
    --initiator | --timeout)
        # An iSCSI name or a WWPN, or seconds, to type.
        return
        ;;
    esac
    # LUN IDs are not offered: finding them would ask the arrays.
    _sanprov_options --host --initiator -u --unmask --timeout
}

complete -F _lun_mask lun-mask
