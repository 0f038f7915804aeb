/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/deploy/record.c: VM records, the journal of a deploy: LIBRARY/vms/
 * UUID.vm, lines of KEY=VALUE replaced whole at each step, and the lock a
 * process holds while it works on the VM. */
#include "deploy_internal.h"
#include "../util/file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uuid/uuid.h>

#define RECORD_MAX (64 * 1024)

static const char *const step_names[SP_STEP_COUNT] = {
    "copy", "mask", "customize", "define", "start"};
static const char *const state_names[] = {"deploying", "deployed", "failed",
                                          "rolling-back", "deleting"};

const char *sp_vm_step_name(sp_vm_step s)
{
    return (unsigned)s < SP_STEP_COUNT ? step_names[s] : "?";
}

const char *sp_vm_state_name(sp_vm_state s)
{
    return (unsigned)s < SPI_ARRAY_SIZE(state_names) ? state_names[s] : "?";
}

/* ---- getters ---- */

const sp_id *sp_vm_record_id(const sp_vm_record *r)
{
    return r->id;
}
const char *sp_vm_record_name(const sp_vm_record *r)
{
    return r->name;
}
const char *sp_vm_record_host(const sp_vm_record *r)
{
    return r->host;
}
const sp_id *sp_vm_record_template(const sp_vm_record *r)
{
    return r->tmpl;
}
const sp_id *sp_vm_record_lun(const sp_vm_record *r)
{
    return r->lun;
}
sp_copy_method sp_vm_record_copy(const sp_vm_record *r)
{
    return r->copy;
}
const char *sp_vm_record_connect(const sp_vm_record *r)
{
    return r->connect;
}
const char *sp_vm_record_disk(const sp_vm_record *r)
{
    return r->disk;
}
sp_vm_state sp_vm_record_state(const sp_vm_record *r)
{
    return r->state;
}
sp_vm_step sp_vm_record_step(const sp_vm_record *r)
{
    return r->step;
}
bool sp_vm_record_done(const sp_vm_record *r, sp_vm_step s)
{
    return (unsigned)s < SP_STEP_COUNT && (r->done & (1u << s));
}
bool sp_vm_record_idle(const sp_vm_record *r)
{
    return r->idle;
}
const char *sp_vm_record_error(const sp_vm_record *r)
{
    return r->error;
}
int64_t sp_vm_record_created(const sp_vm_record *r)
{
    return r->created;
}
double sp_vm_record_seconds(const sp_vm_record *r)
{
    return r->seconds;
}

void sp_vm_record_free(sp_vm_record *r)
{
    if (!r)
        return;
    free(r->path);
    sp_id_free(r->id);
    free(r->uuid);
    free(r->name);
    free(r->host);
    sp_id_free(r->tmpl);
    free(r->array);
    sp_id_free(r->pool);
    free(r->lun_name);
    sp_id_free(r->lun);
    free(r->connect);
    free(r->disk);
    free(r->seed);
    free(r->error);
    free(r);
}

sp_vm_record *spi_vm_record_new(const char *uuid, const char *name,
                                const char *host, const sp_id *tmpl,
                                const char *array, const sp_id *pool,
                                sp_copy_method copy)
{
    sp_vm_record *r = spi_xcalloc(1, sizeof(*r));
    uuid_t u;
    char text[37];
    if (uuid) {
        snprintf(text, sizeof(text), "%s", uuid);
    } else {
        uuid_generate_random(u);
        uuid_unparse_lower(u, text);
    }
    r->uuid = spi_xstrdup(text);
    const char *fields[] = {host, text};
    sp_error err;
    if (sp_id_new(SP_ID_VM, 2, fields, &r->id, &err))
        abort(); /* a configured host name and a UUID always make an ID */
    r->name = spi_xstrdup(name);
    r->lun_name = spi_xstrdup(name);
    r->host = spi_xstrdup(host);
    r->tmpl = sp_id_copy(tmpl);
    r->array = spi_xstrdup(array);
    r->pool = pool ? sp_id_copy(pool) : NULL;
    r->copy = copy;
    r->state = SP_VM_DEPLOYING;
    r->step = SP_STEP_COPY;
    r->created = (int64_t)time(NULL);
    return r;
}

