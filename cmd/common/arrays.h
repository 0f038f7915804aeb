/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/arrays.h: arrays and hosts as programs reach them: open once,
 * progress and timeouts wired. */
#ifndef SANPROV_CMD_ARRAYS_H
#define SANPROV_CMD_ARRAYS_H

#include <sanprov/sanprov.h>

/*
 * The array @name, opened on first use with the configuration of
 * cmd_config(), the progress line (cmd_progress_cb) and the job timeout
 * set by cmd_arrays_set_timeout().  Kept until cmd_arrays_close().  NULL
 * (and @err set) when it cannot be opened.
 */
sp_array *cmd_array(const char *name, sp_error *err);

/* The array of an ID (its first field). */
sp_array *cmd_array_of(const sp_id *id, sp_error *err);

/* Wait at most @seconds for array jobs (0: the library's default). */
void cmd_arrays_set_timeout(unsigned int seconds);
/* What --timeout asked for (0: not given). */
unsigned int cmd_arrays_timeout(void);

/*
 * After a call on @a failed with SP_ERR_JOB_TIMEOUT: print the ID of the
 * job still running on the array as an output row (with --json,
 * {"id": ..., "pending": true}), so that it can be waited for.  Nothing
 * for other failures.
 */
void cmd_out_pending_job(sp_array *a, sp_code rc);

/* Close every array opened; cmd_finish() calls it. */
void cmd_arrays_close(void);

/*
 * A configured host as masking sees it: its connectivity and initiators
 * (iscsi-initiator, or fc-wwpn when connectivity = fc), in the form
 * arrays use: WWPNs as 16 upper-case hex digits (cmd_wwpn()), other
 * strings as configured.  The other strings belong to the configuration.
 * False when there is no such host; free with cmd_host_free() otherwise.
 */
struct cmd_host {
    const char *name;
    const char *uri;
    const char *group;
    bool fc;
    size_t ninitiators;
    char **initiators;
};
bool cmd_host(const sp_config *cfg, const char *name, struct cmd_host *out);
void cmd_host_free(struct cmd_host *h);

/* A WWPN: 16 hex digits, bare or as 8 colon-separated pairs.  True, with
 * the bare upper-case form SMI-S uses for port WWNs in @out, when @s is
 * one. */
bool cmd_wwpn(const char *s, char out[17]);

/* The configured host with initiator @initiator (WWPNs in either form),
 * or NULL.  The hosts' initiators are read once per configuration. */
const char *cmd_host_of_initiator(const sp_config *cfg, const char *initiator);

#endif
