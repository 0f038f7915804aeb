# SPDX-License-Identifier: LGPL-2.1-or-later
# completions/hyperv-sim.bash: bash completion for hyperv-sim(1), the simulated Hyper-V host.

# shellcheck source=SCRIPTDIR/sanprov-common.bash
. "$(dirname -- "${BASH_SOURCE[0]}")/sanprov-common.bash" || return

# The operations and methods hyperv-sim serves: what --fail and --drop
# name (cmd/hyperv-sim/wsman.c, methods.c, storage.c).
_hyperv_sim_names='Get Enumerate Pull Release
DefineSystem DestroySystem AddResourceSettings ModifyResourceSettings
RemoveResourceSettings ModifySystemSettings RequestStateChange
Online Offline SetAttributes AddAccessPath RemoveAccessPath
UpdateHostStorageCache New Remove Connect Disconnect
StartService StopService ChangeStartMode'

# hyperv-sim is no client of the arrays: none of the common options of
# _sanprov_options, no -c.
_hyperv_sim() {
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
    --os)
        _sanprov_words '2012 2012r2 2016 2019 2022'
        return
        ;;
    --iscsi-service)
        _sanprov_words 'running:auto running:manual stopped:auto stopped:manual'
        return
        ;;
    --fail | --drop)
        # NAME:N[:CODE]: complete the name, then the user types N.
        compopt -o nospace 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -W "$_hyperv_sim_names" -S : \
            -- "$cur")
        return
        ;;
    --user)
        mapfile -t COMPREPLY < <(compgen -u -- "$cur")
        return
        ;;
    --listen | --preload-vms | --hostname | --iqn | --wwpn | --switches | --smis-url | \
        --latency | --job-seconds | --job-fail | --close-after)
        # A value to type: nothing to offer.
        return
        ;;
    esac
    [[ $cur == -* ]] || return
    _sanprov_offer --listen --port-file --state --tls-cert --tls-key --user \
        --password-file --hostname --os --iqn --wwpn --switches --no-mpio \
        --iscsi-service --smis-url --preload-vms --latency --job-seconds --fail --drop \
        --job-fail --close-after --close-unannounced --trace-dir --verbose \
        --version --help -v -h
}

complete -F _hyperv_sim hyperv-sim
