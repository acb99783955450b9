/* SPDX-License-Identifier: MIT */
/*
 * Where an AP starts after its start-up IPI: real mode at
 * AP_TRAMPOLINE_BASE (smpboot.c copies this code there). It goes to
 * protected mode, then to long mode on head.S's boot tables, which map
 * low memory one to one and the image, and jumps into the image, where
 * ap_entry64 switches to the hypervisor's page tables and its own stack.
 */
#include <asm/smp.h>

#define T(sym) (AP_TRAMPOLINE_BASE + (sym) - ap_trampoline)

	.text
	.code16
	.globl ap_trampoline
ap_trampoline:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	lgdtl ap_gdt_ptr - ap_trampoline
	movl %cr0, %eax
	orl $1, %eax /* PE */
	movl %eax, %cr0
	ljmpl $0x08, $T(ap_protected)

	.code32
ap_protected:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %cr4, %eax
	orl $(1 << 5), %eax /* PAE */
	movl %eax, %cr4
	movl T(ap_tramp_cr3), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx /* EFER: LME, and NXE as the BSP has it */
	rdmsr
	orl T(ap_tramp_efer), %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80010001, %eax /* PG | WP | PE */
	movl %eax, %cr0
	ljmpl $0x18, $T(ap_long)

	.code64
ap_long:
	movq T(ap_tramp_entry), %rax
	jmp *%rax

	.balign 8
ap_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff /* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff /* 0x10: data */
	.quad 0x00af9a000000ffff /* 0x18: 64-bit code */
ap_gdt_ptr:
	.short ap_gdt_ptr - ap_gdt - 1
	.long T(ap_gdt)

/* Filled in the copy by smpboot.c. */
	.balign 8
	.globl ap_tramp_cr3, ap_tramp_efer, ap_tramp_entry
ap_tramp_cr3:
	.long 0
ap_tramp_efer:
	.long 0
ap_tramp_entry:
	.quad 0
	.globl ap_trampoline_end
ap_trampoline_end:

/* In the image now: the real page tables, this AP's stack, then C. */
	.globl ap_entry64
ap_entry64:
	movq ap_boot(%rip), %rax
	movq %rax, %cr3
	movq ap_boot + 8(%rip), %rsp
	xorl %ebp, %ebp
	call ap_start
1:	hlt
	jmp 1b
