# SPDX-License-Identifier: LGPL-2.1-or-later
# Makefile: build, test, install sanprov (plain GNU make; no autotools).

VERSION   := 0.1.0
SOVERSION := 0

PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
LIBDIR      ?= $(PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
DATADIR     ?= $(PREFIX)/share
MANDIR      ?= $(DATADIR)/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
# Completions follow PREFIX: bash-completion looks in
# $XDG_DATA_DIRS/bash-completion/completions (/usr/local/share and
# /usr/share), zsh in vendor-completions for the distribution's own
# packages and in site-functions for the rest.
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/$(if $(filter /usr,$(PREFIX)),vendor-completions,site-functions)
DESTDIR     ?=

# The programs find libsanprov through a RUNPATH relative to their own
# place ($ORIGIN), so they run where they were built and where they are
# installed with nothing set: from BINDIR to LIBDIR ("../lib" by
# default).  In the build tree, $(B)/bin/RUNPATH_REL holds links to the
# library (see BUILD_LIBDIR).  "make RUNPATH=" builds without one, for a
# LIBDIR the dynamic linker searches anyway (a distribution's package).
RUNPATH_REL := $(shell realpath -m --relative-to='$(BINDIR)' '$(LIBDIR)')
RUNPATH     ?= $$ORIGIN/$(RUNPATH_REL)

# Build directory: sanitizer and fuzz builds use their own.
B ?= build

# Use the machine's cores unless -j was given (GNU make 4.3 lets a
# command-line -jN win over this one; 4.4 shows it in MAKEFLAGS here).
# Only the top-level make: a sub-make shares its parent's job server.
# Not with "clean", which must not run beside the build.  JOBS=1 makes
# a serial build.
JOBS ?= $(shell nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null \
          || echo 1)
ifeq ($(MAKELEVEL)$(filter -j%,$(MAKEFLAGS))$(filter clean,$(MAKECMDGOALS)),0)
MAKEFLAGS += -j$(JOBS)
endif
# Quiet build; "make V=1" shows the commands.
Q := $(if $(V),,@)

CC       ?= cc
CFLAGS   ?= -O2 -g
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter -Wvla
BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE -Ilib/include $(WARNINGS)
# The library's and the programs' sources: strcpy, sprintf, strtok and the
# like are compile errors (lib/util/banned.h, as git's banned.h).
BANNED_H := lib/util/banned.h
SRC_CFLAGS := -include $(BANNED_H)

LIB_PKGS := libxml-2.0 libcurl uuid inih libvirt json-c
TEST_PKGS := cmocka libmicrohttpd
PKG_CFLAGS = $(shell pkg-config --cflags $(LIB_PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(LIB_PKGS)) -lpthread

# Every Debian package the build, the tests and the tooling need.
DEB_PKGS := gcc make pkg-config libc6-dev libxml2-dev libxml2-utils \
            libcurl4-openssl-dev uuid-dev libpopt-dev libmicrohttpd-dev \
            libinih-dev libjson-c-dev libcmocka-dev openssl ca-certificates \
            mandoc jq valgrind clang llvm libclang-rt-14-dev sblim-wbemcli \
            time bsdutils xfsprogs e2fsprogs tgt libiscsi-bin libvirt-dev \
            libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu \
            libvirt-daemon-system qemu-utils qemu-system-x86 qemu-block-extra \
            ovmf xorriso genisoimage libiscsi-dev wsl uuid-runtime

LIB_SRCS := $(wildcard lib/util/*.c lib/http/*.c lib/cim/*.c lib/array/*.c \
              lib/library/*.c lib/host/*.c lib/custom/*.c lib/deploy/*.c \
              lib/reconcile/*.c lib/wsman/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
LIB_SO   := $(B)/libsanprov.so.$(VERSION)
LIB_A    := $(B)/libsanprov.a

CMD_HELPER_SRCS := $(wildcard cmd/common/*.c)
CMD_SRCS  := $(wildcard cmd/*.c)
CMDS      := $(CMD_SRCS:cmd/%.c=$(B)/bin/%)
# Every program links popt; some need more (target-specific below).
CMD_LIBS  := $(shell pkg-config --libs popt json-c 2>/dev/null) -lpthread
$(B)/bin/smis-sim $(B)/bin/hyperv-sim: CMD_LIBS += $(shell pkg-config \
                                   --libs libmicrohttpd json-c 2>/dev/null)

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_HELPERS := $(filter-out $(UNIT_SRCS),$(wildcard tests/unit/*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(B)/tests/%)
BENCH_BIN := $(B)/tests/bench-decode

HEADERS := $(wildcard lib/include/sanprov/*.h)
MANPAGES := $(wildcard man/*.[1-8])

.PHONY: all check check-asan check-valgrind fuzz bench demo lint deps \
        deps-check install uninstall clean tests schema

all: $(LIB_SO) $(B)/libsanprov.so.$(SOVERSION) $(B)/libsanprov.so $(LIB_A) \
     $(CMDS)

# ---- library ----

$(B)/lib/%.o: lib/%.c $(HEADERS) $(wildcard lib/*/*.h) | deps-check
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(BASE_CFLAGS) $(SRC_CFLAGS) $(PKG_CFLAGS) -fPIC -fvisibility=hidden $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB_SO): $(LIB_OBJS) lib/libsanprov.sym
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) -shared -Wl,-soname,libsanprov.so.$(SOVERSION) \
	    -Wl,--version-script=lib/libsanprov.sym -Wl,--no-undefined \
	    $(LDFLAGS) -o $@ $(LIB_OBJS) $(PKG_LIBS)

