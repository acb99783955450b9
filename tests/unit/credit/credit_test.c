// SPDX-License-Identifier: MIT
/* The credit scheduler's arithmetic: shares, clamps, caps, forgiveness. */
#define TEST_MAIN
#include "../test.h"
#include <lamina/credit_calc.h>

#define MS 1000000LL

TEST(share_follows_weight)
{
	/* 256 and 512 share 30 ms as 10 and 20. */
	CHECK_EQ(credit_share(30 * MS, 256, 768), 10 * MS);
	CHECK_EQ(credit_share(30 * MS, 512, 768), 20 * MS);
}

TEST(share_alone_gets_everything)
{
	CHECK_EQ(credit_share(30 * MS, 256, 256), 30 * MS);
	/* No active weight (or a bad total): the whole budget, no divide. */
	CHECK_EQ(credit_share(30 * MS, 256, 0), 30 * MS);
	CHECK_EQ(credit_share(30 * MS, 512, 256), 30 * MS);
}

TEST(share_extreme_weights_no_overflow)
{
	/* 2 periods of 256 CPUs at weight 65535 against weight 1. */
	int64_t big = credit_share(60 * MS * 256, 65535, 65536);

	CHECK(big > 0 && big < 60 * MS * 256);
	CHECK_EQ(credit_share(60 * MS * 256, 1, 65536), 60 * MS * 256 / 65536);
}

TEST(clamp_both_ways)
{
	CHECK_EQ(credit_clamp(45 * MS, 30 * MS), 30 * MS);
	CHECK_EQ(credit_clamp(-45 * MS, 30 * MS), -30 * MS);
	CHECK_EQ(credit_clamp(-5 * MS, 30 * MS), -5 * MS);
}

TEST(cap_allowance_is_percent_of_period)
{
	CHECK_EQ(credit_cap_allowance(30 * MS, 25), 7500000);
	CHECK_EQ(credit_cap_allowance(30 * MS, 0), 0);
	/* Caps over 100 mean more than one CPU. */
	CHECK_EQ(credit_cap_allowance(30 * MS, 200), 60 * MS);
}

TEST(cap_refill_carries_debt_not_savings)
{
	int64_t a = credit_cap_allowance(30 * MS, 25);

	/* Overshoot by 2.5 ms: the next period has that much less. */
	CHECK_EQ(credit_cap_refill(-2500000, a, a), 5 * MS);
	/* Unused allowance is not saved up. */
	CHECK_EQ(credit_cap_refill(a, a, a), a);
	/* A deep overshoot takes several periods to pay back. */
	CHECK(credit_cap_refill(-20 * MS, a, a) <= 0);
}

TEST(cap_long_run_average_is_the_cap)
{
	/* Run in whole 10 ms ticks while not parked, 3 ticks a period. */
	int64_t a = credit_cap_allowance(30 * MS, 25), left = a, used = 0;

	for (int period = 0; period < 1000; period++) {
		for (int tick = 0; tick < 3; tick++) {
			if (left > 0) {
				left -= 10 * MS;
				used += 10 * MS;
			}
		}
		left = credit_cap_refill(left, a, a);
	}
	/* 25% of 30 s, within one tick's overshoot. */
	CHECK(used >= 7500 * MS - 10 * MS && used <= 7500 * MS + 10 * MS);
}

TEST(forgive_only_debt)
{
	CHECK_EQ(credit_forgive(-10 * MS, 4 * MS), -6 * MS);
	CHECK_EQ(credit_forgive(-3 * MS, 4 * MS), 0);
	CHECK_EQ(credit_forgive(7 * MS, 4 * MS), 7 * MS);
}
