/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_array.c: the SMI-S driver against a real smis-sim, in both
 * personalities. */
#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#include "array/smis.h"

struct sim {
    pid_t pid;
    int port;
    char dir[4096];
};

/* Start smis-sim from the build tree on a free port, with the options
 * @extra (NULL-terminated, or NULL for none). */
static void sim_start(struct sim *s, const char *personality,
                      const char *const *extra)
{
    const char *build = getenv("SANPROV_BUILD");
    char *abs = realpath(tu_outdir(), NULL);
    snprintf(s->dir, sizeof(s->dir), "%s/array-%s-%d", abs, personality,
             (int)getpid());
    free(abs);
    char cmd[16384];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", s->dir, s->dir);
    assert_int_equal(system(cmd), 0);
    char portfile[4200];
    snprintf(portfile, sizeof(portfile), "%s/port", s->dir);
    s->pid = fork();
    if (s->pid == 0) {
        char bin[4200], state[4200];
        snprintf(bin, sizeof(bin), "%s/bin/smis-sim", build ? build : "build");
        snprintf(state, sizeof(state), "%s/state.json", s->dir);
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        const char *argv[32] = {bin,
                                "--listen",
                                "127.0.0.1:0",
                                "--port-file",
                                portfile,
                                "--state",
                                state,
                                "--personality",
                                personality,
                                "--pools",
                                "gold:100G,silver:10G"};
        int n = 11;
        for (size_t i = 0; extra && extra[i] && n < 31; i++)
            argv[n++] = extra[i];
        argv[n] = NULL;
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {
        FILE *f = fopen(portfile, "r");
        if (f && fscanf(f, "%d", &s->port) == 1) {
            fclose(f);
            return;
        }
        if (f)
            fclose(f);
        usleep(50000);
    }
    fail_msg("smis-sim did not start");
}

static void sim_stop(struct sim *s)
{
    kill(s->pid, SIGTERM);
    waitpid(s->pid, NULL, 0);
}

static sp_config *config(const struct sim *s)
{
    char text[1024];
    snprintf(text, sizeof(text),
             "[array \"sim\"]\nuri = smis+http://127.0.0.1:%d\n"
             "[pool \"sim:gold\"]\nclass = gold\nhost-groups = prod\n",
             s->port);
    sp_config *c = NULL;
    sp_error err;
    if (sp_config_parse(text, "test", &c, &err))
        fail_msg("%s", err.message);
    return c;
}

struct seen {
    char ids[16][128];
    int n;
    char cls[64];
};

static int see_pool(sp_pool *p, void *ud)
{
    struct seen *s = ud;
    snprintf(s->ids[s->n++ % 16], 128, "%s", sp_id_str(sp_pool_id(p)));
    if (sp_pool_class(p))
        snprintf(s->cls, sizeof(s->cls), "%s", sp_pool_class(p));
    sp_pool_free(p);
    return 0;
}

static int see_lun(sp_lun *l, void *ud)
{
    struct seen *s = ud;
    /* The key, without the WWN: that is shown by test_group_personality. */
    snprintf(s->ids[s->n++ % 16], 128, "lun:%s:%s %s %zu %u",
             sp_id_field(sp_lun_id(l), 0), sp_id_field(sp_lun_id(l), 1),
             sp_lun_source(l) ? sp_id_str(sp_lun_source(l)) : "-",
             sp_lun_mask_count(l),
             sp_lun_mask_count(l) ? sp_lun_mask_number(l, 0) : 99);
    sp_lun_free(l);
    return 0;
}

static void cycle(const char *personality)
{
    struct sim s = {0};
    sim_start(&s, personality, NULL);
    sp_config *cfg = config(&s);
    sp_array *a = NULL;
    sp_error err;
    assert_int_equal(sp_array_open(cfg, "sim", 0, &a, &err), SP_OK);
#define OK(call)                                                               \
    do {                                                                       \
        if ((call) != SP_OK)                                                   \
            fail_msg("%s: %s", #call, sp_array_error(a)->message);             \
    } while (0)

    sp_array_caps caps = SP_STRUCT_INIT(sp_array_caps);
    OK(sp_array_capabilities(a, &caps));
    assert_true(caps.snapshot);
    assert_true(caps.clone);
    assert_false(caps.async);
    assert_string_equal(sp_masking_kind_name(caps.masking), personality);
    assert_string_equal(caps.driver, "smis");
    assert_string_equal(caps.vendor, "sanprov");
    assert_string_equal(caps.model, "smis-sim");
    assert_string_equal(caps.firmware, sp_version());
    assert_string_equal(caps.version, "1.8.0");

    struct seen pools = {0};
    OK(sp_array_list_pools(a, 0, see_pool, &pools));
    assert_int_equal(pools.n, 2);
    assert_string_equal(pools.ids[0], "pool:sim:gold");
    assert_string_equal(pools.cls, "gold");

    sp_id *gold = NULL;
    assert_int_equal(sp_id_parse("pool:sim:gold", &gold, &err), SP_OK);
    sp_lun *base = NULL, *snap = NULL, *clone = NULL;
    OK(sp_array_create_lun(a, gold, "base", 1u << 30, 0, &base));
    /* The ID carries the LUN's WWN after its key. */
    assert_string_equal(sp_id_field(sp_lun_id(base), 1), "00000001");
    assert_string_equal(sp_id_field(sp_lun_id(base), 2), sp_lun_wwn(base));
    assert_int_equal(sp_lun_size(base), 1u << 30);
    assert_int_equal(strlen(sp_lun_wwn(base)), 32);
    OK(sp_array_copy_lun(a, sp_lun_id(base), SP_COPY_SNAPSHOT, "snap", NULL, 0,
                         &snap));
    OK(sp_array_copy_lun(a, sp_lun_id(base), SP_COPY_CLONE, "clone", gold, 0,
                         &clone));
    assert_int_equal(sp_lun_copy(snap), SP_COPY_SNAPSHOT);

    /* Mask two LUNs to a host in one go; again: no change. */
    const char *inits[] = {"iqn.1993-08.org.debian:01:kvm01"};
    sp_mask_target t = {.size = sizeof(t),
                        .name = "kvm01",
                        .ninitiators = 1,
                        .initiators = inits};
    const sp_id *two[] = {sp_lun_id(snap), sp_lun_id(clone)};
    uint32_t nums[2] = {99, 99};
    OK(sp_array_mask(a, two, 2, &t, 0, nums));
    assert_int_equal(nums[0], 0);
    assert_int_equal(nums[1], 1);
    OK(sp_array_mask(a, two, 2, &t, 0, nums));
    assert_int_equal(nums[1], 1);

    struct seen luns = {0};
    OK(sp_array_list_luns(a, NULL, SP_LUN_MASKING, see_lun, &luns));
    assert_int_equal(luns.n, 3);
    assert_string_equal(luns.ids[0], "lun:sim:00000001 - 0 99");
    assert_string_equal(luns.ids[1], "lun:sim:00000002 lun:sim:00000001 1 0");
    assert_string_equal(luns.ids[2], "lun:sim:00000003 lun:sim:00000001 1 1");

    sp_lun *got = NULL;
    OK(sp_array_get_lun(a, sp_lun_id(clone), SP_LUN_MASKING, &got));
    assert_string_equal(sp_id_str(sp_lun_pool(got)), "pool:sim:gold");
    assert_string_equal(sp_lun_mask_initiator(got, 0), inits[0]);
    sp_lun_free(got);

    /* The base has a snapshot: refused.  A masked LUN: refused. */
    assert_int_equal(sp_array_delete_lun(a, sp_lun_id(base), 0),
                     SP_ERR_PRECONDITION);
    assert_non_null(strstr(sp_array_error(a)->message, "snapshot"));
    assert_int_equal(sp_array_delete_lun(a, sp_lun_id(snap), 0),
                     SP_ERR_PRECONDITION);
    assert_non_null(strstr(sp_array_error(a)->message, "masked"));

    /* Unmask both (twice: no change), then the view is gone. */
    OK(sp_array_mask(a, two, 2, &t, SP_MASK_UNMASK, NULL));
    OK(sp_array_mask(a, two, 2, &t, SP_MASK_UNMASK, NULL));
    OK(sp_array_delete_lun(a, sp_lun_id(snap), 0));
    OK(sp_array_delete_lun(a, sp_lun_id(clone), 0));
    OK(sp_array_delete_lun(a, sp_lun_id(base), 0));
    assert_int_equal(sp_array_get_lun(a, sp_lun_id(base), 0, &got),
                     SP_ERR_NOT_FOUND);

    /* --force unmasks first. */
    sp_lun *l = NULL;
    OK(sp_array_create_lun(a, gold, "forced", 1u << 20, 0, &l));
    const sp_id *one[] = {sp_lun_id(l)};
    OK(sp_array_mask(a, one, 1, &t, 0, NULL));
    OK(sp_array_delete_lun(a, sp_lun_id(l), SP_LUN_FORCE));
    sp_lun_free(l);

    struct seen after = {0};
    OK(sp_array_list_luns(a, NULL, 0, see_lun, &after));
    assert_int_equal(after.n, 0);

    printf("# %s: %llu requests\n", personality,
           (unsigned long long)sp_array_requests(a));
    sp_lun_free(base);
    sp_lun_free(snap);
    sp_lun_free(clone);
    sp_id_free(gold);
    sp_array_close(a);
    sp_config_free(cfg);
    sim_stop(&s);
    /* Nothing left on the array: no view, group or hardware ID we made
     * (hardware IDs stay: they name the host, not a mapping). */
    char statef[4300];
    snprintf(statef, sizeof(statef), "%s/state.json", s.dir);
    size_t len;
    char *state = tu_read_file(statef, &len);
    assert_non_null(strstr(state, "\"views\":[]"));
    assert_non_null(strstr(state, "\"groups\":[]"));
    free(state);
}

static void test_group_personality(void **state)
{
    cycle("group");
}

static void test_legacy_personality(void **state)
{
    cycle("legacy");
}

/* An array handle on the simulator @s, which has pools gold and silver. */
static sp_array *open_array(const struct sim *s, sp_config **cfg)
{
    sp_array *a = NULL;
    sp_error err;
    *cfg = config(s);
    assert_int_equal(sp_array_open(*cfg, "sim", 0, &a, &err), SP_OK);
    return a;
}

/* What the array is (vendor, model, firmware) costs requests that only
 * sp_array_capabilities() makes: not the LUN operations, which ask the
 * driver what the array can do themselves. */
static void test_identity_only_for_capabilities(void **state)
{
    struct sim s = {0};
    sim_start(&s, "group", NULL);
    sp_config *cfg;
    sp_array *a = open_array(&s, &cfg);
    sp_error err;
    sp_id *gold = NULL;
    assert_int_equal(sp_id_parse("pool:sim:gold", &gold, &err), SP_OK);
    sp_lun *base = NULL, *snap = NULL;
    OK(sp_array_create_lun(a, gold, "base", 1u << 20, 0, &base));
    OK(sp_array_copy_lun(a, sp_lun_id(base), SP_COPY_SNAPSHOT, "snap", NULL, 0,
                         &snap));
    /* The copy learned the capabilities; the package and the firmware
     * are one request each, once. */
    uint64_t before = sp_array_requests(a);
    sp_array_caps caps = SP_STRUCT_INIT(sp_array_caps);
    OK(sp_array_capabilities(a, &caps));
    assert_int_equal(sp_array_requests(a), before + 2);
    assert_string_equal(caps.vendor, "sanprov");
    assert_string_equal(caps.model, "smis-sim");
    assert_string_equal(caps.firmware, sp_version());
    assert_true(caps.snapshot);
    OK(sp_array_capabilities(a, &caps));
    assert_int_equal(sp_array_requests(a), before + 2);
    assert_string_equal(caps.firmware, sp_version());
    OK(sp_array_delete_lun(a, sp_lun_id(snap), 0));
    OK(sp_array_delete_lun(a, sp_lun_id(base), 0));
    sp_lun_free(base);
    sp_lun_free(snap);
    sp_id_free(gold);
    sp_array_close(a);
    sp_config_free(cfg);
    sim_stop(&s);
}

/*
 * A provider without the Physical Package and Software subprofiles does
 * not know their classes, or does not serve the operations: the array is
 * still probed, with no vendor, model or firmware.  Simulated with
 * faults: the capabilities are OpenAssociatorInstances calls 1 and 2,
 * the package call 3 (CIM_ERR_INVALID_CLASS), the firmware call 4
 * (CIM_ERR_NOT_SUPPORTED, so the client falls back to Associators, which
 * answers the same).
 */
static void test_no_identity(void **state)
{
    static const char *const faults[] = {
        "--fail", "OpenAssociatorInstances:3:5",
        "--fail", "OpenAssociatorInstances:4:7",
        "--fail", "Associators:1:7",
        NULL};
    struct sim s = {0};
    sim_start(&s, "legacy", faults);
    sp_config *cfg;
    sp_array *a = open_array(&s, &cfg);
    sp_array_caps caps = SP_STRUCT_INIT(sp_array_caps);
    OK(sp_array_capabilities(a, &caps));
    assert_null(caps.vendor);
    assert_null(caps.model);
    assert_null(caps.firmware);
    assert_string_equal(caps.driver, "smis");
    assert_string_equal(caps.version, "1.8.0");
    assert_true(caps.snapshot);
    assert_int_equal(caps.masking, SP_MASKING_LEGACY);
    /* Not asked again. */
    uint64_t before = sp_array_requests(a);
    OK(sp_array_capabilities(a, &caps));
    assert_int_equal(sp_array_requests(a), before);
    assert_null(caps.vendor);
    sp_array_close(a);
    sp_config_free(cfg);
    sim_stop(&s);
}

/* ---- handles of one process share what discovery learns ---- */

struct asker {
    sp_array *a;
    sp_code rc;
};

static void *ask_connectivity(void *arg)
{
    struct asker *k = arg;
    unsigned int how;
    k->rc = sp_array_connectivity(k->a, &how);
    return NULL;
}

/* The first handle learns the system, services, capabilities, ports and
 * pools; a second one on the same array (name and URI) copies them and
 * asks nothing of that; another name is another array.  Eight handles
 * asking at once for what none knows yet ask once between them. */
static void test_shared_discovery(void **state)
{
    struct sim s = {0};
    sim_start(&s, "group", NULL);
    char text[512];
    snprintf(text, sizeof(text),
             "[array \"sim\"]\nuri = smis+http://127.0.0.1:%d\n"
             "[array \"other\"]\nuri = smis+http://127.0.0.1:%d\n",
             s.port, s.port);
    sp_config *cfg = NULL;
    sp_error err;
    assert_int_equal(sp_config_parse(text, "test", &cfg, &err), SP_OK);
    sp_id *gold = NULL;
    assert_int_equal(sp_id_parse("pool:sim:gold", &gold, &err), SP_OK);
    sp_array *a = NULL, *b = NULL, *c = NULL;
    assert_int_equal(sp_array_open(cfg, "sim", 0, &a, &err), SP_OK);
    unsigned int how;
    sp_lun *l = NULL;
    OK(sp_array_connectivity(a, &how));
    OK(sp_array_create_lun(a, gold, "one", 1u << 20, 0, &l));
    uint64_t first = sp_array_requests(a);
    sp_lun_free(l);

    /* A second handle: only the create and its read-back. */
    assert_int_equal(sp_array_open(cfg, "sim", 0, &b, &err), SP_OK);
    unsigned int how_b;
    OK(sp_array_connectivity(b, &how_b));
    assert_int_equal(how_b, how);
    assert_int_equal(sp_array_requests(b), 0);
    OK(sp_array_create_lun(b, gold, "two", 1u << 20, 0, &l));
    assert_int_equal(sp_array_requests(b), 2);
    OK(sp_array_delete_lun(b, sp_lun_id(l), 0));
    sp_lun_free(l);
    sp_array_close(b);

    /* Another name: another array, discovered again. */
    assert_int_equal(sp_array_open(cfg, "other", 0, &c, &err), SP_OK);
    OK(sp_array_connectivity(c, &how));
    assert_true(sp_array_requests(c) >= 4);
    sp_array_close(c);

    /* Eight at once, on an array none of them knows yet: "a" and its
     * facts go, so the first of the eight to ask asks for all. */
    sp_array_close(a);
    struct asker k[8];
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        assert_int_equal(sp_array_open(cfg, "sim", 0, &k[i].a, &err), SP_OK);
    for (int i = 0; i < 8; i++)
        assert_int_equal(pthread_create(&t[i], NULL, ask_connectivity, &k[i]),
                         0);
    uint64_t total = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(k[i].rc, SP_OK);
        total += sp_array_requests(k[i].a);
    }
    /* Discovery (2) and the ports (3: the FC ports, the iSCSI endpoints
     * and the iSCSI node of the target one), once. */
    assert_int_equal(total, 5);
    assert_true(first > total);
    for (int i = 0; i < 8; i++)
        sp_array_close(k[i].a);
    sp_id_free(gold);
    sp_config_free(cfg);
    sim_stop(&s);
}

/* ---- a batch of copies learns its WWNs at once; a batch of deletes ---- */

static void record_done(size_t i, sp_code rc, void *ctx)
{
    ((sp_code *)ctx)[i] = rc;
}

static void test_batches(void **state)
{
    struct sim s = {0};
    sim_start(&s, "group", NULL);
    sp_config *cfg;
    sp_array *a = open_array(&s, &cfg);
    sp_error err;
    sp_id *gold = NULL;
    assert_int_equal(sp_id_parse("pool:sim:gold", &gold, &err), SP_OK);
    sp_lun *base = NULL, *copy[5] = {0}, *got[6] = {0};
    const sp_id *ids[6];
    OK(sp_array_create_lun(a, gold, "base", 1u << 20, 0, &base));
    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof(name), "c%d", i);
        OK(sp_array_copy_lun(a, sp_lun_id(base), SP_COPY_SNAPSHOT, name, NULL,
                             SP_LUN_IDS_ONLY | SP_LUN_KEY_ONLY, &copy[i]));
        /* Not read back: the ID has no WWN yet. */
        assert_null(sp_id_field(sp_lun_id(copy[i]), 2));
        ids[i] = sp_lun_id(copy[i]);
    }
    sp_id *none = NULL;
    assert_int_equal(sp_id_parse("lun:sim:0000FFFF", &none, &err), SP_OK);
    ids[5] = none;

    /* One request for the copies of the base, one for the key that is
     * none of them (and names nothing). */
    uint64_t before = sp_array_requests(a);
    OK(sp_array_get_luns(a, ids, 6, sp_lun_id(base), 0, got));
    assert_int_equal(sp_array_requests(a), before + 2);
    assert_null(got[5]);
    for (int i = 0; i < 5; i++) {
        assert_non_null(got[i]);
        assert_string_equal(sp_id_field(sp_lun_id(got[i]), 1),
                            sp_id_field(ids[i], 1));
        sp_lun *one = NULL;
        OK(sp_array_get_lun(a, ids[i], SP_LUN_IDS_ONLY, &one));
        assert_non_null(sp_lun_wwn(one));
        assert_string_equal(sp_id_str(sp_lun_id(got[i])),
                            sp_id_str(sp_lun_id(one)));
        sp_lun_free(one);
    }
    /* Without the source: one request a LUN. */
    sp_lun *again[2] = {0};
    before = sp_array_requests(a);
    OK(sp_array_get_luns(a, ids, 2, NULL, 0, again));
    assert_int_equal(sp_array_requests(a), before + 2);
    sp_lun_free(again[0]);
    sp_lun_free(again[1]);
    assert_int_equal(sp_array_get_luns(a, ids, 2, NULL, 1, again),
                     SP_ERR_INVALID);

    /* What the batch read is checked against without asking again. */
    before = sp_array_requests(a);
    OK(sp_array_check_lun(a, sp_lun_id(got[0]), SP_CHECK_RECENT));
    assert_int_equal(sp_array_requests(a), before);
    OK(sp_array_check_lun(a, sp_lun_id(got[0]), 0));
    assert_int_equal(sp_array_requests(a), before + 1);

    /* Deleted together: one is masked (refused, as alone); the others in
     * two requests for all, then one each. */
    const char *inits[] = {"iqn.1993-08.org.debian:01:kvm01"};
    sp_mask_target t = {.size = sizeof(t),
                        .name = "kvm01",
                        .ninitiators = 1,
                        .initiators = inits};
    const sp_id *masked[] = {sp_lun_id(got[2])};
    OK(sp_array_mask(a, masked, 1, &t, 0, NULL));
    const sp_id *del[5];
    for (int i = 0; i < 5; i++)
        del[i] = sp_lun_id(got[i]);
    sp_code seen[5] = {99, 99, 99, 99, 99};
    before = sp_array_requests(a);
    assert_int_equal(sp_array_delete_luns(a, del, 5, 0, record_done, seen),
                     SP_ERR_PRECONDITION);
    for (int i = 0; i < 5; i++)
        assert_int_equal(seen[i], i == 2 ? SP_ERR_PRECONDITION : SP_OK);
    assert_non_null(strstr(sp_array_error(a)->message, "masked"));
    uint64_t spent = sp_array_requests(a) - before;
    printf("# delete of 5 LUNs, one masked: %llu requests\n",
           (unsigned long long)spent);
    assert_true(spent <= 2 + 4 + 2);
    struct seen left = {0};
    OK(sp_array_list_luns(a, NULL, 0, see_lun, &left));
    assert_int_equal(left.n, 2); /* the base and the masked copy */

    /* Each outcome told as it ends: gone already is not found. */
    const sp_id *two[] = {sp_lun_id(got[2]), sp_lun_id(got[0])};
    assert_int_equal(
        sp_array_delete_luns(a, two, 2, SP_LUN_FORCE, record_done, seen),
        SP_ERR_NOT_FOUND);
    assert_int_equal(seen[0], SP_OK);
    assert_int_equal(seen[1], SP_ERR_NOT_FOUND);
    OK(sp_array_delete_lun(a, sp_lun_id(base), 0));

    for (int i = 0; i < 5; i++) {
        sp_lun_free(copy[i]);
        sp_lun_free(got[i]);
    }
    sp_lun_free(base);
    sp_id_free(none);
    sp_id_free(gold);
    sp_array_close(a);
    sp_config_free(cfg);
    sim_stop(&s);
}

