/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_config.c: configuration lookup, parsing, checks, the built-in
 * default, secrets. */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "util/internal.h"

static const char design_example[] =
    "[library]\n"
    "path = /var/lib/sanprov/library\n"
    "\n"
    "[array \"fas01\"]\n"
    "uri = smis+https://smis01.example.net:5989/interop\n"
    "user = provisioner\n"
    "password-file = /etc/sanprov/fas01.secret      ; must not be group/world "
    "readable\n"
    "ca-file = /etc/sanprov/fas01-ca.pem            ; TLS is verified unless "
    "insecure = yes\n"
    "copy-method = snapshot                          ; preferred SAN copy: "
    "snapshot | clone\n"
    "\n"
    "[pool \"fas01:aggr1\"]\n"
    "class = gold\n"
    "host-groups = prod, ci\n"
    "\n"
    "[pool \"fas01:aggr2\"]\n"
    "\n"
    "[host \"kvm01\"]\n"
    "uri = qemu+ssh://kvm01.example.net/system\n"
    "group = prod\n"
    "connectivity = iscsi\n"
    "iscsi-initiator = iqn.1993-08.org.debian:01:kvm01\n"
    "; fc-wwpn = 21:00:00:24:ff:4c:aa:01, 21:00:00:24:ff:4c:aa:02\n"
    "\n"
    "[host \"fc01\"]\n"
    "uri = qemu:///system\n"
    "connectivity = fc\n"
    "fc-wwpn = 21:00:00:24:ff:4c:aa:01,\n"
    "  21:00:00:24:ff:4c:aa:02\n";

static void test_design_example(void **state)
{
    sp_config *c = NULL;
    sp_error err;
    if (sp_config_parse(design_example, "example", &c, &err))
        fail_msg("%s", err.message);
    assert_string_equal(sp_config_library(c), "/var/lib/sanprov/library");
    assert_int_equal(sp_config_count(c, "array"), 1);
    assert_int_equal(sp_config_count(c, "pool"), 2);
    assert_int_equal(sp_config_count(c, "host"), 2);
    assert_string_equal(sp_config_name(c, "pool", 1), "fas01:aggr2");
    assert_true(sp_config_has(c, "pool", "fas01:aggr2"));
    assert_false(sp_config_has(c, "pool", "fas01:aggr3"));
    assert_string_equal(sp_config_get(c, "array", "fas01", "password-file"),
                        "/etc/sanprov/fas01.secret");
    assert_string_equal(sp_config_get(c, "array", "fas01", "copy-method"),
                        "snapshot");
    assert_false(sp_config_get_bool(c, "array", "fas01", "insecure", false));
    assert_int_equal(
        sp_config_list_count(c, "pool", "fas01:aggr1", "host-groups"), 2);
    assert_string_equal(
        sp_config_list_item(c, "pool", "fas01:aggr1", "host-groups", 1), "ci");
    assert_null(sp_config_get(c, "host", "kvm01", "fc-wwpn"));
    assert_int_equal(sp_config_list_count(c, "host", "fc01", "fc-wwpn"), 2);
    assert_string_equal(sp_config_list_item(c, "host", "fc01", "fc-wwpn", 1),
                        "21:00:00:24:ff:4c:aa:02");
    assert_null(sp_config_file(c));
    sp_config_free(c);
}

/* auth, per array or host: each word with what it needs. */
static void test_auth(void **state)
{
    static const char text[] =
        "[array \"a\"]\nuri = x\nuser = EXAMPLE\\u\n"
        "auth = ntlm\n"
        "[array \"k\"]\nuri = y\nauth = negotiate\n"
        "[array \"b\"]\nuri = z\nuser = u\nauth = basic\n";
    sp_config *c = NULL;
    sp_error err;
    assert_int_equal(sp_config_parse(text, "t", &c, &err), SP_OK);
    assert_string_equal(sp_config_get(c, "array", "a", "auth"), "ntlm");
    assert_string_equal(sp_config_get(c, "array", "a", "user"), "EXAMPLE\\u");
    assert_string_equal(sp_config_get(c, "array", "k", "auth"), "negotiate");
    assert_string_equal(sp_config_get(c, "array", "b", "auth"), "basic");
    sp_config_free(c);
}

