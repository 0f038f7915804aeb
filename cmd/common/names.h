/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/names.h: naming a batch of new objects: --name PATTERN with one
 * number in it, and --count N. */
#ifndef SANPROV_CMD_NAMES_H
#define SANPROV_CMD_NAMES_H

#include "common/cmd.h"

/* The widest number a pattern may ask for (%32d). */
#define CMD_NAME_WIDTH_MAX 32

/*
 * A --name pattern: text around at most one number.  It is printf-like,
 * but only %d, %Nd (padded with spaces), %0Nd (with zeros), N up to
 * CMD_NAME_WIDTH_MAX, and %% (a %) are allowed, and it never reaches
 * printf itself: it comes from the user.  Read-only for callers; release
 * with cmd_name_pattern_release().
 */
struct cmd_name_pattern {
    char *pre, *post; /* the text before and after the number, "%%" made "%" */
    bool num;         /* it has a number */
    bool zero;        /* padded with zeros (%0Nd) */
    int width;        /* N, or 0 */
};

/*
 * Parse @s, the argument of --name, into @p.  An empty pattern, one that
 * is not printable text (sp_text_printable(): not UTF-8, or with control
 * or bidi characters), another conversion (%s, %x, %-3d, a lone %) or a
 * second number is a usage error (exit 2) whose message names --name and
 * @s.
 */
void cmd_name_pattern_parse(const char *s, struct cmd_name_pattern *p);

/* The pattern "@prefix%d" for default names ("lun1", "base-snap2"):
 * @prefix is taken as it is, a '%' in it included; it must be printable
 * (sp_text_printable()), which a name read from an array may not be. */
void cmd_name_pattern_numbered(struct cmd_name_pattern *p, const char *prefix);

/* Whether the pattern has a number: without one it names one object. */
bool cmd_name_pattern_has_number(const struct cmd_name_pattern *p);

/* The name of object number @n, a new string for the caller to free(). */
char *cmd_name_pattern_make(const struct cmd_name_pattern *p, unsigned long n);

/* Free what @p holds (a zeroed pattern is fine); @p may be parsed again. */
void cmd_name_pattern_release(struct cmd_name_pattern *p);

#endif
