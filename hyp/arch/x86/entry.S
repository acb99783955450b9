/* SPDX-License-Identifier: MIT */
/*
 * Interrupt and exception entry: one small stub per vector pushes a zero
 * error code where the CPU pushes none and the vector number, then the
 * common path saves the general registers as struct cpu_regs and calls C.
 */
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
	pushq $v
	.else
	pushq $0
	pushq $v
	.endif
	jmp common_entry
	.set v, v + 1
	.endr

/* Stack: vector, error code, then the CPU's frame (struct cpu_regs). */
common_entry:
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
	cld
	movq %rsp, %rdi
	/* Keep the frame-pointer chain readable for backtraces. */
	movq %rsp, %rbp
	call do_entry
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
	addq $16, %rsp /* vector and error code */
	iretq
