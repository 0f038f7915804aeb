/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim.c: hyperv-sim, a simulated Hyper-V host (WMI over
 * WS-Management, HTTP/HTTPS). */
#include <errno.h>
#include <popt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cmd.h"
#include "hyperv-sim/hv.h"
#include "simhttp/simhttp.h"

enum { OPT_FAIL = 1, OPT_DROP, OPT_VERSION, OPT_VERBOSE, OPT_HELP };

static void add_fault(struct hv_opts *o, const char *spec, bool drop)
{
    /* NAME:N, or for --fail NAME:N:CODE */
    char *copy = cmd_xstrdup(spec);
    char *c1 = strchr(copy, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    char *end = NULL;
    if (!c1 || c1 == copy || (drop && c2))
        cmd_usage_error("'%s' is not NAME:N%s", spec, drop ? "" : "[:CODE]");
    *c1 = '\0';
    if (c2)
        *c2 = '\0';
    unsigned long n = strtoul(c1 + 1, &end, 10);
    if (!n || *end)
        cmd_usage_error("'%s': N must be a call number from 1", spec);
    unsigned long code = 1;
    if (c2) {
        code = strtoul(c2 + 1, &end, 10);
        if (*end || !code || (code > 28 && code < 4096) || code > 65535)
            cmd_usage_error("'%s': CODE is a CIM status 1..28 or a "
                            "ReturnValue 4096..65535",
                            spec);
    }
    o->faults = cmd_xrealloc(o->faults, (o->nfaults + 1) * sizeof(*o->faults));
    o->faults[o->nfaults++] = (struct hv_fault){.name = cmd_xstrdup(copy),
                                                .nth = n,
                                                .drop = drop,
                                                .code = (unsigned)code};
    free(copy);
}

int main(int argc, char **argv)
{
    cmd_init(argv[0]);
    struct hv_opts o = {.listen_host = "127.0.0.1", .port = 5985};
    char *listen = NULL, *password_file = NULL, *fault = NULL;
    int verbose = 0, no_mpio = 0, close_unannounced = 0;
    long latency = 0, job_fail = 0, close_after = 0, preload = 0;
    struct poptOption table[] = {
        {"listen", 0, POPT_ARG_STRING, &listen, 0,
         "address and port to listen on (port 0: any; default "
         "127.0.0.1:5985)",
         "HOST:PORT"},
        {"port-file", 0, POPT_ARG_STRING, &o.port_file, 0,
         "write the port listened on to FILE", "FILE"},
        {"state", 0, POPT_ARG_STRING, &o.state, 0,
         "keep the host's state in FILE", "FILE"},
        {"tls-cert", 0, POPT_ARG_STRING, &o.tls_cert, 0,
         "serve HTTPS with this certificate (PEM)", "FILE"},
        {"tls-key", 0, POPT_ARG_STRING, &o.tls_key, 0,
         "the certificate's private key (PEM)", "FILE"},
        {"user", 0, POPT_ARG_STRING, &o.user, 0,
         "require basic authentication as USER", "USER"},
        {"password-file", 0, POPT_ARG_STRING, &password_file, 0,
         "the password USER must give (mode 0600)", "FILE"},
        {"hostname", 0, POPT_ARG_STRING, &o.hostname, 0,
         "the host's name (default HV01)", "NAME"},
        {"os", 0, POPT_ARG_STRING, &o.os, 0,
         "the Windows Server release: 2012, 2012r2, 2016, 2019 (default) "
         "or 2022",
         "RELEASE"},
        {"iqn", 0, POPT_ARG_STRING, &o.iqn, 0,
         "the host's iSCSI initiator name", "IQN"},
        {"wwpn", 0, POPT_ARG_STRING, &o.wwpns, 0,
         "the host's Fibre Channel port names, comma-separated", "WWPN,..."},
        {"switches", 0, POPT_ARG_STRING, &o.switches, 0,
         "the virtual switches, comma-separated (default External)",
         "NAME,..."},
        {"no-mpio", 0, POPT_ARG_NONE, &no_mpio, 0,
         "the Multipath I/O feature is not installed", NULL},
        {"iscsi-service", 0, POPT_ARG_STRING, &o.iscsi_service, 0,
         "the iSCSI initiator service: running or stopped, :auto or "
         ":manual (default running:auto)",
         "STATE[:MODE]"},
        {"smis-url", 0, POPT_ARG_STRING, &o.smis_url, 0,
         "see the volumes this smis-sim masks to the host's initiators", "URL"},
        {"preload-vms", 0, POPT_ARG_LONG, &preload, 0,
         "define N VMs (vm1, vm2...) in a new host", "N"},
        {"latency", 0, POPT_ARG_LONG, &latency, 0,
         "wait MS milliseconds before answering each request (default 0)",
         "MS"},
        {"job-seconds", 0, POPT_ARG_DOUBLE, &o.job_seconds, 0,
         "run changes as jobs taking SECONDS (0: synchronous)", "SECONDS"},
        {"fail", 0, POPT_ARG_STRING, &fault, OPT_FAIL,
         "answer the Nth call of NAME (a method or Get, Enumerate, Pull...) "
         "with a WMI error, or a ReturnValue CODE >= 4096 (repeatable)",
         "NAME:N[:CODE]"},
        {"drop", 0, POPT_ARG_STRING, &fault, OPT_DROP,
         "close the connection in the middle of the Nth response to NAME "
         "(repeatable)",
         "NAME:N"},
        {"job-fail", 0, POPT_ARG_LONG, &job_fail, 0,
         "the Nth job ends in error and changes nothing", "N"},
        {"close-after", 0, POPT_ARG_LONG, &close_after, 0,
         "close each connection after N answers, the last saying "
         "Connection: close",
         "N"},
        {"close-unannounced", 0, POPT_ARG_NONE, &close_unannounced, 0,
         "with --close-after: say nothing, close on the next request "
         "unanswered",
         NULL},
        {"trace-dir", 0, POPT_ARG_STRING, &o.trace_dir, 0,
         "write every request and response into DIR", "DIR"},
        {"verbose", 'v', POPT_ARG_NONE, NULL, OPT_VERBOSE,
         "log more (repeatable; -vvv traces every request)", NULL},
        {"version", 0, POPT_ARG_NONE, NULL, OPT_VERSION, "print the version",
         NULL},
        {"help", 'h', POPT_ARG_NONE, NULL, OPT_HELP, "show this help", NULL},
        POPT_TABLEEND};
    poptContext pc = poptGetContext(NULL, argc, (const char **)argv, table, 0);
    int rc;
    while ((rc = poptGetNextOpt(pc)) > 0) {
        if (rc == OPT_FAIL || rc == OPT_DROP) {
            add_fault(&o, fault, rc == OPT_DROP);
            free(fault);
            fault = NULL;
        } else if (rc == OPT_VERBOSE) {
            verbose++;
        } else if (rc == OPT_VERSION || rc == OPT_HELP) {
            if (rc == OPT_HELP)
                poptPrintHelp(pc, stdout, 0);
            else
                cmd_print_version();
            poptFreeContext(pc);
            return 0;
        }
    }
    if (rc < -1)
        cmd_usage_error("%s: %s", poptBadOption(pc, POPT_BADOPTION_NOALIAS),
                        poptStrerror(rc));
    if (poptPeekArg(pc))
        cmd_usage_error("unexpected argument '%s'", poptPeekArg(pc));
    sp_log_set_level(verbose >= 3   ? SP_LOG_TRACE
                     : verbose == 2 ? SP_LOG_DEBUG
                     : verbose == 1 ? SP_LOG_INFO
                                    : SP_LOG_WARN);
    char *listen_arg = listen;
    if (listen && !simhttp_parse_listen(listen, &o.listen_host, &o.port))
        cmd_usage_error("--listen wants HOST:PORT, not '%s'", listen_arg);
    if (!o.tls_cert != !o.tls_key)
        cmd_usage_error("--tls-cert and --tls-key go together");
    if (!o.user != !password_file)
        cmd_usage_error("--user and --password-file go together");
    if (latency < 0 || job_fail < 0 || o.job_seconds < 0 || close_after < 0 ||
        preload < 0)
        cmd_usage_error("numbers must not be negative");
    if (close_unannounced && !close_after)
        cmd_usage_error("--close-unannounced goes with --close-after");
    struct hv probe = {0};
    if (o.os && !hv_os_set(&probe, o.os))
        cmd_usage_error("--os is 2012, 2012r2, 2016, 2019 or 2022, not '%s'",
                        o.os);
    free(probe.os_version);
    free(probe.os_build);
    free(probe.os_caption);
    if (o.iscsi_service) {
        const char *s = o.iscsi_service;
        size_t n = strcspn(s, ":");
        bool state_ok = (n == 7 && strncmp(s, "running", 7) == 0) ||
                        (n == 7 && strncmp(s, "stopped", 7) == 0);
        bool mode_ok = !s[n] || strcmp(s + n, ":auto") == 0 ||
                       strcmp(s + n, ":manual") == 0;
        if (!state_ok || !mode_ok)
            cmd_usage_error("--iscsi-service is running or stopped, with "
                            ":auto or :manual, not '%s'",
                            s);
    }
    o.no_mpio = no_mpio;
    o.preload_vms = (unsigned long)preload;
    o.latency_ms = (unsigned)latency;
    o.job_fail = (unsigned long)job_fail;
    o.close_after = (unsigned long)close_after;
    o.close_unannounced = close_unannounced;
    sp_error err;
    if (password_file && sp_read_secret_file(password_file, &o.password, &err))
        cmd_die(sp_error_exit_code(&err), "cannot read the password: %s",
                err.message);
    if (o.trace_dir && mkdir(o.trace_dir, 0755) != 0 && errno != EEXIST)
        cmd_die(SP_EXIT_FAILED, "cannot create the trace directory '%s': %s",
                o.trace_dir, strerror(errno));

    struct hv h;
    if (hv_init(&h, &o, &err))
        cmd_die(sp_error_exit_code(&err), "cannot start: %s", err.message);
    rc = hv_serve(&h);
    if (hv_state_save(&h, &err)) {
        cmd_error("cannot save the state: %s", err.message);
        rc = SP_EXIT_FAILED;
    }
    hv_release(&h);
    for (size_t i = 0; i < o.nfaults; i++)
        free(o.faults[i].name);
    free(o.faults);
    sp_free_secret(o.password);
    free(listen_arg);
    free(password_file);
    const char *const owned[] = {
        o.port_file, o.state,     o.tls_cert,     o.tls_key, o.user,
        o.hostname,  o.os,        o.iqn,          o.wwpns,   o.switches,
        o.smis_url,  o.trace_dir, o.iscsi_service};
    for (size_t i = 0; i < CMD_COUNT(owned); i++)
        free((char *)owned[i]);
    poptFreeContext(pc);
    return rc;
}
