// SPDX-License-Identifier: MIT
/*
 * What libpv adds to the shared freestanding string routines: printf to the
 * console and strstr. memcpy, vsnprintf and friends are hyp/common/string.c,
 * built into libpv as well (see libpv.mk).
 */
#include <libpv/console.h>
#include <libpv/string.h>

char *strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncmp(hay, needle, n))
			return (char *)hay;
	return n ? NULL : (char *)hay;
}

int vprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	console_write(buf,
		      (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
