/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/config.c: find, parse (libinih) and check the configuration; secrets
 * and passwords. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <pwd.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "../http/http.h"
#include "file.h"
#include "internal.h"

struct entry {
    char *key;
    char *value;
    int line;
    char **items; /* the value split on commas, made on first use */
    size_t nitems, capitems;
    bool split;
};

struct section {
    char *kind; /* "array", "pool", "host" or "library" */
    char *name;
    int line;
    struct entry *entries;
    size_t n, cap;
};

struct sp_config {
    char *file;
    char *origin; /* the file, or what sp_config_parse() was told */
    char *library;
    struct section *sections;
    size_t n, cap;
};

/* What each kind of section may hold. */
static const struct {
    const char *kind;
    const char *keys[12];
    const char *required;
} kinds[] = {
    {"library", {"path"}, NULL},
    {"array",
     {"uri", "user", "password-file", "auth", "ca-file", "insecure",
      "copy-method", "iscsi-portal", "tgt-control-port",
      "max-copies-per-source"},
     "uri"},
    {"pool", {"class", "host-groups"}, NULL},
    {"host",
     {"uri", "group", "connectivity", "iscsi-initiator", "fc-wwpn", "multipath",
      "seed-dir", "cpu-mode", "auth"},
     "uri"},
};

/* Keys whose value is a comma-separated list and may be continued on
 * indented lines. */
static bool is_list_key(const char *key)
{
    return SPI_STREQ(key, "host-groups") || SPI_STREQ(key, "fc-wwpn");
}

static void entry_free(struct entry *e)
{
    free(e->key);
    free(e->value);
    for (size_t i = 0; i < e->nitems; i++)
        free(e->items[i]);
    free(e->items);
}

void sp_config_free(sp_config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++) {
        struct section *s = &c->sections[i];
        for (size_t k = 0; k < s->n; k++)
            entry_free(&s->entries[k]);
        free(s->entries);
        free(s->kind);
        free(s->name);
    }
    free(c->sections);
    free(c->file);
    free(c->origin);
    free(c->library);
    free(c);
}

static struct section *find(const sp_config *c, const char *kind,
                            const char *name)
{
    for (size_t i = 0; i < c->n; i++) {
        struct section *s = &c->sections[i];
        if (SPI_STREQ(s->kind, kind) &&
            ((!name && !s->name) ||
             (name && s->name && SPI_STREQ(s->name, name))))
            return s;
    }
    return NULL;
}

static struct entry *find_entry(const struct section *s, const char *key)
{
    for (size_t i = 0; s && i < s->n; i++)
        if (SPI_STREQ(s->entries[i].key, key))
            return &s->entries[i];
    return NULL;
}

static struct section *add_section(sp_config *c, const char *kind,
                                   const char *name, int line)
{
    spi_xgrow((void **)&c->sections, &c->cap, c->n + 1, sizeof(*c->sections));
    struct section *s = &c->sections[c->n++];
    *s = (struct section){
        .kind = spi_xstrdup(kind), .name = spi_xstrdup(name), .line = line};
    return s;
}

static void set(struct section *s, const char *key, const char *value, int line)
{
    struct entry *e = find_entry(s, key);
    if (e) {
        char *joined = spi_xasprintf("%s, %s", e->value, value);
        free(e->value);
        e->value = joined;
        return;
    }
    spi_xgrow((void **)&s->entries, &s->cap, s->n + 1, sizeof(*s->entries));
    s->entries[s->n++] = (struct entry){
        .key = spi_xstrdup(key), .value = spi_xstrdup(value), .line = line};
}

/* ---- parsing ---- */

struct parse {
    sp_config *c;
    const char *origin;
    sp_error *err;
    sp_code rc;
    int line; /* the line inih is on, counted by the reader */
    const char *text, *pos;
    struct section *cur;
};

