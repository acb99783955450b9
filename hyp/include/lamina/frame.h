/* SPDX-License-Identifier: MIT */
/*
 * The frame table: one entry per machine frame (4 KiB page) of RAM.
 *
 * The page allocator threads its free lists through these entries; the PV
 * MMU later fills in owner, type and counts for frames given to domains.
 */
#ifndef LAMINA_FRAME_H
#define LAMINA_FRAME_H

#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)

/* Index of "no frame" in the 32-bit frame links. */
#define FRAME_NONE 0xffffffffu

/* Frame is free and the head of a free buddy block of 2^order frames. */
#define FRAME_FREE_HEAD 0x01
/* Frame is not RAM the allocator may hand out (hole, hypervisor, module). */
#define FRAME_RESERVED 0x02
/* Frame heads a block the buddy allocator handed out; order is its order. */
#define FRAME_ALLOC_HEAD 0x04

/* The owner value of frames that belong to no domain. */
#define FRAME_OWNER_NONE 0xffffu

struct frame {
	union {
		/* Free-list links: frame numbers or FRAME_NONE. */
		struct {
			uint32_t next, prev;
		};
		/* Allocated, a page table partly validated (PGT_PARTIAL)
		 * or released (PGT_DYING): its entries below pt_next hold
		 * their references; pt_link is the next dying one. */
		struct {
			uint32_t pt_next, pt_link;
		};
	};
	uint32_t count_info; /* general reference count and flags (PV MMU) */
	uint32_t type_info; /* page type and type count (PV MMU) */
	uint16_t owner; /* domain id, FRAME_OWNER_NONE if none */
	uint8_t order; /* buddy order while FRAME_FREE_HEAD is set */
	uint8_t flags; /* FRAME_* above */
	uint32_t hyp_ptrs; /* debug builds: pointers the hypervisor keeps */
};

#endif
