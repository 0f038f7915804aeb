/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/hv.h: the simulated Hyper-V host: its model, its WMI
 * classes over WS-Management, its methods and server. */
#ifndef HYPERV_SIM_HV_H
#define HYPERV_SIM_HV_H

#include <pthread.h>
#include <stdint.h>

#include <sanprov/sanprov.h>

#include "request.h"
#include "util/buf.h"

/*
 * The host is a small model (VMs and their resources, disks, partitions,
 * iSCSI portals and sessions, services, jobs), kept on disk as JSON
 * (state.c).  WMI instances are made from it on demand (classes.c), so
 * Get, Enumerate and the association filters work alike for every class.
 * One mutex guards the model; each request runs under it.
 */

#define HV_NS_VIRT    "root/virtualization/v2"
#define HV_NS_STORAGE "root/Microsoft/Windows/Storage"
#define HV_NS_CIMV2   "root/cimv2"
#define HV_URI_WMI    "http://schemas.microsoft.com/wbem/wsman/1/wmi/"

/* A VM's resource: one Msvm_*SettingData below its settings. */
enum hv_rtype {
    HV_RES_PROCESSOR,  /* Msvm_ProcessorSettingData, ResourceType 3 */
    HV_RES_MEMORY,     /* Msvm_MemorySettingData, 4 */
    HV_RES_SCSI,       /* RASD, 6 Synthetic SCSI Controller */
    HV_RES_IDE,        /* RASD, 5 Emulated IDE Controller */
    HV_RES_DISK_DRIVE, /* RASD, 17 Synthetic Disk Drive */
    HV_RES_DVD_DRIVE,  /* RASD, 16 Synthetic DVD Drive */
    HV_RES_PHYSICAL,   /* RASD, 17 Physical Disk Drive (pass-through) */
    HV_RES_VHD,        /* SASD, 31 Virtual Hard Disk */
    HV_RES_ISO,        /* SASD, 16 Virtual CD/DVD Disk */
    HV_RES_NIC,        /* Msvm_SyntheticEthernetPortSettingData, 10 */
    HV_RES_CONNECTION, /* Msvm_EthernetPortAllocationSettingData, 33 */
};

struct hv_resource {
    char id[40]; /* the part of InstanceID after the VM's GUID */
    enum hv_rtype type;
    char *parent;        /* id of the resource it is under, or NULL */
    char *host_resource; /* VHD/ISO path, switch name, disk number */
    uint64_t quantity;   /* vCPUs, MB of memory */
    unsigned address;    /* controller slot */
    char *mac;           /* NIC: 12 hex digits */
    char *name;          /* ElementName */
};

struct hv_vm {
    char guid[37]; /* upper case, Name of its Msvm_ComputerSystem */
    char *name;    /* ElementName */
    unsigned generation;
    uint16_t state; /* EnabledState: 2 running, 3 off, 9 paused, 6 saved */
    char *notes;    /* Notes[0] */
    struct hv_resource *res;
    size_t nres, capres;
    unsigned next_res;
};

struct hv_disk {
    unsigned number;
    char *unique_id; /* page-83 identifier, hex (NAA) */
    char *serial;    /* page 0x80's unit serial number, or NULL */
    char *friendly;
    char *target; /* IQN of the target, or NULL for a local disk */
    unsigned lun;
    uint64_t size;
    bool offline;
    uint16_t offline_reason; /* 1 policy, 4 signature collision */
    bool read_only;
    uint16_t partition_style; /* 0 raw, 1 MBR, 2 GPT */
    uint32_t signature;       /* MBR */
    char guid[39];            /* GPT: {...} */
    bool boot;                /* the system disk */
    /* Its one partition and volume, when it has a file system. */
    char *fs; /* "NTFS", or NULL: no partition */
    char *label;
    struct {
        char **v;
        size_t n;
    } paths; /* access paths */
};

struct hv_portal {
    char *address;
    unsigned port;
};

