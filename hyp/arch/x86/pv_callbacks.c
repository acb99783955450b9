// SPDX-License-Identifier: MIT
/*
 * The hypercalls that set up how a PV guest is entered: its virtual IDT,
 * event/failsafe/syscall callbacks, kernel stack, segment bases, the
 * virtual CR0.TS, and VM assists.
 */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/hypercall.h>
#include <lamina/string.h>
#include <asm/cpu.h>
#include <asm/pv.h>
#include <asm/uaccess.h>
#include <xen/callback.h>
#include <xen/errno.h>
#include <xen/xen.h>

#define MSR_KERNEL_GS_BASE 0xc0000102
#define TRAP_TABLE_MAX_ENTRIES 4096

long do_set_trap_table(uint64_t list, uint64_t a2, uint64_t a3, uint64_t a4,
		       uint64_t a5)
{
	struct vcpu *v = current;
	struct trap_info ti;

	(void)a2, (void)a3, (void)a4, (void)a5;
	if (!list) {
		memset(v->traps, 0, sizeof(v->traps));
		return 0;
	}
	/* Entries until one with address 0; each checked before it counts. */
	for (unsigned int i = 0; i < TRAP_TABLE_MAX_ENTRIES; i++) {
		if (copy_from_guest(&ti, list + i * sizeof(ti), sizeof(ti)))
			return -XEN_EFAULT;
		if (!ti.address)
			return 0;
		if (!is_canonical(ti.address))
			return -XEN_EINVAL;
		ti.cs |= 3;
		v->traps[ti.vector] = ti;
	}
	return -XEN_E2BIG;
}

static int register_callback(struct vcpu *v, unsigned int type,
			     unsigned int flags, uint64_t address)
{
	bool mask = flags & CALLBACKF_mask_events;

	if (address && !is_canonical(address))
		return -XEN_EINVAL;
	switch (type) {
	case CALLBACKTYPE_event:
		v->event_callback = address;
		return 0;
	case CALLBACKTYPE_failsafe:
		v->failsafe_callback = address;
		v->failsafe_masks_events = mask;
		return 0;
	case CALLBACKTYPE_syscall:
		v->syscall_callback = address;
		v->syscall_masks_events = mask;
		return 0;
	case CALLBACKTYPE_nmi:
	case CALLBACKTYPE_syscall32:
	case CALLBACKTYPE_sysenter:
		/* Accepted; Lamina never raises these for 64-bit guests. */
		return 0;
	default:
		return -XEN_ENOSYS;
	}
}

long do_set_callbacks(uint64_t event, uint64_t failsafe, uint64_t syscall,
		      uint64_t a4, uint64_t a5)
{
	struct vcpu *v = current;

	(void)a4, (void)a5;
	/* As Xen: no checks here; a bad address kills the guest on use. */
	v->event_callback = event;
	v->failsafe_callback = failsafe;
	v->failsafe_masks_events = false;
	v->syscall_callback = syscall;
	v->syscall_masks_events = false;
	return 0;
}

long do_callback_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4,
		    uint64_t a5)
{
	(void)a3, (void)a4, (void)a5;
	switch (cmd) {
	case CALLBACKOP_register: {
		struct callback_register cb;

		if (copy_from_guest(&cb, arg, sizeof(cb)))
			return -XEN_EFAULT;
		return register_callback(current, cb.type, cb.flags,
					 cb.address);
	}
	case CALLBACKOP_unregister: {
		struct callback_unregister cb;

		if (copy_from_guest(&cb, arg, sizeof(cb)))
			return -XEN_EFAULT;
		/* As Xen: only the NMI callback can be unregistered. */
		switch (cb.type) {
		case CALLBACKTYPE_nmi:
			return 0;
		case CALLBACKTYPE_event:
		case CALLBACKTYPE_failsafe:
		case CALLBACKTYPE_syscall:
		case CALLBACKTYPE_syscall32:
		case CALLBACKTYPE_sysenter:
			return -XEN_EINVAL;
		default:
			return -XEN_ENOSYS;
		}
	}
	default:
		return -XEN_ENOSYS;
	}
}

long do_stack_switch(uint64_t ss, uint64_t sp, uint64_t a3, uint64_t a4,
		     uint64_t a5)
{
	(void)a3, (void)a4, (void)a5;
	current->kernel_ss = ss | 3;
	current->kernel_sp = sp;
	return 0;
}

long do_set_segment_base(uint64_t which, uint64_t base, uint64_t a3,
			 uint64_t a4, uint64_t a5)
{
	struct vcpu *v = current;

	(void)a3, (void)a4, (void)a5;
	if (which != SEGBASE_GS_USER_SEL && !is_canonical(base))
		return -XEN_EINVAL;
	switch (which) {
	case SEGBASE_FS:
		v->fs_base = base;
		wrmsr(MSR_FS_BASE, base);
		return 0;
	case SEGBASE_GS_USER:
		v->gs_base_user = base;
		wrmsr(MSR_KERNEL_GS_BASE, base); /* swapped in on iret to user */
		return 0;
	case SEGBASE_GS_KERNEL:
		v->gs_base_kernel = base;
		wrmsr(MSR_GS_BASE, base);
		return 0;
	case SEGBASE_GS_USER_SEL: {
		/* Loading a selector loads its descriptor's base; the null
		 * selector gives base 0. Only the guest's own GDT, ring 3. */
		uint16_t sel = base & 0xffff;
		uint64_t desc_base = 0;

		if (sel & ~3) {
			uint64_t desc;

			if ((sel & 4) || (sel >> 3) >= v->gdt_entries ||
			    pv_gdt_entry(v, sel >> 3, &desc) ||
			    !(desc & (1UL << 47)) || !(desc & (1UL << 44)))
				return -XEN_EINVAL;
			desc_base = ((desc >> 16) & 0xffffff) |
				    ((desc >> 32) & 0xff000000);
		}
		v->gs_base_user = desc_base;
		wrmsr(MSR_KERNEL_GS_BASE, desc_base);
		return 0;
	}
	default:
		return -XEN_EINVAL;
	}
}

long do_fpu_taskswitch(uint64_t set, uint64_t a2, uint64_t a3, uint64_t a4,
		       uint64_t a5)
{
	(void)a2, (void)a3, (void)a4, (void)a5;
	/* One vCPU owns this CPU's FPU: the real TS is the guest's. */
	if (set)
		write_cr0(read_cr0() | CR0_TS);
	else
		asm volatile("clts");
	return 0;
}

#define VM_ASSIST_VALID                                                      \
	((1UL << VMASST_TYPE_writable_pagetables) |                          \
	 (1UL << VMASST_TYPE_pae_extended_cr3) |                             \
	 (1UL << VMASST_TYPE_architectural_iopl) |                           \
	 (1UL << VMASST_TYPE_runstate_update_flag) |                         \
	 (1UL << VMASST_TYPE_m2p_strict))

long do_vm_assist(uint64_t cmd, uint64_t type, uint64_t a3, uint64_t a4,
		  uint64_t a5)
{
	struct domain *d = current->domain;

	(void)a3, (void)a4, (void)a5;
	if (type >= 64 || !(VM_ASSIST_VALID & (1UL << type)))
		return -XEN_EINVAL;
	if (cmd == VMASST_CMD_enable)
		d->vm_assist |= 1UL << type;
	else if (cmd == VMASST_CMD_disable)
		d->vm_assist &= ~(1UL << type);
	else
		return -XEN_ENOSYS;
	return 0;
}
