/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/common/lookup.h: objects given by name where their ID is expected
 * (sanprov(7) "Names for IDs"). */
#ifndef SANPROV_CMD_LOOKUP_H
#define SANPROV_CMD_LOOKUP_H

#include "common/ids.h"

/*
 * The kinds an object of which may be given by name, as virsh takes a
 * domain's name or UUID: an array or a host by its name in the
 * configuration, a template by its name in the library, a VM by the name
 * its record in the library gives it (names are per host, so two VMs may
 * share one).  Pools and LUNs are not: their names are the arrays' and
 * need not be unique or even printable.
 */
#define CMD_NAMED_KINDS                                                        \
    (CMD_KIND(SP_ID_ARRAY) | CMD_KIND(SP_ID_HOST) | CMD_KIND(SP_ID_TMPL) |     \
     CMD_KIND(SP_ID_VM))

/*
 * The ID of the one object of a kind in @kinds (CMD_KIND() bits; those
 * not in CMD_NAMED_KINDS are ignored) named @name: SP_OK and *@out, a new
 * ID to free with sp_id_free().  Errors, with a message for "cannot find
 * 'NAME': DETAIL" (not quoting @name again):
 *  - SP_ERR_NOT_FOUND: nothing is named so;
 *  - SP_ERR_INVALID (a usage error, exit 2): several objects are, and the
 *    message lists their IDs, so that the user can pick one.
 * The configuration, templates and records are read on the first lookup
 * of their kind and kept until cmd_lookup_release() (cmd_finish() calls
 * it): a batch of names costs one reading of the library.  A library
 * that cannot be opened ends the program, as cmd_library() does.
 */
sp_code cmd_lookup_name(const char *name, unsigned int kinds, sp_id **out,
                        sp_error *err);

/* Forget what lookups read. */
void cmd_lookup_release(void);

#endif
