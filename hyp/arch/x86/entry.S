/* SPDX-License-Identifier: MIT */
/*
 * Entry and exit. Each IDT vector has a 16-byte stub that makes the error
 * code slot uniform and stores the vector in its upper half; syscall from a
 * guest builds the same frame by hand. The frame is the ABI's struct
 * cpu_user_regs up to ss (asm/regs.h).
 */
#include <asm/desc.h>

	.macro SAVE_GPRS
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %rax
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	.endm

	.macro RESTORE_GPRS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rax
	popq %rcx
	popq %rdx
	popq %rsi
	popq %rdi
	.endm

/* Switch to the vCPU's stack and build the entry frame a syscall lacks. */
	.macro SYSCALL_FRAME cs
	movq %rsp, syscall_guest_rsp(%rip)
	movq syscall_stack_top(%rip), %rsp
	pushq $FLAT_SS
	pushq syscall_guest_rsp(%rip)
	pushq %r11 /* rflags */
	pushq $\cs
	pushq %rcx /* rip */
	pushq $0
	movl $VECTOR_SYSCALL_ASM, 4(%rsp)
	SAVE_GPRS
	cld
	.endm

	.text
	.code64

/*
 * 256 stubs of 16 bytes each; desc.c points gate N at vector_stubs + 16 * N.
 * The CPU pushes an error code for vectors 8, 10-14, 17, 21, 29 and 30.
 */
	.balign 16
	.globl vector_stubs
vector_stubs:
	.set v, 0
	.rept 256
	.balign 16
	.if (v == 8) || ((v >= 10) && (v <= 14)) || (v == 17) || (v == 21) || (v == 29) || (v == 30)
	movl $v, 4(%rsp)
	.else
	pushq $0
	movl $v, 4(%rsp)
	.endif
	jmp common_entry
	.set v, v + 1
	.endr

common_entry:
	SAVE_GPRS
	cld
	movq %rsp, %rdi
	/* Keep the frame-pointer chain readable for backtraces. */
	movq %rsp, %rbp
	call do_entry
	testb $3, 8 * 17(%rsp) /* cs: back to a guest? */
	jnz return_to_guest
	RESTORE_GPRS
	addq $8, %rsp /* error code and vector */
	iretq

/*
 * syscall from ring 3: a hypercall from the guest kernel or a system call
 * from guest user mode. SFMASK cleared IF, so nothing interrupts us before
 * we are on the hypervisor stack.
 */
	.globl syscall_entry
syscall_entry:
	SYSCALL_FRAME FLAT_CS
	xorl %ebp, %ebp
	movq %rsp, %rdi
	call do_syscall
	/* fall through */

/*
 * Leave to the guest: give C a last look (pending event upcalls, a vCPU
 * switch), then restore and iretq. Never sysret: it faults in ring 0 on a
 * non-canonical return address on some CPUs.
 */
	.globl return_to_guest
return_to_guest:
	cli
	movq %rsp, %rdi
	call prepare_return_to_guest
	RESTORE_GPRS
	addq $8, %rsp
	iretq

/* A 32-bit (compatibility mode) syscall: not supported, the guest dies. */
	.globl syscall32_entry
syscall32_entry:
	SYSCALL_FRAME FLAT_CS32
	movq %rsp, %rdi
	call do_syscall32
	jmp return_to_guest

/* Start a vCPU from the frame at rdi (a full entry frame on its stack). */
	.globl enter_guest_frame
enter_guest_frame:
	movq %rdi, %rsp
	jmp return_to_guest

	.data
	.balign 8
	.globl syscall_stack_top
syscall_stack_top:
	.quad 0
syscall_guest_rsp:
	.quad 0
