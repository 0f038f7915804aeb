/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/identity.c: a LUN is its key and its WWN: the WWN read again
 * before a call changes, unmasks, copies or hands out the LUN a key names. */
#include "array_internal.h"

#include <time.h>

/*
 * Arrays reuse keys: a LUN deleted behind sanprov's back and made again
 * gets the old DeviceID (VNX LUN numbers, a local LUN's name) with a new
 * WWN.  An ID that carries the WWN names that LUN only, so before a call
 * that acts on it the array is asked which WWN the key names now.
 *
 * What this handle read itself a moment ago (a LUN it just made, copied or
 * checked) is not asked again within VERIFIED_SECONDS: a deploy masks the
 * copy it made a few milliseconds before, and asking costs a round trip a
 * LUN.  Another process's swap within that window is the risk accepted;
 * sp_array_check_lun() always asks, unless SP_CHECK_RECENT says that a
 * batch read a moment ago (sp_array_get_luns()) is what the caller wants
 * checked against.
 */
#define VERIFIED_SECONDS 30
#define VERIFIED_MAX     4096

struct spi_verified {
    char *key, *wwn;
    time_t at;
};

static time_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

static struct spi_verified *find(sp_array *a, const char *key)
{
    for (size_t i = 0; i < a->nverified; i++)
        if (SPI_STREQ(a->verified[i].key, key))
            return &a->verified[i];
    return NULL;
}

static void drop(sp_array *a, size_t i)
{
    free(a->verified[i].key);
    free(a->verified[i].wwn);
    a->verified[i] = a->verified[--a->nverified];
}

void spi_array_remember(sp_array *a, const sp_lun *l)
{
    const char *key = sp_id_field(sp_lun_id(l), 1);
    const char *wwn = sp_lun_wwn(l);
    if (!key || !wwn)
        return;
    struct spi_verified *v = find(a, key);
    if (!v) {
        if (a->nverified == VERIFIED_MAX)
            drop(a, 0);
        spi_xgrow((void **)&a->verified, &a->capverified, a->nverified + 1,
                  sizeof(*a->verified));
        v = &a->verified[a->nverified++];
        v->key = spi_xstrdup(key);
        v->wwn = NULL;
    }
    free(v->wwn);
    v->wwn = spi_xstrdup(wwn);
    v->at = now_s();
}

void spi_array_forget(sp_array *a, const char *key)
{
    struct spi_verified *v = find(a, key);
    if (v)
        drop(a, (size_t)(v - a->verified));
}

void spi_array_identity_free(sp_array *a)
{
    while (a->nverified)
        drop(a, 0);
    free(a->verified);
    a->verified = NULL;
    a->capverified = 0;
}

/* The WWN key @key names now, asked of the array (NULL: it gives none). */
static sp_code current_wwn(sp_array *a, const char *key, char **wwn)
{
    sp_lun *l = NULL;
    *wwn = NULL;
    sp_code rc = a->drv->get_lun(a, key, SP_LUN_IDS_ONLY, &l);
    if (rc)
        return rc;
    *wwn = spi_xstrdup(sp_lun_wwn(l));
    spi_array_remember(a, l);
    sp_lun_free(l);
    return SP_OK;
}

static sp_code check(sp_array *a, const sp_id *id, const char *key, bool fresh)
{
    const char *want = sp_id_field(id, 2);
    if (!want)
        return SP_OK; /* named by its key alone */
    struct spi_verified *v = fresh ? NULL : find(a, key);
    if (v && now_s() - v->at <= VERIFIED_SECONDS && sp_wwn_equal(v->wwn, want))
        return SP_OK;
    SPI_AUTOFREE char *got = NULL;
    sp_code rc = current_wwn(a, key, &got);
    if (rc)
        return rc;
    if (sp_wwn_equal(got, want))
        return SP_OK;
    spi_array_forget(a, key);
    if (!got)
        return spi_array_fail(a, SP_ERR_PRECONDITION,
                              "array '%s' gives the LUN of key '%s' no WWN "
                              "now, so it cannot be told from another; "
                              "nothing was changed",
                              a->name, key);
    return spi_array_fail(a, SP_ERR_PRECONDITION,
                          "its key now names another LUN, WWN %s, not %s "
                          "(deleted and made again behind sanprov's "
                          "back?); nothing was changed",
                          got, want);
}

sp_code spi_array_check_identity(sp_array *a, const sp_id *id, const char *key)
{
    return check(a, id, key, false);
}

sp_code sp_array_check_lun(sp_array *a, const sp_id *id, unsigned int flags)
{
    sp_error_clear(&a->err);
    if (flags & ~SP_CHECK_RECENT)
        return spi_array_fail(a, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    if (!id || sp_id_get_kind(id) != SP_ID_LUN ||
        !SPI_STREQ(sp_id_field(id, 0), a->name))
        return spi_array_fail(a, SP_ERR_INVALID, "'%s' is no LUN of array '%s'",
                              id ? sp_id_str(id) : "", a->name);
    if (!a->drv->get_lun)
        return spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                              "array '%s' (driver %s) cannot look up LUNs",
                              a->name, a->drv->name);
    return check(a, id, sp_id_field(id, 1), !(flags & SP_CHECK_RECENT));
}