/* ---- writing ---- */

static void put(sp_buf *b, const char *key, const char *value)
{
    if (!value)
        return;
    sp_buf_addstr(b, key);
    sp_buf_addstr(b, "=");
    /* One line: a control character (from an error text) is a space. */
    for (const char *c = value; *c; c++)
        sp_buf_addch(b, (unsigned char)*c < 0x20 ? ' ' : *c);
    sp_buf_addstr(b, "\n");
}

static void put_id(sp_buf *b, const char *key, const sp_id *id)
{
    if (id)
        put(b, key, sp_id_str(id));
}

char *spi_vm_record_format(const sp_vm_record *r)
{
    sp_buf b = SP_BUF_INIT(RECORD_MAX);
    sp_buf_addstr(&b, "# a VM deployed by sanprov (vm-list(1)); "
                      "written whole at each step\n");
    put_id(&b, "id", r->id);
    put(&b, "name", r->name);
    put_id(&b, "template", r->tmpl);
    put(&b, "array", r->array);
    put_id(&b, "pool", r->pool);
    put(&b, "copy", sp_copy_pref_name(r->copy));
    put(&b, "lun-name", r->lun_name);
    put_id(&b, "lun", r->lun);
    char num[16];
    snprintf(num, sizeof(num), "%" PRIu32, r->number);
    if (r->number)
        put(&b, "number", num);
    put(&b, "connect", r->connect);
    put(&b, "disk", r->disk);
    put(&b, "seed", r->seed);
    put(&b, "start", r->start ? "yes" : "no");
    put(&b, "state", sp_vm_state_name(r->state));
    put(&b, "step", sp_vm_step_name(r->step));
    for (int s = 0; s < SP_STEP_COUNT; s++)
        if (r->done & (1u << s))
            put(&b, "done", step_names[s]);
    char t[32];
    snprintf(t, sizeof(t), "%" PRId64, r->created);
    put(&b, "created", t);
    if (r->seconds > 0) {
        snprintf(t, sizeof(t), "%.3f", r->seconds);
        put(&b, "seconds", t);
    }
    put(&b, "error", r->error);
    return sp_buf_detach(&b, NULL);
}

static sp_code save(sp_vm_record *r, sp_error *err)
{
    SPI_AUTOFREE char *text = spi_vm_record_format(r);
    return spi_write_atomic(r->path, text, strlen(text), 0644, !r->lazy, err);
}

sp_code spi_vm_record_sync(const sp_vm_record *r, sp_error *err)
{
    return r->path ? spi_sync_file(r->path, err) : SP_OK;
}

sp_code spi_vm_record_save(sp_vm_record *r, const char *dir, sp_error *err)
{
    if (!r->path)
        r->path = spi_xasprintf("%s/%s.vm", dir, r->uuid);
    return save(r, err);
}

sp_code spi_vm_begin(sp_vm_record *r, sp_vm_step s, sp_error *err)
{
    r->step = s;
    return save(r, err);
}

sp_code spi_vm_finish(sp_vm_record *r, sp_vm_step s, sp_error *err)
{
    r->done |= 1u << s;
    return save(r, err);
}

sp_code spi_vm_undone(sp_vm_record *r, sp_vm_step s, sp_error *err)
{
    r->done &= ~(1u << s);
    if (r->step == s && s > 0)
        r->step = s - 1;
    return save(r, err);
}

sp_code spi_vm_set_state(sp_vm_record *r, sp_vm_state st, const sp_error *why,
                         sp_error *err)
{
    r->state = st;
    if (why) {
        free(r->error);
        r->error = spi_xstrdup(why->message);
    }
    return save(r, err);
}

/* ---- reading ---- */

static bool step_of(const char *s, sp_vm_step *out)
{
    for (int i = 0; i < SP_STEP_COUNT; i++)
        if (SPI_STREQ(s, step_names[i])) {
            *out = (sp_vm_step)i;
            return true;
        }
    return false;
}

