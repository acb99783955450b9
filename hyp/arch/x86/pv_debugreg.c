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
#include <asm/percpu.h>
#include <asm/uaccess.h>
#include <xen/callback.h>
#include <xen/errno.h>

#define DR7_GD (1UL << 13)
#define DR7_ACTIVE 0xffUL /* L0-3, G0-3: a breakpoint is enabled */
#define DR7_DEFAULT 0x400UL /* bit 10 reads as one */
#define DR7_WRITABLE 0xffff23ffUL /* bits 11, 12, 14, 15 stay clear */
#define DR6_DEFAULT 0xffff0ff0UL /* what a clean DR6 reads */
#define DR6_STATUS 0xe00fUL /* B0-B3, BD, BS, BT */
#define CR4_DE (1UL << 3)

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

static uint64_t read_dr(unsigned int reg)
{
	uint64_t v = 0;

	switch (reg) {
	case 0:
		asm volatile("mov %%db0, %0" : "=r"(v));
		break;
	case 1:
		asm volatile("mov %%db1, %0" : "=r"(v));
		break;
	case 2:
		asm volatile("mov %%db2, %0" : "=r"(v));
		break;
	case 3:
		asm volatile("mov %%db3, %0" : "=r"(v));
		break;
	}
	return v;
}

void debugreg_vcpu_init(struct vcpu *v)
{
	v->debugreg[6] = DR6_DEFAULT;
	v->debugreg[7] = DR7_DEFAULT;
}

/*
 * Switching to v: its breakpoints, if it has any enabled, else none. The
 * CPU's DR7 is only touched when either side has one enabled, so two
 * vCPUs without breakpoints switch at no cost (as Xen's lazy DR7); when
 * touched, DR0-3 are v's even with DR7 off (set_debugreg on the running
 * vCPU reaches the CPU at once, as on Xen). The CPU's DR6 always stays
 * clean (each #DB resets it): a status bit loaded there would outlive
 * the guest clearing it, or reach the next vCPU.
 */
void debugreg_switch(struct vcpu *v)
{
	struct percpu *pc = this_cpu();
	bool active = v->debugreg[7] & DR7_ACTIVE;

	if (!active && !pc->dr7_active)
		return;
	load_dr(7, DR7_DEFAULT); /* no stale breakpoint while loading */
	for (unsigned int i = 0; i < 4; i++)
		load_dr(i, v->debugreg[i]);
	if (active)
		load_dr(7, v->debugreg[7]);
	pc->dr7_active = active;
}

/*
 * A #DB the guest caused: the CPU's DR6 goes back to its clean value and
 * the guest's virtual DR6 takes the new status, breakpoint hits replacing
 * the old ones and the other status bits accumulating, as Xen merges it.
 */
void debugreg_on_debug_trap(struct vcpu *v)
{
	uint64_t hw;

	asm volatile("mov %%db6, %0" : "=r"(hw));
	load_dr(6, DR6_DEFAULT);
	hw = (hw ^ DR6_DEFAULT) & DR6_STATUS;
	/* The CPU may flag a disabled breakpoint that matched; with DR7 off
	 * DR0-3 may still be another vCPU's (lazy switch): not v's news. */
	for (unsigned int i = 0; i < 4; i++)
		if (read_dr(i) != v->debugreg[i])
			hw &= ~(1UL << i);
	v->debugreg[6] =
		((((v->debugreg[6] ^ DR6_DEFAULT) & DR6_STATUS & ~0xfUL) | hw) ^
		 DR6_DEFAULT);
}

/*
 * As Xen's set_debugreg: -XEN_EINVAL for reserved bits set, -XEN_EPERM
 * for a valid setting the guest may not use (a hypervisor address, GD,
 * I/O breakpoints), -XEN_ENODEV for no such register (DR4/DR5 alias DR6/
 * DR7 unless the guest's CR4.DE is set). Loaded into the CPU only while
 * v runs there.
 */
long set_debugreg(struct vcpu *v, unsigned int reg, uint64_t value)
{
	if ((reg == 4 || reg == 5) && !(v->cr4 & CR4_DE))
		reg += 2;
	switch (reg) {
	case 0 ... 3:
		if (!guest_range_ok(value, 1))
			return -XEN_EPERM;
		break;
	case 6:
		if (value >> 32)
			return -XEN_EINVAL;
		value = (value & DR6_STATUS) | DR6_DEFAULT;
		break;
	case 7:
		if (value >> 32)
			return -XEN_EINVAL;
		value = (value & DR7_WRITABLE) | DR7_DEFAULT;
		if (value & DR7_GD)
			return -XEN_EPERM;
		for (unsigned int i = 0; i < 4; i++)
			if ((value & DR7_ACTIVE) &&
			    ((value >> (16 + 4 * i)) & 3) == 2)
				return -XEN_EPERM; /* I/O: not emulated */
		break;
	default:
		return -XEN_ENODEV;
	}
	v->debugreg[reg] = value;
	if (v == current) {
		this_cpu()->dr7_active = true; /* reload all, or clear DR7 */
		debugreg_switch(v);
	}
	return 0;
}

long get_debugreg(const struct vcpu *v, unsigned int reg, uint64_t *value)
{
	if ((reg == 4 || reg == 5) && !(v->cr4 & CR4_DE))
		reg += 2;
	if (reg > 7 || reg == 4 || reg == 5)
		return -XEN_ENODEV;
	*value = v->debugreg[reg];
	return 0;
}

long do_set_debugreg(uint64_t reg, uint64_t value, uint64_t a3, uint64_t a4,
		     uint64_t a5)
{
	(void)a3, (void)a4, (void)a5;
	return set_debugreg(current, reg > 7 ? 8 : reg, value);
}

long do_get_debugreg(uint64_t reg, uint64_t a2, uint64_t a3, uint64_t a4,
		     uint64_t a5)
{
	uint64_t value;
	long rc;

	(void)a2, (void)a3, (void)a4, (void)a5;
	rc = get_debugreg(current, reg > 7 ? 8 : reg, &value);
	return rc ? rc : (long)value;
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

long do_xsm_op(uint64_t op, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)op, (void)arg, (void)a3, (void)a4, (void)a5;
	/* Authority is capabilities, not an XSM policy: as Xen without FLASK. */
	return -XEN_ENOSYS;
}
