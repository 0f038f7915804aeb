/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/run.c: running a helper program (tgtadm, qemu-img, xorriso):
 * an argument vector, never a shell; its output collected, bounded. */
#include "internal.h"
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUN_OUTPUT_MAX (4u << 20)

/* What one of the program's pipes gave, up to RUN_OUTPUT_MAX bytes. */
struct sink {
    int fd; /* -1 at its end */
    size_t len, cap;
    char *buf;
};

/* Read once from @s's pipe: kept while there is room, else read on and
 * dropped, so that the program never blocks on a full pipe. */
static void drain(struct sink *s)
{
    if (s->len + 1 >= s->cap && s->cap < RUN_OUTPUT_MAX)
        s->buf = spi_xrealloc(s->buf, s->cap *= 2);
    char spill[4096];
    bool full = s->len + 1 >= s->cap;
    ssize_t r = full ? read(s->fd, spill, sizeof(spill))
                     : read(s->fd, s->buf + s->len, s->cap - s->len - 1);
    if (r < 0 && errno == EINTR)
        return;
    if (r <= 0) {
        close(s->fd);
        s->fd = -1;
    } else if (!full) {
        s->len += (size_t)r;
    }
}

/* spi_run(), with its stderr in *@errors when @errors is not NULL. */
static sp_code run(const char *const *argv, char **output, char **errors,
                   int *status, sp_error *err)
{
    *output = NULL;
    if (errors)
        *errors = NULL;
    *status = -1;
    int pipefd[2], errfd[2] = {-1, -1};
    if (pipe2(pipefd, O_CLOEXEC) != 0)
        return sp_error_set(err, SP_ERR_IO, "cannot run %s: %s", argv[0],
                            strerror(errno));
    if (errors && pipe2(errfd, O_CLOEXEC) != 0) {
        int e = errno;
        close(pipefd[0]);
        close(pipefd[1]);
        return sp_error_set(err, SP_ERR_IO, "cannot run %s: %s", argv[0],
                            strerror(e));
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, errors ? errfd[1] : pipefd[1], 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid;
    /* Never a secret in a helper's environment ($SANPROV_PASSWORD may be
     * set while the library never read it: no array needed it). */
    char **env = spi_helper_environ();
    int e = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, env);
    free(env);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    if (errors)
        close(errfd[1]);
    if (e) {
        close(pipefd[0]);
        if (errors)
            close(errfd[0]);
        return sp_error_set(err, SP_ERR_NOT_SUPPORTED, "cannot run %s: %s",
                            argv[0], strerror(e));
    }
    struct sink sinks[2] = {{pipefd[0], 0, 4096, spi_xmalloc(4096)},
                            {errfd[0], 0, 4096, spi_xmalloc(4096)}};
    nfds_t n = errors ? 2 : 1;
    while (sinks[0].fd >= 0 || sinks[1].fd >= 0) {
        struct pollfd p[2] = {{sinks[0].fd, POLLIN, 0},
                              {sinks[1].fd, POLLIN, 0}};
        if (poll(p, n, -1) < 0 && errno != EINTR)
            break; /* cannot be: two pipes of ours */
        for (nfds_t i = 0; i < n; i++)
            if (p[i].fd >= 0 && p[i].revents)
                drain(&sinks[i]);
    }
    for (int i = 0; i < 2; i++) {
        if (sinks[i].fd >= 0)
            close(sinks[i].fd);
        sinks[i].buf[sinks[i].len] = '\0';
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    *output = sinks[0].buf;
    if (errors)
        *errors = sinks[1].buf;
    else
        free(sinks[1].buf);
    return SP_OK;
}

sp_code spi_run(const char *const *argv, char **output, int *status,
                sp_error *err)
{
    return run(argv, output, NULL, status, err);
}

sp_code spi_run_split(const char *const *argv, char **output, char **errors,
                      int *status, sp_error *err)
{
    return run(argv, output, errors, status, err);
}

sp_code spi_run_ok(const char *const *argv, char **output, sp_error *err)
{
    char *buf = NULL;
    int status;
    sp_code rc = spi_run(argv, &buf, &status, err);
    if (!rc && status != 0)
        rc = sp_error_set(err, SP_ERR_IO, "%s failed: %s", argv[0],
                          *buf ? spi_first_line(buf) : "(no message)");
    if (!rc && output)
        *output = buf;
    else
        free(buf);
    return rc;
}

const char *spi_first_line(char *s)
{
    s[strcspn(s, "\n")] = '\0';
    return s;
}

/* ---- SIGPIPE around library calls ---- */

void spi_sigpipe_hold(struct spi_sigpipe *g)
{
    sigset_t pending, block;
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    sigpending(&pending);
    g->was_pending = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &block, &g->old);
}

void spi_sigpipe_release(struct spi_sigpipe *g)
{
    sigset_t pending, pipe_only;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigpending(&pending);
    /* A SIGPIPE raised meanwhile was ours (a peer that went away, which
     * the call reported as an error): take it, so it kills no one. */
    if (!g->was_pending && sigismember(&pending, SIGPIPE) == 1) {
        static const struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_only, NULL, &zero) < 0 && errno == EINTR)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}
