/* SPDX-License-Identifier: MIT */
#ifndef LAMINA_PANIC_H
#define LAMINA_PANIC_H

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt,
							    ...);

/* Internal invariants only: never for anything a guest controls. */
#define BUG_ON(cond)                                                         \
	do {                                                                 \
		if (__builtin_expect(!!(cond), 0))                           \
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond);\
	} while (0)

#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)

#endif
