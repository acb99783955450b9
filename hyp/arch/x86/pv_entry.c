// SPDX-License-Identifier: MIT
/*
 * Guest execution: entering a vCPU, bouncing exceptions and system calls
 * into the guest kernel as the PV ABI frames them, the iret hypercall,
 * and the last checks before every return to ring 3.
 */
#include <stdint.h>
#include <lamina/domain.h>
#include <generated/autoconf.h>
#include <lamina/hypercall.h>
#include <lamina/options.h>
#include <lamina/panic.h>
#include <lamina/printk.h>
#include <lamina/string.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/pv_emulate.h>
#include <asm/pv_ptwr.h>
#include <asm/smp.h>
#include <lamina/sched.h>
#include <lamina/timer.h>
#include <asm/traps.h>
#include <asm/uaccess.h>
#include <asm/xstate.h>
#include <xen/errno.h>

#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_KERNEL_GS_BASE 0xc0000102
#define EFER_SCE (1UL << 0)

#define RFLAGS_TF (1UL << 8)
#define RFLAGS_IF (1UL << 9)
#define RFLAGS_DF (1UL << 10)
#define RFLAGS_IOPL (3UL << 12)
#define RFLAGS_NT (1UL << 14)
#define RFLAGS_RF (1UL << 16)
#define RFLAGS_VM (1UL << 17)
#define RFLAGS_AC (1UL << 18)
#define RFLAGS_VIF (1UL << 19)
#define RFLAGS_VIP (1UL << 20)

/* entry.S: one syscall stub per CPU, 32 bytes apart, and their slots. */
extern char syscall_stubs[], syscall32_stubs[];
extern struct {
	uint64_t stack_top, guest_rsp;
} syscall_slots[CONFIG_NR_CPUS];
#define SYSCALL_STUB_SIZE 32
void enter_guest_frame(struct cpu_user_regs *frame) __attribute__((noreturn));
void tss_set_rsp0(uint64_t rsp0);

