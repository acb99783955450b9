/* SPDX-License-Identifier: MIT */
/*
 * The buddy page allocator: blocks of 2^order frames, order 0 to
 * BUDDY_MAX_ORDER, naturally aligned. Free lists are threaded through the
 * frame table (struct frame next/prev), so the allocator itself needs no
 * memory.
 *
 * Frames start out reserved; buddy_add_range() hands RAM over. Each free
 * block's first frame has FRAME_FREE_HEAD and its order; each allocated
 * block's first frame has FRAME_ALLOC_HEAD and its order, which is how a bad
 * buddy_free() is recognised and refused before anything changes.
 */
#ifndef LAMINA_BUDDY_H
#define LAMINA_BUDDY_H

#include <stdint.h>

#include <lamina/frame.h>

#define BUDDY_MAX_ORDER 18 /* 1 GiB blocks */
#define BUDDY_NO_FRAME (-1)

struct buddy {
	struct frame *frames;
	uint64_t nr_frames;
	uint64_t free_frames;
	uint32_t head[BUDDY_MAX_ORDER + 1]; /* free lists, FRAME_NONE ends */
	uint64_t nr_blocks[BUDDY_MAX_ORDER + 1]; /* length of each list */
};

/*
 * frames[] has one entry per frame number below nr_frames (at most
 * FRAME_NONE); all of them are reset and marked FRAME_RESERVED.
 */
void buddy_init(struct buddy *b, struct frame *frames, uint64_t nr_frames);

/*
 * Frees [first_pfn, first_pfn + count) into the allocator in the largest
 * aligned blocks, merging with free neighbours. -EINVAL if the range runs
 * past nr_frames, -EEXIST if any frame in it is not reserved (already
 * added). Nothing changes on error.
 */
int buddy_add_range(struct buddy *b, uint64_t first_pfn, uint64_t count);

/* First frame of a block of 2^order frames, or BUDDY_NO_FRAME. */
int64_t buddy_alloc(struct buddy *b, unsigned int order);

/* The same, but the whole block lies below frame max_pfn (e.g. DMA32). */
int64_t buddy_alloc_below(struct buddy *b, unsigned int order,
			  uint64_t max_pfn);

/*
 * Returns a block from buddy_alloc*(). -EINVAL for a bad pfn or an order
 * other than the one allocated, -EEXIST if the block is already free,
 * -ENOENT if pfn heads no allocated block. Nothing changes on error.
 */
int buddy_free(struct buddy *b, uint64_t pfn, unsigned int order);

/*
 * Turn an allocated block of 2^order frames into 2^order allocated single
 * frames, each freed on its own later. -ENOENT if pfn heads no allocated
 * block of that order. Nothing changes on error.
 */
int buddy_split(struct buddy *b, uint64_t pfn, unsigned int order);

uint64_t buddy_free_frames(const struct buddy *b);

/*
 * Debug: walks every list and the frame table and checks that lists, counts
 * and flags agree, blocks are aligned, in range, disjoint and fully merged.
 * 0 if so, -EFAULT if not.
 */
int buddy_check(const struct buddy *b);

#endif
