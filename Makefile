# Lamina: top-level build. `make help` lists the targets.

BUILD ?= build
override BUILD := $(abspath $(BUILD))
TOP := $(abspath .)
PY := /usr/bin/python3
VERSION := 0.1.0

# The default build keeps its configuration at the root (.config); other
# build directories (test variants) keep theirs inside themselves.
ifeq ($(BUILD),$(TOP)/build)
KCONFIG_CONFIG ?= $(TOP)/.config
else
KCONFIG_CONFIG ?= $(BUILD)/.config
endif
CONFIG_FRAGMENTS ?=
AUTOCONF := $(BUILD)/include/generated/autoconf.h

# V=1 shows every command.
ifeq ($(V),1)
Q :=
else
Q := @
endif

CC := gcc
LD := ld
NM := nm

HYP_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -fno-builtin -nostdlib -fno-common \
	-mno-red-zone -mgeneral-regs-only -fpie -fno-plt \
	-fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer -fcf-protection=none \
	-include $(TOP)/hyp/include/lamina/compiler.h \
	-I$(TOP)/hyp/include -I$(TOP)/hyp/arch/x86/include -I$(TOP)/protocol \
	-I$(BUILD)/include -MMD -MP -DLAMINA_VERSION='"$(VERSION)"'
HYP_ASFLAGS := $(filter-out -include $(TOP)/hyp/include/lamina/compiler.h,$(HYP_CFLAGS)) -D__ASSEMBLER__
HYP_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack \
	--no-dynamic-linker --build-id=none

HYP_SRCS := $(sort $(wildcard hyp/common/*.c hyp/arch/x86/*.c hyp/arch/x86/*.S \
	hyp/arch/x86/boot/*.S))
HYP_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(HYP_SRCS)))

.PHONY: all ctrl-domain guests iso deps test test-xen-diff test-linux test-unit test-system test-fuzz fuzz-long run bench clean \
	defconfig olddefconfig menuconfig help hyp-size

all: $(BUILD)/lamina.elf $(BUILD)/lamina.gz ctrl-domain

# Control-domain tools: static musl binaries in $(BUILD)/ctrl-domain/.
ctrl-domain:
	$(MAKE) -C ctrl-domain BUILD=$(BUILD)

help:
	@echo "make              build build/lamina.elf and build/lamina.gz"
	@echo "make iso          GRUB (multiboot2) ISO: build/lamina.iso"
	@echo "make run          boot Lamina in QEMU (serial on this terminal)"
	@echo "make test         every test: unit, fuzz smoke, system (QEMU)"
	@echo "make deps         install the Debian packages the build needs"
	@echo "make defconfig | olddefconfig | menuconfig"
	@echo "make bench        benchmarks"
	@echo "variables: BUILD=dir, CONFIG_FRAGMENTS=file..., QEMU_ARGS=..."

# ---- configuration --------------------------------------------------------

KCONFIG := $(PY) $(TOP)/scripts/kconfig.py --kconfig $(TOP)/Kconfig \
	--config $(KCONFIG_CONFIG)

defconfig:
	$(KCONFIG) defconfig $(addprefix --fragment ,$(CONFIG_FRAGMENTS))

olddefconfig:
	$(KCONFIG) olddefconfig

menuconfig:
	$(KCONFIG) menuconfig

$(KCONFIG_CONFIG):
	$(KCONFIG) defconfig $(addprefix --fragment ,$(CONFIG_FRAGMENTS))

# Regenerated whenever the config or Kconfig changes; the script keeps
# the header's timestamp when its contents are the same.
$(AUTOCONF): $(KCONFIG_CONFIG) $(TOP)/Kconfig
	$(KCONFIG) header --header $@

# ---- the hypervisor -------------------------------------------------------

$(BUILD)/hyp/%.o: hyp/%.c $(AUTOCONF)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(HYP_CFLAGS) -c $< -o $@

$(BUILD)/hyp/%.o: hyp/%.S $(AUTOCONF)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(HYP_ASFLAGS) -c $< -o $@

$(BUILD)/lamina.lds: hyp/arch/x86/lamina.lds.in $(AUTOCONF)
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -x c -D__ASSEMBLER__ -I$(TOP)/hyp/arch/x86/include \
		-I$(BUILD)/include $< -o $@

# Two links: the first gives the addresses the symbol table is built from;
# the table adds only read-only data, so text addresses stay the same.
$(BUILD)/lamina-nosyms.elf: $(HYP_OBJS) $(BUILD)/lamina.lds
	@echo "  LD      $@"
	$(Q)$(LD) $(HYP_LDFLAGS) -T $(BUILD)/lamina.lds $(HYP_OBJS) -o $@

$(BUILD)/symbols.c: $(BUILD)/lamina-nosyms.elf scripts/gensyms.py
	$(Q)$(NM) -n $< | $(PY) scripts/gensyms.py $(AUTOCONF) > $@

$(BUILD)/symbols.o: $(BUILD)/symbols.c
	$(Q)$(CC) $(HYP_CFLAGS) -c $< -o $@

$(BUILD)/lamina.elf: $(HYP_OBJS) $(BUILD)/symbols.o $(BUILD)/lamina.lds scripts/check_image.py
	@echo "  LD      $@"
	$(Q)$(LD) $(HYP_LDFLAGS) -T $(BUILD)/lamina.lds $(HYP_OBJS) \
		$(BUILD)/symbols.o -o $@
	$(Q)$(PY) scripts/check_image.py $@ $(BUILD)/lamina-nosyms.elf

$(BUILD)/lamina.gz: $(BUILD)/lamina.elf
	$(Q)gzip -9 -n -c $< > $@

ISO_CMDLINE ?=
iso: $(BUILD)/lamina.iso
$(BUILD)/lamina.iso: $(BUILD)/lamina.gz scripts/mkiso.py
	$(PY) scripts/mkiso.py --hypervisor $(BUILD)/lamina.gz \
		--cmdline "$(ISO_CMDLINE)" --output $@

hyp-size:
	@$(PY) scripts/count_lines.py hyp

# ---- set-up, running, tests -----------------------------------------------

deps:
	@$(PY) scripts/deps.py

QEMU_ARGS ?=
run: deps
	$(MAKE) all
	$(PY) scripts/ctrl_domain.py --build $(BUILD)
	$(PY) scripts/run.py --build $(BUILD) $(QEMU_ARGS)

UNIT_DIRS := $(sort $(dir $(wildcard tests/unit/*/Makefile)))
FUZZ_DIRS := $(sort $(dir $(wildcard tests/fuzz/*/Makefile)))
BENCH_DIRS := $(sort $(dir $(wildcard tests/bench/*/Makefile)))

