# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/vm-deploy.bash: bash completion for vm-deploy(1), which deploys VMs from a template by SAN copy.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

_vm_deploy() {
    local cur prev
    _sanprov_start || return
    case $prev in
    --template)
        _sanprov_templates
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
    _sanprov_options --template --host --group --name --count -j --jobs \
        --start --user-data --dry-run --keep-failed --resume --timeout &&
        return
    # Templates by name (a UUID is not typed).
    _sanprov_templates
}

complete -F _vm_deploy vm-deploy