static bool state_of(const char *s, sp_vm_state *out)
{
    for (size_t i = 0; i < SPI_ARRAY_SIZE(state_names); i++)
        if (SPI_STREQ(s, state_names[i])) {
            *out = (sp_vm_state)i;
            return true;
        }
    return false;
}

static bool copy_of(const char *s, sp_copy_method *out)
{
    *out = SPI_STREQ(s, "snapshot") ? SP_COPY_SNAPSHOT
           : SPI_STREQ(s, "clone")  ? SP_COPY_CLONE
                                    : SP_COPY_NONE;
    return *out != SP_COPY_NONE || SPI_STREQ(s, "auto");
}

/* An ID of @kind from @v into *@out (replacing one read before). */
static bool id_of(const char *v, sp_id_kind kind, sp_id **out)
{
    sp_id *id;
    sp_error e;
    if (sp_id_parse(v, &id, &e))
        return false;
    if (sp_id_get_kind(id) != kind) {
        sp_id_free(id);
        return false;
    }
    sp_id_free(*out);
    *out = id;
    return true;
}

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = spi_xstrdup(v);
}

static bool field(sp_vm_record *r, const char *k, const char *v)
{
    if (SPI_STREQ(k, "id"))
        return id_of(v, SP_ID_VM, &r->id);
    if (SPI_STREQ(k, "template"))
        return id_of(v, SP_ID_TMPL, &r->tmpl);
    if (SPI_STREQ(k, "pool"))
        return id_of(v, SP_ID_POOL, &r->pool);
    if (SPI_STREQ(k, "lun"))
        return id_of(v, SP_ID_LUN, &r->lun);
    if (SPI_STREQ(k, "copy"))
        return copy_of(v, &r->copy);
    if (SPI_STREQ(k, "state"))
        return state_of(v, &r->state);
    if (SPI_STREQ(k, "step"))
        return step_of(v, &r->step);
    if (SPI_STREQ(k, "done")) {
        sp_vm_step s;
        if (!step_of(v, &s))
            return false;
        r->done |= 1u << s;
        return true;
    }
    if (SPI_STREQ(k, "start")) {
        r->start = SPI_STREQ(v, "yes");
        return r->start || SPI_STREQ(v, "no");
    }
    if (SPI_STREQ(k, "number") || SPI_STREQ(k, "created")) {
        char *end;
        errno = 0;
        long long n = strtoll(v, &end, 10);
        if (errno || *end || end == v || n < 0 ||
            (k[0] == 'n' && (n == 0 || n > UINT32_MAX)))
            return false;
        if (k[0] == 'n')
            r->number = (uint32_t)n;
        else
            r->created = n;
        return true;
    }
    if (SPI_STREQ(k, "seconds")) {
        char *end;
        double s = strtod(v, &end);
        if (*end || end == v || !(s >= 0 && s < 1e9))
            return false;
        r->seconds = s;
        return true;
    }
    static const struct {
        const char *key;
        size_t off;
    } strs[] = {
        {"name", offsetof(sp_vm_record, name)},
        {"array", offsetof(sp_vm_record, array)},
        {"lun-name", offsetof(sp_vm_record, lun_name)},
        {"connect", offsetof(sp_vm_record, connect)},
        {"disk", offsetof(sp_vm_record, disk)},
        {"seed", offsetof(sp_vm_record, seed)},
        {"error", offsetof(sp_vm_record, error)},
    };
    for (size_t i = 0; i < SPI_ARRAY_SIZE(strs); i++)
        if (SPI_STREQ(k, strs[i].key)) {
            set_str((char **)((char *)r + strs[i].off), v);
            return true;
        }
    return true; /* a key of a later version: kept out, not refused */
}

