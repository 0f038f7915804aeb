# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/smis-sim.bash: bash completion for smis-sim(1), the simulated SMI-S array.

# The intrinsic operations and methods smis-sim serves: what --fail and
# --drop name (cmd/smis-sim/ops.c, cmd/smis-sim/methods.c).
_smis_sim_methods='EnumerateInstances EnumerateInstanceNames GetInstance
GetClass EnumerateClasses EnumerateClassNames Associators AssociatorNames
References ReferenceNames OpenEnumerateInstances OpenAssociatorInstances
PullInstancesWithPath CloseEnumeration
CreateOrModifyElementFromStoragePool ReturnToStoragePool
CreateElementReplica ModifyReplicaSynchronization
CreateGroup DeleteGroup AddMembers RemoveMembers
CreateMaskingView DeleteMaskingView ExposePaths HidePaths
CreateStorageHardwareID DeleteStorageHardwareID GetError'

_smis_sim() {
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
    --state | --port-file | --tls-cert | --tls-key | --password-file)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return
        ;;
    --trace-dir)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        return
        ;;
    --personality)
        mapfile -t COMPREPLY < <(compgen -W 'group legacy' -- "$cur")
        return
        ;;
    --fail | --drop)
        # METHOD:N[:CODE]: complete the method, then the user types N.
        compopt -o nospace 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -W "$_smis_sim_methods" -S : \
            -- "$cur")
        return
        ;;
    --user)
        mapfile -t COMPREPLY < <(compgen -u -- "$cur")
        return
        ;;
    --listen | --pools | --preload-volumes | --latency | \
        --job-seconds | --job-fail | --job-stall | --max-enumerations)
        # A value to type: nothing to offer.
        return
        ;;
    esac

    if [[ $cur == -* ]]; then
        local opts=(--listen --port-file --state --tls-cert --tls-key --user
            --password-file --personality --pools --preload-volumes --latency
            --job-seconds --fail --drop --job-fail --job-stall --no-pull
            --max-enumerations --trace-dir --verbose --version --help
            -v -h)
        local o
        for o in "${opts[@]}"; do
            [[ $o == "$cur"* ]] && COMPREPLY+=("$o")
        done
    fi
}

complete -F _smis_sim smis-sim
