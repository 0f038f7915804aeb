/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sanprov/error.h: the error model: one code enum, a message and the array's
 * detail. */
#ifndef SANPROV_ERROR_H
#define SANPROV_ERROR_H

#include <sanprov/common.h>

SP_BEGIN_DECLS

/*
 * Result codes.  This list is append-only: never remove or renumber a code,
 * programs and scripts depend on them (see sp_error_exit_code()).
 */
typedef enum sp_code {
    SP_OK = 0,
    SP_ERR_INVALID = 1,         /* bad argument or unknown flag */
    SP_ERR_BAD_ID = 2,          /* an object ID that does not parse */
    SP_ERR_NOT_FOUND = 3,       /* the object does not exist */
    SP_ERR_NOT_SUPPORTED = 4,   /* the array or driver cannot do this */
    SP_ERR_CONNECT = 5,         /* cannot resolve or connect */
    SP_ERR_CONNECTION_LOST = 6, /* the peer closed the connection early */
    SP_ERR_AUTH = 7,            /* credentials refused */
    SP_ERR_TLS = 8,             /* TLS handshake or certificate check failed */
    SP_ERR_TIMEOUT = 9,         /* the peer did not answer in time */
    SP_ERR_HTTP = 10,           /* unexpected HTTP status */
    SP_ERR_PROTOCOL = 11,       /* malformed or unexpected response */
    SP_ERR_TOO_LARGE = 12,      /* a size limit was exceeded */
    SP_ERR_CIM = 13,            /* the CIM server answered with an error */
    SP_ERR_IO = 14,             /* a local file or system call failed */
    SP_ERR_CONFIG = 15,         /* bad configuration */
    SP_ERR_PRECONDITION = 16,   /* a prerequisite is not met; nothing changed */
    SP_ERR_EXISTS = 17,         /* the object already exists */
    SP_ERR_CANCELLED = 18,      /* stopped by the caller's callback */
    SP_ERR_INTERNAL = 19,       /* a bug in sanprov */
    SP_ERR_JOB_TIMEOUT = 20,    /* an array job outlasted the wait asked */
    SP_ERR_LOCK_TIMEOUT = 21,   /* another run held a lock past the wait */
    SP_ERR_CLEANUP = 22, /* done, but what it left unused could not all go */
    SP_ERR_WSMAN = 23,   /* a WS-Management service answered with a fault */
} sp_code;

/* CIM status codes (DSP0200), as carried by sp_error.cim_status. */
enum {
    SP_CIM_ERR_FAILED = 1,
    SP_CIM_ERR_ACCESS_DENIED = 2,
    SP_CIM_ERR_INVALID_NAMESPACE = 3,
    SP_CIM_ERR_INVALID_PARAMETER = 4,
    SP_CIM_ERR_INVALID_CLASS = 5,
    SP_CIM_ERR_NOT_FOUND = 6,
    SP_CIM_ERR_NOT_SUPPORTED = 7,
    SP_CIM_ERR_CLASS_HAS_CHILDREN = 8,
    SP_CIM_ERR_CLASS_HAS_INSTANCES = 9,
    SP_CIM_ERR_INVALID_SUPERCLASS = 10,
    SP_CIM_ERR_ALREADY_EXISTS = 11,
    SP_CIM_ERR_NO_SUCH_PROPERTY = 12,
    SP_CIM_ERR_TYPE_MISMATCH = 13,
    SP_CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED = 14,
    SP_CIM_ERR_INVALID_QUERY = 15,
    SP_CIM_ERR_METHOD_NOT_AVAILABLE = 16,
    SP_CIM_ERR_METHOD_NOT_FOUND = 17,
    SP_CIM_ERR_NAMESPACE_NOT_EMPTY = 20,
    SP_CIM_ERR_INVALID_ENUMERATION_CONTEXT = 21,
    SP_CIM_ERR_INVALID_OPERATION_TIMEOUT = 22,
    SP_CIM_ERR_PULL_HAS_BEEN_ABANDONED = 23,
    SP_CIM_ERR_PULL_CANNOT_BE_ABANDONED = 24,
    SP_CIM_ERR_FILTERED_ENUMERATION_NOT_SUPPORTED = 25,
    SP_CIM_ERR_CONTINUATION_ON_ERROR_NOT_SUPPORTED = 26,
    SP_CIM_ERR_SERVER_LIMITS_EXCEEDED = 27,
    SP_CIM_ERR_SERVER_IS_SHUTTING_DOWN = 28,
};

#define SP_ERROR_MSG_MAX 1024

/*
 * An error: the code, a complete human message (lowercase, no full stop;
 * it never contains a secret) and, where the failure came from the peer,
 * the HTTP status and the CIM status code.  Errors live in the handle that
 * failed (see sp_cim_client_error()) or in a caller's sp_error for calls
 * without a handle; there is no global error state.
 */
typedef struct sp_error {
    sp_code code;
    int http_status; /* 0 when not from an HTTP response */
    int cim_status;  /* 0 when not a CIM error */
    char message[SP_ERROR_MSG_MAX];
} sp_error;

/* Reset @err to "no error".  @err may be NULL. */
SP_API void sp_error_clear(sp_error *err);

/*
 * Record an error in @err (which may be NULL) and return @code, so that
 * callers can write "return sp_error_set(err, SP_ERR_INVALID, ...)".
 * The message is truncated to SP_ERROR_MSG_MAX - 1 bytes.
 */
SP_API sp_code sp_error_set(sp_error *err, sp_code code, const char *fmt, ...)
    SP_PRINTF(3, 4);

/* Copy @src into @dst (both non-NULL). */
SP_API void sp_error_copy(sp_error *dst, const sp_error *src);

/* A short static description of @code, e.g. "not found". */
SP_API const char *sp_strerror(sp_code code);

/* The symbolic name of a CIM status, e.g. "CIM_ERR_NOT_FOUND", or NULL. */
SP_API const char *sp_cim_status_name(int cim_status);

/*
 * The process exit code for @err, the contract of every sanprov program
 * (sanprov(7)): 0 ok, 1 failed, 2 usage, 3 not found, 4 cannot connect /
 * auth / TLS, 5 partial, 6 precondition not met, 7 timed out waiting for
 * the array.  Exit code 5 is decided by callers that run batches, and is
 * SP_ERR_CLEANUP's: the change asked for was made, what it left behind
 * was not all removed.
 */
SP_API int sp_error_exit_code(const sp_error *err);

enum {
    SP_EXIT_OK = 0,
    SP_EXIT_FAILED = 1,
    SP_EXIT_USAGE = 2,
    SP_EXIT_NOT_FOUND = 3,
    SP_EXIT_CONNECT = 4,
    SP_EXIT_PARTIAL = 5,
    SP_EXIT_PRECONDITION = 6,
    SP_EXIT_JOB_TIMEOUT = 7,
};

SP_END_DECLS

#endif
