/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/lun-mask.c: lun-mask, mask (expose) LUNs to a host's initiators, or
 * unmask them, one request batch per array. */
#include <ctype.h>
#include <json-c/json.h>
#include <popt.h>

#include "common/arrays.h"
#include "common/cli.h"
#include "common/cmd.h"
#include "common/ids.h"
#include "common/output.h"
#include "common/status.h"

enum { OPT_HOST = CMD_OPT_FIRST, OPT_INITIATOR };

struct opts {
    char *host;
    int unmask;
    size_t ninit, capinit;
    char **init; /* WWPNs made 16 upper-case hex digits */
    int fc;      /* -1 none yet, 0 iSCSI, 1 FC */
};

static void keep_initiator(struct opts *o, const char *s)
{
    cmd_grow((void **)&o->init, &o->capinit, o->ninit + 1, sizeof(*o->init));
    o->init[o->ninit++] = cmd_xstrdup(s);
}

/* An iSCSI name in one of its three formats (RFC 3720). */
static bool iscsi_name(const char *s)
{
    return strncasecmp(s, "iqn.", 4) == 0 || strncasecmp(s, "eui.", 4) == 0 ||
           strncasecmp(s, "naa.", 4) == 0;
}

/* Add an initiator; all must be of one kind.  False when @s is none. */
static bool add_initiator(struct opts *o, const char *s)
{
    char w[17];
    bool fc = cmd_wwpn(s, w);
    if (!fc && !iscsi_name(s))
        return false;
    if (o->fc >= 0 && o->fc != fc)
        cmd_usage_error("initiators are all iSCSI names or all WWPNs: "
                        "'%s' is %s, '%s' is not",
                        o->init[0], o->fc ? "a WWPN" : "an iSCSI name", s);
    o->fc = fc;
    keep_initiator(o, fc ? w : s);
    return true;
}

static void on_opt(int val, const char *arg, void *ctx)
{
    struct opts *o = ctx;
    if (val == OPT_HOST) {
        free(o->host);
        o->host = cmd_xstrdup(arg);
    } else if (!add_initiator(o, arg)) {
        cmd_usage_error("--initiator '%s' is neither an iSCSI name (iqn., "
                        "eui., naa.) nor a WWPN (16 hex digits, with or "
                        "without colons)",
                        arg);
    }
}

/* The host side: a configured host's initiators, or those given. */
struct side {
    sp_mask_target t;
    const char *host; /* the configured host, or NULL */
    char name[16];    /* for --initiator without a host: "init-HASH" */
};

static void resolve(struct opts *o, struct side *s)
{
    const sp_config *cfg = cmd_config();
    if (o->host) {
        struct cmd_host h;
        if (!cmd_host(cfg, o->host, &h))
            cmd_die(SP_EXIT_NOT_FOUND, "no host '%s' in the configuration",
                    o->host);
        if (!h.ninitiators)
            cmd_die(SP_EXIT_PRECONDITION,
                    "host '%s' has no initiators (iscsi-initiator, or "
                    "fc-wwpn with connectivity = fc, in sanprov.conf)",
                    o->host);
        for (size_t i = 0; i < h.ninitiators; i++)
            keep_initiator(o, h.initiators[i]);
        o->fc = h.fc;
        s->host = o->host;
        cmd_host_free(&h);
    } else {
        /* Initiators of one configured host are that host; others get a
         * name of their own, the same for the same set in any order. */
        const char *h = cmd_host_of_initiator(cfg, o->init[0]);
        uint32_t hash = 0;
        for (size_t i = 0; i < o->ninit; i++) {
            const char *hi = cmd_host_of_initiator(cfg, o->init[i]);
            if (!hi || !h || strcmp(hi, h) != 0)
                h = NULL;
            uint32_t one = 2166136261u; /* FNV-1a */
            for (const char *c = o->init[i]; *c; c++)
                one = (one ^ (uint8_t)tolower((unsigned char)*c)) * 16777619u;
            hash += one;
        }
        s->host = h;
        snprintf(s->name, sizeof(s->name), "init-%08x", (unsigned)hash);
    }
    s->t.size = sizeof(s->t);
    s->t.name = s->host ? s->host : s->name;
    s->t.fc = o->fc == 1;
    s->t.ninitiators = o->ninit;
    s->t.initiators = (const char *const *)o->init;
}

