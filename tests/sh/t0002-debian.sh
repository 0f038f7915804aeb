#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0002-debian.sh: the Debian packages: debian/libsanprov0.symbols says what lib/libsanprov.sym exports; dpkg-buildpackage -us -uc -b builds libsanprov0, libsanprov-dev, sanprov and sanprov-sim from a copy of the source; lintian finds no error or warning; and, where installing is allowed (SANPROV_TEST_DEB_INSTALL=1, as root: the project's CI), the packages install, their man pages, completions and pkg-config file are where they belong, a program built against the installed -dev package runs, the demo's flow runs from the installed programs on the embedded default, and the packages are purged again.
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"

S=$SANPROV_SRCDIR
PKGS='libsanprov0 libsanprov-dev sanprov sanprov-sim'

# The symbols of a version script and of a symbols file, one a line.
map_symbols() {
    sed -n 's/^[[:space:]]*\(sp_[A-Za-z0-9_]*\);.*/\1/p' "$1" | sort
}
deb_symbols() {
    sed -n 's/^ \(sp_[A-Za-z0-9_]*\)@SANPROV_[0-9.]* .*/\1/p' "$1" | sort
}

test_expect_success 'debian/libsanprov0.symbols lists what the version script exports' '
    map_symbols "$S/lib/libsanprov.sym" >map.syms &&
    deb_symbols "$S/debian/libsanprov0.symbols" >deb.syms &&
    test -s map.syms && test_cmp map.syms deb.syms
'

test_expect_success 'every program is in one package, with its man page and completions' '
    for c in "$S"/cmd/*.c; do
        p=$(basename "$c" .c)
        n=$(cat "$S"/debian/*.install | grep -cx "usr/bin/$p") &&
        test "$n" = 1 || { echo "usr/bin/$p in $n packages"; exit 1; }
        f=$(grep -lx "usr/bin/$p" "$S"/debian/*.install) &&
        grep -qx "usr/share/man/man1/$p.1" "$f" &&
        grep -qx "usr/share/bash-completion/completions/$p" "$f" &&
        grep -qx "usr/share/zsh/vendor-completions/_$p" "$f" ||
            { echo "$p: not whole in $f"; exit 1; }
    done
'

why=''
for tool in dpkg-buildpackage dh lintian; do
    command -v $tool >/dev/null || why="$tool is not installed (make deps)"
done
if [ -n "$why" ]; then
    test_skip 'the Debian packages' "$why"
    test_done
    exit
fi

# The source as a clone has it: the files git knows, else the tree less
# its build directories.
mkdir -p deb/src
if git -C "$S" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$S" && git ls-files -z | xargs -0 tar -cf - --no-recursion) |
        tar -xf - -C deb/src
else
    (cd "$S" && tar -cf - --exclude='./build*' --exclude=./.git .) |
        tar -xf - -C deb/src
fi

test_expect_success 'dpkg-buildpackage -us -uc -b builds the four packages' '
    (cd deb/src && dpkg-buildpackage -us -uc -b) >build.log 2>&1 ||
        { tail -40 build.log; exit 1; }
    for p in $PKGS; do
        test -f deb/${p}_*.deb || { echo "no $p package"; exit 1; }
    done
'

test_expect_success 'the programs carry no RUNPATH, the library its soname' '
    mkdir x && for p in $PKGS; do dpkg-deb -x deb/${p}_*.deb x; done &&
    ! readelf -d x/usr/bin/vm-deploy | grep -E "RPATH|RUNPATH" &&
    readelf -d x/usr/lib/*/libsanprov.so.0.* | grep -q "SONAME.*libsanprov\.so\.0"
'

test_expect_success 'lintian: no error, no warning' '
    lintian --fail-on error,warning deb/sanprov_*.changes >lintian.out 2>&1 ||
        { cat lintian.out; exit 1; }
'

if [ "$(id -u)" != 0 ] || [ "${SANPROV_TEST_DEB_INSTALL:-}" != 1 ]; then
    test_skip 'the packages installed' \
        'installing them changes this machine: as root, set SANPROV_TEST_DEB_INSTALL=1 (the project CI does)'
    test_done
    exit
fi
for p in $PKGS; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        test_skip 'the packages installed' "$p is installed here already: not touching it"
        test_done
        exit
    fi
done

# shellcheck disable=SC2086 # a list of package names
trap 'dpkg --purge $PKGS >/dev/null 2>&1' EXIT

test_expect_success 'the packages install' '
    dpkg -i deb/libsanprov0_*.deb deb/libsanprov-dev_*.deb deb/sanprov_*.deb \
        deb/sanprov-sim_*.deb >install.log 2>&1 || { cat install.log; exit 1; }
'

# The programs as a user's shell finds them: from PATH, nothing else set.
user() { env -i HOME="$HOME" PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }

test_expect_success 'the installed programs run from PATH, with their man pages and completions' '
    for c in "$S"/cmd/*.c; do
        p=$(basename "$c" .c)
        test "$(user sh -c "command -v $p")" = "/usr/bin/$p" &&
        user "$p" --version >/dev/null &&
        test -f "/usr/share/man/man1/$p.1.gz" &&
        test -f "/usr/share/bash-completion/completions/$p" &&
        test -f "/usr/share/zsh/vendor-completions/_$p" ||
            { echo "$p: not whole"; exit 1; }
    done &&
    test -f /usr/share/man/man7/sanprov.7.gz &&
    test -f /usr/share/man/man5/sanprov.conf.5.gz &&
    zcat /usr/share/man/man1/vm-deploy.1.gz | mandoc -T lint -W warning
'

test_expect_success 'a program built with pkg-config against the -dev package runs' '
    cat >use.c <<-EOF &&
	#include <stdio.h>
	#include <sanprov/sanprov.h>
	int main(void)
	{
	    sp_id *id = NULL;
	    if (sp_id_parse("lun:a1:0001", &id, NULL))
	        return 1;
	    printf("%s\n", sp_id_str(id));
	    sp_id_free(id);
	    return 0;
	}
	EOF
    user cc -o use use.c $(user pkg-config --cflags --libs sanprov) &&
    test "$(user ./use)" = lun:a1:0001
'

test_expect_success 'the demo runs from the installed programs on the embedded default' '
    DEMO_BINDIR=/usr/bin B="$SANPROV_BUILD" sh "$S/tests/demo.sh" >demo.log 2>&1 ||
        { tail -30 demo.log; exit 1; }
    grep "vm-deploy" demo.log | head -3
'

test_expect_success 'the packages purge without a trace' '
    dpkg --purge $PKGS >purge.log 2>&1 || { cat purge.log; exit 1; }
    ! test -e /usr/bin/vm-deploy && ! ls /usr/lib/*/libsanprov.so* 2>/dev/null
'

test_done
