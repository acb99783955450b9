/* SPDX-License-Identifier: MIT */
/*
 * Exceptions. libpv installs a trap table whose handlers save the
 * registers and the bounce frame the hypervisor pushed, record the event in
 * `last_trap`, and resume: at the fixup address of an exception-table entry
 * if the faulting rip has one, else after the instruction for traps (int3),
 * else the guest stops with a FATAL line.
 */
#ifndef LIBPV_TRAPS_H
#define LIBPV_TRAPS_H

#include <stdint.h>

/* The saved state, lowest address first, as entry.S builds it. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector;
	uint64_t error_code; /* 0 for vectors without one */
	/* The bounce frame the hypervisor built. */
	uint64_t rip;
	uint64_t cs; /* bits 32-39: saved upcall mask */
	uint64_t rflags;
	uint64_t rsp;
	uint64_t ss;
};

struct trap_record {
	unsigned long count; /* exceptions seen so far */
	unsigned int vector;
	uint64_t error_code;
	uint64_t rip;
	uint64_t cs;
	uint64_t rflags;
	uint64_t rsp;
	uint64_t ss;
	uint64_t cr2; /* vcpu_info.arch.cr2 at entry, for #PF */
	uint8_t upcall_mask; /* vcpu_info.evtchn_upcall_mask at entry */
};

extern volatile struct trap_record last_trap;
/* Where the latest upcall interrupted the guest (handlers may look). */
extern volatile uint64_t upcall_rip;
/* ds, es, fs, gs from the frame of the last failsafe callback. */
extern volatile uint64_t failsafe_selectors[4];

/*
 * An exception-table entry: "if the instruction at `insn` faults, continue
 * at `fixup`". Put one next to an instruction that is meant to fault.
 */
#define EXTABLE(insn, fixup)                     \
	".pushsection .libpv_extable, \"a\"\n\t" \
	".balign 8\n\t"                          \
	".quad " #insn ", " #fixup "\n\t"        \
	".popsection\n\t"

void traps_init(void);
/* Optional per-vector hook; return 1 if it handled the event. */
typedef int (*trap_hook_t)(struct trap_frame *f);
void trap_set_hook(unsigned int vector, trap_hook_t hook);

/* Entry points, for guests that build their own trap tables. */
extern char trap_entry_table[32][16];

#define TRAP_de 0
#define TRAP_db 1
#define TRAP_nmi 2
#define TRAP_bp 3
#define TRAP_of 4
#define TRAP_br 5
#define TRAP_ud 6
#define TRAP_nm 7
#define TRAP_df 8
#define TRAP_ts 10
#define TRAP_np 11
#define TRAP_ss 12
#define TRAP_gp 13
#define TRAP_pf 14
#define TRAP_mf 16
#define TRAP_ac 17
#define TRAP_mc 18
#define TRAP_xm 19
/* Pseudo-vector of the failsafe callback, for trap_set_hook(). */
#define TRAP_failsafe 257

#endif
