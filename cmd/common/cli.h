/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/cli.h: the options every program shares (sanprov(7)) and the
 * skeleton of a program: parse, work, finish. */
#ifndef SANPROV_CMD_CLI_H
#define SANPROV_CMD_CLI_H

#include <popt.h>

#include "common/cmd.h"

/*
 * A program's life:
 *
 *     static void on_opt(int val, const char *arg, void *ctx) { ... }
 *
 *     struct poptOption table[] = {
 *         {"size", 0, POPT_ARG_STRING, NULL, OPT_SIZE, "size of each LUN",
 *          "SIZE"},
 *         {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_common_options, 0,
 *          "Common options:", NULL},
 *         POPT_TABLEEND};
 *     poptContext pc = cmd_parse(argc, argv, table, "[ID...]", on_opt, &o);
 *     struct cmd_ids *ids = cmd_ids_open(pc, 0);         (ids.h)
 *     cmd_out_begin(cols, CMD_COUNT(cols));               (output.h)
 *     while ((id = cmd_ids_next(ids, CMD_KIND(SP_ID_LUN)))) {
 *         ... cmd_out_row() and cmd_ok(), or cmd_failed() ...  (status.h)
 *     }
 *     cmd_ids_close(ids);
 *     return cmd_finish(pc);
 */

/* The common options, set by cmd_parse(); read-only for programs. */
struct cmd_common {
    int long_fmt;       /* -l: a table for people */
    int json;           /* --json: JSON Lines */
    int nul;            /* -0, -z: NUL-separated IDs in and out */
    int quiet;          /* -q: no progress */
    int human;          /* -H: sizes in IEC units (with -l) */
    int verbose;        /* -v count: 0 WARN, 1 INFO, 2 DEBUG, 3+ TRACE */
    const char *config; /* -c, --config FILE, or NULL */
};
extern struct cmd_common cmd_opt;

/*
 * The popt table of the common options: -l, --json, -0, -z, -q, -H, -v,
 * -c/--config, -h/--help, --version.  Every program includes it (with
 * POPT_ARG_INCLUDE_TABLE), even one that reads no IDs or writes no table,
 * so that the same command line means the same everywhere.  Its entries
 * use val codes 1..99; a program's own codes must be >= CMD_OPT_FIRST.
 */
extern struct poptOption cmd_common_options[];
/*
 * The options of programs that change arrays and so may wait for array
 * jobs: --timeout SECONDS (1 to a week), given to cmd_arrays_set_timeout().
 * Include it in the program's own table:
 *         {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_job_options, 0, NULL, NULL},
 */
extern struct poptOption cmd_job_options[];

/*
 * The argument @s of option @opt ("--count"): a whole number from 1 to
 * @max, else a usage error (exit 2) "OPT must be a whole number from 1 to
 * MAX, not 'S'".
 */
unsigned long cmd_number_arg(const char *opt, const char *s, unsigned long max);
#define CMD_OPT_FIRST 100

/*
 * Called by cmd_parse() for each program option whose val is >=
 * CMD_OPT_FIRST, in command-line order.  @arg is the option's argument
 * (NULL for POPT_ARG_NONE), lent for the call only: give such options a
 * NULL arg pointer in the table and copy what is kept.  Report a bad
 * value with cmd_usage_error().
 */
typedef void (*cmd_opt_fn)(int val, const char *arg, void *ctx);

/*
 * Parse the command line: calls cmd_init(argv[0]), then handles the
 * common options: -h/--help prints the help (with "Usage: PROG [OPTION...]
 * @args_help") on stdout and exits 0; --version prints the version and
 * exits 0; a bad option, a missing option argument or -l with --json is
 * a usage error (exit 2).  Sets the log level from -v and installs a log
 * handler that erases a progress line before a message is written.
 * @on_opt (may be NULL) gets the program's own options; @args_help may be
 * NULL.  Returns the context, positioned on the non-option arguments
 * (read them with cmd_ids_open() or poptGetArg()); free it with
 * cmd_finish().
 */
poptContext cmd_parse(int argc, char **argv, const struct poptOption *table,
                      const char *args_help, cmd_opt_fn on_opt, void *ctx);

/* A usage error unless all arguments were options (programs that read no
 * IDs). */
void cmd_no_args(poptContext pc);

/*
 * The configuration, loaded on the first call (from -c FILE, else the
 * lookup order of sanprov(7)) and kept until cmd_finish().  On failure,
 * "PROG: cannot read the configuration: DETAIL" and exit with the error's
 * exit code (2 for a bad file, 3 for a missing -c file).
 */
const sp_config *cmd_config(void);

/*
 * End the program: writes the -l table (cmd_out_end()), erases the
 * progress line, frees @pc (may be NULL) and the configuration, and
 * returns the exit code of the batch (cmd_exit_code()) for main() to
 * return.
 */
int cmd_finish(poptContext pc);

#endif