struct hv_session {
    char id[40];
    char *target; /* IQN */
    char *portal; /* address */
    unsigned port;
    bool persistent;
};

struct hv_job {
    char id[37];
    char *method;
    char *vm; /* the VM's GUID, or NULL */
    int64_t start_ms, end_ms;
    bool fail;
    char *error;
};

struct hv_fault {
    char *name;
    unsigned long nth;
    bool drop;
    unsigned code; /* the WMI ReturnValue / CIM status to answer */
};

struct hv_opts {
    const char *listen_host;
    int port;
    const char *port_file;
    const char *state;
    const char *tls_cert, *tls_key;
    const char *user;
    char *password;
    const char *hostname; /* the host's name (default HV01) */
    const char *iqn;      /* its initiator's IQN */
    const char *wwpns;    /* its FC ports, comma-separated */
    const char *os;       /* "2019", "2012", "2012r2", "2016", "2022" */
    const char *switches; /* virtual switch names, comma-separated */
    bool no_mpio;
    unsigned long preload_vms; /* VMs of a new host, vm1... */
    const char *iscsi_service; /* "running:auto" ... */
    const char *smis_url;      /* smis-sim to ask for masking */
    unsigned latency_ms;
    double job_seconds;
    struct hv_fault *faults;
    size_t nfaults;
    unsigned long job_fail;
    unsigned long close_after;
    bool close_unannounced;
    const char *trace_dir;
};

struct hv_stat {
    char *name;
    unsigned long n;
};

struct hv_enum {
    char id[48];
    char **items; /* the remaining items, written */
    size_t n, next;
    int64_t expires_ms;
};

struct hv {
    pthread_mutex_t lock;
    struct hv_opts o;
    char *hostname;
    char *os_version, *os_build, *os_caption;
    bool mpio;
    bool iscsi_running, iscsi_auto;
    char **switches;
    size_t nswitches;
    struct hv_vm *vms;
    size_t nvms, capvms;
    struct hv_disk *disks;
    size_t ndisks, capdisks;
    struct hv_portal *portals;
    size_t nportals, capportals;
    struct hv_session *sessions;
    size_t nsessions, capsessions;
    struct hv_job *jobs;
    size_t njobs, capjobs;
    unsigned long jobs_this_run;
    struct hv_enum *enums;
    size_t nenums, capenums;
    unsigned long next_enum;
    struct hv_stat *stats;
    size_t nstats, capstats;
};

int64_t hv_now_ms(void);

/* ---- model.c ---- */
sp_code hv_init(struct hv *h, const struct hv_opts *o, sp_error *err);
void hv_release(struct hv *h);
/* Be the Windows release @name (2012, 2012r2, 2016, 2019, 2022). */
bool hv_os_set(struct hv *h, const char *name);
void hv_disk_release(struct hv_disk *d);
struct hv_vm *hv_vm_find(struct hv *h, const char *guid);
struct hv_vm *hv_vm_by_name(struct hv *h, const char *name);
struct hv_vm *hv_vm_create(struct hv *h, const char *name, unsigned gen);
void hv_vm_delete(struct hv *h, struct hv_vm *vm);
struct hv_resource *hv_res_add(struct hv_vm *vm, enum hv_rtype t);
struct hv_resource *hv_res_find(struct hv_vm *vm, const char *id);
void hv_res_remove(struct hv_vm *vm, struct hv_resource *r);
struct hv_disk *hv_disk_find(struct hv *h, unsigned number);
struct hv_job *hv_job_start(struct hv *h, const char *method, const char *vm);
struct hv_job *hv_job_find(struct hv *h, const char *id);
/* JobState: 4 running, 7 completed, 10 exception. */
int hv_job_state(const struct hv_job *j, int64_t now);
void hv_count(struct hv *h, const char *name);
unsigned long hv_count_of(const struct hv *h, const char *name);
/* A new GUID, upper case. */
void hv_guid(char out[37]);

