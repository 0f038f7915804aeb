/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/luns.c: LUNs as every program shows them. */
#include "common/luns.h"

const struct cmd_column cmd_lun_columns[CMD_LUN_NCOLUMNS] = {
    {.name = "NAME"}, {.name = "SIZE", .right = true},
    {.name = "WWN"},  {.name = "POOL"},
    {.name = "COPY"}, {.name = "SOURCE"},
};

const char *cmd_copy_name(sp_copy_method m)
{
    return m == SP_COPY_SNAPSHOT ? "snapshot"
           : m == SP_COPY_CLONE  ? "clone"
                                 : NULL;
}

void cmd_lun_view_of(const sp_lun *l, struct cmd_lun_view *v)
{
    *v = (struct cmd_lun_view){.id = sp_lun_id(l),
                               .name = sp_lun_name(l),
                               .size = sp_lun_size(l),
                               .wwn = sp_lun_wwn(l),
                               .pool = sp_lun_pool(l),
                               .source = sp_lun_source(l),
                               .copy = sp_lun_copy(l)};
    sp_lun_tag(l, &v->tag_library, &v->tag_entry);
}

void cmd_lun_cells(const struct cmd_lun_view *v,
                   const char *cells[CMD_LUN_NCOLUMNS])
{
    const char *copy = NULL, *source = NULL;
    if (v->source) {
        bool here =
            strcmp(sp_id_field(v->source, 0), sp_id_field(v->id, 0)) == 0;
        copy = cmd_copy_name(v->copy) ? cmd_copy_name(v->copy) : "copy";
        source = here ? sp_id_field(v->source, 1) : sp_id_str(v->source);
    }
    cells[0] = v->name;
    cells[1] = cmd_size(v->size);
    cells[2] = v->wwn;
    cells[3] = v->pool ? sp_id_field(v->pool, 1) : NULL;
    cells[4] = copy;
    cells[5] = source;
}

json_object *cmd_lun_json(const struct cmd_lun_view *v)
{
    json_object *j = json_object_new_object();
    json_object_object_add(j, "id", json_object_new_string(sp_id_str(v->id)));
    json_object_object_add(j, "array",
                           json_object_new_string(sp_id_field(v->id, 0)));
    json_object_object_add(j, "name", cmd_json_string(v->name));
    json_object_object_add(j, "size", json_object_new_int64((int64_t)v->size));
    json_object_object_add(j, "wwn", cmd_json_string(v->wwn));
    json_object_object_add(
        j, "pool", cmd_json_string(v->pool ? sp_id_str(v->pool) : NULL));
    json_object_object_add(
        j, "source", cmd_json_string(v->source ? sp_id_str(v->source) : NULL));
    json_object_object_add(
        j, "copy", cmd_json_string(v->source ? cmd_copy_name(v->copy) : NULL));
    json_object *tag = NULL;
    if (v->tag_library) {
        tag = json_object_new_object();
        json_object_object_add(tag, "library", cmd_json_string(v->tag_library));
        json_object_object_add(tag, "entry", cmd_json_string(v->tag_entry));
    }
    json_object_object_add(j, "tag", tag);
    return j;
}
