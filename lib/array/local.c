/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/local.c: the local array driver: its directory, lock, metadata
 * files, pools and capabilities (layout in local.h). */
#include "local.h"
#include "../util/file.h"
#include "../util/tag.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <uuid/uuid.h>

#define META_MAX 65536

/* ---- names and paths ---- */

bool local_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > 200 || s[0] == '.')
        return false;
    for (const char *c = s; *c; c++)
        if (*c == '/' || (unsigned char)*c < 0x20 || *c == 0x7f)
            return false;
    return true;
}

bool local_key_ok(const char *key)
{
    const char *slash = strchr(key, '/');
    if (!slash || (size_t)(slash - key) > 200)
        return false;
    char pool[201];
    memcpy(pool, key, (size_t)(slash - key));
    pool[slash - key] = '\0';
    return local_name_ok(pool) && local_name_ok(slash + 1);
}

bool local_split_key(sp_array *a, const char *key, char **pool, char **name)
{
    const char *slash = strchr(key, '/');
    *pool = *name = NULL;
    if (slash) {
        *pool = spi_xstrndup(key, (size_t)(slash - key));
        *name = spi_xstrdup(slash + 1);
        if (local_name_ok(*pool) && local_name_ok(*name))
            return true;
    }
    free(*pool);
    free(*name);
    *pool = *name = NULL;
    spi_array_fail(a, SP_ERR_BAD_ID,
                   "'%s' is not a LUN of a local array (POOL/NAME)", key);
    return false;
}

char *local_pool_dir(sp_array *a, const char *pool)
{
    return spi_xasprintf("%s/%s", local_of(a)->root, pool);
}

char *local_lun_file(sp_array *a, const char *key, const char *ext)
{
    return spi_xasprintf("%s/%s.%s", local_of(a)->root, key, ext);
}

/* ---- open, lock, first use ---- */

static sp_code local_open(sp_array *a)
{
    const char *path = a->uri + strlen("local:");
    if (path[0] != '/')
        return spi_array_config_fail(
            a, "uri", "uri '%s' is not local:/ABSOLUTE/PATH", a->uri);
    struct local *l = spi_xcalloc(1, sizeof(*l));
    l->root = spi_xstrdup(path);
    for (size_t n = strlen(l->root); n > 1 && l->root[n - 1] == '/'; n--)
        l->root[n - 1] = '\0';
    l->portal =
        spi_xstrdup(sp_config_get(a->cfg, "array", a->name, "iscsi-portal"));
    l->tgt_port = spi_xstrdup(
        sp_config_get(a->cfg, "array", a->name, "tgt-control-port"));
    l->lock_fd = -1;
    l->reflink = -1;
    a->priv = l;
    return SP_OK;
}

static void local_close(sp_array *a)
{
    struct local *l = local_of(a);
    if (!l)
        return;
    local_unlock(a);
    if (local_sync(a))
        sp_log(SP_LOG_ERROR, "array '%s': %s", a->name, a->err.message);
    free(l->unsynced);
    free(l->root);
    free(l->portal);
    free(l->tgt_port);
    free(l->kernel);
    free(l);
}

sp_code local_lock(sp_array *a)
{
    sp_error err;
    if (local_of(a)->lock_fd >= 0)
        abort(); /* a flock is not recursive: taking it twice is a bug */
    sp_code rc = local_prepare(a);
    if (rc)
        return rc;
    SPI_AUTOFREE char *path = spi_xasprintf("%s/.lock", local_of(a)->root);
    if (spi_lock(path, LOCK_EX, &local_of(a)->lock_fd, &err))
        return spi_array_fail_with(a, &err);
    return SP_OK;
}

void local_unlock(sp_array *a)
{
    spi_unlock(&local_of(a)->lock_fd);
}

/* Configured pools of this array: [pool "ARRAY:NAME"]. */
static const char *configured_pool(sp_array *a, size_t i)
{
    const char *s = sp_config_name(a->cfg, "pool", i);
    size_t n = strlen(a->name);
    if (strncmp(s, a->name, n) == 0 && s[n] == ':' && local_name_ok(s + n + 1))
        return s + n + 1;
    return NULL;
}

