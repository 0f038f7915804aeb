/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_text.c: escaping text from outside (sp_text_escape) in
 * its three forms, the check of names (sp_text_printable), and messages
 * escaped by the log. */
#include "testutil.h"

/* sp_text_escape() of @len bytes at @in, as a new string. */
static char *escape(const char *in, size_t len, unsigned int flags)
{
    return sp_text_escape(in, len, flags);
}

/* $'...' of bash, enough to read back the text form: \\, \a..\r, \ooo. */
static size_t unescape(const char *s, char *out)
{
    static const char shorts[] = "abtnvfr";
    size_t n = 0;
    while (*s) {
        if (*s != '\\') {
            out[n++] = *s++;
            continue;
        }
        s++;
        const char *sh = *s ? strchr(shorts, *s) : NULL;
        if (*s == '\\') {
            out[n++] = '\\';
            s++;
        } else if (sh) {
            out[n++] = (char)(7 + (sh - shorts));
            s++;
        } else {
            assert_true(s[0] >= '0' && s[0] <= '3' && s[1] >= '0' &&
                        s[1] <= '7' && s[2] >= '0' && s[2] <= '7');
            out[n++] =
                (char)((s[0] - '0') << 6 | (s[1] - '0') << 3 | (s[2] - '0'));
            s += 3;
        }
    }
    return n;
}

/* What every escaped text must be: valid UTF-8 (libxml2's check), no
 * byte below 0x20 or DEL, and nothing sp_text_printable() refuses but
 * for the newlines and tabs a block keeps. */
static void assert_clean(const char *s, unsigned int flags)
{
    if (!(flags & SP_TEXT_BLOCK)) {
        if (!sp_text_printable(s))
            fail_msg("'%s' is not printable", s);
        return;
    }
    for (const char *p = s; *p; p++)
        assert_true((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\t' ||
                    (*p == '\r' && p[1] == '\n'));
}

#define T(in, out)                                                             \
    {                                                                          \
        in, sizeof(in) - 1, out                                                \
    }

static const struct text_case {
    const char *in;
    size_t len;
    const char *out;
} text_cases[] = {
    T("", ""),
    T("prod-db", "prod-db"),
    T("vm 01 (copy)", "vm 01 (copy)"),
    T("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
      "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80"),
    T("\xef\xbf\xbd", "\xef\xbf\xbd"), /* U+FFFD itself is printable */
    T("a\\b", "a\\\\b"),
    T("scratch\nlun:sim:00000002 prod-db",
      "scratch\\nlun:sim:00000002 prod-db"),
    T("a\rb\tc", "a\\rb\\tc"),
    T("\a\b\t\n\v\f\r", "\\a\\b\\t\\n\\v\\f\\r"),
    T("\033[2J", "\\033[2J"),
    T("\x01\x1f\x7f", "\\001\\037\\177"),
    T("a\0b", "a\\000b"),
    T("\xc2\x80\xc2\x85\xc2\x9b\xc2\x9f",
      "\\302\\200\\302\\205\\302\\233\\302\\237"),
    T("\xc2\xa0", "\xc2\xa0"), /* U+00A0, past C1: kept */
    T("\xe2\x80\xae"
      "evil",
      "\\342\\200\\256evil"), /* U+202E RLO */
    T("\xe2\x80\xaa\xe2\x80\xad",
      "\\342\\200\\252\\342\\200\\255"), /* LRE, LRO */
    T("\xe2\x81\xa6\xe2\x81\xa9",
      "\\342\\201\\246\\342\\201\\251"), /* LRI, PDI */
    T("\xe2\x80\x8e\xe2\x80\x8f",
      "\\342\\200\\216\\342\\200\\217"), /* LRM, RLM */
    T("\xd8\x9c", "\\330\\234"),         /* ALM */
    T("\xe2\x80\xa8\xe2\x80\xa9",
      "\\342\\200\\250\\342\\200\\251"), /* LS, PS */
    T("\xe2\x80\x8b", "\xe2\x80\x8b"),   /* U+200B: no control, kept */
    T("\xff\xfe", "\\377\\376"),
    T("\xc0\xaf", "\\300\\257"),                   /* overlong '/' */
    T("\xe0\x80\xaf", "\\340\\200\\257"),          /* overlong '/' */
    T("\xed\xa0\x80", "\\355\\240\\200"),          /* a surrogate */
    T("\xf4\x90\x80\x80", "\\364\\220\\200\\200"), /* past U+10FFFF */
    T("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"),     /* U+10FFFF */
    T("\xe2\x80", "\\342\\200"),                   /* cut short at the end */
    T("\xe2\x80"
      "A\xc3",
      "\\342\\200A\\303"),
    T("\x80"
      "abc",
      "\\200abc"), /* a lone continuation byte */
};

static const struct text_case json_cases[] = {
    T("{\"name\":\"a\\n\\u001b\"}", "{\"name\":\"a\\n\\u001b\"}"),
    T("\"\\\\\\\"\"", "\"\\\\\\\"\""), /* JSON's own escapes are kept */
    T("\"caf\xc3\xa9\"", "\"caf\xc3\xa9\""),
    T("\"\033\x7f\"", "\"\\u001b\\u007f\""),
    T("\"\xc2\x9b"
      "2J\"",
      "\"\\u009b2J\""),
    T("\"\xe2\x80\xae\xe2\x81\xa6\xd8\x9c\"", "\"\\u202e\\u2066\\u061c\""),
    T("\"\xe2\x80\xa8\"", "\"\\u2028\""),
    T("\"\xff\xfe\"", "\"\\ufffd\\ufffd\""),
    T("\"\xe2\x80\"", "\"\\ufffd\\ufffd\""),
    T("\"\xed\xa0\x80\"", "\"\\ufffd\\ufffd\\ufffd\""),
};

static const struct text_case block_cases[] = {
    T("POST / HTTP/1.1\r\nA: b\r\n\r\n<x>\t1</x>\n",
      "POST / HTTP/1.1\r\nA: b\r\n\r\n<x>\t1</x>\n"),
    T("C:\\dir", "C:\\dir"),
    T("over\rwrite", "over\\rwrite"),
    T("end\r", "end\\r"),
    T("\033[2J\xc2\x9b\xe2\x80\xae\xff",
      "\\033[2J\\302\\233\\342\\200\\256\\377"),
};

static void run_cases(const struct text_case *c, size_t n, unsigned int flags)
{
    for (size_t i = 0; i < n; i++) {
        char *got = escape(c[i].in, c[i].len, flags);
        if (strcmp(got, c[i].out) != 0)
            fail_msg("case %zu (flags %u): got '%s', wanted '%s'", i, flags,
                     got, c[i].out);
        assert_clean(got, flags);
        free(got);
    }
}

static void test_escape_text(void **state)
{
    run_cases(text_cases, sizeof(text_cases) / sizeof(text_cases[0]), 0);
    /* and $'...' gives each input back */
    for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
        char back[256];
        size_t n = unescape(text_cases[i].out, back);
        assert_int_equal(n, text_cases[i].len);
        assert_memory_equal(back, text_cases[i].in, n);
    }
}

