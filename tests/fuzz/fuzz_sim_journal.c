/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/fuzz_sim_journal.c: fuzz the reader of smis-sim's journal
 * (STATE.journal), which a start replays whatever a crash or another hand
 * left in it: records read, or an error naming the line, never a crash or
 * a leak; and every record it accepts is written back the same. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/smis-sim/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
    if (ok)
        return;
    fprintf(stderr, "journal: %s\n", what);
    abort();
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_op(const struct sim_jop *a, const struct sim_jop *b)
{
    if (a->kind != b->kind || !same_str(a->id, b->id))
        return false;
    switch (a->kind) {
    case SIM_JOP_VOL:
        return a->u.vol.num == b->u.vol.num &&
               a->u.vol.source == b->u.vol.source &&
               a->u.vol.blocks == b->u.vol.blocks &&
               a->u.vol.sync == b->u.vol.sync &&
               same_str(a->u.vol.name, b->u.vol.name) &&
               same_str(a->u.vol.pool, b->u.vol.pool) &&
               same_str(a->u.vol.wwn, b->u.vol.wwn);
    case SIM_JOP_VOL_DEL:
        return a->u.vol.num == b->u.vol.num;
    case SIM_JOP_HWID:
        return a->u.hwid.type == b->u.hwid.type &&
               same_str(a->u.hwid.storage_id, b->u.hwid.storage_id) &&
               same_str(a->u.hwid.name, b->u.hwid.name);
    case SIM_JOP_GROUP:
        return a->u.group.type == b->u.group.type &&
               same_str(a->u.group.name, b->u.group.name);
    case SIM_JOP_MEMBER_ADD:
    case SIM_JOP_MEMBER_DEL:
    case SIM_JOP_INIT_ADD:
    case SIM_JOP_INIT_DEL:
        return same_str(a->u.member, b->u.member);
    case SIM_JOP_VIEW:
        return same_str(a->u.view.name, b->u.view.name) &&
               same_str(a->u.view.img, b->u.view.img) &&
               same_str(a->u.view.tmg, b->u.view.tmg) &&
               same_str(a->u.view.dmg, b->u.view.dmg);
    case SIM_JOP_MAP:
    case SIM_JOP_UNMAP:
        return a->u.map.vol == b->u.map.vol && a->u.map.lun == b->u.map.lun;
    case SIM_JOP_JOB:
        if (a->u.job.start_ms != b->u.job.start_ms ||
            a->u.job.end_ms != b->u.job.end_ms ||
            a->u.job.fail != b->u.job.fail ||
            a->u.job.stall != b->u.job.stall ||
            !same_str(a->u.job.method, b->u.job.method) ||
            !same_str(a->u.job.error, b->u.job.error) ||
            a->u.job.naffected != b->u.job.naffected)
            return false;
        for (size_t i = 0; i < a->u.job.naffected; i++)
            if (!same_str(a->u.job.affected[i], b->u.job.affected[i]))
                return false;
        return true;
    case SIM_JOP_HWID_DEL:
    case SIM_JOP_GROUP_DEL:
    case SIM_JOP_VIEW_DEL:
    case SIM_JOP_JOB_DEL:
        return true;
    }
    return false;
}

/* What a record read back must equal. */
struct expect {
    const struct sim_jrec *rec;
    size_t seen;
};

static sp_code compare(const struct sim_jrec *rec, void *ud, sp_error *err)
{
    struct expect *x = ud;
    const struct sim_jrec *a = x->rec;
    check(rec->seq == a->seq && rec->next_vol == a->next_vol &&
              rec->next_group == a->next_group &&
              rec->next_view == a->next_view && rec->next_job == a->next_job &&
              rec->next_hwid == a->next_hwid &&
              rec->jobs_started == a->jobs_started && rec->nops == a->nops,
          "a record written back reads differently");
    for (size_t i = 0; i < rec->nops; i++)
        check(same_op(&rec->ops[i], &a->ops[i]),
              "an operation written back reads differently");
    x->seen++;
    return SP_OK;
}

