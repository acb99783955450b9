/* SPDX-License-Identifier: MIT */
/*
 * The only libc the xenstore codec may use. Building it against this
 * header with -nostdinc proves it stays freestanding (for libpv).
 */
#ifndef XS_FREESTANDING_STRING_H
#define XS_FREESTANDING_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
