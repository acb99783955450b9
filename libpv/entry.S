/* SPDX-License-Identifier: MIT */
/*
 * Exception, upcall and syscall entry. The hypervisor delivers each on the
 * guest kernel stack as a bounce frame, lowest address first:
 *     rcx, r11, [error code], rip, cs, rflags, rsp, ss
 * (the error code only for vectors that have one). Each stub pops rcx and
 * r11, pushes a zero error code where there is none and the vector number,
 * and joins entry_common, which saves the registers as a struct trap_frame,
 * calls trap_dispatch() and leaves through the iret hypercall.
 *
 * Pseudo-vectors: 256 event upcall, 257 failsafe, 258 guest-user syscall.
 */
#define VEC_UPCALL 256
#define VEC_FAILSAFE 257
#define VEC_SYSCALL 258

	.macro STUB vec, has_err
	.balign 16
	popq %rcx
	popq %r11
	.if \has_err == 0
	pushq $0
	.endif
	pushq $\vec
	jmp entry_common
	.endm

	.text
	.balign 16
	.globl trap_entry_table
trap_entry_table:
	STUB 0, 0
	STUB 1, 0
	STUB 2, 0
	STUB 3, 0
	STUB 4, 0
	STUB 5, 0
	STUB 6, 0
	STUB 7, 0
	STUB 8, 1
	STUB 9, 0
	STUB 10, 1
	STUB 11, 1
	STUB 12, 1
	STUB 13, 1
	STUB 14, 1
	STUB 15, 0
	STUB 16, 0
	STUB 17, 1
	STUB 18, 0
	STUB 19, 0
	STUB 20, 0
	STUB 21, 1
	STUB 22, 0
	STUB 23, 0
	STUB 24, 0
	STUB 25, 0
	STUB 26, 0
	STUB 27, 0
	STUB 28, 0
	STUB 29, 1
	STUB 30, 1
	STUB 31, 0

	.globl upcall_entry
upcall_entry:
	STUB VEC_UPCALL, 0

	.globl syscall_entry
syscall_entry:
	STUB VEC_SYSCALL, 0

/*
 * The failsafe frame also holds ds, es, fs, gs after r11: keep them in
 * failsafe_selectors (for trap hooks) and drop them from the stack.
 */
	.globl failsafe_entry
	.balign 16
failsafe_entry:
	popq %rcx
	popq %r11
	popq failsafe_selectors(%rip)
	popq failsafe_selectors+8(%rip)
	popq failsafe_selectors+16(%rip)
	popq failsafe_selectors+24(%rip)
	pushq $0
	pushq $VEC_FAILSAFE
	jmp entry_common

entry_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	movq %rsp, %rbx
	andq $-16, %rsp
	call trap_dispatch
	movq %rbx, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp
	/* fall through */

/*
 * Return through HYPERVISOR_iret: with rip, cs, rflags, rsp, ss on the
 * stack, push the flags word and jump to the iret stub, which pushes r11,
 * rcx and rax itself.
 */
	.globl iret_to_guest
iret_to_guest:
	pushq $0
	jmp hypercall_page + 23 * 32
