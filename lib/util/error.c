/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/error.c: error codes, their texts, and the mapping to exit codes. */
#include <stdio.h>

#include "internal.h"

void sp_error_clear(sp_error *err)
{
    if (!err)
        return;
    err->code = SP_OK;
    err->http_status = 0;
    err->cim_status = 0;
    err->message[0] = '\0';
}

sp_code sp_error_set(sp_error *err, sp_code code, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    err->http_status = 0;
    err->cim_status = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return code;
}

void sp_error_copy(sp_error *dst, const sp_error *src)
{
    if (dst != src)
        memcpy(dst, src, sizeof(*dst));
}

const char *sp_strerror(sp_code code)
{
    /* No default: -Wswitch reports a code added without a text. */
    switch (code) {
    case SP_OK:
        return "success";
    case SP_ERR_INVALID:
        return "invalid argument";
    case SP_ERR_BAD_ID:
        return "malformed object ID";
    case SP_ERR_NOT_FOUND:
        return "not found";
    case SP_ERR_NOT_SUPPORTED:
        return "not supported";
    case SP_ERR_CONNECT:
        return "cannot connect";
    case SP_ERR_CONNECTION_LOST:
        return "connection lost";
    case SP_ERR_AUTH:
        return "authentication failed";
    case SP_ERR_TLS:
        return "TLS failure";
    case SP_ERR_TIMEOUT:
        return "timed out";
    case SP_ERR_HTTP:
        return "HTTP error";
    case SP_ERR_PROTOCOL:
        return "protocol error";
    case SP_ERR_TOO_LARGE:
        return "too large";
    case SP_ERR_CIM:
        return "CIM error";
    case SP_ERR_IO:
        return "I/O error";
    case SP_ERR_CONFIG:
        return "configuration error";
    case SP_ERR_PRECONDITION:
        return "precondition not met";
    case SP_ERR_EXISTS:
        return "already exists";
    case SP_ERR_CANCELLED:
        return "cancelled";
    case SP_ERR_INTERNAL:
        return "internal error";
    case SP_ERR_JOB_TIMEOUT:
        return "timed out waiting for the array";
    case SP_ERR_LOCK_TIMEOUT:
        return "timed out waiting for another run";
    case SP_ERR_CLEANUP:
        return "done, but not all cleaned up";
    case SP_ERR_WSMAN:
        return "WS-Management fault";
    }
    return "unknown error";
}

const char *sp_cim_status_name(int s)
{
    static const char *const names[] = {
        [1] = "CIM_ERR_FAILED",
        [2] = "CIM_ERR_ACCESS_DENIED",
        [3] = "CIM_ERR_INVALID_NAMESPACE",
        [4] = "CIM_ERR_INVALID_PARAMETER",
        [5] = "CIM_ERR_INVALID_CLASS",
        [6] = "CIM_ERR_NOT_FOUND",
        [7] = "CIM_ERR_NOT_SUPPORTED",
        [8] = "CIM_ERR_CLASS_HAS_CHILDREN",
        [9] = "CIM_ERR_CLASS_HAS_INSTANCES",
        [10] = "CIM_ERR_INVALID_SUPERCLASS",
        [11] = "CIM_ERR_ALREADY_EXISTS",
        [12] = "CIM_ERR_NO_SUCH_PROPERTY",
        [13] = "CIM_ERR_TYPE_MISMATCH",
        [14] = "CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED",
        [15] = "CIM_ERR_INVALID_QUERY",
        [16] = "CIM_ERR_METHOD_NOT_AVAILABLE",
        [17] = "CIM_ERR_METHOD_NOT_FOUND",
        [20] = "CIM_ERR_NAMESPACE_NOT_EMPTY",
        [21] = "CIM_ERR_INVALID_ENUMERATION_CONTEXT",
        [22] = "CIM_ERR_INVALID_OPERATION_TIMEOUT",
        [23] = "CIM_ERR_PULL_HAS_BEEN_ABANDONED",
        [24] = "CIM_ERR_PULL_CANNOT_BE_ABANDONED",
        [25] = "CIM_ERR_FILTERED_ENUMERATION_NOT_SUPPORTED",
        [26] = "CIM_ERR_CONTINUATION_ON_ERROR_NOT_SUPPORTED",
        [27] = "CIM_ERR_SERVER_LIMITS_EXCEEDED",
        [28] = "CIM_ERR_SERVER_IS_SHUTTING_DOWN",
    };
    if (s < 0 || (size_t)s >= SPI_ARRAY_SIZE(names))
        return NULL;
    return names[s];
}

int sp_error_exit_code(const sp_error *err)
{
    switch (err->code) {
    case SP_OK:
        return SP_EXIT_OK;
    case SP_ERR_INVALID:
    case SP_ERR_BAD_ID:
    case SP_ERR_CONFIG:
        return SP_EXIT_USAGE;
    case SP_ERR_NOT_FOUND:
        return SP_EXIT_NOT_FOUND;
    case SP_ERR_CONNECT:
    case SP_ERR_CONNECTION_LOST:
    case SP_ERR_AUTH:
    case SP_ERR_TLS:
    case SP_ERR_TIMEOUT:
        return SP_EXIT_CONNECT;
    case SP_ERR_CIM:
        if (err->cim_status == SP_CIM_ERR_NOT_FOUND)
            return SP_EXIT_NOT_FOUND;
        if (err->cim_status == SP_CIM_ERR_ACCESS_DENIED)
            return SP_EXIT_CONNECT;
        return SP_EXIT_FAILED;
    case SP_ERR_NOT_SUPPORTED:
    case SP_ERR_PRECONDITION:
    case SP_ERR_EXISTS: /* a name is taken: nothing was changed */
        return SP_EXIT_PRECONDITION;
    case SP_ERR_HTTP:
    case SP_ERR_WSMAN:
    case SP_ERR_PROTOCOL:
    case SP_ERR_TOO_LARGE:
    case SP_ERR_IO:
    case SP_ERR_CANCELLED:
    case SP_ERR_INTERNAL:
        return SP_EXIT_FAILED;
    case SP_ERR_JOB_TIMEOUT:
    case SP_ERR_LOCK_TIMEOUT:
        return SP_EXIT_JOB_TIMEOUT;
    case SP_ERR_CLEANUP:
        return SP_EXIT_PARTIAL;
    }
    return SP_EXIT_FAILED;
}
