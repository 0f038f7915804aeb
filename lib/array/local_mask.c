/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/local_mask.c: the local array's masking, recorded per host in
 * ROOT/.masking/HOST.mask (its initiators, its LUNs with their numbers)
 * and, when the array has an iscsi-portal, made real through tgt: one
 * target per host, bound to the host's initiator names. */
#include "local.h"
#include "../util/file.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <unistd.h>

struct rec_lun {
    uint32_t number;
    char *key;
};

struct record {
    char *path; /* its file */
    char *host;
    bool fc;
    char **inits;
    size_t ninits, capinits;
    struct rec_lun *luns;
    size_t nluns, capluns;
};

struct records {
    struct record *v;
    size_t n, cap;
};

static void record_release(struct record *r)
{
    free(r->path);
    free(r->host);
    for (size_t i = 0; i < r->ninits; i++)
        free(r->inits[i]);
    free(r->inits);
    for (size_t i = 0; i < r->nluns; i++)
        free(r->luns[i].key);
    free(r->luns);
    memset(r, 0, sizeof(*r));
}

static void records_release(struct records *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        record_release(&rs->v[i]);
    free(rs->v);
    memset(rs, 0, sizeof(*rs));
}

static void add_init(struct record *r, const char *init)
{
    spi_xgrow((void **)&r->inits, &r->capinits, r->ninits + 1,
              sizeof(*r->inits));
    r->inits[r->ninits++] = spi_xstrdup(init);
}

static void add_lun(struct record *r, uint32_t number, const char *key)
{
    spi_xgrow((void **)&r->luns, &r->capluns, r->nluns + 1, sizeof(*r->luns));
    r->luns[r->nluns++] = (struct rec_lun){number, spi_xstrdup(key)};
}

static sp_code parse_record(sp_array *a, const char *path, struct record *r)
{
    SPI_AUTOFREE char *text = NULL;
    sp_error err;
    if (spi_read_small(path, 1 << 20, &text, &err))
        return spi_array_fail_with(a, &err);
    r->path = spi_xstrdup(path);
    unsigned line = 0;
    for (char *rest = text, *s; (s = strsep(&rest, "\n"));) {
        line++;
        if (!*s)
            continue; /* a blank line */
        char *eq = strchr(s, '=');
        if (*s == '#')
            continue;
        if (!eq)
            goto bad;
        *eq++ = '\0';
        if (SPI_STREQ(s, "host")) {
            free(r->host);
            r->host = spi_xstrdup(eq);
        } else if (SPI_STREQ(s, "fc")) {
            r->fc = SPI_STREQ(eq, "yes");
        } else if (SPI_STREQ(s, "initiator")) {
            add_init(r, eq);
        } else if (SPI_STREQ(s, "lun")) {
            char *sp = strchr(eq, ' ');
            char *end;
            unsigned long n = strtoul(eq, &end, 10);
            if (!sp || end != sp || n > UINT32_MAX || !local_key_ok(sp + 1))
                goto bad;
            add_lun(r, (uint32_t)n, sp + 1);
        }
    }
    if (!r->host)
        goto bad;
    return SP_OK;
bad:
    return spi_array_fail(a, SP_ERR_IO, "'%s', line %u: bad masking record",
                          path, line);
}

static sp_code load(sp_array *a, struct records *rs)
{
    memset(rs, 0, sizeof(*rs));
    sp_code rc = local_prepare(a);
    if (rc)
        return rc;
    SPI_AUTOFREE char *dir = spi_xasprintf("%s/.masking", local_of(a)->root);
    DIR *d = opendir(dir);
    if (!d)
        return spi_array_fail(a, SP_ERR_IO, "cannot read '%s': %s", dir,
                              strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)) && !rc) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".mask") != 0)
            continue;
        SPI_AUTOFREE char *path = spi_xasprintf("%s/%s", dir, e->d_name);
        spi_xgrow((void **)&rs->v, &rs->cap, rs->n + 1, sizeof(*rs->v));
        memset(&rs->v[rs->n], 0, sizeof(rs->v[0]));
        rc = parse_record(a, path, &rs->v[rs->n++]);
    }
    closedir(d);
    if (rc)
        records_release(rs);
    return rc;
}

