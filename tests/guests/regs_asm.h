/* SPDX-License-Identifier: MIT */
/*
 * For guests that compare registers compiled code must not touch in
 * between (fpu, xsave): each sequence loads a pattern, lets the event under
 * test happen and stores the registers, all in one asm statement. FILL
 * reads the pattern at %r12, SAVE writes to %r13.
 */
#ifndef GUESTS_REGS_ASM_H
#define GUESTS_REGS_ASM_H

#include <libpv/hypercall.h>
#include <libpv/traps.h>

/* Everything a hypercall or an exception may change, besides r12-r15. */
#define CALL_CLOBBERS \
	"rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11"

/*
 * static void name(ptype *pattern, stype *out, unsigned int nr,
 *                  unsigned long cmd): FILL from pattern, hypercall
 * nr(cmd, NULL), SAVE into out. The rest are the register clobbers.
 */
#define DEFINE_FILL_HYPERCALL_SAVE(name, ptype, stype, fill, save, ...)    \
	static void name(ptype *pattern, stype *out, unsigned int nr,      \
			 unsigned long cmd)                                \
	{                                                                  \
		register ptype *p asm("r12") = pattern;                    \
		register stype *s asm("r13") = out;                        \
		register char *stub asm("r14") = hypercall_page + 32 * nr; \
		register unsigned long c asm("r15") = cmd;                 \
                                                                           \
		asm volatile(fill "mov %%r15, %%rdi\n\t"                   \
				  "xor %%esi, %%esi\n\t"                   \
				  "call *%%r14\n\t" save                   \
			     :                                             \
			     : "r"(p), "r"(s), "r"(stub), "r"(c)           \
			     : CALL_CLOBBERS, __VA_ARGS__);                \
	}

/*
 * static unsigned long name(ptype *pattern, stype *out): FILL, then #UD,
 * int3 and a #PF (a read of an unmapped page), each bounced to the guest
 * and resumed, then SAVE. Returns how many exceptions the guest saw.
 */
#define DEFINE_FILL_EXCEPTIONS_SAVE(name, ptype, stype, fill, save, ...) \
	static unsigned long name(ptype *pattern, stype *out)            \
	{                                                                \
		register ptype *p asm("r12") = pattern;                  \
		register stype *s asm("r13") = out;                      \
		unsigned long before = last_trap.count;                  \
                                                                         \
		asm volatile(fill "1: ud2\n\t"                           \
				  "2: int3\n\t"                          \
				  "mov $0x1000, %%rax\n\t"               \
				  "3: mov (%%rax), %%rax\n\t"            \
				  "4:\n\t" save EXTABLE(1b, 2b)          \
					  EXTABLE(3b, 4b)                \
			     :                                           \
			     : "r"(p), "r"(s)                            \
			     : CALL_CLOBBERS, __VA_ARGS__);              \
		return last_trap.count - before;                         \
	}

#endif
