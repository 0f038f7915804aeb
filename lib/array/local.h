/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/local.h: the local array: pools are directories, LUNs sparse
 * image files with their metadata beside them, masking recorded per host
 * and, with an iscsi-portal, exported through tgt.
 *
 * On disk, under the array's directory ROOT (local:ROOT):
 *
 *     ROOT/.lock              flock: held while metadata changes
 *     ROOT/.array             id= (for WWNs), next= (the next LUN serial)
 *     ROOT/POOL/NAME.img      the LUN's data, a sparse raw image
 *     ROOT/POOL/NAME.meta     its metadata (key=value lines), replaced whole
 *     ROOT/.masking/T.mask    one masking record per host: its initiators,
 *                             its LUNs and their numbers
 *
 * A LUN's .meta says library= and entry= (two UUIDs) when sanprov's tag
 * was set on the handle that made it (sp_array_set_tag()); files written
 * before tags were have neither, and their LUNs are untagged.
 *
 * A LUN's key is POOL/NAME.  A LUN exists when its .meta says state=ready;
 * metadata is replaced whole (rename), and synced in batches (local_sync);
 * state=creating while its data is being made, by a process holding a
 * flock on the .img (a creating LUN whose lock is free was left by a
 * process that died, and is removed).
 */
#ifndef SANPROV_ARRAY_LOCAL_H
#define SANPROV_ARRAY_LOCAL_H

#include "array_internal.h"

#include <stdint.h>

struct local {
    char *root;
    char *portal;      /* iscsi-portal: LUNs are exported through tgt */
    char *tgt_port;    /* tgt-control-port: tgtadm -C, or NULL */
    int lock_fd;       /* the array lock while held, else -1 */
    int reflink;       /* every pool can reflink: -1 not known yet */
    char *kernel;      /* uname release, for identify */
    char array_id[37]; /* the array's UUID, for WWNs */
    uint64_t serial_next, serial_end; /* the block of serials taken */
    char **unsynced; /* metadata written lazily, synced by local_sync() */
    size_t nunsynced, capunsynced;
};

static inline struct local *local_of(sp_array *a)
{
    return a->priv;
}

struct local_meta {
    uint64_t size;
    char *wwn;
    uint64_t serial;
    bool creating;
    bool torn;    /* cut off by a crash before it was synced: no contents */
    char *source; /* key of the LUN it was copied from, or NULL */
    sp_copy_method copy;
    char *library, *entry; /* its tag's UUIDs, or NULL */
};

void local_meta_release(struct local_meta *m);

/* Paths of a pool and of a LUN's files (new strings). */
char *local_pool_dir(sp_array *a, const char *pool);
char *local_lun_file(sp_array *a, const char *key, const char *ext);

/* Split key POOL/NAME; false when it is not one (message in a->err). */
bool local_split_key(sp_array *a, const char *key, char **pool, char **name);
/* Whether @key is POOL/NAME with both parts names. */
bool local_key_ok(const char *key);
/* Whether @s may name a pool or a LUN (a file name, not hidden). */
bool local_name_ok(const char *s);

/* The array lock (ROOT/.lock); made with the array directory. */
sp_code local_lock(sp_array *a);
void local_unlock(sp_array *a);

/* Make the array directory and its default pools on first use. */
sp_code local_prepare(sp_array *a);
/* The pool directory of @pool, which must exist (or be configured, and
 * then it is made).  Errors: SP_ERR_NOT_FOUND. */
sp_code local_pool_check(sp_array *a, const char *pool);

/* Read the metadata of LUN @key.  Errors: SP_ERR_NOT_FOUND. */
sp_code local_meta_read(sp_array *a, const char *key, struct local_meta *m);
sp_code local_meta_write(sp_array *a, const char *key,
                         const struct local_meta *m);
/* Metadata is written without waiting for the disk; local_sync() makes
 * it durable (sp_array_sync(), and on close): one flush for a batch. */
