/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/library/doc.c: customization documents (user-data, meta-data,
 * network-config, unattend files) read from the files users name. */
#include "library.h"
#include "../util/file.h"

#include <unistd.h>

sp_code sp_custom_doc_read(const char *path, char **text, sp_error *err)
{
    *text = NULL;
    int fd;
    sp_code rc = spi_open_regular(path, 0, &fd, NULL, err);
    if (rc)
        return rc;
    /* One byte more than a document may hold tells one that is too big. */
    char *buf = spi_xmalloc(SP_DOC_MAX + 2);
    size_t len = 0;
    ssize_t n = 0;
    while (len <= SP_DOC_MAX &&
           (n = read(fd, buf + len, SP_DOC_MAX + 1 - len)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        len += (size_t)n;
    }
    if (n < 0)
        rc = sp_error_set(err, SP_ERR_IO, "cannot read '%s': %s", path,
                          strerror(errno));
    else if (len > SP_DOC_MAX)
        rc = sp_error_set(err, SP_ERR_INVALID, "'%s' is larger than %u bytes",
                          path, SP_DOC_MAX);
    else if (memchr(buf, '\0', len))
        rc = sp_error_set(err, SP_ERR_INVALID,
                          "'%s' is not text: it holds NUL bytes", path);
    close(fd);
    if (rc) {
        free(buf);
        return rc;
    }
    buf[len] = '\0';
    *text = buf;
    return SP_OK;
}
