/* SPDX-License-Identifier: MIT */
/*
 * Guest user mode. user_mode_init() builds a user L4 that shares the
 * kernel's guest mappings (so user code may run kernel text), installs it
 * with MMUEXT_NEW_USER_BASEPTR and gives the hypervisor a kernel stack for
 * ring switches (stack_switch). user_run() enters user mode through the
 * iret hypercall; user code calls user_syscall() and leaves with
 * user_exit(), which makes user_run() return its code.
 */
#ifndef LIBPV_USER_H
#define LIBPV_USER_H

#include <stdint.h>
#include <libpv/traps.h>

#define USER_SYS_EXIT 0

void user_mode_init(void);
/* The user L4's machine frame. */
extern unsigned long user_l4_mfn;
/* Run fn in guest user mode on its own stack page; returns the exit code. */
long user_run(void (*fn)(void));
/* Called for every user syscall but exit: f->rax is the number. The
 * handler's f->rax is what the syscall returns. */
void user_set_syscall_handler(void (*fn)(struct trap_frame *f));
/* The syscall frame of the last user syscall, as delivered. */
extern volatile struct trap_frame last_syscall;
extern volatile unsigned long syscall_count;

static inline long user_syscall(unsigned long nr, unsigned long arg)
{
	long ret;

	asm volatile("syscall"
		     : "=a"(ret), "+D"(arg)
		     : "a"(nr)
		     : "rcx", "r11", "memory");
	return ret;
}

static inline void __attribute__((noreturn)) user_exit(long code)
{
	user_syscall(USER_SYS_EXIT, (unsigned long)code);
	__builtin_unreachable();
}

#endif