static int fail(struct parse *p, const char *fmt, ...) SP_PRINTF(2, 3);
static int fail(struct parse *p, const char *fmt, ...)
{
    if (p->rc)
        return 0;
    char msg[SP_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    p->rc = sp_error_set(p->err, SP_ERR_CONFIG, "%s:%d: %s", p->origin, p->line,
                         msg);
    return 0;
}

/* Split a section header: 'array "fas01"' or 'array fas01'. */
static bool split_header(const char *h, char **kind, char **name)
{
    const char *sp = strchr(h, ' ');
    *kind = spi_xstrndup(h, sp ? (size_t)(sp - h) : strlen(h));
    *name = NULL;
    if (!sp)
        return true;
    while (*sp == ' ')
        sp++;
    size_t n = strlen(sp);
    if (n >= 2 && sp[0] == '"' && sp[n - 1] == '"')
        *name = spi_xstrndup(sp + 1, n - 2);
    else if (!strchr(sp, '"') && !strchr(sp, ' '))
        *name = spi_xstrdup(sp);
    else
        return false;
    return true;
}

/* A "[...]" line: check the header and start its section. */
static void begin_section(struct parse *p, const char *header)
{
    char *kind = NULL, *name = NULL;
    bool ok = split_header(header, &kind, &name);
    size_t k = 0;
    while (ok && k < SPI_ARRAY_SIZE(kinds) && !SPI_STREQ(kinds[k].kind, kind))
        k++;
    p->cur = NULL;
    if (!ok)
        fail(p, "bad section header [%s]", header);
    else if (k == SPI_ARRAY_SIZE(kinds))
        fail(p, "unknown section [%s] (array, pool, host, library)", header);
    else if (SPI_STREQ(kind, "library") != !name)
        fail(p, "[%s] %s", header,
             name ? "takes no name" : "needs a quoted name");
    else if (name && (!*name || strchr(name, '"')))
        fail(p, "bad name in [%s]", header);
    else if (find(p->c, kind, name))
        fail(p, "section [%s] is given twice", header);
    else
        p->cur = add_section(p->c, kind, name, p->line);
    free(kind);
    free(name);
}

static int on_entry(void *user, const char *header, const char *key,
                    const char *value)
{
    struct parse *p = user;
    if (p->rc)
        return 0;
    if (!*header)
        return fail(p, "'%s' is outside any [section]", key);
    if (!p->cur)
        return 0;
    size_t k = 0;
    while (!SPI_STREQ(kinds[k].kind, p->cur->kind))
        k++;
    bool known = false;
    for (size_t i = 0; i < SPI_ARRAY_SIZE(kinds[k].keys) && kinds[k].keys[i];
         i++)
        known |= SPI_STREQ(kinds[k].keys[i], key);
    if (!known)
        return fail(p, "unknown key '%s' in [%s]", key, header);
    if (find_entry(p->cur, key) && !is_list_key(key))
        return fail(p, "'%s' is given twice in [%s]", key, header);
    set(p->cur, key, value, p->line);
    return 1;
}

/* inih's line buffer: a longer line would be split in two. */
#define MAX_LINE (INI_MAX_LINE - 2)

/* A "[...]" header line (as inih sees it: an optional "; comment" may
 * follow), or NULL.  Returns the header text, trimmed. */
static char *header_of(const char *line)
{
    SPI_AUTOFREE char *t = spi_xstrdup_trim(line);
    char *close = t[0] == '[' ? strchr(t, ']') : NULL;
    if (!close)
        return NULL;
    const char *rest = close + 1;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    if (*rest && *rest != ';' && *rest != '#')
        return NULL;
    *close = '\0';
    return spi_xstrdup_trim(t + 1);
}

/* inih reads lines through this, so we know the line number. */
static char *read_line(char *buf, int size, void *stream)
{
    struct parse *p = stream;
    if (!*p->pos)
        return NULL;
    const char *nl = strchr(p->pos, '\n');
    size_t n = nl ? (size_t)(nl - p->pos) + 1 : strlen(p->pos);
    p->line++;
    /* A UTF-8 byte order mark at the start of the file is not content. */
    if (p->line == 1 && n >= 3 && memcmp(p->pos, "\xEF\xBB\xBF", 3) == 0) {
        p->pos += 3;
        n -= 3;
    }
    size_t content = n - (nl ? 1 : 0);
    if (content && p->pos[content - 1] == '\r')
        content--;
    if (content > MAX_LINE && !p->rc)
        fail(p, "line is longer than %d characters", MAX_LINE);
    if (n >= (size_t)size)
        n = (size_t)size - 1;
    memcpy(buf, p->pos, n);
    buf[n] = '\0';
    p->pos = nl ? nl + 1 : p->pos + strlen(p->pos);
    /* inih only reports keys; sections without any are still sections. */
    SPI_AUTOFREE char *h = p->rc ? NULL : header_of(buf);
    if (h)
        begin_section(p, h);
    return buf;
}

static bool valid_bool(const char *v)
{
    static const char *const words[] = {"yes", "no",  "true", "false",
                                        "on",  "off", "1",    "0"};
    for (size_t i = 0; i < SPI_ARRAY_SIZE(words); i++)
        if (strcasecmp(v, words[i]) == 0)
            return true;
    return false;
}

/* A count of 0 to @max in decimal digits. */
static bool valid_count(const char *v, unsigned long max)
{
    if (!*v || strlen(v) > 9 || strspn(v, "0123456789") != strlen(v))
        return false;
    return strtoul(v, NULL, 10) <= max;
}

/* auth = basic | ntlm | negotiate, and the user it needs or refuses. */
static bool check_auth(struct parse *p, const struct section *s,
                       const struct entry *en)
{
    enum spi_http_auth a;
    if (!spi_http_auth_parse(en->value, &a))
        return fail(p, "auth must be basic, ntlm or negotiate, not '%s'",
                    en->value),
               true;
    bool user = find_entry(s, "user") || find_entry(s, "password-file");
    if (a == SPI_HTTP_AUTH_NEGOTIATE && user)
        return fail(p, "auth = negotiate uses the Kerberos ticket of the "
                       "process (kinit), not 'user' or 'password-file'"),
               true;
    if (a != SPI_HTTP_AUTH_NEGOTIATE && !find_entry(s, "user"))
        return fail(p, "auth = %s needs a 'user' in [%s \"%s\"]", en->value,
                    s->kind, s->name),
               true;
    return false;
}

/* Checks across sections, once everything is read. */
static sp_code check(struct parse *p)
{
    sp_config *c = p->c;
    for (size_t i = 0; i < c->n; i++) {
        struct section *s = &c->sections[i];
        p->line = s->line;
        size_t k = 0;
        while (!SPI_STREQ(kinds[k].kind, s->kind))
            k++;
        if (kinds[k].required && !find_entry(s, kinds[k].required))
            return fail(p, "[%s \"%s\"] has no '%s'", s->kind, s->name,
                        kinds[k].required),
                   p->rc;
        if (SPI_STREQ(s->kind, "array") && strchr(s->name, ':'))
            return fail(p, "array name '%s' must not contain ':'", s->name),
                   p->rc;
        for (size_t e = 0; e < s->n; e++) {
            struct entry *en = &s->entries[e];
            p->line = en->line;
            if (SPI_STREQ(en->key, "insecure") && !valid_bool(en->value))
                return fail(p, "insecure must be yes or no, not '%s'",
                            en->value),
                       p->rc;
            if (SPI_STREQ(en->key, "auth") && check_auth(p, s, en))
                return p->rc;
            if (SPI_STREQ(en->key, "max-copies-per-source") &&
                !valid_count(en->value, 1000))
                return fail(p,
                            "max-copies-per-source must be a number from 0 "
                            "(no limit) to 1000, not '%s'",
                            en->value),
                       p->rc;
            if (SPI_STREQ(en->key, "copy-method") &&
                !SPI_STREQ(en->value, "snapshot") &&
                !SPI_STREQ(en->value, "clone"))
                return fail(p,
                            "copy-method must be snapshot or clone, not "
                            "'%s'",
                            en->value),
                       p->rc;
            if (SPI_STREQ(en->key, "cpu-mode") &&
                !SPI_STREQ(en->value, "host-model") &&
                !SPI_STREQ(en->value, "host-passthrough") &&
                !SPI_STREQ(en->value, "maximum") &&
                !SPI_STREQ(en->value, "default"))
                return fail(p,
                            "cpu-mode must be host-model, host-passthrough, "
                            "maximum or default, not '%s'",
                            en->value),
                       p->rc;
            if (SPI_STREQ(en->key, "connectivity") &&
                !SPI_STREQ(en->value, "iscsi") && !SPI_STREQ(en->value, "fc"))
                return fail(p, "connectivity must be iscsi or fc, not '%s'",
                            en->value),
                       p->rc;
        }
        if (SPI_STREQ(s->kind, "pool")) {
            const char *colon = strchr(s->name, ':');
            SPI_AUTOFREE char *array =
                colon ? spi_xstrndup(s->name, (size_t)(colon - s->name)) : NULL;
            p->line = s->line;
            if (!colon || !colon[1])
                return fail(p,
                            "pool section names are \"ARRAY:POOL\", not "
                            "\"%s\"",
                            s->name),
                       p->rc;
            if (!find(c, "array", array))
                return fail(p, "pool \"%s\" is on unknown array '%s'", s->name,
                            array),
                       p->rc;
        }
    }
    struct section *lib = find(c, "library", NULL);
    struct entry *path = find_entry(lib, "path");
    if (path) {
        free(c->library);
        c->library = spi_xstrdup(path->value);
    }
    return SP_OK;
}

static sp_code parse(sp_config *c, const char *text, const char *origin,
                     sp_error *err)
{
    struct parse p = {
        .c = c, .origin = origin, .err = err, .text = text, .pos = text};
    int r = ini_parse_stream(read_line, &p, on_entry, &p);
    if (p.rc)
        return p.rc;
    if (r != 0) {
        p.line = r > 0 ? r : p.line;
        return fail(&p, "syntax error (expected [section] or key = value)"),
               p.rc;
    }
    return check(&p);
}

bool sp_wwpn_parse(const char *s, char out[17])
{
    size_t n = 0, len = strlen(s);
    if (len != 16 && len != 23)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (len == 23 && i % 3 == 2) {
            if (s[i] != ':')
                return false;
        } else if (isxdigit((unsigned char)s[i])) {
            out[n++] = (char)toupper((unsigned char)s[i]);
        } else {
            return false;
        }
    }
    out[n] = '\0';
    return true;
}

