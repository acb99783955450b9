/* SPDX-License-Identifier: MIT */
/*
 * Console output: CONSOLEIO_write for the initial domain, the console ring
 * and its event channel otherwise. Output is line buffered. Input comes
 * the same two ways (CONSOLEIO_read, the ring's "in" side).
 */
#ifndef LIBPV_CONSOLE_H
#define LIBPV_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>
#include <libpv/string.h>
#include <xen/event_channel.h>

void console_init(void);
void console_write(const char *buf, size_t len);
void console_flush(void);
/* Up to len bytes of console input; 0 if none waits, or a -errno. */
long console_read(char *buf, size_t len);
/* The port input is signalled on: the ring's, or 0 for the initial
 * domain (which binds VIRQ_CONSOLE). */
evtchn_port_t console_input_port(void);

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

#endif
