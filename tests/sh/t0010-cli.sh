#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/sh/t0010-cli.sh: the behaviour every program shares (sanprov(7)): ID input, output modes, exit codes, progress, sizes.
#
# The shared helper (cmd/common/) is not a program of its own, so this test
# builds tests/sh/cli-driver.c over it: a program that echoes the IDs it
# reads.  An ID whose last field is "missing" fails as not found (3), one
# ending in "unreachable" as cannot connect (4).
# Test bodies are single-quoted and run by eval (see lib.sh):
# shellcheck disable=SC2016,SC2034
. "$SANPROV_SRCDIR/tests/sh/lib.sh"

S=$SANPROV_SRCDIR

# cli ARGS...: run the driver as a user would (through $SANPROV_WRAP).
cli() {
    run ./cli-driver "$@"
}

# on_tty COMMAND: run COMMAND (a shell string) with a terminal on stdin,
# stdout and stderr; its output, with the terminal's \r\n made \n, goes to
# stdout.  Exits with COMMAND's status.
on_tty() {
    script -qec "$1" /dev/null </dev/null >tty.raw
    _rc=$?
    tr -d '\r' <tty.raw
    return $_rc
}

test_expect_success 'the driver builds over cmd/common and the library' '
    # shellcheck disable=SC2086
    cc $CFLAGS -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
        -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
        -Wno-unused-parameter -Wvla -I"$S/lib/include" -I"$S/cmd" \
        "$S/tests/sh/cli-driver.c" "$S"/cmd/common/*.c \
        -L"$SANPROV_BUILD" -Wl,-rpath,"$SANPROV_BUILD" -lsanprov \
        $(pkg-config --libs popt json-c) -lpthread $LDFLAGS -o cli-driver
'

test_expect_success 'IDs from the arguments, in order' '
    cli pool:fas01:aggr1 lun:fas01:00A1 >out &&
    printf "pool:fas01:aggr1\nlun:fas01:00A1\n" >want &&
    test_cmp want out
'

test_expect_success 'IDs from stdin when there are no arguments' '
    printf "pool:fas01:aggr1\nlun:fas01:00A1\n" >want &&
    cli <want >out &&
    test_cmp want out
'

test_expect_success 'a last line without a newline is read' '
    printf "host:a\nhost:b" | cli >out &&
    printf "host:a\nhost:b\n" >want &&
    test_cmp want out
'

test_expect_success '"-" means stdin, at its place among the arguments' '
    printf "lun:a:2\nlun:a:3\n" | cli lun:a:1 - lun:a:4 >out &&
    printf "lun:a:1\nlun:a:2\nlun:a:3\nlun:a:4\n" >want &&
    test_cmp want out &&
    echo lun:a:9 | cli - >out &&
    echo lun:a:9 >want &&
    test_cmp want out
'

test_expect_success 'IDs are printed in canonical form' '
    cli pool:fas01:%61ggr%2fdata >out &&
    echo pool:fas01:aggr%2Fdata >want &&
    test_cmp want out
'

test_expect_success 'blank lines, # comments and whitespace are skipped' '
    printf "# saved by cron\n\n   \nlun:a:1\n  lun:a:2  \n\t# lun:a:3\r\nlun:a:4\r\n" |
        cli >out &&
    printf "lun:a:1\nlun:a:2\nlun:a:4\n" >want &&
    test_cmp want out
'

test_expect_success 'only the first field of a line is read' '
    printf "lun:a:1 gold  10G\nlun:a:2\tsilver\n" | cli >out &&
    printf "lun:a:1\nlun:a:2\n" >want &&
    test_cmp want out
'

test_expect_success 'the output of -l pipes: its header line is skipped' '
    cli -l -H --size 1G pool:fas01:aggr1 lun:fas01:00A1 >table &&
    head -n 1 table | grep "^ID " &&
    cli <table >out 2>err &&
    printf "pool:fas01:aggr1\nlun:fas01:00A1\n" >want &&
    test_cmp want out &&
    ! test -s err
'

test_expect_success 'read all IDs first (batch programs): the same IDs' '
    printf "lun:a:1\n\nlun:a:2\n" | cli --all-first >out &&
    printf "lun:a:1\nlun:a:2\n" >want &&
    test_cmp want out
'

test_expect_success '-0 reads and writes NUL-separated IDs' '
    printf "pool:a:b\0lun:a:c\0\0host:h" | cli -0 >out &&
    printf "pool:a:b\0lun:a:c\0host:h\0" >want &&
    cmp want out &&
    od -An -c out | tr -s " " >od.out &&
    grep "b  *\\\\0  *l" od.out
'

test_expect_success '-z is -0' '
    printf "pool:a:b\0lun:a:c\0" | cli -z >out &&
    printf "pool:a:b\0lun:a:c\0" >want &&
    cmp want out
'

test_expect_success 'arguments are written NUL-separated with -0, for xargs -0' '
    cli -0 lun:a:1 lun:a:2 | xargs -0 -n 1 echo >out &&
    printf "lun:a:1\nlun:a:2\n" >want &&
    test_cmp want out
'

test_expect_success 'a NUL in a line without -0 is refused, not cut' '
    printf "lun:a:1\0junk\nlun:a:2\n" | { cli >out 2>err; echo $? >rc; } &&
    test "$(cat rc)" = 2 &&
    grep "cannot read ID .lun:a:1.: contains a NUL byte (use -0" err &&
    echo lun:a:2 >want &&
    test_cmp want out
'

test_expect_code 2 'a bad ID exits 2, and the good ones are still printed' '
    cli lun:a:1 "bad id" lun:a:2 nokind >out 2>err
    rc=$?
    printf "lun:a:1\nlun:a:2\n" >want &&
    test_cmp want out >&2 &&
    grep -x "cli-driver: cannot read ID .bad id.: .*" err >&2 &&
    grep -x "cli-driver: cannot read ID .nokind.: .*" err >&2 &&
    test_line_count = 2 err >&2 &&
    exit $rc
'

test_expect_code 2 'an ID of the wrong kind is a usage error, named in the message' '
    cli --kinds lun lun:a:1 pool:a:p >out 2>err
    rc=$?
    echo "cli-driver: cannot read ID '\''pool:a:p'\'': a lun ID is wanted, not a pool ID" >want &&
    test_cmp want err >&2 &&
    echo lun:a:1 >want &&
    test_cmp want out >&2 &&
    exit $rc
'

test_expect_success 'several wanted kinds are listed in the message' '
    cli --kinds array,pool,lun host:h 2>err
    test $? = 2 &&
    grep -F "an array, pool or lun ID is wanted, not a host ID" err &&
    cli --kinds pool,lun host:h 2>err
    grep -F "a pool or lun ID is wanted, not a host ID" err
'

test_expect_success 'an over-long line is an error, not a crash, and reading goes on' '
    awk "BEGIN { s = \"lun:a:\"; for (i = 0; i < 70000; i++) s = s \"x\";
                 print s; print \"lun:a:2\" }" | cli >out 2>err
    test $? = 2 &&
    grep "cannot read ID .lun:a:xxx*\.\.\..: ID is longer than 4096 bytes" err &&
    echo lun:a:2 >want &&
    test_cmp want out
'

test_expect_success 'an ID of exactly 4096 bytes is read' '
    id=$(awk "BEGIN { s = \"lun:a:\"; while (length(s) < 4096) s = s \"y\";
                      print s }") &&
    echo "$id" | cli >out &&
    echo "$id" >want &&
    test_cmp want out
'

test_expect_code 5 'some items failing and others not exits 5, the others printed' '
    cli lun:a:1 lun:a:missing lun:a:2 >out 2>err
    rc=$?
    printf "lun:a:1\nlun:a:2\n" >want &&
    test_cmp want out >&2 &&
    echo "cli-driver: cannot echo '\''lun:a:missing'\'': no such object" >want &&
    test_cmp want err >&2 &&
    exit $rc
'

test_expect_code 3 'all items failing exits with their code (3: not found)' '
    cli lun:a:missing lun:b:missing
'

test_expect_code 3 'failures with different codes exit with the first one' '
    cli lun:a:missing lun:a:unreachable
'

test_expect_code 4 '... the first one, whichever it is' '
    cli lun:a:unreachable lun:a:missing
'

test_expect_code 2 'a bad ID among good and failing items still exits 2' '
    cli lun:a:1 lun:a:missing bad
'

test_expect_code 0 'an empty pipe on stdin: no IDs, nothing to do, exit 0' '
    : | cli >out &&
    test_line_count = 0 out
'

test_expect_code 2 'IDs needed, /dev/null on stdin: no IDs given, exit 2' '
    cli </dev/null >out 2>err; rc=$?; cat err
    grep -F "no IDs given" err && test_line_count = 0 out && exit $rc
'

test_expect_success 'the argument - reads stdin whatever it is' '
    cli - </dev/null >out && test_line_count = 0 out &&
    echo lun:a:1 >file && cli - <file >out && test_cmp file out
'

test_expect_code 1 'a failed write to stdout exits 1, even after successes' '
    cli lun:a:1 lun:a:2 >/dev/full
'

test_expect_code 1 'a failed write of the -l table exits 1' '
    cli -l lun:a:1 >/dev/full
'

cat >want.table <<'EOF'
ID                KIND   FIELDS  SIZE
pool:fas01:aggr1  pool        2  1000
lun:fas01:00A1    lun         2  2000
array:fas01       array       1  3000
EOF

test_expect_success '-l prints an aligned table with a header, numbers right' '
    cli -l --size 1000 pool:fas01:aggr1 lun:fas01:00A1 array:fas01 >out &&
    test_cmp want.table out
'

test_expect_success '-l of stdin gives the same table' '
    printf "pool:fas01:aggr1\nlun:fas01:00A1\narray:fas01\n" |
        cli -l --size 1000 >out &&
    test_cmp want.table out
'

test_expect_success '-l with no rows prints the header alone' '
    : | cli -l >out &&
    echo "ID  KIND  FIELDS  SIZE" >want &&
    test_cmp want out
'

test_expect_success '-l: an empty cell shows as "-"' '
    cli -l host:h >out &&
    printf "ID      KIND  FIELDS  SIZE\nhost:h  host       1     -\n" >want &&
    test_cmp want out
'

test_expect_success '-l -H shows sizes in IEC units, aligned' '
    cli -l -H --size 700M pool:fas01:aggr1 lun:fas01:00A1 array:fas01 \
        host:h host:i host:j host:k host:l host:m host:n >out &&
    cat >want <<-EOF &&
	ID                KIND   FIELDS    SIZE
	pool:fas01:aggr1  pool        2  700MiB
	lun:fas01:00A1    lun         2  1.4GiB
	array:fas01       array       1  2.1GiB
	host:h            host        1  2.7GiB
	host:i            host        1  3.4GiB
	host:j            host        1  4.1GiB
	host:k            host        1  4.8GiB
	host:l            host        1  5.5GiB
	host:m            host        1  6.2GiB
	host:n            host        1  6.8GiB
	EOF
    test_cmp want out
'

test_expect_success '--json prints one object per line, "id" first, that jq reads' '
    cli --json --size 1K pool:fas01:aggr1 lun:fas01:a%2Fb >out &&
    test_line_count = 2 out &&
    jq -c . out >parsed &&
    cat >want <<-EOF &&
	{"id":"pool:fas01:aggr1","kind":"pool","fields":2,"size":1024}
	{"id":"lun:fas01:a%2Fb","kind":"lun","fields":2,"size":2048}
	EOF
    test_cmp want parsed &&
    test_cmp want out &&
    jq -r "keys_unsorted[0]" out | sort -u >keys &&
    echo id >want &&
    test_cmp want keys
'

test_expect_code 2 '-l with --json is a usage error' '
    cli -l --json lun:a:1 >out 2>err
    rc=$?
    test_line_count = 0 out >&2 &&
    grep "^cli-driver: -l and --json cannot be used together" err >&2 &&
    exit $rc
'

test_expect_success '--help and -h print the usage and every common option' '
    cli --help >help &&
    head -n 1 help | grep -x "Usage: cli-driver \[OPTION...\] \[ID...\]" &&
    for o in "-l " "--json" "-0 " "-z " "-H " "-q " "-v " "-c, --config=FILE" \
        "-h, --help" "--version"; do
        grep -e "^ *$o" help || { echo "no $o"; exit 1; }
    done &&
    cli -h >help2 &&
    test_cmp help help2
'

test_expect_success '--version' '
    cli --version >out &&
    grep -x "cli-driver (sanprov) [0-9.]*" out
'

test_expect_code 2 'a bad option exits 2 and points to --help' '
    cli --no-such-option lun:a:1 >out 2>err
    rc=$?
    test_line_count = 0 out >&2 &&
    grep -x "cli-driver: --no-such-option: unknown option" err >&2 &&
    grep -x "Try '\''cli-driver --help'\'' for more information." err >&2 &&
    exit $rc
'

test_expect_code 2 'a missing option argument exits 2' '
    cli lun:a:1 -c
'

test_expect_success '-v, -vv, -vvv raise the log level; none by default' '
    cli lun:a:1 2>err >/dev/null && test_line_count = 0 err &&
    cli -v lun:a:1 2>err >/dev/null && test_line_count = 1 err &&
    cli -v -v lun:a:1 2>err >/dev/null && test_line_count = 2 err &&
    cli -vvv lun:a:1 2>err >/dev/null && test_line_count = 3 err &&
    grep -x "cli-driver: -vvv shows this" err
'

test_expect_code 2 'a missing -c file: "cannot read the configuration", exit 2' '
    cli -c "$TRASH/nope.conf" --config-show 2>err
    rc=$?
    grep "^cli-driver: cannot read the configuration: .*nope.conf" err >&2
    exit $rc
'

test_expect_success '-c FILE (and --config FILE) is the configuration read' '
    printf "[array \"a1\"]\nuri = local:%s/a1\n" "$TRASH" >my.conf &&
    cli -c my.conf --config-show >out &&
    grep "my.conf$" out &&
    cli --config=my.conf --config-show >out &&
    grep "my.conf$" out
'

test_expect_code 2 'a bad configuration exits 2' '
    printf "[nonsense\n" >bad.conf &&
    cli -c bad.conf --config-show
'

# cmd_parse_size(): SIZE, then what -l shows without and with -H, or "bad".
cat >sizes <<'EOF'
512 512 512B
1 1 1B
1K 1024 1.0KiB
1k 1024 1.0KiB
1KiB 1024 1.0KiB
1.5K 1536 1.5KiB
1.5G 1610612736 1.5GiB
10G 10737418240 10GiB
10T 10995116277760 10TiB
9.96G 10694468567 10GiB
1023.6M 1073322394 1.0GiB
0.001K 1 1B
16383P 18445618173802708992 16EiB
18446744073709551615 18446744073709551615 16EiB
0 bad
0K bad
0.0001K bad
-1 bad
+1 bad
1X bad
1KB bad
1.5 bad
.5G bad
1.G bad
G bad
99999999999T bad
16E bad
18446744073709551616 bad
EOF

while read -r size plain human; do
    if [ "$plain" = bad ]; then
        test_expect_code 2 "size '$size' is refused" '
            cli --show-size "$size" 2>err
            rc=$?
            grep -F "is not a size" err >&2
            exit $rc
        '
    else
        test_expect_success "size '$size' is $plain bytes, $human with -H" '
            cli --show-size "$size" >out &&
            echo "$plain" >want &&
            test_cmp want out &&
            cli -H --show-size "$size" >out &&
            echo "$human" >want &&
            test_cmp want out
        '
    fi
done <sizes

test_expect_success 'a size with a space inside is refused too' '
    ! cli --show-size "1 G" 2>err && grep -F "is not a size" err
'

if command -v script >/dev/null 2>&1; then
    test_expect_success 'no IDs at a terminal: a usage error instead of waiting' '
        on_tty "./cli-driver; echo rc=\$?" >out &&
        grep -x "cli-driver: no IDs given: name them as arguments or on standard input" out &&
        grep -x "rc=2" out
    '

    test_expect_success 'no IDs at a terminal, IDs optional: all objects' '
        on_tty "./cli-driver --optional" >out &&
        echo "(all)" >want &&
        test_cmp want out
    '

    test_expect_success 'IDs optional, a pipe or a file on stdin: stdin is read' '
        echo lun:a:1 | cli --optional >out &&
        echo lun:a:1 >want &&
        test_cmp want out &&
        cli --optional <want >out &&
        test_cmp want out &&
        : | cli --optional >out &&
        test_line_count = 0 out
    '

    test_expect_success 'IDs optional, /dev/null on stdin: all objects, as at a terminal' '
        cli --optional </dev/null >out &&
        echo "(all)" >want &&
        test_cmp want out
    '

    test_expect_success 'a progress line is drawn when stderr is a terminal' '
        on_tty "./cli-driver --progress lun:a:1 >/dev/null" >/dev/null &&
        grep -a "echoing IDs \.\.\. 50%" tty.raw &&
        grep -a "starting \.\.\. 0s" tty.raw
    '

    test_expect_success 'a message erases the progress line first' '
        on_tty "./cli-driver --progress lun:a:1 >/dev/null" >/dev/null &&
        tr "\r" "\n" <tty.raw >lines &&
        grep -x "cli-driver: halfway there" lines &&
        grep -x "  *" lines
    '

    test_expect_success 'no progress with -q' '
        on_tty "./cli-driver -q --progress lun:a:1 >/dev/null" >out &&
        ! grep -a "%" tty.raw &&
        grep -x "cli-driver: halfway there" out
    '

    test_expect_success 'no progress when stderr is not a terminal' '
        on_tty "./cli-driver --progress lun:a:1 2>err >/dev/null" &&
        ! grep -a "%" err &&
        ! grep -a "$(printf "\r")" err &&
        echo "cli-driver: halfway there" >want &&
        test_cmp want err
    '
else
    for t in 'no IDs at a terminal' 'progress on a terminal'; do
        test_skip "$t" 'script (bsdutils) is not installed'
    done
fi

test_expect_success 'no progress when stderr is a pipe' '
    cli --progress lun:a:1 2>&1 >/dev/null | cat >err &&
    echo "cli-driver: halfway there" >want &&
    test_cmp want err
'

test_done
