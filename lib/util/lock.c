/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/lock.c: named locks in a directory, taken in one sorted order and
 * released by the kernel when their process dies. */
#include "file.h"
#include "holder.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

struct spi_locks {
    size_t n;
    int *fds;
};

char *spi_file_name_of(const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t len = strlen(text);
    char *out = spi_xmalloc(len * 3 + 1), *w = out;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        bool keep = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
                    *p == '~' ||
                    (*p == '.' && p != (const unsigned char *)text);
        if (keep) {
            *w++ = (char)*p;
        } else {
            *w++ = '%';
            *w++ = hex[*p >> 4];
            *w++ = hex[*p & 15];
        }
    }
    *w = '\0';
    return out;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The holder of lock file @path, as its text says, for a message.  A
 * holder that wrote nothing (a process that is not sanprov's), or whose
 * text names a process that has ended (killed before it could clear it),
 * is "another process". */
static void holder_of(const char *path, char *out, size_t size)
{
    char *text = NULL;
    sp_error e;
    struct spi_holder h;
    if (spi_read_small(path, 4096, &text, &e) == SP_OK &&
        spi_holder_parse(text, &h) &&
        spi_holder_state(&h, SP_RESERVATION_GRACE) != SPI_HOLDER_GONE)
        spi_holder_describe(&h, out, size);
    else
        snprintf(out, size, "another process");
    free(text);
}

/* Take one lock, waiting until @deadline. */
static sp_code take_one(const char *dir, const char *name, double deadline,
                        unsigned int timeout_s, int *fd_out, sp_error *err)
{
    SPI_AUTOFREE char *file = spi_file_name_of(name);
    SPI_AUTOFREE char *path = spi_xasprintf("%s/%s.lock", dir, file);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return sp_error_set(err, SP_ERR_IO, "cannot open lock '%s': %s", path,
                            strerror(errno));
    /* flock() cannot wait with a time-out: poll, soon after the first
     * try (a masking holds its lock for some milliseconds), then at most
     * every 20 ms, so that a run queued behind others loses little time
     * to sleeping while the lock is free. */
    useconds_t nap = 1000;
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            break;
        if (errno == EINTR)
            continue;
        if (errno != EWOULDBLOCK) {
            int e = errno;
            close(fd);
            return sp_error_set(err, SP_ERR_IO, "cannot lock '%s': %s", path,
                                strerror(e));
        }
        if (now_s() >= deadline) {
            char who[320];
            holder_of(path, who, sizeof(who));
            close(fd);
            return sp_error_set(err, SP_ERR_LOCK_TIMEOUT,
                                "'%s' is still held by %s after %u s (lock "
                                "file '%s')",
                                name, who, timeout_s, path);
        }
        usleep(nap);
        if (nap < 20000)
            nap *= 2;
    }
    /* Who holds it now, for those who wait. */
    struct spi_holder h;
    spi_holder_self(&h, name);
    SPI_AUTOFREE char *text = spi_holder_format(&h);
    size_t len = strlen(text);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, text, len, 0) != (ssize_t)len)
        sp_log(SP_LOG_DEBUG, "cannot write who holds '%s': %s", path,
               strerror(errno));
    *fd_out = fd;
    return SP_OK;
}

sp_code spi_locks_take(const char *dir, const char *const *names, size_t n,
                       unsigned int timeout_s, struct spi_locks **out,
                       sp_error *err)
{
    *out = NULL;
    sp_code rc = spi_mkdir_p(dir, 0755, err);
    if (rc)
        return rc;
    const char **sorted = spi_xcalloc(n ? n : 1, sizeof(*sorted));
    memcpy(sorted, names, n * sizeof(*sorted));
    qsort(sorted, n, sizeof(*sorted), cmp_names);
    struct spi_locks *l = spi_xcalloc(1, sizeof(*l));
    l->fds = spi_xcalloc(n ? n : 1, sizeof(*l->fds));
    double deadline = now_s() + timeout_s;
    for (size_t i = 0; i < n; i++) {
        if (i && SPI_STREQ(sorted[i], sorted[i - 1]))
            continue; /* one name twice is one lock */
        if ((rc = take_one(dir, sorted[i], deadline, timeout_s, &l->fds[l->n],
                           err)))
            break;
        l->n++;
    }
    free(sorted);
    if (rc) {
        spi_locks_release(l);
        return rc;
    }
    *out = l;
    return SP_OK;
}

void spi_locks_release(struct spi_locks *l)
{
    if (!l)
        return;
    /* In the reverse order of taking, each cleared of who held it first,
     * so that it names no one while it is free. */
    while (l->n) {
        int fd = l->fds[--l->n];
        if (ftruncate(fd, 0) != 0)
            sp_log(SP_LOG_DEBUG, "cannot clear a lock file: %s",
                   strerror(errno));
        close(fd);
    }
    free(l->fds);
    free(l);
}
