/* SPDX-License-Identifier: MIT */
/*
 * Entry and exit. Each IDT vector has a 16-byte stub that makes the error
 * code slot uniform and stores the vector in its upper half; syscall from a
 * guest builds the same frame by hand. The frame is the ABI's struct
 * cpu_user_regs up to ss (asm/regs.h).
 */
#include <generated/autoconf.h>
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

/*
 * syscall leaves no free register and no stack, so each CPU enters
 * through its own stub (its LSTAR/CSTAR) that knows its slot in
 * syscall_slots: the running vCPU's stack top and a scratch word for the
 * guest's rsp. The stub switches stacks and starts the frame.
 */
	.macro SYSCALL_STUB cpu, target
	.balign 32
	movq %rsp, syscall_slots + 16 * \cpu + 8(%rip)
	movq syscall_slots + 16 * \cpu(%rip), %rsp
	pushq $FLAT_SS
	pushq syscall_slots + 16 * \cpu + 8(%rip)
	jmp \target
	.endm

/* The rest of the entry frame a syscall lacks (ss and rsp are pushed). */
	.macro SYSCALL_FRAME cs
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
	testl %eax, %eax /* handled without the lock (TLB shootdown) */
	jnz 1f
	testb $3, 8 * 17(%rsp) /* cs: back to a guest? */
	jnz return_to_guest
1:	RESTORE_GPRS
	addq $8, %rsp /* error code and vector */
	iretq

/*
 * syscall from ring 3: a hypercall from the guest kernel or a system call
 * from guest user mode. SFMASK cleared IF, so nothing interrupts us before
 * we are on the hypervisor stack.
 */
	.globl syscall_stubs
	.balign 32
syscall_stubs:
	.set n, 0
	.rept CONFIG_NR_CPUS
	SYSCALL_STUB n, syscall_entry
	.set n, n + 1
	.endr
	.globl syscall32_stubs
	.balign 32
syscall32_stubs:
	.set n, 0
	.rept CONFIG_NR_CPUS
	SYSCALL_STUB n, syscall32_entry
	.set n, n + 1
	.endr

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
syscall32_entry:
	SYSCALL_FRAME FLAT_CS32
	movq %rsp, %rdi
	call do_syscall32
	jmp return_to_guest

/* A guest's #DB taken on the IST stack goes on from rdi, its copy on the
 * vCPU's stack, as any exception from the guest. */
	.globl guest_exception_on_frame
guest_exception_on_frame:
	movq %rdi, %rsp
	xorl %ebp, %ebp
	call pv_guest_exception
	jmp return_to_guest

/* Start a vCPU from the frame at rdi (a full entry frame on its stack). */
	.globl enter_guest_frame
enter_guest_frame:
	movq %rdi, %rsp
	jmp return_to_guest

	.data
	.balign 16
	.globl syscall_slots
syscall_slots:
	.skip 16 * CONFIG_NR_CPUS
