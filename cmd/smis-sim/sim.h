/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/smis-sim/sim.h: the simulated SMI-S array: its model, CIM views,
 * operations and server. */
#ifndef SMIS_SIM_H
#define SMIS_SIM_H

#include <pthread.h>

#include <sanprov/sanprov.h>

/* The CIM-XML model and codec, shared with the library as source, not
 * exported by it (smis-sim links the static archive). */
#include "cim/cimserver.h"
#include "util/buf.h"
#include "vendor.h"

/*
 * The array is a small domain model (pools, volumes, replicas, hardware
 * IDs, masking groups and views, jobs).  It is the state kept on disk.
 * CIM instances and associations are generated from it on demand by the
 * class table (classes.c, assoc.c), so every intrinsic operation works
 * the same way for every class.  One mutex guards the model; each request
 * runs under it, so concurrent clients see a consistent array.
 */

#define SIM_NS      "root/sim"
#define SIM_INTEROP "interop"
#define SIM_BLOCK   512u

enum sim_personality { SIM_GROUP, SIM_LEGACY };

struct sim_strlist {
    char **v;
    size_t n, cap;
};
void sim_strlist_add(struct sim_strlist *l, const char *s);
bool sim_strlist_has(const struct sim_strlist *l, const char *s);
bool sim_strlist_remove(struct sim_strlist *l, const char *s);
void sim_strlist_clear(struct sim_strlist *l);

struct sim_pool {
    char *id;       /* short name, e.g. "gold"; InstanceID SIM+POOL+id */
    uint64_t total; /* bytes */
    uint64_t used;  /* bytes, kept up to date */
    bool primordial;
};

struct sim_volume {
    uint32_t num; /* DeviceID is num in hex, "%08X" */
    char id[12];
    char *name; /* ElementName */
    char *pool; /* pool id */
    uint64_t blocks;
    char wwn[33];       /* NAA 6 */
    uint32_t source;    /* the replica's source volume, 0 if none */
    uint16_t sync_type; /* 7 snapshot, 8 clone */
};

struct sim_hwid {
    char *id;         /* InstanceID */
    char *storage_id; /* IQN or WWPN */
    uint16_t id_type; /* 5 iSCSI name, 2 port WWN */
    char *name;
};

struct sim_group {
    char *id; /* InstanceID */
    char *name;
    uint16_t type;              /* 2 initiator, 3 target, 4 device */
    struct sim_strlist members; /* hwid ids, port ids or volume DeviceIDs */
};

struct sim_unit {
    uint32_t vol;
    uint32_t lun;
};

struct sim_view {
    char *id; /* SCSIProtocolController DeviceID */
    char *name;
    char *img, *tmg, *dmg;         /* group personality: its groups */
    struct sim_strlist initiators; /* legacy personality: hwid ids */
    struct sim_unit *units;        /* volumes and their host LUNs */
    size_t nunits, capunits;
};

struct sim_job {
    char *id;
    char *method;
    int64_t start_ms, end_ms;
    bool fail, stall;
    char *error;                 /* text of a failed job */
    struct sim_strlist affected; /* "vol:ID", "view:ID", "group:ID" */
};

/* An open pull enumeration. */
struct sim_enum {
    char id[24];
    int64_t expires_ms;
    uint32_t timeout_s;
    char *classname; /* OpenEnumerateInstances, or NULL */
    char *ns;
    bool deep;
    struct sim_strlist props; /* PropertyList (empty: all) */
    bool have_props;
    size_t klass;        /* next class of the table to visit */
    uint64_t pos;        /* position inside it */
    sp_cim_path **paths; /* Open{Associator,Reference}*: the results */
    size_t npaths, next;
    /* VALUE.INSTANCEWITHPATH (PullInstancesWithPath), INSTANCEPATH
     * (PullInstancePaths), or INSTANCE for a query (PullInstances). */
    sp_cimxml_form form;
    /* The next page, made ahead (pull.c) for a page size of ahead_max,
     * from where from_* say. */
    sp_buf ahead;
    uint32_t ahead_max;
    bool want_ahead, ahead_ready, ahead_done;
    size_t from_klass, from_next;
    uint64_t from_pos;
};