$(B)/libsanprov.so.$(SOVERSION) $(B)/libsanprov.so: $(LIB_SO)
	$(Q)ln -sf $(notdir $(LIB_SO)) $@

$(LIB_A): $(LIB_OBJS)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

# sanprov.pc describes the installed layout, so it is written at install
# time with the PREFIX, LIBDIR and INCLUDEDIR of that install.
define write_pc
sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
    -e 's|@REQUIRES@|$(LIB_PKGS)|' sanprov.pc.in
endef

# ---- programs: public API only, linked against the shared library ----
# A program is cmd/NAME.c, plus cmd/NAME/*.c when it needs more than one
# file, plus the shared helper in cmd/common/.

# The RUNPATH leads from $(B)/bin to BUILD_LIBDIR in the build tree; the
# library is linked there when that is inside $(B).  A LIBDIR that is
# not near BINDIR (a path out of $(B)) gets $ORIGIN/.. after it instead,
# where the build tree keeps the library.
BUILD_LIBDIR := $(abspath $(B)/bin/$(RUNPATH_REL))
BUILD_LIB_LINK := $(if $(filter $(abspath $(B))/%,$(BUILD_LIBDIR)),$\
    $(BUILD_LIBDIR)/libsanprov.so.$(SOVERSION))
LINK_RUNPATH := $(if $(RUNPATH),$(RUNPATH)$(if $(BUILD_LIB_LINK)$(filter \
    $(abspath $(B)),$(BUILD_LIBDIR)),,:$$ORIGIN/..))

comma := ,
RUNPATH_FLAGS := $(if $(LINK_RUNPATH),'-Wl$(comma)-rpath$(comma)$(LINK_RUNPATH)' \
    -Wl$(comma)--enable-new-dtags)

ifneq ($(BUILD_LIB_LINK),)
$(BUILD_LIB_LINK): $(LIB_SO)
	@mkdir -p $(@D)
	$(Q)ln -sf "$$(realpath -m --relative-to='$(@D)' '$(LIB_SO)')" $@
endif

# Programs are linked again when their RUNPATH changes (another BINDIR or
# LIBDIR given to "make install"): the stamp is rewritten only then.
$(B)/runpath.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(LINK_RUNPATH)' | cmp -s - $@ || echo '$(LINK_RUNPATH)' >$@

.PHONY: FORCE
FORCE:

.SECONDEXPANSION:
$(B)/bin/%: cmd/%.c $$(wildcard cmd/$$*/*.c cmd/$$*/*.h) $(CMD_HELPER_SRCS) \
            $(wildcard cmd/common/*.h) $(HEADERS) $(BANNED_H) $(B)/libsanprov.so \
            $(B)/runpath.stamp $(BUILD_LIB_LINK)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CCLD    $@")
	$(Q)$(CC) $(BASE_CFLAGS) $(SRC_CFLAGS) -Icmd $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(wildcard cmd/$*/*.c) $(CMD_HELPER_SRCS) -L$(B) -lsanprov $(CMD_LIBS) \
	    $(RUNPATH_FLAGS)

