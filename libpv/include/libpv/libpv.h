/* SPDX-License-Identifier: MIT */
/*
 * What libpv learns at start of day, for the guest's test_main().
 */
#ifndef LIBPV_LIBPV_H
#define LIBPV_LIBPV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>

/* The image is linked (and the initial mapping starts) here. */
#define LIBPV_VIRT_BASE 0xffffffff80000000UL
#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12

/* Start-of-day facts, saved before libpv changes anything. */
struct boot_state {
	struct start_info *si; /* rsi at entry */
	unsigned long entry_rsp; /* rsp at entry */
	unsigned long entry_rsi; /* rsi at entry (same as si) */
	unsigned long entry_cr3_va; /* pt_base copied at entry */
	struct start_info si_copy; /* start_info as it was at entry */
};

extern struct boot_state boot;
extern struct start_info *start_info;
extern struct shared_info *shared_info;
/* vCPU 0's vcpu_info: in shared_info until VCPUOP_register_vcpu_info. */
extern struct vcpu_info *vcpu0_info;

/* Linker symbols. */
extern char _text[], _etext[], _end[];

/* Written by each guest. */
void test_main(void);

/* The number after key ("secs=") on the command line, or def. */
unsigned long cmdline_number(const char *key, unsigned long def);
/* Does the command line contain word? */
bool cmdline_has(const char *word);

/*
 * VCPUOP_initialise for vCPU id: guest kernel mode at entry on the given
 * stack, vCPU 0's page tables and libpv's trap handlers. 0 or -errno.
 */
long vcpu_initialise_kernel(unsigned int id, void (*entry)(void), void *stack,
			    unsigned long stack_size);
/* The context vcpu_initialise_kernel() passes, to adjust before passing
 * it oneself (one static buffer). */
struct vcpu_guest_context;
struct vcpu_guest_context *vcpu_context_kernel(void (*entry)(void), void *stack,
					       unsigned long stack_size);
/* That for vCPU 1, then VCPUOP_up; CHECKs vcpu1_initialise, vcpu1_up. */
void vcpu1_start(void (*entry)(void), void *stack, unsigned long stack_size);

/* Stop the domain: SCHEDOP_shutdown with reason. Never returns. */
void __attribute__((noreturn)) pv_shutdown(unsigned int reason);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void barrier(void)
{
	asm volatile("" ::: "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#endif
