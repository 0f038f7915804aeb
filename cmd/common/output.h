/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/output.h: writing results on stdout: bare IDs, a table (-l) or
 * JSON Lines (--json); sizes for people and sizes from options. */
#ifndef SANPROV_CMD_OUTPUT_H
#define SANPROV_CMD_OUTPUT_H

#include <json-c/json.h>

#include "common/cmd.h"

/*
 * A column of the -l table after the first, "ID".  A cell never holds a
 * space, so that each column is one field for awk: a space in a name is
 * written "\040" (as other escapes, see cmd_escape()), and what a program
 * puts in a cell has none ("snapshot", "1.5GiB").  Prose is the exception,
 * in the last columns only, marked @text: its spaces stay.
 */
struct cmd_column {
    const char *name; /* the header: upper case, no spaces ("SIZE") */
    bool right;       /* right-aligned (numbers) */
    bool text;        /* prose, spaces kept; no other kind of column after */
};

/*
 * Start the output with the table's columns (@cols is kept, it must live
 * until cmd_out_end(); @n may be 0).  Call once, before the first row.
 */
void cmd_out_begin(const struct cmd_column *cols, size_t n);

/*
 * For a program that only lists (changes nothing), after cmd_out_begin():
 * when stdout is a regular file, where no reader waits for each row, rows
 * are left to stdio's buffer rather than flushed one by one (a write(2)
 * per row).  A pipe, socket or terminal still gets each row at once.
 */
void cmd_out_listing(void);

/*
 * Write one result, in the mode the common options chose:
 *  - default: sp_id_str(@id) and a newline (a NUL with -0/-z), flushed at
 *    once so that a pipeline streams (not into a regular file after
 *    cmd_out_listing());
 *  - -l: @cells (one per column given to cmd_out_begin(), escaped with
 *    cmd_escape(), so that a row is one line whatever an array put in a
 *    name, and a space written "\040" but in a text column; a NULL or
 *    empty cell shows as "-") are kept for the table cmd_out_end()
 *    prints, aligned;
 *  - --json: @json as one line (cmd_json_print()), with "id"
 *    (sp_id_str(@id)) as its first member unless it has one; @json NULL
 *    prints {"id": ...} alone.
 * @json is consumed (json_object_put) in every mode, so a program may pass
 * NULL unless cmd_opt.json is set; @cells may be NULL unless
 * cmd_opt.long_fmt is set.  Erases the progress line first when stdout is
 * a terminal (it shares the screen).  Thread-safe.
 */
void cmd_out_row(const sp_id *id, const char *const *cells, json_object *json);
/* The same for a row whose first field is not an object's ID but another
 * token that stands for what the row is about (reconcile's
 * "journal:ENTRY", "file:PATH"): printable ASCII without spaces. */
void cmd_out_ref_row(const char *ref, const char *const *cells,
                     json_object *json);

/*
 * The output of the programs that delete (lun-delete, template-delete,
 * vm-delete), the same in each: cmd_out_begin_deleted() in place of
 * cmd_out_begin(), then cmd_out_deleted() for each object deleted: its ID;
 * with -l the columns ID and STATUS, always "deleted" (the object is gone,
 * nothing else is known of it); with --json {"id": ID, "status":
 * "deleted"}.
 */
void cmd_out_begin_deleted(void);
void cmd_out_deleted(const sp_id *id);

/* A JSON string, or JSON null (NULL) when @s is NULL. */
json_object *cmd_json_string(const char *s);

/*
 * Print @json on stdout as one line of JSON (not consumed).  Every string
 * in it is escaped as sanprov(7) says: control characters (C0, DEL, C1)
 * and bidi controls as JSON escapes ("\u001b", "\u202e"), each byte that
 * is not UTF-8 as U+FFFD ("\ufffd"), so the line is valid UTF-8 JSON with
 * no control character in it (sp_text_escape(), SP_TEXT_JSON).
 */
void cmd_json_print(json_object *json);

/*
 * @s escaped for printing (sp_text_escape(): "\n", "\033", "\377", a
 * backslash doubled): one line of valid UTF-8 without control characters,
 * for any name or text that comes from an array or a host.  A new string
 * for the caller to free().
 */
char *cmd_escape(const char *s);

/*
 * The length in bytes of the longest start of @s (UTF-8, as escaped text
 * is) that takes at most @cols columns on a terminal, wide characters
 * taking two and combining ones none; never cuts a character.  The
 * columns taken go to *@width (may be NULL).
 */
size_t cmd_text_fit(const char *s, size_t cols, size_t *width);

/*
 * End the output: with -l, print the table: a header line (the first
 * field "ID", which the ID reader skips, see ids.h), then the rows; the
 * columns are separated by two spaces and aligned (the width of a cell is
 * the columns its escaped text takes, cmd_text_fit()).  With no rows, the
 * header is printed when the program succeeded (nothing to list), and not
 * when it failed: stdout stays empty.  A failed write to stdout fails the
 * run (cmd_fail_run(): exit 1, "cannot write 'standard output': ...").
 * Called by cmd_finish(); calling it again does nothing.
 */
void cmd_out_end(void);

/*
 * @bytes for a cell of the table: decimal bytes ("1073741824"), or with
 * -H in IEC binary units, rounded to the nearest, without a space (a cell
 * has none): "512B", "1.0KiB", "1.5GiB", "10TiB" (one decimal below 10,
 * none from 10).  The string
 * is in one of 8 static buffers used in turn: it stays valid for the next
 * 7 calls, enough for the cells of one row.  Not thread-safe; use
 * cmd_size_buf() from threads.
 */
const char *cmd_size(uint64_t bytes);
#define CMD_SIZE_MAX 24 /* room for any result, with its NUL */
char *cmd_size_buf(char buf[CMD_SIZE_MAX], uint64_t bytes);
/* @bytes in IEC units whatever -H says, for messages to people: "1.5 GiB". */
char *cmd_size_iec(char buf[CMD_SIZE_MAX], uint64_t bytes);

/*
 * Parse a size given to an option: a decimal number, optionally with a
 * fraction, and an optional binary unit: B, K or KiB (1024), M/MiB, G/GiB,
 * T/TiB, P/PiB, E/EiB (the letter in either case): "512", "1K", "1KiB",
 * "10G", "1.5T".  A fraction needs a unit; the result is rounded to the
 * nearest byte.  Returns 0 and sets *@out, or -1 for anything else: junk,
 * a sign, spaces, SI units ("1KB"), a result of 0 bytes or one over
 * UINT64_MAX.
 */
int cmd_parse_size(const char *s, uint64_t *out);

/* cmd_parse_size() for the argument of option @opt ("--size"): a usage
 * error (exit 2) when it is not a size. */
uint64_t cmd_size_arg(const char *opt, const char *s);

#endif
