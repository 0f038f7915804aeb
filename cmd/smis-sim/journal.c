/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/journal.c: the journal of smis-sim's state: records
 * written as text and read back strictly (see journal.h). */
#include <ctype.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"

/*
 * The journal is input from outside when it is read: a file another hand
 * may have edited, truncated or damaged.  Every line is bounded
 * (SIM_JOURNAL_MAX_LINE) before it is parsed, its checksum is checked
 * before its JSON is, the JSON parser is strict and bounded in depth, and
 * every field is checked for its type, its range and, for strings, that
 * it holds no NUL.  What passes is handed to the caller as typed values,
 * so that applying a record needs to check only what refers to the model
 * (does the volume exist?).
 */

#define MAX_DEPTH    5
#define MAX_JSON_INT ((int64_t)1 << 53)

/* ---- CRC-32 ---- */

uint32_t sim_crc32(const void *data, size_t len)
{
    /* Four bits at a time: small, no table to build at run time. */
    static const uint32_t t[16] = {
        0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
        0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
        0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c};
    const unsigned char *p = data;
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
        c ^= p[i];
        c = (c >> 4) ^ t[c & 15];
        c = (c >> 4) ^ t[c & 15];
    }
    return c ^ 0xffffffffu;
}

/* ---- writing ---- */

void sim_json_str(sp_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    sp_buf_addch(b, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;
         p++) {
        if (*p == '"' || *p == '\\') {
            sp_buf_addch(b, '\\');
            sp_buf_addch(b, (char)*p);
        } else if (*p < 0x20) {
            char e[7] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15], 0};
            sp_buf_addstr(b, e);
        } else {
            sp_buf_addch(b, (char)*p);
        }
    }
    sp_buf_addch(b, '"');
}

static void str_or_null(sp_buf *b, const char *s)
{
    if (s)
        sim_json_str(b, s);
    else
        sp_buf_addstr(b, "null");
}

void sim_journal_header(sp_buf *b, const char *array_id)
{
    sp_buf_addf(b, "%s%s\n", SIM_JOURNAL_MAGIC, array_id);
}

