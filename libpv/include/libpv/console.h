/* SPDX-License-Identifier: MIT */
/*
 * Console output: CONSOLEIO_write for the initial domain, the console ring
 * and its event channel otherwise. Output is line buffered.
 */
#ifndef LIBPV_CONSOLE_H
#define LIBPV_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>
#include <libpv/string.h>

void console_init(void);
void console_write(const char *buf, size_t len);
void console_flush(void);

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

#endif