sp_code sp_vm_record_parse(const char *text, size_t len, const char *origin,
                           sp_vm_record **out, sp_error *err)
{
    *out = NULL;
    if (len > RECORD_MAX)
        return sp_error_set(err, SP_ERR_IO,
                            "'%s': a VM record is at most %d "
                            "bytes",
                            origin, RECORD_MAX);
    sp_vm_record *r = spi_xcalloc(1, sizeof(*r));
    SPI_AUTOFREE char *copy = spi_xstrndup(text, len);
    if (strlen(copy) != len)
        goto bad_nul;
    unsigned line = 0;
    for (char *rest = copy, *s; (s = strsep(&rest, "\n"));) {
        line++;
        if (!*s)
            continue; /* a blank line */
        if (*s == '#')
            continue;
        char *eq = strchr(s, '=');
        bool ctl = false;
        for (const char *c = s; *c; c++)
            ctl |= (unsigned char)*c < 0x20 || *c == 0x7f;
        if (!eq || eq == s || ctl)
            goto bad;
        *eq = '\0';
        if (!field(r, s, eq + 1))
            goto bad;
    }
    if (!r->id || !r->name || !*r->name || !r->tmpl || !r->array) {
        sp_vm_record_free(r);
        return sp_error_set(err, SP_ERR_IO,
                            "'%s': not a VM record (id, name, template or "
                            "array missing)",
                            origin);
    }
    r->host = spi_xstrdup(sp_id_field(r->id, 0));
    r->uuid = spi_xstrdup(sp_id_field(r->id, 1));
    if (!r->lun_name)
        r->lun_name = spi_xstrdup(r->name);
    r->idle = true;
    *out = r;
    return SP_OK;
bad:
    sp_vm_record_free(r);
    return sp_error_set(err, SP_ERR_IO, "'%s', line %u: bad VM record line",
                        origin, line);
bad_nul:
    sp_vm_record_free(r);
    return sp_error_set(err, SP_ERR_IO, "'%s': a NUL byte in a VM record",
                        origin);
}

/* ---- files and locks ---- */

char *spi_vms_dir(sp_library *lib, sp_error *err)
{
    char *dir = spi_xasprintf("%s/vms", sp_library_path(lib));
    if (spi_mkdir_p(dir, 0755, err)) {
        free(dir);
        return NULL;
    }
    return dir;
}

