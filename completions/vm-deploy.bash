# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/vm-deploy.bash: bash completion for vm-deploy(1), which deploys VMs from a template by SAN copy.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

# _vm_deploy_templates: offer the names of the library's templates that
# start with cur, as template-list(1) lists them (with the -c FILE of the
# command line): it reads the library and contacts no array.
_vm_deploy_templates() {
    local conf n
    command -v template-list >/dev/null 2>&1 || return 0
    conf=$(_sanprov_config_arg)
    while IFS= read -r n; do
        [[ $n == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$n")")
    done < <(template-list --all --json ${conf:+-c "$conf"} </dev/null 2>/dev/null |
        sed -n 's/^{"id":"[^"]*","name":"\([^"\\]*\)",.*/\1/p')
}

_vm_deploy() {
    local cur prev
    _sanprov_start || return
    case $prev in
    --template)
        _vm_deploy_templates
        return
        ;;
    --host)
        # The configured hosts (of -c FILE when given).
        _sanprov_words "$(_sanprov_sections host)"
        return
        ;;
    --group)
        # The groups of the configured hosts.
        _sanprov_words "$(_sanprov_groups)"
        return
        ;;
    --user-data)
        _sanprov_files -f
        return
        ;;
    --name | --count | -j | --jobs | --timeout)
        # A pattern or a number to type: nothing to offer.
        return
        ;;
    esac
    # Template IDs are not offered: they are UUIDs, which come from
    # template-list rather than from typing.
    _sanprov_options --template --host --group --name --count -j --jobs \
        --start --user-data --dry-run --keep-failed --resume --timeout
}

complete -F _vm_deploy vm-deploy
