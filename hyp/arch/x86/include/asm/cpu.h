/* SPDX-License-Identifier: MIT */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include <stdint.h>

#define MSR_EFER 0xc0000080
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_APIC_BASE 0x0000001b

#define CR0_TS (1UL << 3)
#define CR0_WP (1UL << 16)
#define CR4_PGE (1UL << 7)
#define CR4_OSFXSR (1UL << 9)
#define CR4_OSXMMEXCPT (1UL << 10)
#define EFER_NXE (1UL << 11)

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	asm volatile("cpuid"
		     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
		     : "a"(leaf), "c"(subleaf));
	return r;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr"
		     :
		     : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#define DEFINE_CR_ACCESSORS(n)                                               \
	static inline uint64_t read_cr##n(void)                              \
	{                                                                    \
		uint64_t v;                                                  \
		asm volatile("mov %%cr" #n ", %0" : "=r"(v));                \
		return v;                                                    \
	}                                                                    \
	static inline void write_cr##n(uint64_t v)                           \
	{                                                                    \
		asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory");       \
	}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline void cpu_relax(void)
{
	asm volatile("pause" ::: "memory");
}

static inline void irq_disable(void)
{
	asm volatile("cli" ::: "memory");
}

static inline void irq_enable(void)
{
	asm volatile("sti" ::: "memory");
}

/* Wait for an interrupt with interrupts enabled atomically (sti; hlt). */
static inline void safe_halt(void)
{
	asm volatile("sti; hlt" ::: "memory");
}

static inline void halt(void)
{
	asm volatile("hlt" ::: "memory");
}

static inline void invlpg(unsigned long va)
{
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* What the boot CPU offers; filled in by cpu_identify(). */
struct cpu_info {
	char vendor[13];
	char brand[49];
	uint32_t family, model, stepping;
	uint32_t max_leaf, max_ext_leaf;
	uint32_t features_ecx, features_edx; /* leaf 1 */
	uint32_t ext_features_ecx, ext_features_edx; /* leaf 0x80000001 */
	uint32_t leaf7_ebx, leaf7_ecx, leaf7_edx;
	uint8_t phys_addr_bits, virt_addr_bits;
};

extern struct cpu_info boot_cpu;

void cpu_identify(void);
void cpu_print_info(void);
int cpu_has_nx(void);
int cpu_has_invariant_tsc(void);

#endif
