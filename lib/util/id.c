/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/id.c: parse and format object IDs (KIND:FIELD[:FIELD],
 * percent-encoded). */
#include <uuid/uuid.h>

#include "internal.h"

struct sp_id {
    sp_id_kind kind;
    size_t nfields;
    char **fields; /* decoded */
    char *text;    /* canonical */
};

/*
 * Per kind: the field count (@nfields, or up to @maxfields when the last
 * ones are optional), a field that must be a UUID, the fields that are an
 * array's opaque keys (a bit each: any byte but NUL, control characters
 * included, since a provider puts what it likes in a key), and a field
 * that is a WWN (hex digits).
 */
static const struct {
    const char *name;
    size_t nfields, maxfields;
    int uuid_field;  /* or -1 */
    unsigned opaque; /* bit i: field i is an opaque key */
    int wwn_field;   /* or -1 */
} kinds[] = {
    [SP_ID_ARRAY] = {"array", 1, 1, -1, 0, -1},
    [SP_ID_POOL] = {"pool", 2, 2, -1, 0x2, -1},
    [SP_ID_LUN] = {"lun", 2, 3, -1, 0x2, 2},
    [SP_ID_HOST] = {"host", 1, 1, -1, 0, -1},
    [SP_ID_TMPL] = {"tmpl", 1, 1, 0, 0, -1},
    [SP_ID_VM] = {"vm", 2, 2, 1, 0, -1},
    [SP_ID_JOB] = {"job", 2, 2, -1, 0x2, -1},
};

const char *sp_id_kind_name(sp_id_kind kind)
{
    if ((size_t)kind >= SPI_ARRAY_SIZE(kinds))
        return NULL;
    return kinds[kind].name;
}

static bool is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

static void free_fields(char **fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(fields[i]);
    free(fields);
}

/* Check a decoded field and the kind's rules for it. */
static sp_code check_field(sp_id_kind kind, size_t i, const char *f,
                           sp_error *err)
{
    if (!*f)
        return sp_error_set(err, SP_ERR_BAD_ID, "%s ID has an empty field %zu",
                            kinds[kind].name, i + 1);
    if (!(kinds[kind].opaque & (1u << i)))
        for (const unsigned char *p = (const unsigned char *)f; *p; p++)
            if (*p < 0x20 || *p == 0x7f)
                return sp_error_set(err, SP_ERR_BAD_ID,
                                    "%s ID field %zu has a control character",
                                    kinds[kind].name, i + 1);
    if (kinds[kind].wwn_field == (int)i && !spi_wwn_valid(f))
        return sp_error_set(err, SP_ERR_BAD_ID,
                            "%s ID field %zu is not a WWN (1 to %d hex "
                            "digits)",
                            kinds[kind].name, i + 1, SPI_WWN_MAX);
    if (kinds[kind].uuid_field == (int)i) {
        uuid_t u;
        if (strlen(f) != 36 || uuid_parse(f, u) != 0)
            return sp_error_set(err, SP_ERR_BAD_ID,
                                "%s ID field %zu is not a UUID",
                                kinds[kind].name, i + 1);
    }
    return SP_OK;
}

/* Build the canonical text: kind, then each field percent-encoded. */
static char *format_id(sp_id_kind kind, size_t n, char **fields)
{
    static const char hex[] = "0123456789ABCDEF";
    /* Measured first, then written: one allocation of the exact size. */
    size_t klen = strlen(kinds[kind].name), len = klen;
    for (size_t i = 0; i < n; i++) {
        len++;
        for (const unsigned char *p = (const unsigned char *)fields[i]; *p; p++)
            len += is_unreserved(*p) ? 1 : 3;
    }
    char *text = spi_xmalloc(len + 1), *w = text;
    memcpy(w, kinds[kind].name, klen);
    w += klen;
    for (size_t i = 0; i < n; i++) {
        *w++ = ':';
        for (const unsigned char *p = (const unsigned char *)fields[i]; *p;
             p++) {
            if (is_unreserved(*p)) {
                *w++ = (char)*p;
            } else {
                *w++ = '%';
                *w++ = hex[*p >> 4];
                *w++ = hex[*p & 15];
            }
        }
    }
    *w = '\0';
    return text;
}

static sp_code make(sp_id_kind kind, size_t n, char **fields, sp_id **out,
                    sp_error *err)
{
    for (size_t i = 0; i < n; i++) {
        sp_code rc = check_field(kind, i, fields[i], err);
        if (rc) {
            free_fields(fields, n);
            return rc;
        }
    }
    char *text = format_id(kind, n, fields);
    if (strlen(text) > SP_ID_MAX) {
        free(text);
        free_fields(fields, n);
        return sp_error_set(err, SP_ERR_BAD_ID, "%s ID is longer than %d bytes",
                            kinds[kind].name, SP_ID_MAX);
    }
    sp_id *id = spi_xcalloc(1, sizeof(*id));
    id->kind = kind;
    id->nfields = n;
    id->fields = fields;
    id->text = text;
    *out = id;
    return SP_OK;
}

sp_code sp_id_new(sp_id_kind kind, size_t nfields, const char *const *fields,
                  sp_id **out, sp_error *err)
{
    *out = NULL;
    if ((size_t)kind >= SPI_ARRAY_SIZE(kinds))
        return sp_error_set(err, SP_ERR_BAD_ID, "unknown ID kind %d",
                            (int)kind);
    if (nfields < kinds[kind].nfields || nfields > kinds[kind].maxfields)
        return sp_error_set(err, SP_ERR_BAD_ID,
                            "%s ID needs %zu field(s), not %zu",
                            kinds[kind].name, kinds[kind].nfields, nfields);
    char **copy = spi_xcalloc(nfields, sizeof(*copy));
    for (size_t i = 0; i < nfields; i++)
        copy[i] = spi_xstrdup(fields[i] ? fields[i] : "");
    return make(kind, nfields, copy, out, err);
}

