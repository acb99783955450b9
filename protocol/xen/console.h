/* SPDX-License-Identifier: MIT */
/*
 * The console ring page of unprivileged domains (start_info.console.domU).
 * Indices run freely and are masked by the ring size; prod - cons is the
 * fill level. The guest produces into out and consumes from in.
 */
#ifndef LAMINA_XEN_CONSOLE_H
#define LAMINA_XEN_CONSOLE_H

#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;

#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
	char in[1024]; /* backend to guest bytes */
	char out[2048]; /* guest to backend bytes */
	XENCONS_RING_IDX in_cons; /* IN: guest has read up to here */
	XENCONS_RING_IDX in_prod; /* OUT: backend has written up to here */
	XENCONS_RING_IDX out_cons; /* OUT: backend has read up to here */
	XENCONS_RING_IDX out_prod; /* IN: guest has written up to here */
};

_Static_assert(sizeof(struct xencons_interface) == 3088, "xencons");
_Static_assert(__builtin_offsetof(struct xencons_interface, in_cons) == 3072,
	       "xencons.in_cons");

#endif
