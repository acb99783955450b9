// SPDX-License-Identifier: MIT
/*
 * VCPUOP_initialise for PV guests: a secondary vCPU's whole starting
 * state from a vcpu_guest_context, checked like the hypercalls that would
 * set each part (trap table, callbacks, page tables, GDT).
 */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/heap.h>
#include <lamina/string.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/pv_mm.h>
#include <asm/uaccess.h>
#include <xen/errno.h>
#include <xen/xen.h>

long pv_vcpu_initialise(struct vcpu *v, uint64_t arg)
{
	struct vcpu_guest_context *c;
	uint64_t l4, user_l4;
	long rc = 0;

	if (v->initialised)
		return -XEN_EEXIST; /* as Xen: only a fresh vCPU */
	c = kmalloc(sizeof(*c));
	if (!c)
		return -XEN_ENOMEM;
	if (copy_from_guest(c, arg, sizeof(*c))) {
		rc = -XEN_EFAULT;
		goto out;
	}
	l4 = c->ctrlreg[3] >> PAGE_SHIFT;
	user_l4 = c->ctrlreg[1] >> PAGE_SHIFT;
	if (!is_canonical(c->user_regs.rip) ||
	    !is_canonical(c->event_callback_eip) ||
	    !is_canonical(c->syscall_callback_eip) ||
	    !is_canonical(c->failsafe_callback_eip) || c->ldt_ents ||
	    c->gdt_ents > 14 * 512) {
		rc = -XEN_EINVAL;
		goto out;
	}
	/*
	 * A validation preempted: the caller continues (-XEN_ERESTART). The
	 * kernel L4 a round took stays taken while the user L4 goes on, or
	 * each round would validate it again (quadratic: hog op=initsplit).
	 */
	if (!v->kernel_l4_mfn || v->kernel_l4_mfn != l4) {
		if (v->kernel_l4_mfn)
			put_page_and_type(v->kernel_l4_mfn);
		v->kernel_l4_mfn = 0;
		rc = get_page_and_type(l4, v->domain, PGT_L4);
		if (!rc)
			v->kernel_l4_mfn = l4;
	}
	if (!rc && user_l4)
		rc = get_page_and_type(user_l4, v->domain, PGT_L4);
	if (rc) {
		if (rc != -XEN_ERESTART)
			rc = -XEN_EINVAL;
		goto out;
	}
	v->user_l4_mfn = user_l4;
	memcpy(&v->regs, &c->user_regs, ENTRY_FRAME_SIZE);
	v->regs.cs = FLAT_RING3_CS64;
	v->regs.ss = FLAT_RING3_SS64;
	v->kernel_mode = true;
	for (unsigned int i = 0; i < 256; i++) {
		v->traps[i] = c->trap_ctxt[i];
		if (!is_canonical(v->traps[i].address))
			v->traps[i].address = 0;
	}
	v->event_callback = c->event_callback_eip;
	v->failsafe_callback = c->failsafe_callback_eip;
	v->syscall_callback = c->syscall_callback_eip;
	v->failsafe_masks_events = c->flags & VGCF_failsafe_disables_events;
	v->syscall_masks_events = c->flags & VGCF_syscall_disables_events;
	/* As Xen: the context's IOPL bits are the vCPU's virtual IOPL. */
	v->iopl = (c->user_regs.rflags >> 12) & 3;
	v->kernel_ss = c->kernel_ss | 3;
	v->kernel_sp = c->kernel_sp;
	v->fs_base = is_canonical(c->fs_base) ? c->fs_base : 0;
	v->gs_base_kernel =
		is_canonical(c->gs_base_kernel) ? c->gs_base_kernel : 0;
	v->gs_base_user = is_canonical(c->gs_base_user) ? c->gs_base_user : 0;
	/* As Xen: set_debugreg's checks, a refused value simply not set. */
	debugreg_vcpu_init(v);
	for (unsigned int i = 0; i < 8; i++)
		if (i != 4 && i != 5)
			set_debugreg(v, i, c->debugreg[i]);
	/* Its GDT goes through set_gdt's checks, run on its behalf. */
	if (c->gdt_ents)
		rc = pv_set_gdt_frames(v, c->gdt_frames, c->gdt_ents);
	if (rc) {
		/* Nothing of a refused context stays referenced. */
		put_page_and_type(l4);
		if (user_l4)
			put_page_and_type(user_l4);
		v->kernel_l4_mfn = v->user_l4_mfn = 0;
		debugreg_vcpu_init(v);
		goto out;
	}
	v->initialised = true;
out:
	/* Refused: nothing stays referenced. */
	if (rc && rc != -XEN_ERESTART && v->kernel_l4_mfn) {
		put_page_and_type(v->kernel_l4_mfn);
		v->kernel_l4_mfn = 0;
	}
	kfree(c);
	return rc;
}
