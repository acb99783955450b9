// SPDX-License-Identifier: MIT
/*
 * Bringing up the application processors: the real-mode trampoline goes
 * to low memory, each enabled CPU of the MADT gets INIT-SIPI-SIPI, its
 * own stack and per-CPU area, loads its GDT/TSS/IDT, enables its LAPIC
 * and tick, checks its TSC against the boot CPU's and parks in the idle
 * loop. One AP at a time: the boot CPU waits for each before the next.
 */
#include <stdint.h>
#include <lamina/mm.h>
#include <lamina/options.h>
#include <lamina/printk.h>
#include <lamina/sched.h>
#include <lamina/string.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/pv.h>
#include <asm/smp.h>
#include <asm/time.h>

#define AP_STACK_ORDER 2 /* 16 KiB, as the boot stack */
#define AP_WAIT_US 2000000 /* TCG on a busy host can be slow to start */
#define EFER_LME (1u << 8)

struct percpu percpu[CONFIG_NR_CPUS];
unsigned int nr_cpus_online = 1;

extern char ap_trampoline[], ap_trampoline_end[], ap_entry64[];
extern char ap_tramp_cr3[], ap_tramp_efer[], ap_tramp_entry[];
extern char early_pml4[], boot_stack_top[];

/* What ap_entry64 loads: page tables and stack (read by trampoline.S). */
struct {
	uint64_t cr3, stack_top;
} ap_boot;

/* Handshake with the AP being started (cpu index, or ~0 for none). */
static volatile unsigned int ap_alive = ~0u, ap_online = ~0u;
static volatile unsigned int tsc_go = ~0u;
static volatile uint64_t tsc_bsp;

static void *trampoline_field(const char *sym)
{
	return (char *)maddr_to_virt(AP_TRAMPOLINE_BASE) +
	       (sym - ap_trampoline);
}

static void copy_trampoline(void)
{
	memcpy(maddr_to_virt(AP_TRAMPOLINE_BASE), ap_trampoline,
	       ap_trampoline_end - ap_trampoline);
	*(uint32_t *)trampoline_field(ap_tramp_cr3) =
		(uint32_t)virt_to_maddr(early_pml4);
	*(uint32_t *)trampoline_field(ap_tramp_efer) =
		(uint32_t)(rdmsr(MSR_EFER) & (EFER_LME | EFER_NXE)) | EFER_LME;
	*(uint64_t *)trampoline_field(ap_tramp_entry) = (uint64_t)ap_entry64;
}

/*
 * TCG's TSCs are one clock, but check: the AP reads its TSC after the
 * boot CPU published its own, so it must not be behind. If it is, move
 * it forward by the difference.
 */
static void tsc_check(unsigned int cpu)
{
	int64_t delta;

	while (tsc_go != cpu)
		cpu_relax();
	delta = (int64_t)(rdtsc() - tsc_bsp);
	if (delta < 0) {
		wrmsr(0x10, rdtsc() - delta); /* IA32_TIME_STAMP_COUNTER */
		pr_warn("CPU%u: TSC was %ld cycles behind CPU0, adjusted\n",
			cpu, (long)-delta);
	}
}

void __attribute__((noreturn)) ap_start(void)
{
	unsigned int cpu = ap_alive;
	struct percpu *pc = &percpu[cpu];

	desc_init_cpu(pc, pc->idle_stack_top);
	ap_alive = cpu | 0x80000000u; /* tables loaded: the BSP may go on */
	pv_cpu_init();
	lapic_init_ap();
	lapic_timer_start(TICK_HZ);
	tsc_check(cpu);
	pr_info("CPU%u up (APIC id %u)\n", cpu, pc->apic_id);
	__atomic_store_n(&ap_online, cpu, __ATOMIC_RELEASE);
	hyp_lock();
	scheduler_start();
}

static bool wait_for(volatile unsigned int *flag, unsigned int value)
{
	uint64_t start = rdtsc(), limit = tsc_khz * (AP_WAIT_US / 1000);

	while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) != value)
		if (rdtsc() - start > limit)
			return false;
	return true;
}

static bool start_ap(unsigned int cpu, uint32_t apic_id)
{
	struct percpu *pc = &percpu[cpu];
	void *stack = alloc_hyp_pages(AP_STACK_ORDER);

	if (!stack)
		return false;
	pc->cpu = cpu;
	pc->apic_id = apic_id;
	pc->idle_stack_top = (uint64_t)stack + (PAGE_SIZE << AP_STACK_ORDER);
	ap_boot.cr3 = idle_page_table();
	ap_boot.stack_top = pc->idle_stack_top;
	ap_alive = cpu;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	lapic_start_ap(apic_id, AP_TRAMPOLINE_BASE);
	if (!wait_for(&ap_alive, cpu | 0x80000000u)) {
		pr_warn("CPU%u (APIC id %u) did not start\n", cpu, apic_id);
		ap_alive = ~0u;
		return false; /* its stack stays: the AP might still come */
	}
	tsc_bsp = rdtsc();
	__atomic_store_n(&tsc_go, cpu, __ATOMIC_RELEASE);
	if (!wait_for(&ap_online, cpu))
		pr_warn("CPU%u is slow to come online\n", cpu);
	nr_cpus_online = cpu + 1;
	return true;
}

void smp_boot_cpus(void)
{
	unsigned int max = opt.max_cpus ? opt.max_cpus : CONFIG_NR_CPUS;

	percpu[0].apic_id = lapic_id();
	percpu[0].idle_stack_top = (uint64_t)boot_stack_top;
	smp_init_ipis();
	if (opt.nosmp)
		max = 1;
	copy_trampoline();
	for (unsigned int i = 0; i < acpi.nr_cpus && nr_cpus_online < max;
	     i++) {
		if (acpi.apic_ids[i] == percpu[0].apic_id)
			continue;
		if (!start_ap(nr_cpus_online, acpi.apic_ids[i]))
			break;
	}
	pr_info("SMP: %u CPU%s online (%u in the MADT, at most %u)\n",
		nr_cpus_online, nr_cpus_online == 1 ? "" : "s",
		acpi.nr_cpus ? acpi.nr_cpus : 1, max);
}
