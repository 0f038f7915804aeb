# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/reconcile.bash: bash completion for reconcile(1), which finds and mends what crashed runs left.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

_reconcile() {
    local cur prev
    _sanprov_start || return
    case $prev in
    --grace)
        # Seconds, or a number and a unit: offer the units after digits.
        if [[ $cur =~ ^[0-9]+$ ]]; then
            mapfile -t COMPREPLY < <(compgen -P "$cur" -W 's m h d')
        fi
        return
        ;;
    esac
    _sanprov_options --fix --grace
}

complete -F _reconcile reconcile
