# imakexec-trace: BPF tracking of the IMA measurement list across kexec.
# Pattern of libbpf-tools / libbpf-bootstrap: BPF object -> skeleton -> tool.
OUTPUT ?= .output
CLANG ?= clang
BPFTOOL ?= bpftool
LLVM_STRIP ?= llvm-strip
ARCH ?= x86
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
# systemd-shutdown reads its hooks only from here, whatever PREFIX is
SHUTDOWNDIR ?= /usr/lib/systemd/system-shutdown

CFLAGS ?= -g -O2
CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror
# the tool: everything in user/ sees the skeleton, bpf/ and the IMA library
CPPFLAGS += -I$(OUTPUT) -Ibpf -Iuser -Iuser/ima -Iuser/evidence -Iuser/exec
# tpm2-tss: ESAPI and the TCTI loader for evidence / ak create (tpm.c),
# tss2-mu for parsing quotes (verify --evidence needs no TPM)
TSS_LDLIBS := -ltss2-esys -ltss2-tctildr -ltss2-mu -ltss2-rc
LDLIBS += -lbpf -lelf -lz -lcrypto -lm $(TSS_LDLIBS)
# user/ima/ (libima.a): the IMA log, PCR and record code. It sees only its
# own headers (no skeleton, no bpf/, no user/): an include of tracker or BPF
# headers from there fails to build. Its tests and fuzzers link only it.
IMA_CPPFLAGS := -Iuser/ima
IMA_LDLIBS := -lcrypto
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