static void test_escape_json(void **state)
{
    run_cases(json_cases, sizeof(json_cases) / sizeof(json_cases[0]),
              SP_TEXT_JSON);
}

static void test_escape_block(void **state)
{
    run_cases(block_cases, sizeof(block_cases) / sizeof(block_cases[0]),
              SP_TEXT_BLOCK);
}

/* Every text of up to two bytes: clean, and read back as itself (so two
 * texts never print alike). */
static void test_escape_every_short_text(void **state)
{
    char in[2], back[16];
    for (unsigned v = 0; v < 256 + 65536; v++) {
        size_t len = v < 256 ? 1 : 2;
        in[0] = (char)(v < 256 ? v : (v - 256) >> 8);
        in[1] = (char)((v - 256) & 0xff);
        char *e = escape(in, len, 0);
        assert_clean(e, 0);
        assert_int_equal(unescape(e, back), len);
        assert_memory_equal(back, in, len);
        free(e);
        e = escape(in, len, SP_TEXT_JSON);
        assert_clean(e, 0);
        free(e);
    }
}

static void test_escape_overflow(void **state)
{
    sp_buf b = SP_BUF_INIT(8);
    assert_false(sp_text_escape_buf(&b, "\033\033\033", 3, 0)); /* 12 bytes */
    assert_true(sp_buf_overflowed(&b));
    assert_true(sp_text_printable(sp_buf_cstr(&b))); /* cut, still clean */
    sp_buf_release(&b);
}

static void test_printable(void **state)
{
    static const struct {
        const char *s;
        bool ok;
    } cases[] = {
        {"prod-db", true},       {"", true},
        {"web%02d", true},       {"a\\b", true},
        {"caf\xc3\xa9", true},   {"\xe6\x97\xa5\xe6\x9c\xac", true},
        {"a\nb", false},         {"a\rb", false},
        {"a\tb", false},         {"\033[2J", false},
        {"\x7f", false},         {"\xc2\x9b", false},
        {"\xe2\x80\xae", false}, {"\xe2\x81\xa9", false},
        {"\xd8\x9c", false},     {"\xe2\x80\xa8", false},
        {"\xff\xfe", false},     {"\xc0\xaf", false},
        {"\xed\xa0\x80", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (sp_text_printable(cases[i].s) != cases[i].ok)
            fail_msg("case %zu: sp_text_printable is %d", i, !cases[i].ok);
    assert_false(sp_text_printable(NULL));
}

static char logged[1024];

static void capture(sp_log_level level, const char *msg, void *ctx)
{
    snprintf(logged, sizeof(logged), "%s", msg);
}

/* Messages carry arrays' texts: one line each, nothing for the terminal,
 * secrets redacted before escaping changes how they are spelled. */
static void test_log_escapes(void **state)
{
    sp_log_set_handler(capture, NULL);
    sp_log_set_level(SP_LOG_TRACE);
    sp_log(SP_LOG_ERROR, "cannot delete '%s': %s", "a\nb",
           "CIM_ERR_FAILED: \033[2J\r\xc2\x9b\xe2\x80\xae\xff");
    assert_string_equal(logged, "cannot delete 'a\\nb': CIM_ERR_FAILED: "
                                "\\033[2J\\r\\302\\233\\342\\200\\256\\377");
    sp_log_add_secret("pa\nss\\w0rd");
    sp_log(SP_LOG_ERROR, "login with pa\nss\\w0rd");
    assert_string_equal(logged, "login with ***");
    sp_log_block(SP_LOG_TRACE, "response", "<a>\r\n\033x</a>\n", 12, 4096);
    assert_string_equal(logged, "response (12 bytes):\n<a>\r\n\\033x</a>");
    sp_log_clear_secrets();
    sp_log_set_handler(NULL, NULL);
    sp_log_set_level(SP_LOG_WARN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_text),
        cmocka_unit_test(test_escape_json),
        cmocka_unit_test(test_escape_block),
        cmocka_unit_test(test_escape_every_short_text),
        cmocka_unit_test(test_escape_overflow),
        cmocka_unit_test(test_printable),
        cmocka_unit_test(test_log_escapes),
    };
    return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
