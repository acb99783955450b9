// SPDX-License-Identifier: MIT
/*
 * FPU, SSE and AVX state of vCPUs. With XSAVE the CPU runs with the
 * guest's XCR0 (x87|SSE at first, what its xsetbv chose later) and each
 * vCPU has an XSAVE area sized from CPUID leaf 0xD for every component a
 * guest may enable; without XSAVE, FXSAVE images. The state is switched
 * eagerly with the vCPU; the guest's own CR0.TS stays lazy.
 */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/errno.h>
#include <lamina/heap.h>
#include <lamina/printk.h>
#include <asm/cpu.h>
#include <asm/xstate.h>

#define CPUID1_ECX_XSAVE (1u << 26)
/* Components Lamina saves and tests; AVX-512, AMX and the rest are not
 * offered to guests. */
#define XSTATE_OFFERED (XSTATE_FP_SSE | XSTATE_YMM)

/* FXSAVE layout offsets inside either kind of area. */
#define AREA_FCW 0
#define AREA_MXCSR 24
#define FCW_DEFAULT 0x037f
#define MXCSR_DEFAULT 0x1f80

static uint64_t xcr0_max;
static size_t area_size = 512;

static void xsetbv(uint32_t index, uint64_t value)
{
	asm volatile("xsetbv"
		     :
		     : "c"(index), "a"((uint32_t)value),
		       "d"((uint32_t)(value >> 32)));
}

void xstate_cpu_init(void)
{
	struct cpuid_regs r;

	if (!(boot_cpu.features_ecx & CPUID1_ECX_XSAVE) ||
	    boot_cpu.max_leaf < 0xd) {
		pr_info("FPU: no XSAVE, FXSAVE images (x87/SSE only)\n");
		return;
	}
	r = cpuid(0xd, 0);
	xcr0_max = (((uint64_t)r.edx << 32) | r.eax) & XSTATE_OFFERED;
	if ((xcr0_max & XSTATE_FP_SSE) != XSTATE_FP_SSE) {
		xcr0_max = 0;
		return;
	}
	write_cr4(read_cr4() | CR4_OSXSAVE);
	/* EBX: the area size for what XCR0 enables now. */
	xsetbv(0, xcr0_max);
	area_size = cpuid(0xd, 0).ebx;
	xsetbv(0, XSTATE_FP_SSE);
	pr_info("FPU: XSAVE, guests may enable XCR0 %#lx, %zu-byte areas\n",
		(unsigned long)xcr0_max, area_size);
}

bool xstate_enabled(void)
{
	return xcr0_max != 0;
}

uint64_t xstate_xcr0_max(void)
{
	return xcr0_max;
}

size_t xstate_area_size(void)
{
	return area_size;
}

int fpu_vcpu_init(struct vcpu *v)
{
	uint8_t *area = kzalloc(area_size); /* 64-byte aligned (heap.h) */

	if (!area)
		return -ENOMEM;
	/* fninit's state; an all-zero XSAVE header means "initial" for the
	 * other components, so no other vCPU's registers show through. */
	*(uint16_t *)(area + AREA_FCW) = FCW_DEFAULT;
	*(uint32_t *)(area + AREA_MXCSR) = MXCSR_DEFAULT;
	v->fpu = area;
	v->xcr0 = v->xcr0_accum = xcr0_max ? XSTATE_FP_SSE : 0;
	return 0;
}

static void xsave(void *area, uint64_t mask)
{
	asm volatile("xsave64 %0"
		     : "+m"(*(uint8_t(*)[area_size])area)
		     : "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)));
}

static void xrstor(const void *area, uint64_t mask)
{
	asm volatile("xrstor64 %0"
		     :
		     : "m"(*(const uint8_t(*)[area_size])area),
		       "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)));
}

/*
 * Every component the guest ever enabled is saved and restored, also while
 * its XCR0 has a smaller set: XSAVE and XRSTOR only touch what XCR0 enables.
 */
void fpu_save(struct vcpu *v)
{
	v->fpu_ts = read_cr0() & CR0_TS;
	asm volatile("clts");
	if (!xcr0_max) {
		asm volatile("fxsave64 %0" : "=m"(*(uint8_t(*)[512])v->fpu));
		return;
	}
	if (v->xcr0 != v->xcr0_accum)
		xsetbv(0, v->xcr0_accum);
	xsave(v->fpu, v->xcr0_accum);
}

void fpu_restore(struct vcpu *v)
{
	asm volatile("clts");
	if (!xcr0_max) {
		asm volatile("fxrstor64 %0"
			     :
			     : "m"(*(const uint8_t(*)[512])v->fpu));
	} else {
		xsetbv(0, v->xcr0_accum);
		xrstor(v->fpu, v->xcr0_accum);
		if (v->xcr0 != v->xcr0_accum)
			xsetbv(0, v->xcr0);
	}
	if (v->fpu_ts)
		write_cr0(read_cr0() | CR0_TS);
}

/* The architectural rules for XCR0, as Xen checks them. */
static bool xcr0_valid(uint64_t value)
{
	if (value & ~xcr0_max || !(value & XSTATE_X87))
		return false;
	return !(value & XSTATE_YMM) || (value & XSTATE_SSE);
}

bool fpu_set_xcr0(struct vcpu *v, uint32_t index, uint64_t value)
{
	uint64_t fresh = value & ~v->xcr0_accum;
	uint64_t ts = read_cr0() & CR0_TS;

	if (index != 0 || !xcr0_valid(value))
		return false;
	xsetbv(0, value | v->xcr0_accum);
	v->xcr0 = value;
	v->xcr0_accum |= value;
	if (fresh) {
		/* Components enabled for the first time start in their initial
		 * state, not with what another vCPU left in the registers. The
		 * area's header says "initial" for them; MXCSR is live. */
		asm volatile(
			"clts; stmxcsr %0"
			: "=m"(*(uint32_t *)((uint8_t *)v->fpu + AREA_MXCSR)));
		xrstor(v->fpu, fresh);
		if (ts)
			write_cr0(read_cr0() | CR0_TS);
	}
	if (value != v->xcr0_accum)
		xsetbv(0, value);
	return true;
}
