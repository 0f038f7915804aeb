/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/fuzz_local_meta.c: fuzz the local array's files on disk, read
 * through the public API: a LUN's metadata and, after a line "--mask--", a
 * masking record.  Whatever the files hold, a lookup and a listing give a
 * LUN or an error, never a crash or a leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sanprov/sanprov.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static sp_config *cfg;
static sp_id *lun;

static void put(const char *name, const uint8_t *p, size_t n)
{
    char path[160];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (n && fwrite(p, 1, n, f) != n)
        abort();
    fclose(f);
}

static void quiet(sp_log_level level, const char *msg, void *ctx)
{
    (void)level, (void)msg, (void)ctx;
}

static void setup(void)
{
    strcpy(dir, "/tmp/sanprov-fuzz-local.XXXXXX");
    if (!mkdtemp(dir))
        abort();
    char text[256], path[160];
    snprintf(text, sizeof(text), "[array \"f\"]\nuri = local:%s\n", dir);
    sp_error err = {0};
    if (sp_config_parse(text, "fuzz", &cfg, &err) ||
        sp_id_parse("lun:f:p%2Fx", &lun, &err))
        abort();
    snprintf(path, sizeof(path), "%s/p", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/.masking", dir);
    mkdir(path, 0755);
    sp_log_set_handler(quiet, NULL); /* "removing LUN ... half made" */
}

static int drop(sp_lun *l, void *ctx)
{
    (void)ctx;
    sp_lun_free(l);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!cfg)
        setup();
    const uint8_t *mask = NULL;
    size_t nmeta = size, nmask = 0;
    for (size_t i = 0; i + 10 <= size; i++)
        if (memcmp(data + i, "\n--mask--\n", 10) == 0) {
            nmeta = i + 1;
            mask = data + i + 10;
            nmask = size - i - 10;
            break;
        }
    put("p/x.meta", data, nmeta);
    put("p/x.img", NULL, 0);
    put(".masking/h.mask", mask, nmask);
    sp_array *a = NULL;
    sp_error err = {0};
    if (sp_array_open(cfg, "f", 0, &a, &err))
        abort();
    sp_lun *l = NULL;
    if (sp_array_get_lun(a, lun, SP_LUN_MASKING, &l) == SP_OK) {
        if (!sp_lun_id(l) || !sp_lun_wwn(l))
            abort();
        for (size_t i = 0; i < sp_lun_mask_count(l); i++)
            if (!sp_lun_mask_initiator(l, i))
                abort();
        sp_lun_free(l);
    }
    sp_array_list_luns(a, NULL, SP_LUN_MASKING, drop, NULL);
    sp_array_close(a);
    return 0;
}
