/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sanprov/log.h: diagnostics to stderr by level, with secrets redacted. */
#ifndef SANPROV_LOG_H
#define SANPROV_LOG_H

#include <sanprov/common.h>

SP_BEGIN_DECLS

typedef enum sp_log_level {
    SP_LOG_ERROR = 0,
    SP_LOG_WARN = 1,  /* the default: errors and warnings */
    SP_LOG_INFO = 2,  /* -v */
    SP_LOG_DEBUG = 3, /* -vv */
    SP_LOG_TRACE = 4, /* -vvv: every CIM request and response */
} sp_log_level;

/* Messages above @level are dropped. */
SP_API void sp_log_set_level(sp_log_level level);
SP_API sp_log_level sp_log_get_level(void);

/* True when a message at @level would be written. */
SP_API bool sp_log_enabled(sp_log_level level);

/* Prefix every line with "@name: " (the program name); NULL for none. */
SP_API void sp_log_set_prefix(const char *name);

/*
 * Send messages to @fn instead of stderr (NULL restores stderr).  @fn gets
 * the message after redaction, without a trailing newline, and escaped
 * (sp_text_escape(): a message is one line without control characters; a
 * block of sp_log_block() keeps its lines, see SP_TEXT_BLOCK), since
 * messages carry the names and texts of arrays and hosts.
 */
typedef void (*sp_log_fn)(sp_log_level level, const char *msg, void *ctx);
SP_API void sp_log_set_handler(sp_log_fn fn, void *ctx);

/*
 * Register a secret (a password, a CHAP secret): from now on every log
 * message has each occurrence of it replaced by "***".  HTTP Authorization
 * headers are always redacted.  The library registers the passwords it is
 * given; a program registers what it reads itself.  Secrets shorter than
 * 3 bytes are still registered (better a mangled log than a leak).
 */
SP_API void sp_log_add_secret(const char *secret);

/* Forget all registered secrets (tests). */
SP_API void sp_log_clear_secrets(void);

/* Write one message, escaped (see sp_log_set_handler()); a trailing
 * newline is added. */
SP_API void sp_log(sp_log_level level, const char *fmt, ...) SP_PRINTF(2, 3);

/*
 * Write a block of text (a CIM request or response) at @level with a
 * heading; long blocks are cut at @max bytes with a note.
 */
SP_API void sp_log_block(sp_log_level level, const char *heading,
                         const char *text, size_t len, size_t max);

SP_END_DECLS

#endif
