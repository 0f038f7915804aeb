/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_util.c: the error model, the bounded buffer, logging with
 * redaction, object IDs, files users name. */
#include "testutil.h"
#include "util/file.h"
#include "util/internal.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* ---- errors ---- */

static void test_strerror_every_code(void **state)
{
    for (int c = SP_OK; c <= SP_ERR_JOB_TIMEOUT; c++) {
        const char *s = sp_strerror((sp_code)c);
        assert_non_null(s);
        assert_string_not_equal(s, "unknown error");
    }
    assert_string_equal(sp_strerror((sp_code)9999), "unknown error");
}

static void test_exit_codes(void **state)
{
    static const struct {
        sp_code code;
        int cim;
        int exit;
    } cases[] = {
        {SP_OK, 0, 0},
        {SP_ERR_INVALID, 0, 2},
        {SP_ERR_BAD_ID, 0, 2},
        {SP_ERR_CONFIG, 0, 2},
        {SP_ERR_NOT_FOUND, 0, 3},
        {SP_ERR_CIM, SP_CIM_ERR_NOT_FOUND, 3},
        {SP_ERR_CIM, SP_CIM_ERR_FAILED, 1},
        {SP_ERR_CONNECT, 0, 4},
        {SP_ERR_CONNECTION_LOST, 0, 4},
        {SP_ERR_AUTH, 0, 4},
        {SP_ERR_TLS, 0, 4},
        {SP_ERR_TIMEOUT, 0, 4},
        {SP_ERR_PRECONDITION, 0, 6},
        {SP_ERR_NOT_SUPPORTED, 0, 6},
        {SP_ERR_PROTOCOL, 0, 1},
        {SP_ERR_TOO_LARGE, 0, 1},
        {SP_ERR_JOB_TIMEOUT, 0, 7},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sp_error e;
        sp_error_set(&e, cases[i].code, "x");
        e.cim_status = cases[i].cim;
        assert_int_equal(sp_error_exit_code(&e), cases[i].exit);
    }
}

static void test_error_set_truncates(void **state)
{
    sp_error e;
    char big[3000];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(sp_error_set(&e, SP_ERR_IO, "%s", big), SP_ERR_IO);
    assert_int_equal(strlen(e.message), SP_ERROR_MSG_MAX - 1);
    assert_int_equal(sp_error_set(NULL, SP_ERR_IO, "ignored"), SP_ERR_IO);
    assert_string_equal(sp_cim_status_name(6), "CIM_ERR_NOT_FOUND");
    assert_null(sp_cim_status_name(99));
    assert_null(sp_cim_status_name(-1));
}

/* ---- the bounded buffer ---- */

static void test_buf_bounded(void **state)
{
    sp_buf b = SP_BUF_INIT(10);
    assert_string_equal(sp_buf_cstr(&b), "");
    assert_true(sp_buf_addstr(&b, "hello"));
    assert_true(sp_buf_addf(&b, "%d", 1234));
    assert_string_equal(sp_buf_cstr(&b), "hello1234");
    assert_false(sp_buf_addstr(&b, "xy")); /* 11 > 10 */
    assert_true(sp_buf_overflowed(&b));
    /* sticky: even a fitting append is refused now */
    assert_false(sp_buf_addch(&b, 'z'));
    assert_string_equal(sp_buf_cstr(&b), "hello1234");
    assert_true(b.cap <= 11);
    sp_buf_reset(&b);
    assert_false(sp_buf_overflowed(&b));
    assert_true(sp_buf_addstr(&b, "0123456789"));
    size_t n;
    char *d = sp_buf_detach(&b, &n);
    assert_int_equal(n, 10);
    assert_string_equal(d, "0123456789");
    free(d);
    assert_null(b.data);
    sp_buf_release(&b);
}

static void test_buf_huge_request_refused(void **state)
{
    sp_buf b = SP_BUF_INIT(1 << 20);
    assert_false(sp_buf_add(&b, "", SIZE_MAX - 1));
    assert_true(sp_buf_overflowed(&b));
    sp_buf_release(&b);
}

/* ---- logging ---- */

static char logged[8192];
static void capture(sp_log_level level, const char *msg, void *ctx)
{
    size_t n = strlen(logged);
    snprintf(logged + n, sizeof(logged) - n, "%d:%s\n", (int)level, msg);
}

