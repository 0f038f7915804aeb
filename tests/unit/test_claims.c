/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_claims.c: the library's UUID, name reservations (one run
 * of many gets a name; a dead holder's is taken over only when asked) and
 * named locks (sorted, released by the kernel, a time-out naming the
 * holder). */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#include "util/holder.h"

static sp_library *open_library(const char *name, sp_config **cfg)
{
    /* tu_path() gives a static buffer: copied before the next call. */
    char dir[4096], text[4200];
    snprintf(dir, sizeof(dir), "%s",
             tu_path(tu_outdir(), "claims-%s-%ld", name, (long)getpid()));
    snprintf(text, sizeof(text), "[library]\npath = %s\n", dir);
    sp_error err;
    assert_int_equal(sp_config_parse(text, "t", cfg, &err), SP_OK);
    sp_library *lib = NULL;
    assert_int_equal(sp_library_open(*cfg, 0, &lib, &err), SP_OK);
    return lib;
}

static void test_library_uuid(void **state)
{
    (void)state;
    sp_config *cfg;
    sp_library *lib = open_library("uuid", &cfg);
    char a[37], b[37];
    sp_error err;
    assert_int_equal(sp_library_uuid(lib, a, &err), SP_OK);
    assert_int_equal(strlen(a), 36);
    assert_int_equal(sp_library_uuid(lib, b, &err), SP_OK);
    assert_string_equal(a, b);
    sp_library_close(lib);
    sp_config_free(cfg);
}

static void test_reserve_once(void **state)
{
    (void)state;
    sp_config *cfg;
    sp_library *lib = open_library("once", &cfg);
    sp_error err;
    sp_reservation *r = NULL, *again = NULL, *other = NULL;
    assert_int_equal(
        sp_name_reserve(lib, SP_NAME_VM, NULL, "web1", "e1", 0, &r, &err),
        SP_OK);
    /* The same entry of this process: its own, again. */
    assert_int_equal(
        sp_name_reserve(lib, SP_NAME_VM, NULL, "web1", "e1", 0, &again, &err),
        SP_OK);
    sp_name_keep(again);
    /* Another entry: held, and the message names the holder. */
    assert_int_equal(
        sp_name_reserve(lib, SP_NAME_VM, NULL, "web1", "e2", 0, &other, &err),
        SP_ERR_PRECONDITION);
    assert_null(other);
    char pid[32];
    snprintf(pid, sizeof(pid), "PID %ld ", (long)getpid());
    assert_non_null(strstr(err.message, pid));
    assert_non_null(strstr(err.message, "test_claims"));
    /* Names of other kinds and scopes are other names. */
    assert_int_equal(sp_name_reserve(lib, SP_NAME_TEMPLATE, NULL, "web1", "e2",
                                     0, &other, &err),
                     SP_OK);
    sp_name_release(other);
    assert_int_equal(sp_name_reserve(lib, SP_NAME_LUN, "sim:gold", "web1", "e2",
                                     0, &other, &err),
                     SP_OK);
    sp_name_release(other);
    sp_name_release(r);
    assert_int_equal(
        sp_name_reserve(lib, SP_NAME_VM, NULL, "web1", "e2", 0, &other, &err),
        SP_OK);
    sp_name_release(other);
    sp_library_close(lib);
    sp_config_free(cfg);
}

/* N processes at once want one name: exactly one gets it. */
static void test_reserve_race(void **state)
{
    (void)state;
    sp_config *cfg;
    sp_library *lib = open_library("race", &cfg);
    enum { N = 16 };
    for (int round = 0; round < 10; round++) {
        char name[32];
        snprintf(name, sizeof(name), "r%d", round);
        pid_t kids[N];
        for (int i = 0; i < N; i++) {
            if ((kids[i] = fork()) == 0) {
                sp_reservation *r = NULL;
                sp_error err;
                char entry[16];
                snprintf(entry, sizeof(entry), "k%d", i);
                _exit(sp_name_reserve(lib, SP_NAME_LUN, "a:p", name, entry, 0,
                                      &r, &err) == SP_OK
                          ? 0
                          : 1);
            }
        }
        int won = 0;
        for (int i = 0; i < N; i++) {
            int st;
            waitpid(kids[i], &st, 0);
            won += WIFEXITED(st) && WEXITSTATUS(st) == 0;
        }
        assert_int_equal(won, 1);
    }
    sp_library_close(lib);
    sp_config_free(cfg);
}

struct seen {
    int n, gone;
};

static int see(const sp_name_info *info, void *ctx)
{
    struct seen *s = ctx;
    s->n++;
    s->gone += info->gone;
    assert_string_equal(info->name, "stale1");
    assert_string_equal(info->scope, "sim:gold");
    assert_int_equal(info->kind, SP_NAME_LUN);
    return 0;
}

