/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/library/image.c: disk images written onto template LUNs: inspected
 * first, so that an image reads no file it was not allowed to; raw images
 * copied sparsely here, qcow2 converted by qemu-img (run without a shell,
 * told every format and every file). */
#include "library.h"
#include "../util/file.h"
#include "../util/run.h"

#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Why the care.  A qcow2 header may name other files QEMU opens with the
 * image: a backing file (any path, a device, or a "json:" pseudo-path
 * naming any driver, nbd: or http: among them) and an external data file.
 * What such a file holds would be copied into the template and so into
 * every VM made from it (OpenStack's CVE-2022-47951 and CVE-2024-32498,
 * fixed by inspecting images before qemu-img touches them).  So: the data
 * file bit is read here from the header before qemu-img runs at all (QEMU
 * opens a data file even to describe the image); "qemu-img info" is asked
 * one file at a time, with the format given, and opens no backing file;
 * each backing file must be one the caller named, a local file in a
 * recorded format; and "qemu-img convert" is given the whole chain
 * explicitly (a json: source: every driver and file named, the last
 * backing null), so that it neither probes a format nor follows a name
 * from a header.
 */

#define QCOW2_MAGIC "QFI\xfb"
/* qcow2 header (QEMU's docs/interop/qcow2.txt), big-endian: version at 4,
 * backing_file_offset at 8, version 3's incompatible_features at 72. */
#define QCOW2_V2_HEADER          72
#define QCOW2_V3_HEADER          104
#define QCOW2_INCOMPAT_DATA_FILE (1u << 2)

struct sp_image {
    char *path;
    int fd; /* open since it was inspected */
    bool blk;
    sp_image_format format;
    uint64_t size;
    char *source; /* qcow2: qemu-img's json: source, the chain spelled out */
};

/* One file of a backing chain, open while it is looked at. */
struct link {
    char *path;
    int fd;
    bool blk;
    sp_image_format format;
};

static uint64_t be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* Refuse an external data file, and say whether there is a backing file,
 * from the header alone. */
static sp_code qcow2_header(const struct link *l, bool *backing, sp_error *err)
{
    unsigned char h[QCOW2_V3_HEADER] = {0};
    ssize_t n = pread(l->fd, h, sizeof(h), 0);
    if (n < 0)
        return sp_error_set(err, SP_ERR_IO, "cannot read '%s': %s", l->path,
                            strerror(errno));
    uint64_t version = be(h + 4, 4);
    if (n < QCOW2_V2_HEADER || memcmp(h, QCOW2_MAGIC, 4) != 0 ||
        (version >= 3 && n < QCOW2_V3_HEADER))
        return sp_error_set(err, SP_ERR_IO,
                            "'%s' is not a qcow2 image: its header is cut "
                            "short",
                            l->path);
    *backing = be(h + 8, 8) != 0;
    if (version >= 3 && (be(h + 72, 8) & QCOW2_INCOMPAT_DATA_FILE))
        return sp_error_set(err, SP_ERR_NOT_SUPPORTED,
                            "'%s' keeps its data in an external data file, "
                            "which is never read: convert it to a "
                            "self-contained image first",
                            l->path);
    return SP_OK;
}

/* {"driver": "file", "filename": PATH}: a local file, never a protocol
 * guessed from the name ("host_device" for a block device). */
static json_object *file_node(const char *path, bool blk)
{
    json_object *f = json_object_new_object();
    json_object_object_add(
        f, "driver", json_object_new_string(blk ? "host_device" : "file"));
    json_object_object_add(f, "filename", json_object_new_string(path));
    return f;
}

static char *json_source(json_object *o)
{
    return spi_xasprintf("json:%s", json_object_to_json_string_ext(
                                        o, JSON_C_TO_STRING_PLAIN |
                                               JSON_C_TO_STRING_NOSLASHESCAPE));
}

static const char *member(json_object *o, const char *key, json_type type)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
        return NULL;
    return type == json_type_string ? json_object_get_string(v) : "";
}

/* What qemu-img says of qcow2 file @l: the disk's size, and its backing
 * file and that one's format (new strings, NULL when there is none). */
