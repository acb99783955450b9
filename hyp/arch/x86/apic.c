// SPDX-License-Identifier: MIT
/*
 * Interrupt controllers: the legacy 8259 PICs are remapped out of the
 * exception vectors and masked, every I/O APIC input starts masked (until
 * a driver routes its ISA IRQ), and the boot CPU's local APIC is enabled
 * in xAPIC mode with its timer.
 */
#include <stdint.h>
#include <lamina/errno.h>
#include <lamina/panic.h>
#include <lamina/printk.h>
#include <lamina/sched.h>
#include <lamina/timer.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include <asm/time.h>

#define LAPIC_ID 0x020
#define LAPIC_VERSION 0x030
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ICR_LOW 0x300
#define LAPIC_ICR_HIGH 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0

#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define SVR_ENABLE (1u << 8)
#define APIC_BASE_ENABLE (1u << 11)
#define TIMER_DIVIDE_16 0x3
#define ICR_BUSY (1u << 12)
#define ICR_ASSERT (1u << 14)
#define ICR_INIT (5u << 8)
#define ICR_STARTUP (6u << 8)

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_VERSION_REG 0x01
#define IOAPIC_REDIR(n) (0x10 + 2 * (n))
#define REDIR_ACTIVE_LOW (1u << 13)
#define REDIR_LEVEL (1u << 15)

static volatile uint8_t *lapic;

static uint32_t lapic_read(uint32_t reg)
{
	return mmio_read32(lapic + reg);
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(lapic + reg, v);
}

void pic_disable(void)
{
	/* Re-base both PICs to 0x20/0x28 first: a spurious IRQ 7 must not
	 * look like a double fault. Then mask every line. */
	outb(0x20, 0x11);
	outb(0xa0, 0x11);
	outb(0x21, 0x20);
	outb(0xa1, 0x28);
	outb(0x21, 0x04);
	outb(0xa1, 0x02);
	outb(0x21, 0x01);
	outb(0xa1, 0x01);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

static void spurious_interrupt(struct cpu_user_regs *regs)
{
	(void)regs; /* no EOI for spurious vectors, by the SDM */
}

static uint64_t lapic_base(void)
{
	return acpi.lapic_address ? acpi.lapic_address : 0xfee00000;
}

/* This CPU's LAPIC: enabled, accepting everything, local inputs masked. */
static void lapic_setup_local(void)
{
	wrmsr(MSR_APIC_BASE, (lapic_base() & ~0xfffULL) | APIC_BASE_ENABLE |
				     (rdmsr(MSR_APIC_BASE) & (1u << 8)));
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
}

void lapic_init_ap(void)
{
	lapic_setup_local();
}

void lapic_init(void)
{
	uint64_t base = lapic_base();

	lapic = ioremap(base, PAGE_SIZE);
	BUG_ON(!lapic);
	irq_set_handler(VECTOR_SPURIOUS, spurious_interrupt);
	lapic_setup_local();
	pr_info("LAPIC: id %u, version %#x, at %#lx\n", lapic_id(),
		lapic_read(LAPIC_VERSION) & 0xff, (unsigned long)base);
}

uint64_t lapic_timer_hz;

#define TICK_NS (1000000000ULL / TICK_HZ)

/*
 * Each CPU has a tick. The boot CPU's timer is one-shot instead: armed
 * for its next tick or the earliest vCPU timer or poll deadline, if that
 * comes first, so guest timers fire when they are due, not at a tick.
 */
static uint64_t tick_due_ns; /* boot CPU: its next tick */
static uint64_t armed_ns; /* boot CPU: when its timer fires */
static uint64_t wanted_ns = UINT64_MAX; /* the earliest deadline known */

static void arm_boot_timer(void)
{
	uint64_t at = wanted_ns < tick_due_ns ? wanted_ns : tick_due_ns;
	uint64_t now = system_time_ns();
	/* at is at most a tick away: the product cannot overflow. */
	uint64_t count = at > now ? (at - now) * lapic_timer_hz / 1000000000ULL :
				    0;

	armed_ns = at;
	lapic_write(LAPIC_TIMER_INIT,
		    count > 0xffffffffULL ? 0xffffffffu :
		    count ? (uint32_t)count :
			    1);
}

static void boot_cpu_timer(void)
{
	uint64_t now = system_time_ns();
	bool tick = now >= tick_due_ns;

	if (tick) {
		ticks++;
		tick_due_ns += TICK_NS;
		if (tick_due_ns <= now)
			tick_due_ns = now + TICK_NS;
	}
	lapic_eoi();
	wanted_ns = timers_run();
	if (tick)
		sched_tick();
	arm_boot_timer();
}

static void timer_interrupt(struct cpu_user_regs *regs)
{
	(void)regs;
	if (!smp_processor_id()) {
		boot_cpu_timer();
		return;
	}
	lapic_eoi();
	sched_tick();
}

void timer_want(uint64_t deadline_ns)
{
	if (!deadline_ns || deadline_ns >= wanted_ns)
		return;
	wanted_ns = deadline_ns;
	if (deadline_ns >= armed_ns)
		return;
	if (!smp_processor_id())
		arm_boot_timer();
	else
		smp_send_resched(0); /* the boot CPU re-arms on the way out */
}

void lapic_timer_sync(void)
{
	if (!smp_processor_id() && wanted_ns < armed_ns)
		arm_boot_timer();
}

static void icr_wait(void)
{
	for (unsigned int i = 0;
	     i < 1000000 && (lapic_read(LAPIC_ICR_LOW) & ICR_BUSY); i++)
		cpu_relax();
}

static void icr_send(uint32_t apic_id, uint32_t low)
{
	icr_wait();
	lapic_write(LAPIC_ICR_HIGH, apic_id << 24);
	lapic_write(LAPIC_ICR_LOW, low);
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	icr_send(apic_id, ICR_ASSERT | vector);
}

/* INIT, then two start-up IPIs, with the delays the SDM asks for. */
void lapic_start_ap(uint32_t apic_id, uint64_t start_addr)
{
	icr_send(apic_id, ICR_INIT | ICR_ASSERT);
	udelay_tsc(10000);
	for (int i = 0; i < 2; i++) {
		icr_send(apic_id, ICR_STARTUP | ICR_ASSERT |
					  (uint32_t)(start_addr >> 12));
		udelay_tsc(200);
	}
	icr_wait();
}

void lapic_count_begin(void)
{
	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
}

uint32_t lapic_count_elapsed(void)
{
	uint32_t elapsed = 0xffffffff - lapic_read(LAPIC_TIMER_CURRENT);

	lapic_write(LAPIC_TIMER_INIT, 0);
	return elapsed;
}

void lapic_timer_start(unsigned int hz)
{
	if (lapic_timer_hz < hz)
		panic("LAPIC timer does not count (%lu ticks/s)",
		      (unsigned long)lapic_timer_hz);
	irq_set_handler(VECTOR_LAPIC_TIMER, timer_interrupt);
	lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_16);
	if (!smp_processor_id()) {
		lapic_write(LAPIC_LVT_TIMER, VECTOR_LAPIC_TIMER); /* one-shot */
		tick_due_ns = system_time_ns() + 1000000000ULL / hz;
		arm_boot_timer();
		return;
	}
	lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | VECTOR_LAPIC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)(lapic_timer_hz / hz));
}