guests:
	$(MAKE) -C tests/guests BUILD=$(BUILD)

test: deps
	$(MAKE) all
	$(MAKE) guests
	$(MAKE) test-unit
	$(MAKE) test-fuzz
	$(MAKE) test-system
	$(MAKE) test-linux

# Debian's kernel as the control domain, on Xen 4.17 and on Lamina.
test-linux:
	$(PY) scripts/ctrl_domain.py --build $(BUILD)
	LAMINA_BUILD=$(BUILD) $(PY) -m pytest -q -p no:cacheprovider tests/linux

test-unit:
	@set -e; for d in $(UNIT_DIRS); do \
		echo "== unit: $$d"; \
		$(MAKE) --no-print-directory -C $$d BUILD=$(BUILD) check; \
	done

test-fuzz:
	@set -e; for d in $(FUZZ_DIRS); do \
		echo "== fuzz smoke: $$d"; \
		$(MAKE) --no-print-directory -C $$d BUILD=$(BUILD) smoke; \
	done

test-system:
	LAMINA_BUILD=$(BUILD) $(PY) -m pytest -q -p no:cacheprovider tests/system

# The hypercall fuzzer (tests/system/test_fuzz.py) for MINUTES minutes
# instead of the 60-second smoke; LAMINA_FUZZ_SEEDS=a,b for other seeds.
MINUTES ?= 10
fuzz-long: all guests
	LAMINA_BUILD=$(BUILD) LAMINA_FUZZ_MINUTES=$(MINUTES) $(PY) -m pytest \
		-q -s -p no:cacheprovider tests/system/test_fuzz.py

# The conformance guests on Xen 4.17 and on Lamina: every check must agree
# unless docs/abi-deviations.md explains the difference.
test-xen-diff: deps
	$(MAKE) all guests
	LAMINA_BUILD=$(BUILD) $(PY) -m pytest -q -p no:cacheprovider \
		tests/system/test_guests_xen.py tests/system/test_guests_lamina.py

bench: deps all
	@set -e; for d in $(BENCH_DIRS); do \
		$(MAKE) --no-print-directory -C $$d BUILD=$(BUILD) bench; \
	done

clean:
	rm -rf $(BUILD)/hyp $(BUILD)/include $(BUILD)/*.elf $(BUILD)/*.gz \
		$(BUILD)/*.iso $(BUILD)/symbols.* $(BUILD)/lamina.lds

-include $(HYP_OBJS:.o=.d)