/* Free what @e holds (not @e itself). */
void sim_enum_release(struct sim_enum *e);

/* One fault to inject: on the Nth call of an operation or method. */
struct sim_fault {
    char *name;
    unsigned long nth;
    bool drop;    /* close the connection mid-response */
    int cim_code; /* else answer with this CIM error */
};

struct sim_opts {
    const char *listen_host;
    int port;
    const char *port_file;
    const char *state;
    const char *tls_cert, *tls_key;
    const char *user;
    char *password;
    enum sim_personality personality;
    const char *pools; /* "gold:10T,silver:2T" */
    unsigned long preload;
    unsigned latency_ms;
    double job_seconds;
    struct sim_fault *faults;
    size_t nfaults;
    const char *fail_text;   /* the description of --fail's errors, or NULL */
    unsigned long job_fail;  /* the Nth job fails (0: none) */
    unsigned long job_stall; /* the Nth job never ends */
    bool no_pull;
    bool no_query;  /* refuse OpenQueryInstances (CIM_ERR_NOT_SUPPORTED) */
    bool no_copies; /* no replication types: neither snapshots nor clones */
    unsigned max_enums;
    const char *trace_dir; /* write every request and response here */
    /* Close each connection after this many answers (0: keep it open):
     * the last says "Connection: close", or with close_unannounced nothing,
     * and the next request that comes on it is closed on unanswered. */
    unsigned long close_after;
    bool close_unannounced;
    /* Write a snapshot when the journal grows past this many bytes (0:
     * past the snapshot's size, at least SIM_JOURNAL_MIN_MAX). */
    unsigned long long journal_max;
    bool compact_only; /* --compact: fold the journal in, do not serve */
    /* --vendor: a real provider's differences (vendor.h), or NULL. */
    const struct sim_vendor *vendor;
};

/* The state on disk (state.c): a snapshot and the journal of the changes
 * since.  Every change a method makes is recorded (as journal ops, see
 * journal.h) by the model's functions while it is made, and the record
 * appended and synced once the method is done, before it is answered. */
struct sim_journal {
    int fd;     /* FILE.journal, opened and locked; -1 without state */
    char *path; /* FILE.journal */
    char array_id[17];
    uint64_t seq;            /* the last change made durable */
    uint64_t len;            /* bytes of the journal (0: not even its header) */
    uint64_t snap_len;       /* bytes of the snapshot */
    bool logging;            /* record changes into batch */
    bool must_compact;       /* a change is in no record: snapshot before any */
    sp_buf batch;            /* ops of the change being made, comma-separated */
    struct sim_strlist jobs; /* IDs of the jobs this change started */
};

struct sim_stat {
    char *name;
    unsigned long n;
};

struct sim {
    pthread_mutex_t lock;
    /* The thread that makes pages ahead (pull.c), woken by ahead_cond. */
    pthread_t ahead_thread;
    pthread_cond_t ahead_cond;
    bool ahead_stop;
    struct sim_opts o;
    char *host;   /* HOST in instance paths */
    char *system; /* the array's Name */
    struct sim_pool *pools;
    size_t npools;
    struct sim_volume *vols; /* sorted by num */
    size_t nvols, capvols;
    struct sim_hwid *hwids;
    size_t nhwids, caphwids;
    struct sim_group *groups;
    size_t ngroups, capgroups;
    struct sim_view *views;
    size_t nviews, capviews;
    struct sim_job *jobs;
    size_t njobs, capjobs;
    uint32_t next_vol, next_group, next_view, next_job, next_hwid;
    unsigned long jobs_started;  /* ever, kept in the state */
    unsigned long jobs_this_run; /* since start: what --job-fail counts */
    struct sim_enum *enums;
    size_t nenums, capenums;
    unsigned long next_enum;
    /* While an enumeration with a PropertyList is written: that list.
     * Builders of classes with many instances (volumes) may leave out the
     * properties it does not name, which would be filtered out anyway. */
    const struct sim_strlist *want;
    /* request accounting, for GET /stats */
    struct sim_stat *stats;
    size_t nstats, capstats;
    struct sim_journal j;
};