/* ---- the built-in configuration ---- */

static char *home(void)
{
    const char *h = getenv("HOME");
    if (h && *h)
        return spi_xstrdup(h);
    struct passwd *pw = getpwuid(getuid());
    return spi_xstrdup(pw && pw->pw_dir ? pw->pw_dir : "/");
}

static char *xdg(const char *var, const char *fallback)
{
    const char *v = getenv(var);
    if (v && *v == '/')
        return spi_xstrdup(v);
    SPI_AUTOFREE char *h = home();
    return spi_xasprintf("%s/%s", h, fallback);
}

static void builtin(sp_config *c)
{
    SPI_AUTOFREE char *data = xdg("XDG_DATA_HOME", ".local/share");
    struct section *a = add_section(c, "array", "local", 0);
    SPI_AUTOFREE char *uri =
        spi_xasprintf("local:%s/sanprov/arrays/local", data);
    set(a, "uri", uri, 0);
    /* The pool is allocated to the host's group, so the built-in
     * configuration passes vm-deploy's checks. */
    struct section *p = add_section(c, "pool", "local:default", 0);
    set(p, "host-groups", "local", 0);
    struct section *h = add_section(c, "host", "localhost", 0);
    set(h, "uri", getuid() == 0 ? "qemu:///system" : "qemu:///session", 0);
    set(h, "group", "local", 0);
    c->library = spi_xasprintf("%s/sanprov/library", data);
}

