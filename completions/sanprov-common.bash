# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/sanprov-common.bash: what the bash completions of the sanprov programs share.
#
# Sourced by each completions/NAME.bash from its own directory (installed
# under this name next to them); it completes no command itself.  The
# functions work on the caller's locals cur and prev and on COMPREPLY.

# _sanprov_init: set cur, the word being completed, and prev, the one
# before it, and empty COMPREPLY.  In "--opt=value" bash splits the word at
# '=' (COMP_WORDBREAKS): prev is then the option, cur the value.
_sanprov_init() {
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi
    COMPREPLY=()
}

# _sanprov_start: _sanprov_init for a program with the common options
# (below), then the argument of -c/--config: a file.  False when cur was
# that argument, completed: the caller returns.
_sanprov_start() {
    _sanprov_init
    case $prev in
    -c | --config)
        _sanprov_files -f
        return 1
        ;;
    esac
}

# _sanprov_files -f|-d: offer the files (-f) or the directories (-d) that
# start with cur.
_sanprov_files() {
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen "$1" -- "$cur")
}

# _sanprov_words WORDS: offer the words of WORDS that start with cur.
_sanprov_words() {
    mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur")
}

# _sanprov_offer OPTION...: offer the OPTIONs that start with cur.
_sanprov_offer() {
    local o
    for o in "$@"; do
        [[ $o == "$cur"* ]] && COMPREPLY+=("$o")
    done
}

# _sanprov_options OPTION...: when cur is an option, offer the program's
# OPTIONs and the common options of cmd/common (-l, --json, -0, -z, -H,
# -q, -v, -c/--config, -h/--help, --version) that start with it.  False
# when cur is not an option.
_sanprov_options() {
    [[ $cur == -* ]] || return 1
    _sanprov_offer "$@" -l --json -0 -z -H -q -v -c --config -h --help \
        --version
}

# _sanprov_config_arg: the FILE of -c/--config FILE on the command line,
# or nothing.
_sanprov_config_arg() {
    local conf='' i
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        case ${COMP_WORDS[i]} in
        -c | --config)
            conf=${COMP_WORDS[i + 1]}
            [[ $conf == = ]] && conf=${COMP_WORDS[i + 2]}
            ;;
        esac
    done
    printf '%s' "${conf/#\~/$HOME}"
}

# _sanprov_conf: the configuration file the command line would read (-c,
# $SANPROV_CONFIG, then the lookup order of sanprov.conf(5)), or nothing.
_sanprov_conf() {
    local conf
    conf=$(_sanprov_config_arg)
    if [[ -z $conf ]]; then
        local xdg=${XDG_CONFIG_HOME:-$HOME/.config}
        for conf in "$SANPROV_CONFIG" "$xdg/sanprov/sanprov.conf" \
            /etc/sanprov/sanprov.conf; do
            [[ -n $conf && -r $conf ]] && break
        done
    fi
    conf=${conf/#\~/$HOME}
    [[ -r $conf ]] && printf '%s' "$conf"
}

# _sanprov_sections KIND: the names of the [KIND "NAME"] sections of the
# configuration the command line would read (_sanprov_conf).  Nothing is
# contacted.
_sanprov_sections() {
    local conf
    conf=$(_sanprov_conf) || return 0
    sed -n "s/^[[:space:]]*\[$1[[:space:]]\{1,\}\"\{0,1\}\([^]\"]*\)\"\{0,1\}[[:space:]]*\].*/\1/p" \
        "$conf" 2>/dev/null
}

# _sanprov_groups: the host groups of that configuration, the values of
# the hosts' "group" keys (a comment after them dropped), once each.
_sanprov_groups() {
    local conf
    conf=$(_sanprov_conf) || return 0
    sed -n 's/[[:space:]]\{1,\};.*//; s/^[[:space:]]*group[[:space:]]*=[[:space:]]*\(.*[^[:space:]]\)[[:space:]]*$/\1/p' \
        "$conf" 2>/dev/null | sort -u
}

# _sanprov_ids KIND: offer the IDs KIND:NAME of the configured KIND
# sections (array, host) that start with the word being completed.  bash
# splits "KIND:NAME" at ':' (COMP_WORDBREAKS): match the whole word, offer
# what follows its last ':'.
_sanprov_ids() {
    local line=${COMP_LINE:0:COMP_POINT} word n
    word=${line##*[[:space:]]}
    while IFS= read -r n; do
        [[ $1:$n == "$word"* ]] && COMPREPLY+=("$1:$n")
    done < <(_sanprov_sections "$1")
    if [[ $COMP_WORDBREAKS == *:* && $word == *:* ]]; then
        local drop=${word%"${word##*:}"}
        COMPREPLY=("${COMPREPLY[@]#"$drop"}")
    fi
}

# _sanprov_templates: offer the names of the library's templates that start
# with cur, as template-list(1) lists them (with the -c FILE of the command
# line): it reads the library and contacts no array.  Programs that take a
# template take its name (sanprov(7), "Names for IDs").
_sanprov_templates() {
    local conf n
    command -v template-list >/dev/null 2>&1 || return 0
    conf=$(_sanprov_config_arg)
    while IFS= read -r n; do
        [[ $n == "$cur"* ]] && COMPREPLY+=("$(printf '%q' "$n")")
    done < <(template-list --all --json ${conf:+-c "$conf"} </dev/null 2>/dev/null |
        sed -n 's/^{"id":"[^"]*","name":"\([^"\\]*\)",.*/\1/p')
}
