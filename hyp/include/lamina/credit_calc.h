/* SPDX-License-Identifier: MIT */
/*
 * The credit scheduler's arithmetic, free of any scheduler state so the
 * host unit tests (tests/unit/credit) can check it. Credits are
 * nanoseconds of CPU time: earned per accounting period in proportion to
 * weight, burned while running.
 */
#ifndef LAMINA_CREDIT_CALC_H
#define LAMINA_CREDIT_CALC_H

#include <stdint.h>

/* What one vCPU of weight earns when active vCPUs weigh total_weight. */
int64_t credit_share(uint64_t budget_ns, unsigned int weight,
		     uint64_t total_weight);
/* credit kept within [-limit, limit]. */
int64_t credit_clamp(int64_t credit, int64_t limit);
/* CPU time a cap (percent of one CPU, 0 = none) allows per period. */
int64_t credit_cap_allowance(uint64_t period_ns, unsigned int cap);
/* A capped domain's budget refilled by allowance, at most to limit; an
 * overshoot (negative left) is carried over and paid back. */
int64_t credit_cap_refill(int64_t left, int64_t allowance, int64_t limit);
/* A blocked vCPU's debt shrinks by what it would have earned, to 0. */
int64_t credit_forgive(int64_t credit, int64_t share);

#endif