/* ---- loading ---- */

/* @err (may be NULL), with another code: what a failure means here. */
static sp_code recode(sp_error *err, sp_code code)
{
    if (err)
        err->code = code;
    return code;
}

/* A file that cannot be opened, or is no regular file (a FIFO, a device,
 * a directory), or is too large is a bad configuration (exit 2, as every
 * other error in it); a failed read(2) is not. */
static sp_code read_file(const char *path, char **out, sp_error *err)
{
    *out = NULL;
    int fd;
    sp_code rc = spi_open_regular(path, 0, &fd, NULL, err);
    if (rc)
        return recode(err, SP_ERR_CONFIG);
    sp_buf b = SP_BUF_INIT(1 << 20);
    char chunk[8192];
    ssize_t n = 0;
    while (!sp_buf_overflowed(&b) && (n = read(fd, chunk, sizeof(chunk))) > 0)
        sp_buf_add(&b, chunk, (size_t)n);
    int e = errno;
    close(fd);
    if (n < 0 || sp_buf_overflowed(&b)) {
        sp_buf_release(&b);
        return sp_error_set(err, n < 0 ? SP_ERR_IO : SP_ERR_CONFIG,
                            "cannot read '%s': %s", path,
                            n < 0 ? strerror(e) : "larger than 1 MiB");
    }
    *out = sp_buf_detach(&b, NULL);
    return SP_OK;
}

