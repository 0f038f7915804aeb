# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/template-list.bash: bash completion for template-list(1), which lists templates.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

_template_list() {
    local cur prev
    _sanprov_start || return
    _sanprov_options -a --all && return
    # Templates by name (a UUID is not typed).
    _sanprov_templates
}

complete -F _template_list template-list
