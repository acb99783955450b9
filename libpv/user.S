/* SPDX-License-Identifier: MIT */
/*
 * long user_enter(rip, rsp, kernel_rflags): save the callee-saved registers,
 * remember the kernel stack in user_kernel_rsp and iret to guest user mode
 * (cs with RPL 3 makes the hypervisor switch to the user L4). The exit
 * syscall resumes at user_return on that stack with rax = the exit code.
 */
	.text
	.globl user_enter
user_enter:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, user_kernel_rsp(%rip)
	pushq $0xe02b		/* FLAT_USER_SS */
	pushq %rsi
	pushq $0x202		/* IF: events on in user mode */
	pushq $0xe033		/* FLAT_USER_CS64 */
	pushq %rdi
	xorl %eax, %eax
	xorl %ecx, %ecx
	xorl %r11d, %r11d
	jmp iret_to_guest

	.globl user_return
user_return:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

	.bss
	.balign 8
	.globl user_kernel_rsp
user_kernel_rsp:
	.quad 0