void local_sync_later(sp_array *a, const char *path);
sp_code local_sync(sp_array *a);
/* True when a creating LUN's maker is gone (its .img lock is free). */
bool local_meta_stale(sp_array *a, const char *key);
/* Remove LUN @key's files (.img first, then .meta). */
sp_code local_remove_files(sp_array *a, const char *key);

/* A new WWN and serial (under the lock). */
sp_code local_next_serial(sp_array *a, uint64_t *serial, char **wwn);

/* Visit the pools' names (directories of ROOT and configured pools). */
typedef int (*local_name_fn)(sp_array *a, const char *name, void *ctx);
sp_code local_each_pool(sp_array *a, local_name_fn fn, void *ctx);
/* Visit the keys of the LUNs of @pool (any state). */
sp_code local_each_lun(sp_array *a, const char *pool, local_name_fn fn,
                       void *ctx);

/* Whether the file system of @dir makes reflink copies. */
bool local_can_reflink(const char *dir);
/* The file system type's name of open file @fd ("xfs", "ext4", ...). */
const char *local_fs_name(int fd);

/* Data of a copy: @dst (open, empty) from @src.  @method decides: a
 * snapshot must be a reflink; a clone is one where possible, else a
 * sparse copy.  *@how says which, *@copied the bytes moved. */
sp_code local_copy_data(sp_array *a, int src, int dst, uint64_t size,
                        sp_copy_method method, const char *what,
                        const char **how, uint64_t *copied);

/* Masking (local_mask.c). */
sp_code local_mask(sp_array *a, const char *const *keys, size_t n,
                   const sp_mask_target *t, unsigned int flags,
                   uint32_t *numbers);
/* Add LUN @key's masking to @l (may be NULL); *@masked (may be NULL):
 * whether it is masked.  Reads every record: for one LUN. */
sp_code local_mask_of(sp_array *a, const char *key, sp_lun *l, bool *masked);
/* The records read once, for a listing of many LUNs. */
struct local_masking;
sp_code local_connectivity(sp_array *a, unsigned int *out);
sp_code local_iscsi_target(sp_array *a, const sp_mask_target *t, char **portal,
                           char **iqn);
sp_code local_masking_read(sp_array *a, struct local_masking **out);
void local_masking_free(struct local_masking *m);
/* local_mask_of() over records read before; gives whether it is masked. */
bool local_masking_of(const struct local_masking *m, const char *key,
                      sp_lun *l);
/* Drop LUN @key from every record (for a forced delete); lock held. */
sp_code local_unmask_everywhere(sp_array *a, const char *key);

/* tgt (local_tgt.c): make tgtd export exactly @nluns LUNs to @ninit
 * initiator names through target @iqn; with @nluns 0 remove the target. */
struct local_tgt_lun {
    uint32_t number;
    const char *path;
    const char *wwn;
    uint64_t serial;
};
sp_code local_tgt_apply(sp_array *a, const char *iqn, const char *const *inits,
                        size_t ninit, const struct local_tgt_lun *luns,
                        size_t nluns);

/* The LUN functions of the driver table (local_luns.c). */
sp_code local_list_luns(sp_array *a, const char *pool_key, unsigned int flags,
                        sp_lun_fn fn, void *ctx);
sp_code local_get_lun(sp_array *a, const char *key, unsigned int flags,
                      sp_lun **out);
sp_code local_create_lun(sp_array *a, const char *pool_key, const char *name,
                         uint64_t bytes, unsigned int flags, sp_lun **out);
sp_code local_copy_lun(sp_array *a, const char *source_key,
                       sp_copy_method method, const char *name,
                       const char *pool_key, unsigned int flags, sp_lun **out);
sp_code local_delete_lun(sp_array *a, const char *key, unsigned int flags);
sp_code local_lun_path(sp_array *a, const char *key, char **out);

#endif
