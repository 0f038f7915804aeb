/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/vendor.c: the vendor personalities (--vendor), a table of
 * the documented ways real SMI-S providers differ, and the behaviours the
 * model asks of it. */
#include <string.h>

#include "common/cmd.h"
#include "sim.h"

/*
 * Every line below comes from ../shared/cim/vendor-quirks.md, which names
 * its sources: libstoragemgmt's SMI-S plugin (plugin/smispy_plugin/) and
 * OpenStack Cinder's SMI-S drivers.  Nothing here is guessed beyond that;
 * where the file does not say (an interop namespace, say), the default
 * is kept and the comment says so.
 *
 * Shared by all, and smis-sim's default already: host LUN numbers
 * (DeviceNumber of CIM_ProtocolControllerForUnit) as zero-padded
 * hexadecimal text, "0011" for 17 (quirks: "EMC VNX/VMAX, Fujitsu
 * ETERNUS"); duplicate volume ElementNames accepted (quirks: "EMC VMAX").
 */

static const char *const pegasus_interop[] = {"root/PG_InterOp", NULL};
static const char *const ds8000_classes[] = {
    /* quirks "IBM DS8000": volumes are IBMTSDS_FBVolume, not
     * PREFIX_StorageVolume. */
    "SIM_StorageVolume", "IBMTSDS_FBVolume", NULL};

static const struct sim_vendor vendors[] = {
    {
        /* quirks "EMC VNX": Clar_ classes in root/emc; Group Masking and
         * Mapping registered but not supported (libstoragemgmt's smis.py
         * masks through ExposePaths when the system is a
         * Clar_StorageSystem).  Interop: the default. */
        .name = "vnx",
        .product = "EMC VNX/CLARiiON",
        .names = {.prefix = "Clar_", .ns = "root/emc"},
        .personality = SIM_LEGACY,
        .group_refused = true,
    },
    {
        /* quirks "EMC VMAX": Symm_ classes in root/emc; duplicate
         * ElementNames allowed (as smis-sim always does); a masking view
         * cannot be deleted while it holds a volume. */
        .name = "vmax",
        .product = "EMC Symmetrix VMAX",
        .names = {.prefix = "Symm_", .ns = "root/emc"},
        .personality = -1,
        .view_delete_needs_empty = true,
    },
    {
        /* quirks "HP 3PAR": TPD_ classes; a job read with a PropertyList
         * comes without JobState (libstoragemgmt's smis.py reads
         * TPD_ConcreteJob's results without one).  Namespace root/tpd as
         * issue 14 names it; interop: the default. */
        .name = "3par",
        .product = "HP 3PAR",
        .names = {.prefix = "TPD_", .ns = "root/tpd", .no_jobstate = true},
        .personality = -1,
    },
    {
        /* quirks "Fujitsu ETERNUS DX": calls are serialised on the array;
         * 32787 is "device busy", to be retried (Cinder's ETERNUS
         * driver).  FUJITSU_ classes in root/eternus (Cinder's driver). */
        .name = "eternus",
        .product = "Fujitsu ETERNUS DX",
        .names = {.prefix = "FUJITSU_", .ns = "root/eternus"},
        .personality = -1,
        .busy_code = 32787,
    },
    {
        /* quirks "IBM DS8000": IBMTSDS_ classes, volumes IBMTSDS_FBVolume,
         * DeviceIDs holding '/' ("IBM.2107-75AB/00000005").  Namespace
         * root/ibm as issue 14 names it. */
        .name = "ibm",
        .product = "IBM DS8000",
        .names = {.prefix = "IBMTSDS_",
                  .classes = ds8000_classes,
                  .ns = "root/ibm",
                  .devid_prefix = "IBM.2107-75SIM01/"},
        .personality = -1,
    },
    {
        /* quirks "OpenPegasus-based providers": the Interop namespace is
         * root/PG_InterOp; interop and root/interop answer
         * CIM_ERR_INVALID_NAMESPACE. */
        .name = "pegasus",
        .product = "an OpenPegasus-based provider",
        .names = {.interop = pegasus_interop},
        .personality = -1,
    },
    {
        /* quirks "SFCB-based providers": a kept-alive connection closed
         * after 10 requests (the default of its keepaliveMaxRequest);
         * KEYVALUE without TYPE (DTD 2.3.1 style). */
        .name = "sfcb",
        .product = "an SFCB-based provider",
        .names = {.untyped_keys = true},
        .personality = -1,
        .close_after = 10,
    },
};

const struct sim_vendor *sim_vendor_find(const char *name)
{
    for (size_t i = 0; name && i < CMD_COUNT(vendors); i++)
        if (strcmp(vendors[i].name, name) == 0)
            return &vendors[i];
    return NULL;
}

const char *sim_vendor_names(void)
{
    return "vnx|vmax|3par|eternus|ibm|pegasus|sfcb";
}

bool sim_group_registered(const struct sim *s)
{
    return s->o.personality == SIM_GROUP ||
           (s->o.vendor && s->o.vendor->group_refused);
}

/* Is a job of the array still running (a change in progress)? */
static bool job_running(const struct sim *s)
{
    int64_t now = sim_now_ms();
    for (size_t i = 0; i < s->njobs; i++)
        if (sim_job_state(&s->jobs[i], now) == 4)
            return true;
    return false;
}

bool sim_vendor_refuse(struct sim *s, const sp_cim_request *rq, const char *cls,
                       const char *method, sp_buf *out)
{
    const struct sim_vendor *v = s->o.vendor;
    if (!v)
        return false;
    if (v->group_refused &&
        strcasecmp(cls, "SIM_GroupMaskingMappingService") == 0) {
        sim_error(rq, out, SP_CIM_ERR_NOT_SUPPORTED,
                  "%s does not support Group Masking and Mapping (%s): use "
                  "the ControllerConfigurationService",
                  v->product, method);
        return true;
    }
    /* VMAX deletes only an empty masking view. */
    const char *id = NULL;
    if (v->view_delete_needs_empty &&
        strcasecmp(method, "DeleteMaskingView") == 0)
        id = sim_path_key(sim_param_path(rq, "ProtocolController"), "DeviceID");
    const struct sim_view *view = id ? sim_view_find(s, id) : NULL;
    if (view && view->nunits) {
        sim_error(rq, out, SP_CIM_ERR_FAILED,
                  "masking view '%s' holds %zu volume(s): %s deletes only "
                  "an empty one",
                  view->name, view->nunits, v->product);
        return true;
    }
    if (v->busy_code && strcasecmp(method, "GetError") != 0 && job_running(s)) {
        sim_count(s, "busy");
        sp_cim_value *ret = sp_cim_value_new_uint(SP_CIM_UINT32, v->busy_code);
        sp_cimxml_begin_response(out, sp_cim_request_msgid(rq), false, method);
        sp_cimxml_write_return_value(out, ret);
        sp_cimxml_end_response(out, false);
        sp_cim_value_free(ret);
        return true;
    }
    return false;
}
