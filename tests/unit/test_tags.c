/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_tags.c: tags, whose work an array object is: the suffix
 * an ElementName carries (a table of names that are and are not tagged),
 * journal entries' time-ordered UUIDs, and a local array that keeps the
 * tag in its metadata, reads old metadata without one, and settles a
 * lost answer by it. */
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#include "util/tag.h"

#define LIB   "3f2a9c41-7d6e-4b8a-9c3d-2e1f0a9b8c7d"
#define ENTRY "8e1b44d0-1234-7abc-8def-0123456789ab"

static void test_suffix(void **state)
{
    (void)state;
    char s[SP_TAG_LEN + 1];
    spi_tag_suffix(LIB, ENTRY, s);
    assert_string_equal(s, "_3f2a9c_8e1b44d0");
    assert_int_equal(strlen(s), SP_TAG_LEN);
    /* Upper case in, lower case out; a prefix is enough. */
    spi_tag_suffix("3F2A9C", "8E1B44D0", s);
    assert_string_equal(s, "_3f2a9c_8e1b44d0");
}

static const struct split_case {
    const char *element;
    const char *name; /* NULL: not tagged */
    const char *lib, *entry;
} split_cases[] = {
    {"web01_3f2a9c_8e1b44d0", "web01", "3f2a9c", "8e1b44d0"},
    {"WEB01_3F2A9C_8E1B44D0", "WEB01", "3f2a9c", "8e1b44d0"},
    {"a_b_3f2a9c_8e1b44d0", "a_b", "3f2a9c", "8e1b44d0"},
    {"x_000000_00000000", "x", "000000", "00000000"},
    {"_3f2a9c_8e1b44d0", NULL, NULL, NULL}, /* a tag alone names nothing */
    {"web01", NULL, NULL, NULL},
    {"", NULL, NULL, NULL},
    {"web01-3f2a9c-8e1b44d0", NULL, NULL, NULL},
    {"web01_3f2a9g_8e1b44d0", NULL, NULL, NULL},
    {"web01_3f2a9c_8e1b44d", NULL, NULL, NULL},
    {"web01_3f2a9c8_e1b44d0", NULL, NULL, NULL},
    {"web01_3f2a9c_8e1b44d0 ", NULL, NULL, NULL},
};

static void test_split(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
        const struct split_case *c = &split_cases[i];
        char *name = NULL, lib[SPI_TAG_LIB_HEX + 1],
             entry[SPI_TAG_ENTRY_HEX + 1];
        bool tagged = spi_tag_split(c->element, &name, lib, entry);
        if (!c->name) {
            if (tagged)
                fail_msg("'%s' taken for a tagged name", c->element);
            continue;
        }
        if (!tagged)
            fail_msg("'%s' not taken for a tagged name", c->element);
        assert_string_equal(name, c->name);
        assert_string_equal(lib, c->lib);
        assert_string_equal(entry, c->entry);
        free(name);
    }
    char *name = NULL, lib[SPI_TAG_LIB_HEX + 1], entry[SPI_TAG_ENTRY_HEX + 1];
    assert_false(spi_tag_split(NULL, &name, lib, entry));
}

static void test_names(void **state)
{
    (void)state;
    assert_true(spi_tag_names("3f2a9c", LIB, 6));
    assert_true(spi_tag_names("3F2A9C", LIB, 6));
    assert_true(spi_tag_names(LIB, LIB, 6));
    assert_false(spi_tag_names("3f2a9", LIB, 6)); /* too short to tell */
    assert_false(spi_tag_names("3f2a9d", LIB, 6));
    assert_false(spi_tag_names(NULL, LIB, 6));
    assert_false(spi_tag_names("3f2a9c", NULL, 6));
}

static void test_entry_uuid(void **state)
{
    (void)state;
    char a[37], b[37];
    spi_entry_uuid(a);
    assert_true(spi_uuid_valid(a));
    assert_int_equal(a[14], '7');
    int64_t now = (int64_t)time(NULL);
    int64_t t = spi_entry_time(a);
    assert_true(t >= now - 66 && t <= now + 1);
    /* Its first 8 hex digits, as an SMI-S tag keeps them, say as much. */
    char prefix[9];
    memcpy(prefix, a, 8);
    prefix[8] = '\0';
    assert_int_equal(spi_entry_time(prefix), t);
    /* Made later, it sorts later. */
    usleep(2000);
    spi_entry_uuid(b);
    assert_true(strcmp(a, b) < 0);
    /* A random UUID (version 4) has no time. */
    assert_int_equal(spi_entry_time("3f2a9c41-7d6e-4b8a-9c3d-2e1f0a9b8c7d"),
                     -1);
    assert_int_equal(spi_entry_time("ffffffff"), -1); /* in 10889 */
    assert_int_equal(spi_entry_time("0123"), -1);
    assert_int_equal(spi_entry_time("zzzzzzzz"), -1);
}

/* ---- a local array ---- */

struct loc {
    char dir[4096];
    sp_config *cfg;
    sp_array *a;
    sp_id *pool;
};

