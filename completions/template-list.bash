# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/template-list.bash: bash completion for template-list(1), which lists templates.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

_template_list() {
    local cur prev
    _sanprov_start || return
    # Template IDs are not offered: they are UUIDs, which come from
    # template-list itself rather than from typing.
    _sanprov_options -a --all
}

complete -F _template_list template-list
