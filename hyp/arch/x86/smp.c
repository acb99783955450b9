// SPDX-License-Identifier: MIT
/*
 * Running on several CPUs: the hypervisor lock, the IPIs that wake or
 * redirect another CPU, and TLB shootdown. A CPU that waits for the lock
 * keeps answering shootdown requests, and the shootdown IPI is handled
 * without the lock, so the lock holder can always wait for a flush.
 */
#include <stddef.h>
#include <stdint.h>
#include <lamina/domain.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/irq.h>
#include <asm/percpu.h>
#include <asm/smp.h>

#define NO_HOLDER (~0u)

/* A ticket lock: CPUs get it in the order they asked. */
static struct {
	volatile uint32_t next, serving;
	volatile unsigned int holder;
} big_lock = { 0, 0, NO_HOLDER };

/* Counts full TLB flushes; last_drop: its value when a mapping went. */
static volatile uint64_t tlb_clock = 1, tlb_last_drop;

void hyp_lock(void)
{
	uint32_t ticket =
		__atomic_fetch_add(&big_lock.next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&big_lock.serving, __ATOMIC_ACQUIRE) != ticket) {
		smp_flush_if_requested();
		cpu_relax();
	}
	big_lock.holder = smp_processor_id();
}

void hyp_unlock(void)
{
	big_lock.holder = NO_HOLDER;
	__atomic_store_n(&big_lock.serving, big_lock.serving + 1,
			 __ATOMIC_RELEASE);
}

bool hyp_lock_held(void)
{
	return big_lock.holder == smp_processor_id();
}

void write_cr3_flush(uint64_t cr3)
{
	/* Stamp first: a mapping dropped before the stamp is gone after. */
	this_cpu()->tlb_flushed =
		__atomic_add_fetch(&tlb_clock, 1, __ATOMIC_SEQ_CST);
	write_cr3(cr3);
}

void tlb_note_mapping_dropped(void)
{
	__atomic_store_n(&tlb_last_drop,
			 __atomic_load_n(&tlb_clock, __ATOMIC_SEQ_CST),
			 __ATOMIC_SEQ_CST);
}

void smp_flush_if_requested(void)
{
	struct percpu *pc = this_cpu();

	if (!__atomic_load_n(&pc->flush_request, __ATOMIC_ACQUIRE))
		return;
	write_cr3_flush(read_cr3());
	__atomic_store_n(&pc->flush_request, 0, __ATOMIC_RELEASE);
}

static void flush_interrupt(struct cpu_user_regs *regs)
{
	(void)regs;
	lapic_eoi();
	smp_flush_if_requested();
}

static void resched_interrupt(struct cpu_user_regs *regs)
{
	(void)regs;
	lapic_eoi(); /* the way back to the guest or idle does the rest */
	lapic_timer_sync(); /* another CPU set an earlier vCPU deadline */
}

void smp_send_resched(unsigned int cpu)
{
	if (cpu == smp_processor_id())
		this_cpu()->need_resched = true;
	else
		lapic_send_ipi(percpu[cpu].apic_id, VECTOR_RESCHED);
}

void smp_preempt(unsigned int cpu)
{
	percpu[cpu].need_resched = true;
	smp_send_resched(cpu);
}

bool smp_wake_idle_cpu(void)
{
	for (unsigned int c = 0; c < nr_cpus_online; c++) {
		if (c != smp_processor_id() && percpu[c].idle) {
			percpu[c].idle = false; /* one wake-up is enough */
			lapic_send_ipi(percpu[c].apic_id, VECTOR_RESCHED);
			return true;
		}
	}
	return false;
}

/* Flush every CPU wants() picks (this one directly) and wait for them. */
static void shootdown(bool (*wants)(const struct percpu *, const void *),
		      const void *arg)
{
	unsigned int me = smp_processor_id();
	bool waiting = false;

	for (unsigned int c = 0; c < nr_cpus_online; c++) {
		struct percpu *pc = &percpu[c];

		if (!wants(pc, arg))
			continue;
		if (c == me) {
			write_cr3_flush(read_cr3());
			continue;
		}
		__atomic_store_n(&pc->flush_request, 1, __ATOMIC_RELEASE);
		lapic_send_ipi(pc->apic_id, VECTOR_FLUSH);
		waiting = true;
	}
	for (unsigned int c = 0; waiting && c < nr_cpus_online; c++)
		while (__atomic_load_n(&percpu[c].flush_request,
				       __ATOMIC_ACQUIRE))
			cpu_relax();
}

static bool runs_domain(const struct percpu *pc, const void *d)
{
	const struct vcpu *v = pc->curr;

	return v && v->domain == d;
}

void flush_tlb_domain(const struct domain *d)
{
	shootdown(runs_domain, d);
}

/* An idle CPU holds stale entries too, but reloads CR3 before a guest
 * runs, and the hypervisor uses no guest address without a vCPU. */
static bool may_be_stale(const struct percpu *pc, const void *unused)
{
	(void)unused;
	return pc->curr && pc->tlb_flushed <= tlb_last_drop;
}

void flush_tlb_stale(void)
{
	shootdown(may_be_stale, NULL);
}

void smp_init_ipis(void)
{
	irq_set_handler(VECTOR_FLUSH, flush_interrupt);
	irq_set_handler(VECTOR_RESCHED, resched_interrupt);
}
