/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim.c: smis-sim, a simulated SMI-S array provider (CIM-XML over
 * HTTP/HTTPS). */
#include <errno.h>
#include <popt.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "common/cmd.h"
#include "simhttp/simhttp.h"
#include "smis-sim/sim.h"

enum { OPT_FAIL = 1, OPT_DROP, OPT_VERSION, OPT_VERBOSE, OPT_HELP };

static void add_fault(struct sim_opts *o, const char *spec, bool drop)
{
    /* METHOD:N, or for --fail METHOD:N:CODE */
    char *copy = cmd_xstrdup(spec);
    char *c1 = strchr(copy, ':');
    char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    char *end = NULL;
    if (!c1 || c1 == copy || (drop && c2))
        cmd_usage_error("'%s' is not METHOD:N%s", spec, drop ? "" : "[:CODE]");
    *c1 = '\0';
    if (c2)
        *c2 = '\0';
    unsigned long n = strtoul(c1 + 1, &end, 10);
    if (!n || *end)
        cmd_usage_error("'%s': N must be a call number from 1", spec);
    long code = SP_CIM_ERR_FAILED;
    if (c2) {
        code = strtol(c2 + 1, &end, 10);
        if (*end || code < 1 || code > 28)
            cmd_usage_error("'%s': CODE must be a CIM status 1..28", spec);
    }
    o->faults = cmd_xrealloc(o->faults, (o->nfaults + 1) * sizeof(*o->faults));
    o->faults[o->nfaults++] = (struct sim_fault){.name = cmd_xstrdup(copy),
                                                 .nth = n,
                                                 .drop = drop,
                                                 .cim_code = (int)code};
    free(copy);
}

