# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/pool-list.bash: bash completion for pool-list(1), the pools of the configured arrays.

# _pool_list_sections KIND: the names of the [KIND "NAME"] sections of the
# configuration the command line would read (-c, $SANPROV_CONFIG, then the
# lookup order of sanprov.conf(5)).  No array is contacted.
_pool_list_sections() {
    local conf='' i
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        case ${COMP_WORDS[i]} in
        -c | --config)
            conf=${COMP_WORDS[i + 1]}
            [[ $conf == = ]] && conf=${COMP_WORDS[i + 2]}
            ;;
        esac
    done
    if [[ -z $conf ]]; then
        local xdg=${XDG_CONFIG_HOME:-$HOME/.config}
        for conf in "$SANPROV_CONFIG" "$xdg/sanprov/sanprov.conf" \
            /etc/sanprov/sanprov.conf; do
            [[ -n $conf && -r $conf ]] && break
        done
    fi
    conf=${conf/#\~/$HOME}
    [[ -r $conf ]] || return 0
    sed -n "s/^[[:space:]]*\[$1[[:space:]]\{1,\}\"\{0,1\}\([^]\"]*\)\"\{0,1\}[[:space:]]*\].*/\1/p" \
        "$conf" 2>/dev/null
}

_pool_list() {
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
    -a | --array)
        mapfile -t COMPREPLY < <(compgen -W "$(_pool_list_sections array)" \
            -- "$cur")
        return
        ;;
    --supports)
        mapfile -t COMPREPLY < <(compgen -W 'snapshot clone' -- "$cur")
        return
        ;;
    --class | --min-free)
        # A value to type: nothing to offer.
        return
        ;;
    esac

    if [[ $cur == -* ]]; then
        local opts=(--array --class --min-free --supports --json --config
            --help --version -a -l -0 -z -H -q -v -c -h)
        local o
        for o in "${opts[@]}"; do
            [[ $o == "$cur"* ]] && COMPREPLY+=("$o")
        done
    fi
}

complete -F _pool_list pool-list