sp_code local_prepare(sp_array *a)
{
    struct local *l = local_of(a);
    sp_error err;
    struct stat st;
    SPI_AUTOFREE char *masking = spi_xasprintf("%s/.masking", l->root);
    if (stat(masking, &st) == 0)
        return SP_OK;
    if (spi_mkdir_p(l->root, 0755, &err) || spi_mkdir_p(masking, 0755, &err))
        return spi_array_fail_with(a, &err);
    return SP_OK;
}

sp_code local_pool_check(sp_array *a, const char *pool)
{
    if (!local_name_ok(pool))
        return spi_array_fail(a, SP_ERR_NOT_FOUND, "no pool '%s' on array '%s'",
                              pool, a->name);
    sp_code rc = local_prepare(a);
    if (rc)
        return rc;
    SPI_AUTOFREE char *dir = local_pool_dir(a, pool);
    struct stat st;
    if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        return SP_OK;
    SPI_AUTOFREE char *section = spi_xasprintf("%s:%s", a->name, pool);
    if (!sp_config_has(a->cfg, "pool", section))
        return spi_array_fail(a, SP_ERR_NOT_FOUND,
                              "no pool '%s' on array '%s' (no directory '%s')",
                              pool, a->name, dir);
    sp_error err;
    if (spi_mkdir_p(dir, 0755, &err))
        return spi_array_fail_with(a, &err);
    return SP_OK;
}

/* ---- metadata ---- */

void local_meta_release(struct local_meta *m)
{
    free(m->wwn);
    free(m->source);
    free(m->library);
    free(m->entry);
    memset(m, 0, sizeof(*m));
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-')
        return false;
    *out = v;
    return true;
}

static bool meta_line(struct local_meta *m, const char *k, const char *v)
{
    if (SPI_STREQ(k, "size"))
        return parse_u64(v, &m->size);
    if (SPI_STREQ(k, "serial"))
        return parse_u64(v, &m->serial);
    if (SPI_STREQ(k, "wwn")) {
        free(m->wwn);
        m->wwn = spi_xstrdup(v);
        return strspn(v, "0123456789abcdef") == strlen(v) && *v;
    }
    if (SPI_STREQ(k, "state")) {
        m->creating = SPI_STREQ(v, "creating");
        return m->creating || SPI_STREQ(v, "ready");
    }
    if (SPI_STREQ(k, "source")) {
        free(m->source);
        m->source = spi_xstrdup(v);
        return local_key_ok(v);
    }
    if (SPI_STREQ(k, "library") || SPI_STREQ(k, "entry")) {
        char **field = SPI_STREQ(k, "library") ? &m->library : &m->entry;
        free(*field);
        *field = spi_xstrdup(v);
        return spi_uuid_valid(v);
    }
    if (SPI_STREQ(k, "copy")) {
        m->copy = SPI_STREQ(v, "snapshot") ? SP_COPY_SNAPSHOT
                  : SPI_STREQ(v, "clone")  ? SP_COPY_CLONE
                                           : SP_COPY_NONE;
        return m->copy != SP_COPY_NONE;
    }
    return true; /* keys of later versions are ignored */
}

