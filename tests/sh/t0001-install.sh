#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0001-install.sh: make install/uninstall into a staging tree; a program built with pkg-config links and runs.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"

D=$TRASH/stage
B=${B:-$(basename "$SANPROV_BUILD")}

test_expect_success 'make install DESTDIR=... PREFIX=/usr stages everything' '
    make -s -C "$SANPROV_SRCDIR" B="$B" install DESTDIR="$D" PREFIX=/usr \
        >install.log 2>&1 || { cat install.log; exit 1; }
    test -f "$D/usr/lib/libsanprov.so.0.1.0" &&
    test -L "$D/usr/lib/libsanprov.so.0" &&
    test -L "$D/usr/lib/libsanprov.so" &&
    test -f "$D/usr/lib/libsanprov.a" &&
    test -f "$D/usr/include/sanprov/sanprov.h" &&
    test -f "$D/usr/include/sanprov/cimclient.h" &&
    test -f "$D/usr/lib/pkgconfig/sanprov.pc" &&
    test -f "$D/usr/share/man/man7/sanprov.7"
'

# complete.bash FILE: source the staged bash completion FILE and print what
# it offers for "lun-list --no-m<TAB>".
cat >complete.bash <<'COMPLETE'
. "$1" || exit 1
COMP_WORDS=(lun-list --no-m)
COMP_CWORD=1
COMP_LINE="lun-list --no-m"
COMP_POINT=${#COMP_LINE}
_lun_list
printf '%s\n' "${COMPREPLY[@]}"
COMPLETE

test_expect_success 'the completions are staged with the helper they share' '
    b=$(find "$D" -name sanprov-common.bash) &&
    test -n "$b" && test -f "${b%/*}/lun-list" &&
    ! test -e "${b%/*}/lun-list.bash" &&
    test -f "$D/usr/share/zsh/vendor-completions/_lun-list" &&
    test -f "$D/usr/share/zsh/vendor-completions/_sanprov_common" &&
    bash complete.bash "${b%/*}/lun-list" >out &&
    echo --no-masking >want &&
    test_cmp want out
'

test_expect_success 'only internal headers are not installed' '
    ! find "$D/usr/include" -name "*internal*" | grep .
'

test_expect_success 'the shared library exports only sp_ names' '
    nm -D --defined-only "$D/usr/lib/libsanprov.so.0.1.0" >syms &&
    test_line_count -gt 50 syms &&
    awk "{print \$3}" syms | grep -v "^sp_" >other || true &&
    test_line_count = 0 other
'

test_expect_success 'the soname is libsanprov.so.0' '
    readelf -d "$D/usr/lib/libsanprov.so.0.1.0" | grep "SONAME.*libsanprov.so.0\]"
'

cat >prog.c <<'PROG'
#include <stdio.h>
#include <sanprov/sanprov.h>

int main(void)
{
    sp_id *id = NULL;
    sp_error err;
    if (sp_id_parse("lun:fas01:a%2Fb", &id, &err) != SP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    sp_cim_client *c = NULL;
    if (sp_cim_client_new("https://array.example:5989", 0, &c, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    printf("%s %s %s\n", sp_version(), sp_id_field(id, 1), sp_id_str(id));
    sp_cim_client_free(c);
    sp_id_free(id);
    return 0;
}
PROG

test_expect_success 'a program built with pkg-config against the stage links and runs' '
    flags=$(PKG_CONFIG_SYSROOT_DIR="$D" PKG_CONFIG_PATH="$D/usr/lib/pkgconfig" \
        pkg-config --cflags --libs sanprov) &&
    echo "$flags" | grep -- "-I$D/usr/include" &&
    # shellcheck disable=SC2086
    cc $CFLAGS prog.c -o prog $flags $LDFLAGS &&
    LD_LIBRARY_PATH="$D/usr/lib" ./prog >out &&
    echo "0.1.0 a/b lun:fas01:a%2Fb" >want &&
    test_cmp want out
'

test_expect_success 'make uninstall removes what install put there' '
    make -s -C "$SANPROV_SRCDIR" B="$B" uninstall DESTDIR="$D" PREFIX=/usr &&
    find "$D" -type f -o -type l >left &&
    test_line_count = 0 left
'

test_done
