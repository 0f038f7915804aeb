# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/lun-mask.bash: bash completion for lun-mask(1), which masks LUNs to a host or unmasks them.

_lun_mask() {
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
    --host)
        # The configured hosts, from host-list (host:NAME).
        if command -v host-list >/dev/null 2>&1; then
            local hosts
            hosts=$(host-list 2>/dev/null | cut -d: -f2)
            mapfile -t COMPREPLY < <(compgen -W "$hosts" -- "$cur")
        fi
        return
        ;;
    --initiator | --timeout)
        # An iSCSI name or a WWPN, or seconds, to type.
        return
        ;;
    esac

    # LUN IDs are not offered: finding them would ask the arrays.
    if [[ $cur == -* ]]; then
        local opts=(--host --initiator -u --unmask --timeout -l --json -0 -z -H -q -v
            -c --config -h --help --version)
        local o
        for o in "${opts[@]}"; do
            [[ $o == "$cur"* ]] && COMPREPLY+=("$o")
        done
    fi
}

complete -F _lun_mask lun-mask
