/* SPDX-License-Identifier: MIT */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include <stdint.h>
#include <xen/xen.h>

/*
 * Every entry into the hypervisor (exception, interrupt, syscall) saves
 * the interrupted context as the first part of the ABI's struct
 * cpu_user_regs: general registers, error code and vector in one slot,
 * then the frame the CPU pushed (rip, cs, rflags, rsp, ss). The segment
 * selector fields after ss are not on the stack.
 */
#define ENTRY_FRAME_SIZE __builtin_offsetof(struct cpu_user_regs, es)

/* entry_vector of a syscall from the guest (beyond the IDT's 256). */
#define VECTOR_SYSCALL 0x100

static inline int regs_from_guest(const struct cpu_user_regs *r)
{
	return (r->cs & 3) == 3;
}

/* General register n in instruction-encoding order (rax=0 .. r15=15). */
static inline uint64_t *guest_gpr(struct cpu_user_regs *r, unsigned int n)
{
	uint64_t *const t[16] = { &r->rax, &r->rcx, &r->rdx, &r->rbx,
				  &r->rsp, &r->rbp, &r->rsi, &r->rdi,
				  &r->r8,  &r->r9,  &r->r10, &r->r11,
				  &r->r12, &r->r13, &r->r14, &r->r15 };

	return t[n & 15];
}

#endif
