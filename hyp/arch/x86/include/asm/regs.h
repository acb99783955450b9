/* SPDX-License-Identifier: MIT */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include <stdint.h>

/*
 * Registers as entry.S saves them on the stack: the general registers it
 * pushes, then the vector and error code (zero when the CPU pushes none),
 * then the frame the CPU pushed.
 */
struct cpu_regs {
	uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	uint64_t rax, rcx, rdx, rsi, rdi;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

#endif
