/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/template-make.c: template-make, record a SAN-copy-capable template:
 * from a LUN that holds a generalized image (method 1), or from an image
 * file written onto a LUN (method 2: onto a new LUN of a pool, or onto a
 * LUN given, through --device where it is attached here). */
#include <popt.h>

#include "common/arrays.h"
#include "common/cli.h"
#include "common/ids.h"
#include "common/output.h"
#include "common/signals.h"
#include "common/status.h"
#include "common/templates.h"

enum {
    OPT_IMAGE = CMD_OPT_FIRST,
    OPT_BACKING,
    OPT_SIZE,
    OPT_DEVICE,
    OPT_COPY,
    OPT_VCPUS,
    OPT_MEMORY,
    OPT_FIRMWARE,
    OPT_MACHINE,
    OPT_BUS,
    OPT_NIC,
    OPT_OS,
    OPT_TAG,
    OPT_DOC, /* + sp_custom_doc */
};

struct opts {
    sp_journal *journal; /* the run's (sanprov/journal.h) */
    sp_template *t;
    char *image, *device;
    char **backing; /* --allow-backing, in chain order */
    size_t nbacking;
    sp_image *img; /* --image, open and inspected */
    uint64_t size;
};

static void check(sp_code rc, const sp_error *err)
{
    if (rc)
        cmd_usage_error("%s", err->message);
}

/* --nic network=NAME[,model=M] or bridge=NAME[,model=M] */
static void add_nic(sp_template *t, const char *arg)
{
    char *s = cmd_xstrdup(arg);
    const char *net = NULL, *br = NULL, *model = NULL;
    for (char *rest = s, *kv; (kv = strsep(&rest, ","));) {
        if (!*kv)
            continue; /* "a,,b" */
        if (strncmp(kv, "network=", 8) == 0)
            net = kv + 8;
        else if (strncmp(kv, "bridge=", 7) == 0)
            br = kv + 7;
        else if (strncmp(kv, "model=", 6) == 0)
            model = kv + 6;
        else
            cmd_usage_error("--nic takes network=NAME or bridge=NAME, and "
                            "model=MODEL, not '%s'",
                            kv);
    }
    sp_error err;
    sp_error_clear(&err);
    check(sp_template_add_nic(t, net, br, model, &err), &err);
    free(s);
}

static void read_doc(sp_template *t, sp_custom_doc d, const char *path)
{
    char *text = NULL;
    sp_error err;
    sp_error_clear(&err);
    if (sp_custom_doc_read(path, &text, &err))
        cmd_usage_error("--%s: %s", sp_custom_doc_name(d), err.message);
    if (sp_template_set_doc(t, d, text, &err))
        cmd_usage_error("--%s: '%s': %s", sp_custom_doc_name(d), path,
                        err.message);
    free(text);
}

static void on_opt(int val, const char *arg, void *ctx)
{
    struct opts *o = ctx;
    sp_error err;
    sp_error_clear(&err);
    switch (val) {
    case OPT_IMAGE: /* @arg lasts only for this call */
        free(o->image);
        o->image = cmd_xstrdup(arg);
        break;
    case OPT_BACKING:
        o->backing =
            cmd_xrealloc(o->backing, (o->nbacking + 1) * sizeof(*o->backing));
        o->backing[o->nbacking++] = cmd_xstrdup(arg);
        break;
    case OPT_SIZE:
        o->size = cmd_size_arg("--size", arg);
        break;
    case OPT_DEVICE:
        free(o->device);
        o->device = cmd_xstrdup(arg);
        break;
    case OPT_COPY:
        sp_template_set_copy(o->t, cmd_copy_pref_arg("--copy-method", arg),
                             NULL);
        break;
    case OPT_VCPUS:
        check(sp_template_set_vcpus(
                  o->t, (unsigned)cmd_number_arg("--vcpus", arg, 4096), &err),
              &err);
        break;
    case OPT_MEMORY:
        check(sp_template_set_memory(o->t, cmd_size_arg("--memory", arg), &err),
              &err);
        break;
    case OPT_FIRMWARE:
        if (strcmp(arg, "bios") && strcmp(arg, "uefi"))
            cmd_usage_error("--firmware is bios or uefi, not '%s'", arg);
        sp_template_set_firmware(o->t, strcmp(arg, "uefi") == 0
                                           ? SP_FIRMWARE_UEFI
                                           : SP_FIRMWARE_BIOS);
        break;
    case OPT_MACHINE:
        check(sp_template_set_machine(o->t, arg, &err), &err);
        break;
    case OPT_BUS:
        check(sp_template_set_disk_bus(o->t, arg, &err), &err);
        break;
    case OPT_NIC:
        add_nic(o->t, arg);
        break;
    case OPT_OS:
        if (strcmp(arg, "linux") && strcmp(arg, "windows"))
            cmd_usage_error("--os is linux or windows, not '%s'", arg);
        sp_template_set_os(o->t, strcmp(arg, "windows") == 0 ? SP_OS_WINDOWS
                                                             : SP_OS_LINUX);
        break;
    case OPT_TAG:
        check(sp_template_add_tag(o->t, arg, &err), &err);
        break;
    default:
        if (val >= OPT_DOC && val < OPT_DOC + SP_DOC_COUNT)
            read_doc(o->t, (sp_custom_doc)(val - OPT_DOC), arg);
    }
}

