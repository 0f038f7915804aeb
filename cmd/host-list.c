/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/host-list.c: host-list, list the configured hosts with their initiators,
 * groups and driver state. */
#include <json-c/json.h>
#include <popt.h>

#include "common/arrays.h"
#include "common/cli.h"
#include "common/cmd.h"
#include "common/ids.h"
#include "common/output.h"
#include "common/status.h"

/* The URI schemes of libvirt's hypervisor drivers ("qemu" in
 * "qemu+ssh://"). */
static const char *const libvirt_schemes[] = {
    "bhyve",     "ch",    "esx",          "gsx",
    "hyperv",    "libxl", "lxc",          "openvz",
    "parallels", "phyp",  "qemu",         "test",
    "uml",       "vbox",  "vmwarefusion", "vmwareplayer",
    "vmwarews",  "vpx",   "vz",           "xen",
    NULL};

/*
 * The driver that will reach the host.  There is no live host driver
 * yet: this is what the URI says, and the state is what the
 * configuration says.
 */
static const char *driver_of(const char *uri)
{
    size_t n = uri ? strcspn(uri, "+:") : 0;
    for (size_t i = 0; n && libvirt_schemes[i]; i++)
        if (strlen(libvirt_schemes[i]) == n &&
            strncasecmp(libvirt_schemes[i], uri, n) == 0)
            return "libvirt";
    return NULL;
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
    const char *driver = driver_of(h.uri);
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
    const char *cells[] = {h.uri, h.group, conn, joined, driver, "configured"};
    json_object *j = json_object_new_object();
    json_object_object_add(j, "id", json_object_new_string(sp_id_str(id)));
    json_object_object_add(j, "name", json_object_new_string(name));
    json_object_object_add(j, "uri", cmd_json_string(h.uri));
    json_object_object_add(j, "group", cmd_json_string(h.group));
    json_object_object_add(j, "connectivity", cmd_json_string(conn));
    json_object_object_add(j, "initiators", inits);
    json_object_object_add(j, "driver", cmd_json_string(driver));
    json_object_object_add(j, "state", json_object_new_string("configured"));
    cmd_out_row(id, cells, j);
    free(joined);
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
    poptContext pc = cmd_parse(argc, argv, table, "[HOST-ID...]", NULL, NULL);
    static const struct cmd_column cols[] = {
        {"URI", false},        {"GROUP", false},  {"CONNECTIVITY", false},
        {"INITIATORS", false}, {"DRIVER", false}, {"STATE", false}};
    cmd_out_begin(cols, CMD_COUNT(cols));
    cmd_each_configured(pc, SP_ID_HOST, "host", list);
    return cmd_finish(pc);
}