static sp_code qemu_info(const struct link *l, uint64_t *size, char **backing,
                         char **backing_fmt, sp_error *err)
{
    *backing = *backing_fmt = NULL;
    json_object *node = json_object_new_object();
    json_object_object_add(node, "file", file_node(l->path, l->blk));
    SPI_AUTOFREE char *src = json_source(node);
    json_object_put(node);
    const char *argv[] = {
        "qemu-img", "info", "--output=json", "-f", "qcow2", "--", src, NULL};
    SPI_AUTOFREE char *out = NULL;
    SPI_AUTOFREE char *errors = NULL;
    int status;
    sp_code rc = spi_run_split(argv, &out, &errors, &status, err);
    if (rc == SP_ERR_NOT_SUPPORTED)
        return sp_error_set(err, rc,
                            "cannot run qemu-img (install qemu-utils)");
    if (rc)
        return rc;
    if (status)
        return sp_error_set(err, SP_ERR_IO, "qemu-img cannot read '%s': %s",
                            l->path,
                            *errors ? spi_first_line(errors) : "(no message)");
    return spi_image_info_parse(out, strlen(out), l->path, size, backing,
                                backing_fmt, err);
}

sp_code spi_image_info_parse(const char *json, size_t len, const char *path,
                             uint64_t *size, char **backing, char **backing_fmt,
                             sp_error *err)
{
    *backing = *backing_fmt = NULL;
    *size = 0;
    sp_code rc = SP_OK;
    json_tokener *tok = json_tokener_new();
    json_object *doc = len <= INT32_MAX
                           ? json_tokener_parse_ex(tok, json, (int)len)
                           : NULL,
                *vsize = NULL, *spec = NULL, *data = NULL;
    json_tokener_free(tok);
    const char *fmt = doc && json_object_is_type(doc, json_type_object)
                          ? member(doc, "format", json_type_string)
                          : NULL;
    if (!fmt || strcmp(fmt, "qcow2") != 0 ||
        !json_object_object_get_ex(doc, "virtual-size", &vsize) ||
        !json_object_is_type(vsize, json_type_int) ||
        json_object_get_int64(vsize) <= 0)
        rc = sp_error_set(err, SP_ERR_IO,
                          "qemu-img info gave no qcow2 disk size for '%s'",
                          path);
    else if (json_object_object_get_ex(doc, "format-specific", &spec) &&
             json_object_is_type(spec, json_type_object) &&
             json_object_object_get_ex(spec, "data", &data) &&
             json_object_is_type(data, json_type_object) &&
             member(data, "data-file", json_type_string))
        rc = sp_error_set(err, SP_ERR_NOT_SUPPORTED,
                          "'%s' keeps its data in an external data file, "
                          "which is never read",
                          path);
    if (!rc) {
        const char *b = member(doc, "full-backing-filename", json_type_string);
        if (!b)
            b = member(doc, "backing-filename", json_type_string);
        *size = (uint64_t)json_object_get_int64(vsize);
        *backing = spi_xstrdup(b);
        *backing_fmt = spi_xstrdup(
            member(doc, "backing-filename-format", json_type_string));
    }
    json_object_put(doc);
    return rc;
}

/* A name QEMU would not take for a local file: "json:", "nbd:", "http:"
 * and the like (a colon before any slash, the rule QEMU goes by). */
static bool has_protocol(const char *path)
{
    return !*path || path[strcspn(path, ":/")] == ':';
}

static bool same_file(const struct stat *a, const struct stat *b)
{
    return (a->st_dev == b->st_dev && a->st_ino == b->st_ino) ||
           (S_ISBLK(a->st_mode) && S_ISBLK(b->st_mode) &&
            a->st_rdev == b->st_rdev);
}

/* Open backing file @path of @child, if it may be read: a local file in a
 * recorded format, the same file as @named (NULL: none was named). */
