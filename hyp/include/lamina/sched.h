/* SPDX-License-Identifier: MIT */
#ifndef LAMINA_SCHED_H
#define LAMINA_SCHED_H

#include <lamina/domain.h>

/* The vCPU on this CPU can no longer run: pick another or go idle. */
__attribute__((noreturn)) void schedule_from_dead_vcpu(void);
/* Run the boot domains; never returns. */
__attribute__((noreturn)) void scheduler_start(void);
/* Idle: wait for interrupts, power off when idle_exit asks for it. */
__attribute__((noreturn)) void idle_loop(void);

#endif
