#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0090-doc-vs-help.sh: every program's --help, --version, man page SYNOPSIS and shell completions agree (after git's t0450).
#
# For each program in $SANPROV_BUILD/bin: --help exits 0, a bad option
# exits 2, --version prints "NAME (sanprov) VERSION", man/NAME.1 passes
# mandoc's lint, completions/NAME.bash parses and offers every option,
# completions/_NAME parses and names every option (itself or through the
# common specs of completions/_sanprov_common); the helper files they use
# (completions/sanprov-common.bash, completions/_sanprov_common) parse.
#
# The rule for options: every option --help prints, the "Help options:"
# block of popt included (-?, --help, --usage), is in the man page's
# SYNOPSIS, which names no other.
# In the SYNOPSIS an option is an argument of Fl: "Fl x" is -x, "Fl xy" is
# -x and -y, "Fl -name" is --name, and "Fl x | -name" is both.
#
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"

LC_ALL=C
export LC_ALL
VERSION=$(sed -n 's/^VERSION[[:space:]]*:=[[:space:]]*//p' \
    "$SANPROV_SRCDIR/Makefile")

# run_limited PROGRAM ARGS...: run, through $SANPROV_WRAP, with no input and
# a time limit, so a program that ignores its options cannot hang the test.
run_limited() {
    # shellcheck disable=SC2086
    timeout 120 $SANPROV_WRAP "$@" </dev/null
}

# help_options HELPFILE: the options of popt's --help output, one per line,
# "--name" or "-x".  Option lines start with 2 to 6 spaces then a dash;
# wrapped descriptions are indented further.
help_options() {
    sed -n 's/^ \{2,6\}\(-[^-], \)\{0,1\}--\([[:alnum:]][-[:alnum:]]*\).*/--\2/p' \
        "$1"
    sed -n 's/^  -\([^- ]\)\([^[:alnum:]].*\)\{0,1\}$/-\1/p' "$1"
}

# synopsis_options MANPAGE: the options named by Fl in the SYNOPSIS.
synopsis_options() {
    awk '
    /^\.Sh[ \t]/ { syn = ($2 == "SYNOPSIS"); next }
    !syn || !/^\./ { next }
    {
        line = substr($0, 2)
        gsub(/\\&/, "", line)
        gsub(/\\-/, "-", line)
        n = split(line, w, /[ \t]+/)
        fl = 0
        for (i = 1; i <= n; i++) {
            t = w[i]
            if (t == "Fl") { fl = 1; continue }
            if (t ~ /^[A-Z][a-z][a-z]?$/) { fl = 0; continue }
            if (!fl || t == "" || t ~ /^[|,;:.()]$/) continue
            if (t ~ /^-/) { print "-" t; continue }
            for (k = 1; k <= length(t); k++) print "-" substr(t, k, 1)
        }
    }' "$1"
}

# options_named FILE: the option-like words of a completion file (zsh
# escapes "?" as "\?").
options_named() {
    tr -d '\134' <"$1" | grep -o -E -- '-{1,2}[[:alnum:]?][-[:alnum:]]*'
}

# zsh_options_named FILE: options_named of the zsh completion FILE and, when
# it calls _sanprov_common, of that file (the common options).
zsh_options_named() {
    options_named "$1"
    if grep -q -E -e '^_sanprov_common( |$)' "$1"; then
        options_named "$SANPROV_SRCDIR/completions/_sanprov_common"
    fi
}

