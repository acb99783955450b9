/* SPDX-License-Identifier: MIT */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <stdint.h>
#include <asm/regs.h>

/* Stacks are aligned to this size, which bounds a backtrace's walk. */
#define STACK_WALK_LIMIT 0x4000

int do_entry(struct cpu_user_regs *regs);
void dump_registers(const struct cpu_user_regs *regs);
void print_address(const char *what, uint64_t addr);
const char *exception_name(unsigned int vector);
void backtrace_from(uint64_t rbp);
void trigger_test_fault(const char *which);

#endif