sp_code spi_vm_lock(const char *dir, const char *uuid, bool wait, int *fd,
                    sp_error *err)
{
    *fd = -1;
    SPI_AUTOFREE char *path = spi_xasprintf("%s/%s.lock", dir, uuid);
    for (;;) {
        int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (f < 0)
            return sp_error_set(err, SP_ERR_IO, "cannot open '%s': %s", path,
                                strerror(errno));
        int rc;
        while ((rc = flock(f, LOCK_EX | (wait ? 0 : LOCK_NB))) != 0 &&
               errno == EINTR)
            ;
        if (rc != 0) {
            int e = errno;
            close(f);
            if (e == EWOULDBLOCK)
                return sp_error_set(err, SP_ERR_PRECONDITION,
                                    "another process is working on VM %s "
                                    "(it holds '%s')",
                                    uuid, path);
            return sp_error_set(err, SP_ERR_IO, "cannot lock '%s': %s", path,
                                strerror(e));
        }
        /* The lock file may have been removed (the VM forgotten) between
         * our open and our lock: then lock the new one. */
        struct stat a, b;
        if (fstat(f, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
            a.st_dev == b.st_dev) {
            *fd = f;
            return SP_OK;
        }
        close(f);
    }
}

/* Whether a process holds the lock of @uuid now. */
static bool busy(const char *dir, const char *uuid)
{
    SPI_AUTOFREE char *path = spi_xasprintf("%s/%s.lock", dir, uuid);
    int f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0)
        return false;
    bool held = flock(f, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    close(f);
    return held;
}

sp_code spi_vm_forget(sp_vm_record *r, const char *dir, int *fd, sp_error *err)
{
    SPI_AUTOFREE char *lock = spi_xasprintf("%s/%s.lock", dir, r->uuid);
    SPI_AUTOFREE char *path = spi_xasprintf("%s/%s.vm", dir, r->uuid);
    if (unlink(path) != 0 && errno != ENOENT)
        return sp_error_set(err, SP_ERR_IO, "cannot remove '%s': %s", path,
                            strerror(errno));
    unlink(lock);
    spi_unlock(fd);
    return r->lazy ? SP_OK : spi_sync_dir_of(path, err);
}

static sp_code load_file(const char *dir, const char *uuid, sp_vm_record **out,
                         sp_error *err)
{
    SPI_AUTOFREE char *path = spi_xasprintf("%s/%s.vm", dir, uuid);
    SPI_AUTOFREE char *text = NULL;
    sp_code rc = spi_read_small(path, RECORD_MAX, &text, err);
    if (rc)
        return rc;
    if ((rc = sp_vm_record_parse(text, strlen(text), path, out, err)))
        return rc;
    if (!SPI_STREQ((*out)->uuid, uuid)) {
        sp_vm_record_free(*out);
        *out = NULL;
        return sp_error_set(err, SP_ERR_IO,
                            "'%s' holds the record of "
                            "another VM",
                            path);
    }
    (*out)->path = spi_xstrdup(path);
    (*out)->idle = !busy(dir, uuid);
    return SP_OK;
}

sp_code sp_vm_record_load(sp_library *lib, const sp_id *vm, sp_vm_record **out,
                          sp_error *err)
{
    *out = NULL;
    if (sp_id_get_kind(vm) != SP_ID_VM)
        return sp_error_set(err, SP_ERR_BAD_ID, "'%s' is not a vm ID",
                            sp_id_str(vm));
    SPI_AUTOFREE char *dir = spi_vms_dir(lib, err);
    if (!dir)
        return err->code;
    const char *uuid = sp_id_field(vm, 1);
    sp_code rc = load_file(dir, uuid, out, err);
    if (rc == SP_ERR_NOT_FOUND)
        return sp_error_set(err, SP_ERR_NOT_FOUND,
                            "no VM %s is recorded in the library",
                            sp_id_str(vm));
    if (!rc && !sp_id_equal((*out)->id, vm)) {
        sp_vm_record_free(*out);
        *out = NULL;
        return sp_error_set(err, SP_ERR_NOT_FOUND,
                            "no VM %s is recorded in the library (its UUID "
                            "is on another host)",
                            sp_id_str(vm));
    }
    return rc;
}

static int by_name(const void *a, const void *b)
{
    const sp_vm_record *x = *(sp_vm_record *const *)a;
    const sp_vm_record *y = *(sp_vm_record *const *)b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->host, y->host);
}

sp_code sp_vm_records(sp_library *lib, sp_vm_record_fn fn, void *ctx,
                      sp_error *err)
{
    SPI_AUTOFREE char *dir = spi_vms_dir(lib, err);
    if (!dir)
        return err->code;
    DIR *d = opendir(dir);
    if (!d)
        return sp_error_set(err, SP_ERR_IO, "cannot read '%s': %s", dir,
                            strerror(errno));
    sp_vm_record **v = NULL;
    size_t n = 0, cap = 0;
    sp_code rc = SP_OK;
    for (struct dirent *e; !rc && (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len != 36 + 3 || !SPI_STREQ(e->d_name + 36, ".vm"))
            continue;
        SPI_AUTOFREE char *uuid = spi_xstrndup(e->d_name, 36);
        sp_vm_record *r;
        rc = load_file(dir, uuid, &r, err);
        if (rc == SP_ERR_NOT_FOUND) { /* forgotten meanwhile */
            rc = SP_OK;
            continue;
        }
        if (!rc) {
            spi_xgrow((void **)&v, &cap, n + 1, sizeof(*v));
            v[n++] = r;
        }
    }
    closedir(d);
    if (n)
        qsort(v, n, sizeof(*v), by_name);
    size_t i = 0;
    for (; !rc && i < n; i++)
        if (fn(v[i], ctx) < 0) {
            rc = sp_error_set(err, SP_ERR_CANCELLED, "stopped by the caller");
            i++;
            break;
        }
    for (; i < n; i++)
        sp_vm_record_free(v[i]);
    free(v);
    return rc;
}