/* Each record accepted: checked, written back, read again, compared. */
static sp_code each(const struct sim_jrec *rec, void *ud, sp_error *err)
{
    size_t *records = ud;
    check(rec->nops >= 1 && rec->nops <= SIM_JOURNAL_MAX_OPS && rec->ops,
          "a record without operations");
    check(rec->line >= 2, "a record on the header's line");
    for (size_t i = 0; i < rec->nops; i++) {
        const struct sim_jop *op = &rec->ops[i];
        if (op->kind == SIM_JOP_VOL)
            check(op->u.vol.num && op->u.vol.name && op->u.vol.pool &&
                      *op->u.vol.pool && strlen(op->u.vol.wwn) == 32,
                  "a volume without its fields");
        else if (op->kind != SIM_JOP_VOL_DEL)
            check(op->id && *op->id, "an operation without its ID");
    }
    sp_buf ops = SP_BUF_INIT(SIM_JOURNAL_MAX_LINE);
    for (size_t i = 0; i < rec->nops; i++) {
        if (i)
            sp_buf_addch(&ops, ',');
        sim_journal_op(&ops, &rec->ops[i]);
    }
    sp_buf text = SP_BUF_INIT(2 * SIM_JOURNAL_MAX_LINE);
    sim_journal_header(&text, "0123456789abcdef");
    bool fits = !sp_buf_overflowed(&ops) &&
                sim_journal_record(&text, rec, ops.data, ops.len);
    if (fits) {
        struct expect x = {.rec = rec};
        char id[17];
        size_t good = 0;
        sp_error e2 = {0};
        sp_code rc = sim_journal_read(text.data, text.len, "again", id, compare,
                                      &x, &good, &e2);
        if (rc)
            fprintf(stderr, "journal: %s\n", e2.message);
        check(rc == SP_OK && x.seen == 1 && good == text.len &&
                  strcmp(id, "0123456789abcdef") == 0,
              "a record written back does not read");
    }
    sp_buf_release(&ops);
    sp_buf_release(&text);
    (*records)++;
    /* The caller's refusal stops the reading, as a replay's does. */
    if (rec->seq == 13)
        return sp_error_set(err, SP_ERR_IO, "change 13 refused");
    return SP_OK;
}

/* Read @data as a journal; check what the reader says of it. */
static void read_journal(const char *data, size_t size)
{
    char id[17];
    size_t good = 0, records = 0;
    sp_error err = {0};
    sp_code rc =
        sim_journal_read(data, size, "fuzz", id, each, &records, &good, &err);
    check(good <= size, "more read than given");
    if (rc) {
        check(err.message[0] != '\0', "an error without a message");
        check(strstr(err.message, "'fuzz'") != NULL,
              "an error that does not name the journal");
    } else {
        check(good == size || size - good <= SIM_JOURNAL_MAX_LINE + 1,
              "a torn record longer than a record");
        check(good == 0 || strlen(id) == 16, "records without a header");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_journal((const char *)data, size);
    /* Again with every record's checksum made right, so that what lies
     * behind the checksum (the JSON, the fields) is fuzzed too: a mutation
     * there seldom keeps a CRC-32. */
    char *copy = malloc(size + 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    bool changed = false;
    for (size_t pos = 0, line = 1; pos < size; line++) {
        char *nl = memchr(copy + pos, '\n', size - pos);
        size_t n = nl ? (size_t)(nl - (copy + pos)) : size - pos;
        if (line > 1 && n >= 10 && copy[pos + 8] == ' ') {
            char hex[9];
            snprintf(hex, sizeof(hex), "%08x",
                     (unsigned)sim_crc32(copy + pos + 9, n - 9));
            changed |= memcmp(copy + pos, hex, 8) != 0;
            memcpy(copy + pos, hex, 8);
        }
        pos += n + 1;
    }
    if (changed)
        read_journal(copy, size);
    free(copy);
    return 0;
}