sp_code sp_config_parse(const char *text, const char *origin, sp_config **out,
                        sp_error *err)
{
    sp_config *c = spi_xcalloc(1, sizeof(*c));
    SPI_AUTOFREE char *data = xdg("XDG_DATA_HOME", ".local/share");
    c->library = spi_xasprintf("%s/sanprov/library", data);
    c->origin = spi_xstrdup(origin ? origin : "(string)");
    sp_code rc = parse(c, text, c->origin, err);
    if (rc) {
        sp_config_free(c);
        *out = NULL;
        return rc;
    }
    *out = c;
    return SP_OK;
}

sp_code sp_config_load(const char *path, unsigned int flags, sp_config **out,
                       sp_error *err)
{
    *out = NULL;
    if (flags & ~SP_CONFIG_NO_DEFAULT)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    /* A file named explicitly must exist; the usual places may not (a
     * file there that cannot be read is a bad configuration all the
     * same). */
    SPI_AUTOFREE char *candidate = NULL;
    if (path && *path) {
        candidate = spi_xstrdup(path);
    } else if (getenv("SANPROV_CONFIG") && *getenv("SANPROV_CONFIG")) {
        candidate = spi_xstrdup(getenv("SANPROV_CONFIG"));
    } else {
        SPI_AUTOFREE char *cfg = xdg("XDG_CONFIG_HOME", ".config");
        SPI_AUTOFREE char *user = spi_xasprintf("%s/sanprov/sanprov.conf", cfg);
        if (access(user, F_OK) == 0)
            candidate = spi_xstrdup(user);
        else if (access("/etc/sanprov/sanprov.conf", F_OK) == 0)
            candidate = spi_xstrdup("/etc/sanprov/sanprov.conf");
    }
    if (!candidate) {
        if (flags & SP_CONFIG_NO_DEFAULT)
            return sp_error_set(err, SP_ERR_NOT_FOUND,
                                "no configuration file found");
        sp_config *c = spi_xcalloc(1, sizeof(*c));
        builtin(c);
        *out = c;
        return SP_OK;
    }
    SPI_AUTOFREE char *text = NULL;
    sp_code rc = read_file(candidate, &text, err);
    if (rc)
        return rc;
    sp_config *c = NULL;
    rc = sp_config_parse(text, candidate, &c, err);
    if (rc)
        return rc;
    c->file = spi_xstrdup(candidate);
    *out = c;
    return SP_OK;
}

/* ---- reading ---- */

const char *sp_config_file(const sp_config *c)
{
    return c->file;
}

char *spi_config_where(const sp_config *c, const char *kind, const char *name,
                       const char *key)
{
    const struct section *s = find(c, kind, name);
    const struct entry *e = s ? find_entry(s, key) : NULL;
    int line = e && e->line ? e->line : s ? s->line : 0;
    if (!c->origin || !line) /* the built-in configuration */
        return spi_xstrdup("the built-in configuration");
    return spi_xasprintf("%s:%d", c->origin, line);
}

const char *sp_config_library(const sp_config *c)
{
    return c->library;
}

size_t sp_config_count(const sp_config *c, const char *kind)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += SPI_STREQ(c->sections[i].kind, kind);
    return n;
}

const char *sp_config_name(const sp_config *c, const char *kind, size_t i)
{
    for (size_t k = 0; k < c->n; k++)
        if (SPI_STREQ(c->sections[k].kind, kind) && i-- == 0)
            return c->sections[k].name;
    return NULL;
}

bool sp_config_has(const sp_config *c, const char *kind, const char *name)
{
    return find(c, kind, name) != NULL;
}

const char *sp_config_get(const sp_config *c, const char *kind,
                          const char *name, const char *key)
{
    struct entry *e = find_entry(find(c, kind, name), key);
    return e ? e->value : NULL;
}