static sp_code save(sp_array *a, const struct record *r)
{
    sp_error err;
    if (!r->nluns) {
        if (unlink(r->path) != 0 && errno != ENOENT)
            return spi_array_fail(a, SP_ERR_IO, "cannot remove '%s': %s",
                                  r->path, strerror(errno));
        return spi_sync_dir_of(r->path, &err) ? spi_array_fail_with(a, &err)
                                              : SP_OK;
    }
    size_t cap = 256, len = 0;
    char *text = spi_xmalloc(cap);
    text[0] = '\0';
#define APPEND(...)                                                            \
    do {                                                                       \
        char *piece = spi_xasprintf(__VA_ARGS__);                              \
        size_t pl = strlen(piece);                                             \
        spi_xgrow((void **)&text, &cap, len + pl + 1, 1);                      \
        memcpy(text + len, piece, pl + 1);                                     \
        len += pl;                                                             \
        free(piece);                                                           \
    } while (0)
    APPEND("# sanprov local masking record\nhost=%s\nfc=%s\n", r->host,
           r->fc ? "yes" : "no");
    for (size_t i = 0; i < r->ninits; i++)
        APPEND("initiator=%s\n", r->inits[i]);
    for (size_t i = 0; i < r->nluns; i++)
        APPEND("lun=%" PRIu32 " %s\n", r->luns[i].number, r->luns[i].key);
#undef APPEND
    sp_code rc = spi_write_atomic(r->path, text, len, 0644, true, &err)
                     ? spi_array_fail_with(a, &err)
                     : SP_OK;
    free(text);
    return rc;
}

/* ---- the iSCSI side ---- */

/* The target's IQN: iqn.2026-11.org.sanprov:ARRAY.HOST, lower case. */
static char *target_iqn(sp_array *a, const struct record *r)
{
    char *s = spi_xasprintf("iqn.2026-11.org.sanprov:%s.%s", a->name, r->host);
    for (char *c = s + strlen("iqn.2026-11.org.sanprov:"); *c; c++) {
        *c = (char)tolower((unsigned char)*c);
        if (!isalnum((unsigned char)*c) && *c != '.' && *c != '-')
            *c = '-';
    }
    return s;
}

/* Make tgt export what @r says (nothing at all when @r has no LUN). */
static sp_code export(sp_array *a, const struct record *r)
{
    if (!local_of(a)->portal)
        return SP_OK;
    SPI_AUTOFREE char *iqn = target_iqn(a, r);
    struct local_tgt_lun *luns = spi_xcalloc(r->nluns + 1, sizeof(*luns));
    struct local_meta *metas = spi_xcalloc(r->nluns + 1, sizeof(*metas));
    char **paths = spi_xcalloc(r->nluns + 1, sizeof(*paths));
    sp_code rc = SP_OK;
    for (size_t i = 0; i < r->nluns && !rc; i++) {
        rc = local_meta_read(a, r->luns[i].key, &metas[i]);
        paths[i] = local_lun_file(a, r->luns[i].key, "img");
        luns[i] = (struct local_tgt_lun){r->luns[i].number, paths[i],
                                         metas[i].wwn, metas[i].serial};
    }
    if (!rc)
        rc = local_tgt_apply(a, iqn, (const char *const *)r->inits, r->ninits,
                             luns, r->nluns);
    for (size_t i = 0; i < r->nluns; i++) {
        local_meta_release(&metas[i]);
        free(paths[i]);
    }
    free(metas);
    free(paths);
    free(luns);
    return rc;
}

/* ---- masking ---- */

static bool same_init(const char *x, const char *y)
{
    return strcasecmp(x, y) == 0;
}

static bool shares_init(const struct record *r, const sp_mask_target *t)
{
    for (size_t i = 0; i < r->ninits; i++)
        for (size_t k = 0; k < t->ninitiators; k++)
            if (same_init(r->inits[i], t->initiators[k]))
                return true;
    return false;
}

static ssize_t find_lun(const struct record *r, const char *key)
{
    for (size_t i = 0; i < r->nluns; i++)
        if (SPI_STREQ(r->luns[i].key, key))
            return (ssize_t)i;
    return -1;
}

