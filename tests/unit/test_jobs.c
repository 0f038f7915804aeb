/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_jobs.c: waiting for SMI-S jobs (smis_invoke) against
 * scripted answers: jobs judged without JobState, the full re-read. */
#include "array/smis.h"
#include "testutil.h"

#define JOB_NAME                                                               \
    "<INSTANCENAME CLASSNAME=\"SIM_ConcreteJob\"><KEYBINDING "                 \
    "NAME=\"InstanceID\"><KEYVALUE VALUETYPE=\"string\" TYPE=\"string\">J1"    \
    "</KEYVALUE></KEYBINDING></INSTANCENAME>"

/* The answer to the method: return code 4096 and the job J1. */
#define STARTED                                                                \
    "<METHODRESPONSE NAME=\"DoIt\"><RETURNVALUE PARAMTYPE=\"uint32\"><VALUE>"  \
    "4096</VALUE></RETURNVALUE><PARAMVALUE NAME=\"Job\" "                      \
    "PARAMTYPE=\"reference\"><VALUE.REFERENCE>" JOB_NAME                       \
    "</VALUE.REFERENCE></PARAMVALUE></METHODRESPONSE>"

#define U16(name, v)                                                           \
    "<PROPERTY NAME=\"" name "\" TYPE=\"uint16\"><VALUE>" v                    \
    "</VALUE></PROPERTY>"
#define STR(name, v)                                                           \
    "<PROPERTY NAME=\"" name "\" TYPE=\"string\"><VALUE>" v                    \
    "</VALUE></PROPERTY>"
#define OPSTATUS(values)                                                       \
    "<PROPERTY.ARRAY NAME=\"OperationalStatus\" TYPE=\"uint16\">"              \
    "<VALUE.ARRAY>" values "</VALUE.ARRAY></PROPERTY.ARRAY>"
#define V(n) "<VALUE>" #n "</VALUE>"

static char *envelope(bool intrinsic, const char *inner)
{
    sp_buf b = SP_BUF_INIT(1u << 20);
    sp_buf_addf(&b,
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\"><MESSAGE "
                "ID=\"@ID@\" PROTOCOLVERSION=\"1.0\"><SIMPLERSP>%s%s%s"
                "</SIMPLERSP></MESSAGE></CIM>\n",
                intrinsic ? "<IMETHODRESPONSE NAME=\"GetInstance\">"
                            "<IRETURNVALUE>"
                          : "",
                inner, intrinsic ? "</IRETURNVALUE></IMETHODRESPONSE>" : "");
    return sp_buf_detach(&b, NULL);
}

/* A GetInstance answer: the job J1 with the properties @props. */
static char *job(const char *props)
{
    sp_buf b = SP_BUF_INIT(1u << 20);
    sp_buf_addstr(&b, "<INSTANCE CLASSNAME=\"SIM_ConcreteJob\">");
    sp_buf_addstr(&b, STR("InstanceID", "J1"));
    sp_buf_addstr(&b, props);
    sp_buf_addstr(&b, "</INSTANCE>");
    char *inner = sp_buf_detach(&b, NULL);
    char *env = envelope(true, inner);
    free(inner);
    return env;
}

struct env {
    struct httpfix fix;
    sp_config *cfg;
    sp_array *a;
    char *bodies[16];
    int nbodies;
};

static void answer(struct env *e, char *body)
{
    e->bodies[e->nbodies++] = body;
    struct httpfix_reply r = {.body = body};
    httpfix_reply(&e->fix, &r);
}

static int setup(void **state)
{
    struct env *e = calloc(1, sizeof(*e));
    httpfix_start(&e->fix, NULL, NULL);
    e->fix.count_text = "NAME=\"PropertyList\"";
    char text[256];
    snprintf(text, sizeof(text), "[array \"fix\"]\nuri = smis+%s/interop\n",
             e->fix.url);
    sp_error err;
    if (sp_config_parse(text, "test", &e->cfg, &err))
        fail_msg("%s", err.message);
    assert_int_equal(sp_array_open(e->cfg, "fix", 0, &e->a, &err), SP_OK);
    /* What discovery would have found. */
    smis_of(e->a)->prefix = strdup("SIM_");
    smis_of(e->a)->ns = strdup("root/sim");
    /* A job the old code took as running would time out: fail soon. */
    sp_array_set_timeout(e->a, 1);
    answer(e, envelope(false, STARTED));
    *state = e;
    return 0;
}

static int teardown(void **state)
{
    struct env *e = *state;
    sp_array_close(e->a);
    sp_config_free(e->cfg);
    httpfix_stop(&e->fix);
    for (int i = 0; i < e->nbodies; i++)
        free(e->bodies[i]);
    free(e);
    return 0;
}

/* Invoke DoIt and wait for its job. */
static sp_code run(struct env *e)
{
    sp_cim_path *target = sp_cim_path_new(NULL, "root/sim", "SIM_Service");
    sp_cim_path_set_key(target, "Name",
                        sp_cim_value_new_string(SP_CIM_STRING, "svc"));
    sp_cim_args *out = NULL;
    sp_cim_path *jp = NULL;
    sp_code rc = smis_invoke(e->a, target, "DoIt", NULL, "doing it", &out, &jp);
    if (rc == SP_OK) {
        assert_non_null(jp);
        assert_string_equal(sp_cim_path_class(jp), "SIM_ConcreteJob");
    }
    sp_cim_args_free(out);
    sp_cim_path_free(jp);
    sp_cim_path_free(target);
    return rc;
}