static uint32_t ioapic_read(volatile uint8_t *io, uint32_t reg)
{
	mmio_write32(io + IOAPIC_REGSEL, reg);
	return mmio_read32(io + IOAPIC_WINDOW);
}

static void ioapic_write(volatile uint8_t *io, uint32_t reg, uint32_t v)
{
	mmio_write32(io + IOAPIC_REGSEL, reg);
	mmio_write32(io + IOAPIC_WINDOW, v);
}

/* Every I/O APIC, mapped, with its number of inputs. */
static volatile uint8_t *ioapic_mmio[ACPI_MAX_IOAPICS];
static unsigned int ioapic_pins[ACPI_MAX_IOAPICS];

void ioapic_init(void)
{
	for (unsigned int i = 0; i < acpi.nr_ioapics; i++) {
		volatile uint8_t *io = ioremap(acpi.ioapics[i].address, 0x20);
		unsigned int pins;

		if (!io)
			continue;
		pins = ((ioapic_read(io, IOAPIC_VERSION_REG) >> 16) & 0xff) + 1;
		for (unsigned int pin = 0; pin < pins; pin++) {
			ioapic_write(io, IOAPIC_REDIR(pin) + 1, 0);
			ioapic_write(io, IOAPIC_REDIR(pin), LVT_MASKED);
		}
		ioapic_mmio[i] = io;
		ioapic_pins[i] = pins;
		pr_info("IOAPIC %u: %u pins, all masked\n", acpi.ioapics[i].id,
			pins);
	}
}

/*
 * An ISA IRQ reaches the I/O APICs as a GSI: the same number with the
 * bus's edge trigger and high polarity, unless a MADT interrupt source
 * override says otherwise (its flags are MPS INTI flags: polarity in bits
 * 0-1, trigger mode in bits 2-3, 0 = as the bus, 3 = low/level).
 */
int ioapic_route_isa_irq(unsigned int isa_irq, uint8_t vector)
{
	uint32_t gsi = isa_irq, entry = vector;
	uint16_t flags = 0;

	for (unsigned int i = 0; i < acpi.nr_overrides; i++) {
		if (acpi.overrides[i].source_irq != isa_irq)
			continue;
		gsi = acpi.overrides[i].gsi;
		flags = acpi.overrides[i].flags;
	}
	if ((flags & 3) == 3)
		entry |= REDIR_ACTIVE_LOW;
	if (((flags >> 2) & 3) == 3)
		entry |= REDIR_LEVEL;
	for (unsigned int i = 0; i < acpi.nr_ioapics; i++) {
		uint32_t base = acpi.ioapics[i].gsi_base;

		if (!ioapic_mmio[i] || gsi < base ||
		    gsi - base >= ioapic_pins[i])
			continue;
		/* Fixed delivery to this CPU's APIC id, physical mode. */
		ioapic_write(ioapic_mmio[i], IOAPIC_REDIR(gsi - base) + 1,
			     lapic_id() << 24);
		ioapic_write(ioapic_mmio[i], IOAPIC_REDIR(gsi - base), entry);
		pr_info("IOAPIC %u: ISA IRQ %u is GSI %u (%s, active %s), vector %#x\n",
			acpi.ioapics[i].id, isa_irq, gsi,
			entry & REDIR_LEVEL ? "level" : "edge",
			entry & REDIR_ACTIVE_LOW ? "low" : "high", vector);
		return 0;
	}
	return -ENOENT;
}
