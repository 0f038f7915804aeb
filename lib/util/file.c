/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/file.c: files that survive a crash (written whole or not at all),
 * advisory locks, and directories made on first use. */
#include "internal.h"
#include "file.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

sp_code spi_mkdir_p(const char *path, mode_t mode, sp_error *err)
{
    SPI_AUTOFREE char *p = spi_xstrdup(path);
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s)
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, mode) != 0 && errno != EEXIST)
            return sp_error_set(err, SP_ERR_IO,
                                "cannot make directory '%s': %s", p,
                                strerror(errno));
        *s = c;
        if (!c)
            break;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return sp_error_set(err, SP_ERR_IO, "'%s' is not a directory", path);
    return SP_OK;
}

static sp_code fsync_dir_of(const char *path, sp_error *err)
{
    SPI_AUTOFREE char *copy = spi_xstrdup(path);
    const char *dir = copy;
    char *slash = strrchr(copy, '/');
    if (slash == copy)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        dir = "."; /* (a copy of "" had no room for it) */
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return sp_error_set(err, SP_ERR_IO, "cannot sync directory '%s': %s",
                            dir, strerror(e));
    }
    close(fd);
    return SP_OK;
}

sp_code spi_sync_dir_of(const char *path, sp_error *err)
{
    return fsync_dir_of(path, err);
}

sp_code spi_write_atomic(const char *path, const void *data, size_t len,
                         mode_t mode, bool sync, sp_error *err)
{
    SPI_AUTOFREE char *tmp = spi_xasprintf("%s.tmp%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return sp_error_set(err, SP_ERR_IO, "cannot write '%s': %s", tmp,
                            strerror(errno));
    const char *p = data;
    size_t left = len;
    int e = 0;
    while (left && !e) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno != EINTR)
            e = errno;
        else if (n > 0) {
            p += n;
            left -= (size_t)n;
        }
    }
    if (!e && sync && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e) {
        unlink(tmp);
        return sp_error_set(err, SP_ERR_IO, "cannot write '%s': %s", path,
                            strerror(e));
    }
    return sync ? fsync_dir_of(path, err) : SP_OK;
}

sp_code spi_sync_file(const char *path, sp_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return SP_OK; /* removed since: nothing to make durable */
    if (fd < 0 || fsync(fd) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return sp_error_set(err, SP_ERR_IO, "cannot sync '%s': %s", path,
                            strerror(e));
    }
    close(fd);
    return SP_OK;
}

/* ---- files users name ---- */

static const char *kind_of(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG:
        return "a regular file";
    case S_IFDIR:
        return "a directory";
    case S_IFCHR:
        return "a character device";
    case S_IFBLK:
        return "a block device";
    case S_IFIFO:
        return "a FIFO";
    case S_IFSOCK:
        return "a socket";
    case S_IFLNK:
        return "a symbolic link";
    }
    return "of no known kind";
}

static bool kind_ok(mode_t mode, unsigned int flags)
{
    return S_ISREG(mode) || ((flags & SPI_OPEN_BLOCK) && S_ISBLK(mode));
}

static sp_code wrong_kind(const char *path, mode_t mode, unsigned int flags,
                          sp_error *err)
{
    return sp_error_set(err, SP_ERR_INVALID, "'%s' is %s, not a regular file%s",
                        path, kind_of(mode),
                        flags & SPI_OPEN_BLOCK ? " or a block device" : "");
}

static sp_code open_failed(const char *path, int e, sp_error *err)
{
    return sp_error_set(err, e == ENOENT ? SP_ERR_NOT_FOUND : SP_ERR_IO,
                        "cannot read '%s': %s", path, strerror(e));
}

