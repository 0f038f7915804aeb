/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sanprov/id.h: object IDs, the tokens programs pass to each other
 * (sanprov(7)). */
#ifndef SANPROV_ID_H
#define SANPROV_ID_H

#include <sanprov/error.h>

SP_BEGIN_DECLS

/*
 * An object ID is KIND:FIELD[:FIELD...], one token of printable ASCII
 * without whitespace.  Fields are percent-encoded: RFC 3986 unreserved
 * characters (A-Z a-z 0-9 - . _ ~) stand for themselves, every other byte
 * is written %XX with upper-case hex.
 *
 *     array:NAME  pool:ARRAY:POOLKEY  lun:ARRAY:LUNKEY[:WWN]  host:NAME
 *     tmpl:UUID   vm:HOST:UUID        job:ARRAY:JOBKEY
 *
 * A LUN is known by its key and its WWN (the NAA name, hex digits): an ID
 * that carries the WWN names that LUN only, and the array calls that
 * change, unmask or attach a LUN refuse when the key now names a LUN with
 * another WWN (deleted and re-made behind sanprov's back).  Every LUN ID
 * the library makes carries the WWN when the array gives one; an ID typed
 * without it names whatever LUN has the key.  Keys (POOLKEY, LUNKEY,
 * JOBKEY) are the array's own and opaque: any byte but NUL, encoded.
 *
 * Parsing is lenient in what it accepts for a field (lower-case hex,
 * needlessly encoded or unencoded reserved characters) and sp_id_str()
 * always gives the canonical form, so IDs compare as strings.
 */
typedef enum sp_id_kind {
    SP_ID_ARRAY,
    SP_ID_POOL,
    SP_ID_LUN,
    SP_ID_HOST,
    SP_ID_TMPL,
    SP_ID_VM,
    SP_ID_JOB,
} sp_id_kind;

#define SP_ID_MAX 4096 /* longest accepted ID text, in bytes */

typedef struct sp_id sp_id;

/*
 * Parse @text (NUL-terminated, no surrounding whitespace).  On success
 * *@out is a new ID (free with sp_id_free()).  Errors: SP_ERR_BAD_ID with
 * a message saying what is wrong.
 */
SP_API sp_code sp_id_parse(const char *text, sp_id **out, sp_error *err);

/*
 * Make an ID of @kind from @nfields decoded fields (any bytes but NUL, and
 * no control characters but in keys; none empty).  The field count must be
 * the kind's: 1 for array, host and tmpl, 2 for the others, 2 or 3 for a
 * lun (its WWN last); a tmpl field and the second vm field must be UUIDs.
 * Errors: SP_ERR_BAD_ID.
 */
SP_API sp_code sp_id_new(sp_id_kind kind, size_t nfields,
                         const char *const *fields, sp_id **out, sp_error *err);

SP_API void sp_id_free(sp_id *id);

SP_API sp_id *sp_id_copy(const sp_id *id);

SP_API sp_id_kind sp_id_get_kind(const sp_id *id);

/* "array", "pool", ... */
SP_API const char *sp_id_kind_name(sp_id_kind kind);

SP_API size_t sp_id_field_count(const sp_id *id);

/* The decoded field @i (0-based), owned by @id. */
SP_API const char *sp_id_field(const sp_id *id, size_t i);

/* The canonical text of @id, owned by @id. */
SP_API const char *sp_id_str(const sp_id *id);

/* True when both are the same object: the same kind and fields, where a
 * LUN's WWN counts only when both carry it (compared as hex, in any
 * case). */
SP_API bool sp_id_equal(const sp_id *a, const sp_id *b);

/* True when @a and @b are both WWNs (hex digits) and the same one. */
SP_API bool sp_wwn_equal(const char *a, const char *b);

SP_END_DECLS

#endif
