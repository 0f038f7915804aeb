# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/lun-create.bash: bash completion for lun-create(1), which creates LUNs or SAN-copies them.

_lun_create() {
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    # "--opt=value": bash splits it at '=' (COMP_WORDBREAKS).
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi
    COMPREPLY=()

    case $prev in
    -c | --config)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return
        ;;
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
    if [[ $cur == -* ]]; then
        local opts=(--size --name --count --clone-of --snapshot-of --timeout
            -l --json -0 -z -H -q -v -c --config -h --help --version)
        local o
        for o in "${opts[@]}"; do
            [[ $o == "$cur"* ]] && COMPREPLY+=("$o")
        done
    fi
}

complete -F _lun_create lun-create
