/* SPDX-License-Identifier: MIT */
#ifndef LAMINA_PRINTK_H
#define LAMINA_PRINTK_H

#include <stdarg.h>

/* Message levels: a message is printed when its level <= the console's. */
enum log_level {
	LOG_ERR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

extern int console_loglevel;

__attribute__((format(printf, 2, 3))) void printk(int level, const char *fmt,
						   ...);
void vprintk(int level, const char *fmt, va_list ap);

#define pr_err(...) printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) printk(LOG_WARN, __VA_ARGS__)
#define pr_info(...) printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

/* Raw console output, bypassing levels (used by panic and traps). */
void console_write(const char *s, unsigned long len);
/* panic() takes the console even if a CPU died holding its lock. */
void console_force_unlock(void);

#endif
