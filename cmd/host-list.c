/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/host-list.c: host-list, list the configured hosts with their initiators,
 * groups and, with -l or --json, what their driver says of them. */
#include <json-c/json.h>
#include <popt.h>

#include "common/arrays.h"
#include "common/cli.h"
#include "common/cmd.h"
#include "common/ids.h"
#include "common/output.h"
#include "common/status.h"

/* What the host's driver says of it, with -l or --json (it connects). */
struct live {
    const char *driver; /* NULL: no driver for its URI */
    const char *state;  /* "reachable", "unreachable", "configured" */
    char error[SP_ERROR_MSG_MAX];
    sp_host_caps caps;
    sp_host *h;
};

/* False (reported) when the host's configuration is wrong (its URI). */
static bool look(const sp_config *cfg, const char *name, struct live *lv)
{
    memset(lv, 0, sizeof(*lv));
    lv->caps.size = sizeof(lv->caps);
    lv->state = "configured";
    if (!cmd_opt.long_fmt && !cmd_opt.json)
        return true; /* bare IDs: no need to ask */
    sp_error err;
    sp_error_clear(&err);
    if (sp_host_open(cfg, name, 0, &lv->h, &err)) {
        if (err.code == SP_ERR_CONFIG) {
            cmd_failed("open host", name, &err);
            return false;
        }
        snprintf(lv->error, sizeof(lv->error), "%s", err.message);
        return true;
    }
    if (sp_host_capabilities(lv->h, &lv->caps)) {
        lv->state = "unreachable";
        snprintf(lv->error, sizeof(lv->error), "%s",
                 sp_host_error(lv->h)->message);
        sp_log(SP_LOG_INFO, "host '%s': %s", name, lv->error);
    } else {
        lv->state = "reachable";
    }
    lv->driver = lv->caps.driver ? lv->caps.driver : "libvirt";
    return true;
}

/* "iscsi" or "fc", as masking sees the host; NULL when the configuration
 * says nothing of it. */
static const char *connectivity_of(const sp_config *cfg,
                                   const struct cmd_host *h)
{
    if (!sp_config_get(cfg, "host", h->name, "connectivity") && !h->ninitiators)
        return NULL;
    return h->fc ? "fc" : "iscsi";
}

static void list(const char *name)
{
    const sp_config *cfg = cmd_config();
    struct cmd_host h;
    if (!cmd_host(cfg, name, &h)) {
        cmd_fail(SP_EXIT_NOT_FOUND, "no host '%s' in the configuration", name);
        return;
    }
    sp_error err;
    sp_error_clear(&err);
    sp_id *id = NULL;
    if (sp_id_new(SP_ID_HOST, 1, &name, &id, &err)) {
        cmd_failed("name host", name, &err);
        cmd_host_free(&h);
        return;
    }
    const char *conn = connectivity_of(cfg, &h);
    struct live lv;
    if (!look(cfg, name, &lv)) {
        cmd_host_free(&h);
        sp_id_free(id);
        return;
    }
    bool up = strcmp(lv.state, "reachable") == 0;
    char vms[16];
    snprintf(vms, sizeof(vms), "%u", lv.caps.vms);
    size_t len = 0;
    for (size_t i = 0; i < h.ninitiators; i++)
        len += strlen(h.initiators[i]) + 1;
    char *joined = cmd_xcalloc(1, len + 1), *end = joined;
    json_object *inits = json_object_new_array();
    for (size_t i = 0; i < h.ninitiators; i++) {
        size_t n = strlen(h.initiators[i]);
        if (i)
            *end++ = ',';
        memcpy(end, h.initiators[i], n);
        end += n;
        json_object_array_add(inits, json_object_new_string(h.initiators[i]));
    }
    const char *cells[] = {h.uri,
                           h.group,
                           conn,
                           joined,
                           lv.driver,
                           lv.state,
                           up ? (lv.caps.uefi ? "yes" : "no") : NULL,
                           up ? vms : NULL};
    json_object *j = json_object_new_object();
    json_object_object_add(j, "id", json_object_new_string(sp_id_str(id)));
    json_object_object_add(j, "name", json_object_new_string(name));
    json_object_object_add(j, "uri", cmd_json_string(h.uri));
    json_object_object_add(j, "group", cmd_json_string(h.group));
    json_object_object_add(j, "connectivity", cmd_json_string(conn));
    json_object_object_add(j, "initiators", inits);
    json_object_object_add(j, "driver", cmd_json_string(lv.driver));
    json_object_object_add(j, "state", json_object_new_string(lv.state));
    json_object_object_add(j, "error",
                           *lv.error ? json_object_new_string(lv.error) : NULL);
    json_object_object_add(j, "hypervisor",
                           cmd_json_string(up ? lv.caps.hypervisor : NULL));
    json_object_object_add(j, "uefi",
                           up ? json_object_new_boolean(lv.caps.uefi) : NULL);
    json_object_object_add(j, "vms",
                           up ? json_object_new_int64(lv.caps.vms) : NULL);
    cmd_out_row(id, cells, j);
    free(joined);
    sp_host_close(lv.h);
    cmd_host_free(&h);
    sp_id_free(id);
    cmd_ok();
}

int main(int argc, char **argv)
{
    struct poptOption table[] = {{NULL, 0, POPT_ARG_INCLUDE_TABLE,
                                  cmd_common_options, 0,
                                  "Common options:", NULL},
                                 POPT_TABLEEND};
    cmd_init(argv[0]);
    poptContext pc =
        cmd_parse(argc, argv, table, "[HOST-ID|NAME...]", NULL, NULL);
    static const struct cmd_column cols[] = {
        {.name = "URI"},          {.name = "GROUP"},
        {.name = "CONNECTIVITY"}, {.name = "INITIATORS"},
        {.name = "DRIVER"},       {.name = "STATE"},
        {.name = "UEFI"},         {.name = "VMS", .right = true}};
    cmd_out_begin(cols, CMD_COUNT(cols));
    cmd_each_configured(pc, SP_ID_HOST, "host", list);
    return cmd_finish(pc);
}