sp_code spi_open_regular(const char *path, unsigned int flags, int *fd_out,
                         struct stat *st_out, sp_error *err)
{
    assert(!(flags & ~(SPI_OPEN_BLOCK | SPI_OPEN_NOFOLLOW)));
    *fd_out = -1;
    bool nofollow = flags & SPI_OPEN_NOFOLLOW;
    struct stat st;
    /* Looked at before it is opened: opening a FIFO waits for a writer,
     * a terminal may become the controlling one, a tape may rewind. */
    if ((nofollow ? lstat(path, &st) : stat(path, &st)) != 0)
        return open_failed(path, errno, err);
    if (!kind_ok(st.st_mode, flags))
        return wrong_kind(path, st.st_mode, flags, err);
    /* It may have been replaced since: O_NONBLOCK keeps a FIFO put there
     * from blocking the open, and fstat judges what was opened. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
                            (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0)
        return open_failed(path, errno, err);
    int fl;
    sp_code rc = SP_OK;
    if (fstat(fd, &st) != 0)
        rc = open_failed(path, errno, err);
    else if (!kind_ok(st.st_mode, flags))
        rc = wrong_kind(path, st.st_mode, flags, err);
    else if ((fl = fcntl(fd, F_GETFL)) < 0 ||
             fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0)
        rc = open_failed(path, errno, err);
    if (rc) {
        close(fd);
        return rc;
    }
    if (st_out)
        *st_out = st;
    *fd_out = fd;
    return SP_OK;
}

sp_code spi_read_small(const char *path, size_t max, char **out, sp_error *err)
{
    *out = NULL;
    int fd;
    sp_code rc = spi_open_regular(path, 0, &fd, NULL, err);
    if (rc)
        return rc;
    size_t cap = 4096, len = 0;
    char *buf = spi_xmalloc(cap);
    for (;;) {
        if (len + 1 >= cap) {
            if (cap > max) {
                free(buf);
                close(fd);
                return sp_error_set(err, SP_ERR_TOO_LARGE,
                                    "cannot read '%s': larger than %zu bytes",
                                    path, max);
            }
            cap *= 2;
            buf = spi_xrealloc(buf, cap);
        }
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return sp_error_set(err, SP_ERR_IO, "cannot read '%s': %s", path,
                                strerror(e));
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (len > max) {
        free(buf);
        return sp_error_set(err, SP_ERR_TOO_LARGE,
                            "cannot read '%s': larger than %zu bytes", path,
                            max);
    }
    buf[len] = '\0';
    *out = buf;
    return SP_OK;
}

sp_code spi_lock(const char *path, int how, int *fd_out, sp_error *err)
{
    *fd_out = -1;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return sp_error_set(err, SP_ERR_IO, "cannot open lock '%s': %s", path,
                            strerror(errno));
    while (flock(fd, how) != 0) {
        if (errno == EINTR)
            continue;
        int e = errno;
        close(fd);
        return sp_error_set(err, SP_ERR_IO, "cannot lock '%s': %s", path,
                            strerror(e));
    }
    *fd_out = fd;
    return SP_OK;
}

void spi_unlock(int *fd)
{
    if (*fd >= 0)
        close(*fd); /* releases the lock */
    *fd = -1;
}

/* ---- sparse copies ---- */

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

#define COPY_BUF (1u << 20)

/* Copy @len bytes at @off: copy_file_range, else read/write (*@plain). */
static sp_code copy_range(int src, int dst, off_t off, uint64_t len,
                          bool *plain, char **buf, sp_error *err)
{
    while (len) {
        size_t want = len > (1u << 30) ? (1u << 30) : (size_t)len;
        ssize_t n;
        if (!*plain) {
            loff_t in = off, out = off;
            n = copy_file_range(src, &in, dst, &out, want, 0);
            if (n < 0 && (errno == EXDEV || errno == ENOSYS ||
                          errno == EINVAL || errno == EOPNOTSUPP)) {
                *plain = true;
                continue;
            }
        } else {
            if (!*buf)
                *buf = spi_xmalloc(COPY_BUF);
            if (want > COPY_BUF)
                want = COPY_BUF;
            n = pread(src, *buf, want, off);
            for (ssize_t w = 0, k; n > 0 && w < n; w += k)
                if ((k = pwrite(dst, *buf + w, (size_t)(n - w), off + w)) < 0)
                    return sp_error_set(err, SP_ERR_IO, "cannot write: %s",
                                        strerror(errno));
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return sp_error_set(err, SP_ERR_IO, "cannot copy: %s",
                                strerror(errno));
        if (n == 0)
            return sp_error_set(err, SP_ERR_IO,
                                "cannot copy: the source ended early");
        off += n;
        len -= (uint64_t)n;
    }
    return SP_OK;
}

sp_code spi_copy_sparse(int src, int dst, uint64_t size, spi_hole_fn hole_fn,
                        spi_progress_fn progress, void *ctx, uint64_t *copied,
                        bool *plain, sp_error *err)
{
    char *buf = NULL;
    double next_report = now() + 0.5;
    sp_code rc = SP_OK;
    uint64_t off = 0;
    *copied = 0;
    while (off < size && !rc) {
        off_t data = lseek(src, (off_t)off, SEEK_DATA);
        if ((data < 0 && errno == ENXIO) ||
            (data >= 0 && (uint64_t)data >= size))
            data = (off_t)size; /* only a hole is left */
        else if (data < 0 && errno == EINVAL)
            data = (off_t)off; /* no holes known here: a block device */
        else if (data < 0) {
            rc = sp_error_set(err, SP_ERR_IO, "cannot read the source: %s",
                              strerror(errno));
            break;
        }
        if ((uint64_t)data > off && hole_fn &&
            (rc = hole_fn(dst, off, (uint64_t)data - off, ctx, err)))
            break;
        if ((uint64_t)data >= size)
            break;
        off_t hole = lseek(src, data, SEEK_HOLE);
        if (hole < 0 || (uint64_t)hole > size)
            hole = (off_t)size;
        rc = copy_range(src, dst, data, (uint64_t)(hole - data), plain, &buf,
                        err);
        *copied += (uint64_t)(hole - data);
        off = (uint64_t)hole;
        if (progress && now() >= next_report) {
            progress(off, size, ctx);
            next_report = now() + 0.5;
        }
    }
    free(buf);
    return rc;
}