int64_t sim_now_ms(void);

/* ---- model.c: the array ---- */

/* Build the array from the options, or from the state if there is one;
 * with o->compact_only, only fold the journal into the snapshot. */
sp_code sim_init(struct sim *s, const struct sim_opts *o, sp_error *err);
void sim_release(struct sim *s);

/* ---- state.c: the snapshot and the journal ---- */

/* Lock the journal of o.state, load the snapshot and replay the journal
 * onto it; SP_ERR_NOT_FOUND when there is no snapshot yet (a new array). */
sp_code sim_state_load(struct sim *s, sp_error *err);
/* Once the array is built or loaded: write a snapshot when the journal
 * held anything (or the array is new, or @force), then record changes. */
sp_code sim_state_start(struct sim *s, bool fresh, bool force, sp_error *err);
/* Make the changes recorded since the last commit durable: one journal
 * record, synced (or a snapshot when due).  Nothing to do: SP_OK. */
sp_code sim_commit(struct sim *s, sp_error *err);
/* Write the snapshot (aside, synced, renamed) and empty the journal. */
sp_code sim_compact(struct sim *s, sp_error *err);
/* At a clean stop: a last snapshot if the journal holds anything; stop
 * recording; unlock. */
sp_code sim_state_close(struct sim *s, sp_error *err);
/* The whole array as the snapshot's JSON (GET /state). */
void sim_state_json(struct sim *s, sp_buf *out);
/* Record one change of the model into the change being made. */
struct sim_jop;
void sim_log_op(struct sim *s, const struct sim_jop *op);

struct sim_pool *sim_pool_find(struct sim *s, const char *id);
struct sim_volume *sim_volume_find(struct sim *s, const char *device_id);
struct sim_volume *sim_volume_by_num(struct sim *s, uint32_t num);
/* Index of the first volume with num >= @num. */
size_t sim_volume_index(const struct sim *s, uint32_t num);
struct sim_hwid *sim_hwid_find(struct sim *s, const char *id);
struct sim_hwid *sim_hwid_by_storage_id(struct sim *s, const char *sid);
struct sim_group *sim_group_find(struct sim *s, const char *id);
struct sim_view *sim_view_find(struct sim *s, const char *id);
struct sim_job *sim_job_find(struct sim *s, const char *id);

/* Mutations; each checks what an array checks and says why it refuses
 * (SP_ERR_PRECONDITION, SP_ERR_NOT_FOUND, SP_ERR_INVALID). */
sp_code sim_volume_create(struct sim *s, const char *pool, const char *name,
                          uint64_t bytes, uint32_t source, uint16_t sync_type,
                          struct sim_volume **out, sp_error *err);
sp_code sim_volume_delete(struct sim *s, const char *device_id, sp_error *err);
/* Grow a volume to @bytes (rounded up to blocks): never shrinks it, nor
 * resizes a snapshot (it keeps its source's size). */
sp_code sim_volume_grow(struct sim *s, const char *device_id, uint64_t bytes,
                        sp_error *err);
/* Would sim_volume_grow() refuse?  Says why. */
sp_code sim_volume_grow_check(struct sim *s, const struct sim_volume *v,
                              uint64_t bytes, sp_error *err);
/* Make a replica independent of its source (Detach). */
sp_code sim_volume_detach(struct sim *s, const char *device_id, sp_error *err);
struct sim_hwid *sim_hwid_create(struct sim *s, const char *storage_id,
                                 uint16_t id_type, const char *name);
sp_code sim_hwid_delete(struct sim *s, const char *id, sp_error *err);
struct sim_group *sim_group_create(struct sim *s, const char *name,
                                   uint16_t type);
sp_code sim_group_delete(struct sim *s, const char *id, bool force,
                         sp_error *err);
/* Add / remove members, keeping the LUNs of the views using the group. */
sp_code sim_group_add(struct sim *s, struct sim_group *g, const char *member,
                      sp_error *err);
sp_code sim_group_remove(struct sim *s, struct sim_group *g, const char *member,
                         sp_error *err);
