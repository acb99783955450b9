/* SPDX-License-Identifier: MIT */
/*
 * The conformance-test protocol. Each check prints exactly one line:
 *   CHECK <name> ok
 *   CHECK <name> FAIL <detail>
 * and the run ends with `DONE <passed> <failed>` and a poweroff. Names are
 * stable identifiers: the same guest run on two hypervisors is compared by
 * name. INFO lines carry raw values and are not compared.
 */
#ifndef LIBPV_TEST_H
#define LIBPV_TEST_H

#include <stdbool.h>
#include <stdint.h>

void check(const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void check_eq(const char *name, int64_t got, int64_t want);
void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void __attribute__((noreturn)) test_done(void);
/* An unexpected event: report it, count a failure and stop (crash). */
void __attribute__((noreturn)) test_fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* CHECK(name, cond) or CHECK(name, cond, "detail %d", x) */
#define CHECK(name, cond, ...) check((name), !!(cond), "" __VA_ARGS__)
/* Integer equality with "got X want Y" as the detail. */
#define CHECK_EQ(name, got, want) \
	check_eq((name), (int64_t)(got), (int64_t)(want))

#endif
