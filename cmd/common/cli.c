/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/cli.c: the common options, the option loop and the
 * configuration of every program. */
#include <assert.h>

#include "common/arrays.h"
#include "common/cli.h"
#include "common/lookup.h"
#include "common/templates.h"
#include "common/output.h"
#include "common/progress.h"
#include "common/status.h"

enum { OPT_HELP = 1, OPT_VERSION, OPT_VERBOSE, OPT_CONFIG, OPT_TIMEOUT };

#define MAX_TIMEOUT_S 604800 /* a week */

struct cmd_common cmd_opt;

static char *config_path;
static sp_config *config;

struct poptOption cmd_common_options[] = {
    {NULL, 'l', POPT_ARG_NONE, &cmd_opt.long_fmt, 0,
     "print a table for people, with a header", NULL},
    {"json", 0, POPT_ARG_NONE, &cmd_opt.json, 0,
     "print one JSON object per line", NULL},
    {NULL, '0', POPT_ARG_NONE, &cmd_opt.nul, 0,
     "read and write IDs separated by NUL bytes", NULL},
    {NULL, 'z', POPT_ARG_NONE, &cmd_opt.nul, 0, "the same as -0", NULL},
    {NULL, 'H', POPT_ARG_NONE, &cmd_opt.human, 0,
     "with -l, show sizes in IEC units (KiB, MiB, GiB, TiB)", NULL},
    {NULL, 'q', POPT_ARG_NONE, &cmd_opt.quiet, 0, "do not show progress", NULL},
    {NULL, 'v', POPT_ARG_NONE, NULL, OPT_VERBOSE,
     "be more verbose (repeatable; -vvv traces every CIM request)", NULL},
    {"config", 'c', POPT_ARG_STRING, NULL, OPT_CONFIG,
     "read the configuration from FILE", "FILE"},
    {"help", 'h', POPT_ARG_NONE, NULL, OPT_HELP, "show this help", NULL},
    {"version", 0, POPT_ARG_NONE, NULL, OPT_VERSION, "print the version", NULL},
    POPT_TABLEEND};

struct poptOption cmd_job_options[] = {
    {"timeout", 0, POPT_ARG_STRING, NULL, OPT_TIMEOUT,
     "wait at most SECONDS for an array job, then exit 7 and print its ID",
     "SECONDS"},
    POPT_TABLEEND};

unsigned long cmd_number_arg(const char *opt, const char *s, unsigned long max)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || v < 1 || v > max)
        cmd_usage_error("%s must be a whole number from 1 to %lu, not '%s'",
                        opt, max, s);
    return v;
}

/* Messages must not be written over a progress line. */
static void log_to_stderr(sp_log_level level, const char *msg, void *ctx)
{
    cmd_progress_clear();
    flockfile(stderr);
    fprintf(stderr, "%s: %s\n", cmd_name(), msg);
    funlockfile(stderr);
}

static void common_option(poptContext pc, int val, const char *arg)
{
    switch (val) {
    case OPT_HELP:
        poptPrintHelp(pc, stdout, 0);
        exit(fflush(stdout) ? SP_EXIT_FAILED : SP_EXIT_OK);
    case OPT_VERSION:
        cmd_print_version();
        exit(fflush(stdout) ? SP_EXIT_FAILED : SP_EXIT_OK);
    case OPT_VERBOSE:
        cmd_opt.verbose++;
        break;
    case OPT_CONFIG:
        free(config_path);
        config_path = cmd_xstrdup(arg);
        cmd_opt.config = config_path;
        break;
    case OPT_TIMEOUT:
        cmd_arrays_set_timeout(
            (unsigned int)cmd_number_arg("--timeout", arg, MAX_TIMEOUT_S));
        break;
    default:
        assert(!"a program option needs a val >= CMD_OPT_FIRST");
    }
}

/* The context of this run, kept where a usage error's exit() finds it, so
 * that it is never taken for a leak (whatever the compiler kept of the
 * caller's copy). */
static poptContext volatile current;

poptContext cmd_parse(int argc, char **argv, const struct poptOption *table,
                      const char *args_help, cmd_opt_fn on_opt, void *ctx)
{
    cmd_init(argv[0]);
    sp_log_set_handler(log_to_stderr, NULL);
    poptContext pc = poptGetContext(NULL, argc, (const char **)argv, table, 0);
    current = pc;
    if (args_help) { /* it replaces popt's "[OPTION...]" */
        char *usage = cmd_xasprintf("[OPTION...] %s", args_help);
        poptSetOtherOptionHelp(pc, usage); /* which copies it */
        free(usage);
    }
    int rc;
    while ((rc = poptGetNextOpt(pc)) > 0) {
        char *arg = poptGetOptArg(pc); /* malloc'd by popt, or NULL */
        if (rc < CMD_OPT_FIRST)
            common_option(pc, rc, arg);
        else if (on_opt)
            on_opt(rc, arg, ctx);
        free(arg);
    }
    if (rc < -1)
        cmd_usage_error("%s: %s", poptBadOption(pc, POPT_BADOPTION_NOALIAS),
                        poptStrerror(rc));
    if (cmd_opt.long_fmt && cmd_opt.json)
        cmd_usage_error("-l and --json cannot be used together");
    sp_log_set_level(cmd_opt.verbose >= 3   ? SP_LOG_TRACE
                     : cmd_opt.verbose == 2 ? SP_LOG_DEBUG
                     : cmd_opt.verbose == 1 ? SP_LOG_INFO
                                            : SP_LOG_WARN);
    return pc;
}

void cmd_no_args(poptContext pc)
{
    if (poptPeekArg(pc))
        cmd_usage_error("unexpected argument '%s'", poptPeekArg(pc));
}

const sp_config *cmd_config(void)
{
    if (!config) {
        sp_error err;
        sp_error_clear(&err);
        if (sp_config_load(cmd_opt.config, 0, &config, &err) != SP_OK)
            cmd_die(sp_error_exit_code(&err),
                    "cannot read the configuration: %s", err.message);
    }
    return config;
}

int cmd_finish(poptContext pc)
{
    cmd_out_end();
    cmd_progress_done();
    if (pc)
        poptFreeContext(pc);
    current = NULL;
    /* Arrays and the library borrow the configuration: close them first. */
    cmd_arrays_close();
    cmd_lookup_release();
    cmd_library_close();
    sp_config_free(config);
    config = NULL;
    free(config_path);
    config_path = NULL;
    cmd_opt.config = NULL;
    return cmd_exit_code();
}