# smis-sim serves CIM-XML with the library's CIM model and codec
# (lib/cim/cim.h, cimserver.h) and its buffers (lib/util/buf.h), which
# the shared library does not export: as curl's tool shares lib/curlx/,
# it shares the library's source, not its ABI, and links the static
# archive (the same objects), as the tests do.
# The simulators share one HTTP(S) server, cmd/simhttp/ (libmicrohttpd).
SIMHTTP_SRCS := $(wildcard cmd/simhttp/*.c)
$(B)/bin/smis-sim: cmd/smis-sim.c $(wildcard cmd/smis-sim/*.c cmd/smis-sim/*.h) \
                   $(SIMHTTP_SRCS) $(wildcard cmd/simhttp/*.h) \
                   $(CMD_HELPER_SRCS) $(wildcard cmd/common/*.h) $(HEADERS) \
                   $(wildcard lib/*/*.h) $(LIB_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CCLD    $@")
	$(Q)$(CC) $(BASE_CFLAGS) $(SRC_CFLAGS) -Icmd -Ilib $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(wildcard cmd/smis-sim/*.c) $(SIMHTTP_SRCS) $(CMD_HELPER_SRCS) $(LIB_A) \
	    $(PKG_LIBS) $(CMD_LIBS)

# hyperv-sim: the same server, libxml2 for its requests, libiscsi to log
# in to iSCSI portals as the host, libcurl for smis-sim's state.
HYPERV_SIM_LIBS := $(shell pkg-config --libs libiscsi 2>/dev/null)
$(B)/bin/hyperv-sim: cmd/hyperv-sim.c $(wildcard cmd/hyperv-sim/*.c cmd/hyperv-sim/*.h) \
                     $(SIMHTTP_SRCS) $(wildcard cmd/simhttp/*.h) \
                     $(CMD_HELPER_SRCS) $(wildcard cmd/common/*.h) $(HEADERS) \
                     $(wildcard lib/*/*.h) $(LIB_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CCLD    $@")
	$(Q)$(CC) $(BASE_CFLAGS) $(SRC_CFLAGS) -Icmd -Ilib $(PKG_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(wildcard cmd/hyperv-sim/*.c) $(SIMHTTP_SRCS) $(CMD_HELPER_SRCS) $(LIB_A) \
	    $(PKG_LIBS) $(CMD_LIBS) $(HYPERV_SIM_LIBS)

# ---- tests ----

$(B)/tests/test_%: tests/unit/test_%.c $(UNIT_HELPERS) tests/unit/testutil.h \
                  $(LIB_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CCLD    $@")
	$(Q)$(CC) $(BASE_CFLAGS) -Ilib $(PKG_CFLAGS) \
	    $(shell pkg-config --cflags $(TEST_PKGS)) $(CFLAGS) $(LDFLAGS) \
	    -o $@ $< $(UNIT_HELPERS) $(LIB_A) $(PKG_LIBS) $(shell pkg-config --libs $(TEST_PKGS))

$(B)/tests/%: tests/tools/%.c $(LIB_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CCLD    $@")
	$(Q)$(CC) $(BASE_CFLAGS) -Ilib $(PKG_CFLAGS) \
	    $(shell pkg-config --cflags $(TEST_PKGS)) $(CFLAGS) $(LDFLAGS) \
	    -o $@ $< $(LIB_A) $(PKG_LIBS) $(shell pkg-config --libs $(TEST_PKGS))

# The schema test links smis-sim's schema table and its lookups.
SIM_SCHEMA_SRCS := cmd/smis-sim/schema.c cmd/smis-sim/schema_decl.c
$(B)/tests/schemacheck: tests/tools/schemacheck.c $(SIM_SCHEMA_SRCS) \
                        cmd/smis-sim/schema.h $(LIB_A)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CCLD    $@")
	$(Q)$(CC) $(BASE_CFLAGS) -Ilib -Icmd/smis-sim $(PKG_CFLAGS) $(CFLAGS) \
	    $(LDFLAGS) -o $@ $< $(SIM_SCHEMA_SRCS) $(LIB_A) $(PKG_LIBS)

# smis-sim's schema table, cmd/smis-sim/schema.c, is generated from the
# DMTF CIM Schema MOFs (the reference data beside the source tree) for
# the classes cmd/smis-sim/schema.list names; "make schema" remakes it,
# tests/sh/t0105-smis-sim-schema.sh fails when it is stale.
SCHEMA_ZIP ?= $(or $(SANPROV_SHARED),../shared)/cim/schema/cim_schema_2.49.0Final-MOFs.zip
schema: $(B)/tests/mofgen
	$(B)/tests/mofgen $(SCHEMA_ZIP) cmd/smis-sim/schema.list \
	    >cmd/smis-sim/schema.c.tmp
	mv cmd/smis-sim/schema.c.tmp cmd/smis-sim/schema.c

# ---- fuzz targets replayed without libFuzzer ----
# Each tests/fuzz/fuzz_*.c linked with tests/fuzz/replay.c (a main() that
# feeds it corpus files) as $(B)/tests/fuzz-replay-TARGET, built by any
# compiler; tests/sh/t0900-fuzz-corpus.sh replays tests/fuzz/corpus/TARGET.
# "make fuzz" builds the real libFuzzer binaries (tests/fuzz/run.sh).
FUZZ_TARGETS := $(basename $(notdir $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_REPLAY_BINS := $(FUZZ_TARGETS:%=$(B)/tests/fuzz-replay-%)

# A parser of smis-sim's, fuzz_sim_NAME, is fuzzed alone with its source,
# cmd/smis-sim/NAME.c (as tests/fuzz/run.sh does); fuzz_hv_NAME with
# hyperv-sim's decoder.
fuzz_sim_src = $(if $(filter fuzz_sim_%,$(1)),cmd/smis-sim/$(1:fuzz_sim_%=%).c)$\
    $(if $(filter fuzz_hv_%,$(1)), $(HV_DECODER_SRCS))
# hyperv-sim's request decoder: the envelope and the WQL of its filters.
HV_DECODER_SRCS := cmd/hyperv-sim/request.c cmd/hyperv-sim/wql.c

$(B)/tests/fuzz-replay-%: tests/fuzz/%.c tests/fuzz/replay.c $(LIB_A) \
                          $$(call fuzz_sim_src,$$*)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CCLD    $@")
	$(Q)$(CC) $(BASE_CFLAGS) -Ilib $(PKG_CFLAGS) $(CFLAGS) $(LDFLAGS) \
	    -o $@ $< tests/fuzz/replay.c $(call fuzz_sim_src,$*) $(LIB_A) \
	    $(PKG_LIBS)

tests: all $(UNIT_BINS) $(TOOL_BINS) $(FUZZ_REPLAY_BINS)

# The README's test command.  Installs missing packages first when root.
# The tests also build the Debian packages (t0002) and try the zsh
# completions (t0090).
check: DEB_PKGS += dpkg-dev debhelper lintian zsh
check: deps
	@$(MAKE) --no-print-directory tests
	@B=$(B) VALGRIND=$(VALGRIND) CFLAGS="$(CFLAGS)" LDFLAGS="$(LDFLAGS)" \
	    sh tests/run.sh

check-asan: deps
	@$(MAKE) --no-print-directory B=build-asan \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    LDFLAGS="-fsanitize=address,undefined" check

check-valgrind: deps
	@$(MAKE) --no-print-directory B=build-valgrind CFLAGS="-O1 -g" \
	    VALGRIND=1 check

FUZZ_SECONDS ?= 60
fuzz: deps
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ_TARGETS)

# The deploy bench compares with virt-clone (package virtinst).
bench: DEB_PKGS += virtinst
bench: deps
	@$(MAKE) --no-print-directory tests
	@B=$(B) sh tests/bench/run.sh && echo && B=$(B) sh tests/bench/storage.sh \
	    && echo && B=$(B) sh tests/bench/sim-state.sh \
	    && echo && B=$(B) sh tests/bench/local.sh && echo && B=$(B) sh tests/bench/deploy.sh \
	    && echo && B=$(B) sh tests/bench/wsman.sh

# The README's main job: VMs deployed by SAN copy into the local libvirt,
# on the embedded default configuration, and removed again.
demo: deps
	@$(MAKE) --no-print-directory all
	@B=$(B) sh tests/demo.sh

# ---- quality ----

lint:
	@! git grep -n -E '^(<{7}|>{7})( |$$)' -- . ':!*.orig' || \
	    { echo 'lint: conflict markers left in the files above' >&2; exit 1; }
	clang-format --dry-run --Werror $(shell git ls-files '*.c' '*.h')
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --inline-suppr --suppress=missingIncludeSystem -Ilib/include -Icmd \
	    -D__GNUC__ lib cmd tests/unit tests/tools tests/fuzz
	shellcheck -x .ci/run tests/*.sh tests/*/*.sh
	shellcheck -s bash completions/*.bash
	mandoc -T lint -W warning $(MANPAGES)

# Missing packages: installed when root, else the one line to run.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	        grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then \
	        echo "installing:$$missing"; \
	        DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing \
	            >/dev/null || { apt-get update -q >/dev/null && \
	        DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing \
	            >/dev/null; } || exit 1; \
	    else \
	        echo "missing build dependencies; run:"; \
	        echo "  sudo apt-get install$$missing"; exit 1; \
	    fi; \
	fi

# A cheap guard for plain "make": say what is missing instead of a
# compiler error about a header.
# The simulators' libraries too (libmicrohttpd, libiscsi for hyperv-sim).
SIM_PKGS := libmicrohttpd libiscsi
deps-check:
	@pkg-config --exists $(LIB_PKGS) $(SIM_PKGS) || { \
	    echo "missing libraries ($(LIB_PKGS) $(SIM_PKGS)); run 'make deps'"; \
	    exit 1; }

# ---- install ----

# The installed name of completions/$f: NAME.bash goes in as NAME (what
# bash-completion loads for the command NAME), the helper they source
# keeps its name.
bashcomp_name = $$(case $$f in */sanprov-common.bash) basename $$f ;; \
    *) basename $$f .bash ;; esac)

install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/sanprov \
	    $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(BINDIR)
	install -m 755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(LIB_SO)) $(DESTDIR)$(LIBDIR)/libsanprov.so.$(SOVERSION)
	ln -sf $(notdir $(LIB_SO)) $(DESTDIR)$(LIBDIR)/libsanprov.so
	install -m 644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/sanprov/
	$(write_pc) > $(DESTDIR)$(PKGCONFIGDIR)/sanprov.pc
	$(if $(CMDS),install -m 755 $(CMDS) $(DESTDIR)$(BINDIR)/)
	for m in $(MANPAGES); do \
	    s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s; \
	    install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
	if [ -n "$$(ls completions/*.bash 2>/dev/null)" ]; then \
	    install -d $(DESTDIR)$(BASHCOMPDIR); \
	    for f in completions/*.bash; do \
	        install -m 644 $$f $(DESTDIR)$(BASHCOMPDIR)/$(bashcomp_name); \
	    done; fi
	if [ -n "$$(ls completions/_* 2>/dev/null)" ]; then \
	    install -d $(DESTDIR)$(ZSHCOMPDIR); \
	    install -m 644 completions/_* $(DESTDIR)$(ZSHCOMPDIR)/; fi
	$(ldconfig)

# Installed into the system (root, no DESTDIR): the dynamic linker's cache
# learns of the library (or forgets it).  "LDCONFIG=" leaves it alone.
LDCONFIG ?= ldconfig
ldconfig = $(if $(DESTDIR),,$(if $(LDCONFIG),@if [ "$$(id -u)" = 0 ]; then \
    echo $(LDCONFIG); PATH="$$PATH:/sbin:/usr/sbin" && $(LDCONFIG); fi))

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libsanprov.so* $(DESTDIR)$(LIBDIR)/libsanprov.a
	rm -f $(DESTDIR)$(PKGCONFIGDIR)/sanprov.pc
	rm -rf $(DESTDIR)$(INCLUDEDIR)/sanprov
	for c in $(notdir $(CMDS)); do rm -f $(DESTDIR)$(BINDIR)/$$c; done
	for m in $(MANPAGES); do s=$${m##*.}; \
	    rm -f $(DESTDIR)$(MANDIR)/man$$s/$$(basename $$m); done
	for f in completions/*.bash; do [ -e "$$f" ] || continue; \
	    rm -f $(DESTDIR)$(BASHCOMPDIR)/$(bashcomp_name); done
	for f in completions/_*; do [ -e "$$f" ] || continue; \
	    rm -f $(DESTDIR)$(ZSHCOMPDIR)/$$(basename $$f); done
	$(ldconfig)

clean:
	rm -rf build build-*
