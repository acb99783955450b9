// SPDX-License-Identifier: MIT
/*
 * The hypercall table: number -> the one subsystem function that owns it.
 * Numbers without a handler answer -ENOSYS, as Xen does for hypercalls it
 * does not implement (nmi_op, xsm_op, ...).
 */
#include <stddef.h>
#include <generated/autoconf.h>
#include <lamina/domain.h>
#include <lamina/hypercall.h>
#include <lamina/options.h>
#include <lamina/printk.h>
#include <asm/cpu.h>
#include <asm/pv_mm.h>
#include <asm/time.h>
#include <lamina/sched.h>
#include <xen/errno.h>
#include <xen/xen.h>

static const hypercall_fn hypercall_table[] = {
	[__HYPERVISOR_set_trap_table] = do_set_trap_table,
	[__HYPERVISOR_mmu_update] = do_mmu_update,
	[__HYPERVISOR_set_gdt] = do_set_gdt,
	[__HYPERVISOR_stack_switch] = do_stack_switch,
	[__HYPERVISOR_set_callbacks] = do_set_callbacks,
	[__HYPERVISOR_fpu_taskswitch] = do_fpu_taskswitch,
	[__HYPERVISOR_platform_op] = do_platform_op,
	[__HYPERVISOR_set_debugreg] = do_set_debugreg,
	[__HYPERVISOR_get_debugreg] = do_get_debugreg,
	[__HYPERVISOR_update_descriptor] = do_update_descriptor,
	[__HYPERVISOR_memory_op] = do_memory_op,
	[__HYPERVISOR_multicall] = do_multicall,
	[__HYPERVISOR_update_va_mapping] = do_update_va_mapping,
	[__HYPERVISOR_set_timer_op] = do_set_timer_op,
	[__HYPERVISOR_xen_version] = do_xen_version,
	[__HYPERVISOR_console_io] = do_console_io,
	[__HYPERVISOR_grant_table_op] = do_grant_table_op,
	[__HYPERVISOR_vm_assist] = do_vm_assist,
	[__HYPERVISOR_update_va_mapping_otherdomain] =
		do_update_va_mapping_otherdomain,
	[__HYPERVISOR_vcpu_op] = do_vcpu_op,
	[__HYPERVISOR_set_segment_base] = do_set_segment_base,
	[__HYPERVISOR_mmuext_op] = do_mmuext_op,
	[__HYPERVISOR_xsm_op] = do_xsm_op,
	[__HYPERVISOR_nmi_op] = do_nmi_op,
	[__HYPERVISOR_sched_op] = do_sched_op,
	[__HYPERVISOR_callback_op] = do_callback_op,
	[__HYPERVISOR_event_channel_op] = do_event_channel_op,
	[__HYPERVISOR_physdev_op] = do_physdev_op,
	[__HYPERVISOR_domctl] = do_domctl,
	[48] = do_mca, /* __HYPERVISOR_mca */
};

#define NR_HYPERCALLS (sizeof(hypercall_table) / sizeof(hypercall_table[0]))

long hypercall_call(unsigned long nr, const uint64_t a[5])
{
	/* Page tables an earlier call, multicall element or write released
	 * are finished first: no call runs beside them (pv_mm.c). */
	if (pv_pt_drain(current->domain) == -XEN_ERESTART)
		return hypercall_continue(nr, a[0], a[1], a[2]);
	if (nr >= NR_HYPERCALLS || !hypercall_table[nr])
		return -XEN_ENOSYS;
	return hypercall_table[nr](a[0], a[1], a[2], a[3], a[4]);
}

/*
 * Hypercalls run with interrupts off. A long batch checks this between
 * elements and, past its time budget, stops and leaves a continuation:
 * the guest's syscall is re-executed with the remaining work, after any
 * pending event has been delivered and another vCPU had its turn.
 */
#define PREEMPT_BUDGET_NS 1000000

static uint64_t hypercall_start_ns;
static bool fault_preemptible;

bool hypercall_preempt_check(void)
{
	/* Never at boot (no vCPU yet) or elsewhere outside those two. */
	return (fault_preemptible || (current && current->hypercall_regs)) &&
	       system_time_ns() - hypercall_start_ns > PREEMPT_BUDGET_NS;
}

void fault_preempt_window(bool open)
{
	hypercall_start_ns = system_time_ns();
	fault_preemptible = open;
}

long hypercall_continue(unsigned long nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct vcpu *v = current;
	struct cpu_user_regs *regs = v->hypercall_regs;

	if (v->in_multicall) {
		/* The multicall stores these in the element and continues
		 * itself: the guest frame is the multicall's, not ours. */
		v->mc_preempted = true;
		v->mc_args[0] = a1;
		v->mc_args[1] = a2;
		v->mc_args[2] = a3;
		return 0;
	}
	regs->rip -= 2; /* back onto the syscall instruction */
	regs->rdi = a1;
	regs->rsi = a2;
	regs->rdx = a3;
	sched_yield_soon();
	return nr; /* rax must name the hypercall again */
}

long hypercall_dispatch(struct cpu_user_regs *regs)
{
	const uint64_t args[5] = { regs->rdi, regs->rsi, regs->rdx, regs->r10,
				   regs->r8 };
	long rc;

	hypercall_start_ns = system_time_ns();
	rc = hypercall_call(regs->rax, args);

#ifdef CONFIG_DEBUG
	if (opt.trace_hypercalls)
		pr_info("d%uv%u rsp %#lx gs %#lx hypercall %lu(%#lx, %#lx, %#lx) = %ld\n",
			current->domain->domid, current->vcpu_id,
			(unsigned long)regs->rsp,
			(unsigned long)rdmsr(0xc0000101),
			(unsigned long)regs->rax, (unsigned long)args[0],
			(unsigned long)args[1], (unsigned long)args[2], rc);
#endif
	return rc;
}
