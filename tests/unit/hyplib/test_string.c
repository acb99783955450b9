// SPDX-License-Identifier: MIT
/* Tests of hyp/common/string.c: memory and string routines, vsnprintf. */
#include <stdint.h>

#include <lamina/string.h>

#include "test.h"

/* Some cases below are odd on purpose: unknown conversions, NULL for %s. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-extra-args"

TEST(string_memcpy_memset)
{
	char a[32], b[32];

	memset(a, 'x', sizeof(a));
	CHECK_EQ(a[0], 'x');
	CHECK_EQ(a[31], 'x');
	memset(a + 4, 0, 8);
	CHECK_EQ(a[3], 'x');
	CHECK_EQ(a[4], 0);
	CHECK_EQ(a[11], 0);
	CHECK_EQ(a[12], 'x');
	for (int i = 0; i < 32; i++)
		a[i] = (char)i;
	CHECK(memcpy(b, a, 32) == b);
	CHECK_EQ(memcmp(a, b, 32), 0);
	CHECK(memset(b, 0x1ff, 1) == b);
	CHECK_EQ((unsigned char)b[0], 0xff);
	memcpy(b, a, 0);
	CHECK_EQ((unsigned char)b[0], 0xff);
}

TEST(string_memmove_overlap)
{
	char s[16];

	memcpy(s, "0123456789", 11);
	memmove(s + 2, s, 8);
	CHECK_STR(s, "0101234567");
	memcpy(s, "0123456789", 11);
	memmove(s, s + 3, 8);
	CHECK_STR(s, "3456789");
	memcpy(s, "abc", 4);
	memmove(s, s, 4);
	CHECK_STR(s, "abc");
}

/* Every length and alignment around the 8-byte steps, both overlaps:
 * against the obvious byte-at-a-time result. */
TEST(string_moves_every_alignment)
{
	unsigned char buf[96], want[96];

	for (size_t n = 0; n <= 40; n++) {
		for (size_t from = 0; from < 24; from++) {
			for (size_t to = 0; to < 24; to++) {
				for (size_t i = 0; i < sizeof(buf); i++)
					buf[i] = want[i] =
						(unsigned char)(i * 7 + 1);
				for (size_t i = 0; i < n; i++)
					want[to + 30 + i] = buf[from + 30 + i];
				memmove(buf + to + 30, buf + from + 30, n);
				CHECK_EQ(memcmp(buf, want, sizeof(buf)), 0);
			}
			memset(buf, 0, sizeof(buf));
			memset(buf + from, 0xa5, n);
			for (size_t i = 0; i < sizeof(buf); i++)
				CHECK_EQ(buf[i],
					 i >= from && i < from + n ? 0xa5 : 0);
		}
	}
}

TEST(string_compare)
{
	CHECK(memcmp("abc", "abd", 3) < 0);
	CHECK(memcmp("abd", "abc", 3) > 0);
	CHECK_EQ(memcmp("abc", "abd", 2), 0);
	/* Bytes compare as unsigned. */
	CHECK(memcmp("\x80", "\x01", 1) > 0);
	CHECK(strcmp("\x80", "\x01") > 0);
	CHECK_EQ(strcmp("", ""), 0);
	CHECK(strcmp("a", "") > 0);
	CHECK(strcmp("", "a") < 0);
	CHECK(strcmp("abc", "abcd") < 0);
	CHECK_EQ(strncmp("abcX", "abcY", 3), 0);
	CHECK(strncmp("abcX", "abcY", 4) < 0);
	CHECK_EQ(strncmp("ab", "ab", 100), 0);
	CHECK_EQ(strncmp("x", "y", 0), 0);
}

TEST(string_lengths_and_strchr)
{
	const char *s = "hello";

	CHECK_EQ(strlen(""), 0);
	CHECK_EQ(strlen(s), 5);
	CHECK_EQ(strnlen(s, 3), 3);
	CHECK_EQ(strnlen(s, 10), 5);
	CHECK_EQ(strnlen(s, 0), 0);
	CHECK(strchr(s, 'l') == s + 2);
	CHECK(strchr(s, 'z') == NULL);
	/* The terminator itself can be found. */
	CHECK(strchr(s, '\0') == s + 5);
}

static char out[128];

#define FMT(expect, ...)                                          \
	do {                                                      \
		int n_ = snprintf(out, sizeof(out), __VA_ARGS__); \
		CHECK_STR(out, expect);                           \
		CHECK_EQ(n_, (int)sizeof(expect) - 1);            \
	} while (0)

TEST(printf_integers)
{
	FMT("0", "%d", 0);
	FMT("-42", "%d", -42);
	FMT("2147483647 -2147483648", "%d %i", INT32_MAX, INT32_MIN);
	FMT("4294967295", "%u", UINT32_MAX);
	FMT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	FMT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	FMT("ffffffffffffffff", "%lx", (unsigned long)UINT64_MAX);
	FMT("DEADBEEF", "%X", 0xdeadbeefu);
	FMT("123456789abc", "%llx", 0x123456789abcULL);
	FMT("42", "%zu", (size_t)42);
	FMT("-7", "%zd", (ptrdiff_t)-7);
	FMT("0x1f", "%#x", 0x1f);
}

TEST(printf_width_and_padding)
{
	FMT("   42", "%5d", 42);
	FMT("00042", "%05d", 42);
	FMT("-0042", "%05d", -42);
	FMT("42   |", "%-5d|", 42);
	FMT("42   |", "%-05d|", 42);
	FMT("0000000000001000", "%016lx", 0x1000UL);
	FMT("123456", "%3d", 123456);
	FMT("   ab", "%*s", 5, "ab");
	FMT("ab   |", "%*s|", -5, "ab");
	FMT("0x00ff", "%#06x", 0xff);
}

TEST(printf_strings_chars_pointers)
{
	FMT("hi", "%s", "hi");
	FMT("(null)", "%s", (char *)NULL);
	FMT("  abc", "%5s", "abc");
	FMT("ab", "%.2s", "abcdef");
	FMT("abc", "%.*s", 3, "abcdef");
	FMT("x", "%c", 'x');
	FMT("  x|x  ", "%3c|%-3c", 'x', 'x');
	FMT("100%", "100%%");
	FMT("0x1000", "%p", (void *)0x1000);
	FMT("(nil)", "%p", NULL);
	FMT("a%qb", "a%qb");
}

TEST(printf_truncation_and_return)
{
	char small[8];
	int n;

	memset(small, 'Z', sizeof(small));
	n = snprintf(small, 4, "%s", "abcdefgh");
	CHECK_EQ(n, 8);
	CHECK_STR(small, "abc");
	CHECK_EQ(small[4], 'Z');

	memset(small, 'Z', sizeof(small));
	n = snprintf(small, 1, "%d", 12345);
	CHECK_EQ(n, 5);
	CHECK_EQ(small[0], '\0');
	CHECK_EQ(small[1], 'Z');

	/* Size 0: nothing written, buffer may be NULL, length still counted. */
	n = snprintf(NULL, 0, "%05d-%s", 7, "xyz");
	CHECK_EQ(n, 9);

	n = snprintf(small, sizeof(small), "1234567");
	CHECK_EQ(n, 7);
	CHECK_STR(small, "1234567");
	n = snprintf(small, sizeof(small), "12345678");
	CHECK_EQ(n, 8);
	CHECK_STR(small, "1234567");

	/* A padded field cut in the middle. */
	n = snprintf(small, 6, "%10d", 1);
	CHECK_EQ(n, 10);
	CHECK_STR(small, "     ");
}
