# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/array-info.bash: bash completion for array-info(1), which probes the configured arrays.

# _array_info_sections KIND: the names of the [KIND "NAME"] sections of the
# configuration the command line would read (-c, $SANPROV_CONFIG, then the
# lookup order of sanprov.conf(5)).  No array is contacted.
_array_info_sections() {
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

_array_info() {
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
    esac

    if [[ $cur == -* ]]; then
        local opts=(--json --config --help --version -l -0 -z -H -q -v -c -h)
        local o
        for o in "${opts[@]}"; do
            [[ $o == "$cur"* ]] && COMPREPLY+=("$o")
        done
        return
    fi

    # Array IDs.  bash splits "array:NAME" at ':' (COMP_WORDBREAKS): match
    # the whole word, offer what follows its last ':'.
    local line=${COMP_LINE:0:COMP_POINT} word
    word=${line##*[[:space:]]}
    local n
    while IFS= read -r n; do
        [[ array:$n == "$word"* ]] && COMPREPLY+=("array:$n")
    done < <(_array_info_sections array)
    if [[ $COMP_WORDBREAKS == *:* && $word == *:* ]]; then
        local drop=${word%"${word##*:}"}
        COMPREPLY=("${COMPREPLY[@]#"$drop"}")
    fi
}

complete -F _array_info array-info
