/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/classes.h: the instance makers of each namespace (virt.c,
 * hostclasses.c), for the class table (classes.c).  Each returns a new
 * instance, freed with hv_inst_free(). */
#ifndef HYPERV_SIM_CLASSES_H
#define HYPERV_SIM_CLASSES_H

#include "hv.h"

/* root/virtualization/v2 */
struct hv_inst *hv_host_inst(struct hv *h);
struct hv_inst *hv_vsms_inst(struct hv *h);
struct hv_inst *hv_vsmc_inst(struct hv *h);
struct hv_inst *hv_definition_inst(unsigned gen);
struct hv_inst *hv_elec_inst(void);
struct hv_inst *hv_switch_inst(struct hv *h, size_t n);
struct hv_inst *hv_diskdrive_inst(struct hv *h, const struct hv_disk *d);
/* Does the host run generation 2 VMs (Windows Server 2012 R2, build
 * 9600, and later)? */
bool hv_gen2(const struct hv *h);

/* root/Microsoft/Windows/Storage */
struct hv_inst *hv_disk_inst(struct hv *h, const struct hv_disk *d);
struct hv_inst *hv_partition_inst(struct hv *h, const struct hv_disk *d);
struct hv_inst *hv_volume_inst(struct hv *h, const struct hv_disk *d);
struct hv_inst *hv_initiator_inst(struct hv *h, const char *address, bool fc);
struct hv_inst *hv_portal_inst(struct hv *h, const struct hv_portal *p);
struct hv_inst *hv_session_inst(struct hv *h, const struct hv_session *s);

/* root/cimv2 */
struct hv_inst *hv_os_inst(struct hv *h);
struct hv_inst *hv_iscsi_service_inst(struct hv *h);
struct hv_inst *hv_mpio_inst(void);

#endif
