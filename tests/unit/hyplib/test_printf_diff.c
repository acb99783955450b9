// SPDX-License-Identifier: MIT
/*
 * Differential test: the hypervisor's snprintf (built as lm_snprintf, see
 * rename.h) against the C library's, over many random values and formats.
 * This file is compiled without rename.h, so snprintf here is libc's.
 */
#include <stdint.h>

#include "test.h"

int lm_snprintf(char *buf, size_t size, const char *fmt, ...);

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Random values of every magnitude, not just huge ones. */
static uint64_t random_value(void)
{
	return next_random() >> (next_random() % 64);
}

#define COMPARE(fmt, ...)                                          \
	do {                                                       \
		char want_[96], got_[96];                          \
		size_t sz_ = next_random() % sizeof(got_);         \
		int w_ = snprintf(want_, sz_, fmt, __VA_ARGS__);   \
		int g_ = lm_snprintf(got_, sz_, fmt, __VA_ARGS__); \
		CHECK_EQ(g_, w_);                                  \
		if (sz_)                                           \
			CHECK_STR(got_, want_);                    \
	} while (0)

TEST(printf_matches_libc)
{
	static const char *const ints[] = { "%d",  "%5d", "%-7d|", "%012d",
					    "%i",  "%u",  "%08u",  "%x",
					    "%#x", "%X",  "%-9x|", "%#010x" };
	static const char *const longs[] = { "%ld",	"%lu",	"%016lx", "%lx",
					     "%-20ld|", "%#lx", "%22lu" };
	static const char *const llongs[] = { "%lld", "%llu", "%llx", "%020lld",
					      "%-3llx|" };
	static const char *const strs[] = { "%s", "%12s", "%-12s|", "%.3s",
					    "[%8.2s]" };
	static const char *const words[] = { "", "a", "hypervisor",
					     "a rather long string value" };

	for (int i = 0; i < 20000; i++) {
		uint64_t v = random_value();

		COMPARE(ints[i % 12], (int)v);
		COMPARE(longs[i % 7], (long)v);
		COMPARE(llongs[i % 5], (long long)v);
		COMPARE("%zu/%zx", (size_t)v, (size_t)v);
		COMPARE(strs[i % 5], words[v % 4]);
		COMPARE("%c%c|%3c", (int)('a' + v % 26), 'Z', '!');
		COMPARE("%p", (void *)(uintptr_t)v);
		COMPARE("%*d|%-*u", (int)(v % 30), (int)v, (int)(v % 9),
			(unsigned)v);
		if (unit_test_failed)
			break;
	}
}
