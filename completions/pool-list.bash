# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/pool-list.bash: bash completion for pool-list(1), the pools of the configured arrays.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

_pool_list() {
    local cur prev
    _sanprov_start || return
    case $prev in
    -a | --array)
        # The configured array names; no array is contacted.
        _sanprov_words "$(_sanprov_sections array)"
        return
        ;;
    --supports)
        _sanprov_words 'snapshot clone'
        return
        ;;
    --class | --min-free)
        # A value to type: nothing to offer.
        return
        ;;
    esac
    _sanprov_options --array --class --min-free --supports -a
}

complete -F _pool_list pool-list