struct sim_view *sim_view_create(struct sim *s, const char *name);
/* Give a view its masking groups (group personality; IDs copied). */
void sim_view_set_groups(struct sim *s, struct sim_view *v, const char *img,
                         const char *tmg, const char *dmg);
void sim_view_delete(struct sim *s, const char *id);
/* Map a volume in a view at the lowest free LUN (or @lun if >= 0). */
uint32_t sim_view_map(struct sim *s, struct sim_view *v, uint32_t vol,
                      long lun);
bool sim_view_unmap(struct sim *s, struct sim_view *v, uint32_t vol);
/* Authorize / forbid a hardware ID on a view (legacy personality). */
void sim_view_add_initiator(struct sim *s, struct sim_view *v,
                            const char *hwid);
void sim_view_remove_initiator(struct sim *s, struct sim_view *v,
                               const char *hwid);
/* Space a volume takes from its pool, in bytes. */
uint64_t sim_volume_cost(const struct sim_volume *v);
/* True when any view maps the volume. */
bool sim_volume_masked(const struct sim *s, uint32_t vol);
struct sim_job *sim_job_start(struct sim *s, const char *method);
/* Free what @j holds (not @j itself). */
void sim_job_release(struct sim_job *j);
/* Forget a finished job (DeleteInstance); a running one is refused. */
sp_code sim_job_delete(struct sim *s, const char *id, sp_error *err);
/* JobState: 4 running, 7 completed, 10 exception. */
int sim_job_state(const struct sim_job *j, int64_t now);

/* ---- classes.c and assoc.c: the CIM view of the model ---- */

/* Receives each generated instance (owned by the callee) and its
 * position; returning non-zero stops the walk. */
typedef int (*sim_emit_fn)(sp_cim_instance *inst, uint64_t pos, void *ud);

struct sim_class {
    const char *name;
    const char *super;         /* its schema class (schema.h) */
    bool interop;              /* lives in the interop namespace */
    int personality;           /* -1 both, or only SIM_GROUP/SIM_LEGACY */
    const char *role1, *role2; /* association roles, or NULL */
    void (*each)(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud);
    /* Fast lookup by path; NULL: search with each(). */
    sp_cim_instance *(*get)(struct sim *s, const sp_cim_path *p);
};

extern const struct sim_class *const sim_classes[];
extern const size_t sim_nclasses;

/* Is the class visible in this personality and namespace? */
bool sim_class_served(const struct sim *s, const struct sim_class *c,
                      const char *ns);
/* Does @c answer to requests for @name (itself or an ancestor)? */
bool sim_class_is_a(const struct sim_class *c, const char *name);
/* Is @name a class this server knows of (served or an ancestor)? */
bool sim_class_known(const char *name);
const struct sim_class *sim_class_find(const char *name);
/* Is @name a class served in @ns (in this personality), or an ancestor
 * of one? */
bool sim_class_in_namespace(const struct sim *s, const char *name,
                            const char *ns);
/* The declaration of a SIM_ class or of a schema class, for GetClass
 * (cached; owned by the table), or NULL.  The first call makes them all,
 * and exits when a SIM_ class's superclass is not in the schema table. */
const sp_cim_class *sim_class_decl(const char *name);
/* The declaration of @name as a GetClass with @o asks (struct
 * sim_decl_opts, schema.h), made anew: free with sp_cim_class_free(). */
struct sim_decl_opts;
sp_cim_class *sim_class_decl_new(const char *name,
                                 const struct sim_decl_opts *o);
/* Canonical namespace name, or NULL if not served ("root/interop" is
 * the same as "interop"). */
const char *sim_namespace(const char *ns);

/* The instance at @p, or NULL. */
sp_cim_instance *sim_get_instance(struct sim *s, const sp_cim_path *p);

