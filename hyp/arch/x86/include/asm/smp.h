/* SPDX-License-Identifier: MIT */
/* Several CPUs: bring-up, the hypervisor lock, IPIs, TLB shootdown. */
#ifndef ASM_SMP_H
#define ASM_SMP_H

/* Where the APs' real-mode start code is copied (below 1 MiB, reserved). */
#define AP_TRAMPOLINE_BASE 0x6000

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

struct domain;

/* Start every enabled CPU the MADT lists (nosmp, maxcpus=, NR_CPUS). */
void smp_boot_cpus(void);

/*
 * The hypervisor lock: one lock around all hypervisor state, taken on
 * every entry from a guest and dropped on the way back (docs/design-notes.md).
 */
void hyp_lock(void);
void hyp_unlock(void);
bool hyp_lock_held(void);

/* Make CPU cpu pass through the scheduler soon (wake it if idle). */
void smp_send_resched(unsigned int cpu);
/* cpu must pick again at its next return to a guest (a preemption). */
void smp_preempt(unsigned int cpu);
/* Wake one idle CPU, if any; false when every CPU is busy. */
bool smp_wake_idle_cpu(void);
/* Handlers for the IPI vectors. */
void smp_init_ipis(void);
/* The shootdown IPI's work, also polled while spinning for the lock. */
void smp_flush_if_requested(void);

/* Full TLB flush of this CPU (a CR3 write), stamped on the TLB clock. */
void write_cr3_flush(uint64_t cr3);
/* A guest mapping was just removed: a TLB may still hold it. */
void tlb_note_mapping_dropped(void);
/* Flush, and wait for, every CPU running a vCPU of d (this one too). */
void flush_tlb_domain(const struct domain *d);
/* Flush every CPU that may still cache a removed mapping, and wait. */
void flush_tlb_stale(void);
#endif

#endif
