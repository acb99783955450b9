// SPDX-License-Identifier: MIT
/*
 * Debug registers for PV guests (set_debugreg/get_debugreg). Breakpoint
 * addresses must be guest addresses; DR7 may not enable I/O breakpoints
 * or general detect. A guest watchpoint the hypervisor itself trips while
 * copying guest memory is ignored (traps.c), never fatal.
 */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/hypercall.h>
#include <asm/uaccess.h>
#include <xen/callback.h>
#include <xen/errno.h>

#define DR7_GD (1UL << 13)
#define DR7_RESERVED_ONE (1UL << 10)

static void load_dr(unsigned int reg, uint64_t v)
{
	switch (reg) {
	case 0:
		asm volatile("mov %0, %%db0" : : "r"(v));
		break;
	case 1:
		asm volatile("mov %0, %%db1" : : "r"(v));
		break;
	case 2:
		asm volatile("mov %0, %%db2" : : "r"(v));
		break;
	case 3:
		asm volatile("mov %0, %%db3" : : "r"(v));
		break;
	case 6:
		asm volatile("mov %0, %%db6" : : "r"(v));
		break;
	case 7:
		asm volatile("mov %0, %%db7" : : "r"(v));
		break;
	}
}

/* No I/O breakpoints (R/W = 10b) and no general detect. */
static bool dr7_ok(uint64_t v)
{
	if ((v >> 32) || (v & DR7_GD))
		return false;
	for (unsigned int i = 0; i < 4; i++)
		if (((v >> (16 + 4 * i)) & 3) == 2)
			return false;
	return true;
}

long do_set_debugreg(uint64_t reg, uint64_t value, uint64_t a3, uint64_t a4,
		     uint64_t a5)
{
	struct vcpu *v = current;

	(void)a3, (void)a4, (void)a5;
	switch (reg) {
	case 0 ... 3:
		if (!guest_range_ok(value, 1))
			return -XEN_EPERM;
		break;
	case 6:
		value = (value & 0xe00f) | 0xffff0ff0; /* fixed bits as hardware */
		break;
	case 7:
		if (!dr7_ok(value))
			return -XEN_EPERM;
		value |= DR7_RESERVED_ONE;
		break;
	case 4:
	case 5:
		return -XEN_EINVAL;
	default:
		return -XEN_ENODEV; /* as Xen: no such register */
	}
	v->debugreg[reg] = value;
	load_dr(reg, value);
	return 0;
}

long do_get_debugreg(uint64_t reg, uint64_t a2, uint64_t a3, uint64_t a4,
		     uint64_t a5)
{
	(void)a2, (void)a3, (void)a4, (void)a5;
	if (reg > 7)
		return -XEN_ENODEV;
	if (reg == 4 || reg == 5)
		return -XEN_EINVAL;
	return current->debugreg[reg];
}

long do_nmi_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4,
	       uint64_t a5)
{
	struct xennmi_callback cb;

	(void)a3, (void)a4, (void)a5;
	switch (cmd) {
	case XENNMI_register_callback:
		if (copy_from_guest(&cb, arg, sizeof(cb)))
			return -XEN_EFAULT;
		if (!is_canonical(cb.handler_address))
			return -XEN_EINVAL;
		/* Kept, as Xen keeps it; Lamina forwards no NMIs yet. */
		current->nmi_callback = cb.handler_address;
		return 0;
	case XENNMI_unregister_callback:
		current->nmi_callback = 0;
		return 0;
	default:
		return -XEN_ENOSYS;
	}
}

long do_xsm_op(uint64_t op, uint64_t arg, uint64_t a3, uint64_t a4,
	       uint64_t a5)
{
	(void)op, (void)arg, (void)a3, (void)a4, (void)a5;
	/* Authority is capabilities, not an XSM policy: as Xen without FLASK. */
	return -XEN_ENOSYS;
}