void sim_journal_op(sp_buf *b, const struct sim_jop *op)
{
    switch (op->kind) {
    case SIM_JOP_VOL:
        sp_buf_addf(b, "[\"vol\",%" PRIu32 ",", op->u.vol.num);
        sim_json_str(b, op->u.vol.name);
        sp_buf_addch(b, ',');
        sim_json_str(b, op->u.vol.pool);
        sp_buf_addf(b, ",%" PRIu64 ",", op->u.vol.blocks);
        sim_json_str(b, op->u.vol.wwn);
        sp_buf_addf(b, ",%" PRIu32 ",%u]", op->u.vol.source,
                    (unsigned)op->u.vol.sync);
        return;
    case SIM_JOP_VOL_DEL:
        sp_buf_addf(b, "[\"vol-\",%" PRIu32 "]", op->u.vol.num);
        return;
    case SIM_JOP_HWID:
        sp_buf_addstr(b, "[\"hwid\",");
        sim_json_str(b, op->id);
        sp_buf_addch(b, ',');
        sim_json_str(b, op->u.hwid.storage_id);
        sp_buf_addf(b, ",%u,", (unsigned)op->u.hwid.type);
        sim_json_str(b, op->u.hwid.name);
        sp_buf_addch(b, ']');
        return;
    case SIM_JOP_GROUP:
        sp_buf_addstr(b, "[\"group\",");
        sim_json_str(b, op->id);
        sp_buf_addch(b, ',');
        sim_json_str(b, op->u.group.name);
        sp_buf_addf(b, ",%u]", (unsigned)op->u.group.type);
        return;
    case SIM_JOP_MEMBER_ADD:
    case SIM_JOP_MEMBER_DEL:
    case SIM_JOP_INIT_ADD:
    case SIM_JOP_INIT_DEL:
        sp_buf_addstr(b, op->kind == SIM_JOP_MEMBER_ADD   ? "[\"member+\","
                         : op->kind == SIM_JOP_MEMBER_DEL ? "[\"member-\","
                         : op->kind == SIM_JOP_INIT_ADD   ? "[\"init+\","
                                                          : "[\"init-\",");
        sim_json_str(b, op->id);
        sp_buf_addch(b, ',');
        sim_json_str(b, op->u.member);
        sp_buf_addch(b, ']');
        return;
    case SIM_JOP_VIEW:
        sp_buf_addstr(b, "[\"view\",");
        sim_json_str(b, op->id);
        sp_buf_addch(b, ',');
        sim_json_str(b, op->u.view.name);
        sp_buf_addch(b, ',');
        str_or_null(b, op->u.view.img);
        sp_buf_addch(b, ',');
        str_or_null(b, op->u.view.tmg);
        sp_buf_addch(b, ',');
        str_or_null(b, op->u.view.dmg);
        sp_buf_addch(b, ']');
        return;
    case SIM_JOP_MAP:
        sp_buf_addstr(b, "[\"map\",");
        sim_json_str(b, op->id);
        sp_buf_addf(b, ",%" PRIu32 ",%" PRIu32 "]", op->u.map.vol,
                    op->u.map.lun);
        return;
    case SIM_JOP_UNMAP:
        sp_buf_addstr(b, "[\"unmap\",");
        sim_json_str(b, op->id);
        sp_buf_addf(b, ",%" PRIu32 "]", op->u.map.vol);
        return;
    case SIM_JOP_JOB:
        sp_buf_addstr(b, "[\"job\",");
        sim_json_str(b, op->id);
        sp_buf_addch(b, ',');
        sim_json_str(b, op->u.job.method);
        sp_buf_addf(b, ",%" PRId64 ",%" PRId64 ",%s,%s,", op->u.job.start_ms,
                    op->u.job.end_ms, op->u.job.fail ? "true" : "false",
                    op->u.job.stall ? "true" : "false");
        str_or_null(b, op->u.job.error);
        sp_buf_addstr(b, ",[");
        for (size_t i = 0; i < op->u.job.naffected; i++) {
            if (i)
                sp_buf_addch(b, ',');
            sim_json_str(b, op->u.job.affected[i]);
        }
        sp_buf_addstr(b, "]]");
        return;
    case SIM_JOP_HWID_DEL:
    case SIM_JOP_GROUP_DEL:
    case SIM_JOP_VIEW_DEL:
    case SIM_JOP_JOB_DEL:
        sp_buf_addstr(b, op->kind == SIM_JOP_HWID_DEL    ? "[\"hwid-\","
                         : op->kind == SIM_JOP_GROUP_DEL ? "[\"group-\","
                         : op->kind == SIM_JOP_VIEW_DEL  ? "[\"view-\","
                                                         : "[\"job-\",");
        sim_json_str(b, op->id);
        sp_buf_addch(b, ']');
        return;
    }
}

bool sim_journal_record(sp_buf *b, const struct sim_jrec *rec, const char *ops,
                        size_t opslen)
{
    /* The JSON first, in a buffer of its own, for its checksum. */
    sp_buf j = SP_BUF_INIT(SIM_JOURNAL_MAX_LINE);
    sp_buf_addf(&j,
                "{\"seq\":%" PRIu64 ",\"next\":[%" PRIu32 ",%" PRIu32
                ",%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu64 "],\"ops\":[",
                rec->seq, rec->next_vol, rec->next_group, rec->next_view,
                rec->next_job, rec->next_hwid, rec->jobs_started);
    sp_buf_add(&j, ops, opslen);
    sp_buf_addstr(&j, "]}");
    bool ok = !sp_buf_overflowed(&j) && j.len + 10 <= SIM_JOURNAL_MAX_LINE;
    if (ok) {
        sp_buf_addf(b, "%08" PRIx32 " ", sim_crc32(j.data, j.len));
        sp_buf_add(b, j.data, j.len);
        sp_buf_addch(b, '\n');
    }
    sp_buf_release(&j);
    return ok;
}

