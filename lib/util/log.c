/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/log.c: leveled logging to stderr with redaction of secrets. */
#include <pthread.h>
#include <stdio.h>

#include "internal.h"

/* Logging is process-wide (it is where stderr goes, not an error state);
 * the lock keeps lines whole and the secret list consistent. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static sp_log_level log_level = SP_LOG_WARN;
static char *log_prefix;
static sp_log_fn log_handler;
static void *log_handler_ctx;
static char **secrets;
static size_t nsecrets, secrets_cap;

#define LOG_LINE_MAX (64u << 20)

void sp_log_set_level(sp_log_level level)
{
    if (level > SP_LOG_TRACE)
        level = SP_LOG_TRACE;
    __atomic_store_n(&log_level, level, __ATOMIC_RELAXED);
}

sp_log_level sp_log_get_level(void)
{
    return __atomic_load_n(&log_level, __ATOMIC_RELAXED);
}

bool sp_log_enabled(sp_log_level level)
{
    return level <= sp_log_get_level();
}

void sp_log_set_prefix(const char *name)
{
    pthread_mutex_lock(&log_lock);
    free(log_prefix);
    log_prefix = spi_xstrdup(name);
    pthread_mutex_unlock(&log_lock);
}

void sp_log_set_handler(sp_log_fn fn, void *ctx)
{
    pthread_mutex_lock(&log_lock);
    log_handler = fn;
    log_handler_ctx = ctx;
    pthread_mutex_unlock(&log_lock);
}

void sp_log_add_secret(const char *secret)
{
    if (!secret || !*secret)
        return;
    pthread_mutex_lock(&log_lock);
    for (size_t i = 0; i < nsecrets; i++)
        if (SPI_STREQ(secrets[i], secret))
            goto out;
    spi_xgrow((void **)&secrets, &secrets_cap, nsecrets + 1, sizeof(*secrets));
    secrets[nsecrets++] = spi_xstrdup(secret);
out:
    pthread_mutex_unlock(&log_lock);
}

void sp_log_clear_secrets(void)
{
    pthread_mutex_lock(&log_lock);
    for (size_t i = 0; i < nsecrets; i++)
        spi_free_secret(secrets[i]);
    free(secrets);
    secrets = NULL;
    nsecrets = secrets_cap = 0;
    pthread_mutex_unlock(&log_lock);
}

/* Replace the value of every "Authorization:" header line with "***". */
static void redact_auth_headers(sp_buf *b)
{
    static const char hdr[] = "authorization:";
    size_t hl = sizeof(hdr) - 1;
    for (size_t i = 0; i + hl <= b->len; i++) {
        if (strncasecmp(b->data + i, hdr, hl) != 0)
            continue;
        size_t j = i + hl;
        while (j < b->len && b->data[j] == ' ')
            j++;
        size_t end = j;
        while (end < b->len && b->data[end] != '\r' && b->data[end] != '\n')
            end++;
        if (end - j >= 3) {
            memcpy(b->data + j, "***", 3);
            memmove(b->data + j + 3, b->data + end, b->len - end + 1);
            b->len -= end - j - 3;
            /* what the move left past the end: the header's last bytes */
            explicit_bzero(b->data + b->len + 1, end - j - 3);
        }
        i = j;
    }
}

/* Replace each registered secret by "***"; called with log_lock held. */
static void redact_secrets(sp_buf *in, sp_buf *out)
{
    for (size_t s = 0; s < nsecrets; s++) {
        const char *sec = secrets[s];
        size_t sl = strlen(sec);
        if (!memmem(in->data, in->len, sec, sl))
            continue;
        sp_buf_reset(out);
        const char *p = in->data, *end = in->data + in->len, *hit;
        while ((hit = memmem(p, (size_t)(end - p), sec, sl))) {
            sp_buf_add(out, p, (size_t)(hit - p));
            sp_buf_addstr(out, "***");
            p = hit + sl;
        }
        sp_buf_add(out, p, (size_t)(end - p));
        explicit_bzero(in->data, in->len); /* reused, then freed */
        sp_buf tmp = *in;
        *in = *out;
        *out = tmp;
    }
}

/* @msg made one line with nothing a terminal acts on (a block: lines),
 * as sanprov/text.h says: messages carry names and texts of arrays and
 * hosts.  After redaction, so that secrets are found as they were given;
 * an escaped message too long for a line is cut. */
static void escape_msg(sp_buf *msg, sp_buf *scratch, bool block)
{
    sp_buf_reset(scratch);
    sp_text_escape_buf(scratch, msg->data ? msg->data : "", msg->len,
                       block ? SP_TEXT_BLOCK : 0);
    sp_buf tmp = *msg;
    *msg = *scratch;
    *scratch = tmp;
}

static void emit(sp_log_level level, sp_buf *msg, bool block)
{
    sp_buf scratch = SP_BUF_INIT(LOG_LINE_MAX);
    pthread_mutex_lock(&log_lock);
    redact_auth_headers(msg);
    redact_secrets(msg, &scratch);
    escape_msg(msg, &scratch, block);
    if (log_handler) {
        log_handler(level, sp_buf_cstr(msg), log_handler_ctx);
    } else {
        flockfile(stderr);
        if (log_prefix)
            fprintf(stderr, "%s: ", log_prefix);
        fwrite(sp_buf_cstr(msg), 1, msg->len, stderr);
        fputc('\n', stderr);
        funlockfile(stderr);
    }
    pthread_mutex_unlock(&log_lock);
    sp_buf_release(&scratch);
}

void sp_log(sp_log_level level, const char *fmt, ...)
{
    if (!sp_log_enabled(level))
        return;
    sp_buf b = SP_BUF_INIT(LOG_LINE_MAX);
    va_list ap;
    va_start(ap, fmt);
    sp_buf_vaddf(&b, fmt, ap);
    va_end(ap);
    emit(level, &b, false);
    sp_buf_release(&b);
}

void sp_log_block(sp_log_level level, const char *heading, const char *text,
                  size_t len, size_t max)
{
    if (!sp_log_enabled(level))
        return;
    sp_buf b = SP_BUF_INIT(LOG_LINE_MAX);
    size_t shown = len < max ? len : max;
    if (shown > LOG_LINE_MAX / 2) /* room for the heading */
        shown = LOG_LINE_MAX / 2;
    char more[64] = "";
    if (len > shown)
        snprintf(more, sizeof(more), "\n[... %zu more bytes not shown]",
                 len - shown);
    /* Made at its final size, then @text copied in: a block may hold an
     * Authorization header, and a buffer grown after it would leave a
     * copy in freed memory. */
    sp_buf_addf(&b, "%s (%zu bytes):\n%*s%s", heading, len, (int)shown, "",
                more);
    if (!sp_buf_overflowed(&b))
        memcpy(b.data + b.len - strlen(more) - shown, text, shown);
    while (b.len && b.data[b.len - 1] == '\n')
        b.data[--b.len] = '\0';
    emit(level, &b, true);
    sp_buf_release(&b);
}
