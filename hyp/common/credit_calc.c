// SPDX-License-Identifier: MIT
/* Credit arithmetic for sched_credit.c; see lamina/credit_calc.h. */
#include <lamina/credit_calc.h>

int64_t credit_share(uint64_t budget_ns, unsigned int weight,
		     uint64_t total_weight)
{
	if (!total_weight || weight > total_weight)
		return (int64_t)budget_ns;
	/* budget (< 2^40 ns) * weight (< 2^16) cannot overflow. */
	return (int64_t)(budget_ns * weight / total_weight);
}

int64_t credit_clamp(int64_t credit, int64_t limit)
{
	if (credit > limit)
		return limit;
	if (credit < -limit)
		return -limit;
	return credit;
}

int64_t credit_cap_allowance(uint64_t period_ns, unsigned int cap)
{
	return (int64_t)(period_ns * cap / 100);
}

int64_t credit_cap_refill(int64_t left, int64_t allowance, int64_t limit)
{
	left += allowance;
	return left > limit ? limit : left;
}

int64_t credit_forgive(int64_t credit, int64_t share)
{
	if (credit >= 0)
		return credit;
	return credit + share > 0 ? 0 : credit + share;
}
