/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/status.h: the outcome of a batch of items and the exit code of
 * the program (sanprov(7), EXIT STATUS). */
#ifndef SANPROV_CMD_STATUS_H
#define SANPROV_CMD_STATUS_H

#include "common/cmd.h"

/*
 * A program works on items (IDs, objects it creates) and records the
 * outcome of each: cmd_ok() or one of the cmd_fail*() calls, which also
 * print the error.  All are thread-safe.
 */

/* One item succeeded. */
void cmd_ok(void);

/*
 * One item failed: prints "PROG: cannot VERB 'SUBJECT': DETAIL" (DETAIL is
 * @err's message) and records sp_error_exit_code(@err).
 */
void cmd_failed(const char *verb, const char *subject, const sp_error *err);

/* One item failed with exit code @code: prints "PROG: MESSAGE". */
void cmd_fail(int code, const char *fmt, ...) SP_PRINTF(2, 3);

/* cmd_fail(SP_EXIT_USAGE, ...): a malformed or unwanted ID in the input. */
void cmd_fail_usage(const char *fmt, ...) SP_PRINTF(1, 2);

/*
 * The run as a whole failed, not one item: stdout cannot be written (the
 * results are lost) or stdin cannot be read (IDs are lost).  Prints
 * "PROG: MESSAGE"; the exit code is @code whatever the items did.
 */
void cmd_fail_run(int code, const char *fmt, ...) SP_PRINTF(2, 3);

/*
 * The exit code of the batch:
 *  - 0 when nothing failed (also when there were no items);
 *  - the code of the first cmd_fail_run(), when there was one;
 *  - 2 when an item was a usage failure (an ID that does not parse, or of
 *    the wrong kind): the input was wrong, even if other items succeeded
 *    and were printed;
 *  - 5 (partial) when some items succeeded and others failed;
 *  - else the exit code of the failures, the first one's when they differ.
 */
int cmd_exit_code(void);

#endif