int main(int argc, char **argv)
{
    cmd_init(argv[0]);
    struct sim_opts o = {.listen_host = "127.0.0.1",
                         .port = 5988,
                         .personality = SIM_GROUP,
                         .max_enums = 256};
    char *listen = NULL, *personality = NULL, *password_file = NULL;
    char *vendor = NULL;
    char *fault = NULL;
    int verbose = 0;
    long preload = 0, latency = 0, job_fail = 0, job_stall = 0, max_enums = 256;
    long close_after = 0, journal_max = 0;
    int no_pull = 0, no_query = 0, no_copies = 0, close_unannounced = 0;
    int compact = 0;
    struct poptOption table[] = {
        {"listen", 0, POPT_ARG_STRING, &listen, 0,
         "address and port to listen on (port 0: any; default "
         "127.0.0.1:5988)",
         "HOST:PORT"},
        {"port-file", 0, POPT_ARG_STRING, &o.port_file, 0,
         "write the port listened on to FILE", "FILE"},
        {"state", 0, POPT_ARG_STRING, &o.state, 0,
         "keep the array's state in FILE (and its journal in FILE.journal)",
         "FILE"},
        {"journal-max", 0, POPT_ARG_LONG, &journal_max, 0,
         "write a new snapshot once the journal exceeds BYTES (default: the "
         "snapshot's size, at least 1 MiB)",
         "BYTES"},
        {"compact", 0, POPT_ARG_NONE, &compact, 0,
         "fold the journal into the state FILE and exit, without serving",
         NULL},
        {"tls-cert", 0, POPT_ARG_STRING, &o.tls_cert, 0,
         "serve HTTPS with this certificate (PEM)", "FILE"},
        {"tls-key", 0, POPT_ARG_STRING, &o.tls_key, 0,
         "the certificate's private key (PEM)", "FILE"},
        {"user", 0, POPT_ARG_STRING, &o.user, 0,
         "require basic authentication as USER", "USER"},
        {"password-file", 0, POPT_ARG_STRING, &password_file, 0,
         "the password USER must give (mode 0600)", "FILE"},
        {"personality", 0, POPT_ARG_STRING, &personality, 0,
         "masking: group (Group Masking and Mapping, the default) or legacy "
         "(ExposePaths)",
         "group|legacy"},
        {"vendor", 0, POPT_ARG_STRING, &vendor, 0,
         "answer as this vendor's provider does (class names, namespaces, "
         "quirks; see smis-sim(1))",
         "vnx|vmax|3par|eternus|ibm|pegasus|sfcb"},
        {"pools", 0, POPT_ARG_STRING, &o.pools, 0,
         "pools of a new array (default gold:10T,silver:10T)", "SPEC"},
        {"preload-volumes", 0, POPT_ARG_LONG, &preload, 0,
         "create N volumes of 1 GiB in a new array", "N"},
        {"latency", 0, POPT_ARG_LONG, &latency, 0,
         "wait MS milliseconds before answering each request (default 0)",
         "MS"},
        {"job-seconds", 0, POPT_ARG_DOUBLE, &o.job_seconds, 0,
         "run changes as jobs taking SECONDS (0: synchronous)", "SECONDS"},
        {"fail", 0, POPT_ARG_STRING, &fault, OPT_FAIL,
         "answer the Nth call of METHOD with a CIM error (repeatable)",
         "METHOD:N[:CODE]"},
        {"fail-text", 0, POPT_ARG_STRING, &o.fail_text, 0,
         "the description of the errors of --fail (default: simulated "
         "failure of METHOD call N)",
         "TEXT"},
        {"drop", 0, POPT_ARG_STRING, &fault, OPT_DROP,
         "close the connection in the middle of the Nth response to METHOD "
         "(repeatable)",
         "METHOD:N"},
        {"job-fail", 0, POPT_ARG_LONG, &job_fail, 0,
         "the Nth job ends in error and changes nothing", "N"},
        {"job-stall", 0, POPT_ARG_LONG, &job_stall, 0, "the Nth job never ends",
         "N"},
        {"no-pull", 0, POPT_ARG_NONE, &no_pull, 0,
         "refuse the pull operations (CIM_ERR_NOT_SUPPORTED)", NULL},
        {"no-query", 0, POPT_ARG_NONE, &no_query, 0,
         "refuse queries (OpenQueryInstances: CIM_ERR_NOT_SUPPORTED)", NULL},
        {"no-copies", 0, POPT_ARG_NONE, &no_copies, 0,
         "make no SAN copies: no replication types, replicas refused", NULL},
        {"close-after", 0, POPT_ARG_LONG, &close_after, 0,
         "close each connection after N answers, the last saying "
         "Connection: close",
         "N"},
        {"close-unannounced", 0, POPT_ARG_NONE, &close_unannounced, 0,
         "with --close-after: say nothing, close on the next request "
         "unanswered",
         NULL},
        {"max-enumerations", 0, POPT_ARG_LONG, &max_enums, 0,
         "open pull enumerations allowed at once (default 256)", "N"},
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
            free(fault); /* popt gives each argument as a new string */
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

    char *listen_arg = listen; /* listen moves past a '[' */
    if (listen && !simhttp_parse_listen(listen, &o.listen_host, &o.port))
        cmd_usage_error("--listen wants HOST:PORT, not '%s'", listen_arg);
    if (personality) {
        if (strcmp(personality, "group") == 0)
            o.personality = SIM_GROUP;
        else if (strcmp(personality, "legacy") == 0)
            o.personality = SIM_LEGACY;
        else
            cmd_usage_error("--personality is group or legacy, not '%s'",
                            personality);
    }
    if (vendor) {
        o.vendor = sim_vendor_find(vendor);
        if (!o.vendor)
            cmd_usage_error("--vendor is one of %s, not '%s'",
                            sim_vendor_names(), vendor);
        /* What the vendor does, unless the options say otherwise. */
        if (o.vendor->personality >= 0) {
            if (personality && (int)o.personality != o.vendor->personality)
                cmd_usage_error(
                    "--vendor %s masks only as --personality %s", vendor,
                    o.vendor->personality == SIM_GROUP ? "group" : "legacy");
            o.personality = (enum sim_personality)o.vendor->personality;
        }
        if (!close_after)
            close_after = (long)o.vendor->close_after;
    }
    if (!o.tls_cert != !o.tls_key)
        cmd_usage_error("--tls-cert and --tls-key go together");
    if (!o.user != !password_file)
        cmd_usage_error("--user and --password-file go together");
    if (preload < 0 || latency < 0 || job_fail < 0 || job_stall < 0 ||
        max_enums < 1 || o.job_seconds < 0 || close_after < 0)
        cmd_usage_error("numbers must not be negative");
    if (close_unannounced && !close_after)
        cmd_usage_error("--close-unannounced goes with --close-after");
    if (journal_max < 0)
        cmd_usage_error("numbers must not be negative");
    if (compact && !o.state)
        cmd_usage_error("--compact needs --state FILE");
    o.preload = (unsigned long)preload;
    o.latency_ms = (unsigned)latency;
    o.job_fail = (unsigned long)job_fail;
    o.job_stall = (unsigned long)job_stall;
    o.max_enums = (unsigned)max_enums;
    o.no_pull = no_pull;
    o.no_query = no_query;
    o.no_copies = no_copies;
    o.close_after = (unsigned long)close_after;
    o.close_unannounced = close_unannounced;
    o.journal_max = (unsigned long long)journal_max;
    o.compact_only = compact;
    sp_error err;
    if (password_file && sp_read_secret_file(password_file, &o.password, &err))
        cmd_die(sp_error_exit_code(&err), "cannot read the password: %s",
                err.message);

    if (o.trace_dir && mkdir(o.trace_dir, 0755) != 0 && errno != EEXIST)
        cmd_die(SP_EXIT_FAILED, "cannot create the trace directory '%s': %s",
                o.trace_dir, strerror(errno));
    /* The class declarations are made now: a SIM_ class whose superclass
     * the schema table lacks stops the start, not the first GetClass. */
    (void)sim_class_decl(NULL);
    struct sim s;
    if (sim_init(&s, &o, &err))
        cmd_die(sp_error_exit_code(&err), "cannot start: %s", err.message);
    rc = compact ? 0 : sim_serve(&s);
    sp_error serr;
    if (sim_state_close(&s, &serr)) {
        cmd_error("cannot save the state: %s", serr.message);
        rc = SP_EXIT_FAILED;
    }
    sim_release(&s);
    for (size_t i = 0; i < o.nfaults; i++)
        free(o.faults[i].name);
    free(o.faults);
    sp_free_secret(o.password);
    /* The strings popt allocated for the string options. */
    free(listen_arg);
    free(personality);
    free(vendor);
    free(password_file);
    const char *const owned[] = {o.port_file, o.state,    o.tls_cert,
                                 o.tls_key,   o.user,     o.pools,
                                 o.trace_dir, o.fail_text};
    for (size_t i = 0; i < CMD_COUNT(owned); i++)
        free((char *)owned[i]);
    poptFreeContext(pc);
    return rc;
}
