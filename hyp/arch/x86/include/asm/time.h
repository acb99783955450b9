/* SPDX-License-Identifier: MIT */
#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <stdint.h>

/* TSC ticks to nanoseconds as ((delta << shift) * mul) >> 32, as pvclock. */
struct time_scale {
	int8_t shift;
	uint32_t mul;
};

#define TICK_HZ 100 /* every CPU's LAPIC timer */

extern uint64_t tsc_khz;
extern volatile uint64_t ticks;

void time_init(void);
/* Nanoseconds since the TSC was calibrated at boot. */
uint64_t system_time_ns(void);
uint64_t scale_delta(uint64_t delta, const struct time_scale *s);
void time_scale_from_freq(struct time_scale *s, uint64_t hz);
void udelay_tsc(uint64_t us);

struct vcpu_time_info;
struct shared_info;
/* pvclock: write a consistent time record (version protocol). */
void time_fill_vcpu_info(struct vcpu_time_info *t);
/* Wallclock and every vCPU's time record in a new shared_info page. */
void time_init_shared_info(struct shared_info *si);

#endif
