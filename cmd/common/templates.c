/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/templates.c: the library opened once; template rows. */
#include <inttypes.h>
#include <time.h>

#include "common/cli.h"
#include "common/templates.h"

static sp_library *library;

sp_library *cmd_library(void)
{
    if (!library) {
        sp_error err;
        sp_error_clear(&err);
        if (sp_library_open(cmd_config(), 0, &library, &err) != SP_OK)
            cmd_die(sp_error_exit_code(&err), "cannot open the library: %s",
                    err.message);
    }
    return library;
}

void cmd_library_close(void)
{
    sp_library_close(library);
    library = NULL;
}

const struct cmd_column cmd_template_columns[CMD_TEMPLATE_NCOLUMNS] = {
    {.name = "NAME"},
    {.name = "LUN"},
    {.name = "COPY"},
    {.name = "VCPUS", .right = true},
    {.name = "MEMORY", .right = true},
    {.name = "FIRMWARE"},
    {.name = "OS"},
    {.name = "TAGS"},
};

sp_copy_method cmd_copy_pref_arg(const char *opt, const char *s)
{
    if (strcmp(s, "auto") == 0)
        return SP_COPY_NONE;
    if (strcmp(s, "snapshot") == 0)
        return SP_COPY_SNAPSHOT;
    if (strcmp(s, "clone") == 0)
        return SP_COPY_CLONE;
    cmd_usage_error("%s is auto, snapshot or clone, not '%s'", opt, s);
}

static json_object *json_id(const sp_id *id)
{
    return id ? json_object_new_string(sp_id_str(id)) : NULL;
}

static json_object *json_of(const sp_template *t)
{
    json_object *j = json_object_new_object();
    json_object_object_add(j, "id", json_id(sp_template_id(t)));
    json_object_object_add(j, "name",
                           json_object_new_string(sp_template_name(t)));
    json_object_object_add(j, "lun", json_id(sp_template_lun(t)));
    json_object_object_add(j, "pool", json_id(sp_template_pool(t)));
    json_object_object_add(
        j, "copy_method",
        json_object_new_string(sp_copy_pref_name(sp_template_copy(t))));
    json_object_object_add(j, "vcpus",
                           json_object_new_int64(sp_template_vcpus(t)));
    json_object_object_add(j, "memory",
                           json_object_new_uint64(sp_template_memory(t)));
    json_object_object_add(
        j, "firmware",
        json_object_new_string(sp_firmware_name(sp_template_firmware(t))));
    json_object_object_add(j, "machine",
                           json_object_new_string(sp_template_machine(t)));
    json_object_object_add(j, "disk_bus",
                           json_object_new_string(sp_template_disk_bus(t)));
    json_object_object_add(
        j, "os", json_object_new_string(sp_os_family_name(sp_template_os(t))));
    json_object *nics = json_object_new_array();
    for (size_t i = 0; i < sp_template_nic_count(t); i++) {
        json_object *n = json_object_new_object();
        json_object_object_add(n, "network",
                               cmd_json_string(sp_template_nic_network(t, i)));
        json_object_object_add(n, "bridge",
                               cmd_json_string(sp_template_nic_bridge(t, i)));
        json_object_object_add(n, "model",
                               cmd_json_string(sp_template_nic_model(t, i)));
        json_object_array_add(nics, n);
    }
    json_object_object_add(j, "nics", nics);
    json_object *docs = json_object_new_array();
    for (int d = 0; d < SP_DOC_COUNT; d++)
        if (sp_template_doc(t, (sp_custom_doc)d))
            json_object_array_add(
                docs,
                json_object_new_string(sp_custom_doc_name((sp_custom_doc)d)));
    json_object_object_add(j, "customization", docs);
    json_object *tags = json_object_new_array();
    for (size_t i = 0; i < sp_template_tag_count(t); i++)
        json_object_array_add(tags,
                              json_object_new_string(sp_template_tag(t, i)));
    json_object_object_add(j, "tags", tags);
    char when[32] = "";
    time_t c = (time_t)sp_template_created(t);
    struct tm tm;
    if (c && gmtime_r(&c, &tm))
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_object_object_add(j, "created",
                           *when ? json_object_new_string(when) : NULL);
    return j;
}

void cmd_out_template(const sp_template *t)
{
    char vcpus[16], tags[256] = "";
    snprintf(vcpus, sizeof(vcpus), "%u", sp_template_vcpus(t));
    for (size_t i = 0, len = 0; i < sp_template_tag_count(t); i++)
        if (len < sizeof(tags))
            len += (size_t)snprintf(tags + len, sizeof(tags) - len, "%s%s",
                                    i ? "," : "", sp_template_tag(t, i));
    const char *cells[CMD_TEMPLATE_NCOLUMNS] = {
        sp_template_name(t),
        sp_id_str(sp_template_lun(t)),
        sp_copy_pref_name(sp_template_copy(t)),
        vcpus,
        cmd_size(sp_template_memory(t)),
        sp_firmware_name(sp_template_firmware(t)),
        sp_os_family_name(sp_template_os(t)),
        *tags ? tags : NULL,
    };
    cmd_out_row(sp_template_id(t), cells, cmd_opt.json ? json_of(t) : NULL);
}