/* Paths and keys shared by the class builders and the methods. */
sp_cim_path *sim_path(struct sim *s, const char *cls, bool interop);
void sim_key_str(sp_cim_path *p, const char *name, const char *value);
sp_cim_path *sim_system_path(struct sim *s);
sp_cim_path *sim_package_path(struct sim *s);  /* its chassis */
sp_cim_path *sim_software_path(struct sim *s); /* its firmware */
sp_cim_path *sim_service_path(struct sim *s, const char *cls, const char *name);
sp_cim_path *sim_pool_path(struct sim *s, const struct sim_pool *p);
sp_cim_path *sim_volume_path(struct sim *s, const struct sim_volume *v);
sp_cim_path *sim_hwid_path(struct sim *s, const struct sim_hwid *h);
sp_cim_path *sim_group_path(struct sim *s, const struct sim_group *g);
sp_cim_path *sim_view_path(struct sim *s, const struct sim_view *v);
sp_cim_path *sim_job_path(struct sim *s, const struct sim_job *j);
sp_cim_path *sim_profile_path(struct sim *s, const char *id);
sp_cim_path *sim_port_path(struct sim *s, const char *id); /* iscsi0, fc0 */
sp_cim_path *sim_object_manager_path(struct sim *s);       /* interop.c */

/* ---- ports.c: the target ports' endpoints, node and portal ---- */

/* The endpoint hosts reach target port @id ("fc0", "iscsi0") through:
 * FC's SCSIProtocolEndpoint, or the iSCSI portal group. */
sp_cim_path *sim_endpoint_path(struct sim *s, const char *id);
sp_cim_path *sim_fc_endpoint_path(struct sim *s);
/* The iSCSI node, a SCSIProtocolController (not a view). */
sp_cim_path *sim_iscsi_node_path(struct sim *s);
/* The array's iSCSI target name (to free) and FC port's WWPN. */
char *sim_iscsi_iqn(struct sim *s);
const char *sim_fc_wwpn(void);

/* ---- caps.c: per-pool and masking capabilities ---- */

sp_cim_path *sim_pool_caps_path(struct sim *s, const struct sim_pool *p);
/* The concrete pools' capabilities, pool k at position @base + k + 1,
 * from the one after @from. */
void sim_pool_caps_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud,
                        uint64_t base);
/* The ElementCapabilities of the masking capabilities (from the service
 * and the system, at @base + 1 and @base + 2), then of each concrete pool
 * (pool k at @base + 3 + k), from the one after @from. */
void sim_caps_assoc_each(struct sim *s, uint64_t from, sim_emit_fn fn, void *ud,
                         uint64_t base);

/* An instance whose key properties are the keys of @p (taken). */
sp_cim_instance *sim_from_path(sp_cim_path *p);
void sim_set_str(sp_cim_instance *i, const char *n, const char *v);
void sim_set_u16(sp_cim_instance *i, const char *n, uint16_t v);
void sim_set_u32(sp_cim_instance *i, const char *n, uint32_t v);
void sim_set_u64(sp_cim_instance *i, const char *n, uint64_t v);
void sim_set_bool(sp_cim_instance *i, const char *n, bool v);
void sim_set_u16s(sp_cim_instance *i, const char *n, const uint16_t *v,
                  size_t count);
void sim_set_ok(sp_cim_instance *i);
void sim_set_time(sp_cim_instance *i, const char *n, int64_t ms);
/* The string value of key @name of @p, or NULL. */
const char *sim_path_key(const sp_cim_path *p, const char *name);

/* ---- ops.c: intrinsic operations; methods.c: extrinsic methods ---- */

/* Is property @name to be built (see want in struct sim)? */
bool sim_wants(const struct sim *s, const char *name);

/*
 * Answer one request into @out (a complete CIM-XML response).  Errors
 * that are CIM errors are written as ERROR responses; a non-zero return
 * means an HTTP-level failure (with @err set).
 */
void sim_intrinsic(struct sim *s, const sp_cim_request *rq, sp_buf *out);
void sim_method(struct sim *s, const sp_cim_request *rq, sp_buf *out);
/* Write an ERROR response for @rq. */
void sim_error(const sp_cim_request *rq, sp_buf *out, int code, const char *fmt,
               ...) SP_PRINTF(4, 5);

