/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/library/image.c: disk images written onto template LUNs: raw images
 * copied sparsely here, qcow2 converted by qemu-img (run without a shell). */
#include "library.h"
#include "../util/file.h"
#include "../util/run.h"

#include <fcntl.h>
#include <inttypes.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define QCOW2_MAGIC "QFI\xfb"

/* Run qemu-img with @argv; its output in *@out (may be NULL). */
static sp_code run(const char *const *argv, char **out, sp_error *err)
{
    sp_code rc = spi_run_ok(argv, out, err);
    if (rc == SP_ERR_NOT_SUPPORTED)
        return sp_error_set(err, rc, "cannot run %s (install qemu-utils)",
                            argv[0]);
    return rc;
}

static sp_code qcow2_size(const char *path, uint64_t *size, sp_error *err)
{
    const char *argv[] = {
        "qemu-img", "info", "--output=json", "-f", "qcow2", "--", path, NULL};
    char *json = NULL;
    sp_code rc = run(argv, &json, err);
    if (rc)
        return rc;
    const char *v = strstr(json, "\"virtual-size\":");
    unsigned long long n = 0;
    if (!v || sscanf(v, "\"virtual-size\": %llu", &n) != 1 || !n)
        rc = sp_error_set(err, SP_ERR_IO,
                          "qemu-img info gave no virtual size for '%s'", path);
    *size = n;
    free(json);
    return rc;
}

sp_code sp_image_probe(const char *path, sp_image_format *format,
                       uint64_t *size, sp_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return sp_error_set(err, errno == ENOENT ? SP_ERR_NOT_FOUND : SP_ERR_IO,
                            "cannot read '%s': %s", path, strerror(errno));
    char magic[4] = {0};
    struct stat st;
    bool ok = fstat(fd, &st) == 0 && pread(fd, magic, 4, 0) >= 0;
    int e = errno;
    close(fd);
    if (!ok)
        return sp_error_set(err, SP_ERR_IO, "cannot read '%s': %s", path,
                            strerror(e));
    if (!S_ISREG(st.st_mode))
        return sp_error_set(err, SP_ERR_IO, "'%s' is not a file", path);
    if (memcmp(magic, QCOW2_MAGIC, 4) == 0) {
        *format = SP_IMAGE_QCOW2;
        return qcow2_size(path, size, err);
    }
    if (!st.st_size)
        return sp_error_set(err, SP_ERR_IO, "'%s' is empty", path);
    *format = SP_IMAGE_RAW;
    *size = (uint64_t)st.st_size;
    return SP_OK;
}

/* A hole of the image: make it read as zeros on a target that may hold
 * old data (punched out of a file, zeroed out on a device). */
static sp_code zero_range(int dst, uint64_t off, uint64_t len, void *ctx,
                          sp_error *err)
{
    (void)ctx;
    struct stat st;
    if (fstat(dst, &st) == 0 && S_ISBLK(st.st_mode)) {
        uint64_t range[2] = {off, len};
        if (ioctl(dst, BLKZEROOUT, range) == 0)
            return SP_OK;
    } else if (fallocate(dst, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                         (off_t)off, (off_t)len) == 0) {
        return SP_OK;
    }
    return sp_error_set(err, SP_ERR_IO, "cannot zero the image's holes: %s",
                        strerror(errno));
}

static sp_code target_size(int fd, const char *target, uint64_t *size,
                           sp_error *err)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return sp_error_set(err, SP_ERR_IO, "cannot read '%s': %s", target,
                            strerror(errno));
    if (S_ISBLK(st.st_mode))
        return ioctl(fd, BLKGETSIZE64, size) == 0
                   ? SP_OK
                   : sp_error_set(err, SP_ERR_IO, "cannot size '%s': %s",
                                  target, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return sp_error_set(err, SP_ERR_IO,
                            "'%s' is neither a file nor a block device",
                            target);
    *size = (uint64_t)st.st_size;
    return SP_OK;
}

sp_code sp_image_write(const char *path, const char *target, uint64_t *written,
                       sp_error *err)
{
    *written = 0;
    sp_image_format format;
    uint64_t size, room;
    sp_code rc = sp_image_probe(path, &format, &size, err);
    if (rc)
        return rc;
    int dst = open(target, O_WRONLY | O_CLOEXEC);
    if (dst < 0)
        return sp_error_set(err, SP_ERR_IO, "cannot write '%s': %s", target,
                            strerror(errno));
    if ((rc = target_size(dst, target, &room, err)))
        goto out;
    if (room < size) {
        rc = sp_error_set(err, SP_ERR_PRECONDITION,
                          "the image's disk is %" PRIu64 " bytes and '%s' "
                          "only %" PRIu64,
                          size, target, room);
        goto out;
    }
    if (format == SP_IMAGE_QCOW2) {
        /* -n: the target exists; -S: zeros become holes where it can. */
        const char *argv[] = {"qemu-img", "convert", "-n",  "-f",
                              "qcow2",    "-O",      "raw", "--",
                              path,       target,    NULL};
        rc = run(argv, NULL, err);
        if (!rc)
            *written = size;
    } else {
        int src = open(path, O_RDONLY | O_CLOEXEC);
        bool plain = false;
        if (src < 0)
            rc = sp_error_set(err, SP_ERR_IO, "cannot read '%s': %s", path,
                              strerror(errno));
        else
            rc = spi_copy_sparse(src, dst, size, zero_range, NULL, NULL,
                                 written, &plain, err);
        if (src >= 0)
            close(src);
    }
    if (!rc && fsync(dst) != 0)
        rc = sp_error_set(err, SP_ERR_IO, "cannot sync '%s': %s", target,
                          strerror(errno));
out:
    close(dst);
    return rc;
}
