/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/array/local_tgt.c: iSCSI export of the local array through a running
 * tgtd, driven with tgtadm (no shell; arguments as a vector).  Each call
 * makes one target look exactly as asked, so it also repairs a target that
 * tgtd lost (tgtd keeps its targets in memory only). */
#include "local.h"
#include "../util/run.h"

#include <errno.h>
#include <inttypes.h>

/* The first line of @s, without "tgtadm: ". */
static char *trim_nl(char *s)
{
    char *nl = strchr(s, '\n');
    if (nl)
        *nl = '\0';
    return strncmp(s, "tgtadm: ", 8) == 0 ? s + 8 : s;
}

/* Run tgtadm --lld iscsi ARGS...; its output in *@out (may be NULL). */
static sp_code tgtadm_argv(sp_array *a, char **out, const char *const *args)
{
    const char *argv[32];
    size_t n = 0;
    argv[n++] = "tgtadm";
    if (local_of(a)->tgt_port) {
        argv[n++] = "-C";
        argv[n++] = local_of(a)->tgt_port;
    }
    argv[n++] = "--lld";
    argv[n++] = "iscsi";
    for (size_t i = 0; args[i] && n < SPI_ARRAY_SIZE(argv) - 1; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    char *buf = NULL;
    int status;
    sp_error err;
    sp_code rc = spi_run(argv, &buf, &status, &err);
    if (rc == SP_ERR_NOT_SUPPORTED)
        return spi_array_fail(a, SP_ERR_PRECONDITION,
                              "array '%s' exports over iSCSI through tgt, "
                              "and tgtadm cannot be run (install the tgt "
                              "package)",
                              a->name);
    if (rc)
        return spi_array_fail_with(a, &err);
    if (status == 0) {
        if (out)
            *out = buf;
        else
            free(buf);
        return SP_OK;
    }
    const char *op = "?", *mode = "?";
    for (size_t i = 1; i + 1 < n; i++) {
        if (SPI_STREQ(argv[i], "--op"))
            op = argv[i + 1];
        if (SPI_STREQ(argv[i], "--mode"))
            mode = argv[i + 1];
    }
    bool down = strstr(buf, "tgt daemon") || strstr(buf, "connect");
    rc = spi_array_fail(a, down ? SP_ERR_CONNECT : SP_ERR_IO,
                        "tgtadm --op %s --mode %s: %s%s", op, mode,
                        *buf ? trim_nl(buf) : "failed",
                        down ? " (is tgtd running?)" : "");
    free(buf);
    return rc;
}

/* tgtadm(a, out, "--op", "show", ...) */
#define tgtadm(a, out, ...)                                                    \
    tgtadm_argv(a, out, (const char *const[]){__VA_ARGS__, NULL})

/* ---- what tgtd has ---- */

struct have_lun {
    uint32_t number;
    char *path;
};

struct have {
    long tid;     /* of the target, or 0 when there is none */
    long max_tid; /* the highest tid in use */
    char **acl;   /* its ACL entries */
    size_t nacl, capacl;
    struct have_lun *luns;
    size_t nluns, capluns;
};

static void have_release(struct have *h)
{
    for (size_t i = 0; i < h->nacl; i++)
        free(h->acl[i]);
    free(h->acl);
    for (size_t i = 0; i < h->nluns; i++)
        free(h->luns[i].path);
    free(h->luns);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* Read "tgtadm --op show --mode target": target @iqn's tid, LUNs (with
 * their backing store) and ACL; the highest tid of all. */
static void parse_show(char *text, const char *iqn, struct have *h)
{
    bool mine = false, in_acl = false;
    struct have_lun *lun = NULL;
    for (char *rest = text, *line; (line = strsep(&rest, "\n"));) {
        if (!*line)
            continue;
        long tid;
        int off = 0;
        if (sscanf(line, "Target %ld: %n", &tid, &off) == 1 && off) {
            if (tid > h->max_tid)
                h->max_tid = tid;
            mine = SPI_STREQ(trim(line + off), iqn);
            if (mine)
                h->tid = tid;
            in_acl = false;
            lun = NULL;
            continue;
        }
        if (!mine)
            continue;
        char *t = trim(line);
        unsigned long number;
        if (line[0] != ' ' && line[0] != '\t') {
            in_acl = false;
        } else if (SPI_STREQ(t, "ACL information:")) {
            in_acl = true;
        } else if (in_acl && strlen(line) - strlen(t) >= 8) {
            spi_xgrow((void **)&h->acl, &h->capacl, h->nacl + 1,
                      sizeof(*h->acl));
            h->acl[h->nacl++] = spi_xstrdup(t);
        } else if (strlen(line) - strlen(t) <= 4) {
            in_acl = false; /* the next section of the target */
        }
        if (sscanf(t, "LUN: %lu", &number) == 1) {
            spi_xgrow((void **)&h->luns, &h->capluns, h->nluns + 1,
                      sizeof(*h->luns));
            lun = &h->luns[h->nluns++];
            *lun = (struct have_lun){(uint32_t)number, NULL};
        } else if (lun && strncmp(t, "Backing store path: ", 20) == 0) {
            lun->path = spi_xstrdup(t + 20);
        }
    }
}

static const struct have_lun *have_number(const struct have *h, uint32_t n)
{
    for (size_t i = 0; i < h->nluns; i++)
        if (h->luns[i].number == n)
            return &h->luns[i];
    return NULL;
}

sp_code local_tgt_apply(sp_array *a, const char *iqn, const char *const *inits,
                        size_t ninit, const struct local_tgt_lun *luns,
                        size_t nluns)
{
    char *text = NULL;
    sp_code rc = tgtadm(a, &text, "--op", "show", "--mode", "target");
    if (rc)
        return rc;
    struct have h = {0};
    parse_show(text, iqn, &h);
    free(text);
    char tid[24];
    snprintf(tid, sizeof(tid), "%ld", h.tid ? h.tid : h.max_tid + 1);
    if (!nluns) { /* nothing to export: no target */
        if (h.tid)
            rc = tgtadm(a, NULL, "--op", "delete", "--mode", "target", "--tid",
                        tid, "--force");
        have_release(&h);
        return rc;
    }
    if (!h.tid)
        rc = tgtadm(a, NULL, "--op", "new", "--mode", "target", "--tid", tid,
                    "-T", iqn);
    /* LUNs: drop those not asked for (or backed by another file), add the
     * missing ones with the LUN's WWN as its SCSI serial. */
    for (size_t i = 0; i < h.nluns && !rc; i++) {
        const struct have_lun *hl = &h.luns[i];
        bool keep = hl->number == 0; /* the controller */
        for (size_t k = 0; k < nluns && !keep; k++)
            keep = luns[k].number == hl->number && hl->path &&
                   SPI_STREQ(luns[k].path, hl->path);
        char num[16];
        snprintf(num, sizeof(num), "%" PRIu32, hl->number);
        if (!keep)
            rc = tgtadm(a, NULL, "--op", "delete", "--mode", "logicalunit",
                        "--tid", tid, "--lun", num);
    }
    for (size_t k = 0; k < nluns && !rc; k++) {
        const struct have_lun *hl = have_number(&h, luns[k].number);
        if (hl && hl->path && SPI_STREQ(hl->path, luns[k].path))
            continue;
        char num[16];
        snprintf(num, sizeof(num), "%" PRIu32, luns[k].number);
        SPI_AUTOFREE char *params = spi_xasprintf(
            "scsi_sn=%s,scsi_id=sanprov-%" PRIu64, luns[k].wwn, luns[k].serial);
        rc = tgtadm(a, NULL, "--op", "new", "--mode", "logicalunit", "--tid",
                    tid, "--lun", num, "-b", luns[k].path);
        if (!rc)
            rc = tgtadm(a, NULL, "--op", "update", "--mode", "logicalunit",
                        "--tid", tid, "--lun", num, "--params", params);
    }
    /* ACL: exactly the host's initiator names. */
    for (size_t i = 0; i < h.nacl && !rc; i++) {
        bool keep = false;
        for (size_t k = 0; k < ninit && !keep; k++)
            keep = strcasecmp(h.acl[i], inits[k]) == 0;
        if (!keep)
            rc = tgtadm(a, NULL, "--op", "unbind", "--mode", "target", "--tid",
                        tid, "--initiator-name", h.acl[i]);
    }
    for (size_t k = 0; k < ninit && !rc; k++) {
        bool have = false;
        for (size_t i = 0; i < h.nacl && !have; i++)
            have = strcasecmp(h.acl[i], inits[k]) == 0;
        if (!have)
            rc = tgtadm(a, NULL, "--op", "bind", "--mode", "target", "--tid",
                        tid, "--initiator-name", inits[k]);
    }
    have_release(&h);
    return rc;
}