BPF_SRCS := $(wildcard bpf/*.bpf.c)
BPF_OBJS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.o,$(BPF_SRCS))
SKELS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))
IMA_SRCS := $(wildcard user/ima/*.c)
LIBIMA := $(OUTPUT)/libima.a
SAN_LIBIMA := $(OUTPUT)/asan/libima.a
FUZZ_LIBIMA := $(OUTPUT)/fuzz/libima.a
# user/evidence/: the evidence file, quote checks and the TPM side
EV_SRCS := $(wildcard user/evidence/*.c)
# user/exec/: what `exec` does besides its command (reload, unload, waits)
EXEC_SRCS := $(wildcard user/exec/*.c)
LIB_SRCS := $(filter-out user/main.c,$(wildcard user/*.c)) $(EV_SRCS) $(EXEC_SRCS)
LIB_OBJS := $(patsubst user/%.c,$(OUTPUT)/user/%.o,$(LIB_SRCS))
SAN_OBJS := $(patsubst user/%.c,$(OUTPUT)/asan/%.o,$(LIB_SRCS))
TEST_SRCS := $(wildcard tests/unit/test_*.c)
# unit tests of the IMA library alone (libima.a + libcrypto)
IMA_TEST_NAMES := test_imalog test_kexec_event test_pcrs test_record test_replay test_ascii
TESTS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(TEST_SRCS))
SAN_TESTS := $(patsubst tests/unit/%.c,$(OUTPUT)/asan/tests/%,$(TEST_SRCS))
IMA_TESTS := $(addprefix $(OUTPUT)/tests/,$(IMA_TEST_NAMES))
SAN_IMA_TESTS := $(addprefix $(OUTPUT)/asan/tests/,$(IMA_TEST_NAMES))
# unit tests of bpf/ headers that the BPF object and the host both compile
# (the guard's decision, bpf/guard_decide.h): those headers and libc only
BPF_TEST_NAMES := test_guard_decide
BPF_TEST_HDRS := bpf/guard_decide.h bpf/imakexec.h bpf/kexec_record.h
BPF_TESTS := $(addprefix $(OUTPUT)/tests/,$(BPF_TEST_NAMES))
SAN_BPF_TESTS := $(addprefix $(OUTPUT)/asan/tests/,$(BPF_TEST_NAMES))
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(OUTPUT)/fuzz/%,$(FUZZ_SRCS))
FUZZ_FLAGS := -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror $(FUZZ_FLAGS)
# make fuzz: 3 min per target, one at a time (README "Fuzzing": from the
# seeds the list, record and pcrs parsers still found new coverage after
# 115-175 s, the evidence parser after 62 s, the kexec payload after 4 s)
FUZZ_SECONDS ?= 180
# make check (fuzz-regress): replay, then a short bounded run per target
FUZZ_CHECK_SECONDS ?= 5
APP := $(OUTPUT)/imakexec-trace
# the VM guest's load generator (static: the initramfs has no libc)
BURST := $(OUTPUT)/ikt-burst
# the guest's raw-syscall test program (the guard's ABI forms)
ABI := $(OUTPUT)/ikt-abi
DEPS_STAMP := $(OUTPUT)/.deps

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.PHONY: all deps check unit vmcheck demo clean install fuzz fuzz-regress bench kernels gapcheck matrix mutate
all: $(APP) $(BURST) $(ABI)

deps: $(DEPS_STAMP)
$(DEPS_STAMP):
	$(Q)mkdir -p $(OUTPUT)
	$(Q)scripts/install-deps
	$(Q)touch $@

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) vmlinux/$(ARCH)/vmlinux.h | $(DEPS_STAMP)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -Wall -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) \
		-Ivmlinux/$(ARCH) -Ibpf -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(OUTPUT)/user/%.o: user/%.c $(wildcard user/*.h user/ima/*.h user/evidence/*.h user/exec/*.h) bpf/imakexec.h $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# libima.a, plain / sanitizers / fuzzer-instrumented: one archive per flavour
$(OUTPUT)/ima/%.o: user/ima/%.c $(wildcard user/ima/*.h)
	$(call msg,CC-IMA,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(IMA_CPPFLAGS) $(CFLAGS) -c $< -o $@
$(OUTPUT)/asan/ima/%.o: user/ima/%.c $(wildcard user/ima/*.h)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(IMA_CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) -c $< -o $@
$(OUTPUT)/fuzz/ima/%.o: user/ima/%.c $(wildcard user/ima/*.h)
	$(call msg,CC-FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(IMA_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(LIBIMA): $(patsubst user/ima/%.c,$(OUTPUT)/ima/%.o,$(IMA_SRCS))
$(SAN_LIBIMA): $(patsubst user/ima/%.c,$(OUTPUT)/asan/ima/%.o,$(IMA_SRCS))
$(FUZZ_LIBIMA): $(patsubst user/ima/%.c,$(OUTPUT)/fuzz/ima/%.o,$(IMA_SRCS))
$(LIBIMA) $(SAN_LIBIMA) $(FUZZ_LIBIMA):
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BURST): tests/vm/ikt-burst.c | $(DEPS_STAMP)
	$(call msg,STATIC,$@)
	$(Q)$(CC) $(CFLAGS) -static $< -o $@

$(ABI): tests/vm/ikt-abi.c bpf/imakexec.h | $(DEPS_STAMP)
	$(call msg,STATIC,$@)
	$(Q)$(CC) $(CFLAGS) -Ibpf -static $< -o $@

$(APP): $(OUTPUT)/user/main.o $(LIB_OBJS) $(LIBIMA)
	$(call msg,BINARY,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

# tests of the IMA library: its headers and archive only
$(IMA_TESTS): $(OUTPUT)/tests/%: tests/unit/%.c $(LIBIMA)
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(IMA_CPPFLAGS) -Itests/unit $(CFLAGS) $^ $(IMA_LDLIBS) -lcmocka -o $@

# tests of the shared BPF/host headers: bpf/ only, no tracker, no skeleton
$(BPF_TESTS): $(OUTPUT)/tests/%: tests/unit/%.c $(BPF_TEST_HDRS)
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -Ibpf $(CFLAGS) $< -lcmocka -o $@

$(filter-out $(IMA_TESTS) $(BPF_TESTS),$(TESTS)): $(OUTPUT)/tests/%: tests/unit/%.c $(LIB_OBJS) $(LIBIMA)
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $^ $(LDLIBS) -lcmocka -o $@

$(OUTPUT)/asan/%.o: user/%.c $(wildcard user/*.h user/ima/*.h user/evidence/*.h user/exec/*.h) bpf/imakexec.h $(SKELS)
	$(call msg,CC-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(SAN_IMA_TESTS): $(OUTPUT)/asan/tests/%: tests/unit/%.c $(SAN_LIBIMA)
	$(call msg,TEST-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(IMA_CPPFLAGS) -Itests/unit $(CFLAGS) $(SAN_FLAGS) $^ $(IMA_LDLIBS) -lcmocka -o $@

$(SAN_BPF_TESTS): $(OUTPUT)/asan/tests/%: tests/unit/%.c $(BPF_TEST_HDRS)
	$(call msg,TEST-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -Ibpf $(CFLAGS) $(SAN_FLAGS) $< -lcmocka -o $@

$(filter-out $(SAN_IMA_TESTS) $(SAN_BPF_TESTS),$(SAN_TESTS)): $(OUTPUT)/asan/tests/%: tests/unit/%.c $(SAN_OBJS) $(SAN_LIBIMA)
	$(call msg,TEST-SAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) $^ $(LDLIBS) -lcmocka -o $@

# libFuzzer targets (clang): every target parses input with the IMA
# library alone, instrumented (fuzz/libima.a). `make fuzz` runs every target
# FUZZ_SECONDS seconds after replaying its corpus and saved crashers, one
# process at a time, and merges what adds coverage into tests/fuzz/corpus
# (-merge=1); `make fuzz-regress` (part of `make check`) replays them, then
# fuzzes FUZZ_CHECK_SECONDS per target.
$(OUTPUT)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIBIMA)
	$(call msg,FUZZER,$@)
	$(Q)$(CLANG) $(IMA_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ $(IMA_LDLIBS) -o $@

# the evidence parser: the container and the quote's tss2-mu structures
EV_FUZZ_SRCS := user/evidence/evfile.c user/evidence/quote.c
$(OUTPUT)/fuzz/fuzz_evidence: tests/fuzz/fuzz_evidence.c $(EV_FUZZ_SRCS) $(wildcard user/evidence/*.h) $(FUZZ_LIBIMA)
	$(call msg,FUZZER,$@)
	$(Q)$(CLANG) $(IMA_CPPFLAGS) -Iuser/evidence $(FUZZ_CFLAGS) -fsanitize=fuzzer \
		$(filter %.c %.a,$^) -ltss2-mu $(IMA_LDLIBS) -o $@

fuzz: $(FUZZ_BINS)
	$(Q)tests/fuzz/run --grow $(FUZZ_SECONDS) $(FUZZ_BINS)

fuzz-regress: $(FUZZ_BINS)
	$(Q)tests/fuzz/run $(FUZZ_CHECK_SECONDS) $(FUZZ_BINS)

# Unit tests, plain and under ASan+UBSan+LSan; first, the library boundary:
# user/ima/ must not reach the tracker, the skeleton or bpf/ headers.
unit: $(TESTS) $(SAN_TESTS) $(LIBIMA)
	$(Q)for h in tracker.h imakexec.skel.h imakexec.h hooks.h; do \
		if echo "#include \"$$h\"" | $(CC) $(IMA_CPPFLAGS) -fsyntax-only -x c - 2>/dev/null; then \
			echo "libima boundary: $$h is reachable with IMA_CPPFLAGS ($(IMA_CPPFLAGS))" >&2; exit 1; fi; \
	done
	$(Q)if nm -u $(LIBIMA) | grep -E ' (bpf|btf|elf|gz|inflate|deflate)_?' >&2; then \
		echo "libima boundary: libima.a needs the symbols above (only libc and libcrypto allowed)" >&2; exit 1; fi
	$(Q)echo "libima boundary: tracker, skeleton and bpf/ headers unreachable; libima.a needs only libc and libcrypto"
	$(Q)tests/run-unit $(TESTS) $(SAN_TESTS)

# Everything: unit tests, then the VM scenarios on real kernels.
check: all unit fuzz-regress
	$(Q)tests/cli/run $(APP)
	$(Q)tests/evidence/run $(APP)
	$(Q)scripts/install-deps --vm
	$(Q)tests/evmctl-crosscheck $(APP)
	$(Q)tests/vm/judge/run
	$(Q)$(MAKE) --no-print-directory vmcheck
	@echo "SKIP patch-prefixes: every prefix of kernel/patches/6.1 builds and boots (7 kernel builds); run: make matrix (scripts/patch-prefixes)"

# Mutation run (not part of make check; README "Mutation run"): each mutant
# of tests/mutate/mutants applied to one scratch copy of the tree, rebuilt
# incrementally, and some host test must fail; exit 1 if one survives.
mutate:
	$(Q)tests/mutate/run

# VM scenarios (QEMU + swtpm) on five kernels: Debian 12's and Debian
# unstable's stock kernels (fetched), baseline and patched (built on first
# use), and Debian 13's stock kernel (fetched; a light kernel: only the
# scenarios marked "# IKT-SET: light" in make check, the systemd guest on
# the Debian 13 image); all cached in $${IMAKEXEC_CACHE:-/var/cache/imakexec}.
# The mainline reference (a 36 min build, left to make matrix) runs when it
# is cached; otherwise its scenarios are SKIP lines with the command that
# builds it.
VM_KERNELS ?= stock,unstable,trixie,baseline,patched,mainline
vmcheck: all
	$(Q)scripts/install-deps --vm
	$(Q)tests/vm/run -j 2 --kernel $(VM_KERNELS)

# Every VM scenario, the long ones too (the systemd guest's plain-Debian
# and legacy-load runs, marked "# IKT-SET: matrix"), on every kernel, and
# every prefix of the 6.1 patch series built and booted.
# Also upstream's own fix as the reference (mainline: Debian unstable's
# linux-source-7.x with CONFIG_IMA_KEXEC, built here if not cached).
matrix: all
	$(Q)scripts/install-deps --vm
	$(Q)IKT_BUILD_MAINLINE=1 tests/vm/run -j 2 --all --kernel $(VM_KERNELS),deb13
	$(Q)scripts/patch-prefixes

# Test kernels, cached (cold: ~34 min baseline, a few minutes patched on 2 cores)
kernels:
	$(Q)scripts/build-kernel baseline
	$(Q)scripts/build-kernel patched

# make gapcheck [KERNEL=bzImage] [N=5] [JUNIT=file.xml]
gapcheck: all
	$(Q)scripts/install-deps --vm
	$(Q)scripts/gapcheck $${KERNEL:-$$(scripts/fetch-stock-kernel)} --measurements $(or $(N),5) $(if $(JUNIT),--junit $(JUNIT))

demo: all
	$(Q)scripts/install-deps --vm
	$(Q)scripts/demo

# binary, man page, systemd unit (attach --guard at boot) and the
# system-shutdown hook (exec right before systemd's kexec -e)
install: all
	install -D -m 0755 $(APP) $(DESTDIR)$(SBINDIR)/imakexec-trace
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(SYSTEMDDIR) $(DESTDIR)$(SHUTDOWNDIR)
	gzip -9n < man/imakexec-trace.1 > $(DESTDIR)$(MANDIR)/man1/imakexec-trace.1.gz
	sed 's|@SBINDIR@|$(SBINDIR)|g' systemd/imakexec-trace.service.in \
		> $(DESTDIR)$(SYSTEMDDIR)/imakexec-trace.service
	sed 's|@SBINDIR@|$(SBINDIR)|g' systemd/imakexec-trace-stage.service.in \
		> $(DESTDIR)$(SYSTEMDDIR)/imakexec-trace-stage.service
	sed 's|@SBINDIR@|$(SBINDIR)|g' systemd/imakexec-trace.shutdown.in \
		> $(DESTDIR)$(SHUTDOWNDIR)/imakexec-trace
	chmod 0755 $(DESTDIR)$(SHUTDOWNDIR)/imakexec-trace
	rm -f $(DESTDIR)$(SYSTEMDDIR)/systemd-kexec.service.d/imakexec-audit.conf

# Debian package: imakexec-trace_<version>_amd64.deb (debhelper, built in a
# copy of the tree under $(OUTPUT)/deb; version from git describe,
# SOURCE_DATE_EPOCH from the last commit), then tests/deb/run checks its
# contents and maintainer scripts. Needs debhelper, dpkg-dev (and the
# Build-Depends); not part of make check. README: "Debian package".
# make deb SUITE=trixie: the package for Debian 13, built in a cached
# trixie build chroot (scripts/build-chroot), in $(OUTPUT)/deb-trixie.
.PHONY: deb
deb:
	$(Q)scripts/mkdeb $(if $(SUITE),--suite $(SUITE) $(abspath $(OUTPUT))/deb-$(SUITE),$(abspath $(OUTPUT))/deb)

clean:
	rm -rf $(OUTPUT)

.DELETE_ON_ERROR:
.SECONDARY:

# benchmarks
# `make bench` (not part of `make check`): bench/run runs every executable
# part in bench/: bench/replay (verify vs evmctl vs the hashing floor of
# bench/hashfloor.c) and bench/vm (tracer overhead, ring-buffer burst and CLI
# latency in a QEMU guest, -icount). BENCH_RUNS=N sets the rounds per part.
BENCH_OUT := $(OUTPUT)/bench
HASHFLOOR := $(BENCH_OUT)/hashfloor

$(HASHFLOOR): bench/hashfloor.c
	$(call msg,BENCH,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $< -lcrypto -o $@

bench: $(APP) $(BURST) $(HASHFLOOR)
	$(Q)OUTPUT=$(OUTPUT) bench/run
