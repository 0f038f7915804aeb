/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/ids.h: reading the IDs a program works on, from its arguments
 * or stdin. */
#ifndef SANPROV_CMD_IDS_H
#define SANPROV_CMD_IDS_H

#include <popt.h>

#include "common/cmd.h"

/*
 * Where IDs come from (sanprov(7)):
 *  - the non-option arguments, in order; an argument "-" stands for
 *    standard input, read to its end at that place;
 *  - with no arguments, standard input.
 * Standard input holds one ID per line, or per NUL-terminated record with
 * -0/-z.  Leading and trailing whitespace is ignored and only the first
 * whitespace-separated field is read, so that the output of -l pipes too.
 * Skipped: blank lines, lines whose first field starts with '#', and
 * lines whose first field is "ID", the first column of every -l header
 * (no ID lacks a ':', so no ID is lost).  A field longer than SP_ID_MAX
 * is refused without being kept, so memory stays bounded whatever the
 * input.
 *
 * The input rule: with no arguments, standard input is read only when it
 * holds input: a pipe (or socket) or a regular file.  A terminal (the
 * user at a shell forgot the IDs) or another character device (/dev/null,
 * as a job under systemd, "ssh -n" or many schedulers has) means no IDs
 * given: a program that needs IDs fails with a usage error (exit 2) rather
 * than wait or do nothing, and one whose IDs are optional
 * (CMD_IDS_OPTIONAL) works on all objects.  An empty pipe or file means
 * no IDs (nothing done, exit 0): an empty upstream never widens to "all".
 * The argument "-" reads standard input whatever it is.
 *
 * Names: where a kind of CMD_NAMED_KINDS is wanted, text that does not
 * parse as an ID is taken as the name of such an object and replaced by
 * its ID (cmd_lookup_name()): "template-delete deb12".  A name nothing
 * has is not found (exit 3); one several objects have is a usage error
 * (exit 2) listing their IDs.
 */
struct cmd_ids;

/* The kinds of ID a program accepts, e.g. CMD_KIND(SP_ID_POOL) |
 * CMD_KIND(SP_ID_LUN). */
#define CMD_KIND(k) (1u << (k))

/* IDs are optional: see the input rule. */
#define CMD_IDS_OPTIONAL 0x1u
/* IDs come from the arguments only, never implicitly from stdin (an
 * argument "-" still reads it): for programs that read no IDs (sanprov(7))
 * but take names to narrow their listing.  With no arguments
 * cmd_ids_open() gives NULL, whatever stdin is: the program works on all
 * objects, so "array-info" means the same in cron as at a shell. */
#define CMD_IDS_ARGS_ONLY 0x2u

/*
 * Start reading the IDs of @pc's remaining arguments (see above).
 * Returns the reader, to free with cmd_ids_close(), or NULL when
 * CMD_IDS_OPTIONAL is in @flags and no IDs were given (no arguments, and
 * standard input holds no input: the input rule), or
 * CMD_IDS_ARGS_ONLY is and no arguments were given: the program then
 * works on all objects.  Without CMD_IDS_OPTIONAL that case
 * is a usage error (exit 2).
 */
struct cmd_ids *cmd_ids_open(poptContext pc, unsigned int flags);

/*
 * The next ID whose kind is in @kinds (CMD_KIND() bits; 0 accepts every
 * kind, and no names), to free with sp_id_free(), or NULL at the end.  A
 * name of an object of @kinds gives its ID (see Names above); a name
 * that cannot be resolved is reported ("PROG: cannot find 'NAME':
 * DETAIL") and skipped.  An ID that does not parse or is of another kind
 * is reported ("PROG: cannot read ID 'TEXT': DETAIL", e.g. "... a lun ID
 * is wanted, not a pool ID"), recorded as a usage failure
 * (cmd_fail_usage(), exit 2) and skipped.  A
 * read error on stdin fails the run (cmd_fail_run(), exit 1) and ends the
 * IDs.  @it may be NULL (gives NULL).
 */
sp_id *cmd_ids_next(struct cmd_ids *it, unsigned int kinds);

/*
 * For programs that read no IDs but take names to narrow what they show
 * (array-info, host-list): call @fn with the NAME of each KIND:NAME ID of
 * @kind given as an argument (CMD_IDS_ARGS_ONLY: stdin only for "-"),
 * else with every [@section "NAME"] of the configuration, in its order.
 */
void cmd_each_configured(poptContext pc, sp_id_kind kind, const char *section,
                         void (*fn)(const char *name));

/* Free @it (NULL is fine). */
void cmd_ids_close(struct cmd_ids *it);

/*
 * Read every remaining ID of @it at once, for programs that must see them
 * all before acting (one masking call for many LUNs).  *@out is a new
 * array of the IDs, in order; free it with cmd_ids_free_all().  Returns
 * their count (*@out is NULL when 0).
 */
size_t cmd_ids_read_all(struct cmd_ids *it, unsigned int kinds, sp_id ***out);
void cmd_ids_free_all(sp_id **ids, size_t n);

#endif
