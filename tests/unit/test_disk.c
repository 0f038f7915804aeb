/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/unit/test_disk.c: the WWN the kernel read from a block device, as
 * sysfs shows it, in a fake /dev and /sys tree. */
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#include "host/host_internal.h"

static void put_file(const char *root, const char *rel, const char *text)
{
    char path[4096 + 2048];
    snprintf(path, sizeof(path), "%s%s", root, rel);
    char dir[4096 + 2048];
    snprintf(dir, sizeof(dir), "%s", path);
    for (char *p = dir + strlen(root) + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        mkdir(dir, 0755);
        *p = '/';
    }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_block_wwn(void **state)
{
    (void)state;
    char root[2048];
    snprintf(root, sizeof(root), "%s",
             tu_path(tu_outdir(), "disk-%ld", (long)getpid()));
    mkdir(root, 0755);
    put_file(root, "/dev/sdz", "");
    put_file(root, "/dev/dm-3", "");
    put_file(root, "/dev/sdy", "");
    put_file(root, "/sys/class/block/sdz/device/wwid",
             "naa.600a0b800011223344556677889900aa\n");
    put_file(root, "/sys/class/block/dm-3/dm/uuid",
             "mpath-3600a0b800011223344556677889900bb\n");
    put_file(root, "/sys/class/block/sdy/device/wwid",
             "t10.ATA     QEMU HARDDISK   QM00001\n");
    char link[4096 + 256];
    snprintf(link, sizeof(link), "%s/dev/disk/by-id", root);
    put_file(root, "/dev/disk/by-id/.keep", "");
    snprintf(link, sizeof(link),
             "%s/dev/disk/by-id/wwn-0x600a0b800011223344556677889900aa", root);
    unlink(link);
    assert_int_equal(symlink("../../sdz", link), 0);
    snprintf(
        link, sizeof(link),
        "%s/dev/disk/by-id/dm-uuid-mpath-3600a0b800011223344556677889900bb",
        root);
    unlink(link);
    assert_int_equal(symlink("../../dm-3", link), 0);
    /* A link that names one WWN and leads to another LUN. */
    snprintf(link, sizeof(link), "%s/dev/disk/by-id/wwn-0xstale", root);
    unlink(link);
    assert_int_equal(symlink("../../sdz", link), 0);

    char wwn[80];
    sp_error err;
    assert_int_equal(
        spi_block_wwn(root,
                      "/dev/disk/by-id/wwn-0x600a0b800011223344556677889900aa",
                      wwn, sizeof(wwn), &err),
        SP_OK);
    assert_string_equal(wwn, "600a0b800011223344556677889900aa");
    assert_int_equal(
        spi_block_wwn(
            root,
            "/dev/disk/by-id/dm-uuid-mpath-3600a0b800011223344556677889900bb",
            wwn, sizeof(wwn), &err),
        SP_OK);
    assert_string_equal(wwn, "600a0b800011223344556677889900bb");
    /* The device's own WWID counts, not the link's name. */
    assert_int_equal(spi_block_wwn(root, "/dev/disk/by-id/wwn-0xstale", wwn,
                                   sizeof(wwn), &err),
                     SP_OK);
    assert_string_equal(wwn, "600a0b800011223344556677889900aa");
    assert_int_equal(spi_block_wwn(root, "/dev/sdy", wwn, sizeof(wwn), &err),
                     SP_ERR_NOT_SUPPORTED);
    assert_int_equal(spi_block_wwn(root, "/dev/disk/by-id/wwn-0xnone", wwn,
                                   sizeof(wwn), &err),
                     SP_ERR_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_block_wwn),
    };
    return cmocka_run_group_tests_name("disk", tests, NULL, NULL);
}
