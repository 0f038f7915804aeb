/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/arrays.c: one handle per array for a program's run; hosts from the
 * configuration. */
#include <pthread.h>

#include "common/arrays.h"
#include "common/cli.h"
#include "common/cmd.h"
#include "common/progress.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static sp_array **arrays;
static size_t narrays, caparrays;
static unsigned int timeout_s;

void cmd_arrays_set_timeout(unsigned int seconds)
{
    timeout_s = seconds;
}

sp_array *cmd_array(const char *name, sp_error *err)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < narrays; i++)
        if (strcmp(sp_array_name(arrays[i]), name) == 0) {
            pthread_mutex_unlock(&lock);
            return arrays[i];
        }
    sp_array *a = NULL;
    if (sp_array_open(cmd_config(), name, 0, &a, err) == SP_OK) {
        sp_array_set_progress(a, cmd_progress_cb, NULL);
        sp_array_set_timeout(a, timeout_s);
        cmd_grow((void **)&arrays, &caparrays, narrays + 1, sizeof(*arrays));
        arrays[narrays++] = a;
    }
    pthread_mutex_unlock(&lock);
    return a;
}

sp_array *cmd_array_of(const sp_id *id, sp_error *err)
{
    return cmd_array(sp_id_field(id, 0), err);
}

void cmd_arrays_close(void)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < narrays; i++)
        sp_array_close(arrays[i]);
    free(arrays);
    arrays = NULL;
    narrays = caparrays = 0;
    pthread_mutex_unlock(&lock);
}

bool cmd_host(const sp_config *cfg, const char *name, struct cmd_host *out)
{
    memset(out, 0, sizeof(*out));
    if (!sp_config_has(cfg, "host", name))
        return false;
    out->name = name;
    out->uri = sp_config_get(cfg, "host", name, "uri");
    out->group = sp_config_get(cfg, "host", name, "group");
    const char *conn = sp_config_get(cfg, "host", name, "connectivity");
    const char *iqn = sp_config_get(cfg, "host", name, "iscsi-initiator");
    size_t nwwpn = sp_config_list_count(cfg, "host", name, "fc-wwpn");
    /* Without a stated connectivity: iSCSI when there is an IQN. */
    out->fc = conn ? strcmp(conn, "fc") == 0 : !iqn && nwwpn;
    if (!out->fc && iqn)
        out->initiators[out->ninitiators++] = iqn;
    for (size_t i = 0; out->fc && i < nwwpn && i < CMD_COUNT(out->initiators);
         i++)
        out->initiators[out->ninitiators++] =
            sp_config_list_item(cfg, "host", name, "fc-wwpn", i);
    return true;
}

const char *cmd_host_of_initiator(const sp_config *cfg, const char *initiator)
{
    for (size_t i = 0; i < sp_config_count(cfg, "host"); i++) {
        const char *name = sp_config_name(cfg, "host", i);
        struct cmd_host h;
        cmd_host(cfg, name, &h);
        for (size_t k = 0; k < h.ninitiators; k++)
            if (strcasecmp(h.initiators[k], initiator) == 0)
                return name;
    }
    return NULL;
}
