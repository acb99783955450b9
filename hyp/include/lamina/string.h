/* SPDX-License-Identifier: MIT */
/*
 * Freestanding string and memory routines, and a small vsnprintf.
 *
 * The compiler may emit calls to memcpy, memmove, memset and memcmp on its
 * own (struct copies, zeroing), so these four must always exist.
 */
#ifndef LAMINA_STRING_H
#define LAMINA_STRING_H

#include <stdarg.h>
#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copies at most size-1 bytes and terminates; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

/*
 * C99 semantics: writes at most size bytes including the terminating NUL
 * (nothing if size is 0) and returns the length the full output would have.
 * Conversions: %d %i %u %x %X %p %s %c %%; flags '-', '0', '#'; width (digits
 * or '*'); precision for %s; length modifiers l, ll, z.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
