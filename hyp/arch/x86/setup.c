// SPDX-License-Identifier: MIT
/*
 * The boot CPU's path from head.S to idle: console, command line, memory,
 * page tables, CPU tables, interrupt controllers, time.
 */
#include <stdint.h>
#include <generated/autoconf.h>
#include <lamina/bootinfo.h>
#include <lamina/console.h>
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
#include <asm/smp.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <asm/dom_build.h>
#include <asm/pv.h>
#include <asm/pv_mm.h>
#include <lamina/sched.h>

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

/* A size as dom0_mem= takes it: K/M/G suffix, a bare number is KiB. */
static const char *parse_size(const char *p, uint64_t *out)
{
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (uint64_t)(*p++ - '0');
	switch (*p) {
	case 'G': case 'g':
		v <<= 30, p++;
		break;
	case 'M': case 'm':
		v <<= 20, p++;
		break;
	case 'K': case 'k':
		v <<= 10, p++;
		break;
	default:
		v <<= 10;
	}
	*out = v;
	return p;
}

/* ":name=N" with N in [1, max]: the end of it, or NULL if it is not. */
static const char *parse_number_field(const char *p, const char *name,
				      uint64_t max, uint16_t *out)
{
	size_t len = strlen(name);
	uint64_t v = 0;

	if (p[0] != ':' || strncmp(p + 1, name, len) || p[len + 1] != '=')
		return NULL;
	p += len + 2;
	if (*p < '0' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9' && v <= max)
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (v < 1 || v > max)
		return NULL;
	*out = (uint16_t)v;
	return p;
}

/* The optional fields after MOD:MEM, in any order; NULL if malformed. */
static const char *parse_domain_fields(const char *p,
				       struct boot_domain_spec *spec)
{
	while (*p == ':') {
		const char *q;

		if (!strncmp(p, ":console", 8) &&
		    (!p[8] || p[8] == ',' || p[8] == ':')) {
			spec->console_io = true;
			p += 8;
		} else if ((q = parse_number_field(p, "weight", 65535,
						   &spec->weight))) {
			p = q;
		} else if ((q = parse_number_field(p, "cap", 65534,
						   &spec->cap))) {
			p = q;
		} else if ((q = parse_number_field(p, "vcpus", MAX_VIRT_CPUS,
						   &spec->vcpus))) {
			p = q;
		} else {
			return NULL;
		}
	}
	return p;
}

/*
 * boot_domains=MOD:MEM[:console][:weight=W][:cap=C][:vcpus=N],...: module MOD
 * (an index into the boot modules) becomes the next domain (1, 2, ...)
 * with MEM of memory; with ":console" it may also write to the hypervisor
 * console. Boot domains hold no other capability. W (1-65535, default
 * 256) and C (percent of one CPU, default 0 = none) are its credit
 * scheduler weight and cap; N (1-8, default 1) its vCPUs, all but the
 * first waiting for VCPUOP_initialise and VCPUOP_up.
 */
static unsigned int parse_boot_domains(struct boot_domain_spec *specs,
				       unsigned int *mods, unsigned int max)
{
	const char *p = opt.boot_domains;
	unsigned int n = 0;

	while (*p && n < max) {
		uint64_t mod = 0;

		while (*p >= '0' && *p <= '9')
			mod = mod * 10 + (uint64_t)(*p++ - '0');
		specs[n] = (struct boot_domain_spec){ .domid = n + 1 };
		if (*p != ':' || !(p = parse_size(p + 1, &specs[n].mem_bytes)))
			goto bad;
		p = parse_domain_fields(p, &specs[n]);
		if (!p || (*p && *p != ','))
			goto bad;
		if (mod == 0 || mod >= boot_info.nr_modules) {
			pr_err("boot_domains: no module %lu\n", (unsigned long)mod);
			return n;
		}
		mods[n++] = mod;
		if (*p == ',')
			p++;
	}
	return n;
bad:
	pr_err("boot_domains: cannot parse '%s' (want MOD:MEM[:console][:weight=W][:cap=C][:vcpus=N],...)\n",
	       opt.boot_domains);
	return n;
}

/*
 * The first module is the control domain's kernel; the second its initrd
 * unless boot_domains names it as a kernel.
 */
static void build_domains(void)
{
	struct boot_domain_spec specs[BOOT_MAX_MODULES];
	unsigned int mods[BOOT_MAX_MODULES], n;
	const struct boot_module *initrd = NULL;
	struct boot_domain_spec control = { .domid = 0, .control = true };

	if (!boot_info.nr_modules)
		return;
	n = parse_boot_domains(specs, mods, BOOT_MAX_MODULES);
	if (boot_info.nr_modules > 1) {
		initrd = &boot_info.modules[1];
		for (unsigned int i = 0; i < n; i++)
			if (mods[i] == 1)
				initrd = NULL;
	}
	if (build_boot_domain(&control, &boot_info.modules[0], initrd))
		pr_err("The control domain could not be built.\n");
	for (unsigned int i = 0; i < n; i++)
		if (build_boot_domain(&specs[i], &boot_info.modules[mods[i]],
				      NULL))
			pr_err("Boot domain %u could not be built.\n",
			       specs[i].domid);
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
	/* Held through boot; APs wait for it before they pick vCPUs. */
	hyp_lock();
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
	smp_boot_cpus();

#ifdef CONFIG_DEBUG
	if (opt.test_fault[0])
		trigger_test_fault(opt.test_fault);
#endif
	pv_mm_init();
	pv_cpu_init();
	build_domains();
	console_endboot();
	scheduler_start();
}