/* A holder that died: its reservation stays, said to be stale, and is
 * taken over only with SP_RESERVE_TAKE_STALE. */
static void test_reserve_stale(void **state)
{
    (void)state;
    sp_config *cfg;
    sp_library *lib = open_library("stale", &cfg);
    pid_t kid = fork();
    if (kid == 0) {
        sp_reservation *r = NULL;
        sp_error err;
        _exit(sp_name_reserve(lib, SP_NAME_LUN, "sim:gold", "stale1", "dead", 0,
                              &r, &err) == SP_OK
                  ? 0
                  : 1);
    }
    int st;
    waitpid(kid, &st, 0);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    struct seen s = {0};
    sp_error err;
    assert_int_equal(sp_name_reservations(lib, see, &s, &err), SP_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.gone, 1);
    sp_reservation *r = NULL;
    assert_int_equal(sp_name_reserve(lib, SP_NAME_LUN, "sim:gold", "stale1",
                                     "new", 0, &r, &err),
                     SP_ERR_PRECONDITION);
    assert_non_null(strstr(err.message, "gone"));
    /* Eight takers at once: one takes it over, the others find it live. */
    pid_t takers[8];
    for (int i = 0; i < 8; i++)
        if ((takers[i] = fork()) == 0) {
            char entry[16];
            snprintf(entry, sizeof(entry), "t%d", i);
            sp_reservation *mine = NULL;
            int won =
                sp_name_reserve(lib, SP_NAME_LUN, "sim:gold", "stale1", entry,
                                SP_RESERVE_TAKE_STALE, &mine, &err) == SP_OK;
            usleep(300000); /* alive while the others try */
            _exit(won ? 0 : 1);
        }
    int won = 0;
    for (int i = 0; i < 8; i++) {
        waitpid(takers[i], &st, 0);
        won += WIFEXITED(st) && WEXITSTATUS(st) == 0;
    }
    assert_int_equal(won, 1);
    /* Its taker is gone now too: taken over once more, by this process. */
    assert_int_equal(sp_name_reserve(lib, SP_NAME_LUN, "sim:gold", "stale1",
                                     "new", SP_RESERVE_TAKE_STALE, &r, &err),
                     SP_OK);
    sp_name_release(r);
    assert_int_equal(
        sp_name_drop(lib, SP_NAME_LUN, "sim:gold", "stale1", 0, &err),
        SP_ERR_NOT_FOUND);
    sp_library_close(lib);
    sp_config_free(cfg);
}

/* Locks: a holder makes others wait, up to their time-out, which names it;
 * when it dies the kernel frees the lock. */
static void test_locks(void **state)
{
    (void)state;
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s",
             tu_path(tu_outdir(), "claims-locks-%ld", (long)getpid()));
    int go[2], done[2];
    assert_int_equal(pipe(go), 0);
    assert_int_equal(pipe(done), 0);
    pid_t kid = fork();
    if (kid == 0) {
        const char *names[] = {"mask:sim:kvm01", "copy:sim:00A1"};
        struct spi_locks *l = NULL;
        sp_error err;
        if (spi_locks_take(dir, names, 2, 0, &l, &err))
            _exit(1);
        (void)!write(go[1], "x", 1);
        char c;
        (void)!read(done[0], &c, 1); /* until the parent says */
        _exit(0);
    }
    char c;
    assert_int_equal(read(go[0], &c, 1), 1);
    const char *one[] = {"mask:sim:kvm01"};
    struct spi_locks *l = NULL;
    sp_error err;
    assert_int_equal(spi_locks_take(dir, one, 1, 1, &l, &err),
                     SP_ERR_LOCK_TIMEOUT);
    char pid[32];
    snprintf(pid, sizeof(pid), "PID %ld ", (long)kid);
    assert_non_null(strstr(err.message, pid));
    assert_non_null(strstr(err.message, "mask:sim:kvm01"));
    /* Another name is free. */
    const char *other[] = {"mask:sim:kvm02"};
    assert_int_equal(spi_locks_take(dir, other, 1, 0, &l, &err), SP_OK);
    spi_locks_release(l);
    /* The holder dies without releasing: the lock is free. */
    kill(kid, SIGKILL);
    waitpid(kid, NULL, 0);
    assert_int_equal(spi_locks_take(dir, one, 1, 0, &l, &err), SP_OK);
    spi_locks_release(l);
    close(go[0]);
    close(go[1]);
    close(done[0]);
    close(done[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_library_uuid),
        cmocka_unit_test(test_reserve_once),
        cmocka_unit_test(test_reserve_race),
        cmocka_unit_test(test_reserve_stale),
        cmocka_unit_test(test_locks),
    };
    return cmocka_run_group_tests_name("claims", tests, NULL, NULL);
}
