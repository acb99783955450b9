/* SPDX-License-Identifier: MIT */
/*
 * String routines: the hypervisor's freestanding set (memcpy, memset,
 * strlen, vsnprintf, ...; hyp/common/string.c is compiled into libpv too)
 * plus strstr.
 */
#ifndef LIBPV_STRING_H
#define LIBPV_STRING_H

#include <lamina/string.h>

char *strstr(const char *hay, const char *needle);

#endif
