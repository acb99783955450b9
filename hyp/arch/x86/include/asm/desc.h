/* SPDX-License-Identifier: MIT */
#ifndef ASM_DESC_H
#define ASM_DESC_H

/*
 * Hypervisor selectors sit in the GDT entries the Xen PV ABI reserves for
 * the hypervisor (entry 7168 on, selector 0xe000), so that the entries
 * below stay free for guests' own GDT frames later.
 */
#define HYP_GDT_FIRST_ENTRY 7168 /* the ABI's FIRST_RESERVED_GDT_ENTRY */
#define HYP_CS 0xe008 /* ring 0, 64-bit code */
#define HYP_DS 0xe010 /* ring 0, data */
#define GUEST_CS32 0xe023 /* ring 3, 32-bit code (FLAT_RING3_CS32) */
#define GUEST_DS 0xe02b /* ring 3, data (FLAT_RING3_DS64) */
#define GUEST_CS64 0xe033 /* ring 3, 64-bit code (FLAT_RING3_CS64) */
#define TSS_SEL 0xe040 /* 16-byte TSS descriptor */
#define LDT_SEL 0xe050 /* 16-byte LDT descriptor: the running vCPU's LDT */
#define GDT_ENTRIES (HYP_GDT_FIRST_ENTRY + 16)

/* The selectors a guest's frames carry (the ABI's FLAT_RING3_*). */
#define FLAT_CS GUEST_CS64
#define FLAT_CS32 GUEST_CS32
#define FLAT_SS GUEST_DS
#define VECTOR_SYSCALL_ASM 0x100

/* Interrupt stack table slots for exceptions that need a known-good stack. */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_DEBUG 4 /* a #DB held back by mov ss hits syscall entry */

#ifndef __ASSEMBLER__
#include <stdint.h>
struct percpu;
void desc_init(void);
/* A CPU's GDT, TSS (rsp0 = stack0) and the IDT, loaded on that CPU. */
void desc_init_cpu(struct percpu *pc, uint64_t stack0);
void tss_set_rsp0(uint64_t rsp0);
/* Guest descriptors below HYP_GDT_FIRST_ENTRY (already validated). */
void gdt_set_guest_entries(unsigned int first, const uint64_t *d,
			   unsigned int n);
void gdt_clear_guest_entries(void);
/* Make entries descriptors at base this CPU's LDT (0: none). */
void ldt_load(const void *base, unsigned int entries);
#endif

#endif