static void loc_open(struct loc *l, const char *name)
{
    snprintf(l->dir, sizeof(l->dir), "%s",
             tu_path(tu_outdir(), "tags-%s-%ld", name, (long)getpid()));
    char text[4300];
    snprintf(text, sizeof(text),
             "[array \"loc\"]\nuri = local:%s\n[pool \"loc:default\"]\n",
             l->dir);
    sp_error err;
    assert_int_equal(sp_config_parse(text, "t", &l->cfg, &err), SP_OK);
    assert_int_equal(sp_array_open(l->cfg, "loc", 0, &l->a, &err), SP_OK);
    assert_int_equal(sp_id_parse("pool:loc:default", &l->pool, &err), SP_OK);
}

static void loc_close(struct loc *l)
{
    sp_array_close(l->a);
    sp_id_free(l->pool);
    sp_config_free(l->cfg);
}

static void test_local_tag(void **state)
{
    (void)state;
    struct loc l = {0};
    loc_open(&l, "local");
    sp_lun *plain = NULL, *tagged = NULL, *copy = NULL, *again = NULL;
    assert_int_equal(
        sp_array_create_lun(l.a, l.pool, "plain", 1 << 20, 0, &plain), SP_OK);
    assert_false(sp_lun_tag(plain, NULL, NULL));
    assert_false(sp_lun_tagged(plain, LIB, NULL));
    /* Bad UUIDs and flags are refused, and change nothing. */
    assert_int_equal(sp_array_set_tag(l.a, "nope", ENTRY, 0), SP_ERR_INVALID);
    assert_int_equal(sp_array_set_tag(l.a, LIB, ENTRY, 1), SP_ERR_INVALID);
    assert_int_equal(sp_array_set_tag(l.a, LIB, ENTRY, 0), SP_OK);
    assert_int_equal(
        sp_array_create_lun(l.a, l.pool, "tagged", 1 << 20, 0, &tagged), SP_OK);
    const char *lib = NULL, *entry = NULL;
    assert_true(sp_lun_tag(tagged, &lib, &entry));
    assert_string_equal(lib, LIB);
    assert_string_equal(entry, ENTRY);
    assert_string_equal(sp_lun_name(tagged), "tagged");
    assert_true(sp_lun_tagged(tagged, LIB, ENTRY));
    assert_true(sp_lun_tagged(tagged, LIB, NULL));
    assert_false(
        sp_lun_tagged(tagged, LIB, "8e1b44d1-1234-7abc-8def-0123456789ab"));
    assert_int_equal(sp_array_copy_lun(l.a, sp_lun_id(plain), SP_COPY_CLONE,
                                       "copy", NULL, 0, &copy),
                     SP_OK);
    assert_true(sp_lun_tagged(copy, LIB, ENTRY));
    /* Untagged again. */
    assert_int_equal(sp_array_set_tag(l.a, NULL, NULL, 0), SP_OK);
    sp_lun *later = NULL;
    assert_int_equal(
        sp_array_create_lun(l.a, l.pool, "later", 1 << 20, 0, &later), SP_OK);
    assert_false(sp_lun_tag(later, NULL, NULL));
    /* The tag is in the metadata: read back by another handle. */
    sp_array_close(l.a);
    sp_error err;
    assert_int_equal(sp_array_open(l.cfg, "loc", 0, &l.a, &err), SP_OK);
    assert_int_equal(sp_array_get_lun(l.a, sp_lun_id(tagged), 0, &again),
                     SP_OK);
    assert_true(sp_lun_tagged(again, LIB, ENTRY));
    sp_lun_free(again);
    assert_int_equal(sp_array_get_lun(l.a, sp_lun_id(plain), 0, &again), SP_OK);
    assert_false(sp_lun_tag(again, NULL, NULL));
    sp_lun_free(again);
    sp_lun_free(plain);
    sp_lun_free(tagged);
    sp_lun_free(copy);
    sp_lun_free(later);
    loc_close(&l);
}

/* Metadata with half a tag, or a tag that is no UUID, is bad metadata. */
static void test_local_bad_tag(void **state)
{
    (void)state;
    struct loc l = {0};
    loc_open(&l, "bad");
    sp_lun *x = NULL;
    assert_int_equal(sp_array_create_lun(l.a, l.pool, "x", 1 << 20, 0, &x),
                     SP_OK);
    char path[4200];
    snprintf(path, sizeof(path), "%s/default/x.meta", l.dir);
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    fputs("library=" LIB "\n", f);
    fclose(f);
    sp_lun *again = NULL;
    assert_int_equal(sp_array_get_lun(l.a, sp_lun_id(x), 0, &again), SP_ERR_IO);
    assert_non_null(strstr(sp_array_error(l.a)->message, "half a tag"));
    f = fopen(path, "a");
    assert_non_null(f);
    fputs("entry=not-a-uuid\n", f);
    fclose(f);
    assert_int_equal(sp_array_get_lun(l.a, sp_lun_id(x), 0, &again), SP_ERR_IO);
    sp_lun_free(x);
    loc_close(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_suffix),    cmocka_unit_test(test_split),
        cmocka_unit_test(test_names),     cmocka_unit_test(test_entry_uuid),
        cmocka_unit_test(test_local_tag), cmocka_unit_test(test_local_bad_tag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
