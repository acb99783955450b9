// SPDX-License-Identifier: MIT
#include <stdint.h>
#include <asm/layout.h>
#include <asm/uaccess.h>
#include <xen/errno.h>

extern char guest_copy_insn[], guest_copy_fault[];
size_t raw_guest_copy(void *dst, const void *src, size_t len);

bool guest_range_ok(uint64_t va, size_t len)
{
	uint64_t last = va + len - 1;

	if (!len)
		return true;
	if (last < va || !is_canonical(va) || !is_canonical(last))
		return false;
	/* Both ends in one half, and neither touching the hypervisor range. */
	if ((va >> 63) != (last >> 63))
		return false;
	return last < HYP_RESERVED_START || va >= HYP_RESERVED_END;
}

int copy_from_guest(void *dst, uint64_t guest_va, size_t len)
{
	if (!guest_range_ok(guest_va, len))
		return -XEN_EFAULT;
	return raw_guest_copy(dst, (const void *)guest_va, len) ? -XEN_EFAULT :
								  0;
}

int copy_to_guest(uint64_t guest_va, const void *src, size_t len)
{
	if (!guest_range_ok(guest_va, len))
		return -XEN_EFAULT;
	return raw_guest_copy((void *)guest_va, src, len) ? -XEN_EFAULT : 0;
}

extern char load_ds_insn[], load_es_insn[], load_fs_insn[], load_gs_insn[];
extern char load_ds_done[], load_es_done[], load_fs_done[], load_gs_done[];

/* Hypervisor instructions that may fault on guest-controlled input. */
static const struct {
	const char *insn, *resume;
	bool null_selector; /* retry with a null selector in eax, edx = 1 */
} fixups[] = {
	{ guest_copy_insn, guest_copy_fault, false },
	{ load_ds_insn, load_ds_insn, true },
	{ load_es_insn, load_es_insn, true },
	{ load_fs_insn, load_fs_insn, true },
	{ load_gs_insn, load_gs_insn, true },
};

bool fixup_guest_access(struct cpu_user_regs *regs)
{
	for (unsigned int i = 0; i < sizeof(fixups) / sizeof(fixups[0]); i++) {
		if (regs->rip != (uint64_t)fixups[i].insn)
			continue;
		regs->rip = (uint64_t)fixups[i].resume;
		if (fixups[i].null_selector) {
			regs->rax = 0; /* the null selector cannot fault */
			regs->rdx = 1; /* load_guest_selectors' "replaced" */
		}
		return true;
	}
	return false;
}