void pv_cpu_init(void)
{
	unsigned int cpu = smp_processor_id();

	wrmsr(MSR_STAR,
	      ((uint64_t)(GUEST_CS32 & ~3) << 48) | ((uint64_t)HYP_CS << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_stubs + cpu * SYSCALL_STUB_SIZE);
	wrmsr(MSR_CSTAR, (uint64_t)syscall32_stubs + cpu * SYSCALL_STUB_SIZE);
	/* Entering the hypervisor with interrupts off and a sane DF. */
	wrmsr(MSR_SFMASK,
	      RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_NT | RFLAGS_AC);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* Guests use SSE: let them (FXSAVE-format state, SIMD exceptions). */
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	write_cr0((read_cr0() | (1UL << 1) | (1UL << 5)) & ~(1UL << 2));
	xstate_cpu_init();
}

static uint64_t hyp_stack_top(const struct vcpu *v)
{
	return (uint64_t)v->hyp_stack + (PAGE_SIZE << v->hyp_stack_order);
}

static void load_guest_cr3(struct vcpu *v)
{
	uint64_t mfn = v->kernel_mode || !v->user_l4_mfn ? v->kernel_l4_mfn :
							   v->user_l4_mfn;

	write_cr3_flush(mfn << PAGE_SHIFT);
}

/*
 * Kernel and user mode have separate L4s and gs bases; the switch swaps
 * both, as a syscall/iret would on a real kernel in ring 0.
 */
static void load_gs_bases(const struct vcpu *v)
{
	wrmsr(MSR_GS_BASE,
	      v->kernel_mode ? v->gs_base_kernel : v->gs_base_user);
	wrmsr(MSR_KERNEL_GS_BASE,
	      v->kernel_mode ? v->gs_base_user : v->gs_base_kernel);
}

/*
 * The bases the CPU holds for v now: a selector the guest loaded itself
 * (mov to %fs or %gs) replaced one since Lamina last wrote it, as on Xen.
 */
void pv_save_segment_bases(struct vcpu *v)
{
	uint64_t active = rdmsr(MSR_GS_BASE),
		 shadow = rdmsr(MSR_KERNEL_GS_BASE);

	v->fs_base = rdmsr(MSR_FS_BASE);
	v->gs_base_kernel = v->kernel_mode ? active : shadow;
	v->gs_base_user = v->kernel_mode ? shadow : active;
}

void toggle_guest_mode(struct vcpu *v)
{
	/* Only the active GS base can have changed under the guest. */
	if (v->kernel_mode)
		v->gs_base_kernel = rdmsr(MSR_GS_BASE);
	else
		v->gs_base_user = rdmsr(MSR_GS_BASE);
	v->kernel_mode = !v->kernel_mode;
	load_gs_bases(v);
	load_guest_cr3(v);
}

int load_guest_selectors(const uint16_t sel[4]);

/* The data selectors a guest loaded stay its own across vCPU switches. */
static void save_selectors(struct vcpu *v)
{
	asm volatile(
		"movw %%ds, %0; movw %%es, %1; movw %%fs, %2; movw %%gs, %3"
		: "=m"(v->regs.ds), "=m"(v->regs.es), "=m"(v->regs.fs),
		  "=m"(v->regs.gs));
}

void pv_save_vcpu(struct vcpu *v, const struct cpu_user_regs *regs)
{
	if (!v)
		return;
	memcpy(&v->regs, regs, ENTRY_FRAME_SIZE);
	save_selectors(v);
	pv_save_segment_bases(v);
	fpu_save(v);
	runstate_switch(v, v->blocked || !v->running ? RUNSTATE_blocked :
						       RUNSTATE_runnable);
}

static void failsafe_bounce(struct vcpu *v, struct cpu_user_regs *regs,
			    const uint16_t sel[4]);

void pv_start_vcpu(struct vcpu *v)
{
	const uint16_t sel[4] = { v->regs.ds, v->regs.es, v->regs.fs,
				  v->regs.gs };
	struct cpu_user_regs *frame;
	bool replaced;

	current = v;
	syscall_slots[smp_processor_id()].stack_top = hyp_stack_top(v);
	tss_set_rsp0(hyp_stack_top(v));
	load_guest_cr3(v);
	pv_load_gdt(v);
	pv_load_ldt(v);
	/*
	 * Selectors first (loading one resets a base), then the bases: the
	 * active gs base is the mode's own, the other waits in the shadow
	 * MSR (a vCPU preempted in user mode must not see its kernel's).
	 */
	replaced = load_guest_selectors(sel);
	wrmsr(MSR_FS_BASE, v->fs_base);
	load_gs_bases(v);
	debugreg_switch(v);
	fpu_restore(v);
	runstate_switch(v, RUNSTATE_running);
	/* The live frame sits at the top of the vCPU's hypervisor stack. */
	frame = (struct cpu_user_regs *)(hyp_stack_top(v) - ENTRY_FRAME_SIZE);
	memcpy(frame, &v->regs, ENTRY_FRAME_SIZE);
	if (replaced)
		failsafe_bounce(v, frame, sel);
	enter_guest_frame(frame);
}

/*
 * The bounce frame on the guest kernel stack, lowest address first: rcx,
 * r11, the extra words (an error code; the failsafe callback's ds, es, fs,
 * gs), rip, cs, rflags, rsp, ss.
 */
static bool bounce_frame(struct vcpu *v, struct cpu_user_regs *regs,
			 uint64_t handler, const uint64_t *extra,
			 unsigned int nr_extra, bool mask_events)
{
	struct vcpu_info *vi = v->vcpu_info;
	uint64_t frame[11], rsp, cs = regs->cs;
	uint8_t saved_mask = vi->evtchn_upcall_mask;
	bool from_user = !v->kernel_mode;
	unsigned int n = 0;

	if (!handler)
		return false;
	if (!from_user) {
		rsp = regs->rsp;
		cs &= ~3UL; /* RPL 0 tells the guest it interrupted its kernel */
	} else {
		toggle_guest_mode(v);
		rsp = v->kernel_sp;
	}
	rsp &= ~0xfUL;
	frame[n++] = regs->rcx;
	frame[n++] = regs->r11;
	for (unsigned int i = 0; i < nr_extra; i++)
		frame[n++] = extra[i];
	frame[n++] = regs->rip;
	frame[n++] = (cs & 0xffff) | ((uint64_t)saved_mask << 32);
	frame[n++] = (regs->rflags & ~RFLAGS_IF) | (saved_mask ? 0 : RFLAGS_IF);
	frame[n++] = regs->rsp;
	frame[n++] = regs->ss;
	rsp -= n * sizeof(uint64_t);
	if (copy_to_guest(rsp, frame, n * sizeof(uint64_t))) {
		if (from_user) /* user code must not go on as the kernel */
			toggle_guest_mode(v);
		return false;
	}
	if (mask_events)
		vi->evtchn_upcall_mask = 1;
	regs->rip = handler;
	regs->cs = FLAT_CS;
	regs->ss = FLAT_SS;
	regs->rsp = rsp;
	regs->rflags &=
		~(RFLAGS_AC | RFLAGS_VM | RFLAGS_RF | RFLAGS_NT | RFLAGS_TF);
	return true;
}

bool pv_bounce(struct vcpu *v, struct cpu_user_regs *regs, uint64_t handler,
	       bool has_error, uint32_t error_code, bool mask_events)
{
	uint64_t error = error_code;

	return bounce_frame(v, regs, handler, &error, has_error, mask_events);
}

/*
 * As Xen: a data selector that no longer loads when v is switched back in
 * (its LDT or GDT entry went away) was replaced by the null selector; the
 * guest hears of it through its failsafe callback, whose frame carries the
 * selectors v had. Without a failsafe callback (or a writable kernel
 * stack) the domain dies.
 */
static void failsafe_bounce(struct vcpu *v, struct cpu_user_regs *regs,
			    const uint16_t sel[4])
{
	const uint64_t old[4] = { sel[0], sel[1], sel[2], sel[3] };

	if (!bounce_frame(v, regs, v->failsafe_callback, old, 4,
			  v->failsafe_masks_events))
		domain_crash(v->domain, "bad data selector, no failsafe frame");
}

/* What a developer needs to find the guest's fault: registers, stack. */
static void dump_guest_state(struct vcpu *v, const struct cpu_user_regs *r)
{
	uint64_t stack[8] = { 0 };

	printk(LOG_ERR, "d%u: rax %016lx rbx %016lx rcx %016lx rdx %016lx\n",
	       v->domain->domid, r->rax, r->rbx, r->rcx, r->rdx);
	printk(LOG_ERR, "d%u: rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n",
	       v->domain->domid, r->rsi, r->rdi, r->rbp, r->rsp);
	printk(LOG_ERR, "d%u: r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n",
	       v->domain->domid, r->r8, r->r9, r->r10, r->r11);
	if (!copy_from_guest(stack, r->rsp, sizeof(stack)))
		for (unsigned int i = 0; i < 8; i += 4)
			printk(LOG_ERR,
			       "d%u: stack %016lx %016lx %016lx %016lx\n",
			       v->domain->domid, stack[i], stack[i + 1],
			       stack[i + 2], stack[i + 3]);
}

void pv_inject_exception(struct vcpu *v, struct cpu_user_regs *regs,
			 unsigned int vector, bool has_error,
			 uint32_t error_code)
{
	const struct trap_info *ti = &v->traps[vector];

	if (pv_bounce(v, regs, ti->address, has_error, error_code,
		      TI_GET_IF(ti)))
		return;
	printk(LOG_ERR, "d%u: unhandled %s (vector %u, error %#x) at %#lx\n",
	       v->domain->domid, exception_name(vector), vector, error_code,
	       (unsigned long)regs->rip);
	dump_guest_state(v, regs);
	domain_crash(v->domain, "unhandled exception");
}

static bool vector_has_error(unsigned int v)
{
	return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 ||
	       v == 29 || v == 30;
}

void __attribute__((noreturn))
guest_exception_on_frame(struct cpu_user_regs *frame);

/* #DB runs on an IST stack (desc.c); one from the guest moves to the
 * vCPU's stack before anything can raise another. */
void __attribute__((noreturn)) pv_guest_debug_trap(struct cpu_user_regs *regs)
{
	struct cpu_user_regs *frame =
		(struct cpu_user_regs *)(hyp_stack_top(current) -
					 ENTRY_FRAME_SIZE);

	memcpy(frame, regs, ENTRY_FRAME_SIZE);
	guest_exception_on_frame(frame);
}

/* Is the #GP at regs->rip an "int $n" (cd nn)? Then its error code. */
static bool soft_int_vector(const struct cpu_user_regs *regs, uint32_t *error)
{
	uint8_t insn[2];

	if ((*error & 3) != 2 || copy_from_guest(insn, regs->rip, 2) ||
	    insn[0] != 0xcd)
		return false;
	*error = ((uint32_t)insn[1] << 3) | 2;
	return true;
}

void pv_guest_exception(struct cpu_user_regs *regs)
{
	struct vcpu *v = current;
	unsigned int vector = regs->entry_vector;
	uint32_t error_code = regs->error_code;

#ifdef CONFIG_DEBUG
	if (opt.trace_hypercalls)
		pr_info("d%uv%u exception %u err %#x rip %#lx rsp %#lx\n",
			v->domain->domid, v->vcpu_id, vector, error_code,
			(unsigned long)regs->rip, (unsigned long)regs->rsp);
#endif
	if (vector == 14) {
		uint64_t cr2 = read_cr2();

		if (pv_ptwr_emulate(v, regs, cr2, error_code))
			return;
		v->vcpu_info->arch.cr2 = cr2;
		/* The guest kernel runs in ring 3, but its faults are its
		 * kernel's: report them as supervisor accesses. */
		if (v->kernel_mode)
			error_code &= ~4u;
	}
	if (vector == 1)
		debugreg_on_debug_trap(v); /* what get_debugreg(6) reports */
	if (vector == 13 && pv_emulate_privileged(v, regs))
		return;
	if (vector == 6 && pv_emulate_forced(v, regs))
		return;
	/*
	 * int $n from the guest: a #GP naming IDT entry n. The error code is
	 * computed from the instruction (n * 8 + 2), not taken from the CPU:
	 * QEMU's TCG reports n * 16 + 2 in long mode.
	 */
	if (vector == 13 && soft_int_vector(regs, &error_code)) {
		unsigned int n = error_code >> 3;
		const struct trap_info *ti = &v->traps[n];

		if (ti->address && TI_GET_DPL(ti) >= (v->kernel_mode ? 1 : 3)) {
			regs->rip += 2; /* past "int $n" */
			pv_inject_exception(v, regs, n & 0xff, false, 0);
			return;
		}
	}
	pv_inject_exception(v, regs, vector, vector_has_error(vector),
			    error_code);
	/* #NM reaches the guest only while its TS is set; as Xen, the
	 * virtual TS is cleared with the bounce. */
	if (vector == 7)
		asm volatile("clts");
}

/* A syscall from guest user mode goes to the guest kernel's handler. */
static void bounce_user_syscall(struct vcpu *v, struct cpu_user_regs *regs)
{
	/* No handler: as a real CPU would, #UD in user mode. */
	if (!v->syscall_callback)
		pv_inject_exception(v, regs, 6, false, 0);
	else if (!pv_bounce(v, regs, v->syscall_callback, false, 0,
			    v->syscall_masks_events))
		domain_crash(v->domain, "syscall callback: stack unwritable");
}

void do_syscall(struct cpu_user_regs *regs)
{
	struct vcpu *v;

	hyp_lock();
	v = current;
	if (!v->kernel_mode) {
		bounce_user_syscall(v, regs);
		return;
	}
	if (regs->rax == __HYPERVISOR_iret) {
		do_iret(regs);
		return;
	}
	v->hypercall_regs = regs;
	regs->rax = hypercall_dispatch(regs);
	v->hypercall_regs = NULL;
}

void do_syscall32(struct cpu_user_regs *regs)
{
	(void)regs;
	hyp_lock();
	domain_crash(current->domain,
		     "32-bit syscall (compat mode unsupported)");
}

long do_iret(struct cpu_user_regs *regs)
{
	struct vcpu *v = current;
	struct iret_context ctx;

	if (copy_from_guest(&ctx, regs->rsp, sizeof(ctx))) {
		domain_crash(v->domain, "iret: unreadable frame");
		return -XEN_EFAULT;
	}
	if ((ctx.cs & 3) == 3) {
		if (!v->user_l4_mfn) {
			domain_crash(v->domain,
				     "iret to user without a user L4");
			return -XEN_EINVAL;
		}
		toggle_guest_mode(v);
	}
	regs->rax = ctx.rax;
	regs->r11 = ctx.r11;
	regs->rcx = ctx.rcx;
	if (ctx.flags & VGCF_in_syscall) {
		/* As sysret leaves them: rcx = rip, r11 = rflags. */
		regs->r11 = ctx.rflags;
		regs->rcx = ctx.rip;
	}
	regs->rip = ctx.rip;
	regs->cs = ctx.cs | 3;
	regs->rflags = ctx.rflags;
	regs->rsp = ctx.rsp;
	regs->ss = ctx.ss | 3;
	/* As Xen, with the assist the frame's IOPL is the virtual IOPL. */
	if (v->domain->vm_assist & (1UL << VMASST_TYPE_architectural_iopl))
		v->iopl = (ctx.rflags >> 12) & 3;
	/* The guest's IF is its event mask. */
	v->vcpu_info->evtchn_upcall_mask = !(ctx.rflags & RFLAGS_IF);
	return 0;
}

/* Nothing a guest put in its frame may give it more than ring 3. */
static void sanitize_frame(struct cpu_user_regs *regs)
{
	if (regs->cs != GUEST_CS64 && regs->cs != GUEST_CS32)
		regs->cs = GUEST_CS64;
	regs->ss = GUEST_DS;
	regs->rflags &= ~(RFLAGS_IOPL | RFLAGS_NT | RFLAGS_VM | RFLAGS_VIF |
			  RFLAGS_VIP);
	regs->rflags |= RFLAGS_IF | (1UL << 1);
}

/*
 * Can the return iretq load this rip? It must be canonical, and within
 * the 4 GiB limit of the 32-bit code segment: past it the hypervisor's
 * own iretq would fault, in ring 0.
 */
static bool return_address_ok(const struct cpu_user_regs *regs)
{
	if (regs->cs == GUEST_CS32)
		return regs->rip <= 0xffffffffUL;
	return is_canonical(regs->rip);
}

void prepare_return_to_guest(struct cpu_user_regs *regs)
{
	struct vcpu *v;
	struct vcpu_info *vi;

	for (;;) {
		schedule(regs); /* may not return: another vCPU or idle runs */
		v = current;
		vi = v->vcpu_info;
		/* A timer due now fires now, not at the next tick. */
		timer_check_expired(v);
		/* As Xen: no room for the callback's frame kills the domain. */
		if (vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask &&
		    v->event_callback &&
		    !pv_bounce(v, regs, v->event_callback, false, 0, true)) {
			domain_crash(v->domain,
				     "event callback: stack unwritable");
			continue;
		}
		if (return_address_ok(regs))
			break;
		/* As Xen's faulting iretq: #GP(0) with the frame the guest
		 * asked for (an iret context); trap handlers are canonical. */
		pv_inject_exception(v, regs, 13, true, 0);
		if (!return_address_ok(regs))
			domain_crash(v->domain,
				     "return to a non-canonical address");
	}
	sanitize_frame(regs);
	hyp_unlock(); /* interrupts stay off until the iretq */
}