static void test_errors(void **state)
{
    static const struct {
        const char *text;
        const char *msg;
    } cases[] = {
        {"uri = x\n", "t:1: 'uri' is outside any [section]"},
        {"[array \"a\"]\nuri = x\nuri = y\n",
         "t:3: 'uri' is given twice in [array \"a\"]"},
        {"[array \"a\"]\nurl = x\n", "t:2: unknown key 'url' in [array \"a\"]"},
        {"[disk \"a\"]\nuri = x\n",
         "t:1: unknown section [disk \"a\"] (array, pool, host, library)"},
        {"[array]\nuri = x\n", "t:1: [array] needs a quoted name"},
        {"[array \"a\"]\nuser = u\n", "t:1: [array \"a\"] has no 'uri'"},
        {"[array \"a:b\"]\nuri = x\n",
         "t:1: array name 'a:b' must not contain ':'"},
        {"[array \"a\"]\nuri = x\ninsecure = maybe\n",
         "t:3: insecure must be yes or no, not 'maybe'"},
        {"[array \"a\"]\nuri = x\ncopy-method = mirror\n",
         "t:3: copy-method must be snapshot or clone, not 'mirror'"},
        {"[array \"a\"]\nuri = x\nmax-copies-per-source = some\n",
         "t:3: max-copies-per-source must be a number from 0 (no limit) to "
         "1000, not 'some'"},
        {"[array \"a\"]\nuri = x\nmax-copies-per-source = 1001\n",
         "t:3: max-copies-per-source must be a number from 0 (no limit) to "
         "1000, not '1001'"},
        {"[array \"a\"]\nuri = x\nmax-copies-per-source = -1\n",
         "t:3: max-copies-per-source must be a number from 0 (no limit) to "
         "1000, not '-1'"},
        {"[array \"a\"]\nuri = x\nuser = u\nauth = digest\n",
         "t:4: auth must be basic, ntlm or negotiate, not 'digest'"},
        {"[array \"a\"]\nuri = x\nuser = u\nauth = NTLM\n",
         "t:4: auth must be basic, ntlm or negotiate, not 'NTLM'"},
        {"[array \"a\"]\nuri = x\nauth = ntlm\n",
         "t:3: auth = ntlm needs a 'user' in [array \"a\"]"},
        {"[host \"h\"]\nuri = x\nauth = basic\n",
         "t:3: auth = basic needs a 'user' in [host \"h\"]"},
        {"[array \"a\"]\nuri = x\nauth = negotiate\nuser = u\n",
         "t:3: auth = negotiate uses the Kerberos ticket of the process "
         "(kinit), not 'user' or 'password-file'"},
        {"[array \"a\"]\nuri = x\npassword-file = /p\nauth = negotiate\n",
         "t:4: auth = negotiate uses the Kerberos ticket of the process "
         "(kinit), not 'user' or 'password-file'"},
        {"[host \"h\"]\nuri = x\nconnectivity = sas\n",
         "t:3: connectivity must be iscsi or fc, not 'sas'"},
        {"[pool \"nope:p\"]\nclass = gold\n",
         "t:1: pool \"nope:p\" is on unknown array 'nope'"},
        {"[array \"a\"]\nuri = x\n[pool \"p\"]\n",
         "t:3: pool section names are \"ARRAY:POOL\", not \"p\""},
        {"[array \"a\"]\nuri = x\n[array \"a\"]\nuri = y\n",
         "t:3: section [array \"a\"] is given twice"},
        {"[array \"a\"]\nthis is not ini\n",
         "t:2: syntax error (expected [section] or key = value)"},
        {"[array \"a\"] ; a comment\nuri = x\n[array \"b\"] ; another\n"
         "url = y\n",
         "t:4: unknown key 'url' in [array \"b\"]"},
        {"[array \"a\"]\nuri = "
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
         "\nuser = u\nbad key\n",
         "t:2: line is longer than 198 characters"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sp_config *c = NULL;
        sp_error err;
        sp_code rc = sp_config_parse(cases[i].text, "t", &c, &err);
        if (rc == SP_OK)
            fail_msg("case %zu was accepted", i);
        assert_int_equal(rc, SP_ERR_CONFIG);
        assert_null(c);
        assert_string_equal(err.message, cases[i].msg);
        assert_int_equal(sp_error_exit_code(&err), 2);
    }
}

static void test_bom_and_header_comments(void **state)
{
    sp_config *c = NULL;
    sp_error err;
    assert_int_equal(sp_config_parse("\xEF\xBB\xBF[array \"a\"] ; main\n"
                                     "uri = x\n[array \"b\"]\t# backup\n"
                                     "uri = y\n",
                                     "t", &c, &err),
                     SP_OK);
    assert_string_equal(sp_config_get(c, "array", "a", "uri"), "x");
    assert_string_equal(sp_config_get(c, "array", "b", "uri"), "y");
    sp_config_free(c);
}

static void test_lookup_and_builtin(void **state)
{
    /* XDG variables must be absolute paths. */
    char dir[4096], *abs = realpath(tu_outdir(), NULL);
    snprintf(dir, sizeof(dir), "%s/config-home", abs);
    free(abs);
    char cfg[8300]; /* tu_path() buffers are reused: keep a copy */
    snprintf(cfg, sizeof(cfg), "%s/cfg/sanprov", dir);
    char cmd[16800];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s'", dir, cfg);
    assert_int_equal(system(cmd), 0);
    setenv("HOME", dir, 1);
    setenv("XDG_CONFIG_HOME", tu_path(dir, "cfg"), 1);
    setenv("XDG_DATA_HOME", tu_path(dir, "data"), 1);
    unsetenv("SANPROV_CONFIG");

    /* Nothing anywhere: the built-in configuration. */
    sp_config *c = NULL;
    sp_error err;
    if (access("/etc/sanprov/sanprov.conf", F_OK) == 0)
        tu_skip("optional: /etc/sanprov/sanprov.conf exists on this machine");
    assert_int_equal(sp_config_load(NULL, 0, &c, &err), SP_OK);
    assert_null(sp_config_file(c));
    assert_string_equal(sp_config_name(c, "array", 0), "local");
    char *want = tu_path(dir, "data/sanprov/arrays/local");
    char uri[4200];
    snprintf(uri, sizeof(uri), "local:%s", want);
    assert_string_equal(sp_config_get(c, "array", "local", "uri"), uri);
    assert_true(sp_config_has(c, "pool", "local:default"));
    assert_string_equal(
        sp_config_list_item(c, "pool", "local:default", "host-groups", 0),
        "local");
    assert_string_equal(sp_config_get(c, "host", "localhost", "group"),
                        "local");
    assert_string_equal(sp_config_get(c, "host", "localhost", "uri"),
                        getuid() == 0 ? "qemu:///system" : "qemu:///session");
    assert_string_equal(sp_config_library(c),
                        tu_path(dir, "data/sanprov/library"));
    sp_config_free(c);
    assert_int_equal(sp_config_load(NULL, SP_CONFIG_NO_DEFAULT, &c, &err),
                     SP_ERR_NOT_FOUND);

    /* The user's file. */
    tu_write_file(tu_path(cfg, "sanprov.conf"), "[array \"x\"]\nuri = a\n", 20);
    assert_int_equal(sp_config_load(NULL, 0, &c, &err), SP_OK);
    assert_string_equal(sp_config_file(c), tu_path(cfg, "sanprov.conf"));
    sp_config_free(c);

    /* $SANPROV_CONFIG wins over it, and must exist. */
    char *other = tu_path(dir, "other.conf");
    tu_write_file(other, "[array \"y\"]\nuri = b\n", 20);
    setenv("SANPROV_CONFIG", other, 1);
    assert_int_equal(sp_config_load(NULL, 0, &c, &err), SP_OK);
    assert_string_equal(sp_config_name(c, "array", 0), "y");
    sp_config_free(c);
    /* A file that cannot be used is a configuration error (exit 2), as an
     * error in it is, whatever is wrong with it. */
    setenv("SANPROV_CONFIG", tu_path(dir, "missing.conf"), 1);
    assert_int_equal(sp_config_load(NULL, 0, &c, &err), SP_ERR_CONFIG);
    assert_non_null(strstr(err.message, "missing.conf"));
    assert_int_equal(sp_error_exit_code(&err), SP_EXIT_USAGE);
    assert_int_equal(sp_config_load(dir, 0, &c, &err), SP_ERR_CONFIG);
    assert_non_null(strstr(err.message, "is a directory"));

    /* -c wins over everything. */
    assert_int_equal(sp_config_load(tu_path(cfg, "sanprov.conf"), 0, &c, &err),
                     SP_OK);
    assert_string_equal(sp_config_name(c, "array", 0), "x");
    sp_config_free(c);
    unsetenv("SANPROV_CONFIG");
}

static void test_passwords(void **state)
{
    char *secret = tu_path(tu_outdir(), "fas01.secret");
    tu_write_file(secret, "Zx9!pass word\nignored\n", 22);
    chmod(secret, 0644);
    char text[4600];
    snprintf(text, sizeof(text),
             "[array \"fas01\"]\nuri = smis+https://a\nuser = prov\n"
             "password-file = %s\n[array \"open\"]\nuri = smis+http://b\n"
             "[array \"env\"]\nuri = smis+http://c\nuser = u\n",
             secret);
    sp_config *c = NULL;
    sp_error err;
    assert_int_equal(sp_config_parse(text, "t", &c, &err), SP_OK);
    char *pw = NULL;
    /* No secret read yet: a core dump would be written. */
    assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
    /* readable by others: refused, and the message says how to fix it */
    assert_int_equal(sp_config_password(c, "fas01", &pw, &err),
                     SP_ERR_PRECONDITION);
    assert_non_null(strstr(err.message, "chmod 600"));
    assert_null(strstr(err.message, "Zx9"));
    assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
    /* none, and no terminal (tests run without one on stdin) */
    if (!isatty(0)) {
        assert_int_equal(sp_config_password(c, "env", &pw, &err), SP_ERR_AUTH);
        assert_non_null(strstr(err.message, "password-file"));
    }
    chmod(secret, 0600);
    assert_int_equal(sp_config_password(c, "fas01", &pw, &err), SP_OK);
    assert_string_equal(pw, "Zx9!pass word");
    sp_free_secret(pw);
    /* A password held: no core dump from now on. */
    assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
    /* no user: no password needed */
    assert_int_equal(sp_config_password(c, "open", &pw, &err), SP_OK);
    assert_null(pw);
    /* from the environment, which no longer has it once read; later reads
     * (another array, a -j worker) get the same; a new value replaces it */
    setenv("SANPROV_PASSWORD", "from-env", 1);
    assert_int_equal(sp_config_password(c, "env", &pw, &err), SP_OK);
    assert_string_equal(pw, "from-env");
    sp_free_secret(pw);
    assert_null(getenv("SANPROV_PASSWORD"));
    assert_int_equal(sp_config_password(c, "env", &pw, &err), SP_OK);
    assert_string_equal(pw, "from-env");
    sp_free_secret(pw);
    setenv("SANPROV_PASSWORD", "newer", 1);
    assert_int_equal(sp_config_password(c, "env", &pw, &err), SP_OK);
    assert_string_equal(pw, "newer");
    sp_free_secret(pw);
    spi_secret_forget_env();
    sp_config_free(c);
    sp_log_clear_secrets();
}

/* A helper program's environment: everything but the secrets. */
static void test_helper_environment(void **state)
{
    setenv("SANPROV_PASSWORD", "never-passed-on", 1);
    setenv("SANPROV_PASSWORDX", "not a secret", 1);
    char **env = spi_helper_environ();
    bool path = false, other = false;
    for (char **e = env; *e; e++) {
        assert_null(strstr(*e, "never-passed-on"));
        path |= strncmp(*e, "PATH=", 5) == 0;
        other |= strcmp(*e, "SANPROV_PASSWORDX=not a secret") == 0;
    }
    assert_true(path);
    assert_true(other);
    free(env);
    unsetenv("SANPROV_PASSWORD");
    unsetenv("SANPROV_PASSWORDX");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_design_example),
        cmocka_unit_test(test_auth),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_bom_and_header_comments),
        cmocka_unit_test(test_lookup_and_builtin),
        cmocka_unit_test(test_passwords),
        cmocka_unit_test(test_helper_environment),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
