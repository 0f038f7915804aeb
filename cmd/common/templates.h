/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/templates.h: the library of templates, opened once, and how a
 * template is shown (-l columns, --json members). */
#ifndef SANPROV_CMD_TEMPLATES_H
#define SANPROV_CMD_TEMPLATES_H

#include <json-c/json.h>

#include "common/cmd.h"
#include "common/output.h"

/* The configuration's library, opened on first use; a failure ends the
 * program (exit 1). */
sp_library *cmd_library(void);
void cmd_library_close(void);

/* The columns of a template table, for cmd_out_begin(). */
#define CMD_TEMPLATE_NCOLUMNS 8
extern const struct cmd_column cmd_template_columns[CMD_TEMPLATE_NCOLUMNS];

/* Print @t as one row (bare ID, -l row or --json object). */
void cmd_out_template(const sp_template *t);

/* Parse an argument: "auto", "snapshot" or "clone" (a usage error else). */
sp_copy_method cmd_copy_pref_arg(const char *opt, const char *s);

#endif
