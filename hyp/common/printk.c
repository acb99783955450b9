// SPDX-License-Identifier: MIT
/*
 * printk: formatted, levelled messages to the serial line, also kept in a
 * ring so they can be read back later (as Xen's console ring).
 */
#include <stdarg.h>
#include <generated/autoconf.h>
#include <lamina/printk.h>
#include <lamina/spinlock.h>
#include <lamina/string.h>
#include <asm/serial.h>

#define CONSOLE_RING_SIZE 16384
#define LINE_MAX_LEN 512

int console_loglevel = CONFIG_LOG_LEVEL;

static spinlock_t console_lock = SPINLOCK_INIT;
static char console_ring[CONSOLE_RING_SIZE];
static unsigned long console_ring_head;
static int at_line_start = 1;

static void ring_append(const char *s, unsigned long len)
{
	for (unsigned long i = 0; i < len; i++)
		console_ring[console_ring_head++ % CONSOLE_RING_SIZE] = s[i];
}

static void emit(const char *s, unsigned long len)
{
	ring_append(s, len);
#ifdef CONFIG_SERIAL_CONSOLE
	serial_write(s, len);
#endif
}

void console_write(const char *s, unsigned long len)
{
	unsigned long flags;

	spin_lock_irqsave(&console_lock, flags);
	emit(s, len);
	spin_unlock_irqrestore(&console_lock, flags);
}

void console_force_unlock(void)
{
	spin_unlock(&console_lock);
}

/* Every hypervisor line carries a prefix, so logs tell it from guests'. */
static void emit_prefixed(const char *s, unsigned long len)
{
	static const char prefix[] = "(lamina) ";
	unsigned long start = 0;

	for (unsigned long i = 0; i < len; i++) {
		if (at_line_start) {
			emit(prefix, sizeof(prefix) - 1);
			at_line_start = 0;
		}
		if (s[i] == '\n') {
			emit(s + start, i + 1 - start);
			start = i + 1;
			at_line_start = 1;
		}
	}
	if (start < len)
		emit(s + start, len - start);
}

void vprintk(int level, const char *fmt, va_list ap)
{
	char buf[LINE_MAX_LEN];
	unsigned long flags;
	int n;

	if (level > console_loglevel)
		return;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return;
	if ((unsigned long)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	spin_lock_irqsave(&console_lock, flags);
	emit_prefixed(buf, n);
	spin_unlock_irqrestore(&console_lock, flags);
}

void printk(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}