bool sp_config_get_bool(const sp_config *c, const char *kind, const char *name,
                        const char *key, bool def)
{
    const char *v = sp_config_get(c, kind, name, key);
    if (!v)
        return def;
    return strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
           strcasecmp(v, "on") == 0 || SPI_STREQ(v, "1");
}

static struct entry *list(const sp_config *c, const char *kind,
                          const char *name, const char *key)
{
    struct entry *e = find_entry(find(c, kind, name), key);
    if (!e || e->split)
        return e;
    e->split = true;
    for (const char *p = e->value; *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        SPI_AUTOFREE char *item = spi_xstrndup(p, n);
        char *t = spi_xstrdup_trim(item);
        if (*t) {
            spi_xgrow((void **)&e->items, &e->capitems, e->nitems + 1,
                      sizeof(*e->items));
            e->items[e->nitems++] = t;
        } else {
            free(t);
        }
        p += n + (comma ? 1 : 0);
    }
    return e;
}

size_t sp_config_list_count(const sp_config *c, const char *kind,
                            const char *name, const char *key)
{
    struct entry *e = list(c, kind, name, key);
    return e ? e->nitems : 0;
}

const char *sp_config_list_item(const sp_config *c, const char *kind,
                                const char *name, const char *key, size_t i)
{
    struct entry *e = list(c, kind, name, key);
    return e && i < e->nitems ? e->items[i] : NULL;
}

/* ---- secrets ---- */

void sp_free_secret(char *secret)
{
    spi_free_secret(secret);
}

sp_code sp_read_secret_file(const char *path, char **out, sp_error *err)
{
    *out = NULL;
    int fd;
    struct stat st;
    sp_code rc = spi_open_regular(path, SPI_OPEN_NOFOLLOW, &fd, &st, err);
    if (rc == SP_ERR_NOT_FOUND) /* a file missing, not an object */
        return recode(err, SP_ERR_IO);
    if (rc)
        return rc;
    if (st.st_mode & (S_IRWXG | S_IRWXO))
        rc = sp_error_set(err, SP_ERR_PRECONDITION,
                          "'%s' may be read by others (mode %04o); refused: "
                          "run chmod 600 '%s'",
                          path, (unsigned)(st.st_mode & 07777), path);
    char buf[4096];
    ssize_t n = rc ? 0 : read(fd, buf, sizeof(buf) - 1);
    int e = errno;
    close(fd);
    if (rc)
        return rc;
    if (n < 0)
        return sp_error_set(err, SP_ERR_IO, "cannot read '%s': %s", path,
                            strerror(e));
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    *out = spi_xstrdup(buf);
    explicit_bzero(buf, sizeof(buf));
    spi_secret_hold(*out);
    return SP_OK;
}

/* Ask on the terminal with echo off. */
static char *prompt(const char *user, const char *array)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    char q[512];
    int qn =
        snprintf(q, sizeof(q), "Password for %s on array %s: ", user, array);
    struct termios old, quiet;
    bool echo_off = tcgetattr(fd, &old) == 0;
    if (echo_off) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    if (write(fd, q, (size_t)qn) < 0) {
        /* the prompt is a courtesy; reading is what matters */
    }
    char buf[1024];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    if (echo_off)
        tcsetattr(fd, TCSAFLUSH, &old);
    if (write(fd, "\n", 1) < 0) {
        /* as above */
    }
    close(fd);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    char *pw = spi_xstrdup(buf);
    explicit_bzero(buf, sizeof(buf));
    return pw;
}

sp_code sp_config_password(const sp_config *c, const char *array, char **out,
                           sp_error *err)
{
    *out = NULL;
    const char *user = sp_config_get(c, "array", array, "user");
    if (!user)
        return SP_OK;
    const char *file = sp_config_get(c, "array", array, "password-file");
    if (file)
        return sp_read_secret_file(file, out, err);
    *out = spi_secret_from_env();
    if (*out) {
        spi_secret_hold(*out);
        return SP_OK;
    }
    if (isatty(STDIN_FILENO) && isatty(STDERR_FILENO)) {
        *out = prompt(user, array);
        if (*out) {
            spi_secret_hold(*out);
            return SP_OK;
        }
    }
    return sp_error_set(err, SP_ERR_AUTH,
                        "array '%s' needs a password for user '%s': set "
                        "password-file in its section, or $SANPROV_PASSWORD",
                        array, user);
}
