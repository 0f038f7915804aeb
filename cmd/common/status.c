/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/status.c: counting the items of a batch that succeeded and
 * failed. */
#include <pthread.h>

#include "common/status.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long n_ok, n_failed;
static int first_code; /* of the first failure */
static bool usage;     /* some item was a usage failure */
static int run_code;   /* of the first failure of the whole run */

/* One item failed, or with @run the whole run. */
static void record(int code, bool run)
{
    if (code == SP_EXIT_OK) /* a caller's error without a code */
        code = SP_EXIT_FAILED;
    pthread_mutex_lock(&lock);
    if (!n_failed++)
        first_code = code;
    if (code == SP_EXIT_USAGE)
        usage = true;
    if (run && !run_code)
        run_code = code;
    pthread_mutex_unlock(&lock);
}

void cmd_ok(void)
{
    pthread_mutex_lock(&lock);
    n_ok++;
    pthread_mutex_unlock(&lock);
}

void cmd_failed(const char *verb, const char *subject, const sp_error *err)
{
    cmd_error("cannot %s '%s': %s", verb, subject, err->message);
    record(sp_error_exit_code(err), false);
}

static void vfail(int code, bool run, const char *fmt, va_list ap)
    SP_PRINTF(3, 0);
static void vfail(int code, bool run, const char *fmt, va_list ap)
{
    char msg[2048];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    cmd_error("%s", msg);
    record(code, run);
}

void cmd_fail(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(code, false, fmt, ap);
    va_end(ap);
}

void cmd_fail_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(SP_EXIT_USAGE, false, fmt, ap);
    va_end(ap);
}

void cmd_fail_run(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(code, true, fmt, ap);
    va_end(ap);
}

int cmd_exit_code(void)
{
    pthread_mutex_lock(&lock);
    int code = !n_failed  ? SP_EXIT_OK
               : run_code ? run_code
               : usage    ? SP_EXIT_USAGE
               : n_ok     ? SP_EXIT_PARTIAL
                          : first_code;
    pthread_mutex_unlock(&lock);
    return code;
}
