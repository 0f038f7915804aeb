/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/names.c: --name patterns and --count for programs that make
 * objects in batches. */
#include <assert.h>

#include "common/names.h"

void cmd_name_pattern_parse(const char *s, struct cmd_name_pattern *p)
{
    size_t len[2] = {0, 0};
    char *out[2] = {cmd_xcalloc(strlen(s) + 1, 1),
                    cmd_xcalloc(strlen(s) + 1, 1)};
    int part = 0;
    *p = (struct cmd_name_pattern){0};
    if (!*s)
        cmd_usage_error("--name must not be empty");
    /* A name is printed raw where text from arrays is escaped: it must
     * print as itself (the numbers made from the pattern are digits). */
    if (!sp_text_printable(s))
        cmd_usage_error("--name '%s': a name is UTF-8 text without control "
                        "characters (newlines, tabs, escapes, bidi "
                        "controls)",
                        s);
    for (const char *c = s; *c; c++) {
        if (*c != '%' || c[1] == '%') {
            out[part][len[part]++] = *c;
            c += *c == '%';
            continue;
        }
        const char *conv = c++;
        bool zero = *c == '0';
        int width = 0;
        c += zero;
        /* Digits stop counting past the limit: no overflow, whatever N. */
        while (*c >= '0' && *c <= '9' && width <= CMD_NAME_WIDTH_MAX)
            width = width * 10 + (*c++ - '0');
        if (*c != 'd' || width > CMD_NAME_WIDTH_MAX)
            cmd_usage_error("--name '%s': '%.*s' is not allowed; the number "
                            "is written %%d, %%Nd or %%0Nd (N up to %d), "
                            "and %%%% is a %%",
                            s, (int)(c - conv) + (*c != '\0'), conv,
                            CMD_NAME_WIDTH_MAX);
        if (part)
            cmd_usage_error("--name '%s' has more than one number", s);
        part = 1;
        p->num = true;
        p->zero = zero;
        p->width = width;
    }
    p->pre = out[0];
    p->post = out[1];
}

void cmd_name_pattern_numbered(struct cmd_name_pattern *p, const char *prefix)
{
    assert(sp_text_printable(prefix));
    *p = (struct cmd_name_pattern){
        .pre = cmd_xstrdup(prefix), .post = cmd_xstrdup(""), .num = true};
}

bool cmd_name_pattern_has_number(const struct cmd_name_pattern *p)
{
    return p->num;
}

char *cmd_name_pattern_make(const struct cmd_name_pattern *p, unsigned long n)
{
    if (!p->num)
        return cmd_xstrdup(p->pre);
    return p->zero ? cmd_xasprintf("%s%0*lu%s", p->pre, p->width, n, p->post)
                   : cmd_xasprintf("%s%*lu%s", p->pre, p->width, n, p->post);
}

void cmd_name_pattern_release(struct cmd_name_pattern *p)
{
    free(p->pre);
    free(p->post);
    *p = (struct cmd_name_pattern){0};
}
