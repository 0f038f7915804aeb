/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/testutil.h: helpers for the cmocka tests: fixture files, expected
 * output, an HTTP fixture server. */
#ifndef SANPROV_TESTUTIL_H
#define SANPROV_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sanprov/sanprov.h>

/* What the library does not export: the tests link the static archive. */
#include "cim/cimclient.h"
#include "cim/cimserver.h"
#include "util/buf.h"

/* The source tree ($SANPROV_SRCDIR, default "."). */
const char *tu_srcdir(void);
/* The reference data ($SANPROV_SHARED, default ../shared beside the source
 * tree: DMTF DTDs, captured CIM traffic), or NULL if absent: a test then
 * skips or does less, saying so with TU_NO_SHARED.  Absent with
 * SANPROV_CI_STRICT=1 (the project's own CI), it fails the test. */
const char *tu_shared_dir(void);
#define TU_NO_SHARED                                                           \
    "reference data: ../shared/cim (DMTF DTDs, captured CIM traffic) is not "  \
    "beside the source tree (set SANPROV_SHARED)"
/* Where tests write what they produced ($SANPROV_TEST_OUT). */
const char *tu_outdir(void);
/* A path under one of the above.  The result lives in one of 8 rotating
 * static buffers: use it at once, or copy it if it must outlive 7 more
 * calls. */
char *tu_path(const char *dir, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The whole file; fails the test if it cannot be read.  free() it. */
char *tu_read_file(const char *path, size_t *len);
void tu_write_file(const char *path, const char *data, size_t len);

/*
 * Compare @actual with the expected file @expected.  With SANPROV_REGEN=1
 * the expected file is (re)written instead, for review in git diff.  On a
 * mismatch the actual output is saved under tu_outdir() and the test fails
 * naming both files.
 */
void tu_check_expected(const char *expected, const char *actual, size_t len);

/* Run "xmllint --noout --dtdvalid DTD FILE"; returns its exit status and
 * puts its stderr in the test log on failure. */
int tu_xmllint(const char *file, const char *dtd);

/* Skip the current test with a reason (printed as a TAP comment). */
#define tu_skip(...)                                                           \
    do {                                                                       \
        printf("# skipped: ");                                                 \
        printf(__VA_ARGS__);                                                   \
        printf("\n");                                                          \
        skip();                                                                \
    } while (0)

/* ---- an HTTP(S) server in a thread of the test (libmicrohttpd) ---- */

enum httpfix_mode {
    HF_NORMAL,        /* status, headers and body as given */
    HF_DROP_MIDBODY,  /* send half the body, then close the connection */
    HF_HUGE_DECLARED, /* declare a 2 GiB body, send a little */
    HF_ENDLESS,       /* chunked, never-ending stream of valid XML */
    HF_SLOW,          /* wait delay_ms before answering */
};

struct httpfix_reply {
    int status;               /* default 200 */
    const char *body;         /* default: empty */
    size_t len;               /* default: strlen(body) */
    const char *content_type; /* default application/xml */
    const char *header_name;  /* one extra header, or NULL */
    const char *header_value;
    enum httpfix_mode mode;
    int delay_ms;
};

struct httpfix {
    void *daemon;
    int port;
    char url[128];
    /* credentials the server wants (NULL: none) */
    const char *user;
    const char *password;
    /* replies, used in order; the last one repeats */
    struct httpfix_reply replies[16];
    int nreplies;
    /* Kept-alive connections closed by the server (0: kept open): each
     * connection answers @close_after requests, then the next request that
     * comes on it is read and the connection closed without an answer, as a
     * provider does whose keep-alive close crosses the client's next
     * request.  With @close_announced, the @close_after-th answer says
     * "Connection: close" instead. */
    int close_after;
    bool close_announced;
    int unanswered;           /* requests read and closed on, unanswered */
    char last_unanswered[64]; /* the CIMMethod header of the last of them */
    /* what the server saw (requests: those answered) */
    int requests;
    int connections;
    char *last_body;
    size_t last_len;
    char last_headers[4096]; /* the DSP0200 headers, "Name: value\n" */
    char last_url[1024];
    char last_auth_user[128];
    /* the Authorization header of the first requests, in order ("" for
     * none), to follow a handshake (NTLM) */
    char authorization[4][1024];
    /* how many request bodies held @count_text (when set) */
    const char *count_text;
    int counted;
};

/* Start on 127.0.0.1 (any port); TLS when @cert_pem and @key_pem given. */
void httpfix_start(struct httpfix *f, const char *cert_pem,
                   const char *key_pem);
void httpfix_stop(struct httpfix *f);
void httpfix_reply(struct httpfix *f, const struct httpfix_reply *r);

#endif
