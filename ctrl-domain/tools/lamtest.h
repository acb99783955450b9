/* SPDX-License-Identifier: MIT */
/*
 * Shared by the lamtest-* tools: each prints one result line,
 * "LAMTEST <name> ok <details>" or "LAMTEST <name> FAIL <reason>", which
 * tests/linux matches, and exits 0 or 1.
 */
#ifndef LAMINA_LAMTEST_H
#define LAMINA_LAMTEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *lamtest_name;

__attribute__((format(printf, 1, 2), noreturn)) static void
lamtest_fail(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	printf("LAMTEST %s FAIL ", lamtest_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (errno %d: %s)\n", e, strerror(e));
	exit(1);
}

__attribute__((format(printf, 1, 2), noreturn)) static void
lamtest_ok(const char *fmt, ...)
{
	va_list ap;

	printf("LAMTEST %s ok ", lamtest_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	exit(0);
}

/* The domain id to use as "ourselves": argv[1], or 0 (the control domain). */
static inline unsigned int lamtest_domid(int argc, char **argv)
{
	return argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 0) : 0;
}

#endif