/* ---- reading ---- */

struct reader {
    const char *name;
    size_t line;
    uint64_t offset;
    sp_error *err;
    /* The ops of the record being read. */
    struct sim_jop *ops;
    size_t nops;
};

static sp_code bad(struct reader *r, const char *what)
{
    return sp_error_set(r->err, SP_ERR_IO,
                        "journal '%s' is damaged at line %zu (byte %" PRIu64
                        "): %s",
                        r->name, r->line, r->offset, what);
}

/* A string with no NUL; NULL when not one. */
static const char *get_str(json_object *o)
{
    if (!json_object_is_type(o, json_type_string))
        return NULL;
    const char *s = json_object_get_string(o);
    int n = json_object_get_string_len(o);
    return n >= 0 && strlen(s) == (size_t)n ? s : NULL;
}

/* An ID: a non-empty string of printable characters. */
static const char *get_id(json_object *o)
{
    const char *s = get_str(o);
    if (!s || !*s)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x21 || *p == 0x7f)
            return NULL;
    return s;
}

/* An integer from @min to @max into @out; false when not one. */
static bool get_int(json_object *o, int64_t min, int64_t max, int64_t *out)
{
    if (!json_object_is_type(o, json_type_int))
        return false;
    int64_t v = json_object_get_int64(o);
    /* json-c saturates what does not fit: INT64_MAX or INT64_MIN. */
    if (v < min || v > max || v == INT64_MAX || v == INT64_MIN)
        return false;
    *out = v;
    return true;
}

