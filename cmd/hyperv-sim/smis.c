/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmd/hyperv-sim/smis.c: the simulators' link: the volumes smis-sim maps to
 * this host's initiators, read from smis-sim's GET /state. */
#include <curl/curl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cmd.h"
#include "hv.h"

/*
 * A real host sees an FC or iSCSI LUN because the array's masking lets its
 * initiator ports see it.  smis-sim has no data path, so hyperv-sim asks
 * it (GET /state, the array's snapshot as JSON) which masking views hold a
 * hardware ID that is one of this host's initiators (--iqn, --wwpn), and
 * sees their volumes, at their LUN numbers, with their WWNs.  A
 * smis-sim volume holds no data: it is seen as an NTFS disk with an MBR
 * whose signature is made from the WWN of the volume it was copied from
 * (the first of its chain of sources), so a clone or snapshot carries its
 * source's signature, as a SAN copy does.
 */

#define MAX_STATE ((size_t)256 << 20)

static size_t gather(char *data, size_t size, size_t n, void *ud)
{
    sp_buf *b = ud;
    return sp_buf_add(b, data, size * n) ? size * n : 0;
}

static bool mine(struct hv *h, const char *sid)
{
    if (h->o.iqn && strcasecmp(sid, h->o.iqn) == 0)
        return true;
    const char *p = h->o.wwpns;
    size_t len = strlen(sid);
    while (p && *p) {
        size_t l = strcspn(p, ",");
        if (l == len && strncasecmp(p, sid, l) == 0)
            return true;
        p += l + (p[l] == ',');
    }
    return false;
}

static json_object *field(json_object *o, const char *k)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, k, &v);
    return v;
}

static const char *str(json_object *o, const char *k)
{
    json_object *v = field(o, k);
    return v && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : "";
}

static bool in_list(json_object *list, const char *s)
{
    size_t n = list && json_object_is_type(list, json_type_array)
                   ? json_object_array_length(list)
                   : 0;
    for (size_t k = 0; k < n; k++) {
        const char *m =
            json_object_get_string(json_object_array_get_idx(list, k));
        if (m && strcmp(m, s) == 0)
            return true;
    }
    return false;
}

static json_object *by_num(json_object *vols, int64_t num)
{
    size_t n = json_object_array_length(vols);
    for (size_t k = 0; k < n; k++) {
        json_object *v = json_object_array_get_idx(vols, k);
        if (json_object_get_int64(field(v, "num")) == num)
            return v;
    }
    return NULL;
}

/* Do the host's hardware IDs take part in @view? */
static bool view_is_mine(struct hv *h, json_object *root, json_object *view)
{
    json_object *hwids = field(root, "hwids");
    json_object *groups = field(root, "groups");
    const char *img = str(view, "img");
    size_t nh = hwids ? json_object_array_length(hwids) : 0;
    for (size_t k = 0; k < nh; k++) {
        json_object *hw = json_object_array_get_idx(hwids, k);
        if (!mine(h, str(hw, "sid")))
            continue;
        const char *id = str(hw, "id");
        if (in_list(field(view, "initiators"), id))
            return true;
        size_t ng = groups ? json_object_array_length(groups) : 0;
        for (size_t g = 0; g < ng && *img; g++) {
            json_object *gr = json_object_array_get_idx(groups, g);
            if (strcmp(str(gr, "id"), img) == 0 &&
                in_list(field(gr, "members"), id))
                return true;
        }
    }
    return false;
}

static void add_volume(json_object *vols, json_object *v, unsigned lun,
                       struct seen **seen, size_t *n)
{
    struct seen s = {.lun = lun, .style = 1, .ntfs = true};
    snprintf(s.wwn, sizeof(s.wwn), "%s", str(v, "wwn"));
    snprintf(s.serial, sizeof(s.serial), "%s", str(v, "wwn"));
    s.size = (uint64_t)json_object_get_int64(field(v, "blocks")) * 512;
    /* The first of the chain of sources gives the signature. */
    json_object *root = v;
    for (int hops = 0; hops < 64; hops++) {
        int64_t src = json_object_get_int64(field(root, "source"));
        json_object *up = src ? by_num(vols, src) : NULL;
        if (!up)
            break;
        root = up;
    }
    uint32_t sig = 2166136261u; /* FNV-1a of the WWN */
    for (const char *p = str(root, "wwn"); *p; p++)
        sig = (sig ^ (unsigned char)*p) * 16777619u;
    s.signature = sig ? sig : 1;
    for (size_t k = 0; k < *n; k++)
        if (strcasecmp((*seen)[k].wwn, s.wwn) == 0)
            return; /* in two views: one disk (MPIO) */
    *seen = cmd_xrealloc(*seen, (*n + 1) * sizeof(**seen));
    (*seen)[(*n)++] = s;
}

sp_code hv_smis_seen(struct hv *h, struct seen **seen, size_t *n, sp_error *err)
{
    if (!h->o.smis_url)
        return SP_OK;
    char *url = cmd_xasprintf("%s/state", h->o.smis_url);
    sp_buf b = SP_BUF_INIT(MAX_STATE);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, gather);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    CURLcode cc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    sp_code rc = SP_OK;
    json_object *root = NULL;
    if (cc != CURLE_OK)
        rc = sp_error_set(err, SP_ERR_CONNECT, "cannot read '%s': %s", url,
                          curl_easy_strerror(cc));
    else if (!(root = json_tokener_parse(sp_buf_cstr(&b))) ||
             !json_object_is_type(field(root, "volumes"), json_type_array) ||
             !json_object_is_type(field(root, "views"), json_type_array))
        rc = sp_error_set(err, SP_ERR_PROTOCOL,
                          "cannot read '%s': not a smis-sim state", url);
    sp_buf_release(&b);
    free(url);
    if (rc) {
        json_object_put(root);
        return rc;
    }
    json_object *vols = field(root, "volumes");
    json_object *views = field(root, "views");
    for (size_t k = 0; k < json_object_array_length(views); k++) {
        json_object *view = json_object_array_get_idx(views, k);
        if (!view_is_mine(h, root, view))
            continue;
        json_object *units = field(view, "units");
        size_t nu = units ? json_object_array_length(units) : 0;
        for (size_t u = 0; u < nu; u++) {
            json_object *pair = json_object_array_get_idx(units, u);
            int64_t vol =
                json_object_get_int64(json_object_array_get_idx(pair, 0));
            int64_t lun =
                json_object_get_int64(json_object_array_get_idx(pair, 1));
            json_object *v = by_num(vols, vol);
            if (v)
                add_volume(vols, v, (unsigned)lun, seen, n);
        }
    }
    json_object_put(root);
    return SP_OK;
}
