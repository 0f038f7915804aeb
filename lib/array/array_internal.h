/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/array_internal.h: the array driver table, the array handle, and
 * pool/LUN objects. */
#ifndef SANPROV_ARRAY_INTERNAL_H
#define SANPROV_ARRAY_INTERNAL_H

#include "../util/internal.h"
#include <sanprov/array.h>

/*
 * A driver fills this table with designated initializers; a NULL slot
 * means "not supported" and the public wrapper says so.  Keys are the
 * driver's own encoding of an object within the array (the last field of
 * its ID).  Errors go to a->err.
 */
struct sp_array_driver {
    const char *name;
    const char *const *schemes; /* URI schemes, NULL-terminated */
    bool hierarchical;          /* its URIs are SCHEME://..., else SCHEME:... */
    /* Prepare a->priv from the configuration; no I/O. */
    sp_code (*open)(sp_array *a);
    void (*close)(sp_array *a);
    /* What the array can do; cheap enough for the other operations to
     * call (they do, directly through the table). */
    sp_code (*capabilities)(sp_array *a, sp_array_caps *out);
    /* What the array is: vendor, model and firmware of @out, for
     * sp_array_capabilities() only (it may cost requests nothing else
     * needs).  NULL: the driver knows none of them. */
    sp_code (*identify)(sp_array *a, sp_array_caps *out);
    sp_code (*list_pools)(sp_array *a, sp_pool_fn fn, void *ctx);
    sp_code (*get_pool)(sp_array *a, const char *key, sp_pool **out);
    sp_code (*list_luns)(sp_array *a, const char *pool_key, unsigned int flags,
                         sp_lun_fn fn, void *ctx);
    sp_code (*get_lun)(sp_array *a, const char *key, unsigned int flags,
                       sp_lun **out);
    /* Look up @n LUNs at once, each as get_lun() with SP_LUN_IDS_ONLY:
     * out[i] NULL when @keys[i] names none.  @source_key (may be NULL): a
     * LUN they are copies of, which may let the driver ask once for all.
     * NULL: sp_array_get_luns() calls get_lun() for each. */
    sp_code (*get_luns)(sp_array *a, const char *const *keys, size_t n,
                        const char *source_key, sp_lun **out);
    /* Flags: SP_LUN_IDS_ONLY (the new LUN need not be read back);
     * copy_lun() also SP_LUN_KEY_ONLY (its ID may lack the WWN). */
    sp_code (*create_lun)(sp_array *a, const char *pool_key, const char *name,
                          uint64_t bytes, unsigned int flags, sp_lun **out);
    sp_code (*copy_lun)(sp_array *a, const char *source_key,
                        sp_copy_method method, const char *name,
                        const char *pool_key, unsigned int flags, sp_lun **out);
    sp_code (*delete_lun)(sp_array *a, const char *key, unsigned int flags);
    /* Read at once what deleting the LUNs of @keys needs to know, and keep
     * it for the delete_lun() calls of sp_array_delete_luns() that follow;
     * @n 0 forgets it.  A failure only means that each delete_lun() asks
     * for itself.  NULL: it always does. */
    sp_code (*delete_prepare)(sp_array *a, const char *const *keys, size_t n);
    sp_code (*mask)(sp_array *a, const char *const *keys, size_t n,
                    const sp_mask_target *target, unsigned int flags,
                    uint32_t *numbers);
    uint64_t (*requests)(const sp_array *a);
    sp_code (*lun_path)(sp_array *a, const char *key, char **out);
    sp_code (*pool_path)(sp_array *a, const char *key, char **out);
    sp_code (*connectivity)(sp_array *a, unsigned int *out);
    sp_code (*iscsi_target)(sp_array *a, const sp_mask_target *t, char **portal,
                            char **iqn);
    /* Make the changes made so far durable (NULL: they are when made). */
    sp_code (*sync)(sp_array *a);
};

extern const struct sp_array_driver spi_smis_driver;
extern const struct sp_array_driver spi_local_driver;

struct sp_array {
    const struct sp_array_driver *drv;
    const sp_config *cfg; /* borrowed: must outlive the array */
    char *name;
    char *uri;
    sp_error err;
    sp_progress_fn progress;
    void *progress_ctx;
    unsigned int timeout_s;
    char *pending_job; /* ID text of a job we stopped waiting for */
    void *priv;
    /* sp_array_set_tag(): UUIDs of the library and journal entry whose
     * work the LUNs made through the handle are, or NULL (tags.c). */
    char *tag_library, *tag_entry;
    /* LUNs whose WWN this handle read a moment ago (identity.c). */
    struct spi_verified *verified;
    size_t nverified, capverified;
};

