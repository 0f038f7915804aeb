/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/util/access.c: whether another user (the one a hypervisor runs its
 * VMs as) can reach a directory of this machine. */
#include "internal.h"
#include "file.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * The length of the first prefix of @dir (absolute, written to and put
 * back) that the calling identity cannot search, 0 when it can search
 * them all.  The walk stops at a directory that does not exist yet: it is
 * made later, by whoever makes the files.  Only async-signal-safe calls:
 * it runs in a child forked from a process that may have threads.
 */
static size_t first_unsearchable(char *dir)
{
    if (access("/", X_OK) != 0)
        return 1;
    size_t len = strlen(dir);
    for (size_t i = 1; i <= len; i++) {
        if ((i < len && dir[i] != '/') || dir[i - 1] == '/')
            continue;
        char c = dir[i];
        dir[i] = '\0';
        int r = access(dir, X_OK), e = errno;
        dir[i] = c;
        if (r != 0)
            return e == ENOENT ? 0 : i;
    }
    return 0;
}

bool spi_user_name(uid_t uid, char *out, size_t size)
{
    struct passwd pw, *found = NULL;
    char buf[4096];
    if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) == 0 && found) {
        snprintf(out, size, "%s", found->pw_name);
        return true;
    }
    snprintf(out, size, "%u", (unsigned)uid);
    return false;
}

/* The groups of user @uid (primary group @gid first), or just @gid. */
static gid_t *groups_of(uid_t uid, gid_t gid, int *n)
{
    char name[256];
    int max = 64;
    gid_t *g = spi_xmalloc((size_t)max * sizeof(*g));
    if (spi_user_name(uid, name, sizeof(name)) &&
        getgrouplist(name, gid, g, &max) >= 0) {
        *n = max;
        return g;
    }
    g[0] = gid;
    *n = 1;
    return g;
}

sp_code spi_dir_searchable_by(const char *dir, uid_t uid, gid_t gid,
                              char **blocker, sp_error *err)
{
    *blocker = NULL;
    SPI_AUTOFREE char *cwd = NULL;
    if (dir[0] != '/' && !(cwd = getcwd(NULL, 0)))
        return sp_error_set(err, SP_ERR_IO,
                            "cannot read the directory "
                            "this program runs in: %s",
                            strerror(errno));
    SPI_AUTOFREE char *path =
        cwd ? spi_xasprintf("%s/%s", cwd, dir) : spi_xstrdup(dir);
    size_t bad;
    if (uid == getuid() && uid == geteuid() && gid == getgid()) {
        bad = first_unsearchable(path);
    } else if (geteuid() != 0) {
        return sp_error_set(err, SP_ERR_NOT_SUPPORTED,
                            "only root can check what user %u can reach",
                            (unsigned)uid);
    } else {
        /* access() asks as the real user: a child that is that user, so
         * that ACLs and every group count as the kernel counts them. */
        int ngroups;
        SPI_AUTOFREE gid_t *groups = groups_of(uid, gid, &ngroups);
        int fd[2];
        if (pipe(fd) != 0)
            return sp_error_set(err, SP_ERR_IO, "cannot make a pipe: %s",
                                strerror(errno));
        pid_t pid = fork();
        if (pid < 0) {
            close(fd[0]);
            close(fd[1]);
            return sp_error_set(err, SP_ERR_IO, "cannot fork: %s",
                                strerror(errno));
        }
        if (pid == 0) {
            close(fd[0]);
            if (setgroups((size_t)ngroups, groups) != 0 || setgid(gid) != 0 ||
                setuid(uid) != 0)
                _exit(1);
            size_t r = first_unsearchable(path);
            _exit(write(fd[1], &r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : 1);
        }
        close(fd[1]);
        ssize_t got;
        do
            got = read(fd[0], &bad, sizeof(bad));
        while (got < 0 && errno == EINTR);
        close(fd[0]);
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        if (got != (ssize_t)sizeof(bad) || bad > strlen(path))
            return sp_error_set(err, SP_ERR_IO,
                                "cannot check as user %u what it can reach",
                                (unsigned)uid);
    }
    if (!bad)
        return SP_OK;
    path[bad] = '\0';
    *blocker = spi_xstrdup(path);
    return sp_error_set(err, SP_ERR_PRECONDITION,
                        "user %u cannot search directory '%s'", (unsigned)uid,
                        path);
}