/* The parameters of @rq: NULL (or @def) when absent or NULL. */
const sp_cim_value *sim_param(const sp_cim_request *rq, const char *name);
const char *sim_param_str(const sp_cim_request *rq, const char *name);
bool sim_param_bool(const sp_cim_request *rq, const char *name, bool def);
const sp_cim_path *sim_param_path(const sp_cim_request *rq, const char *name);
/* PropertyList into @out; false when absent (all properties). */
bool sim_param_props(const sp_cim_request *rq, struct sim_strlist *out);
/* @i with only the properties of @props when @on (keys stay in the path):
 * @i itself, or a copy (and @i is freed). */
sp_cim_instance *sim_filtered(sp_cim_instance *i,
                              const struct sim_strlist *props, bool on);
/* @cls names a class of the model; else an error response, false. */
bool sim_check_class(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                     const char *cls);

/* Writing instances of an enumeration in a form, filtered, up to @max
 * (0: all): sim_write_one is a class's each() callback. */
struct sim_writer {
    struct sim *s;
    sp_buf *out;
    sp_cimxml_form form;
    struct sim_strlist props;
    bool have_props;
    size_t count, max;
    uint64_t last_pos;
};
int sim_write_one(sp_cim_instance *i, uint64_t pos, void *ud);

/* ---- ops_assoc.c: the association operations ---- */

struct sim_walk {
    struct sim *s;
    const sp_cim_path *obj;
    const char *result_class, *role, *result_role;
    const struct sim_class *klass;
    bool references;
    sp_cim_path **found; /* the associated objects, or the associations */
    size_t n, cap;
    /* An index of found: open addressing over hashes of the paths, so
     * that a pool's 100,000 volumes are collected in linear time. */
    size_t *slots; /* index + 1 into found; 0 free */
    uint64_t *hashes;
    size_t nslots;
};

/* Collect what @obj is associated with (or, for References, the
 * associations themselves).  False (and an error in @out) when @obj does
 * not exist. */
bool sim_walk(struct sim *s, const sp_cim_request *rq, sp_buf *out,
              const sp_cim_path *obj, const char *assoc_class,
              const char *result_class, bool references, struct sim_walk *w);
/* Free the index, keeping the results; or everything. */
void sim_walk_free_index(struct sim_walk *w);
void sim_walk_free(struct sim_walk *w);
void sim_associators(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                     bool references, bool names);

/* ---- pull.c: the pull operations ---- */

/* OpenEnumerateInstances, or with @paths OpenEnumerateInstancePaths. */
void sim_open_enumerate(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                        bool paths);
/* OpenAssociatorInstances, or with @references OpenReferenceInstances;
 * with @paths, OpenAssociatorInstancePaths / OpenReferenceInstancePaths. */
void sim_open_assoc(struct sim *s, const sp_cim_request *rq, sp_buf *out,
                    bool references, bool paths);
/* PullInstancesWithPath; PullInstancePaths. */
void sim_pull(struct sim *s, const sp_cim_request *rq, sp_buf *out);
void sim_pull_paths(struct sim *s, const sp_cim_request *rq, sp_buf *out);
void sim_close_enumeration(struct sim *s, const sp_cim_request *rq,
                           sp_buf *out);
/* Start and stop the thread that makes the next pages of open
 * enumerations ahead. */
void sim_ahead_start(struct sim *s);
void sim_ahead_stop(struct sim *s);
/* OpenQueryInstances and its PullInstances. */
void sim_open_query(struct sim *s, const sp_cim_request *rq, sp_buf *out);
void sim_pull_instances(struct sim *s, const sp_cim_request *rq, sp_buf *out);

/* ---- vendor.c: what a vendor personality changes in the model ---- */

/* Is Group Masking and Mapping registered (and its service there)?  In
 * the group personality, and by vendors that register it but refuse it. */
bool sim_group_registered(const struct sim *s);
/* Before method @method of class @cls is carried out: when the vendor
 * refuses it (a CIM error) or answers busy (a return code), write that
 * answer into @out and return true. */
bool sim_vendor_refuse(struct sim *s, const sp_cim_request *rq, const char *cls,
                       const char *method, sp_buf *out);

/* ---- server.c ---- */

/* Serve until SIGINT/SIGTERM.  Returns the exit code. */
int sim_serve(struct sim *s);
void sim_count(struct sim *s, const char *name);

#endif