static sp_code follow(const char *child, const char *path, const char *fmt,
                      const char *named, struct link *next, sp_error *err)
{
    if (has_protocol(path))
        return sp_error_set(err, SP_ERR_NOT_SUPPORTED,
                            "image '%s' has backing file '%s', which is not "
                            "a local file and is never read",
                            child, path);
    if (!named)
        return sp_error_set(err, SP_ERR_PRECONDITION,
                            "image '%s' has backing file '%s', which was not "
                            "named to be read",
                            child, path);
    if (!fmt)
        return sp_error_set(err, SP_ERR_NOT_SUPPORTED,
                            "image '%s' does not record the format of its "
                            "backing file '%s' (QEMU would guess it): record "
                            "it with qemu-img rebase -u -F FORMAT",
                            child, path);
    if (strcmp(fmt, "raw") != 0 && strcmp(fmt, "qcow2") != 0)
        return sp_error_set(err, SP_ERR_NOT_SUPPORTED,
                            "image '%s' has backing file '%s' in format '%s'; "
                            "only raw and qcow2 are read",
                            child, path, fmt);
    struct stat st, want;
    sp_error e;
    sp_error_clear(&e);
    if (spi_open_regular(path, SPI_OPEN_BLOCK, &next->fd, &st, &e))
        return sp_error_set(err, e.code, "backing file of image '%s': %s",
                            child, e.message);
    if (stat(named, &want) != 0 || !same_file(&st, &want)) {
        close(next->fd);
        next->fd = -1;
        return sp_error_set(err, SP_ERR_PRECONDITION,
                            "image '%s' has backing file '%s', not '%s'", child,
                            path, named);
    }
    next->path = spi_xstrdup(path);
    next->blk = S_ISBLK(st.st_mode);
    next->format = strcmp(fmt, "raw") == 0 ? SP_IMAGE_RAW : SP_IMAGE_QCOW2;
    return SP_OK;
}

static void link_release(struct link *l)
{
    if (l->fd >= 0)
        close(l->fd);
    free(l->path);
    *l = (struct link){NULL, -1, false, SP_IMAGE_RAW};
}

/* Walk down the chain of qcow2 image @img, file by file, against the
 * files @named; spell it out in img->source. */
static sp_code inspect_qcow2(sp_image *img, const char *const *named,
                             size_t nnamed, sp_error *err)
{
    json_object *top = json_object_new_object(), *node = top;
    /* The image itself is borrowed: img keeps its path and descriptor. */
    struct link cur = {img->path, img->fd, img->blk, SP_IMAGE_QCOW2};
    struct link next = {NULL, -1, false, SP_IMAGE_RAW};
    size_t depth = 0;
    sp_code rc;
    for (;;) {
        json_object_object_add(node, "file", file_node(cur.path, cur.blk));
        if (cur.format == SP_IMAGE_RAW) /* a raw file ends the chain */
            break;
        bool hdr_backing = false;
        uint64_t size = 0;
        SPI_AUTOFREE char *bpath = NULL;
        SPI_AUTOFREE char *bfmt = NULL;
        if ((rc = qcow2_header(&cur, &hdr_backing, err)) ||
            (rc = qemu_info(&cur, &size, &bpath, &bfmt, err)))
            break;
        if (depth == 0)
            img->size = size;
        if (!bpath != !hdr_backing) {
            rc = sp_error_set(err, SP_ERR_IO,
                              "qemu-img and the header of '%s' disagree on "
                              "its backing file",
                              cur.path);
            break;
        }
        if (!bpath) {
            json_object_object_add(node, "backing", NULL); /* none: null */
            break;
        }
        if ((rc = follow(cur.path, bpath, bfmt,
                         depth < nnamed ? named[depth] : NULL, &next, err)))
            break;
        json_object *b = json_object_new_object();
        json_object_object_add(
            b, "driver",
            json_object_new_string(next.format == SP_IMAGE_RAW ? "raw"
                                                               : "qcow2"));
        json_object_object_add(node, "backing", b);
        node = b;
        if (depth++ > 0)
            link_release(&cur);
        cur = next;
        next = (struct link){NULL, -1, false, SP_IMAGE_RAW};
    }
    if (!rc && depth < nnamed)
        rc = depth == 0 ? sp_error_set(err, SP_ERR_PRECONDITION,
                                       "image '%s' has no backing file; '%s' "
                                       "is not in its chain",
                                       img->path, named[0])
                        : sp_error_set(err, SP_ERR_PRECONDITION,
                                       "the backing chain of image '%s' ends "
                                       "at '%s'; '%s' is not in it",
                                       img->path, cur.path, named[depth]);
    if (depth > 0)
        link_release(&cur);
    if (!rc)
        img->source = json_source(top);
    json_object_put(top);
    return rc;
}

