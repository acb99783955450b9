/* SPDX-License-Identifier: MIT */
/*
 * First instructions: the multiboot1 and multiboot2 headers and the 32-bit
 * entry both loaders jump to (EAX = magic, EBX = info, paging off). We build
 * throw-away page tables mapping the first 4 GiB three times (identity, the
 * image slot and the direct map), enter long mode and jump to the image's
 * high virtual addresses. setup.c replaces these tables with the real ones.
 */
#include <asm/layout.h>

#define MB1_MAGIC 0x1badb002
#define MB1_FLAGS 0x00010003 /* page-align modules, memory info, a.out kludge */
#define MB2_MAGIC 0xe85250d6

#define PHYS(sym) ((sym) - HYP_IMAGE_OFFSET)

#define EFER_MSR 0xc0000080

	.section .boot.header, "a"
	.code32
	.balign 8
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
	.long mb1_header /* header_addr (physical) */
	.long __load_start /* load_addr */
	.long PHYS(__load_end) /* load_end_addr */
	.long PHYS(__bss_end) /* bss_end_addr */
	.long start32 /* entry_addr */

	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long 0 /* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + (mb2_header_end - mb2_header))
	/* address tag: load the file as a flat image, like the a.out kludge */
	.balign 8
	.short 2, 0
	.long 24
	.long mb2_header
	.long __load_start
	.long PHYS(__load_end)
	.long PHYS(__bss_end)
	/* entry address tag */
	.balign 8
	.short 3, 0
	.long 12
	.long start32
	/* module alignment tag: page-aligned modules */
	.balign 8
	.short 6, 0
	.long 8
	/* end tag */
	.balign 8
	.short 0, 0
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.globl start32
start32:
	cli
	cld
	movl %eax, %edi /* magic: first C argument */
	movl %ebx, %esi /* info: second C argument */
	movl $PHYS(boot_stack_top), %esp

	/* Long mode is required; without it print a word and stop. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jz no_long_mode
	movl %edx, %ebp /* keep the NX bit (20) for EFER below */

	/* PD entries: 2048 x 2 MiB covering 0-4 GiB, present+writable+large */
	movl $PHYS(early_pd), %ebx
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax
	movl %eax, (%ebx, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax /* high dword: (i << 21) >> 32 */
	movl %eax, 4(%ebx, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 1b

	/* PDPT entries 0-3 point at the four PD pages */
	movl $PHYS(early_pdpt), %ebx
	movl $PHYS(early_pd), %eax
	orl $0x3, %eax
	xorl %ecx, %ecx
2:	movl %eax, (%ebx, %ecx, 8)
	addl $4096, %eax
	incl %ecx
	cmpl $4, %ecx
	jne 2b

	/* PML4: identity (slot 0), image (slot 260), direct map (slot 262) */
	movl $PHYS(early_pml4), %ebx
	movl $PHYS(early_pdpt), %eax
	orl $0x3, %eax
	movl %eax, (%ebx)
	movl %eax, (260 * 8)(%ebx)
	movl %eax, (262 * 8)(%ebx)

	movl %cr4, %eax
	orl $(1 << 5), %eax /* PAE */
	movl %eax, %cr4
	movl %ebx, %cr3

	movl $EFER_MSR, %ecx
	rdmsr
	orl $(1 << 8), %eax /* LME */
	testl $(1 << 20), %ebp
	jz 3f
	orl $(1 << 11), %eax /* NXE, when the CPU has NX */
3:	wrmsr

	movl %cr0, %eax
	orl $0x80010001, %eax /* PG | WP | PE */
	movl %eax, %cr0

	lgdt early_gdt_ptr
	ljmp $0x08, $start64_low

no_long_mode:
	movl $no_lm_msg, %esi
	movw $0x3f8, %dx
4:	lodsb
	testb %al, %al
	jz 5f
	outb %al, %dx
	jmp 4b
5:	hlt
	jmp 5b

	.code64
start64_low:
	movabsq $start64, %rax
	jmp *%rax

	.section .boot.data, "a"
no_lm_msg:
	.asciz "Lamina: this CPU has no long mode (x86-64); stopping.\r\n"
	.balign 8
early_gdt:
	.quad 0
	.quad 0x00af9a000000ffff /* 64-bit code */
	.quad 0x00cf92000000ffff /* data */
early_gdt_end:
early_gdt_ptr:
	.short early_gdt_end - early_gdt - 1
	.long early_gdt

	.text
	.code64
start64:
	xorl %eax, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	leaq boot_stack_top(%rip), %rsp
	xorl %ebp, %ebp
	movl %edi, %edi
	movl %esi, %esi
	call start_hypervisor
6:	hlt
	jmp 6b

	.bss
	.balign 4096
	.globl early_pml4
early_pml4:
	.skip 4096
early_pdpt:
	.skip 4096
early_pd:
	.skip 4 * 4096
	.balign 4096
	.globl boot_stack
boot_stack:
	.skip BOOT_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:
