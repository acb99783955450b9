/* SPDX-License-Identifier: MIT */
/*
 * A vCPU's FPU/SSE/AVX state: XSAVE areas (x87|SSE|AVX in XCR0) when the
 * CPU has XSAVE, FXSAVE images otherwise.
 */
#ifndef ASM_XSTATE_H
#define ASM_XSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XSTATE_X87 (1UL << 0)
#define XSTATE_SSE (1UL << 1)
#define XSTATE_YMM (1UL << 2)
#define XSTATE_FP_SSE (XSTATE_X87 | XSTATE_SSE)
#define CR4_OSXSAVE (1UL << 18)

struct vcpu;

/* Per CPU: CR4.OSXSAVE and the hypervisor's XCR0, or FXSAVE only. */
void xstate_cpu_init(void);
bool xstate_enabled(void);
/* What a guest may put in XCR0 (0 without XSAVE). */
uint64_t xstate_xcr0_max(void);
/* Bytes of a save area for all of xstate_xcr0_max() (512 for FXSAVE). */
size_t xstate_area_size(void);

/* A fresh vCPU's area in its initial (fninit) state; 0 or -ENOMEM. */
int fpu_vcpu_init(struct vcpu *v);
/* Off the CPU and back: the FPU state, the virtual TS and XCR0. */
void fpu_save(struct vcpu *v);
void fpu_restore(struct vcpu *v);
/* The guest's xsetbv: true if taken, false for #GP(0) (XCR0 only). */
bool fpu_set_xcr0(struct vcpu *v, uint32_t index, uint64_t value);

#endif
