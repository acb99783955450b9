/* SPDX-License-Identifier: MIT */
/*
 * Start of day for a PV kernel. The domain builder enters at _start in
 * guest-kernel mode with rsi = start_info's virtual address and rsp at the
 * top of a boot stack inside the initial mapping. We keep both for the
 * tests, move to our own larger stack and call libpv_start().
 */
#include <libpv/xen_notes.h>

	XEN_ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz, "libpv")
	XEN_ELFNOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz, "0.1")
	XEN_ELFNOTE(XEN_ELFNOTE_XEN_VERSION, .asciz, "xen-3.0")
	XEN_ELFNOTE(XEN_ELFNOTE_LOADER, .asciz, "generic")
	XEN_ELFNOTE(XEN_ELFNOTE_VIRT_BASE, .quad, 0xffffffff80000000)
	XEN_ELFNOTE(XEN_ELFNOTE_PADDR_OFFSET, .quad, 0)
	XEN_ELFNOTE(XEN_ELFNOTE_ENTRY, .quad, _start)
	XEN_ELFNOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad, hypercall_page)

	.section .text.start, "ax"
	.globl _start
_start:
	cld
	movq %rsp, entry_regs(%rip)
	movq %rsi, entry_regs + 8(%rip)
	leaq boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp
	movq %rsi, %rdi
	call libpv_start
1:	jmp 1b

/* long hypercall_raw(nr, a1, a2, a3, a4, a5): any number, any arguments. */
	.text
	.globl hypercall_raw
hypercall_raw:
	movq %rdi, %rax
	shlq $5, %rax
	leaq hypercall_page(%rip), %r11
	addq %r11, %rax
	movq %rsi, %rdi
	movq %rdx, %rsi
	movq %rcx, %rdx
	movq %r8, %r10
	movq %r9, %r8
	jmp *%rax

	.section .text.hypercall_page, "ax"
	.balign 4096
	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0xcc

	.data
	.globl entry_regs
	.balign 8
entry_regs:
	.quad 0, 0

	.section .bss.stack, "aw", @nobits
	.balign 4096
	.globl boot_stack, boot_stack_top
boot_stack:
	.skip 65536
boot_stack_top:
