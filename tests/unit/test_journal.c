/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_journal.c: run journals: a table of journals read or
 * refused (a line a crash cut off, a LUN never begun, bad values), and a
 * journaled run on a local array kept (commit) and undone (undo), its
 * names reserved and released. */
#include <unistd.h>

#include "testutil.h"

#include "library/journal.h"

#define HEAD                                                                   \
    "# a run\n"                                                                \
    "entry=01a25217-24c0-71fc-966b-6b6d3373025d\n"                             \
    "program=lun-create\npid=7647\nmachine=vm/3d12\nstart=1\nsince=2\n"        \
    "library=8924689c-c5c3-4388-8a5d-f4db04b6d11a\nstate=making\n"
#define LUN1 "lun=1 web 1\npool=1 pool:sim:gold\nsize=1 1048576\nbegun=1\n"

static const struct parse_case {
    const char *what, *text;
    bool ok;
    size_t n;            /* objects read */
    enum spi_jstep last; /* the last one's step */
} cases[] = {
    {"a header only", HEAD, true, 0, 0},
    {"a LUN begun", HEAD LUN1, true, 1, SPI_JSTEP_BEGUN},
    {"a LUN made", HEAD LUN1 "made=1 lun:sim:0001:600A\n", true, 1,
     SPI_JSTEP_MADE},
    {"a copy", HEAD "lun=1 c\nsource=1 lun:sim:0001\ncopy=1 clone\nbegun=1\n",
     true, 1, SPI_JSTEP_BEGUN},
    {"removed", HEAD LUN1 "removed=1\n", true, 1, SPI_JSTEP_REMOVED},
    {"a last line cut off", HEAD LUN1 "made=1 lun:sim:00", true, 1,
     SPI_JSTEP_BEGUN},
    {"a LUN cut off before begun", HEAD LUN1 "lun=2 x\npool=2 pool:sim:g\n",
     true, 2, SPI_JSTEP_PLANNED},
    {"a later version's key", HEAD "colour=blue\n", true, 0, 0},
    {"no entry", "library=8924689c-c5c3-4388-8a5d-f4db04b6d11a\n", false, 0, 0},
    {"no library",
     "entry=01a25217-24c0-71fc-966b-6b6d3373025d\npid=1\nmachine=m\n", false, 0,
     0},
    {"a LUN out of order", HEAD "lun=2 x\n", false, 0, 0},
    {"an unknown LUN", HEAD "begun=1\n", false, 0, 0},
    {"a begun LUN without size", HEAD "lun=1 x\npool=1 pool:a:b\nbegun=1\n",
     false, 0, 0},
    {"a made LUN with a pool ID", HEAD LUN1 "made=1 pool:sim:gold\n", false, 0,
     0},
    {"a bad state", HEAD "state=sleeping\n", false, 0, 0},
    {"a size of 0", HEAD "lun=1 x\npool=1 pool:a:b\nsize=1 0\nbegun=1\n", false,
     0, 0},
    {"a line without =", HEAD "lun 1 x\n", false, 0, 0},
};

static void test_parse(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct parse_case *c = &cases[i];
        struct spi_jdata d;
        sp_error err = {0};
        sp_code rc =
            spi_journal_parse(c->text, strlen(c->text), "t.journal", &d, &err);
        if ((rc == SP_OK) != c->ok)
            fail_msg("%s: %s", c->what, rc ? err.message : "read");
        if (rc)
            continue;
        if (d.n != c->n || (d.n && d.objs[d.n - 1].step != c->last))
            fail_msg("%s: %zu objects read", c->what, d.n);
        assert_string_equal(d.holder.entry,
                            "01a25217-24c0-71fc-966b-6b6d3373025d");
        spi_jdata_release(&d);
    }
}

struct run {
    char dir[4096];
    sp_config *cfg;
    sp_library *lib;
    sp_array *a;
    sp_id *pool;
};

static void run_open(struct run *r, const char *name)
{
    snprintf(r->dir, sizeof(r->dir), "%s",
             tu_path(tu_outdir(), "journal-%s-%ld", name, (long)getpid()));
    char text[8400];
    snprintf(text, sizeof(text),
             "[library]\npath = %s/library\n[array \"loc\"]\nuri = local:%s/"
             "loc\n[pool \"loc:default\"]\n",
             r->dir, r->dir);
    sp_error err;
    assert_int_equal(sp_config_parse(text, "t", &r->cfg, &err), SP_OK);
    assert_int_equal(sp_library_open(r->cfg, 0, &r->lib, &err), SP_OK);
    assert_int_equal(sp_array_open(r->cfg, "loc", 0, &r->a, &err), SP_OK);
    assert_int_equal(sp_id_parse("pool:loc:default", &r->pool, &err), SP_OK);
}

static void run_close(struct run *r)
{
    sp_array_close(r->a);
    sp_id_free(r->pool);
    sp_library_close(r->lib);
    sp_config_free(r->cfg);
}

static int count_names(const sp_name_info *info, void *ctx)
{
    (void)info;
    (*(int *)ctx)++;
    return 0;
}

static int names(sp_library *lib)
{
    int n = 0;
    sp_error err;
    assert_int_equal(sp_name_reservations(lib, count_names, &n, &err), SP_OK);
    return n;
}

static void count_removed(const sp_id *lun, void *ctx)
{
    (void)lun;
    (*(int *)ctx)++;
}

static void test_commit_and_undo(void **state)
{
    (void)state;
    struct run r = {0};
    run_open(&r, "run");
    sp_error err;
    sp_journal *j = NULL;
    assert_int_equal(sp_journal_new(r.cfg, r.lib, 1, &j, &err), SP_ERR_INVALID);
    assert_int_equal(sp_journal_new(r.cfg, r.lib, 0, &j, &err), SP_OK);
    char entry[37];
    snprintf(entry, sizeof(entry), "%s", sp_journal_entry(j));
    assert_int_equal(entry[14], '7');
    assert_int_equal(sp_journal_reserve(j, SP_NAME_LUN, r.pool, "a", 0, &err),
                     SP_OK);
    /* A LUN's name needs its pool; a template's none. */
    assert_int_equal(sp_journal_reserve(j, SP_NAME_LUN, NULL, "b", 0, &err),
                     SP_ERR_INVALID);
    sp_lun *a = NULL, *b = NULL;
    assert_int_equal(
        sp_journal_create_lun(j, r.a, r.pool, "a", 1 << 20, 0, &a, &err),
        SP_OK);
    assert_true(sp_lun_tagged(a, NULL, entry) == false); /* no library */
    const char *lib = NULL, *ent = NULL;
    assert_true(sp_lun_tag(a, &lib, &ent));
    assert_string_equal(ent, entry);
    assert_int_equal(sp_journal_copy_lun(j, r.a, sp_lun_id(a), SP_COPY_CLONE,
                                         "b", NULL, 0, &b, &err),
                     SP_OK);
    /* A refusal writes the LUN down as removed: nothing to undo. */
    sp_lun *c = NULL;
    assert_int_equal(
        sp_journal_create_lun(j, r.a, r.pool, "a", 1 << 20, 0, &c, &err),
        SP_ERR_EXISTS);
    assert_null(c);
    assert_int_equal(names(r.lib), 1);
    /* Undone: both LUNs gone, the name released, the journal removed. */
    int removed = 0;
    assert_int_equal(sp_journal_undo(j, 0, count_removed, &removed, &err),
                     SP_OK);
    assert_int_equal(removed, 2);
    sp_lun *gone = NULL;
    assert_int_equal(sp_array_get_lun(r.a, sp_lun_id(a), 0, &gone),
                     SP_ERR_NOT_FOUND);
    assert_int_equal(sp_array_get_lun(r.a, sp_lun_id(b), 0, &gone),
                     SP_ERR_NOT_FOUND);
    assert_int_equal(names(r.lib), 0);
    char path[8300];
    snprintf(path, sizeof(path), "%s/library/journals/%s.journal", r.dir,
             entry);
    assert_int_not_equal(access(path, F_OK), 0);
    sp_journal_free(j);
    sp_lun_free(a);
    sp_lun_free(b);

    /* Kept: the journal stays, done, and accounts for the LUN. */
    assert_int_equal(sp_journal_new(r.cfg, r.lib, 0, &j, &err), SP_OK);
    snprintf(path, sizeof(path), "%s/library/journals/%s.journal", r.dir,
             sp_journal_entry(j));
    assert_int_equal(sp_journal_reserve(j, SP_NAME_LUN, r.pool, "k", 0, &err),
                     SP_OK);
    assert_int_equal(
        sp_journal_create_lun(j, r.a, r.pool, "k", 1 << 20, 0, &a, &err),
        SP_OK);
    assert_int_equal(sp_journal_commit(j, 0, &err), SP_OK);
    assert_int_equal(names(r.lib), 0);
    char *text = tu_read_file(path, NULL);
    assert_non_null(strstr(text, "\nstate=done\n"));
    assert_non_null(strstr(text, "\nmade=1 lun:loc:default%2Fk:"));
    free(text);
    sp_journal_free(j);
    sp_lun_free(a);

    /* A run that made nothing leaves no journal. */
    assert_int_equal(sp_journal_new(r.cfg, r.lib, 0, &j, &err), SP_OK);
    snprintf(path, sizeof(path), "%s/library/journals/%s.journal", r.dir,
             sp_journal_entry(j));
    assert_int_equal(sp_journal_commit(j, 0, &err), SP_OK);
    assert_int_not_equal(access(path, F_OK), 0);
    sp_journal_free(j);
    run_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_commit_and_undo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
