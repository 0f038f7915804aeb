/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/file.h: crash-safe files, advisory locks, directories. */
#ifndef SANPROV_UTIL_FILE_H
#define SANPROV_UTIL_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <sanprov/error.h>

/* mkdir -p @path (each missing directory with @mode). */
sp_code spi_mkdir_p(const char *path, mode_t mode, sp_error *err);

/* Replace @path with @len bytes of @data, whole or not at all: written to
 * a temporary file beside it, renamed over it.  With @sync the file is
 * synced before the rename and the directory after it, so the new contents
 * survive a crash once this returns; without, a crash may leave the old
 * file or an empty one (the caller syncs later, spi_sync_file() and
 * spi_sync_dir_of()). */
sp_code spi_write_atomic(const char *path, const void *data, size_t len,
                         mode_t mode, bool sync, sp_error *err);

/* fsync @path; a file removed meanwhile is fine. */
sp_code spi_sync_file(const char *path, sp_error *err);

/* Sync the directory holding @path (after a rename or unlink in it). */
sp_code spi_sync_dir_of(const char *path, sp_error *err);

/* spi_open_regular()'s @flags. */
enum {
    SPI_OPEN_BLOCK = 1u << 0,    /* a block device will do too (an image) */
    SPI_OPEN_NOFOLLOW = 1u << 1, /* a symbolic link will not (a secret) */
};

/*
 * Open @path, a file a user named (a configuration, a password file, a
 * customization document, an image), for reading.  What is not a regular
 * file (with SPI_OPEN_BLOCK: nor a block device) is refused at once and
 * never waited for: a FIFO, a socket, a character device such as
 * /dev/zero or a terminal, a directory; SP_ERR_INVALID "'PATH' is a FIFO,
 * not a regular file".  The one place that rule lives: every reader of
 * such a file opens it here.  *@fd: blocking, close-on-exec, the caller's
 * to close; *@st (may be NULL): its fstat.  Errors: SP_ERR_NOT_FOUND,
 * SP_ERR_INVALID, SP_ERR_IO.
 */
sp_code spi_open_regular(const char *path, unsigned int flags, int *fd,
                         struct stat *st, sp_error *err);

/* Read all of a file of at most @max bytes, NUL-terminated; the file is
 * opened by spi_open_regular().  Errors: SP_ERR_NOT_FOUND, SP_ERR_INVALID
 * (not a regular file), SP_ERR_IO, SP_ERR_TOO_LARGE. */
sp_code spi_read_small(const char *path, size_t max, char **out, sp_error *err);

/* flock(@how: LOCK_EX or LOCK_SH) the file @path, made when missing; waits.
 * *@fd_out is the lock, released by spi_unlock(). */
sp_code spi_lock(const char *path, int how, int *fd_out, sp_error *err);
void spi_unlock(int *fd);

/* Sparse copies: the data of @src's first @size bytes to the same offsets
 * of @dst, holes skipped (SEEK_DATA/SEEK_HOLE), by copy_file_range or,
 * where that cannot go (*@plain set), read and write.  @hole_fn (may be
 * NULL) is called for each hole, for a target that may hold old data;
 * @progress (may be NULL) about twice a second.  *@copied: the bytes
 * copied. */
typedef sp_code (*spi_hole_fn)(int dst, uint64_t off, uint64_t len, void *ctx,
                               sp_error *err);
typedef void (*spi_progress_fn)(uint64_t done, uint64_t size, void *ctx);
sp_code spi_copy_sparse(int src, int dst, uint64_t size, spi_hole_fn hole_fn,
                        spi_progress_fn progress, void *ctx, uint64_t *copied,
                        bool *plain, sp_error *err);

/*
 * Whether user @uid (primary group @gid, and the other groups the user
 * database gives that user) can search each directory from / down to
 * @dir, as far as they exist, with ACLs counted: asked as that user, by a
 * child process when this one is root.  SP_OK; SP_ERR_PRECONDITION with
 * the first directory it cannot search in *@blocker (a new string);
 * SP_ERR_NOT_SUPPORTED when this process can tell for itself only (it is
 * neither root nor that user); SP_ERR_IO.
 */
sp_code spi_dir_searchable_by(const char *dir, uid_t uid, gid_t gid,
                              char **blocker, sp_error *err);

/* The name of user @uid into @out; false (and the number) when the user
 * database has none. */
bool spi_user_name(uid_t uid, char *out, size_t size);

#endif
