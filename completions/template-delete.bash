# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/template-delete.bash: bash completion for template-delete(1), which removes templates.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

_template_delete() {
    local cur prev
    _sanprov_start || return
    _sanprov_options -f --force --with-lun && return
    # Templates by name (a UUID is not typed).
    _sanprov_templates
}

complete -F _template_delete template-delete