/* ---- rescan.c: disks as the host sees them ---- */
/* UpdateHostStorageCache: the LUNs masked to the host's initiators on the
 * portals it has sessions with (and smis-sim's views), as disks. */
sp_code hv_rescan(struct hv *h, sp_error *err);
/* Does an online disk carry @d's signature (MBR) or GUID (GPT)? */
bool hv_disk_collides(struct hv *h, const struct hv_disk *d);
/* smis.c: the volumes smis-sim (--smis-url) maps to the host's
 * initiators, appended to @seen (struct seen of rescan.c). */
struct seen {
    char wwn[65];
    char serial[65];  /* page 0x80 */
    char target[224]; /* "": smis-sim's */
    unsigned lun;
    uint64_t size;
    uint16_t style; /* 0 raw, 1 MBR, 2 GPT */
    uint32_t signature;
    char guid[39];
    bool ntfs;
};
sp_code hv_smis_seen(struct hv *h, struct seen **seen, size_t *n,
                     sp_error *err);
/* Log in to @portal as the host and list its targets (for the portal's
 * New and for Connect). */
sp_code hv_discover(struct hv *h, const char *portal, unsigned port,
                    char ***targets, size_t *n, sp_error *err);

/* ---- state.c ---- */
sp_code hv_state_load(struct hv *h, bool *found, sp_error *err);
sp_code hv_state_save(struct hv *h, sp_error *err);
void hv_state_json(struct hv *h, sp_buf *out);

/* ---- classes.c: the WMI view ---- */

/* One property value of an instance being written. */
struct hv_inst;
struct hv_inst *hv_inst_new(const char *ns, const char *cls);
void hv_inst_free(struct hv_inst *i);
void hv_inst_str(struct hv_inst *i, const char *name, const char *v);
void hv_inst_fmt(struct hv_inst *i, const char *name, const char *fmt, ...)
    SP_PRINTF(3, 4);
void hv_inst_u64(struct hv_inst *i, const char *name, uint64_t v);
void hv_inst_bool(struct hv_inst *i, const char *name, bool v);
void hv_inst_nil(struct hv_inst *i, const char *name);
void hv_inst_arr(struct hv_inst *i, const char *name, const char *const *v,
                 size_t n);
void hv_inst_ref(struct hv_inst *i, const char *name, struct hv_inst *target);
const char *hv_inst_class(const struct hv_inst *i);
const char *hv_inst_ns(const struct hv_inst *i);
/* The first value of property @name, or NULL. */
const char *hv_inst_get(const struct hv_inst *i, const char *name);
/* Take the reference held by property @name (NULL if none). */
struct hv_inst *hv_inst_take_ref(struct hv_inst *i, const char *name);
/* The @k-th property's name and reference (NULL: not a reference); NULL
 * past the end, with *name untouched. */
size_t hv_inst_nprops(const struct hv_inst *i);
const struct hv_inst *hv_inst_ref_at(const struct hv_inst *i, size_t k,
                                     const char **name);
/* Same class, namespace and keys. */
bool hv_inst_same(const struct hv_inst *a, const struct hv_inst *b);
/* Does @i have the keys @e selects (by its __cimnamespace too)? */
bool hv_inst_matches(const struct hv_inst *i, const struct hv_epr *e);
/* The ResourceURI of @i's class. */
char *hv_inst_uri(const struct hv_inst *i);
/* Write @i as WS-Management XML (the instance element, the EPR, or both
 * for EnumerateObjectAndEPR). */
void hv_write_inst(sp_buf *out, const struct hv_inst *i, const char *tag);
void hv_write_epr(sp_buf *out, const struct hv_inst *i);
/* A reference-valued output parameter <p:NAME>EPR</p:NAME>. */
void hv_write_ref(sp_buf *out, const char *name, const struct hv_inst *i);
/* @s escaped for a key value inside a WMI object path (\ and "). */
char *hv_path_escape(const char *s);
/* The value of key @key in the WMI object path @path, unescaped (owned
 * by the caller), or NULL. */
