// SPDX-License-Identifier: MIT
/*
 * The boot CPU's path from head.S to idle: console, command line, memory,
 * page tables, CPU tables, interrupt controllers, time.
 */
#include <stdint.h>
#include <generated/autoconf.h>
#include <lamina/bootinfo.h>
#include <lamina/mm.h>
#include <lamina/options.h>
#include <lamina/panic.h>
#include <lamina/printk.h>
#include <lamina/shutdown.h>
#include <lamina/string.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/serial.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <asm/dom_build.h>
#include <asm/pv.h>
#include <asm/pv_mm.h>
#include <lamina/sched.h>

#define TICK_HZ 100

static const char *mem_type_name(uint32_t type)
{
	return memmap_type_name(type);
}

static void print_boot_info(void)
{
	pr_info("Boot loader: %s (multiboot%d)\n",
		boot_info.loader[0] ? boot_info.loader : "unnamed",
		boot_info.multiboot_version);
	pr_info("Firmware memory map:\n");
	for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
		const struct boot_mem_range *r = &boot_info.mem[i];

		pr_info(" %016lx - %016lx  %s\n", (unsigned long)r->base,
			(unsigned long)(r->base + r->len),
			mem_type_name(r->type));
	}
	if (boot_info.dropped)
		pr_warn("Boot info: %u entries did not fit and were dropped\n",
			boot_info.dropped);
	pr_info("Modules: %u\n", boot_info.nr_modules);
	for (unsigned int i = 0; i < boot_info.nr_modules; i++) {
		const struct boot_module *m = &boot_info.modules[i];

		pr_info(" module %u: %016lx - %016lx (%lu KiB) '%s'\n", i,
			(unsigned long)m->start, (unsigned long)m->end,
			(unsigned long)((m->end - m->start) >> 10), m->string);
	}
}

/* The first module is the control domain's kernel, the second its initrd. */
static void build_control_domain(void)
{
	const struct boot_module *initrd;

	if (!boot_info.nr_modules)
		return;
	initrd = boot_info.nr_modules > 1 ? &boot_info.modules[1] : NULL;
	if (build_boot_domain(0, &boot_info.modules[0], initrd, true))
		pr_err("The control domain could not be built.\n");
}

void start_hypervisor(uint32_t magic, uint64_t info)
{
	serial_init(0);
	if (multiboot_parse(magic, info))
		panic("not started by a multiboot loader (magic %#x)", magic);
	pr_info("Lamina hypervisor %s (Xen PV ABI 4.17), %s build\n",
		LAMINA_VERSION,
#ifdef CONFIG_DEBUG
		"debug"
#else
		"release"
#endif
	);
	pr_info("Command line: %s\n", boot_info.cmdline);
	options_parse(boot_info.cmdline);
	if (opt.com1_baud)
		serial_init(opt.com1_baud);

	cpu_identify();
	desc_init();
	print_boot_info();
	mm_boot_init();
	paging_init();
	mm_init();
	cpu_print_info();

	acpi_init();
	pic_disable();
	lapic_init();
	ioapic_init();
	time_init();
	lapic_timer_start(TICK_HZ);
	pr_info("LAPIC timer: %lu kHz (bus clock / 16), tick at %d Hz\n",
		(unsigned long)(lapic_timer_hz / 1000), TICK_HZ);
	irq_enable();

#ifdef CONFIG_DEBUG
	if (opt.test_fault[0])
		trigger_test_fault(opt.test_fault);
#endif
	pv_mm_init();
	pv_cpu_init();
	build_control_domain();
	scheduler_start();
}