static sp_code raw_size(sp_image *img, const struct stat *st, sp_error *err)
{
    if (img->blk && ioctl(img->fd, BLKGETSIZE64, &img->size) != 0)
        return sp_error_set(err, SP_ERR_IO, "cannot size '%s': %s", img->path,
                            strerror(errno));
    if (!img->blk)
        img->size = (uint64_t)st->st_size;
    if (!img->size)
        return sp_error_set(err, SP_ERR_IO, "'%s' is empty", img->path);
    return SP_OK;
}

sp_code sp_image_open(const char *path, const char *const *backing,
                      size_t nbacking, unsigned int flags, sp_image **out,
                      sp_error *err)
{
    *out = NULL;
    if (flags)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    int fd;
    struct stat st;
    sp_code rc = spi_open_regular(path, SPI_OPEN_BLOCK, &fd, &st, err);
    if (rc)
        return rc;
    sp_image *img = spi_xcalloc(1, sizeof(*img));
    img->path = spi_xstrdup(path);
    img->fd = fd;
    img->blk = S_ISBLK(st.st_mode);
    char magic[4] = {0};
    if (pread(fd, magic, sizeof(magic), 0) < 0)
        rc = sp_error_set(err, SP_ERR_IO, "cannot read '%s': %s", path,
                          strerror(errno));
    else if (memcmp(magic, QCOW2_MAGIC, 4) == 0) {
        img->format = SP_IMAGE_QCOW2;
        rc = inspect_qcow2(img, backing, nbacking, err);
    } else {
        img->format = SP_IMAGE_RAW;
        rc = raw_size(img, &st, err);
        if (!rc && nbacking)
            rc = sp_error_set(err, SP_ERR_PRECONDITION,
                              "image '%s' is raw, with no backing file; "
                              "'%s' is not in its chain",
                              path, backing[0]);
    }
    if (rc) {
        sp_image_free(img);
        return rc;
    }
    *out = img;
    return SP_OK;
}

void sp_image_free(sp_image *img)
{
    if (!img)
        return;
    if (img->fd >= 0)
        close(img->fd);
    free(img->path);
    free(img->source);
    free(img);
}

sp_image_format sp_image_get_format(const sp_image *img)
{
    return img->format;
}

uint64_t sp_image_disk_size(const sp_image *img)
{
    return img->size;
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

sp_code sp_image_write(sp_image *img, const char *target, unsigned int flags,
                       uint64_t *written, sp_error *err)
{
    *written = 0;
    if (flags)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    uint64_t room;
    sp_code rc;
    int dst = open(target, O_WRONLY | O_CLOEXEC);
    if (dst < 0)
        return sp_error_set(err, SP_ERR_IO, "cannot write '%s': %s", target,
                            strerror(errno));
    if ((rc = target_size(dst, target, &room, err)))
        goto out;
    if (room < img->size) {
        rc = sp_error_set(err, SP_ERR_PRECONDITION,
                          "the image's disk is %" PRIu64 " bytes and '%s' "
                          "only %" PRIu64,
                          img->size, target, room);
        goto out;
    }
    if (img->format == SP_IMAGE_QCOW2) {
        /* -n: the target exists.  The source names every format and file
         * of the chain: qemu-img neither probes nor follows a header. */
        const char *argv[] = {"qemu-img",  "convert", "-n",  "-f",
                              "qcow2",     "-O",      "raw", "--",
                              img->source, target,    NULL};
        rc = spi_run_ok(argv, NULL, err);
        if (rc == SP_ERR_NOT_SUPPORTED)
            rc = sp_error_set(err, rc,
                              "cannot run qemu-img (install qemu-utils)");
        if (!rc)
            *written = img->size;
    } else {
        bool plain = false;
        rc = spi_copy_sparse(img->fd, dst, img->size, zero_range, NULL, NULL,
                             written, &plain, err);
    }
    if (!rc && fsync(dst) != 0)
        rc = sp_error_set(err, SP_ERR_IO, "cannot sync '%s': %s", target,
                          strerror(errno));
out:
    close(dst);
    return rc;
}
