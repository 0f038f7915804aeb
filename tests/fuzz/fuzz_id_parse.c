/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/fuzz_id_parse.c: fuzz ID parsing; canonical IDs round-trip. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanprov/sanprov.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what, const char *text)
{
    if (ok)
        return;
    fprintf(stderr, "ID '%s': %s\n", text, what);
    abort();
}

/* The canonical text is a fixed point: it parses to an equal ID whose
 * canonical text is itself, and sp_id_new() from the decoded fields
 * gives it back. */
static void round_trip(const sp_id *id, const char *text)
{
    const char *canon = sp_id_str(id);
    sp_error err = {0};

    check(strlen(canon) <= SP_ID_MAX, "canonical text too long", text);
    for (const char *p = canon; *p; p++)
        check(*p > 0x20 && *p < 0x7f, "canonical text not printable", text);

    sp_id *again = NULL;
    check(sp_id_parse(canon, &again, &err) == SP_OK,
          "canonical text does not parse", text);
    check(sp_id_equal(id, again), "re-parsed ID differs", text);
    check(strcmp(sp_id_str(again), canon) == 0,
          "canonical text is not canonical", text);
    check(sp_id_get_kind(again) == sp_id_get_kind(id), "kind changed", text);

    size_t n = sp_id_field_count(id);
    const char *fields[8];
    check(n > 0 && n <= 8, "odd field count", text);
    check(sp_id_field_count(again) == n, "field count changed", text);
    for (size_t i = 0; i < n; i++) {
        fields[i] = sp_id_field(id, i);
        check(fields[i] && strcmp(fields[i], sp_id_field(again, i)) == 0,
              "field changed", text);
    }
    check(sp_id_field(id, n) == NULL, "field past the end", text);

    sp_id *made = NULL;
    check(sp_id_new(sp_id_get_kind(id), n, fields, &made, &err) == SP_OK,
          "sp_id_new() refuses the decoded fields", text);
    check(strcmp(sp_id_str(made), canon) == 0, "sp_id_new() gives another text",
          text);

    sp_id *copy = sp_id_copy(id);
    check(sp_id_equal(copy, id), "copy differs", text);

    sp_id_free(copy);
    sp_id_free(made);
    sp_id_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memchr(data, '\0', size))
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';

    sp_id *id = NULL;
    sp_error err = {0};
    sp_code rc = sp_id_parse(text, &id, &err);
    if (rc == SP_OK) {
        check(id != NULL, "parsed to NULL", text);
        round_trip(id, text);
    } else {
        check(rc == SP_ERR_BAD_ID && err.code == SP_ERR_BAD_ID, "odd error",
              text);
        check(err.message[0] != '\0', "error without a message", text);
        check(id == NULL, "failed but returned an ID", text);
    }
    sp_id_free(id);
    free(text);
    return 0;
}
