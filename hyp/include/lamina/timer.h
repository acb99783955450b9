/* SPDX-License-Identifier: MIT */
#ifndef LAMINA_TIMER_H
#define LAMINA_TIMER_H

#include <stdbool.h>
#include <lamina/domain.h>

/* A vCPU's one-shot timer (set_timer_op): has it fired? Raises VIRQ_TIMER. */
bool timer_check_expired(struct vcpu *v);
/* Refresh a vCPU's vcpu_time_info from the hypervisor clock. */
void time_update_vcpu(struct vcpu *v);
/* Account v's time and move it to RUNSTATE_* new_state. */
void runstate_switch(struct vcpu *v, int new_state);

#endif
