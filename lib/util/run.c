/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/run.c: running a helper program (tgtadm, qemu-img, xorriso):
 * an argument vector, never a shell; its output collected, bounded. */
#include "internal.h"
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define RUN_OUTPUT_MAX (4u << 20)

sp_code spi_run(const char *const *argv, char **output, int *status,
                sp_error *err)
{
    *output = NULL;
    *status = -1;
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0)
        return sp_error_set(err, SP_ERR_IO, "cannot run %s: %s", argv[0],
                            strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    pid_t pid;
    int e =
        posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    if (e) {
        close(pipefd[0]);
        return sp_error_set(err, SP_ERR_NOT_SUPPORTED, "cannot run %s: %s",
                            argv[0], strerror(e));
    }
    size_t len = 0, cap = 4096;
    char *buf = spi_xmalloc(cap);
    for (;;) {
        if (len + 1 >= cap && cap < RUN_OUTPUT_MAX)
            buf = spi_xrealloc(buf, cap *= 2);
        char sink[4096];
        bool full = len + 1 >= cap; /* read on, keep nothing more */
        ssize_t r = full ? read(pipefd[0], sink, sizeof(sink))
                         : read(pipefd[0], buf + len, cap - len - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        if (!full)
            len += (size_t)r;
    }
    buf[len] = '\0';
    close(pipefd[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    *output = buf;
    return SP_OK;
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
