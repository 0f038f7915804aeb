/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/output.c: results on stdout (IDs, -l table, JSON Lines) and
 * sizes. */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include "common/cli.h"
#include "common/output.h"
#include "common/progress.h"
#include "common/status.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const struct cmd_column *columns;
static size_t ncolumns;
static char **cells; /* -l: the rows, 1 + ncolumns cells each */
static size_t ncells, cells_cap;
static bool ended;
static int stdout_tty = -1;   /* unknown yet, 0, 1 */
static bool row_flush = true; /* flush each row (see cmd_out_listing()) */
static int write_errno;       /* of the first failed write to stdout */

void cmd_out_begin(const struct cmd_column *cols, size_t n)
{
    for (size_t i = 1; i < n; i++) /* text columns come last */
        assert(cols[i].text || !cols[i - 1].text);
    columns = cols;
    ncolumns = n;
}

/* Put "id" first, so that every program's lines start alike. */
static json_object *with_id(const char *id, json_object *json)
{
    if (json && json_object_object_get_ex(json, "id", NULL))
        return json;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(id));
    if (json) {
        assert(json_object_is_type(json, json_type_object));
        json_object_object_foreach(json, key, val)
        {
            json_object_object_add(o, key, json_object_get(val));
        }
        json_object_put(json);
    }
    return o;
}

char *cmd_escape(const char *s)
{
    return sp_text_escape(s, strlen(s), 0);
}

/* An ID is printable ASCII without spaces (sanprov(7), IDs), so it is its
 * own escape and the first field of its line for the ID reader. */
static bool id_text_ok(const char *s)
{
    for (; *s; s++)
        if (*s <= ' ' || *s > '~')
            return false;
    return true;
}

/* @s escaped, and its spaces written "\040" (the octal escape of the
 * others): one field for awk. */