char *hv_path_key(const char *path, const char *key);
void hv_xml_text(sp_buf *out, const char *s);

/* Receives each instance (owned by the callee); non-zero stops. */
typedef int (*hv_emit_fn)(struct hv_inst *i, void *ud);
/* Every instance of class @cls (or its subclasses served) in @ns; "*": all
 * of the namespace.  False when the class is not served there. */
bool hv_each(struct hv *h, const char *ns, const char *cls, hv_emit_fn fn,
             void *ud);
/* Is a class (@cls: or "*") served in @ns?  Is @ns served? */
bool hv_class_known(const char *ns, const char *cls);
bool hv_namespace_known(const char *ns);
/* Resource kinds: the class of one, the kind of a ResourceSubType. */
const char *hv_res_class(enum hv_rtype t);
bool hv_res_kind(const char *subtype, enum hv_rtype *t);
struct hv_inst *hv_target_inst(struct hv *h, const char *iqn);
/* Is @cls an instance of @of (itself or a served subclass/superclass)? */
bool hv_class_is_a(const char *cls, const char *of);
/* The instances associated with @obj (or the associations, with
 * @references), filtered as DSP0227 says. */
void hv_associated(struct hv *h, const struct hv_inst *obj, bool references,
                   const char *assoc_class, const char *result_class,
                   const char *role, const char *result_role, hv_emit_fn fn,
                   void *ud);
/* The instance @e names, or NULL. */
struct hv_inst *hv_get(struct hv *h, const char *ns, const char *cls,
                       const struct hv_epr *e);
/* The VM path of a job, the VM of a path... */
struct hv_inst *hv_vm_inst(struct hv *h, const struct hv_vm *vm);
struct hv_inst *hv_job_inst(struct hv *h, const struct hv_job *j);
struct hv_inst *hv_res_inst(struct hv *h, const struct hv_vm *vm,
                            const struct hv_resource *r);
struct hv_inst *hv_vssd_inst(struct hv *h, const struct hv_vm *vm);

/* Split a ResourceURI into namespace and class (owned by the caller);
 * false when it is not a WMI one. */
bool hv_uri_split(const char *uri, char **ns, char **cls);

/* ---- methods.c ---- */

/* The outcome of a method: a ReturnValue and output parameters, or a
 * fault (a CIM status and its message). */
struct hv_out {
    unsigned cim_status; /* 0: answered with ReturnValue */
    char message[512];
    uint32_t rv;
    sp_buf params; /* <p:Name>...</p:Name> elements */
};
void hv_invoke(struct hv *h, const struct hv_request *rq, const char *ns,
               const char *cls, struct hv_out *out);
/* storage.c: the methods of root/Microsoft/Windows/Storage and
 * root/cimv2. */
void hv_storage_invoke(struct hv *h, const struct hv_request *rq,
                       const char *ns, const char *cls, struct hv_out *o);
/* Answer with a WMI error (a fault) of CIM status @cim. */
void hv_out_fail(struct hv_out *o, unsigned cim, const char *fmt, ...)
    SP_PRINTF(3, 4);
/* Begin a method Hyper-V runs as a job (see methods.c); false: the job
 * fails and nothing may change. */
bool hv_job_begin(struct hv *h, struct hv_out *o, const char *method,
                  const char *vm);

/* ---- wsman.c ---- */
/* Answer @rq into @out; the HTTP status is returned (200, 400, 500). */
unsigned hv_wsman(struct hv *h, const struct hv_request *rq, sp_buf *out);
/* A method's answer: its OUTPUT with @params' elements and ReturnValue. */
unsigned hv_method_response(const struct hv_request *rq, sp_buf *out,
                            uint32_t rv, const sp_buf *params);
/* Write a SOAP fault as WinRM does. */
unsigned hv_fault(sp_buf *out, const char *relates_to, const char *code,
                  const char *subcode, const char *detail, unsigned cim_status,
                  const char *message);

/* ---- server.c ---- */
int hv_serve(struct hv *h);

#endif