/*
 * Identity (identity.c).  spi_array_check_identity(): when @id carries a
 * WWN, the LUN its key @key names now must have it (asked of the array
 * unless this handle read it a moment ago), else SP_ERR_PRECONDITION
 * saying both; SP_ERR_NOT_FOUND when the key names nothing.
 * spi_array_remember(): the WWN of a LUN just read or made;
 * spi_array_forget(): its key named nothing any more.
 */
sp_code spi_array_check_identity(sp_array *a, const sp_id *id, const char *key);
void spi_array_remember(sp_array *a, const sp_lun *l);
void spi_array_forget(sp_array *a, const char *key);
void spi_array_identity_free(sp_array *a);

/*
 * The library's locks (locks.c), held for one call and given back with
 * spi_locks_release() (NULL is fine).  spi_array_lock_mask(): the masking
 * of host @t on @a, "mask:ARRAY:HOST".  spi_array_lock_copy(): one of the
 * slots "copy:ARRAY:KEY:SLOT" of source @source_key when the array makes
 * only so many copies of one source at once (*@out NULL: no limit).  A
 * run waits its timeout (sp_array_set_timeout(), else
 * SPI_LOCK_WAIT_DEFAULT_S), then SP_ERR_LOCK_TIMEOUT naming the holder.
 */
#define SPI_LOCK_WAIT_DEFAULT_S 3600
/* What the configuration says of @a over its driver: max-copies-per-source. */
void spi_array_caps_configured(const sp_array *a, sp_array_caps *caps);
struct spi_locks;
sp_code spi_array_lock_mask(sp_array *a, const sp_mask_target *t,
                            struct spi_locks **out);
sp_code spi_array_lock_copy(sp_array *a, const char *source_key,
                            struct spi_locks **out);

/* Record an error in @a; returns @code. */
sp_code spi_array_fail(sp_array *a, sp_code code, const char *fmt, ...)
    SP_PRINTF(3, 4);
/* Record SP_ERR_CONFIG in @a for the value of key @key of its section:
 * "FILE:LINE: array 'NAME': MESSAGE"; returns SP_ERR_CONFIG. */
sp_code spi_array_config_fail(sp_array *a, const char *key, const char *fmt,
                              ...) SP_PRINTF(3, 4);
/* Copy @err into @a (the driver's sub-handle failed). */
sp_code spi_array_fail_with(sp_array *a, const sp_error *err);

/* Objects drivers hand out.  Strings are copied.  A key that cannot make
 * an ID (empty, or too long: keys come from the array) gives NULL, and a
 * warning; a @wwn that is not hex digits is dropped. */
sp_pool *spi_pool_new(sp_array *a, const char *key, const char *name,
                      uint64_t total, uint64_t free_bytes);
sp_lun *spi_lun_new(sp_array *a, const char *key, const char *name,
                    uint64_t size, const char *wwn);
void spi_lun_set_pool(sp_lun *l, sp_array *a, const char *pool_key);
void spi_lun_set_source(sp_lun *l, sp_array *a, const char *source_key,
                        sp_copy_method method);
void spi_lun_set_copied(sp_lun *l, const char *how, uint64_t bytes);
/* The tag of @l (UUIDs, or their first hex digits: see sp_lun_tag()). */
void spi_lun_set_tag(sp_lun *l, const char *library, const char *entry);

/*
 * Tags (tags.c).  spi_array_element_name(): the name a driver gives the
 * array for LUN @name, with the handle's tag when it has one, for a driver
 * that keeps tags in names (a new string).  spi_array_settled(): after the
 * driver's create or copy of @name in pool @pool_key (NULL: the pool of
 * source @source_key) ended in @rc, a lost answer is settled by the tag
 * (sp_array_set_tag()); returns the call's outcome.  spi_array_deleted():
 * after a delete of @key ended in @rc, a lost answer is settled by looking
 * whether the LUN is still there.
 */
char *spi_array_element_name(const sp_array *a, const char *name);
sp_code spi_array_settled(sp_array *a, sp_code rc, const char *pool_key,
                          const char *source_key, const char *name,
                          sp_lun **out);
sp_code spi_array_deleted(sp_array *a, sp_code rc, const char *key);
void spi_lun_add_mask(sp_lun *l, const char *initiator, uint32_t number);

/* The ID of a job of @a (pending or failed), for messages. */
char *spi_array_job_id(const sp_array *a, const char *key);

#endif
