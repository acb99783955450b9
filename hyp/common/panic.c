// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdint.h>
#include <lamina/panic.h>
#include <lamina/printk.h>
#include <lamina/shutdown.h>
#include <asm/cpu.h>
#include <asm/traps.h>

void panic(const char *fmt, ...)
{
	static int in_panic;
	va_list ap;

	irq_disable();
	if (in_panic++)
		machine_shutdown(SHUTDOWN_PANIC); /* nested: just stop */
	console_force_unlock();
	pr_err("****************************************\n");
	pr_err("Panic: ");
	va_start(ap, fmt);
	vprintk(LOG_ERR, fmt, ap);
	va_end(ap);
	pr_err("\n");
	backtrace_from((uint64_t)__builtin_frame_address(0));
	pr_err("****************************************\n");
	machine_shutdown(SHUTDOWN_PANIC);
}
