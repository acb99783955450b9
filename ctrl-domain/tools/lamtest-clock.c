// SPDX-License-Identifier: MIT
/*
 * lamtest-clock [READS]: read CLOCK_MONOTONIC READS times (default
 * 100000) and fail if it ever goes back; then print both clocks with
 * nanoseconds, "mono=S.N real=S.N", for the host to compare two samples
 * against its own clock (busybox date has no %N).
 */
#include <time.h>

#include "lamtest.h"

static long long ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

int main(int argc, char **argv)
{
	long reads = argc > 1 ? strtol(argv[1], NULL, 0) : 100000;
	struct timespec mono, real, prev;
	long long step, max_step = 0;

	lamtest_name = "clock";
	if (clock_gettime(CLOCK_MONOTONIC, &prev) < 0)
		lamtest_fail("clock_gettime(CLOCK_MONOTONIC)");
	for (long i = 0; i < reads; i++) {
		clock_gettime(CLOCK_MONOTONIC, &mono);
		step = ns(&mono) - ns(&prev);
		if (step < 0) {
			errno = ERANGE;
			lamtest_fail(
				"CLOCK_MONOTONIC went back %lld ns at read %ld",
				-step, i);
		}
		if (step > max_step)
			max_step = step;
		prev = mono;
	}
	if (clock_gettime(CLOCK_MONOTONIC, &mono) < 0 ||
	    clock_gettime(CLOCK_REALTIME, &real) < 0)
		lamtest_fail("clock_gettime");
	lamtest_ok("mono=%lld.%09ld real=%lld.%09ld reads=%ld max_step_ns=%lld",
		   (long long)mono.tv_sec, mono.tv_nsec, (long long)real.tv_sec,
		   real.tv_nsec, reads, max_step);
}
