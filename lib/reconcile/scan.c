/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/reconcile/scan.c: what the reconciler reads: the entries, records
 * and journals of the library, the LUNs of each array, the domains of each
 * host, and when orphans were first found. */
#include "reconcile.h"
#include "../util/file.h"
#include "../util/tag.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/file.h>
#include <unistd.h>

bool rc_report(struct rc *rc, sp_finding *f)
{
    if (!rc->stopped && rc->fn && rc->fn(f, rc->ctx))
        rc->stopped = true;
    return !rc->stopped;
}

void rc_source_failed(struct rc *rc, const sp_error *err)
{
    /* The first is the caller's to tell (sp_reconcile()'s error). */
    if (!rc->first.code)
        sp_error_copy(&rc->first, err);
    else
        sp_log(SP_LOG_WARN, "%s", err->message);
}

/* ---- entries ---- */

static void add_entry(struct rc *rc, const char *uuid)
{
    for (size_t i = 0; i < rc->nentries; i++)
        if (SPI_STREQ(rc->entries[i], uuid))
            return;
    spi_xgrow((void **)&rc->entries, &rc->capentries, rc->nentries + 1,
              sizeof(*rc->entries));
    rc->entries[rc->nentries++] = spi_xstrdup(uuid);
}

/* The UUIDs that begin the names of the files of @dir. */
static void entries_of(struct rc *rc, const char *dir)
{
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        char uuid[37];
        if (strlen(e->d_name) < 37 || e->d_name[36] != '.')
            continue;
        memcpy(uuid, e->d_name, 36);
        uuid[36] = '\0';
        if (spi_uuid_valid(uuid))
            add_entry(rc, uuid);
    }
    if (d)
        closedir(d);
}

void rc_read_entries(struct rc *rc)
{
    SPI_AUTOFREE char *vms = spi_xasprintf("%s/vms", sp_library_path(rc->lib));
    SPI_AUTOFREE char *js =
        spi_xasprintf("%s/journals", sp_library_path(rc->lib));
    entries_of(rc, vms);
    entries_of(rc, js);
}

bool rc_entry_known(const struct rc *rc, const char *prefix)
{
    for (size_t i = 0; i < rc->nentries; i++)
        if (spi_tag_names(prefix, rc->entries[i], SPI_TAG_ENTRY_HEX))
            return true;
    return false;
}

/* ---- records and journals ---- */

static int keep_record(sp_vm_record *r, void *ctx)
{
    struct rc *rc = ctx;
    rc->recs = spi_xrealloc(rc->recs, (rc->nrecs + 1) * sizeof(*rc->recs));
    rc->recs[rc->nrecs++] = r;
    return 0;
}

/* Whether the run of journal @path's lock @lockpath still holds it. */
static bool lock_held(const char *lockpath)
{
    int fd = open(lockpath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return false;
    bool held = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    close(fd);
    return held;
}

static void read_journal(struct rc *rc, const char *dir, const char *file)
{
    SPI_AUTOFREE char *path = spi_xasprintf("%s/%s", dir, file);
    SPI_AUTOFREE char *text = NULL;
    sp_error e;
    struct rc_journal j = {0};
    memcpy(j.entry, file, 36);
    if (spi_read_small(path, SPI_JOURNAL_MAX, &text, &e) ||
        spi_journal_parse(text, strlen(text), path, &j.d, &e)) {
        if (e.code != SP_ERR_NOT_FOUND) /* ended meanwhile */
            sp_log(SP_LOG_WARN, "%s", e.message);
        return;
    }
    SPI_AUTOFREE char *lock = spi_xasprintf("%s/%s.lock", dir, j.entry);
    j.alive =
        lock_held(lock) ||
        spi_holder_state(&j.d.holder, SP_RESERVATION_GRACE) != SPI_HOLDER_GONE;
    rc->js = spi_xrealloc(rc->js, (rc->njs + 1) * sizeof(*rc->js));
    rc->js[rc->njs++] = j;
}

static void release_library(struct rc *rc)
{
    for (size_t i = 0; i < rc->nrecs; i++)
        sp_vm_record_free(rc->recs[i]);
    free(rc->recs);
    rc->recs = NULL;
    rc->nrecs = 0;
    for (size_t i = 0; i < rc->njs; i++)
        spi_jdata_release(&rc->js[i].d);
    free(rc->js);
    rc->js = NULL;
    rc->njs = 0;
}

sp_code rc_read_library(struct rc *rc, sp_error *err)
{
    release_library(rc);
    if (sp_vm_records(rc->lib, keep_record, rc, err))
        return err->code;
    SPI_AUTOFREE char *dir = spi_journals_dir(rc->lib, false, err);
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len == 36 + 8 && SPI_STREQ(e->d_name + 36, ".journal"))
            read_journal(rc, dir, e->d_name);
    }
    if (d)
        closedir(d);
    return SP_OK;
}

