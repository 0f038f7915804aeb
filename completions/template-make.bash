# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/template-make.bash: bash completion for template-make(1), which makes templates.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

_template_make() {
    local cur prev
    _sanprov_start || return
    case $prev in
    --image | --allow-backing | --user-data | --meta-data | --network-config | \
        --unattend)
        _sanprov_files -f
        return
        ;;
    --device)
        # The block device the LUN is attached as (or a directory on the
        # way): start where devices are named after their WWN.
        local dir=/dev/disk/by-id/ f
        [[ -d $dir ]] || dir=/dev/
        compopt -o filenames 2>/dev/null
        while IFS= read -r f; do
            [[ -b $f || -d $f ]] && COMPREPLY+=("$f")
        done < <(compgen -f -- "${cur:-$dir}")
        return
        ;;
    --copy-method)
        _sanprov_words 'auto snapshot clone'
        return
        ;;
    --firmware)
        _sanprov_words 'bios uefi'
        return
        ;;
    --os)
        _sanprov_words 'linux windows'
        return
        ;;
    --size | --memory)
        # A number and a binary unit: offer the units after the digits.
        if [[ $cur =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
            mapfile -t COMPREPLY < <(compgen -P "$cur" -W 'K M G T P')
        fi
        return
        ;;
    --nic)
        # NAME=VALUE,...: offer the first key; the rest is typed.
        compopt -o nospace 2>/dev/null
        _sanprov_words 'network= bridge='
        return
        ;;
    -n | --name | --vcpus | --machine | --disk-bus | --tag)
        # A value to type: nothing to offer.
        return
        ;;
    esac
    # LUN and pool IDs are not offered: finding them would ask the arrays.
    _sanprov_options -n --name --image --allow-backing --size --device \
        --copy-method --vcpus --memory --firmware --machine --disk-bus --nic \
        --os --user-data --meta-data --network-config --unattend --tag
}

complete -F _template_make template-make
