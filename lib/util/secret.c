/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/secret.c: passwords in memory: a process holding one leaves no
 * core dump, $SANPROV_PASSWORD is taken out of the environment, helper
 * programs get an environment without secrets, libcurl's freed memory is
 * wiped. */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <sys/prctl.h>

#include "internal.h"

extern char **environ;

#define ENV_PASSWORD "SANPROV_PASSWORD"

/* Environment variables that hold secrets: never passed to a helper. */
static const char *const secret_vars[] = {ENV_PASSWORD};

/*
 * A core dump, or a debugger of the same user, would read the password
 * from the process's memory: not dumpable, the kernel writes no core
 * (whatever RLIMIT_CORE and core_pattern say, suid_dumpable aside) and
 * only root may ptrace the process or read its /proc/PID/mem and
 * /proc/PID/environ.  Set once, for the process's life (exec resets it for
 * helper programs, which hold no secret).
 */
void spi_secret_hold(const char *secret)
{
    if (!secret)
        return;
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    sp_log_add_secret(secret);
}

/* Whether @p lies in the environment block the kernel gave the process
 * (env_start..env_end of /proc/self/stat): writable, and what
 * /proc/PID/environ shows.  A string given to putenv() may be read-only,
 * so only this block is wiped. */
static bool in_initial_environ(const char *p)
{
    FILE *f = fopen("/proc/self/stat", "re");
    if (!f)
        return false;
    char line[2048];
    bool got = fgets(line, sizeof(line), f) != NULL;
    fclose(f);
    const char *s = got ? strrchr(line, ')') : NULL;
    if (!s)
        return false;
    /* After "(comm)" comes field 3; env_start and env_end are 50 and 51. */
    unsigned long long v[52] = {0};
    char *end = (char *)s + 1;
    int field = 2;
    while (field < 51) {
        while (*end == ' ')
            end++;
        if (!*end || *end == '\n')
            return false;
        field++;
        if (field == 3) { /* the state: a letter */
            end++;
            continue;
        }
        errno = 0;
        v[field] = strtoull(end, &end, 10);
        if (errno)
            return false;
    }
    uintptr_t a = (uintptr_t)p;
    return v[50] && a >= v[50] && a < v[51];
}

/*
 * $SANPROV_PASSWORD is taken out of the environment the first time it is
 * read, so that nothing the process starts later inherits it (libvirt's
 * own helpers, a program's child) and /proc/PID/environ no longer shows
 * it; its bytes in the environment block are wiped.  The library keeps
 * it, so that every later read (another array, each -j worker opening its
 * own handle) gets the same password; a value set again later replaces
 * it.  The programs read it before they start threads (vm-deploy opens
 * the array to plan the work); were a getenv() in another thread to run
 * during the unsetenv(), it could miss a variable for that moment, never
 * read freed memory (glibc's unsetenv() frees nothing).  Not removing it
 * would leave it to every child of the process, and in its memory twice.
 */
static pthread_mutex_t env_lock = PTHREAD_MUTEX_INITIALIZER;
static char *env_password;

char *spi_secret_from_env(void)
{
    pthread_mutex_lock(&env_lock);
    char *v = getenv(ENV_PASSWORD);
    if (v && *v) {
        spi_free_secret(env_password);
        env_password = spi_xstrdup(v);
        if (in_initial_environ(v))
            explicit_bzero(v, strlen(v));
        unsetenv(ENV_PASSWORD);
    }
    char *copy = spi_xstrdup(env_password);
    pthread_mutex_unlock(&env_lock);
    return copy;
}

void spi_secret_forget_env(void)
{
    pthread_mutex_lock(&env_lock);
    spi_free_secret(env_password);
    env_password = NULL;
    pthread_mutex_unlock(&env_lock);
}

static bool secret_var(const char *entry)
{
    for (size_t i = 0; i < SPI_ARRAY_SIZE(secret_vars); i++) {
        size_t n = strlen(secret_vars[i]);
        if (strncmp(entry, secret_vars[i], n) == 0 && entry[n] == '=')
            return true;
    }
    return false;
}

char **spi_helper_environ(void)
{
    size_t n = 0;
    for (char **e = environ; e && *e; e++)
        n++;
    char **env = spi_xcalloc(n + 1, sizeof(*env));
    size_t k = 0;
    for (size_t i = 0; i < n && environ[i]; i++)
        if (!secret_var(environ[i]))
            env[k++] = environ[i];
    env[k] = NULL;
    return env;
}

/*
 * libcurl builds "user:password", its base64 and the Authorization header
 * for each request, and copies the header into the request it sends; it
 * frees them without wiping, and malloc leaves freed memory as it was, so
 * a run of requests leaves copies of the password all over the heap.  Its
 * memory goes through these (curl_global_init_mem): what it frees is
 * wiped first, and a block it grows is moved, not left behind.
 */
void spi_wipe_free(void *p)
{
    if (!p)
        return;
    explicit_bzero(p, malloc_usable_size(p));
    free(p);
}

void *spi_wipe_realloc(void *p, size_t n)
{
    if (!p)
        return malloc(n);
    size_t have = malloc_usable_size(p);
    if (n <= have)
        return p;
    void *q = malloc(n);
    if (!q)
        return NULL;
    memcpy(q, p, have);
    spi_wipe_free(p);
    return q;
}