sp_code local_meta_read(sp_array *a, const char *key, struct local_meta *m)
{
    memset(m, 0, sizeof(*m));
    SPI_AUTOFREE char *path = local_lun_file(a, key, "meta");
    SPI_AUTOFREE char *text = NULL;
    sp_error err;
    sp_code rc = spi_read_small(path, META_MAX, &text, &err);
    if (rc == SP_ERR_NOT_FOUND)
        return spi_array_fail(a, SP_ERR_NOT_FOUND, "no LUN '%s' on array '%s'",
                              key, a->name);
    if (rc)
        return spi_array_fail_with(a, &err);
    /* Empty, or with NUL bytes: written lazily (local_sync()) and cut off
     * by a crash before it was synced.  The LUN never became durable; it is
     * taken for one being made, and removed as such once no one makes it. */
    struct stat st;
    if (!*text || (stat(path, &st) == 0 && (size_t)st.st_size > strlen(text))) {
        m->creating = m->torn = true;
        return SP_OK;
    }
    unsigned line = 0;
    for (char *rest = text, *s; (s = strsep(&rest, "\n"));) {
        line++;
        if (!*s)
            continue; /* a blank line */
        if (*s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (eq)
            *eq = '\0';
        if (!eq || !meta_line(m, s, eq + 1)) {
            local_meta_release(m);
            return spi_array_fail(a, SP_ERR_IO, "'%s', line %u: bad metadata",
                                  path, line);
        }
    }
    if (!m->wwn || !m->size || !m->library != !m->entry) {
        local_meta_release(m);
        return spi_array_fail(a, SP_ERR_IO,
                              "'%s': no size or wwn, or half a tag", path);
    }
    return SP_OK;
}

sp_code local_meta_write(sp_array *a, const char *key,
                         const struct local_meta *m)
{
    SPI_AUTOFREE char *path = local_lun_file(a, key, "meta");
    bool tag = m->library && m->entry;
    SPI_AUTOFREE char *text = spi_xasprintf(
        "# sanprov local LUN\nstate=%s\nsize=%" PRIu64 "\nwwn=%s\n"
        "serial=%" PRIu64 "\n%s%s%s%s%s%s%s%s%s",
        m->creating ? "creating" : "ready", m->size, m->wwn, m->serial,
        m->source ? "source=" : "", m->source ? m->source : "",
        m->source ? "\n" : "",
        m->copy == SP_COPY_SNAPSHOT ? "copy=snapshot\n"
        : m->copy == SP_COPY_CLONE  ? "copy=clone\n"
                                    : "",
        tag ? "library=" : "", tag ? m->library : "", tag ? "\nentry=" : "",
        tag ? m->entry : "", tag ? "\n" : "");
    sp_error err;
    if (spi_write_atomic(path, text, strlen(text), 0644, false, &err))
        return spi_array_fail_with(a, &err);
    if (!m->creating)
        local_sync_later(a, path);
    return SP_OK;
}

void local_sync_later(sp_array *a, const char *path)
{
    struct local *l = local_of(a);
    spi_xgrow((void **)&l->unsynced, &l->capunsynced, l->nunsynced + 1,
              sizeof(*l->unsynced));
    l->unsynced[l->nunsynced++] = spi_xstrdup(path);
}

static int dir_cmp(const void *x, const void *y)
{
    const char *a = *(char *const *)x, *b = *(char *const *)y;
    size_t la = strrchr(a, '/') - a, lb = strrchr(b, '/') - b;
    int c = strncmp(a, b, la < lb ? la : lb);
    return c ? c : (la > lb) - (la < lb);
}

sp_code local_sync(sp_array *a)
{
    struct local *l = local_of(a);
    sp_error err;
    sp_code rc = SP_OK;
    /* One log force makes the rest cheap: the files, then each directory
     * once (they are sorted by directory). */
    for (size_t i = 0; i < l->nunsynced && !rc; i++)
        if (spi_sync_file(l->unsynced[i], &err))
            rc = spi_array_fail_with(a, &err);
    if (l->nunsynced)
        qsort(l->unsynced, l->nunsynced, sizeof(*l->unsynced), dir_cmp);
    for (size_t i = 0; i < l->nunsynced && !rc; i++)
        if ((i == 0 || dir_cmp(&l->unsynced[i - 1], &l->unsynced[i]) != 0) &&
            spi_sync_dir_of(l->unsynced[i], &err))
            rc = spi_array_fail_with(a, &err);
    for (size_t i = 0; i < l->nunsynced; i++)
        free(l->unsynced[i]);
    l->nunsynced = 0;
    return rc;
}

bool local_meta_stale(sp_array *a, const char *key)
{
    SPI_AUTOFREE char *img = local_lun_file(a, key, "img");
    int fd = open(img, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT;
    bool stale = flock(fd, LOCK_SH | LOCK_NB) == 0;
    close(fd);
    return stale;
}

sp_code local_remove_files(sp_array *a, const char *key)
{
    SPI_AUTOFREE char *img = local_lun_file(a, key, "img");
    SPI_AUTOFREE char *meta = local_lun_file(a, key, "meta");
    if ((unlink(img) != 0 && errno != ENOENT) ||
        (unlink(meta) != 0 && errno != ENOENT))
        return spi_array_fail(a, SP_ERR_IO, "cannot remove LUN '%s': %s", key,
                              strerror(errno));
    local_sync_later(a, meta);
    return SP_OK;
}

/* ---- the array's identity and serials ---- */

/* Serials are taken from ROOT/.array in blocks, so that a batch costs one
 * synced write there; a block's unused serials are skipped, never reused. */
#define SERIAL_BLOCK 64

sp_code local_next_serial(sp_array *a, uint64_t *serial, char **wwn)
{
    struct local *l = local_of(a);
    if (l->serial_next == l->serial_end) {
        SPI_AUTOFREE char *path = spi_xasprintf("%s/.array", l->root);
        SPI_AUTOFREE char *text = NULL;
        sp_error err;
        uint64_t next = 1;
        sp_code rc = spi_read_small(path, 4096, &text, &err);
        if (rc && rc != SP_ERR_NOT_FOUND)
            return spi_array_fail_with(a, &err);
        if (text &&
            (sscanf(text, "id=%36s\nnext=%" SCNu64, l->array_id, &next) != 2 ||
             strlen(l->array_id) != 36))
            return spi_array_fail(a, SP_ERR_IO, "'%s': bad contents", path);
        if (!text) {
            uuid_t u;
            uuid_generate(u);
            uuid_unparse_lower(u, l->array_id);
        }
        SPI_AUTOFREE char *out = spi_xasprintf(
            "id=%s\nnext=%" PRIu64 "\n", l->array_id, next + SERIAL_BLOCK);
        if (spi_write_atomic(path, out, strlen(out), 0644, true, &err))
            return spi_array_fail_with(a, &err);
        l->serial_next = next;
        l->serial_end = next + SERIAL_BLOCK;
    }
    *serial = l->serial_next++;
    /* NAA 3 (locally assigned): 7 hex digits of the array's id, 8 of the
     * serial, unique within the array and stable for the LUN's life. */
    *wwn = spi_xasprintf("3%.7s%08" PRIx64, l->array_id, *serial & 0xffffffffu);
    return SP_OK;
}

/* ---- pools ---- */

static int str_cmp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* A directory's entries that @pick keeps (as the name it gives back, a new
 * string, or NULL to skip), sorted, each given to @fn, which may stop the
 * walk with a negative return (its own error in a->err, or none). */
typedef char *(*pick_fn)(DIR *d, const struct dirent *e, const void *arg);

static sp_code each_sorted(sp_array *a, const char *dir, const char *what,
                           pick_fn pick, const void *arg, local_name_fn fn,
                           void *ctx)
{
    DIR *d = opendir(dir);
    if (!d)
        return spi_array_fail(a, errno == ENOENT ? SP_ERR_NOT_FOUND : SP_ERR_IO,
                              "cannot read %s: %s", what, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *name = pick(d, e, arg);
        if (!name)
            continue;
        spi_xgrow((void **)&names, &cap, n + 1, sizeof(*names));
        names[n++] = name;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), str_cmp);
    int stop = 0;
    for (size_t i = 0; i < n; i++) {
        if (!stop)
            stop = fn(a, names[i], ctx);
        free(names[i]);
    }
    free(names);
    if (stop < 0) /* the visitor's own error, or the caller's stop */
        return a->err.code ? a->err.code
                           : spi_array_fail(a, SP_ERR_CANCELLED,
                                            "stopped by the caller");
    return SP_OK;
}

