/* SPDX-License-Identifier: MIT */
/*
 * Time from shared_info: per-vCPU system time (ns since boot, from the
 * vcpu_time_info pvclock) and the wallclock.
 */
#ifndef LIBPV_TIME_H
#define LIBPV_TIME_H

#include <stdint.h>

/* A consistent copy of vCPU 0's time info (version even and unchanged). */
struct vcpu_time_info;
void time_snapshot(struct vcpu_time_info *out);
uint64_t system_time_ns(void);
/* Wallclock at boot (seconds, ns), read with the wc_version protocol. */
void wallclock(uint64_t *sec, uint32_t *nsec);
/*
 * Block until system time reaches deadline (set_timer_op, SCHEDOP_block);
 * the caller has bound and unmasked VIRQ_TIMER. Other events may wake it
 * early: it blocks again.
 */
void sleep_until(uint64_t deadline);

#endif