static void test_log_levels_and_redaction(void **state)
{
    logged[0] = '\0';
    sp_log_set_handler(capture, NULL);
    sp_log_set_level(SP_LOG_WARN);
    sp_log(SP_LOG_INFO, "hidden");
    sp_log(SP_LOG_WARN, "shown %d", 1);
    assert_string_equal(logged, "1:shown 1\n");

    logged[0] = '\0';
    sp_log_set_level(SP_LOG_TRACE);
    sp_log_add_secret("s3cr3t-pass");
    sp_log(SP_LOG_DEBUG, "login with s3cr3t-pass and again s3cr3t-pass!");
    static const char hdrs[] =
        "POST /cimom HTTP/1.1\r\n"
        "Authorization: Basic dXNlcjpzM2NyM3QtcGFzcw==\r\n"
        "CIMOperation: MethodCall\r\n";
    sp_log_block(SP_LOG_TRACE, "headers", hdrs, strlen(hdrs), 4096);
    assert_null(strstr(logged, "s3cr3t"));
    assert_null(strstr(logged, "dXNlcjpz"));
    assert_non_null(strstr(logged, "login with *** and again ***!"));
    assert_non_null(strstr(logged, "Authorization: ***"));
    assert_non_null(strstr(logged, "CIMOperation: MethodCall"));

    logged[0] = '\0';
    sp_log_block(SP_LOG_TRACE, "big", "0123456789", 10, 4);
    assert_non_null(strstr(logged, "0123\n[... 6 more bytes not shown]"));

    sp_log_clear_secrets();
    sp_log_set_handler(NULL, NULL);
    sp_log_set_level(SP_LOG_WARN);
}

/* ---- object IDs ---- */

