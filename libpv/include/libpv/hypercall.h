/* SPDX-License-Identifier: MIT */
/*
 * Hypercall wrappers. Every call goes through the hypercall page the
 * hypervisor filled in at load time: `call hypercall_page + 32 * nr` with the
 * arguments in rdi, rsi, rdx, r10, r8 and the result in rax. The argument
 * registers, rcx and r11 are treated as clobbered.
 */
#ifndef LIBPV_HYPERCALL_H
#define LIBPV_HYPERCALL_H

#include <stdint.h>
#include <xen/xen.h>

extern char hypercall_page[4096];

/* One raw entry point for tests that want unusual numbers or arguments. */
long hypercall_raw(unsigned long nr, unsigned long a1, unsigned long a2,
		   unsigned long a3, unsigned long a4, unsigned long a5);

/*
 * A direct `call hypercall_page + 32 * nr`; nr must be a constant. The
 * arguments are evaluated before any register is loaded.
 */
#define _hcall(nr, a1, a2, a3, a4, a5)                                         \
	({                                                                     \
		unsigned long _a1 = (a1), _a2 = (a2), _a3 = (a3);              \
		unsigned long _a4 = (a4), _a5 = (a5);                          \
		register unsigned long _rdi asm("rdi") = _a1;                  \
		register unsigned long _rsi asm("rsi") = _a2;                  \
		register unsigned long _rdx asm("rdx") = _a3;                  \
		register unsigned long _r10 asm("r10") = _a4;                  \
		register unsigned long _r8 asm("r8") = _a5;                    \
		register unsigned long _rax asm("rax");                        \
		asm volatile("call hypercall_page + %c[off]"                   \
			     : "=r"(_rax), "+r"(_rdi), "+r"(_rsi), "+r"(_rdx), \
			       "+r"(_r10), "+r"(_r8)                           \
			     : [off] "i"((nr)*32)                              \
			     : "rcx", "r11", "r9", "memory");                  \
		(long)_rax;                                                    \
	})

#define HC(name, a1, a2, a3, a4, a5)                                          \
	_hcall(__HYPERVISOR_##name, (unsigned long)(a1), (unsigned long)(a2), \
	       (unsigned long)(a3), (unsigned long)(a4), (unsigned long)(a5))

static inline long hyp_set_trap_table(const struct trap_info *t)
{
	return HC(set_trap_table, t, 0, 0, 0, 0);
}

static inline long hyp_mmu_update(struct mmu_update *req, unsigned int count,
				  unsigned int *done, domid_t dom)
{
	return HC(mmu_update, req, count, done, dom, 0);
}

static inline long hyp_mmuext_op(struct mmuext_op *op, unsigned int count,
				 unsigned int *done, domid_t dom)
{
	return HC(mmuext_op, op, count, done, dom, 0);
}

static inline long hyp_set_gdt(const xen_pfn_t *frames, unsigned int entries)
{
	return HC(set_gdt, frames, entries, 0, 0, 0);
}

static inline long hyp_stack_switch(unsigned long ss, unsigned long sp)
{
	return HC(stack_switch, ss, sp, 0, 0, 0);
}

static inline long hyp_set_callbacks(unsigned long event, unsigned long fail,
				     unsigned long syscall)
{
	return HC(set_callbacks, event, fail, syscall, 0, 0);
}

static inline long hyp_update_descriptor(uint64_t ma, uint64_t desc)
{
	return HC(update_descriptor, ma, desc, 0, 0, 0);
}

static inline long hyp_memory_op(unsigned int cmd, void *arg)
{
	return HC(memory_op, cmd, arg, 0, 0, 0);
}

static inline long hyp_multicall(struct multicall_entry *calls,
				 unsigned int count)
{
	return HC(multicall, calls, count, 0, 0, 0);
}

static inline long hyp_update_va_mapping(unsigned long va, uint64_t pte,
					 unsigned long flags)
{
	return HC(update_va_mapping, va, pte, flags, 0, 0);
}

static inline long hyp_update_va_mapping_otherdomain(unsigned long va,
						     uint64_t pte,
						     unsigned long flags,
						     domid_t domid)
{
	return HC(update_va_mapping_otherdomain, va, pte, flags, domid, 0);
}

static inline long hyp_set_timer_op(uint64_t timeout_abs_ns)
{
	return HC(set_timer_op, timeout_abs_ns, 0, 0, 0, 0);
}

static inline long hyp_xen_version(int cmd, void *arg)
{
	return HC(xen_version, cmd, arg, 0, 0, 0);
}

static inline long hyp_console_io(int cmd, unsigned int len, const char *buf)
{
	return HC(console_io, cmd, len, buf, 0, 0);
}

static inline long hyp_vm_assist(unsigned int cmd, unsigned int type)
{
	return HC(vm_assist, cmd, type, 0, 0, 0);
}

static inline long hyp_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
	return HC(vcpu_op, cmd, vcpu, arg, 0, 0);
}

static inline long hyp_sched_op(int cmd, void *arg)
{
	return HC(sched_op, cmd, arg, 0, 0, 0);
}

static inline long hyp_callback_op(int cmd, const void *arg)
{
	return HC(callback_op, cmd, arg, 0, 0, 0);
}

static inline long hyp_event_channel_op(int cmd, void *arg)
{
	return HC(event_channel_op, cmd, arg, 0, 0, 0);
}

static inline long hyp_set_segment_base(unsigned int which, unsigned long base)
{
	return HC(set_segment_base, which, base, 0, 0, 0);
}

static inline long hyp_fpu_taskswitch(int set)
{
	return HC(fpu_taskswitch, set, 0, 0, 0, 0);
}

static inline long hyp_set_debugreg(int reg, unsigned long value)
{
	return HC(set_debugreg, reg, value, 0, 0, 0);
}

static inline unsigned long hyp_get_debugreg(int reg)
{
	return HC(get_debugreg, reg, 0, 0, 0, 0);
}

static inline long hyp_nmi_op(unsigned int cmd, void *arg)
{
	return HC(nmi_op, cmd, arg, 0, 0, 0);
}

static inline long hyp_xsm_op(void *arg)
{
	return HC(xsm_op, arg, 0, 0, 0, 0);
}

#endif
