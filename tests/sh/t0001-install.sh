#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0001-install.sh: make install/uninstall into a staging tree and a PREFIX; programs run where built and installed with nothing set; a program built with pkg-config links and runs.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"

D=$TRASH/stage
P=$TRASH/prefix
B=${B:-$(basename "$SANPROV_BUILD")}

# The programs must not need LD_LIBRARY_PATH (tests/run.sh sets none; a
# caller's is dropped here).
unset LD_LIBRARY_PATH

test_expect_success 'a program in the build tree runs with nothing set (RUNPATH $ORIGIN)' '
    readelf -d "$SANPROV_BUILD/bin/pool-list" >dyn &&
    grep "RUNPATH.*\[\$ORIGIN/\.\./lib\]" dyn &&
    ! grep "RPATH\|RUNPATH" dyn | grep -v "\$ORIGIN" &&
    env -i PATH=/usr/bin:/bin HOME="$HOME" \
        "$SANPROV_BUILD/bin/pool-list" --version >out &&
    grep -x "pool-list (sanprov) [0-9.]*" out &&
    printf "[host \"kvm01\"]\nuri = qemu:///system\n" >host.conf &&
    env -i PATH=/usr/bin:/bin HOME="$HOME" \
        "$SANPROV_BUILD/bin/host-list" -c host.conf >out &&
    echo host:kvm01 >want && test_cmp want out
'

test_expect_success 'make install DESTDIR=... PREFIX=/usr stages everything' '
    make -s -C "$SANPROV_SRCDIR" B="$B" install DESTDIR="$D" PREFIX=/usr \
        >install.log 2>&1 || { cat install.log; exit 1; }
    test -f "$D/usr/lib/libsanprov.so.0.1.0" &&
    test -L "$D/usr/lib/libsanprov.so.0" &&
    test -L "$D/usr/lib/libsanprov.so" &&
    test -f "$D/usr/lib/libsanprov.a" &&
    test -f "$D/usr/include/sanprov/sanprov.h" &&
    ! test -e "$D/usr/include/sanprov/cimclient.h" &&
    ! test -e "$D/usr/include/sanprov/buf.h" &&
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

test_expect_success 'the staged programs find the staged library' '
    env -i PATH=/usr/bin:/bin HOME="$HOME" "$D/usr/bin/lun-list" --version &&
    env -i LD_DEBUG=libs PATH=/usr/bin:/bin HOME="$HOME" \
        "$D/usr/bin/lun-list" --version 2>ld.log >/dev/null &&
    grep "calling init: $D/usr/bin/\.\./lib/libsanprov.so.0" ld.log
'

test_expect_success 'make install PREFIX=DIR: the programs run from PATH in a new shell' '
    make -s -C "$SANPROV_SRCDIR" B="$B" install PREFIX="$P" LDCONFIG= \
        >prefix.log 2>&1 || { cat prefix.log; exit 1; } &&
    env -i PATH="$P/bin:/usr/bin:/bin" HOME="$HOME" sh -c \
        "host-list -c \"$TRASH/host.conf\"" >out &&
    echo host:kvm01 >want && test_cmp want out
'

test_expect_success 'completions follow PREFIX (nothing under /usr/share for /usr/local)' '
    test -f "$P/share/bash-completion/completions/lun-list" &&
    test -f "$P/share/bash-completion/completions/sanprov-common.bash" &&
    test -f "$P/share/zsh/site-functions/_lun-list" &&
    make -s -n -C "$SANPROV_SRCDIR" B="$B" install PREFIX=/usr/local >plan &&
    grep "/usr/local/share/bash-completion/completions" plan &&
    ! grep -E "(^| )/usr/(share|lib|bin|include)" plan
'

test_expect_success 'make install runs ldconfig into the system (root), not into DESTDIR' '
    make -s -n -C "$SANPROV_SRCDIR" B="$B" install PREFIX=/usr/local >plan &&
    make -s -n -C "$SANPROV_SRCDIR" B="$B" install PREFIX=/usr/local \
        DESTDIR="$D" >plan.destdir &&
    grep "ldconfig" plan && ! grep "ldconfig" plan.destdir
'

test_expect_success 'make uninstall PREFIX=DIR removes what install put there' '
    make -s -C "$SANPROV_SRCDIR" B="$B" uninstall PREFIX="$P" LDCONFIG= &&
    find "$P" -type f -o -type l >left &&
    test_line_count = 0 left
'

test_expect_success 'only internal headers are not installed' '
    ! find "$D/usr/include" -name "*internal*" | grep .
'

test_expect_success 'the shared library exports only sp_ names' '
    nm -D --defined-only "$D/usr/lib/libsanprov.so.0.1.0" >syms &&
    test_line_count -gt 50 syms &&
    awk "\$2 != \"A\" {print \$3}" syms | grep -v "^sp_" >other || true &&
    test_line_count = 0 other
'

# The names of the symbol map (comments dropped), node by node: "NODE NAME"
# lines.
map_names() {
    sed -e 's|/\*.*\*/||' -e '/\/\*/,/\*\//d' "$SANPROV_SRCDIR/lib/libsanprov.sym" |
        awk '/^[A-Z][A-Z0-9_.]* *\{/ { node = $1; next }
             /global:|local:/ { inglobal = ($1 == "global:"); next }
             /^}/ { node = ""; next }
             node != "" && inglobal && NF { sub(/;$/, "", $1); print node, $1 }'
}

test_expect_success 'the exported symbols are exactly those of the checked-in map' '
    map_names >map &&
    test_line_count -gt 50 map &&
    ! grep "[*?]" map &&
    awk "{print \$2}" map | sort >want &&
    test "$(sort -u want | wc -l)" = "$(wc -l <want)" &&
    nm -D --defined-only "$D/usr/lib/libsanprov.so.0.1.0" |
        awk "\$2 != \"A\" {print \$3}" >syms &&
    sed "s/@.*//" syms | sort >got &&
    test_cmp want got &&
    # each with the version of its node
    awk "{print \$2 \"@@\" \$1}" map | sort >want &&
    sort syms >got &&
    test_cmp want got
'

test_expect_success 'every function the installed headers mark SP_API is in the map' '
    cat "$D"/usr/include/sanprov/*.h |
        awk "/^SP_API/ { d = \$0; while (d !~ /[;{]/ && (getline l) > 0) d = d \" \" l;
                         sub(/\\(.*/, \"\", d); n = split(d, w, /[ *]+/); print w[n] }" |
        sort >declared &&
    test_line_count -gt 50 declared &&
    map_names | awk "{print \$2}" | sort >want &&
    test_cmp want declared
'

test_expect_success 'no CIM-XML codec, client, server or sp_buf symbol is exported' '
    nm -D --defined-only "$D/usr/lib/libsanprov.so.0.1.0" |
        awk "{print \$3}" | sed "s/@.*//" >syms &&
    grep -E "^(sp_cimxml_|sp_cim_|sp_buf|sp_text_escape_buf|spi_)" syms |
        grep -v "^sp_cim_status_name\$" >internal || true &&
    test_line_count = 0 internal &&
    ! grep -E "(cim|buf)" "$D"/usr/include/sanprov/sanprov.h
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
    sp_config *cfg = NULL;
    if (sp_config_parse("[array \"fas01\"]\nuri = local:/nonexistent\n",
                        "prog", &cfg, &err) != SP_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    printf("%s %s %s\n", sp_version(), sp_id_field(id, 1), sp_id_str(id));
    sp_config_free(cfg);
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
