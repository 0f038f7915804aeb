/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/local_copy.c: the data of the local array's SAN copies: a
 * reflink (FICLONE) where the file system shares extents, else a sparse
 * copy that keeps the holes (SEEK_DATA/SEEK_HOLE, copy_file_range, and
 * read/write where that cannot cross file systems). */
#include "local.h"
#include "../util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifndef XFS_SUPER_MAGIC
#define XFS_SUPER_MAGIC 0x58465342
#endif
#ifndef ZFS_SUPER_MAGIC
#define ZFS_SUPER_MAGIC 0x2fc12fc1
#endif

const char *local_fs_name(int fd)
{
    static const struct {
        long magic;
        const char *name;
    } known[] = {
        {XFS_SUPER_MAGIC, "xfs"},   {BTRFS_SUPER_MAGIC, "btrfs"},
        {EXT4_SUPER_MAGIC, "ext4"}, {TMPFS_MAGIC, "tmpfs"},
        {NFS_SUPER_MAGIC, "nfs"},   {OVERLAYFS_SUPER_MAGIC, "overlayfs"},
        {ZFS_SUPER_MAGIC, "zfs"},
    };
    struct statfs fs;
    if (fstatfs(fd, &fs) != 0)
        return "unknown";
    for (size_t i = 0; i < SPI_ARRAY_SIZE(known); i++)
        if ((long)fs.f_type == known[i].magic)
            return known[i].name;
    return "unknown";
}

/* Errors of FICLONE that mean "not here" rather than "it went wrong". */
static bool no_reflink(int e)
{
    return e == EOPNOTSUPP || e == ENOTTY || e == EXDEV || e == EINVAL ||
           e == ENOSYS || e == EPERM;
}

bool local_can_reflink(const char *dir)
{
    char a[4096], b[4096];
    snprintf(a, sizeof(a), "%s/.reflink-probe.%ld.a", dir, (long)getpid());
    snprintf(b, sizeof(b), "%s/.reflink-probe.%ld.b", dir, (long)getpid());
    int fa = open(a, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int fb = open(b, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = false;
    if (fa >= 0 && fb >= 0) {
        static const char block[4096];
        ok = write(fa, block, sizeof(block)) == (ssize_t)sizeof(block) &&
             ioctl(fb, FICLONE, fa) == 0;
    }
    if (fa >= 0)
        close(fa);
    if (fb >= 0)
        close(fb);
    unlink(a);
    unlink(b);
    return ok;
}

struct progress {
    sp_array *a;
    const char *what;
};

static void progress(uint64_t done, uint64_t size, void *ctx)
{
    struct progress *p = ctx;
    if (p->a->progress)
        p->a->progress(p->what, (int)(done * 100 / size), p->a->progress_ctx);
}

static sp_code sparse_copy(sp_array *a, int src, int dst, uint64_t size,
                           const char *what, const char **how, uint64_t *copied)
{
    if (ftruncate(dst, (off_t)size) != 0)
        return spi_array_fail(a, SP_ERR_IO, "cannot size the copy: %s",
                              strerror(errno));
    bool plain = false;
    struct progress p = {a, what};
    sp_error err;
    if (spi_copy_sparse(src, dst, size, NULL, progress, &p, copied, &plain,
                        &err))
        return spi_array_fail_with(a, &err);
    *how = plain ? "sparse copy (read/write)" : "sparse copy";
    return SP_OK;
}

sp_code local_copy_data(sp_array *a, int src, int dst, uint64_t size,
                        sp_copy_method method, const char *what,
                        const char **how, uint64_t *copied)
{
    *copied = 0;
    if (ioctl(dst, FICLONE, src) == 0) {
        *how = "reflink";
        return SP_OK;
    }
    int e = errno;
    if (!no_reflink(e))
        return spi_array_fail(a, SP_ERR_IO, "cannot reflink: %s", strerror(e));
    if (method == SP_COPY_SNAPSHOT && e == EXDEV)
        return spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                              "a snapshot is a reflink copy, which cannot "
                              "cross file systems (the pools differ)");
    if (method == SP_COPY_SNAPSHOT)
        return spi_array_fail(a, SP_ERR_NOT_SUPPORTED,
                              "a snapshot is a reflink copy, which is not "
                              "supported on this file system (%s); a clone "
                              "is a full copy and works",
                              local_fs_name(dst));
    return sparse_copy(a, src, dst, size, what, how, copied);
}
