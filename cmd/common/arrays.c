/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/arrays.c: one handle per array for a program's run; hosts from the
 * configuration. */
#include <ctype.h>
#include <json-c/json.h>
#include <pthread.h>

#include "common/arrays.h"
#include "common/cli.h"
#include "common/cmd.h"
#include "common/output.h"
#include "common/progress.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static sp_array **arrays;
static size_t narrays, caparrays;
static unsigned int timeout_s;

static void known_free(void);

unsigned int cmd_arrays_timeout(void)
{
    return timeout_s;
}

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

void cmd_out_pending_job(sp_array *a, sp_code rc)
{
    sp_id *job = NULL;
    if (rc != SP_ERR_JOB_TIMEOUT || !a || !sp_array_pending_job(a))
        return;
    if (sp_id_parse(sp_array_pending_job(a), &job, NULL) != SP_OK) {
        cmd_error("the array named job '%s', which is no ID",
                  sp_array_pending_job(a));
        return;
    }
    json_object *j = NULL;
    if (cmd_opt.json) {
        j = json_object_new_object();
        json_object_object_add(j, "id", json_object_new_string(sp_id_str(job)));
        json_object_object_add(j, "pending", json_object_new_boolean(true));
    }
    cmd_out_row(job, NULL, j);
    sp_id_free(job);
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
    known_free();
}

bool cmd_wwpn(const char *s, char out[17])
{
    return sp_wwpn_parse(s, out);
}

bool cmd_host(const sp_config *cfg, const char *name, struct cmd_host *out)
{
    memset(out, 0, sizeof(*out));
    sp_mask_target t = SP_STRUCT_INIT(sp_mask_target);
    if (!sp_host_mask_target(cfg, name, &t))
        return false;
    out->name = name;
    out->uri = sp_config_get(cfg, "host", name, "uri");
    out->group = sp_config_get(cfg, "host", name, "group");
    out->fc = t.fc;
    out->ninitiators = t.ninitiators;
    out->initiators = cmd_xcalloc(t.ninitiators + 1, sizeof(*out->initiators));
    for (size_t i = 0; i < t.ninitiators; i++)
        out->initiators[i] = cmd_xstrdup(t.initiators[i]);
    sp_mask_target_release(&t);
    return true;
}

void cmd_host_free(struct cmd_host *h)
{
    for (size_t i = 0; i < h->ninitiators; i++)
        free(h->initiators[i]);
    free(h->initiators);
    memset(h, 0, sizeof(*h));
}

/* Every configured initiator and its host, read once: a listing asks for
 * each masking entry of each LUN. */
static struct {
    const sp_config *cfg;
    struct known_initiator {
        char *initiator;
        const char *host;
    } * v;
    size_t n, cap;
} known;

static void known_free(void)
{
    for (size_t i = 0; i < known.n; i++)
        free(known.v[i].initiator);
    free(known.v);
    memset(&known, 0, sizeof(known));
}

static void known_load(const sp_config *cfg)
{
    known_free();
    known.cfg = cfg;
    for (size_t i = 0; i < sp_config_count(cfg, "host"); i++) {
        struct cmd_host h;
        cmd_host(cfg, sp_config_name(cfg, "host", i), &h);
        for (size_t k = 0; k < h.ninitiators; k++) {
            cmd_grow((void **)&known.v, &known.cap, known.n + 1,
                     sizeof(*known.v));
            known.v[known.n++] =
                (struct known_initiator){h.initiators[k], h.name};
            h.initiators[k] = NULL;
        }
        cmd_host_free(&h);
    }
}

const char *cmd_host_of_initiator(const sp_config *cfg, const char *initiator)
{
    if (known.cfg != cfg)
        known_load(cfg);
    char w[17];
    const char *want = cmd_wwpn(initiator, w) ? w : initiator;
    for (size_t i = 0; i < known.n; i++)
        if (strcasecmp(known.v[i].initiator, want) == 0)
            return known.v[i].host;
    return NULL;
}