static char *escape_cell(const char *s)
{
    char *e = cmd_escape(s);
    size_t spaces = 0;
    for (const char *p = e; *p; p++)
        spaces += *p == ' ';
    if (!spaces)
        return e;
    char *out = cmd_xmalloc(strlen(e) + 3 * spaces + 1), *o = out;
    for (const char *p = e; *p; p++) {
        if (*p == ' ') {
            memcpy(o, "\\040", 4);
            o += 4;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    free(e);
    return out;
}

/* A row is one line: every cell escaped (text from arrays and hosts may
 * hold anything), the ID first and nothing but the ID; a cell is one
 * field but in a text column. */
static void keep_row(const char *id, const char *const *row)
{
    cmd_grow((void **)&cells, &cells_cap, ncells + 1 + ncolumns,
             sizeof(*cells));
    cells[ncells++] = cmd_xstrdup(id);
    for (size_t i = 0; i < ncolumns; i++) {
        const char *c = row && row[i] && *row[i] ? row[i] : "-";
        cells[ncells++] = columns[i].text ? cmd_escape(c) : escape_cell(c);
    }
}

void cmd_out_listing(void)
{
    struct stat st;
    if (fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode))
        row_flush = false;
}

void cmd_out_begin_deleted(void)
{
    static const struct cmd_column cols[] = {{.name = "STATUS"}};
    cmd_out_begin(cols, 1);
}

void cmd_out_deleted(const sp_id *id)
{
    static const char *const status[] = {"deleted"};
    json_object *j = NULL;
    if (cmd_opt.json) {
        j = json_object_new_object();
        json_object_object_add(j, "id", json_object_new_string(sp_id_str(id)));
        json_object_object_add(j, "status", json_object_new_string("deleted"));
    }
    cmd_out_row(id, status, j);
}

json_object *cmd_json_string(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

/* json-c escapes C0 controls, but leaves DEL, C1 and bidi controls as
 * they are and copies bytes that are not UTF-8 into its output, which is
 * then no JSON; the line is escaped again as JSON (SP_TEXT_JSON). */
void cmd_json_print(json_object *json)
{
    const char *text = json_object_to_json_string_ext(
        json, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *e = sp_text_escape(text, strlen(text), SP_TEXT_JSON);
    puts(e);
    free(e);
}

void cmd_out_row(const sp_id *id, const char *const *row, json_object *json)
{
    cmd_out_ref_row(sp_id_str(id), row, json);
}

void cmd_out_ref_row(const char *id, const char *const *row, json_object *json)
{
    assert(id_text_ok(id));
    pthread_mutex_lock(&lock);
    assert(!ended); /* a row after the table was printed would be lost */
    if (stdout_tty < 0)
        stdout_tty = isatty(STDOUT_FILENO);
    if (stdout_tty) /* the progress line may be on the same screen */
        cmd_progress_clear();
    if (cmd_opt.long_fmt) {
        keep_row(id, row);
    } else if (cmd_opt.json) {
        json = with_id(id, json);
        cmd_json_print(json);
    } else {
        fputs(id, stdout);
        putchar(cmd_opt.nul ? '\0' : '\n');
    }
    if (!cmd_opt.long_fmt && row_flush && fflush(stdout) != 0 && !write_errno)
        write_errno = errno;
    json_object_put(json);
    pthread_mutex_unlock(&lock);
}

static locale_t utf8_locale;

static void utf8_locale_init(void)
{
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

size_t cmd_text_fit(const char *s, size_t cols, size_t *width)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, utf8_locale_init);
    /* Whatever the user's locale: cells are UTF-8 (escaped text is). */
    locale_t old = utf8_locale ? uselocale(utf8_locale) : (locale_t)0;
    size_t w = 0, len = strlen(s), at = 0;
    mbstate_t st = {0};
    while (at < len) {
        wchar_t wc;
        size_t n = 1;
        int cw; /* without the locale: a column per character */
        if (!utf8_locale) {
            cw = ((unsigned char)s[at] & 0xC0) != 0x80;
        } else if ((n = mbrtowc(&wc, s + at, len - at, &st)) == 0 ||
                   n > len - at) {
            n = 1; /* not UTF-8: not in escaped text */
            cw = 1;
            memset(&st, 0, sizeof(st));
        } else {
            cw = wcwidth(wc); /* 0 for combining marks, 2 for wide */
            cw = cw < 0 ? 1 : cw;
        }
        if (w + (size_t)cw > cols)
            break;
        w += (size_t)cw;
        at += n;
    }
    if (old)
        uselocale(old);
    if (width)
        *width = w;
    return at;
}

/* The columns @s takes on a terminal (wide characters take two). */
static size_t width(const char *s)
{
    size_t w;
    cmd_text_fit(s, SIZE_MAX, &w);
    return w;
}

static void print_row(const char *const *row, const size_t *widths)
{
    for (size_t i = 0; i <= ncolumns; i++) {
        bool right = i > 0 && columns[i - 1].right;
        int pad = (int)(widths[i] - width(row[i]));
        printf("%s%*s%s", i ? "  " : "", right ? pad : 0, "", row[i]);
        if (!right && i < ncolumns)
            printf("%*s", pad, "");
    }
    putchar('\n');
}

static void print_table(void)
{
    const char **head = cmd_xcalloc(ncolumns + 1, sizeof(*head));
    size_t *widths = cmd_xcalloc(ncolumns + 1, sizeof(*widths));
    head[0] = "ID";
    for (size_t i = 0; i < ncolumns; i++)
        head[i + 1] = columns[i].name;
    for (size_t i = 0; i <= ncolumns; i++)
        widths[i] = width(head[i]);
    for (size_t i = 0; i < ncells; i++) {
        size_t w = width(cells[i]), *max = &widths[i % (ncolumns + 1)];
        *max = w > *max ? w : *max;
    }
    print_row(head, widths);
    for (size_t i = 0; i < ncells; i += ncolumns + 1)
        print_row((const char *const *)cells + i, widths);
    free(head);
    free(widths);
}

void cmd_out_end(void)
{
    pthread_mutex_lock(&lock);
    if (!ended) {
        ended = true;
        /* A table with no rows is printed (its header) only when there
         * was nothing to list, not when the program failed. */
        if (cmd_opt.long_fmt && (ncells || cmd_exit_code() == SP_EXIT_OK))
            print_table();
        for (size_t i = 0; i < ncells; i++)
            free(cells[i]);
        free(cells);
        cells = NULL;
        ncells = cells_cap = 0;
        if (fflush(stdout) != 0 && !write_errno)
            write_errno = errno;
        if (write_errno || ferror(stdout))
            cmd_fail_run(SP_EXIT_FAILED, "cannot write 'standard output': %s",
                         strerror(write_errno ? write_errno : EIO));
    }
    pthread_mutex_unlock(&lock);
}

/* @bytes in IEC units, with @sep between the number and the unit. */
static char *iec(char buf[CMD_SIZE_MAX], uint64_t bytes, const char *sep)
{
    static const char units[] = "KMGTPE";
    if (bytes < 1024) {
        snprintf(buf, CMD_SIZE_MAX, "%" PRIu64 "%sB", bytes, sep);
        return buf;
    }
    unsigned u = 0; /* the unit is units[u] of div bytes */
    uint64_t div = 1024;
    while (u < 5 && bytes / div >= 1024) {
        div <<= 10;
        u++;
    }
    uint64_t whole = bytes / div, rem = bytes % div;
    uint64_t tenths = whole * 10 + (rem * 10 + div / 2) / div;
    if (tenths < 100) {
        snprintf(buf, CMD_SIZE_MAX, "%" PRIu64 ".%" PRIu64 "%s%ciB",
                 tenths / 10, tenths % 10, sep, units[u]);
        return buf;
    }
    whole += rem >= div - rem;  /* rounded to the nearest */
    if (whole >= 1024 && u < 5) /* 1023.6 MiB is 1.0 GiB */
        snprintf(buf, CMD_SIZE_MAX, "1.0%s%ciB", sep, units[u + 1]);
    else
        snprintf(buf, CMD_SIZE_MAX, "%" PRIu64 "%s%ciB", whole, sep, units[u]);
    return buf;
}

char *cmd_size_buf(char buf[CMD_SIZE_MAX], uint64_t bytes)
{
    if (!cmd_opt.human) {
        snprintf(buf, CMD_SIZE_MAX, "%" PRIu64, bytes);
        return buf;
    }
    return iec(buf, bytes, "");
}

char *cmd_size_iec(char buf[CMD_SIZE_MAX], uint64_t bytes)
{
    return iec(buf, bytes, " ");
}

const char *cmd_size(uint64_t bytes)
{
    static char bufs[8][CMD_SIZE_MAX];
    static unsigned next;
    return cmd_size_buf(bufs[next++ % 8], bytes);
}

static bool digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The power of two of the unit at *@p ("", B, K, KiB, ...), moving @p past
 * it; -1 when it is not one. */
static int unit_shift(const char **p)
{
    static const char units[] = "KMGTPE";
    const char *s = *p;
    char upper = (char)(*s & ~0x20); /* ' ' becomes '\0': not a unit */
    const char *u = upper ? strchr(units, upper) : NULL;
    if (!*s || ((*s == 'B' || *s == 'b') && !s[1])) {
        *p = s + (*s != '\0');
        return 0;
    }
    if (!u)
        return -1;
    s++;
    if ((s[0] == 'i' || s[0] == 'I') && (s[1] == 'B' || s[1] == 'b'))
        s += 2;
    *p = s;
    return 10 * (int)(u - units + 1);
}

int cmd_parse_size(const char *s, uint64_t *out)
{
    uint64_t whole = 0, frac = 0, den = 1;
    const char *p = s;
    if (!digit(*p))
        return -1;
    for (; digit(*p); p++) {
        uint64_t d = (uint64_t)(*p - '0');
        if (whole > (UINT64_MAX - d) / 10)
            return -1;
        whole = whole * 10 + d;
    }
    if (*p == '.' && !digit(*++p))
        return -1;
    for (; digit(*p); p++) {
        if (den == UINT64_C(1000000000000000000))
            return -1; /* more decimals than anyone means */
        frac = frac * 10 + (uint64_t)(*p - '0');
        den *= 10;
    }
    int shift = unit_shift(&p);
    if (shift < 0 || *p || (shift && whole > UINT64_MAX >> shift))
        return -1;
    if (den > 1 && !shift)
        return -1; /* "1.5": bytes are whole, a unit was forgotten */
    /* frac / den * 2^shift, exactly: binary long division (r < den). */
    uint64_t q = 0, r = frac;
    for (int i = 0; i < shift; i++) {
        r <<= 1;
        q = q << 1 | (r >= den);
        r -= r >= den ? den : 0;
    }
    q += r >= den - r; /* rounded to the nearest byte */
    uint64_t v = whole << shift;
    if (q > UINT64_MAX - v || v + q == 0)
        return -1;
    *out = v + q;
    return 0;
}

uint64_t cmd_size_arg(const char *opt, const char *s)
{
    uint64_t v = 0;
    if (cmd_parse_size(s, &v) != 0)
        cmd_usage_error("%s: '%s' is not a size, such as 512, 10G or 1.5T", opt,
                        s);
    return v;
}
