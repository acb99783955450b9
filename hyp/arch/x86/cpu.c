// SPDX-License-Identifier: MIT
/* What the boot CPU is and offers, from CPUID. */
#include <stdint.h>
#include <lamina/printk.h>
#include <lamina/string.h>
#include <asm/cpu.h>

struct cpu_info boot_cpu;

struct feature_name {
	uint8_t word; /* which register below */
	uint8_t bit;
	const char *name;
};

enum { W1_EDX, W1_ECX, WX_EDX, WX_ECX, W7_EBX, W7_ECX };

static const struct feature_name feature_names[] = {
	{ W1_EDX, 0, "fpu" },	  { W1_EDX, 4, "tsc" },
	{ W1_EDX, 5, "msr" },	  { W1_EDX, 6, "pae" },
	{ W1_EDX, 9, "apic" },	  { W1_EDX, 13, "pge" },
	{ W1_EDX, 15, "cmov" },	  { W1_EDX, 19, "clflush" },
	{ W1_EDX, 24, "fxsr" },	  { W1_EDX, 25, "sse" },
	{ W1_EDX, 26, "sse2" },	  { W1_ECX, 0, "sse3" },
	{ W1_ECX, 9, "ssse3" },	  { W1_ECX, 13, "cx16" },
	{ W1_ECX, 19, "sse4_1" }, { W1_ECX, 20, "sse4_2" },
	{ W1_ECX, 21, "x2apic" }, { W1_ECX, 23, "popcnt" },
	{ W1_ECX, 24, "tsc_deadline" }, { W1_ECX, 26, "xsave" },
	{ W1_ECX, 28, "avx" },	  { W1_ECX, 31, "hypervisor" },
	{ WX_EDX, 11, "syscall" }, { WX_EDX, 20, "nx" },
	{ WX_EDX, 26, "pdpe1gb" }, { WX_EDX, 27, "rdtscp" },
	{ WX_EDX, 29, "lm" },	  { WX_ECX, 0, "lahf_lm" },
	{ W7_EBX, 0, "fsgsbase" }, { W7_EBX, 5, "avx2" },
	{ W7_EBX, 7, "smep" },	  { W7_EBX, 20, "smap" },
	{ W7_ECX, 2, "umip" },
};

static uint32_t feature_word(int w)
{
	switch (w) {
	case W1_EDX:
		return boot_cpu.features_edx;
	case W1_ECX:
		return boot_cpu.features_ecx;
	case WX_EDX:
		return boot_cpu.ext_features_edx;
	case WX_ECX:
		return boot_cpu.ext_features_ecx;
	case W7_EBX:
		return boot_cpu.leaf7_ebx;
	default:
		return boot_cpu.leaf7_ecx;
	}
}

void cpu_identify(void)
{
	struct cpuid_regs r = cpuid(0, 0);
	uint32_t sig;

	boot_cpu.max_leaf = r.eax;
	memcpy(boot_cpu.vendor, &r.ebx, 4);
	memcpy(boot_cpu.vendor + 4, &r.edx, 4);
	memcpy(boot_cpu.vendor + 8, &r.ecx, 4);
	boot_cpu.vendor[12] = '\0';

	r = cpuid(1, 0);
	sig = r.eax;
	boot_cpu.features_ecx = r.ecx;
	boot_cpu.features_edx = r.edx;
	boot_cpu.family = (sig >> 8) & 0xf;
	boot_cpu.model = (sig >> 4) & 0xf;
	boot_cpu.stepping = sig & 0xf;
	if (boot_cpu.family == 0xf)
		boot_cpu.family += (sig >> 20) & 0xff;
	if (boot_cpu.family >= 6)
		boot_cpu.model |= ((sig >> 16) & 0xf) << 4;

	if (boot_cpu.max_leaf >= 7) {
		r = cpuid(7, 0);
		boot_cpu.leaf7_ebx = r.ebx;
		boot_cpu.leaf7_ecx = r.ecx;
		boot_cpu.leaf7_edx = r.edx;
	}

	boot_cpu.max_ext_leaf = cpuid(0x80000000, 0).eax;
	if (boot_cpu.max_ext_leaf >= 0x80000001) {
		r = cpuid(0x80000001, 0);
		boot_cpu.ext_features_ecx = r.ecx;
		boot_cpu.ext_features_edx = r.edx;
	}
	if (boot_cpu.max_ext_leaf >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++) {
			r = cpuid(0x80000002 + i, 0);
			memcpy(boot_cpu.brand + 16 * i, &r, 16);
		}
		boot_cpu.brand[48] = '\0';
	}
	if (boot_cpu.max_ext_leaf >= 0x80000008) {
		r = cpuid(0x80000008, 0);
		boot_cpu.phys_addr_bits = r.eax & 0xff;
		boot_cpu.virt_addr_bits = (r.eax >> 8) & 0xff;
	}
}

int cpu_has_nx(void)
{
	return !!(boot_cpu.ext_features_edx & (1u << 20));
}

int cpu_has_invariant_tsc(void)
{
	return boot_cpu.max_ext_leaf >= 0x80000007 &&
	       (cpuid(0x80000007, 0).edx & (1u << 8));
}

void cpu_print_info(void)
{
	char line[400];
	unsigned long n = 0;
	const char *brand = boot_cpu.brand;

	while (*brand == ' ')
		brand++;
	pr_info("CPU: %s, %s (family %#x model %#x stepping %u), %u-bit physical / %u-bit virtual addresses\n",
		boot_cpu.vendor, *brand ? brand : "unknown model",
		boot_cpu.family, boot_cpu.model, boot_cpu.stepping,
		boot_cpu.phys_addr_bits, boot_cpu.virt_addr_bits);
	line[0] = '\0';
	for (unsigned long i = 0;
	     i < sizeof(feature_names) / sizeof(feature_names[0]); i++) {
		const struct feature_name *f = &feature_names[i];

		if (!(feature_word(f->word) & (1u << f->bit)))
			continue;
		n += snprintf(line + n, sizeof(line) - n, " %s", f->name);
		if (n >= sizeof(line))
			break;
	}
	pr_info("CPU features:%s\n", line);
}