static uint32_t free_number(const struct record *r)
{
    /* tgt's LUN 0 is its controller: host LUN numbers start at 1. */
    for (uint32_t n = 1;; n++) {
        bool used = false;
        for (size_t i = 0; i < r->nluns && !used; i++)
            used = r->luns[i].number == n;
        if (!used)
            return n;
    }
}

static void copy_record(struct record *dst, const struct record *src)
{
    memset(dst, 0, sizeof(*dst));
    dst->path = spi_xstrdup(src->path);
    dst->host = spi_xstrdup(src->host);
    dst->fc = src->fc;
    for (size_t i = 0; i < src->ninits; i++)
        add_init(dst, src->inits[i]);
    for (size_t i = 0; i < src->nluns; i++)
        add_lun(dst, src->luns[i].number, src->luns[i].key);
}

/* A new record for @t, in a file of its own. */
static void new_record(sp_array *a, const sp_mask_target *t, struct record *r)
{
    memset(r, 0, sizeof(*r));
    r->host = spi_xstrdup(t->name && *t->name ? t->name : "host");
    r->fc = t->fc;
    SPI_AUTOFREE char *base = spi_xstrdup(r->host);
    for (char *c = base; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' && *c != '.')
            *c = '_';
    for (unsigned n = 1;; n++) {
        free(r->path);
        r->path = n == 1 ? spi_xasprintf("%s/.masking/%s.mask",
                                         local_of(a)->root, base)
                         : spi_xasprintf("%s/.masking/%s-%u.mask",
                                         local_of(a)->root, base, n);
        if (access(r->path, F_OK) != 0)
            break;
    }
}

/* The host's record: one sharing an initiator, the same host first. */
static struct record *host_record(struct records *rs, const sp_mask_target *t)
{
    struct record *r = NULL;
    for (size_t i = 0; i < rs->n; i++)
        if (shares_init(&rs->v[i], t) &&
            (!r || (t->name && SPI_STREQ(rs->v[i].host, t->name))))
            r = &rs->v[i];
    return r;
}

static sp_code mask_luns(sp_array *a, struct records *rs,
                         const char *const *keys, size_t n,
                         const sp_mask_target *t, uint32_t *numbers)
{
    if (local_of(a)->portal && t->fc)
        return spi_array_fail(a, SP_ERR_PRECONDITION,
                              "array '%s' exports LUNs over iSCSI, and host "
                              "'%s' has FC initiators",
                              a->name, t->name ? t->name : "");
    for (size_t i = 0; i < n; i++) {
        struct local_meta m;
        sp_code rc = local_meta_read(a, keys[i], &m);
        bool creating = !rc && m.creating;
        local_meta_release(&m);
        if (rc || creating)
            return rc ? rc
                      : spi_array_fail(a, SP_ERR_NOT_FOUND,
                                       "LUN '%s' is still being made", keys[i]);
    }
    struct record *r = host_record(rs, t);
    struct record fresh = {0}, old = {0};
    if (!r)
        new_record(a, t, r = &fresh);
    copy_record(&old, r);
    for (size_t k = 0; k < t->ninitiators; k++) {
        bool have = false;
        for (size_t i = 0; i < r->ninits && !have; i++)
            have = same_init(r->inits[i], t->initiators[k]);
        if (!have)
            add_init(r, t->initiators[k]);
    }
    bool changed = r->ninits != old.ninits;
    for (size_t i = 0; i < n; i++) {
        ssize_t at = find_lun(r, keys[i]);
        if (at < 0) {
            add_lun(r, free_number(r), keys[i]);
            at = (ssize_t)r->nluns - 1;
            changed = true;
        }
        if (numbers)
            numbers[i] = r->luns[at].number;
    }
    /* Exported even when the record is unchanged: tgtd forgets its
     * targets when it restarts, and masking again brings them back. */
    sp_code rc = export(a, r);
    if (!rc && changed)
        rc = save(a, r);
    if (rc) {
        sp_error saved = a->err;
        export(a, &old); /* back to what the record still says */
        a->err = saved;
    }
    record_release(&old);
    record_release(&fresh);
    return rc;
}

static sp_code drop_luns(sp_array *a, struct records *rs,
                         const char *const *keys, size_t n,
                         const sp_mask_target *t)
{
    for (size_t i = 0; i < rs->n; i++) {
        struct record *r = &rs->v[i];
        if (t && !shares_init(r, t))
            continue;
        bool changed = false;
        for (size_t k = 0; k < n; k++) {
            ssize_t at = find_lun(r, keys[k]);
            if (at < 0)
                continue;
            free(r->luns[at].key);
            r->luns[at] = r->luns[--r->nluns];
            changed = true;
        }
        sp_code rc;
        if (changed && ((rc = export(a, r)) || (rc = save(a, r))))
            return rc;
    }
    return SP_OK;
}

sp_code local_mask(sp_array *a, const char *const *keys, size_t n,
                   const sp_mask_target *t, unsigned int flags,
                   uint32_t *numbers)
{
    for (size_t i = 0; i < n; i++) {
        SPI_AUTOFREE char *pool = NULL, *name = NULL;
        if (!local_split_key(a, keys[i], &pool, &name))
            return a->err.code;
    }
    /* A record must not outlive the LUNs it names in a crash. */
    sp_code rc = local_sync(a);
    if (rc || (rc = local_lock(a)))
        return rc;
    struct records rs;
    if (!(rc = load(a, &rs))) {
        rc = flags & SP_MASK_UNMASK ? drop_luns(a, &rs, keys, n, t)
                                    : mask_luns(a, &rs, keys, n, t, numbers);
        records_release(&rs);
    }
    local_unlock(a);
    return rc;
}

sp_code local_connectivity(sp_array *a, unsigned int *out)
{
    *out = local_of(a)->portal ? SP_CONNECT_ISCSI : 0;
    return SP_OK;
}

sp_code local_iscsi_target(sp_array *a, const sp_mask_target *t, char **portal,
                           char **iqn)
{
    if (!local_of(a)->portal)
        return spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                              "array '%s' exports no LUNs over iSCSI (it has "
                              "no iscsi-portal)",
                              a->name);
    struct records rs;
    sp_code rc = load(a, &rs);
    if (rc)
        return rc;
    const struct record *r = host_record(&rs, t);
    if (r) {
        *portal = spi_xstrdup(local_of(a)->portal);
        *iqn = target_iqn(a, r);
    } else {
        rc = spi_array_fail(a, SP_ERR_NOT_FOUND,
                            "array '%s' masks nothing to host '%s'", a->name,
                            t->name ? t->name : "");
    }
    records_release(&rs);
    return rc;
}

