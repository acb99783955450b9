/* SPDX-License-Identifier: MIT */
/*
 * Tests only: declarations matching hyp/include/lamina/string.h, for the
 * freestanding compile check while that header is not on this branch.
 * The real header, when present, is found first.
 */
#ifndef LAMINA_STRING_H
#define LAMINA_STRING_H
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
#endif