static void row(const struct side *s, const sp_id *id, bool masked,
                uint32_t number)
{
    char num[16], inits[1024] = "";
    snprintf(num, sizeof(num), "%u", (unsigned)number);
    json_object *j = json_object_new_object();
    json_object *arr = json_object_new_array();
    for (size_t i = 0, len = 0; i < s->t.ninitiators; i++) {
        json_object_array_add(arr, json_object_new_string(s->t.initiators[i]));
        if (len < sizeof(inits))
            len += (size_t)snprintf(inits + len, sizeof(inits) - len, "%s%s",
                                    i ? "," : "", s->t.initiators[i]);
    }
    const char *cells[] = {s->host ? s->host : inits, masked ? num : NULL};
    json_object_object_add(j, "id", json_object_new_string(sp_id_str(id)));
    json_object_object_add(j, "array",
                           json_object_new_string(sp_id_field(id, 0)));
    json_object_object_add(j, "host", cmd_json_string(s->host));
    json_object_object_add(j, "initiators", arr);
    json_object_object_add(j, "lun",
                           masked ? json_object_new_int64(number) : NULL);
    json_object_object_add(j, "masked", json_object_new_boolean(masked));
    cmd_out_row(id, cells, j);
}

/* One masking request batch for the LUNs of one array; on failure every
 * one of them failed. */
static void mask_on(const struct side *s, bool unmask, const char *array,
                    sp_id **luns, size_t n)
{
    const char *verb = unmask ? "unmask" : "mask";
    sp_error err;
    sp_array *a = cmd_array(array, &err);
    uint32_t *nums = cmd_xcalloc(n, sizeof(*nums));
    sp_code rc =
        a ? sp_array_mask(a, (const sp_id *const *)luns, n, &s->t,
                          unmask ? SP_MASK_UNMASK | SP_MASK_REPORT_LEFT : 0,
                          nums)
          : err.code;
    /* Unmasked, but the array kept an emptied view, group or initiator:
     * the LUNs are done, the run is partial (exit 5). */
    bool left = rc == SP_ERR_CLEANUP;
    for (size_t i = 0; i < n; i++) {
        if (rc && !left) {
            cmd_failed(verb, sp_id_str(luns[i]), a ? sp_array_error(a) : &err);
            continue;
        }
        row(s, luns[i], !unmask, nums[i]);
        cmd_ok();
    }
    if (left)
        cmd_fail(sp_error_exit_code(sp_array_error(a)),
                 "cannot remove what the masking of '%s' no longer needs: "
                 "%s; lun-mask -u again removes it",
                 s->t.name, sp_array_error(a)->message);
    cmd_out_pending_job(a, rc);
    free(nums);
}

int main(int argc, char **argv)
{
    struct opts o = {.fc = -1};
    struct poptOption table[] = {
        {"host", 0, POPT_ARG_STRING, NULL, OPT_HOST,
         "mask to the initiators of this configured host", "NAME"},
        {"initiator", 0, POPT_ARG_STRING, NULL, OPT_INITIATOR,
         "mask to this iSCSI name or FC WWPN (repeatable)", "IQN|WWPN"},
        {"unmask", 'u', POPT_ARG_NONE, &o.unmask, 0,
         "unmask: hide the LUNs from those initiators again", NULL},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_job_options, 0, NULL, NULL},
        {NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_common_options, 0,
         "Common options:", NULL},
        POPT_TABLEEND};
    cmd_init(argv[0]);
    poptContext pc = cmd_parse(argc, argv, table, "[LUN-ID...]", on_opt, &o);
    if (o.host && o.ninit)
        cmd_usage_error("give --host or --initiator, not both");
    if (!o.host && !o.ninit)
        cmd_usage_error("say whose initiators: --host NAME or --initiator "
                        "IQN|WWPN");
    struct side s = {0};
    resolve(&o, &s);
    static const struct cmd_column cols[] = {{.name = "HOST"},
                                             {.name = "LUN", .right = true}};
    cmd_out_begin(cols, CMD_COUNT(cols));
    /* All IDs first: one request batch per array, whatever the order. */
    struct cmd_ids *it = cmd_ids_open(pc, 0);
    sp_id **ids = NULL, **batch = NULL;
    size_t n = cmd_ids_read_all(it, CMD_KIND(SP_ID_LUN), &ids);
    cmd_ids_close(it);
    bool *done = cmd_xcalloc(n, sizeof(*done));
    batch = cmd_xcalloc(n, sizeof(*batch));
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        const char *array = sp_id_field(ids[i], 0);
        size_t k = 0;
        for (size_t j = i; j < n; j++) {
            if (done[j] || strcmp(sp_id_field(ids[j], 0), array) != 0)
                continue;
            done[j] = true;
            bool twice = false; /* a LUN named twice is done once */
            for (size_t m = 0; m < k && !twice; m++)
                twice = sp_id_equal(batch[m], ids[j]);
            if (!twice)
                batch[k++] = ids[j];
        }
        mask_on(&s, o.unmask, array, batch, k);
    }
    free(batch);
    free(done);
    cmd_ids_free_all(ids, n);
    for (size_t i = 0; i < o.ninit; i++)
        free(o.init[i]);
    free(o.init);
    free(o.host);
    return cmd_finish(pc);
}