/* GetInstance requests made without a PropertyList. */
static int full_reads(const struct env *e)
{
    return e->fix.requests - 1 - e->fix.counted;
}

/*
 * One answer, repeated for every read of the job, and what waiting makes
 * of it (SP_ERR_JOB_TIMEOUT: taken as running), with a text the error
 * message must hold.
 */
static const struct {
    const char *name;
    const char *props;
    sp_code want;
    const char *message;
} cases[] = {
    {"JobState Completed", U16("JobState", "7"), SP_OK, NULL},
    {"JobState Exception",
     U16("JobState", "10") STR("ErrorDescription", "boom"), SP_ERR_CIM,
     "doing it failed on the array (job:fix:J1): boom"},
    {"JobState Running", U16("JobState", "4") OPSTATUS(V(2) V(17)),
     SP_ERR_JOB_TIMEOUT, "still running"},
    {"OK, Completed", OPSTATUS(V(2) V(17)) U16("PercentComplete", "100"), SP_OK,
     NULL},
    {"Completed, OK", OPSTATUS(V(17) V(2)), SP_OK, NULL},
    {"Completed alone", OPSTATUS(V(17)), SP_OK, NULL},
    {"Error, Completed",
     OPSTATUS(V(6) V(17)) STR("ErrorDescription", "pool &apos;gold&apos; is "
                                                  "full"),
     SP_ERR_CIM,
     "doing it failed on the array (job:fix:J1): pool 'gold' is full"},
    {"Completed, Degraded",
     OPSTATUS(V(17) V(3)) STR("ErrorDescription", "half"), SP_ERR_CIM,
     ": half"},
    {"OK, Completed, ErrorCode",
     OPSTATUS(V(2) V(17)) U16("ErrorCode", "5") STR("ErrorDescription", "rc 5"),
     SP_ERR_CIM, ": rc 5"},
    {"Completed alone, ErrorDescription",
     OPSTATUS(V(17)) STR("ErrorDescription", "no space"), SP_ERR_CIM,
     ": no space"},
    {"Stopped", OPSTATUS(V(10)) STR("ErrorDescription", "terminated"),
     SP_ERR_CIM, ": terminated"},
    {"Aborted", OPSTATUS(V(14)) STR("ErrorDescription", "killed"), SP_ERR_CIM,
     ": killed"},
    {"Error", OPSTATUS(V(6)) STR("ErrorDescription", "exception"), SP_ERR_CIM,
     ": exception"},
    {"OK (running)", OPSTATUS(V(2)) U16("PercentComplete", "40"),
     SP_ERR_JOB_TIMEOUT, "doing it is still running on the array after 1 s"},
    {"Dormant (new)", OPSTATUS(V(15)), SP_ERR_JOB_TIMEOUT, "(job job:fix:J1)"},
};

static void test_judged(void **state)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct env *e = NULL;
        setup((void **)&e);
        answer(e, job(cases[i].props));
        sp_code rc = run(e);
        printf("# %s: %s\n", cases[i].name,
               rc ? sp_array_error(e->a)->message : "ok");
        if (rc != cases[i].want)
            fail_msg("%s: got %d, want %d", cases[i].name, rc, cases[i].want);
        if (cases[i].message &&
            !strstr(sp_array_error(e->a)->message, cases[i].message))
            fail_msg("%s: message '%s' lacks '%s'", cases[i].name,
                     sp_array_error(e->a)->message, cases[i].message);
        /* The job said enough: never read without the PropertyList. */
        assert_int_equal(full_reads(e), 0);
        teardown((void **)&e);
    }
}

/* A job that says nothing (HP 3PAR's answer to a PropertyList) is read once
 * more without one; still nothing: taken as running until the time-out. */
static void test_silent_read_once_in_full(void **state)
{
    struct env *e = *state;
    answer(e, job(U16("PercentComplete", "100")));
    assert_int_equal(run(e), SP_ERR_JOB_TIMEOUT);
    assert_int_equal(full_reads(e), 1);
    /* It was polled on, not given up after the full read. */
    assert_true(e->fix.counted >= 3);
}

/* The full read tells the state: every later read is a full one. */
static void test_full_read_tells(void **state)
{
    struct env *e = *state;
    answer(e, job(""));                   /* through the PropertyList */
    answer(e, job(U16("JobState", "4"))); /* the full read: running */
    answer(e, job(U16("JobState", "7"))); /* full again: completed */
    assert_int_equal(run(e), SP_OK);
    assert_int_equal(e->fix.requests, 4);
    assert_int_equal(full_reads(e), 2);
    assert_null(strstr(e->fix.last_body, "PropertyList"));
}

/* The full read judges the job at once when it has the answer. */
static void test_full_read_fails(void **state)
{
    struct env *e = *state;
    answer(e, job(""));
    answer(e, job(U16("JobState", "10") OPSTATUS(V(6) V(17))
                      STR("ErrorDescription", "LUN busy")));
    assert_int_equal(run(e), SP_ERR_CIM);
    assert_non_null(strstr(sp_array_error(e->a)->message, ": LUN busy"));
    assert_int_equal(e->fix.requests, 3);
    assert_int_equal(full_reads(e), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_judged),
        cmocka_unit_test_setup_teardown(test_silent_read_once_in_full, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_full_read_tells, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_read_fails, setup, teardown),
    };
    return cmocka_run_group_tests_name("jobs", tests, NULL, NULL);
}
