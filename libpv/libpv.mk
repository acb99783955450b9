# libpv: included by makefiles that build PV kernels.
# Needs LIBPV_DIR (this directory), PROTOCOL_DIR and LIBPV_BUILD (objects).

LIBPV_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -fno-builtin -nostdlib -fno-common \
	-mno-red-zone -fno-pic -fno-pie -mcmodel=kernel \
	-fno-stack-protector -fno-asynchronous-unwind-tables \
	-fcf-protection=none -Wno-format-zero-length \
	-I$(LIBPV_DIR)/include -I$(PROTOCOL_DIR) -I$(LIBPV_DIR)/../hyp/include \
	-MMD -MP
# Everything but code that tests the FPU stays out of SSE registers.
LIBPV_GPR_CFLAGS := -mgeneral-regs-only
LIBPV_ASFLAGS := $(LIBPV_CFLAGS) -D__ASSEMBLER__
LIBPV_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack \
	--no-dynamic-linker --build-id=none --no-warn-rwx-segments -T $(LIBPV_DIR)/guest.lds

LIBPV_SRCS := $(sort $(wildcard $(LIBPV_DIR)/*.c $(LIBPV_DIR)/*.S))
LIBPV_OBJS := $(patsubst $(LIBPV_DIR)/%,$(LIBPV_BUILD)/%.o,$(LIBPV_SRCS)) \
	$(LIBPV_BUILD)/shared/string.c.o
LIBPV_LIB := $(LIBPV_BUILD)/libpv.a

$(LIBPV_BUILD)/%.c.o: $(LIBPV_DIR)/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      libpv/$*.c"
	$(Q)$(CC) $(LIBPV_CFLAGS) $(LIBPV_GPR_CFLAGS) -c $< -o $@

# The hypervisor's string routines and vsnprintf, shared with guests.
$(LIBPV_BUILD)/shared/string.c.o: $(LIBPV_DIR)/../hyp/common/string.c
	@mkdir -p $(dir $@)
	@echo "  CC      hyp/common/string.c (libpv)"
	$(Q)$(CC) $(LIBPV_CFLAGS) $(LIBPV_GPR_CFLAGS) -c $< -o $@

$(LIBPV_BUILD)/%.S.o: $(LIBPV_DIR)/%.S
	@mkdir -p $(dir $@)
	@echo "  AS      libpv/$*.S"
	$(Q)$(CC) $(LIBPV_ASFLAGS) -c $< -o $@

$(LIBPV_LIB): $(LIBPV_OBJS)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

-include $(LIBPV_OBJS:.o=.d)
