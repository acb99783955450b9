// SPDX-License-Identifier: MIT
/* The CHECK / INFO / DONE line protocol (see <libpv/test.h>). */
#include <libpv/console.h>
#include <libpv/libpv.h>
#include <libpv/test.h>
#include <xen/sched.h>

static unsigned int passed, failed;

void check(const char *name, bool ok, const char *fmt, ...)
{
	char detail[200];
	va_list ap;

	if (ok) {
		passed++;
		printf("CHECK %s ok\n", name);
		return;
	}
	failed++;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	printf("CHECK %s FAIL %s\n", name, detail[0] ? detail : "-");
}

void check_eq(const char *name, int64_t got, int64_t want)
{
	check(name, got == want, "got %ld (0x%lx) want %ld", (long)got,
	      (unsigned long)got, (long)want);
}

void info(const char *fmt, ...)
{
	char buf[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("INFO %s\n", buf);
}

void __attribute__((noreturn)) test_done(void)
{
	printf("DONE %u %u\n", passed, failed);
	pv_shutdown(SHUTDOWN_poweroff);
}

void __attribute__((noreturn)) test_fatal(const char *fmt, ...)
{
	char buf[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("FATAL %s\n", buf);
	failed++;
	printf("DONE %u %u\n", passed, failed);
	pv_shutdown(SHUTDOWN_crash);
}
