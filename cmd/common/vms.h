/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/vms.h: how a deployed VM is shown (-l columns, --json members),
 * by vm-deploy and vm-list alike. */
#ifndef SANPROV_CMD_VMS_H
#define SANPROV_CMD_VMS_H

#include "common/cmd.h"
#include "common/output.h"

#define CMD_VM_NCOLUMNS 7
extern const struct cmd_column cmd_vm_columns[CMD_VM_NCOLUMNS];

/* Print the VM of record @r as one row: bare ID, -l row or --json object.
 * @state is what vm-list(1) calls it ("running", "incomplete", ...). */
void cmd_out_vm(const sp_vm_record *r, const char *state);

/* The template given to --template: a tmpl ID or a name
 * (cmd_lookup_name()).  A failure is reported (exit 3 for none such, 2 for
 * a name several templates have) and gives NULL. */
sp_template *cmd_template_arg(const char *arg);

#endif
