/* SPDX-License-Identifier: MIT */
#ifndef LAMINA_TIMER_H
#define LAMINA_TIMER_H

#include <stdbool.h>
#include <stdint.h>
#include <lamina/domain.h>

/* A vCPU's one-shot timer (set_timer_op): has it fired? Raises VIRQ_TIMER. */
bool timer_check_expired(struct vcpu *v);
/* Fire what is due; the earliest deadline left, UINT64_MAX if none. */
uint64_t timers_run(void);
/* A deadline was set: have the timer interrupt come by then (arch). */
void timer_want(uint64_t deadline_ns);
/* Refresh a vCPU's vcpu_time_info from the hypervisor clock. */
void time_update_vcpu(struct vcpu *v);
/* Account v's time and move it to RUNSTATE_* new_state. */
void runstate_switch(struct vcpu *v, int new_state);

#endif
