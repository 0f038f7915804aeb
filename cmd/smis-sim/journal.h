/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/journal.h: the journal of smis-sim's state: the text of
 * its records, written and read back strictly (and fuzzed alone:
 * tests/fuzz/fuzz_sim_journal.c). */
#ifndef SMIS_SIM_JOURNAL_H
#define SMIS_SIM_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sanprov/error.h>

/* The library's bounded buffers, shared as source (see sim.h). */
#include "util/buf.h"

/*
 * The state is a snapshot (FILE, the JSON of state.c) and a journal beside
 * it (FILE.journal) of the changes made since.  The journal is text, one
 * line a record:
 *
 *     smis-sim journal 1 ARRAY-ID                      the header
 *     CRC32 {"seq":N,"next":[...],"ops":[OP,...]}      one per change
 *
 * ARRAY-ID is the 16 hexadecimal digits the snapshot also names, so that a
 * journal is never replayed onto another array's snapshot.  CRC32 is the
 * CRC-32 (as zlib's crc32()) of the JSON text, in 8 lowercase hexadecimal
 * digits.  SEQ numbers the changes of the array from 1, one more each
 * record; the snapshot says the last one it holds.  "next" is the array's
 * counters after the change: the next volume, group, view, job and
 * hardware ID numbers and the jobs ever started.  An OP is an array whose
 * first element names it (see enum sim_jop_kind), its arity fixed.
 *
 * A record is appended with one write() and made durable with fsync()
 * before the change is answered; what a crash can leave is a record cut
 * short at the end of the file.  So the reader ignores a last line that
 * is incomplete or fails its checksum (a torn append), and refuses any
 * other damage: a bad line anywhere else, a record whose checksum holds
 * but whose content does not parse (it was written so), a limit exceeded.
 */

#define SIM_JOURNAL_MAGIC    "smis-sim journal 1 "
#define SIM_JOURNAL_MAX_LINE ((size_t)32 << 20)
#define SIM_JOURNAL_MAX_OPS  (1u << 20)

enum sim_jop_kind {
    SIM_JOP_VOL,        /* ["vol",NUM,NAME,POOL,BLOCKS,WWN,SOURCE,SYNC] */
    SIM_JOP_VOL_DEL,    /* ["vol-",NUM] */
    SIM_JOP_HWID,       /* ["hwid",ID,STORAGE-ID,TYPE,NAME] */
    SIM_JOP_HWID_DEL,   /* ["hwid-",ID] */
    SIM_JOP_GROUP,      /* ["group",ID,NAME,TYPE] (members unchanged) */
    SIM_JOP_GROUP_DEL,  /* ["group-",ID] (with its members) */
    SIM_JOP_MEMBER_ADD, /* ["member+",GROUP-ID,MEMBER] */
    SIM_JOP_MEMBER_DEL, /* ["member-",GROUP-ID,MEMBER] */
    SIM_JOP_VIEW,       /* ["view",ID,NAME,IMG,TMG,DMG] (groups may be null) */
    SIM_JOP_VIEW_DEL,   /* ["view-",ID] */
    SIM_JOP_MAP,        /* ["map",VIEW-ID,VOLUME-NUM,LUN] */
    SIM_JOP_UNMAP,      /* ["unmap",VIEW-ID,VOLUME-NUM] */
    SIM_JOP_INIT_ADD,   /* ["init+",VIEW-ID,HWID-ID] */
    SIM_JOP_INIT_DEL,   /* ["init-",VIEW-ID,HWID-ID] */
    SIM_JOP_JOB, /* ["job",ID,METHOD,START,END,FAIL,STALL,ERROR,[AFFECTED]] */
    SIM_JOP_JOB_DEL, /* ["job-",ID] */
};

/* One change, as read.  The strings are valid during the callback only;
 * those that may be null in the text are NULL then (view groups, the
 * job's error), the others are never NULL nor empty, except a name. */
struct sim_jop {
    enum sim_jop_kind kind;
    const char *id; /* the object's ID: group, view, hwid or job ID */
    union {
        struct {
            uint32_t num, source;
            const char *name, *pool, *wwn; /* wwn: 32 hex digits */
            uint64_t blocks;
            uint16_t sync; /* 0, 7 snapshot or 8 clone */
        } vol;             /* VOL; VOL_DEL uses num */
        struct {
            const char *storage_id, *name;
            uint16_t type; /* 2 port WWN, 5 iSCSI name */
        } hwid;
        struct {
            const char *name;
            uint16_t type; /* 2, 3 or 4 */
        } group;
        const char *member; /* MEMBER_*: the member; INIT_*: the hwid */
        struct {
            const char *name, *img, *tmg, *dmg;
        } view;
        struct {
            uint32_t vol, lun; /* UNMAP: lun is 0 */
        } map;
        struct {
            const char *method, *error;
            int64_t start_ms, end_ms;
            bool fail, stall;
            const char *const *affected;
            size_t naffected;
        } job;
    } u;
};

/* One record: its change number, the counters after it, its changes. */
struct sim_jrec {
    uint64_t seq;
    uint32_t next_vol, next_group, next_view, next_job, next_hwid;
    uint64_t jobs_started;
    const struct sim_jop *ops;
    size_t nops;
    size_t line;     /* 1-based line in the journal */
    uint64_t offset; /* its first byte */
};

/* Called for each record in order; a non-zero code (with @err set) stops
 * the reading, and the reader adds where the record is. */
typedef sp_code (*sim_jrec_fn)(const struct sim_jrec *rec, void *ud,
                               sp_error *err);

/*
 * Read the journal text @data (@len bytes, no NUL needed) named @name (for
 * messages).  Writes the header's array ID into @array_id (empty when the
 * journal holds no complete header), calls @fn for each record, and sets
 * *@good_len to the length of what was whole (less than @len when a torn
 * record was ignored).  Errors: SP_ERR_IO for damage, naming @name, the
 * line and the byte offset; SP_ERR_TOO_LARGE for a limit; what @fn
 * returned.  Allocates nothing that outlives the call.
 */
sp_code sim_journal_read(const char *data, size_t len, const char *name,
                         char array_id[17], sim_jrec_fn fn, void *ud,
                         size_t *good_len, sp_error *err);

/* ---- writing ---- */

/* The header line for @array_id (16 hex digits), with its newline. */
void sim_journal_header(sp_buf *b, const char *array_id);

/* Append one op, as the text of the "ops" array (without separators); for
 * the writer of the model's changes (state.c) and the fuzz target. */
void sim_journal_op(sp_buf *b, const struct sim_jop *op);

/* Append a whole record line: checksum, JSON, newline.  @ops is the text
 * of the ops, comma-separated (rec->ops is not read).  False, and nothing
 * appended, when the line would be longer than a reader takes. */
bool sim_journal_record(sp_buf *b, const struct sim_jrec *rec, const char *ops,
                        size_t opslen);

/* A JSON string (for the snapshot and the journal): quoted, escaped. */
void sim_json_str(sp_buf *b, const char *s);

/* CRC-32 (ISO-HDLC, as zlib) of @len bytes. */
uint32_t sim_crc32(const void *data, size_t len);

#endif
