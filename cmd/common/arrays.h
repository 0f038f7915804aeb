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

/* Close every array opened; cmd_finish() calls it. */
void cmd_arrays_close(void);

/*
 * A configured host as masking sees it: its connectivity and initiators
 * (iscsi-initiator, or fc-wwpn when connectivity = fc).  Strings belong to
 * the configuration.  False when there is no such host.
 */
struct cmd_host {
    const char *name;
    const char *uri;
    const char *group;
    bool fc;
    size_t ninitiators;
    const char *initiators[16];
};
bool cmd_host(const sp_config *cfg, const char *name, struct cmd_host *out);

/* The configured host with initiator @initiator, or NULL. */
const char *cmd_host_of_initiator(const sp_config *cfg, const char *initiator);

#endif
