/* SPDX-License-Identifier: MIT */
/* Tests only: the hypervisor's string functions are libc's on the host. */
#ifndef LAMINA_STRING_H
#define LAMINA_STRING_H
#include <string.h>
#endif