/* ---- arrays ---- */

struct listing {
    struct rc *rc;
    struct rc_array *ra;
};

static int keep_lun(sp_lun *l, void *ctx)
{
    struct listing *li = ctx;
    struct rc_array *ra = li->ra;
    spi_xgrow((void **)&ra->luns, &ra->cap, ra->n + 1, sizeof(*ra->luns));
    struct rc_lun *k = &ra->luns[ra->n++];
    memset(k, 0, sizeof(*k));
    k->key = spi_xstrdup(sp_id_field(sp_lun_id(l), 1));
    k->wwn = spi_xstrdup(sp_lun_wwn(l));
    k->ninit = sp_lun_mask_count(l);
    k->initiators = spi_xcalloc(k->ninit + 1, sizeof(*k->initiators));
    for (size_t i = 0; i < k->ninit; i++)
        k->initiators[i] = spi_xstrdup(sp_lun_mask_initiator(l, i));
    rc_lun_found(li->rc, ra, l);
    sp_lun_free(l);
    return li->rc->stopped ? -1 : 0;
}

void rc_scan_arrays(struct rc *rc)
{
    size_t n = sp_config_count(rc->cfg, "array");
    rc->arrays = spi_xcalloc(n ? n : 1, sizeof(*rc->arrays));
    for (size_t i = 0; i < n && !rc->stopped; i++) {
        struct rc_array *ra = &rc->arrays[rc->narrays++];
        ra->name = spi_xstrdup(sp_config_name(rc->cfg, "array", i));
        sp_error why, e;
        sp_error_clear(&why);
        struct listing li = {rc, ra};
        if (sp_array_open(rc->cfg, ra->name, 0, &ra->a, &why) == SP_OK &&
            sp_array_list_luns(ra->a, NULL, SP_LUN_MASKING, keep_lun, &li) &&
            !rc->stopped)
            sp_error_copy(&why, sp_array_error(ra->a));
        if (why.code) {
            sp_error_set(&e, why.code, "cannot list the LUNs of array '%s': %s",
                         ra->name, why.message);
            rc_source_failed(rc, &e);
            continue;
        }
        ra->listed = true;
    }
}

/* ---- hosts ---- */

static int keep_domain(const sp_host_vm *v, void *ctx)
{
    void **pair = ctx;
    struct rc *rc = pair[0];
    const char *host = pair[1];
    for (size_t i = 0; i < rc->ndoms; i++) /* hosts may share a hypervisor */
        if (SPI_STREQ(rc->doms[i].uuid, v->uuid))
            return 0;
    rc->doms = spi_xrealloc(rc->doms, (rc->ndoms + 1) * sizeof(*rc->doms));
    rc->doms[rc->ndoms++] = (struct rc_domain){
        .host = spi_xstrdup(host),
        .uuid = spi_xstrdup(v->uuid),
        .vm_id = spi_xstrdup(v->vm_id),
        .library = spi_xstrdup(v->library),
        .name = spi_xstrdup(v->name),
        .running = v->running,
    };
    return 0;
}

void rc_scan_hosts(struct rc *rc)
{
    size_t n = sp_config_count(rc->cfg, "host");
    rc->hosts_listed = spi_xcalloc(n ? n : 1, sizeof(*rc->hosts_listed));
    for (size_t i = 0; i < n && !rc->stopped; i++) {
        const char *name = sp_config_name(rc->cfg, "host", i);
        sp_host *h = NULL;
        sp_error why, e;
        sp_error_clear(&why);
        void *pair[2] = {rc, (void *)name};
        if (sp_host_open(rc->cfg, name, 0, &h, &why) == SP_OK &&
            sp_host_list_vms(h, keep_domain, pair) != SP_OK)
            sp_error_copy(&why, sp_host_error(h));
        if (why.code) {
            sp_error_set(&e, why.code, "cannot list the VMs of host '%s': %s",
                         name, why.message);
            rc_source_failed(rc, &e);
        } else {
            rc->hosts_listed[rc->nhosts_listed++] = spi_xstrdup(name);
        }
        sp_host_close(h);
    }
}

/* ---- ages ---- */