static void no_data_here(const struct opts *o, sp_array *a, const char *lun)
{
    cmd_fail(SP_EXIT_PRECONDITION,
             "cannot write '%s' onto %s: array '%s' does not give its LUNs' "
             "data on this machine; make the LUN (lun-create), mask it to "
             "this machine, and give its ID and the device it appears as "
             "with --device PATH",
             o->image, lun, sp_array_name(a));
}

/* The array can SAN-copy the template's LUN the way it asks (and, to make
 * a LUN from an image, give its data here); else exit 6. */
static bool copyable(const struct opts *o, sp_array *a, bool new_lun)
{
    const sp_template *t = o->t;
    sp_array_caps caps = SP_STRUCT_INIT(sp_array_caps);
    if (sp_array_capabilities(a, &caps)) {
        cmd_failed("probe array", sp_array_name(a), sp_array_error(a));
        return false;
    }
    if (new_lun && !caps.data_here) {
        no_data_here(o, a, "a new LUN");
        return false;
    }
    sp_copy_method m = sp_template_copy(t);
    if ((m == SP_COPY_SNAPSHOT && caps.snapshot) ||
        (m == SP_COPY_CLONE && caps.clone) ||
        (m == SP_COPY_NONE && (caps.snapshot || caps.clone)))
        return true;
    cmd_fail(SP_EXIT_PRECONDITION,
             "cannot make template '%s': array '%s' can make %s, so no VM "
             "can be provisioned from it by SAN copy (see array-info)",
             sp_template_name(t), sp_array_name(a),
             m == SP_COPY_SNAPSHOT ? "no snapshots"
             : m == SP_COPY_CLONE  ? "no clones"
                                   : "neither snapshots nor clones");
    return false;
}

/* Write the image onto @lun, through --device or the array's own path. */
static bool write_image(const struct opts *o, sp_array *a, const sp_id *lun)
{
    char *path = o->device ? cmd_xstrdup(o->device) : NULL;
    if (!path && sp_array_lun_path(a, lun, &path)) {
        const sp_error *e = sp_array_error(a);
        if (e->code == SP_ERR_NOT_SUPPORTED) {
            char *what = cmd_xasprintf("'%s'", sp_id_str(lun));
            no_data_here(o, a, what);
            free(what);
        } else
            cmd_failed("write onto", sp_id_str(lun), e);
        return false;
    }
    sp_error err;
    sp_error_clear(&err);
    uint64_t written = 0;
    bool ok = sp_image_write(o->img, path, 0, &written, &err) == SP_OK;
    if (!ok)
        cmd_fail(sp_error_exit_code(&err), "cannot write '%s' onto '%s': %s",
                 o->image, sp_id_str(lun), err.message);
    else
        sp_log(SP_LOG_INFO, "wrote %s of data from '%s' onto '%s'",
               cmd_size(written), o->image, path);
    free(path);
    return ok;
}

/* Undo the run through its journal: its LUN deleted, its names given
 * back.  A failure leaves the journal for reconcile --fix. */
static void roll_back(const struct opts *o)
{
    sp_error err;
    if (sp_journal_undo(o->journal, 0, NULL, NULL, &err))
        cmd_error("could not remove the LUN this run made (reconcile --fix "
                  "finishes it): %s",
                  err.message);
}

/* Checked between two steps: true (the run undone) after a signal. */
static bool interrupted(const struct opts *o)
{
    if (!cmd_signal_caught())
        return false;
    cmd_fail(SP_EXIT_FAILED, "interrupted by %s: removing what was made",
             cmd_signal_name(cmd_signal_caught()));
    roll_back(o);
    return true;
}

/* Method 2 into a pool: a new LUN holding the image; NULL after a failure
 * (and then no LUN is left). */
