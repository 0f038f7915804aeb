# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/smis-sim.bash: bash completion for smis-sim(1), the simulated SMI-S array.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

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

# smis-sim is no client of the arrays: none of the common options of
# _sanprov_options, no -c.
_smis_sim() {
    local cur prev
    _sanprov_init
    case $prev in
    --state | --port-file | --tls-cert | --tls-key | --password-file)
        _sanprov_files -f
        return
        ;;
    --trace-dir)
        _sanprov_files -d
        return
        ;;
    --personality)
        _sanprov_words 'group legacy'
        return
        ;;
    --vendor)
        # The personalities of cmd/smis-sim/vendor.c.
        _sanprov_words 'vnx vmax 3par eternus ibm pegasus sfcb'
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
    --listen | --pools | --preload-volumes | --latency | --fail-text | \
        --job-seconds | --job-fail | --job-stall | --max-enumerations | \
        --close-after | --journal-max)
        # A value to type: nothing to offer.
        return
        ;;
    esac
    [[ $cur == -* ]] || return
    _sanprov_offer --listen --port-file --state --journal-max --compact \
        --tls-cert --tls-key --user \
        --password-file --personality --vendor --pools --preload-volumes --latency \
        --job-seconds --fail --fail-text --drop --job-fail --job-stall \
        --no-pull --no-query --no-copies --close-after --close-unannounced \
        --max-enumerations --trace-dir --verbose --version --help -v -h
}

complete -F _smis_sim smis-sim