static char *seen_path(struct rc *rc)
{
    return spi_xasprintf("%s/reconcile/seen", sp_library_path(rc->lib));
}

void rc_seen_load(struct rc *rc)
{
    SPI_AUTOFREE char *path = seen_path(rc);
    SPI_AUTOFREE char *text = NULL;
    sp_error e;
    if (spi_read_small(path, 4u << 20, &text, &e))
        return;
    for (char *s = text, *nl; s && *s; s = nl ? nl + 1 : NULL) {
        nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        char *sp = strchr(s, ' ');
        if (!sp || !sp[1])
            continue;
        *sp = '\0';
        spi_xgrow((void **)&rc->seen, &rc->capseen, rc->nseen + 1,
                  sizeof(*rc->seen));
        rc->seen[rc->nseen++] =
            (struct rc_seen){spi_xstrdup(sp + 1), strtoll(s, NULL, 10), false};
    }
}

void rc_seen_save(struct rc *rc)
{
    size_t found = 0;
    for (size_t i = 0; i < rc->nseen; i++)
        found += rc->seen[i].found;
    if (!found && !rc->nseen)
        return; /* nothing to remember, nothing to forget */
    sp_buf b = SP_BUF_INIT(8u << 20);
    sp_buf_addstr(&b, "");
    for (size_t i = 0; i < rc->nseen; i++)
        if (rc->seen[i].found)
            sp_buf_addf(&b, "%" PRId64 " %s\n", rc->seen[i].since,
                        rc->seen[i].ref);
    size_t len = 0;
    SPI_AUTOFREE char *text = sp_buf_detach(&b, &len);
    SPI_AUTOFREE char *path = seen_path(rc);
    SPI_AUTOFREE char *dir =
        spi_xasprintf("%s/reconcile", sp_library_path(rc->lib));
    sp_error e;
    if (!text || spi_mkdir_p(dir, 0755, &e) ||
        spi_write_atomic(path, text, len, 0644, false, &e))
        sp_log(SP_LOG_WARN, "cannot write '%s'", path);
}

int64_t rc_age(struct rc *rc, const char *ref, const char *entry)
{
    int64_t t = spi_entry_time(entry);
    if (t >= 0)
        return rc->now > t ? rc->now - t : 0;
    for (size_t i = 0; i < rc->nseen; i++)
        if (SPI_STREQ(rc->seen[i].ref, ref)) {
            rc->seen[i].found = true;
            return rc->now > rc->seen[i].since ? rc->now - rc->seen[i].since
                                               : 0;
        }
    spi_xgrow((void **)&rc->seen, &rc->capseen, rc->nseen + 1,
              sizeof(*rc->seen));
    rc->seen[rc->nseen++] = (struct rc_seen){spi_xstrdup(ref), rc->now, true};
    return 0;
}

void rc_seen_forget(struct rc *rc, const char *ref)
{
    for (size_t i = 0; i < rc->nseen; i++)
        if (SPI_STREQ(rc->seen[i].ref, ref))
            rc->seen[i].found = false;
}

void rc_release(struct rc *rc)
{
    release_library(rc);
    for (size_t i = 0; i < rc->nentries; i++)
        free(rc->entries[i]);
    free(rc->entries);
    for (size_t i = 0; i < rc->narrays; i++) {
        struct rc_array *ra = &rc->arrays[i];
        for (size_t k = 0; k < ra->n; k++) {
            free(ra->luns[k].key);
            free(ra->luns[k].wwn);
            for (size_t m = 0; m < ra->luns[k].ninit; m++)
                free(ra->luns[k].initiators[m]);
            free(ra->luns[k].initiators);
        }
        free(ra->luns);
        free(ra->name);
        sp_array_close(ra->a);
    }
    free(rc->arrays);
    for (size_t i = 0; i < rc->ndoms; i++) {
        free(rc->doms[i].host);
        free(rc->doms[i].uuid);
        free(rc->doms[i].vm_id);
        free(rc->doms[i].library);
        free(rc->doms[i].name);
    }
    free(rc->doms);
    for (size_t i = 0; i < rc->nhosts_listed; i++)
        free(rc->hosts_listed[i]);
    free(rc->hosts_listed);
    for (size_t i = 0; i < rc->norphans; i++) {
        sp_id_free(rc->orphans[i].id);
        free(rc->orphans[i].name);
        free(rc->orphans[i].entry);
    }
    free(rc->orphans);
    for (size_t i = 0; i < rc->nseen; i++)
        free(rc->seen[i].ref);
    free(rc->seen);
}
