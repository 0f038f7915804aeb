/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/locks.c: the library's locks around array calls that must not
 * run at once on one object: one host's masking, copies of one source. */
#include "array_internal.h"
#include "../util/holder.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>

/*
 * Why in the library and not on the array: SMI-S has no lock an array
 * keeps for a client, and two runs that make a host's first view at once
 * both see none and both make one.  The locks live in LIBRARY/locks/, one
 * flock()ed file per name ("mask:ARRAY:HOST", "copy:ARRAY:KEY:SLOT"), so
 * the runs sharing a library wait for each other and a dead run's locks
 * go with it.  Runs of other libraries are not held back: the masking
 * code converges with them instead (smis_mask.c).  The files stay (one
 * removed while another run opens it would be two locks of one name).
 */

/* $SANPROV_NO_LOCKS=1: no locks at all, to measure what they cost
 * (sanprov(7), ENVIRONMENT); runs of one library may then collide. */
static bool locks_off(void)
{
    const char *v = getenv("SANPROV_NO_LOCKS");
    return v && SPI_STREQ(v, "1");
}

static char *lock_dir(const sp_array *a)
{
    return spi_xasprintf("%s/locks", sp_config_library(a->cfg));
}

/* How long a run waits for a lock: its --timeout, as for array jobs, since
 * the holder may keep the lock as long as it waits for its own job. */
static unsigned int wait_s(const sp_array *a)
{
    return a->timeout_s ? a->timeout_s : SPI_LOCK_WAIT_DEFAULT_S;
}

/* Take the locks @names, saying at -v when another run makes us wait. */
static sp_code take(sp_array *a, const char *const *names, size_t n,
                    unsigned int timeout_s, struct spi_locks **out)
{
    SPI_AUTOFREE char *dir = lock_dir(a);
    sp_error e;
    if (locks_off()) {
        *out = NULL;
        return SP_OK;
    }
    sp_code rc = spi_locks_take(dir, names, n, 0, out, &e);
    if (rc == SP_ERR_LOCK_TIMEOUT && timeout_s) {
        sp_log(SP_LOG_INFO,
               "array %s: waiting up to %u s for '%s', which another run "
               "holds",
               a->name, timeout_s, names[0]);
        rc = spi_locks_take(dir, names, n, timeout_s, out, &e);
    }
    return rc ? spi_array_fail_with(a, &e) : SP_OK;
}

sp_code spi_array_lock_mask(sp_array *a, const sp_mask_target *t,
                            struct spi_locks **out)
{
    SPI_AUTOFREE char *name =
        spi_xasprintf("mask:%s:%s", a->name, t->name ? t->name : "");
    const char *names[] = {name};
    if (take(a, names, 1, wait_s(a), out) == SP_ERR_LOCK_TIMEOUT) {
        sp_error e = a->err;
        spi_array_fail(a, e.code,
                       "another run is changing the masking of host '%s' on "
                       "array '%s': %s",
                       t->name ? t->name : "", a->name, e.message);
    }
    return a->err.code;
}

void spi_array_caps_configured(const sp_array *a, sp_array_caps *caps)
{
    const char *v =
        sp_config_get(a->cfg, "array", a->name, "max-copies-per-source");
    if (v) /* checked when the configuration was read */
        caps->max_copies_per_source = (unsigned int)strtoul(v, NULL, 10);
}

/* The copies of one source the array makes at once (0: no limit). */
static sp_code copy_limit(sp_array *a, unsigned int *out)
{
    sp_array_caps caps;
    memset(&caps, 0, sizeof(caps));
    sp_code rc = a->drv->capabilities(a, &caps);
    spi_array_caps_configured(a, &caps);
    *out = rc ? 0 : caps.max_copies_per_source;
    return rc;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

sp_code spi_array_lock_copy(sp_array *a, const char *source_key,
                            struct spi_locks **out)
{
    *out = NULL;
    unsigned int limit;
    if (copy_limit(a, &limit) || !limit)
        return a->err.code;
    /* Any free slot of the @limit will do: try them in turn (never waiting
     * on one while another is free), then nap and try again. */
    unsigned int timeout = wait_s(a);
    double deadline = now_s() + timeout;
    useconds_t nap = 10000;
    bool said = false;
    for (;;) {
        sp_code rc = SP_OK;
        for (unsigned int k = 0; k < limit; k++) {
            SPI_AUTOFREE char *name =
                spi_xasprintf("copy:%s:%s:%u", a->name, source_key, k);
            const char *names[] = {name};
            if ((rc = take(a, names, 1, 0, out)) != SP_ERR_LOCK_TIMEOUT)
                return rc;
        }
        if (now_s() >= deadline)
            break;
        if (!said)
            sp_log(SP_LOG_INFO,
                   "array %s: waiting up to %u s for one of the %u copies of "
                   "'%s' it makes at once to end",
                   a->name, timeout, limit, source_key);
        said = true;
        usleep(nap);
        if (nap < 200000)
            nap *= 2;
    }
    sp_error e = a->err;
    return spi_array_fail(a, SP_ERR_LOCK_TIMEOUT,
                          "array '%s' makes %u cop%s of one LUN at once "
                          "(max-copies-per-source), and other runs' copies "
                          "of '%s' were still being made after %u s: %s",
                          a->name, limit, limit == 1 ? "y" : "ies", source_key,
                          timeout, e.message);
}
