/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/reconcile/reconcile.c: the reconciler's entry point: the order in
 * which arrays, library and hosts are read, and findings told and
 * mended. */
#include "reconcile.h"

/*
 * The order matters.  Dead runs are settled first (with --fix), so that
 * what their undoing removes is not told again as orphans, and the
 * library is read again after.  An object is an orphan only when its tag's
 * entry is unknown to the library both before and after the arrays are
 * listed: a run that begins meanwhile writes its journal (or record)
 * before its first array call, and a run that ends meanwhile leaves its
 * journal done (or its record deployed), so nothing of a live run is ever
 * taken for an orphan.  Reservations and debris come last, after the runs
 * that held them were settled.
 */

static const char *const kind_names[] = {
    [SP_FINDING_ORPHAN] = "orphan",       [SP_FINDING_DANGLING] = "dangling",
    [SP_FINDING_HALF_MADE] = "half-made", [SP_FINDING_STALE] = "stale",
    [SP_FINDING_DEBRIS] = "debris",
};

const char *sp_finding_kind_name(sp_finding_kind k)
{
    return (size_t)k < SPI_ARRAY_SIZE(kind_names) ? kind_names[k] : "?";
}

sp_code sp_reconcile(const sp_config *cfg, sp_library *lib,
                     unsigned int grace_s, unsigned int flags, sp_finding_fn fn,
                     void *ctx, sp_error *err)
{
    sp_error_clear(err);
    if (flags & ~SP_RECONCILE_FIX)
        return sp_error_set(err, SP_ERR_INVALID, "unknown flags 0x%x", flags);
    struct rc rc = {
        .cfg = cfg,
        .lib = lib,
        .grace = grace_s,
        .fix = flags & SP_RECONCILE_FIX,
        .fn = fn,
        .ctx = ctx,
        .now = (int64_t)time(NULL),
    };
    sp_error_clear(&rc.first);
    if (sp_library_uuid(lib, rc.library, err) || rc_read_library(&rc, err)) {
        rc_release(&rc);
        return err->code;
    }
    rc_seen_load(&rc);
    rc_half_made(&rc);
    if (rc.fix && rc_read_library(&rc, err)) {
        rc_release(&rc);
        return err->code;
    }
    rc_read_entries(&rc);
    rc_scan_arrays(&rc);
    rc_scan_hosts(&rc);
    rc_read_entries(&rc);
    rc_half_made_parts(&rc);
    rc_orphan_luns(&rc);
    rc_orphan_domains(&rc);
    rc_dangling(&rc);
    rc_stale(&rc);
    rc_debris(&rc);
    rc_seen_save(&rc);
    sp_code code = rc.stopped ? SP_ERR_CANCELLED : rc.first.code;
    if (rc.stopped)
        sp_error_set(err, code, "stopped by the caller");
    else if (code)
        sp_error_copy(err, &rc.first);
    rc_release(&rc);
    return code;
}
