// SPDX-License-Identifier: MIT
/* multicall: a batch of hypercalls, each result written back in place. */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/hypercall.h>
#include <asm/pv.h>
#include <asm/uaccess.h>
#include <xen/errno.h>
#include <xen/xen.h>

long do_multicall(uint64_t list, uint64_t count, uint64_t a3, uint64_t a4,
		  uint64_t a5)
{
	static bool in_multicall;
	struct multicall_entry e;
	uint32_t n = (uint32_t)count;

	(void)a3, (void)a4, (void)a5;
	if (in_multicall)
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
			struct cpu_user_regs *regs = current->hypercall_regs;

			do_iret(regs);
			e.result = regs->rax;
			copy_to_guest(
				at + __builtin_offsetof(struct multicall_entry,
							result),
				&e.result, sizeof(e.result));
			return regs->rax;
		} else {
			/* An element runs whole: with no hypercall frame it
			 * cannot leave a continuation of its own, which would
			 * rewrite the multicall's frame. The batch itself is
			 * preemptible between elements. */
			struct cpu_user_regs *regs = current->hypercall_regs;

			in_multicall = true;
			current->hypercall_regs = NULL;
			e.result = hypercall_call(e.op, e.args);
			current->hypercall_regs = regs;
			in_multicall = false;
		}
		if (copy_to_guest(at + __builtin_offsetof(
					       struct multicall_entry, result),
				  &e.result, sizeof(e.result)))
			return -XEN_EFAULT;
		/* The guest died mid-batch: stop. */
		if (current->domain->state != DOMAIN_RUNNING)
			break;
		if (i + 1 < n && hypercall_preempt_check())
			return hypercall_continue(__HYPERVISOR_multicall,
						  at + sizeof(e), n - i - 1);
	}
	return 0;
}