/* A pool: a directory that is not hidden. */
static char *pick_pool(DIR *d, const struct dirent *e, const void *arg)
{
    (void)arg;
    struct stat st;
    if (!local_name_ok(e->d_name) ||
        fstatat(dirfd(d), e->d_name, &st, 0) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    return spi_xstrdup(e->d_name);
}

/* A LUN of pool @arg: NAME.meta, as its key POOL/NAME. */
static char *pick_lun(DIR *d, const struct dirent *e, const void *arg)
{
    (void)d;
    size_t len = strlen(e->d_name);
    if (len <= 5 || strcmp(e->d_name + len - 5, ".meta") != 0 ||
        e->d_name[0] == '.')
        return NULL;
    return spi_xasprintf("%s/%.*s", (const char *)arg, (int)(len - 5),
                         e->d_name);
}

sp_code local_each_pool(sp_array *a, local_name_fn fn, void *ctx)
{
    sp_code rc = local_prepare(a);
    if (rc)
        return rc;
    /* Configured pools are made when missing. */
    size_t nconf = sp_config_count(a->cfg, "pool");
    for (size_t i = 0; i < nconf; i++) {
        const char *p = configured_pool(a, i);
        if (p && (rc = local_pool_check(a, p)))
            return rc;
    }
    SPI_AUTOFREE char *what = spi_xasprintf("'%s'", local_of(a)->root);
    return each_sorted(a, local_of(a)->root, what, pick_pool, NULL, fn, ctx);
}

sp_code local_each_lun(sp_array *a, const char *pool, local_name_fn fn,
                       void *ctx)
{
    SPI_AUTOFREE char *dir = local_pool_dir(a, pool);
    SPI_AUTOFREE char *what = spi_xasprintf("pool '%s'", pool);
    return each_sorted(a, dir, what, pick_lun, pool, fn, ctx);
}

static sp_pool *pool_object(sp_array *a, const char *name)
{
    SPI_AUTOFREE char *dir = local_pool_dir(a, name);
    struct statvfs vfs;
    uint64_t total = 0, avail = 0;
    if (statvfs(dir, &vfs) == 0) {
        total = (uint64_t)vfs.f_blocks * vfs.f_frsize;
        avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
    }
    return spi_pool_new(a, name, name, total, avail);
}

struct pool_walk {
    sp_pool_fn fn;
    void *ctx;
};

static int visit_pool(sp_array *a, const char *name, void *ctx)
{
    struct pool_walk *w = ctx;
    sp_pool *p = pool_object(a, name);
    return p ? w->fn(p, w->ctx) : 0;
}

static sp_code local_list_pools(sp_array *a, sp_pool_fn fn, void *ctx)
{
    struct pool_walk w = {fn, ctx};
    return local_each_pool(a, visit_pool, &w);
}

static sp_code local_get_pool(sp_array *a, const char *key, sp_pool **out)
{
    sp_code rc = local_pool_check(a, key);
    if (rc)
        return rc;
    *out = pool_object(a, key);
    return SP_OK;
}

static sp_code local_pool_path(sp_array *a, const char *key, char **out)
{
    sp_code rc = local_pool_check(a, key);
    if (!rc)
        *out = local_pool_dir(a, key);
    return rc;
}

/* ---- capabilities ---- */

struct reflink_walk {
    bool all;
    size_t n;
};

static int probe_pool(sp_array *a, const char *name, void *ctx)
{
    struct reflink_walk *w = ctx;
    SPI_AUTOFREE char *dir = local_pool_dir(a, name);
    w->n++;
    if (!local_can_reflink(dir))
        w->all = false;
    return 0;
}

static sp_code local_capabilities(sp_array *a, sp_array_caps *out)
{
    struct local *l = local_of(a);
    if (l->reflink < 0) {
        struct reflink_walk w = {true, 0};
        sp_code rc = local_each_pool(a, probe_pool, &w);
        if (rc)
            return rc;
        if (!w.n) /* no pool yet: as the array's own file system */
            w.all = local_can_reflink(l->root);
        l->reflink = w.all;
    }
    out->snapshot = l->reflink == 1; /* a snapshot is a reflink copy */
    out->clone = true;               /* by reflink, or by a sparse copy */
    out->async = false;
    out->masking = SP_MASKING_LOCAL;
    out->data_here = true;
    return SP_OK;
}

static sp_code local_identify(sp_array *a, sp_array_caps *out)
{
    struct local *l = local_of(a);
    if (!l->kernel) {
        struct utsname u;
        l->kernel =
            spi_xasprintf("Linux %s", uname(&u) == 0 ? u.release : "(unknown)");
    }
    out->vendor = "sanprov";
    out->model = l->portal ? "local array, iSCSI through tgt" : "local array";
    out->firmware = l->kernel;
    return SP_OK;
}

static const char *const schemes[] = {"local", NULL};

const struct sp_array_driver spi_local_driver = {
    .name = "local",
    .schemes = schemes,
    .open = local_open,
    .close = local_close,
    .capabilities = local_capabilities,
    .identify = local_identify,
    .list_pools = local_list_pools,
    .get_pool = local_get_pool,
    .list_luns = local_list_luns,
    .get_lun = local_get_lun,
    .create_lun = local_create_lun,
    .copy_lun = local_copy_lun,
    .delete_lun = local_delete_lun,
    .mask = local_mask,
    .sync = local_sync,
    .lun_path = local_lun_path,
    .pool_path = local_pool_path,
    .connectivity = local_connectivity,
    .iscsi_target = local_iscsi_target,
};
