/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* sanprov/custom.h: guest customization media, made here for any host to
 * attach (sp_vm_def's media). */
#ifndef SANPROV_CUSTOM_H
#define SANPROV_CUSTOM_H

#include <sanprov/template.h>

SP_BEGIN_DECLS

/*
 * Write the customization medium of a VM to @path, an ISO 9660 image made
 * with xorriso or genisoimage: for Linux a cloud-init NoCloud seed (volume
 * label "cidata": user-data, meta-data with instance-id and
 * local-hostname, network-config when the template has one); for Windows
 * the template's unattend file as autounattend.xml and unattend.xml.
 * @user_data (may be NULL) replaces the template's.  Errors:
 * SP_ERR_NOT_SUPPORTED (no ISO tool installed), SP_ERR_IO.  @flags must be
 * 0.
 */
SP_API sp_code sp_seed_write(const sp_template *t, const char *hostname,
                             const char *instance_id, const char *user_data,
                             const char *path, unsigned int flags,
                             sp_error *err);

SP_END_DECLS

#endif