# bash_offers FILE NAME: what the bash completion of FILE offers for
# "NAME -<TAB>", one per line (with bash-completion's helpers when there).
bash_offers() {
    bash -c '
        if [ -f /usr/share/bash-completion/bash_completion ]; then
            . /usr/share/bash-completion/bash_completion 2>/dev/null
        fi
        . "$1" || exit 1
        spec=$(complete -p "$2") || exit 1
        fn=${spec#*-F }
        fn=${fn%% *}
        COMP_WORDS=("$2" -)
        COMP_CWORD=1
        COMP_LINE="$2 -"
        COMP_POINT=${#COMP_LINE}
        COMPREPLY=()
        "$fn" "$2" - "$2"
        printf "%s\n" "${COMPREPLY[@]}"
    ' bash "$1" "$2"
}

# test_zsh_parses FILE WHAT: the test "WHAT parses (zsh -n)" of the zsh
# completion FILE, skipped without zsh.
test_zsh_parses() {
    zsh_file=$1
    if command -v zsh >/dev/null 2>&1; then
        test_expect_success "$2 parses (zsh -n)" 'zsh -n "$zsh_file"'
    else
        test_skip "$2 parses (zsh -n)" 'optional: zsh not installed'
    fi
}

# missing_from WANT HAVE: print the lines of WANT not in HAVE; false if any.
missing_from() {
    sort -u "$1" >"$1.sorted"
    sort -u "$2" >"$2.sorted"
    comm -23 "$1.sorted" "$2.sorted" >missing
    if test -s missing; then
        echo "missing:"
        cat missing
        return 1
    fi
}

programs=0
for bin in "$SANPROV_BUILD"/bin/*; do
    if ! test -f "$bin" || ! test -x "$bin"; then
        continue
    fi
    name=$(basename "$bin")
    man=$SANPROV_SRCDIR/man/$name.1
    bashcomp=$SANPROV_SRCDIR/completions/$name.bash
    zshcomp=$SANPROV_SRCDIR/completions/_$name
    programs=$((programs + 1))

    test_expect_success "$name: --help exits 0 and lists options" '
        run_limited "$bin" --help >"help.$name" &&
        help_options "help.$name" >"opts.$name" &&
        test_line_count -gt 0 "opts.$name"
    '

    test_expect_code 2 "$name: a bad option exits 2" '
        run_limited "$bin" --no-such-option-t0090
    '

    test_expect_success "$name: --version prints '$name (sanprov) $VERSION'" '
        run_limited "$bin" --version >out &&
        echo "$name (sanprov) $VERSION" >want &&
        test_cmp want out
    '

    test_expect_success "$name: the SYNOPSIS of man/$name.1 has the long options of --help" '
        test -f "$man" || { echo "no man page $man"; exit 1; }
        synopsis_options "$man" >"syn.$name" &&
        grep -e "^--" "opts.$name" | sort -u >want &&
        grep -e "^--" "syn.$name" | sort -u >have &&
        test_cmp want have
    '

    test_expect_success "$name: the SYNOPSIS of man/$name.1 has the short options of --help" '
        test -f "$man" || { echo "no man page $man"; exit 1; }
        synopsis_options "$man" >"syn.$name" &&
        { grep -v -e "^--" "opts.$name" || true; } | sort -u >want &&
        { grep -v -e "^--" "syn.$name" || true; } | sort -u >have &&
        test_cmp want have
    '

    if command -v mandoc >/dev/null 2>&1; then
        test_expect_success "$name: man/$name.1 passes mandoc -T lint -W warning" '
            mandoc -T lint -W warning "$man" >lint 2>&1
            rc=$?
            cat lint
            test "$rc" -eq 0 && ! test -s lint
        '
    else
        test_skip "$name: man/$name.1 passes mandoc -T lint -W warning" \
            'mandoc not installed'
    fi

    test_expect_success "$name: completions/$name.bash parses (bash -n)" '
        test -f "$bashcomp" || { echo "no $bashcomp"; exit 1; }
        bash -n "$bashcomp"
    '

    test_expect_success "$name: completions/$name.bash offers every option of --help" '
        test -f "$bashcomp" || { echo "no $bashcomp"; exit 1; }
        bash_offers "$bashcomp" "$name" >have &&
        missing_from "opts.$name" have
    '

    test_expect_success "$name: completions/_$name names every option of --help" '
        test -f "$zshcomp" || { echo "no $zshcomp"; exit 1; }
        head -n 1 "$zshcomp" | grep -q -e "^#compdef $name\$" &&
        zsh_options_named "$zshcomp" >have &&
        missing_from "opts.$name" have
    '

    test_zsh_parses "$zshcomp" "$name: completions/_$name"
done

test_expect_success 'there are programs to check' '
    test "$programs" -gt 0
'

test_expect_success 'completions/sanprov-common.bash parses (bash -n)' '
    bash -n "$SANPROV_SRCDIR/completions/sanprov-common.bash"
'

test_expect_success 'completions/_sanprov_common is #autoload, not #compdef' '
    head -n 1 "$SANPROV_SRCDIR/completions/_sanprov_common" >first &&
    echo "#autoload" >want &&
    test_cmp want first
'

test_zsh_parses "$SANPROV_SRCDIR/completions/_sanprov_common" \
    completions/_sanprov_common

test_done