/* DeviceNumber is hexadecimal text (SMI-S); nothing else is a number. */
static void test_device_numbers(void **state)
{
    static const struct {
        const char *text;
        bool ok;
        uint32_t n;
    } cases[] = {
        {"0011", true, 17},
        {"0008", true, 8},
        {"11", true, 17},
        {"000A", true, 10},
        {"001a", true, 26},
        {"0", true, 0},
        {"00000000000000FF", true, 255},
        {"FFFFFFFE", true, 0xFFFFFFFEu},
        {"FFFFFFFF", false, 0},
        {"100000000", false, 0},
        {"", false, 0},
        {"0x11", false, 0},
        {" 11", false, 0},
        {"11 ", false, 0},
        {"-1", false, 0},
        {"+1", false, 0},
        {"1G", false, 0},
        {"00000000000000000", false, 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t n = 12345;
        bool ok = smis_device_number(cases[i].text, &n);
        if (ok != cases[i].ok || (ok && n != cases[i].n))
            fail_msg("DeviceNumber '%s': %s %u", cases[i].text,
                     ok ? "read as" : "refused", n);
    }
    uint32_t n;
    assert_false(smis_device_number(NULL, &n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_device_numbers),
        cmocka_unit_test(test_group_personality),
        cmocka_unit_test(test_legacy_personality),
        cmocka_unit_test(test_identity_only_for_capabilities),
        cmocka_unit_test(test_no_identity),
        cmocka_unit_test(test_shared_discovery),
        cmocka_unit_test(test_batches),
    };
    return cmocka_run_group_tests_name("array", tests, NULL, NULL);
}
