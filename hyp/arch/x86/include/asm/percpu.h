/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU state. Each physical CPU owns one struct percpu; its GDT is the
 * first member, so the GDTR base (sgdt, cheap and never changed after
 * bring-up) says which CPU we are on without a spare segment register:
 * guests own both FS and GS bases.
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <stdbool.h>
#include <stdint.h>
#include <generated/autoconf.h>
#include <asm/desc.h>

#define IST_STACK_SIZE 4096

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct vcpu;

struct percpu {
	uint64_t gdt[GDT_ENTRIES]; /* first: found through the GDTR */
	struct tss64 tss __attribute__((aligned(64)));
	unsigned int cpu; /* index into percpu[] */
	unsigned int apic_id;
	struct vcpu *curr; /* the vCPU on this CPU, NULL when idle */
	bool need_resched; /* switch at the next return to a guest */
	bool idle; /* halted in the idle loop, wake with an IPI */
	bool dr7_active; /* a guest's breakpoints are enabled in DR7 now */
	uint64_t idle_stack_top;
	/* TLB shootdown: set by the requester, cleared once flushed. */
	volatile uint32_t flush_request;
	/* tlb_clock value of this CPU's last full TLB flush. */
	volatile uint64_t tlb_flushed;
	char ist_stacks[4][IST_STACK_SIZE] __attribute__((aligned(16)));
} __attribute__((aligned(4096)));

extern struct percpu percpu[CONFIG_NR_CPUS];
extern unsigned int nr_cpus_online;

static inline struct percpu *this_cpu(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} gdtr;

	asm("sgdt %0" : "=m"(gdtr));
	return (struct percpu *)gdtr.base;
}

static inline unsigned int smp_processor_id(void)
{
	return this_cpu()->cpu;
}

#endif