struct local_masking {
    struct records rs;
};

sp_code local_masking_read(sp_array *a, struct local_masking **out)
{
    *out = spi_xcalloc(1, sizeof(**out));
    sp_code rc = load(a, &(*out)->rs);
    if (rc) {
        free(*out);
        *out = NULL;
    }
    return rc;
}

void local_masking_free(struct local_masking *m)
{
    if (!m)
        return;
    records_release(&m->rs);
    free(m);
}

bool local_masking_of(const struct local_masking *m, const char *key, sp_lun *l)
{
    bool masked = false;
    for (size_t i = 0; i < m->rs.n; i++) {
        ssize_t at = find_lun(&m->rs.v[i], key);
        if (at < 0)
            continue;
        masked = true;
        for (size_t k = 0; l && k < m->rs.v[i].ninits; k++)
            spi_lun_add_mask(l, m->rs.v[i].inits[k],
                             m->rs.v[i].luns[at].number);
    }
    return masked;
}

sp_code local_mask_of(sp_array *a, const char *key, sp_lun *l, bool *masked)
{
    struct local_masking *m;
    sp_code rc = local_masking_read(a, &m);
    if (rc)
        return rc;
    bool is = local_masking_of(m, key, l);
    if (masked)
        *masked = is;
    local_masking_free(m);
    return SP_OK;
}

sp_code local_unmask_everywhere(sp_array *a, const char *key)
{
    struct records rs;
    sp_code rc = load(a, &rs);
    if (rc)
        return rc;
    rc = drop_luns(a, &rs, &key, 1, NULL);
    records_release(&rs);
    return rc;
}
