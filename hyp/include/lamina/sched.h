/* SPDX-License-Identifier: MIT */
#ifndef LAMINA_SCHED_H
#define LAMINA_SCHED_H

#include <stdbool.h>
#include <lamina/domain.h>
#include <asm/regs.h>

/* On the way back to the guest: maybe switch (saving regs) or idle. */
void schedule(struct cpu_user_regs *regs);
/* From the timer interrupt. */
void sched_tick(void);
/* Let another vCPU run at the next return to a guest. */
void sched_yield_soon(void);
bool vcpu_runnable(const struct vcpu *v);
/* v runs on another CPU: make it pass its return path (upcall, stop). */
void vcpu_kick(struct vcpu *v);
/* An event or timer for a blocked vCPU: make it runnable again. */
void vcpu_wake(struct vcpu *v);
/* This CPU starts taking vCPUs (the boot CPU: the boot domains); never
 * returns. */
__attribute__((noreturn)) void scheduler_start(void);
/* Idle: wait for interrupts, power off when idle_exit asks for it. */
__attribute__((noreturn)) void idle_loop(void);

#endif
