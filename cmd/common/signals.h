/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/signals.h: letting a program that changes arrays undo its
 * work when it is interrupted, then die of the signal as the shell
 * expects. */
#ifndef SANPROV_CMD_SIGNALS_H
#define SANPROV_CMD_SIGNALS_H

#include <stdbool.h>

/*
 * From now on SIGINT, SIGTERM and SIGHUP are noted, not fatal, so that the
 * program can check cmd_signal_caught() between two changes and undo the
 * run.  Each is caught once: a second one of the same kind kills the
 * program at once (the user insists; the undoing is left undone).
 */
void cmd_signals_catch(void);

/* The signal caught, or 0. */
int cmd_signal_caught(void);

/* "SIGINT", "SIGTERM" or "SIGHUP". */
const char *cmd_signal_name(int sig);

/* After cmd_finish(): if a signal was caught, die of it (exit status
 * 128 + N in the shell); else return. */
void cmd_signal_reraise(void);

#endif
