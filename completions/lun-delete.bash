# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/lun-delete.bash: bash completion for lun-delete(1), which deletes LUNs.

_lun_delete() {
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
    --timeout)
        return
        ;;
    esac

    # LUN IDs are not offered: finding them would ask the arrays.
    if [[ $cur == -* ]]; then
        local opts=(-f --force --timeout -l --json -0 -z -H -q -v -c --config
            -h --help --version)
        local o
        for o in "${opts[@]}"; do
            [[ $o == "$cur"* ]] && COMPREPLY+=("$o")
        done
    fi
}

complete -F _lun_delete lun-delete