static sp_lun *new_lun(const struct opts *o, sp_array *a, const sp_id *pool)
{
    uint64_t size = sp_image_disk_size(o->img);
    size = (size + (1u << 20) - 1) / (1u << 20) * (1u << 20);
    if (o->size && o->size < size) {
        cmd_fail(SP_EXIT_USAGE, "--size %s is smaller than the disk of '%s'",
                 cmd_size(o->size), o->image);
        return NULL;
    }
    sp_lun *l = NULL;
    const char *name = sp_template_name(o->t);
    sp_error err;
    if (sp_journal_reserve(o->journal, SP_NAME_LUN, pool, name, 0, &err) ||
        sp_journal_create_lun(o->journal, a, pool, name,
                              o->size ? o->size : size, 0, &l, &err)) {
        cmd_failed("create LUN for", name, &err);
        roll_back(o);
        return NULL;
    }
    if (interrupted(o) || !write_image(o, a, sp_lun_id(l)) || interrupted(o)) {
        if (!cmd_signal_caught())
            roll_back(o);
        sp_lun_free(l);
        return NULL;
    }
    return l;
}

/* Open and inspect --image: a backing chain other than the one
 * --allow-backing names is refused (exit 6) before any LUN is made. */
static bool open_image(struct opts *o)
{
    sp_error err;
    sp_error_clear(&err);
    if (sp_image_open(o->image, (const char *const *)o->backing, o->nbacking, 0,
                      &o->img, &err) == SP_OK)
        return true;
    cmd_fail(sp_error_exit_code(&err), "cannot use image '%s': %s%s", o->image,
             err.message,
             err.code == SP_ERR_PRECONDITION
                 ? " (to read a backing chain, name each of its files with "
                   "--allow-backing, the image's backing file first)"
                 : "");
    return false;
}

static void make(struct opts *o, const sp_id *id)
{
    sp_error err;
    sp_error_clear(&err);
    bool pool = sp_id_get_kind(id) == SP_ID_POOL;
    sp_array *a = cmd_array_of(id, &err);
    sp_template *other = NULL;
    if (!a) {
        cmd_failed("open the array of", sp_id_str(id), &err);
        return;
    }
    if (pool && !o->image)
        cmd_usage_error("a pool ID makes a new LUN from --image FILE");
    if (pool && o->device)
        cmd_usage_error("--device is where a LUN given by its ID is attached; "
                        "a new LUN cannot be");
    if (!pool && o->size)
        cmd_usage_error("--size is for a new LUN, made from a pool ID");
    /* Every check before anything is made. */
    if (o->image && !open_image(o))
        return;
    if (sp_library_find(cmd_library(), sp_template_name(o->t), &other, &err) ==
        SP_OK) {
        cmd_fail(SP_EXIT_PRECONDITION, "template '%s' exists already (%s)",
                 sp_template_name(o->t), sp_id_str(sp_template_id(other)));
        sp_template_free(other);
        return;
    }
    if (!copyable(o, a, pool))
        return;
    /* Journaled from here: the template's name (and a new LUN's) reserved
     * before the first change, the LUN tagged with the run's entry. */
    if (sp_journal_new(cmd_config(), cmd_library(), 0, &o->journal, &err) ||
        sp_journal_reserve(o->journal, SP_NAME_TEMPLATE, NULL,
                           sp_template_name(o->t), 0, &err)) {
        cmd_failed("make template", sp_template_name(o->t), &err);
        if (o->journal)
            roll_back(o);
        return;
    }
    cmd_signals_catch();
    sp_lun *l = NULL;
    if (pool && !(l = new_lun(o, a, id)))
        return;
    if (!pool && sp_array_get_lun(a, id, 0, &l)) {
        cmd_failed("look up", sp_id_str(id), sp_array_error(a));
        roll_back(o);
        return;
    }
    if (!pool && o->image && !write_image(o, a, id)) {
        roll_back(o);
        sp_lun_free(l);
        return;
    }
    sp_error_clear(&err);
    sp_code rc = sp_template_set_lun(o->t, sp_lun_id(l), sp_lun_pool(l), &err);
    if (!rc && !(rc = sp_array_sync(a, 0)))
        rc = sp_library_save(cmd_library(), o->t, 0, &err);
    else if (rc == SP_OK)
        err = *sp_array_error(a);
    if (rc) {
        cmd_failed("record template", sp_template_name(o->t), &err);
        roll_back(o);
    } else {
        /* Recorded: a journal that cannot say so is finished by the
         * reconciler, which sees the template. */
        if (sp_journal_template_saved(o->journal, sp_template_id(o->t), 0,
                                      &err) ||
            sp_journal_commit(o->journal, 0, &err))
            cmd_error("%s (reconcile --fix finishes the run's journal)",
                      err.message);
        cmd_out_template(o->t);
        cmd_ok();
    }
    sp_lun_free(l);
}