static bool get_u32(json_object *o, uint32_t min, uint32_t *out)
{
    int64_t v;
    if (!get_int(o, min, UINT32_MAX, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool is_wwn(const char *s)
{
    size_t n = 0;
    for (; s && isxdigit((unsigned char)s[n]); n++)
        ;
    return s && n == 32 && !s[n];
}

/* ["vol",NUM,NAME,POOL,BLOCKS,WWN,SOURCE,SYNC] */
static bool parse_vol(json_object *a, struct sim_jop *op)
{
    int64_t blocks, sync;
    op->u.vol.name = get_str(json_object_array_get_idx(a, 2));
    op->u.vol.pool = get_id(json_object_array_get_idx(a, 3));
    op->u.vol.wwn = get_str(json_object_array_get_idx(a, 5));
    if (!get_u32(json_object_array_get_idx(a, 1), 1, &op->u.vol.num) ||
        !op->u.vol.name || !op->u.vol.pool || !is_wwn(op->u.vol.wwn) ||
        !get_int(json_object_array_get_idx(a, 4), 1, (int64_t)1 << 54,
                 &blocks) ||
        !get_u32(json_object_array_get_idx(a, 6), 0, &op->u.vol.source) ||
        !get_int(json_object_array_get_idx(a, 7), 0, 8, &sync) ||
        (sync != 0 && sync != 7 && sync != 8))
        return false;
    op->u.vol.blocks = (uint64_t)blocks;
    op->u.vol.sync = (uint16_t)sync;
    return true;
}

/* A string or null into @out; false when neither. */
static bool get_opt_id(json_object *o, const char **out)
{
    *out = NULL;
    return !o || json_object_is_type(o, json_type_null) || (*out = get_id(o));
}

static bool parse_job(json_object *a, struct sim_jop *op)
{
    int64_t start, end;
    json_object *aff = json_object_array_get_idx(a, 8);
    json_object *err = json_object_array_get_idx(a, 7);
    op->u.job.method = get_id(json_object_array_get_idx(a, 2));
    op->u.job.error = NULL;
    if (!op->u.job.method ||
        !get_int(json_object_array_get_idx(a, 3), 0, MAX_JSON_INT, &start) ||
        !get_int(json_object_array_get_idx(a, 4), 0, MAX_JSON_INT, &end) ||
        !json_object_is_type(json_object_array_get_idx(a, 5),
                             json_type_boolean) ||
        !json_object_is_type(json_object_array_get_idx(a, 6),
                             json_type_boolean) ||
        !(json_object_is_type(err, json_type_null) ||
          (op->u.job.error = get_str(err))) ||
        !json_object_is_type(aff, json_type_array))
        return false;
    op->u.job.start_ms = start;
    op->u.job.end_ms = end;
    op->u.job.fail = json_object_get_boolean(json_object_array_get_idx(a, 5));
    op->u.job.stall = json_object_get_boolean(json_object_array_get_idx(a, 6));
    size_t n = json_object_array_length(aff);
    if (n > SIM_JOURNAL_MAX_OPS)
        return false;
    /* Freed with the record's ops (free_ops). */
    const char **list = calloc(n + 1, sizeof(*list));
    if (!list)
        return false;
    op->u.job.affected = list;
    op->u.job.naffected = n;
    for (size_t i = 0; i < n; i++)
        if (!(list[i] = get_id(json_object_array_get_idx(aff, i))))
            return false;
    return true;
}

static const struct {
    const char *name;
    enum sim_jop_kind kind;
    size_t arity; /* with the name */
} op_table[] = {
    {"vol", SIM_JOP_VOL, 8},
    {"vol-", SIM_JOP_VOL_DEL, 2},
    {"hwid", SIM_JOP_HWID, 5},
    {"hwid-", SIM_JOP_HWID_DEL, 2},
    {"group", SIM_JOP_GROUP, 4},
    {"group-", SIM_JOP_GROUP_DEL, 2},
    {"member+", SIM_JOP_MEMBER_ADD, 3},
    {"member-", SIM_JOP_MEMBER_DEL, 3},
    {"view", SIM_JOP_VIEW, 6},
    {"view-", SIM_JOP_VIEW_DEL, 2},
    {"map", SIM_JOP_MAP, 4},
    {"unmap", SIM_JOP_UNMAP, 3},
    {"init+", SIM_JOP_INIT_ADD, 3},
    {"init-", SIM_JOP_INIT_DEL, 3},
    {"job", SIM_JOP_JOB, 9},
    {"job-", SIM_JOP_JOB_DEL, 2},
};

/* One op from the array @a; false (with why) when it is not one. */
static bool parse_op(json_object *a, struct sim_jop *op, const char **why)
{
    *why = "an operation is not an array naming a known operation";
    const char *name = json_object_is_type(a, json_type_array)
                           ? get_str(json_object_array_get_idx(a, 0))
                           : NULL;
    size_t k = 0;
    while (name && k < sizeof(op_table) / sizeof(op_table[0]) &&
           strcmp(op_table[k].name, name) != 0)
        k++;
    if (!name || k == sizeof(op_table) / sizeof(op_table[0]))
        return false;
    *why = "an operation has the wrong number of fields";
    if (json_object_array_length(a) != op_table[k].arity)
        return false;
    *why = "an operation has a field of the wrong type or out of range";
    memset(op, 0, sizeof(*op));
    op->kind = op_table[k].kind;
    json_object *f1 = json_object_array_get_idx(a, 1);
    json_object *f2 = json_object_array_get_idx(a, 2);
    json_object *f3 = json_object_array_get_idx(a, 3);
    int64_t v;
    if (op->kind == SIM_JOP_VOL)
        return parse_vol(a, op);
    if (op->kind == SIM_JOP_VOL_DEL)
        return get_u32(f1, 1, &op->u.vol.num);
    if (!(op->id = get_id(f1)))
        return false;
    switch (op->kind) {
    case SIM_JOP_HWID:
        op->u.hwid.storage_id = get_id(f2);
        op->u.hwid.name = get_str(json_object_array_get_idx(a, 4));
        if (!op->u.hwid.storage_id || !op->u.hwid.name ||
            !get_int(f3, 2, 5, &v) || (v != 2 && v != 5))
            return false;
        op->u.hwid.type = (uint16_t)v;
        return true;
    case SIM_JOP_GROUP:
        op->u.group.name = get_str(f2);
        if (!op->u.group.name || !get_int(f3, 2, 4, &v))
            return false;
        op->u.group.type = (uint16_t)v;
        return true;
    case SIM_JOP_MEMBER_ADD:
    case SIM_JOP_MEMBER_DEL:
    case SIM_JOP_INIT_ADD:
    case SIM_JOP_INIT_DEL:
        return (op->u.member = get_id(f2)) != NULL;
    case SIM_JOP_VIEW:
        return (op->u.view.name = get_str(f2)) &&
               get_opt_id(f3, &op->u.view.img) &&
               get_opt_id(json_object_array_get_idx(a, 4), &op->u.view.tmg) &&
               get_opt_id(json_object_array_get_idx(a, 5), &op->u.view.dmg);
    case SIM_JOP_MAP:
        return get_u32(f2, 1, &op->u.map.vol) && get_u32(f3, 0, &op->u.map.lun);
    case SIM_JOP_UNMAP:
        return get_u32(f2, 1, &op->u.map.vol);
    case SIM_JOP_JOB:
        return parse_job(a, op);
    case SIM_JOP_HWID_DEL:
    case SIM_JOP_GROUP_DEL:
    case SIM_JOP_VIEW_DEL:
    case SIM_JOP_JOB_DEL:
        return true;
    case SIM_JOP_VOL:
    case SIM_JOP_VOL_DEL:
        break; /* handled above */
    }
    return false;
}

static void free_ops(struct reader *r)
{
    for (size_t i = 0; i < r->nops; i++)
        if (r->ops[i].kind == SIM_JOP_JOB)
            free((void *)r->ops[i].u.job.affected);
    free(r->ops);
    r->ops = NULL;
    r->nops = 0;
}

/* The JSON of one record (its checksum checked) into @rec. */
static sp_code parse_record(struct reader *r, json_object *o,
                            struct sim_jrec *rec)
{
    json_object *seq, *next, *ops;
    int64_t v;
    if (!json_object_is_type(o, json_type_object) ||
        json_object_object_length(o) != 3 ||
        !json_object_object_get_ex(o, "seq", &seq) ||
        !json_object_object_get_ex(o, "next", &next) ||
        !json_object_object_get_ex(o, "ops", &ops))
        return bad(r, "a record is not an object of seq, next and ops");
    if (!get_int(seq, 1, MAX_JSON_INT, &v))
        return bad(r, "seq is not a number from 1");
    rec->seq = (uint64_t)v;
    uint32_t *counters[] = {&rec->next_vol, &rec->next_group, &rec->next_view,
                            &rec->next_job, &rec->next_hwid};
    if (!json_object_is_type(next, json_type_array) ||
        json_object_array_length(next) != 6)
        return bad(r, "next is not an array of 6 counters");
    for (size_t i = 0; i < 5; i++)
        if (!get_u32(json_object_array_get_idx(next, i), 1, counters[i]))
            return bad(r, "a counter of next is out of range");
    if (!get_int(json_object_array_get_idx(next, 5), 0, MAX_JSON_INT, &v))
        return bad(r, "the job count of next is out of range");
    rec->jobs_started = (uint64_t)v;
    size_t n = json_object_is_type(ops, json_type_array)
                   ? json_object_array_length(ops)
                   : 0;
    if (n == 0 || n > SIM_JOURNAL_MAX_OPS)
        return bad(r, "ops is not an array of 1 to 1048576 operations");
    r->ops = calloc(n, sizeof(*r->ops));
    if (!r->ops)
        return sp_error_set(r->err, SP_ERR_TOO_LARGE,
                            "journal '%s': out of memory at line %zu", r->name,
                            r->line);
    r->nops = n;
    for (size_t i = 0; i < n; i++) {
        const char *why;
        if (!parse_op(json_object_array_get_idx(ops, i), &r->ops[i], &why))
            return bad(r, why);
    }
    rec->ops = r->ops;
    rec->nops = n;
    return SP_OK;
}

/* The line @p (@n bytes, no newline): header or record.  *@torn is set
 * when the line fails its checksum (the caller decides whether that is
 * a torn append or damage). */
static sp_code read_line(struct reader *r, const char *p, size_t n,
                         sim_jrec_fn fn, void *ud, bool *torn)
{
    *torn = false;
    if (n < 10 || p[8] != ' ')
        return *torn = true, SP_OK;
    uint32_t want = 0;
    for (size_t i = 0; i < 8; i++) {
        char c = p[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return *torn = true, SP_OK;
        want = want << 4 | (uint32_t)(c <= '9' ? c - '0' : c - 'a' + 10);
    }
    if (sim_crc32(p + 9, n - 9) != want)
        return *torn = true, SP_OK;
    /* The checksum holds: the line is as it was written; whatever is
     * wrong with it now is damage, not a torn append. */
    if (memchr(p + 9, '\0', n - 9))
        return bad(r, "a record holds a NUL byte");
    json_tokener *tok = json_tokener_new_ex(MAX_DEPTH);
    if (!tok)
        return sp_error_set(r->err, SP_ERR_TOO_LARGE,
                            "journal '%s': out of memory", r->name);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *o = json_tokener_parse_ex(tok, p + 9, (int)(n - 9));
    bool whole = json_tokener_get_error(tok) == json_tokener_success &&
                 (size_t)json_tokener_get_parse_end(tok) == n - 9;
    json_tokener_free(tok);
    struct sim_jrec rec = {.line = r->line, .offset = r->offset};
    sp_code rc = o && whole ? parse_record(r, o, &rec)
                            : bad(r, "a record is not one JSON object");
    if (!rc && (rc = fn(&rec, ud, r->err)) != SP_OK) {
        char inner[SP_ERROR_MSG_MAX];
        memcpy(inner, r->err->message, sizeof(inner));
        sp_error_set(r->err, rc,
                     "journal '%s' does not fit its snapshot at line %zu "
                     "(byte %" PRIu64 "): %s",
                     r->name, r->line, r->offset, inner);
    }
    json_object_put(o);
    free_ops(r);
    return rc;
}

static bool is_header(const char *p, size_t n, char array_id[17])
{
    size_t m = strlen(SIM_JOURNAL_MAGIC);
    if (n != m + 16 || memcmp(p, SIM_JOURNAL_MAGIC, m) != 0)
        return false;
    for (size_t i = 0; i < 16; i++) {
        char c = p[m + i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
        array_id[i] = c;
    }
    array_id[16] = '\0';
    return true;
}

sp_code sim_journal_read(const char *data, size_t len, const char *name,
                         char array_id[17], sim_jrec_fn fn, void *ud,
                         size_t *good_len, sp_error *err)
{
    struct reader r = {.name = name, .line = 1, .err = err};
    sp_code rc = SP_OK;
    array_id[0] = '\0';
    *good_len = 0;
    size_t pos = 0;
    while (pos < len && !rc) {
        r.offset = pos;
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (data + pos)) : len - pos;
        if (n > SIM_JOURNAL_MAX_LINE) {
            rc = sp_error_set(err, SP_ERR_TOO_LARGE,
                              "journal '%s' is damaged at line %zu (byte "
                              "%" PRIu64 "): a line longer than %zu bytes",
                              name, r.line, r.offset, SIM_JOURNAL_MAX_LINE);
            break;
        }
        if (!nl)
            break; /* an append cut short: ignored */
        bool last = pos + n + 1 == len, torn = false;
        if (r.line == 1) {
            if (!is_header(data + pos, n, array_id))
                rc = bad(&r, "the first line is not a smis-sim journal "
                             "header");
        } else {
            rc = read_line(&r, data + pos, n, fn, ud, &torn);
            if (!rc && torn && !last)
                rc = bad(&r, "a record fails its checksum");
            if (torn)
                break; /* the last record, torn: ignored */
        }
        if (!rc) {
            pos += n + 1;
            *good_len = pos;
            r.line++;
        }
    }
    return rc;
}
