/* SPDX-License-Identifier: MIT */
#ifndef LAMINA_HYPERCALL_H
#define LAMINA_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>
#include <asm/regs.h>

typedef long (*hypercall_fn)(uint64_t a1, uint64_t a2, uint64_t a3,
			     uint64_t a4, uint64_t a5);

/* Run the hypercall in regs (rax = number, rdi rsi rdx r10 r8). */
long hypercall_dispatch(struct cpu_user_regs *regs);
/* Run hypercall nr with these arguments (multicall uses this). */
long hypercall_call(unsigned long nr, const uint64_t args[5]);

/* Long batches: time to stop? Then return hypercall_continue(...): the
 * guest re-issues hypercall nr with these first three arguments. */
bool hypercall_preempt_check(void);
long hypercall_continue(unsigned long nr, uint64_t a1, uint64_t a2,
			uint64_t a3);
/* A fault the guest re-takes to go on (pv_ptwr.c) opens the same budget
 * around its work: hypercall_preempt_check() is then true past it too. */
void fault_preempt_window(bool open);

/* Handlers, one per subsystem file. */
long do_xen_version(uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t);
long do_console_io(uint64_t cmd, uint64_t count, uint64_t buf, uint64_t,
		   uint64_t);
long do_sched_op(uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t);
long do_set_trap_table(uint64_t list, uint64_t, uint64_t, uint64_t, uint64_t);
long do_mmu_update(uint64_t reqs, uint64_t count, uint64_t done,
		   uint64_t foreigndom, uint64_t);
long do_update_va_mapping(uint64_t va, uint64_t val, uint64_t flags, uint64_t,
			  uint64_t);
long do_update_va_mapping_otherdomain(uint64_t va, uint64_t val, uint64_t flags,
				      uint64_t domid, uint64_t);
long do_mmuext_op(uint64_t ops, uint64_t count, uint64_t done,
		  uint64_t foreigndom, uint64_t);
long do_memory_op(uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t);
long do_vcpu_op(uint64_t cmd, uint64_t vcpuid, uint64_t arg, uint64_t,
		uint64_t);
long do_set_callbacks(uint64_t event, uint64_t failsafe, uint64_t syscall,
		      uint64_t, uint64_t);
long do_callback_op(uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t);
long do_stack_switch(uint64_t ss, uint64_t sp, uint64_t, uint64_t, uint64_t);
long do_set_segment_base(uint64_t which, uint64_t base, uint64_t, uint64_t,
			 uint64_t);
long do_fpu_taskswitch(uint64_t set, uint64_t, uint64_t, uint64_t, uint64_t);
long do_vm_assist(uint64_t cmd, uint64_t type, uint64_t, uint64_t, uint64_t);
long do_set_timer_op(uint64_t timeout, uint64_t, uint64_t, uint64_t,
		     uint64_t);
long do_event_channel_op(uint64_t cmd, uint64_t arg, uint64_t, uint64_t,
			 uint64_t);
long do_set_gdt(uint64_t frames, uint64_t entries, uint64_t, uint64_t,
		uint64_t);
long do_update_descriptor(uint64_t ma, uint64_t desc, uint64_t, uint64_t,
			  uint64_t);
long do_set_debugreg(uint64_t reg, uint64_t value, uint64_t, uint64_t,
		     uint64_t);
long do_get_debugreg(uint64_t reg, uint64_t, uint64_t, uint64_t, uint64_t);
long do_nmi_op(uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t);
long do_xsm_op(uint64_t op, uint64_t arg, uint64_t, uint64_t, uint64_t);
long do_physdev_op(uint64_t cmd, uint64_t arg, uint64_t, uint64_t, uint64_t);
long do_grant_table_op(uint64_t cmd, uint64_t uop, uint64_t count, uint64_t,
		       uint64_t);
long do_platform_op(uint64_t arg, uint64_t, uint64_t, uint64_t, uint64_t);
long do_mca(uint64_t arg, uint64_t, uint64_t, uint64_t, uint64_t);
long do_domctl(uint64_t arg, uint64_t, uint64_t, uint64_t, uint64_t);
long do_multicall(uint64_t list, uint64_t count, uint64_t, uint64_t,
		  uint64_t);

#endif