int main(int argc, char **argv)
{
    struct opts o = {0};
    char *name = NULL; /* popt's copy, ours to free */
    struct poptOption table[] = {
        {"name", 'n', POPT_ARG_STRING, &name, 0,
         "the template's name (required; unique)", "NAME"},
        {"image", 0, POPT_ARG_STRING, NULL, OPT_IMAGE,
         "write this image (raw or qcow2) onto the LUN: a new one in the "
         "pool read, or the LUN read",
         "FILE"},
        {"allow-backing", 0, POPT_ARG_STRING, NULL, OPT_BACKING,
         "let the qcow2 --image read this backing file (repeatable: each "
         "file of its chain, in order)",
         "FILE"},
        {"size", 0, POPT_ARG_STRING, NULL, OPT_SIZE,
         "with --image and a pool, the new LUN's size (default: the image's "
         "disk)",
         "SIZE"},
        {"device", 0, POPT_ARG_STRING, NULL, OPT_DEVICE,
         "with --image and a LUN, write through this device, where the LUN "
         "is attached here",
         "PATH"},
        {"copy-method", 0, POPT_ARG_STRING, NULL, OPT_COPY,
         "how VMs get their copy: auto (default), snapshot or clone", "KIND"},
        {"vcpus", 0, POPT_ARG_STRING, NULL, OPT_VCPUS, "vCPUs (default 1)",
         "N"},
        {"memory", 0, POPT_ARG_STRING, NULL, OPT_MEMORY, "memory (default 1G)",
         "SIZE"},
        {"firmware", 0, POPT_ARG_STRING, NULL, OPT_FIRMWARE,
         "bios (default) or uefi", "KIND"},
        {"machine", 0, POPT_ARG_STRING, NULL, OPT_MACHINE,
         "the machine type (default q35)", "TYPE"},
        {"disk-bus", 0, POPT_ARG_STRING, NULL, OPT_BUS,
         "the disk's bus (default virtio)", "BUS"},
        {"nic", 0, POPT_ARG_STRING, NULL, OPT_NIC,
         "a NIC: network=NAME or bridge=NAME, and model=MODEL (repeatable)",
         "SPEC"},
        {"os", 0, POPT_ARG_STRING, NULL, OPT_OS, "linux (default) or windows",
         "FAMILY"},
        {"user-data", 0, POPT_ARG_STRING, NULL, OPT_DOC + SP_DOC_USER_DATA,
         "cloud-init user-data", "FILE"},
        {"meta-data", 0, POPT_ARG_STRING, NULL, OPT_DOC + SP_DOC_META_DATA,
         "cloud-init meta-data", "FILE"},
        {"network-config", 0, POPT_ARG_STRING, NULL,
         OPT_DOC + SP_DOC_NETWORK_CONFIG, "cloud-init network-config", "FILE"},
        {"unattend", 0, POPT_ARG_STRING, NULL, OPT_DOC + SP_DOC_UNATTEND,
         "a Windows unattend answer file", "FILE"},
        {"tag", 0, POPT_ARG_STRING, NULL, OPT_TAG, "a tag (repeatable)", "TAG"},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_common_options, 0,
         "Common options:", NULL},
        POPT_TABLEEND};
    cmd_init(argv[0]);
    o.t = sp_template_new(NULL);
    poptContext pc =
        cmd_parse(argc, argv, table, "[LUN-ID|POOL-ID]", on_opt, &o);
    if (!name)
        cmd_usage_error("a template needs a --name");
    if (o.nbacking && !o.image)
        cmd_usage_error("--allow-backing names backing files of --image");
    sp_error err;
    sp_error_clear(&err);
    if (sp_template_set_name(o.t, name, &err))
        cmd_usage_error("--name: %s", err.message);
    cmd_config();
    cmd_out_begin(cmd_template_columns, CMD_TEMPLATE_NCOLUMNS);
    struct cmd_ids *ids = cmd_ids_open(pc, 0);
    sp_id **v = NULL;
    size_t n =
        cmd_ids_read_all(ids, CMD_KIND(SP_ID_LUN) | CMD_KIND(SP_ID_POOL), &v);
    if (n > 1)
        cmd_usage_error("a template has one LUN: give one LUN or pool ID, "
                        "not %zu",
                        n);
    if (n == 1 && cmd_exit_code() == SP_EXIT_OK)
        make(&o, v[0]);
    cmd_ids_free_all(v, n);
    cmd_ids_close(ids);
    sp_journal_free(o.journal);
    sp_template_free(o.t);
    sp_image_free(o.img);
    for (size_t i = 0; i < o.nbacking; i++)
        free(o.backing[i]);
    free(o.backing);
    free(o.image);
    free(o.device);
    free(name);
    int code = cmd_finish(pc);
    cmd_signal_reraise(); /* die of it, as the shell expects */
    return code;
}