/* Decode one field of @len bytes at @s; NULL (and @err set) if invalid. */
static char *decode_field(const char *s, size_t len, sp_error *err)
{
    char *d = spi_xmalloc(len + 1), *o = d;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '%') {
            *o++ = s[i];
            continue;
        }
        int hi = i + 1 < len ? spi_hex_digit((unsigned char)s[i + 1]) : -1;
        int lo = i + 2 < len ? spi_hex_digit((unsigned char)s[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
            free(d);
            sp_error_set(err, SP_ERR_BAD_ID, "bad percent escape at '%.*s'",
                         (int)(len - i < 3 ? len - i : 3), s + i);
            return NULL;
        }
        if ((hi | lo) == 0) {
            free(d);
            sp_error_set(err, SP_ERR_BAD_ID, "ID field contains %%00");
            return NULL;
        }
        *o++ = (char)(hi << 4 | lo);
        i += 2;
    }
    *o = '\0';
    return d;
}

sp_code sp_id_parse(const char *text, sp_id **out, sp_error *err)
{
    *out = NULL;
    size_t len = strlen(text);
    if (len == 0)
        return sp_error_set(err, SP_ERR_BAD_ID, "empty ID");
    if (len > SP_ID_MAX)
        return sp_error_set(err, SP_ERR_BAD_ID, "ID is longer than %d bytes",
                            SP_ID_MAX);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c <= 0x20 || c >= 0x7f)
            return sp_error_set(
                err, SP_ERR_BAD_ID, "ID contains %s at byte %zu",
                c == ' ' || c == '\t' ? "whitespace" : "a non-printable byte",
                i + 1);
    }
    const char *colon = strchr(text, ':');
    if (!colon)
        return sp_error_set(err, SP_ERR_BAD_ID,
                            "no ':' after the kind (expected e.g. "
                            "'lun:ARRAY:KEY')");
    size_t klen = (size_t)(colon - text);
    sp_id_kind kind = SPI_ARRAY_SIZE(kinds);
    for (size_t k = 0; k < SPI_ARRAY_SIZE(kinds); k++)
        if (strlen(kinds[k].name) == klen &&
            memcmp(kinds[k].name, text, klen) == 0)
            kind = (sp_id_kind)k;
    if ((size_t)kind == SPI_ARRAY_SIZE(kinds))
        return sp_error_set(err, SP_ERR_BAD_ID, "unknown ID kind '%.*s'",
                            (int)(klen > 32 ? 32 : klen), text);

    size_t want = kinds[kind].maxfields, n = 0;
    char **fields = spi_xcalloc(want, sizeof(*fields));
    const char *p = colon + 1;
    for (;;) {
        const char *end = strchr(p, ':');
        size_t flen = end ? (size_t)(end - p) : strlen(p);
        if (n == want) {
            free_fields(fields, n);
            return sp_error_set(err, SP_ERR_BAD_ID,
                                "%s ID has more than %zu field(s)",
                                kinds[kind].name, want);
        }
        fields[n] = decode_field(p, flen, err);
        if (!fields[n]) {
            free_fields(fields, n);
            return SP_ERR_BAD_ID;
        }
        n++;
        if (!end)
            break;
        p = end + 1;
    }
    if (n < kinds[kind].nfields) {
        free_fields(fields, n);
        return sp_error_set(err, SP_ERR_BAD_ID, "%s ID needs %zu field(s)",
                            kinds[kind].name, kinds[kind].nfields);
    }
    return make(kind, n, fields, out, err);
}

void sp_id_free(sp_id *id)
{
    if (!id)
        return;
    free_fields(id->fields, id->nfields);
    free(id->text);
    free(id);
}

sp_id *sp_id_copy(const sp_id *id)
{
    sp_id *c = spi_xcalloc(1, sizeof(*c));
    c->kind = id->kind;
    c->nfields = id->nfields;
    c->fields = spi_xcalloc(id->nfields, sizeof(*c->fields));
    for (size_t i = 0; i < id->nfields; i++)
        c->fields[i] = spi_xstrdup(id->fields[i]);
    c->text = spi_xstrdup(id->text);
    return c;
}

sp_id_kind sp_id_get_kind(const sp_id *id)
{
    return id->kind;
}

size_t sp_id_field_count(const sp_id *id)
{
    return id->nfields;
}

const char *sp_id_field(const sp_id *id, size_t i)
{
    return i < id->nfields ? id->fields[i] : NULL;
}

const char *sp_id_str(const sp_id *id)
{
    return id->text;
}

bool sp_id_equal(const sp_id *a, const sp_id *b)
{
    if (a->kind != b->kind)
        return false;
    /* A LUN's WWN, when both IDs carry it, must agree (hex, any case);
     * one without it names the object by its key alone. */
    size_t n = kinds[a->kind].nfields;
    for (size_t i = 0; i < n; i++)
        if (!SPI_STREQ(a->fields[i], b->fields[i]))
            return false;
    for (size_t i = n; i < a->nfields && i < b->nfields; i++)
        if (strcasecmp(a->fields[i], b->fields[i]) != 0)
            return false;
    return true;
}

bool spi_wwn_valid(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (spi_hex_digit((unsigned char)s[n]) < 0)
            return false;
    return n > 0 && n <= SPI_WWN_MAX;
}

bool sp_wwn_equal(const char *a, const char *b)
{
    return a && b && spi_wwn_valid(a) && strcasecmp(a, b) == 0;
}
