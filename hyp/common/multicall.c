// SPDX-License-Identifier: MIT
/* multicall: a batch of hypercalls, each result written back in place. */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/hypercall.h>
#include <asm/pv.h>
#include <asm/uaccess.h>
#include <xen/errno.h>
#include <xen/xen.h>

/* The element at `at` was preempted: keep its progress, resume there. */
static long continue_at(struct vcpu *v, uint64_t at, uint32_t left)
{
	if (copy_to_guest(at + __builtin_offsetof(struct multicall_entry, args),
			  v->mc_args, sizeof(v->mc_args)))
		return -XEN_EFAULT;
	return hypercall_continue(__HYPERVISOR_multicall, at, left, 0);
}

long do_multicall(uint64_t list, uint64_t count, uint64_t a3, uint64_t a4,
		  uint64_t a5)
{
	struct vcpu *v = current;
	struct multicall_entry e;
	uint32_t n = (uint32_t)count;

	(void)a3, (void)a4, (void)a5;
	if (v->in_multicall)
		return -XEN_EINVAL; /* no nesting */
	for (uint32_t i = 0; i < n; i++) {
		uint64_t at = list + (uint64_t)i * sizeof(e);

		if (copy_from_guest(&e, at, sizeof(e)))
			return -XEN_EFAULT;
		if (e.op == __HYPERVISOR_multicall) {
			e.result = -XEN_EINVAL;
		} else if (e.op == __HYPERVISOR_iret) {
			/* As Xen: the iret happens, on the frame at the guest's
			 * stack, and ends the batch; its result is the rax it
			 * restored. */
			struct cpu_user_regs *regs = v->hypercall_regs;

			do_iret(regs);
			e.result = regs->rax;
			copy_to_guest(
				at + __builtin_offsetof(struct multicall_entry,
							result),
				&e.result, sizeof(e.result));
			return regs->rax;
		} else {
			v->in_multicall = true;
			v->mc_preempted = false;
			e.result = hypercall_call(e.op, e.args);
			v->in_multicall = false;
			if (v->mc_preempted)
				return continue_at(v, at, n - i);
		}
		if (copy_to_guest(at + __builtin_offsetof(
					       struct multicall_entry, result),
				  &e.result, sizeof(e.result)))
			return -XEN_EFAULT;
		/* The guest died mid-batch: stop. */
		if (v->domain->state != DOMAIN_RUNNING)
			break;
		if (i + 1 < n && hypercall_preempt_check())
			return hypercall_continue(__HYPERVISOR_multicall,
						  at + sizeof(e), n - i - 1, 0);
	}
	return 0;
}
