/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/progress.h: one progress line on stderr, only for people at a
 * terminal. */
#ifndef SANPROV_CMD_PROGRESS_H
#define SANPROV_CMD_PROGRESS_H

/*
 * Draw or update the progress line "WHAT ... NN%" on stderr, or "WHAT ...
 * Ns" (seconds since WHAT began) when @percent is -1 (unknown).  Nothing
 * is drawn unless stderr is a terminal, nor with -q.  The line is cut to
 * the terminal's width and redrawn only when its text changes.
 * Thread-safe.  Messages logged meanwhile erase the line first (see
 * cmd_parse()), and so does each result written to stdout (output.h).
 */
void cmd_progress(const char *what, int percent);

/* The same, as an sp_progress_fn for the library (@ctx unused). */
void cmd_progress_cb(const char *what, int percent, void *ctx);

/* Erase the line; the next cmd_progress() draws it again. */
void cmd_progress_clear(void);

/* Erase the line and forget WHAT (its clock starts again). */
void cmd_progress_done(void);

#endif