static void test_id_table(void **state)
{
    /* input, canonical output (NULL: refused), fields */
    static const struct {
        const char *in;
        const char *canon;
        const char *f0, *f1;
    } cases[] = {
        {"pool:fas01:aggr1", "pool:fas01:aggr1", "fas01", "aggr1"},
        {"lun:fas01:00A1", "lun:fas01:00A1", "fas01", "00A1"},
        {"array:fas01", "array:fas01", "fas01", NULL},
        {"host:kvm01", "host:kvm01", "kvm01", NULL},
        {"tmpl:0b7c1f7e-4f4e-4a55-9d57-3a3b8e8f6e01",
         "tmpl:0b7c1f7e-4f4e-4a55-9d57-3a3b8e8f6e01",
         "0b7c1f7e-4f4e-4a55-9d57-3a3b8e8f6e01", NULL},
        {"vm:kvm01:0b7c1f7e-4f4e-4a55-9d57-3a3b8e8f6e01",
         "vm:kvm01:0b7c1f7e-4f4e-4a55-9d57-3a3b8e8f6e01", "kvm01",
         "0b7c1f7e-4f4e-4a55-9d57-3a3b8e8f6e01"},
        {"job:fas01:JOB%2B1234", "job:fas01:JOB%2B1234", "fas01", "JOB+1234"},
        /* lenient: lower-case hex, needless escapes, raw reserved chars */
        {"lun:fas01:a%2fb", "lun:fas01:a%2Fb", "fas01", "a/b"},
        {"lun:fas%30%31:x", "lun:fas01:x", "fas01", "x"},
        {"pool:a:b/c", "pool:a:b%2Fc", "a", "b/c"},
        {"pool:a:%3A%25", "pool:a:%3A%25", "a", ":%"},
        {"lun:a:%C3%A9", "lun:a:%C3%A9", "a", "\xC3\xA9"},
        /* keys are opaque: any byte but NUL, control characters too */
        {"lun:a:%0A", "lun:a:%0A", "a", "\n"},
        {"pool:a:%1B%5B2J", "pool:a:%1B%5B2J", "a", "\x1b[2J"},
        {"lun:a:IBM.2107-75AB%2F00000005", "lun:a:IBM.2107-75AB%2F00000005",
         "a", "IBM.2107-75AB/00000005"},
        /* a LUN's WWN, third */
        {"lun:a:b:6001405f0a1b2c3d", "lun:a:b:6001405f0a1b2c3d", "a", "b"},
        {"lun:a:b:C", "lun:a:b:C", "a", "b"},
        /* refused */
        {"", NULL, NULL, NULL},
        {"lun", NULL, NULL, NULL},
        {"lun:", NULL, NULL, NULL},
        {"lun:a", NULL, NULL, NULL},
        {"lun:a:", NULL, NULL, NULL},
        {"lun::b", NULL, NULL, NULL},
        {"lun:a:b:xyz", NULL, NULL, NULL},
        {"lun:a:b:60:01", NULL, NULL, NULL},
        {"lun:a:b:", NULL, NULL, NULL},
        {"pool:a:b:c", NULL, NULL, NULL},
        {"lun:a%0A:b", NULL, NULL, NULL},
        {"LUN:a:b", NULL, NULL, NULL},
        {"disk:a:b", NULL, NULL, NULL},
        {"lun:a:b c", NULL, NULL, NULL},
        {"lun:a:b\t", NULL, NULL, NULL},
        {"lun:a:%", NULL, NULL, NULL},
        {"lun:a:%4", NULL, NULL, NULL},
        {"lun:a:%zz", NULL, NULL, NULL},
        {"lun:a:%00", NULL, NULL, NULL},
        {"lun:a:\x7f", NULL, NULL, NULL},
        {"lun:a:\xc3\xa9", NULL, NULL, NULL},
        {"tmpl:not-a-uuid", NULL, NULL, NULL},
        {"vm:kvm01:1234", NULL, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sp_id *id = NULL;
        sp_error e;
        sp_code rc = sp_id_parse(cases[i].in, &id, &e);
        if (!cases[i].canon) {
            if (rc != SP_ERR_BAD_ID)
                fail_msg("'%s' was accepted", cases[i].in);
            assert_null(id);
            assert_true(strlen(e.message) > 0);
            continue;
        }
        if (rc != SP_OK)
            fail_msg("'%s' refused: %s", cases[i].in, e.message);
        assert_string_equal(sp_id_str(id), cases[i].canon);
        assert_string_equal(sp_id_field(id, 0), cases[i].f0);
        if (cases[i].f1)
            assert_string_equal(sp_id_field(id, 1), cases[i].f1);
        /* round trip: canonical text parses to the same ID */
        sp_id *again = NULL;
        assert_int_equal(sp_id_parse(sp_id_str(id), &again, &e), SP_OK);
        assert_true(sp_id_equal(id, again));
        sp_id *copy = sp_id_copy(id);
        assert_true(sp_id_equal(id, copy));
        sp_id_free(copy);
        sp_id_free(again);
        sp_id_free(id);
    }
}

static void test_id_new_roundtrip_all_bytes(void **state)
{
    /* Every byte 0x01..0xff in a key survives format + parse. */
    char field[256];
    size_t n = 0;
    for (int c = 0x01; c <= 0xff; c++)
        field[n++] = (char)c;
    field[n] = '\0';
    const char *fields[] = {"arr ay", field};
    sp_id *id = NULL;
    sp_error e;
    assert_int_equal(sp_id_new(SP_ID_LUN, 2, fields, &id, &e), SP_OK);
    const char *text = sp_id_str(id);
    for (const char *p = text; *p; p++)
        assert_true(*p > 0x20 && *p < 0x7f);
    sp_id *back = NULL;
    assert_int_equal(sp_id_parse(text, &back, &e), SP_OK);
    assert_int_equal(sp_id_get_kind(back), SP_ID_LUN);
    assert_int_equal(sp_id_field_count(back), 2);
    assert_string_equal(sp_id_field(back, 0), "arr ay");
    assert_string_equal(sp_id_field(back, 1), field);
    assert_null(sp_id_field(back, 2));
    sp_id_free(back);
    sp_id_free(id);

    const char *one[] = {"x"};
    assert_int_equal(sp_id_new(SP_ID_LUN, 1, one, &id, &e), SP_ERR_BAD_ID);
    const char *ctl[] = {"a\nb"};
    assert_int_equal(sp_id_new(SP_ID_HOST, 1, ctl, &id, &e), SP_ERR_BAD_ID);
    /* A LUN's WWN: hex digits, compared in any case; one ID without it
     * names the LUN by its key alone. */
    const char *w1[] = {"a", "k", "6001405f"}, *w2[] = {"a", "k", "6001405F"},
               *w3[] = {"a", "k", "6001405E"}, *w0[] = {"a", "k"},
               *bad[] = {"a", "k", "60-01"};
    sp_id *i1, *i2, *i3, *i0;
    assert_int_equal(sp_id_new(SP_ID_LUN, 3, w1, &i1, &e), SP_OK);
    assert_int_equal(sp_id_new(SP_ID_LUN, 3, w2, &i2, &e), SP_OK);
    assert_int_equal(sp_id_new(SP_ID_LUN, 3, w3, &i3, &e), SP_OK);
    assert_int_equal(sp_id_new(SP_ID_LUN, 2, w0, &i0, &e), SP_OK);
    assert_int_equal(sp_id_new(SP_ID_LUN, 3, bad, &id, &e), SP_ERR_BAD_ID);
    assert_true(sp_id_equal(i1, i2));
    assert_false(sp_id_equal(i1, i3));
    assert_true(sp_id_equal(i1, i0) && sp_id_equal(i0, i3));
    assert_string_equal(sp_id_field(i1, 2), "6001405f");
    assert_true(sp_wwn_equal("6001405f", "6001405F"));
    assert_false(sp_wwn_equal("6001405f", NULL));
    assert_false(sp_wwn_equal("x", "x"));
    sp_id_free(i1);
    sp_id_free(i2);
    sp_id_free(i3);
    sp_id_free(i0);
    assert_string_equal(sp_id_kind_name(SP_ID_TMPL), "tmpl");
}

static void test_id_length_limit(void **state)
{
    char *big = malloc(SP_ID_MAX + 10);
    memcpy(big, "host:", 5);
    memset(big + 5, 'x', SP_ID_MAX);
    big[SP_ID_MAX + 5] = '\0';
    sp_id *id = NULL;
    sp_error e;
    assert_int_equal(sp_id_parse(big, &id, &e), SP_ERR_BAD_ID);
    /* a field that grows past the limit once encoded */
    memset(big, '/', SP_ID_MAX / 2);
    big[SP_ID_MAX / 2] = '\0';
    const char *f[] = {big};
    assert_int_equal(sp_id_new(SP_ID_HOST, 1, f, &id, &e), SP_ERR_BAD_ID);
    free(big);
}

/* ---- files users name ---- */

/* A Unix socket file at @path (bound, left behind). */
static void make_socket(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    assert_true(strlen(path) < sizeof(sa.sun_path));
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    close(fd);
}

static void test_open_regular_table(void **state)
{
    char *dir = strdup(tu_path(tu_outdir(), "open-regular"));
    char *file = strdup(tu_path(dir, "file"));
    char *fifo = strdup(tu_path(dir, "fifo"));
    char *sock = strdup(tu_path(dir, "sock"));
    char *link = strdup(tu_path(dir, "link"));
    char *gone = strdup(tu_path(dir, "gone"));
    mkdir(dir, 0700);
    unlink(fifo);
    unlink(sock);
    unlink(link);
    tu_write_file(file, "x\n", 2);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    make_socket(sock);
    assert_int_equal(symlink("file", link), 0);
    static const char *nothing = "";
    const struct {
        const char *path;
        unsigned int flags;
        sp_code code;
        const char *says; /* after the quoted path */
    } t[] = {
        {file, 0, SP_OK, nothing},
        {file, SPI_OPEN_BLOCK | SPI_OPEN_NOFOLLOW, SP_OK, nothing},
        {link, 0, SP_OK, nothing},
        {link, SPI_OPEN_NOFOLLOW, SP_ERR_INVALID,
         " is a symbolic link, not a regular file"},
        {fifo, 0, SP_ERR_INVALID, " is a FIFO, not a regular file"},
        {fifo, SPI_OPEN_BLOCK, SP_ERR_INVALID,
         " is a FIFO, not a regular file or a block device"},
        {sock, 0, SP_ERR_INVALID, " is a socket, not a regular file"},
        {"/dev/zero", 0, SP_ERR_INVALID,
         " is a character device, not a regular file"},
        {"/dev/null", SPI_OPEN_BLOCK, SP_ERR_INVALID,
         " is a character device, not a regular file or a block device"},
        {dir, 0, SP_ERR_INVALID, " is a directory, not a regular file"},
        {gone, 0, SP_ERR_NOT_FOUND, ": No such file or directory"},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        sp_error e;
        sp_error_clear(&e);
        int fd = -2;
        struct stat st;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        sp_code rc = spi_open_regular(t[i].path, t[i].flags, &fd, &st, &e);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (rc != t[i].code)
            fail_msg("case %zu (%s): code %d, wanted %d: %s", i, t[i].path, rc,
                     t[i].code, e.message);
        /* At once: a FIFO is never waited for. */
        assert_true(t1.tv_sec - t0.tv_sec < 2);
        if (rc) {
            assert_int_equal(fd, -1);
            char *want = NULL;
            if (asprintf(&want, "'%s'%s", t[i].path, t[i].says) < 0)
                fail();
            if (!strstr(e.message, want))
                fail_msg("case %zu: '%s' does not say '%s'", i, e.message,
                         want);
            free(want);
            continue;
        }
        /* Blocking again, and what was opened is what fstat says. */
        assert_true(fd >= 0);
        assert_int_equal(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        assert_true(S_ISREG(st.st_mode));
        close(fd);
    }
    /* The readers built on it refuse alike. */
    sp_error e;
    char *text = NULL;
    assert_int_equal(spi_read_small(fifo, 100, &text, &e), SP_ERR_INVALID);
    assert_int_equal(sp_custom_doc_read(sock, &text, &e), SP_ERR_INVALID);
    assert_null(text);
    assert_int_equal(sp_read_secret_file("/dev/zero", &text, &e),
                     SP_ERR_INVALID);
    sp_config *c = NULL;
    assert_int_equal(sp_config_load(fifo, 0, &c, &e), SP_ERR_CONFIG);
    assert_int_equal(sp_error_exit_code(&e), SP_EXIT_USAGE);
    assert_int_equal(sp_custom_doc_read(file, &text, &e), SP_OK);
    assert_string_equal(text, "x\n");
    free(text);
    free(dir);
    free(file);
    free(fifo);
    free(sock);
    free(link);
    free(gone);
}

/* Structs that carry their size (sanprov/common.h, "Structs"): the
 * library neither reads nor writes past the caller's size, and refuses a
 * size below the struct's first release. */
/* Members of 8 bytes: with an int, v1's tail padding held b and both
 * structs had one size, so the test read v1's uninitialized padding as b
 * (0 in a plain build, garbage under check-asan's -O1). */
struct v1 {
    size_t size;
    int64_t a;
};
struct v2 {
    size_t size;
    int64_t a;
    int64_t b; /* appended in a later release */
};

static void test_sized_structs(void **state)
{
    /* In: an older caller's struct, its missing member read as zero. */
    struct v1 old = {sizeof(old), 7};
    struct v2 full;
    assert_true(spi_sized_in(&full, sizeof(full), &old, sizeof(old)));
    assert_int_equal(full.size, sizeof(full));
    assert_int_equal(full.a, 7);
    assert_int_equal(full.b, 0);
    /* A newer caller's struct with an older library: its extra member
     * is not read, so not trusted. */
    struct v2 newer = {sizeof(newer), 8, 9};
    struct v1 lib;
    assert_true(spi_sized_in(&lib, sizeof(lib), &newer, sizeof(lib)));
    assert_int_equal(lib.a, 8);
    /* Out: nothing written past an older caller's size. */
    struct {
        struct v1 s;
        int guard;
    } out = {{sizeof(struct v1), 0}, 42};
    struct v2 src = {sizeof(src), 5, 6};
    assert_true(spi_sized_out(&out.s, &src, sizeof(src), sizeof(struct v1)));
    assert_int_equal(out.s.size, sizeof(struct v1));
    assert_int_equal(out.s.a, 5);
    assert_int_equal(out.guard, 42);
    /* A size below the first release's is refused, nothing written. */
    struct v1 unset = {0, 3};
    assert_false(spi_sized_out(&unset, &src, sizeof(src), sizeof(unset)));
    assert_int_equal(unset.a, 3);
    assert_false(spi_sized_in(&full, sizeof(full), &unset, sizeof(unset)));

    /* Through the API: a host's mask target. */
    sp_config *cfg = NULL;
    sp_error e;
    assert_int_equal(sp_config_parse("[host \"kvm01\"]\n"
                                     "uri = test:///default\n"
                                     "iscsi-initiator = iqn.2000-01.x:kvm01\n",
                                     "test", &cfg, &e),
                     SP_OK);
    sp_mask_target t = {0};
    assert_false(sp_host_mask_target(cfg, "kvm01", &t)); /* no size */
    assert_null(t.initiators);
    struct {
        sp_mask_target t;
        long guard;
    } big = {SP_STRUCT_INIT(sp_mask_target), 42};
    big.t.size = sizeof(big); /* as a newer header's bigger struct */
    assert_true(sp_host_mask_target(cfg, "kvm01", &big.t));
    assert_int_equal(big.t.size, sizeof(big));
    assert_int_equal(big.t.ninitiators, 1);
    assert_string_equal(big.t.initiators[0], "iqn.2000-01.x:kvm01");
    assert_int_equal(big.guard, 42); /* a member this library does not know */
    sp_mask_target_release(&big.t);
    assert_int_equal(big.t.size, sizeof(big));
    assert_int_equal(big.t.ninitiators, 0);
    sp_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sized_structs),
        cmocka_unit_test(test_strerror_every_code),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_error_set_truncates),
        cmocka_unit_test(test_buf_bounded),
        cmocka_unit_test(test_buf_huge_request_refused),
        cmocka_unit_test(test_log_levels_and_redaction),
        cmocka_unit_test(test_id_table),
        cmocka_unit_test(test_id_new_roundtrip_all_bytes),
        cmocka_unit_test(test_id_length_limit),
        cmocka_unit_test(test_open_regular_table),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
