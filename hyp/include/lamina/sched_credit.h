/* SPDX-License-Identifier: MIT */
/*
 * The scheduling policy: a credit scheduler with Xen's user-visible
 * behaviour (per-domain weight and cap, UNDER/OVER priorities, BOOST on
 * wake-up, parked capped domains). sched.c owns the mechanism (ticks,
 * switches, the idle loop) and asks this policy what to run. Every call
 * is made under the scheduler's one lock (or, with one CPU, with
 * interrupts off), for the CPU named.
 */
#ifndef LAMINA_SCHED_CREDIT_H
#define LAMINA_SCHED_CREDIT_H

#include <stdbool.h>
#include <stdint.h>
#include <lamina/cpumask.h>

struct domain;
struct vcpu;

#define CREDIT_WEIGHT_DEFAULT 256

enum credit_pri {
	CREDIT_PRI_OVER, /* used more than its share this period */
	CREDIT_PRI_UNDER, /* credit left */
	CREDIT_PRI_BOOST, /* just woke while UNDER: dispatched first */
};

/* Policy state kept in each vCPU (struct vcpu.credit). */
struct credit_vcpu {
	int64_t credit; /* ns of CPU time still due, negative when over */
	uint64_t burn_from_ns; /* running: time charged up to here */
	uint64_t dispatched_ns; /* running: when its slice began */
	uint64_t queue_seq; /* FIFO order within a priority */
	enum credit_pri pri;
	bool yielded; /* SCHEDOP_yield: anyone else first, once */
};

/* Policy state kept in each domain (struct domain.credit). */
struct credit_domain {
	uint16_t weight; /* 1..65535, CREDIT_WEIGHT_DEFAULT */
	uint16_t cap; /* percent of one CPU, 0 = no cap */
	int64_t cap_left; /* capped: ns it may still run this period */
};

void sched_credit_domain_init(struct domain *d);
void sched_credit_vcpu_init(struct vcpu *v);
/* A CPU starts taking vCPUs (CPU 0 at boot, the others as they come up). */
void sched_credit_cpu_online(unsigned int cpu);

/*
 * The vCPU that should run next on cpu, where prev ran (NULL from idle),
 * or NULL for idle. The choice is committed: prev is charged and marked
 * off the CPU, the result is marked running there. The caller holds the
 * lock until prev's state is saved.
 */
struct vcpu *sched_credit_pick(unsigned int cpu, struct vcpu *prev);
/* Each timer tick on cpu (cur: its vCPU or NULL): true asks to resched. */
bool sched_credit_tick(unsigned int cpu, struct vcpu *cur);
/* v became runnable: true if it should preempt what runs now. */
bool sched_credit_wake(struct vcpu *v);
/* SCHEDOP_yield: v gives way to any other runnable vCPU, once. */
void sched_credit_yield(struct vcpu *v);

/* The CPUs that take vCPUs now. */
const cpumask_t *sched_credit_online_cpus(void);

/* Weight (0 = unchanged) and cap (0xffff = unchanged), as Xen's putinfo. */
void sched_credit_set(struct domain *d, uint16_t weight, uint16_t cap);

#endif
