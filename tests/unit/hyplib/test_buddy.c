// SPDX-License-Identifier: MIT
/* Tests of hyp/common/buddy.c: the buddy page allocator. */
#include <stdint.h>

#include <lamina/buddy.h>
#include <lamina/errno.h>

#include "test.h"

static struct buddy b;

static struct frame *new_frames(uint64_t n)
{
	struct frame *f = calloc(n, sizeof(*f));

	CHECK(f != NULL);
	buddy_init(&b, f, n);
	return f;
}

static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

TEST(buddy_starts_empty)
{
	struct frame *f = new_frames(64);

	CHECK_EQ(buddy_free_frames(&b), 0);
	CHECK_EQ(buddy_alloc(&b, 0), BUDDY_NO_FRAME);
	CHECK_EQ(buddy_check(&b), 0);
	CHECK(f[10].flags & FRAME_RESERVED);
	CHECK_EQ(f[10].owner, FRAME_OWNER_NONE);
	free(f);
}

TEST(buddy_unaligned_range_split)
{
	static const unsigned int want[BUDDY_MAX_ORDER + 1] = {
		[0] = 1, [2] = 1, [3] = 2, [4] = 1,
		[5] = 2, [6] = 2, [7] = 2, [8] = 2,
	};
	struct frame *f = new_frames(1000);

	/* [3, 1000): 3 | 4-7 | 8-15 | ... | 512-767 | ... | 992-999 */
	CHECK_EQ(buddy_add_range(&b, 3, 997), 0);
	CHECK_EQ(buddy_free_frames(&b), 997);
	for (int o = 0; o <= BUDDY_MAX_ORDER; o++)
		CHECK_EQ(b.nr_blocks[o], want[o]);
	CHECK_EQ(buddy_check(&b), 0);
	/* Frames 0-2 come later and merge all the way up where they can. */
	CHECK_EQ(buddy_add_range(&b, 0, 3), 0);
	CHECK_EQ(b.nr_blocks[9], 1); /* 0-511 */
	CHECK_EQ(b.nr_blocks[0], 0);
	CHECK_EQ(buddy_check(&b), 0);
	free(f);
}

TEST(buddy_add_range_refused)
{
	struct frame *f = new_frames(256);

	CHECK_EQ(buddy_add_range(&b, 0, 100), 0);
	CHECK_EQ(buddy_add_range(&b, 99, 10), -EEXIST);
	CHECK_EQ(buddy_add_range(&b, 200, 57), -EINVAL);
	CHECK_EQ(buddy_add_range(&b, UINT64_MAX, 2), -EINVAL);
	CHECK_EQ(buddy_free_frames(&b), 100);
	/* The refused range left its frames reserved: adding them works. */
	CHECK_EQ(buddy_add_range(&b, 100, 156), 0);
	CHECK_EQ(buddy_free_frames(&b), 256);
	CHECK_EQ(b.nr_blocks[8], 1);
	CHECK_EQ(buddy_add_range(&b, 0, 0), 0);
	CHECK_EQ(buddy_check(&b), 0);
	free(f);
}

TEST(buddy_max_order)
{
	uint64_t n = 3ULL << BUDDY_MAX_ORDER;
	struct frame *f = new_frames(n);
	int64_t p;

	CHECK_EQ(buddy_add_range(&b, 0, n), 0);
	CHECK_EQ(b.nr_blocks[BUDDY_MAX_ORDER], 3);
	CHECK_EQ(buddy_alloc(&b, BUDDY_MAX_ORDER + 1), BUDDY_NO_FRAME);
	p = buddy_alloc(&b, BUDDY_MAX_ORDER);
	CHECK(p >= 0 && p % (1 << BUDDY_MAX_ORDER) == 0);
	CHECK_EQ(buddy_free(&b, (uint64_t)p, BUDDY_MAX_ORDER), 0);
	CHECK_EQ(b.nr_blocks[BUDDY_MAX_ORDER], 3);
	CHECK_EQ(buddy_check(&b), 0);
	free(f);
}

TEST(buddy_alignment_and_exhaustion)
{
	uint64_t n = 4096;
	struct frame *f = new_frames(n);
	uint8_t *owner = calloc(n, 1);
	int64_t p;
	uint64_t used = 0;

	CHECK_EQ(buddy_add_range(&b, 1, n - 1), 0);
	rng_state = 7;
	for (;;) {
		unsigned int order = (unsigned int)(rng() % 6);

		p = buddy_alloc(&b, order);
		if (p == BUDDY_NO_FRAME) {
			/* Smaller orders may still fit; take them too. */
			if (buddy_alloc(&b, 0) == BUDDY_NO_FRAME)
				break;
			used++;
			continue;
		}
		CHECK_EQ(p % (1 << order), 0);
		CHECK(p >= 1 && (uint64_t)p + (1u << order) <= n);
		for (uint64_t i = 0; i < (1u << order); i++) {
			CHECK(!owner[p + i]);
			owner[p + i] = 1;
		}
		used += 1u << order;
	}
	CHECK_EQ(used, n - 1);
	CHECK_EQ(buddy_free_frames(&b), 0);
	for (unsigned int o = 0; o <= BUDDY_MAX_ORDER; o++)
		CHECK_EQ(buddy_alloc(&b, o), BUDDY_NO_FRAME);
	CHECK_EQ(buddy_check(&b), 0);
	free(owner);
	free(f);
}

struct block {
	int64_t pfn;
	unsigned int order;
};

/* Allocates everything in random orders, frees it in random order. */
static void alloc_free_all(uint64_t seed)
{
	uint64_t n = 20000;
	struct frame *f = new_frames(n);
	struct block *blocks = calloc(n, sizeof(*blocks));
	uint64_t initial[BUDDY_MAX_ORDER + 1];
	size_t nr = 0;

	/* Ranges with holes, as firmware gives them. */
	CHECK_EQ(buddy_add_range(&b, 1, 158), 0);
	CHECK_EQ(buddy_add_range(&b, 256, 12000), 0);
	CHECK_EQ(buddy_add_range(&b, 12300, 7700), 0);
	memcpy(initial, b.nr_blocks, sizeof(initial));
	rng_state = seed;
	for (;;) {
		unsigned int order = (unsigned int)(rng() % 8);
		int64_t p = buddy_alloc(&b, order);

		if (p == BUDDY_NO_FRAME) {
			order = 0;
			p = buddy_alloc(&b, 0);
			if (p == BUDDY_NO_FRAME)
				break;
		}
		blocks[nr++] = (struct block){ p, order };
	}
	CHECK_EQ(buddy_free_frames(&b), 0);
	CHECK_EQ(buddy_check(&b), 0);
	for (size_t i = nr; i > 1; i--) {
		size_t j = rng() % i;
		struct block t = blocks[i - 1];

		blocks[i - 1] = blocks[j];
		blocks[j] = t;
	}
	for (size_t i = 0; i < nr; i++) {
		CHECK_EQ(buddy_free(&b, (uint64_t)blocks[i].pfn,
				    blocks[i].order),
			 0);
		if (i % 1000 == 0)
			CHECK_EQ(buddy_check(&b), 0);
	}
	CHECK_EQ(buddy_free_frames(&b), 158 + 12000 + 7700);
	/* Everything merged back into exactly the original blocks. */
	for (int o = 0; o <= BUDDY_MAX_ORDER; o++)
		CHECK_EQ(b.nr_blocks[o], initial[o]);
	CHECK_EQ(buddy_check(&b), 0);
	free(blocks);
	free(f);
}

TEST(buddy_alloc_free_all_random)
{
	alloc_free_all(1);
	alloc_free_all(0x9e3779b97f4a7c15ULL);
	alloc_free_all(42);
}

TEST(buddy_bad_frees_refused)
{
	struct frame *f = new_frames(64);
	int64_t a, c, big;

	CHECK_EQ(buddy_add_range(&b, 0, 64), 0);
	a = buddy_alloc(&b, 0);
	c = buddy_alloc(&b, 0);
	big = buddy_alloc(&b, 2);
	CHECK(a >= 0 && c >= 0 && big >= 0);
	CHECK_EQ(buddy_free_frames(&b), 58);

	/* Wrong order, interior frame, misaligned, out of range, reserved. */
	CHECK_EQ(buddy_free(&b, (uint64_t)big, 1), -EINVAL);
	CHECK_EQ(buddy_free(&b, (uint64_t)big, 3), -EINVAL);
	CHECK_EQ(buddy_free(&b, (uint64_t)big + 1, 0), -ENOENT);
	CHECK_EQ(buddy_free(&b, (uint64_t)big + 2, 1), -ENOENT);
	CHECK_EQ(buddy_free(&b, 1, 1), -EINVAL);
	CHECK_EQ(buddy_free(&b, 64, 0), -EINVAL);
	CHECK_EQ(buddy_free(&b, 60, 3), -EINVAL);
	CHECK_EQ(buddy_free(&b, 0, BUDDY_MAX_ORDER + 1), -EINVAL);
	CHECK_EQ(buddy_free_frames(&b), 58);
	CHECK_EQ(buddy_check(&b), 0);

	/* Double free, also after the block merged with its buddy. */
	CHECK_EQ(buddy_free(&b, (uint64_t)a, 0), 0);
	CHECK_EQ(buddy_free(&b, (uint64_t)a, 0), -EEXIST);
	CHECK_EQ(buddy_free(&b, (uint64_t)c, 0), 0);
	CHECK_EQ(buddy_free(&b, (uint64_t)a, 0), -EEXIST);
	CHECK_EQ(buddy_free(&b, (uint64_t)c, 0), -ENOENT);
	CHECK_EQ(buddy_free(&b, (uint64_t)big, 2), 0);
	/* big merged into the block at 0, so it no longer heads anything. */
	CHECK_EQ(buddy_free(&b, (uint64_t)big, 2), -ENOENT);
	CHECK_EQ(buddy_free(&b, 0, 6), -EEXIST);
	CHECK_EQ(buddy_free_frames(&b), 64);
	CHECK_EQ(b.nr_blocks[6], 1);
	CHECK_EQ(buddy_check(&b), 0);

	/* Frames never added are reserved and cannot be freed. */
	buddy_init(&b, f, 64);
	CHECK_EQ(buddy_free(&b, 8, 0), -ENOENT);
	CHECK_EQ(buddy_free_frames(&b), 0);
	free(f);
}

TEST(buddy_alloc_below_limit)
{
	struct frame *f = new_frames(1 << 12);
	int64_t p;

	CHECK_EQ(buddy_add_range(&b, 0, 1 << 12), 0);
	p = buddy_alloc_below(&b, 0, 100);
	CHECK(p >= 0 && p < 100);
	p = buddy_alloc_below(&b, 4, 32);
	CHECK_EQ(p, 16);
	CHECK_EQ(buddy_alloc_below(&b, 5, 32), BUDDY_NO_FRAME);
	CHECK_EQ(buddy_alloc_below(&b, 0, 0), BUDDY_NO_FRAME);
	/* Exhaust the low 64 frames: the limit is never broken. */
	for (int i = 0; i < 64; i++) {
		p = buddy_alloc_below(&b, 0, 64);
		if (p == BUDDY_NO_FRAME)
			break;
		CHECK(p < 64);
	}
	CHECK_EQ(buddy_alloc_below(&b, 0, 64), BUDDY_NO_FRAME);
	CHECK_EQ(buddy_free_frames(&b), (1 << 12) - 64);
	CHECK_EQ(buddy_check(&b), 0);
	free(f);
}

TEST(buddy_check_finds_corruption)
{
	struct frame *f = new_frames(128);
	int64_t p;

	CHECK_EQ(buddy_add_range(&b, 0, 128), 0);
	p = buddy_alloc(&b, 0);
	CHECK_EQ(buddy_check(&b), 0);
	/* A stray free-head flag inside a free block. */
	f[70].flags = FRAME_FREE_HEAD;
	CHECK_EQ(buddy_check(&b), -EFAULT);
	f[70].flags = 0;
	CHECK_EQ(buddy_check(&b), 0);
	/* A broken back link. */
	f[b.head[6]].prev = 3;
	CHECK_EQ(buddy_check(&b), -EFAULT);
	f[b.head[6]].prev = FRAME_NONE;
	/* A wrong count. */
	b.free_frames++;
	CHECK_EQ(buddy_check(&b), -EFAULT);
	b.free_frames--;
	CHECK_EQ(buddy_check(&b), 0);
	CHECK_EQ(buddy_free(&b, (uint64_t)p, 0), 0);
	free(f);
}

TEST(buddy_split_frees_frame_by_frame)
{
	struct frame *f = new_frames(64);
	int64_t pfn;

	CHECK_EQ(buddy_add_range(&b, 0, 64), 0);
	pfn = buddy_alloc(&b, 3);
	CHECK(pfn >= 0);
	/* Wrong order, or not a block head: refused, nothing changes. */
	CHECK_EQ(buddy_split(&b, pfn, 2), -ENOENT);
	CHECK_EQ(buddy_split(&b, pfn + 1, 3), -ENOENT);
	CHECK_EQ(buddy_split(&b, pfn, 3), 0);
	/* The whole block can no longer be freed at once ... */
	CHECK_EQ(buddy_free(&b, pfn, 3), -EINVAL);
	/* ... but each frame can, in any order, and they merge back. */
	for (int i = 7; i >= 0; i--)
		CHECK_EQ(buddy_free(&b, pfn + i, 0), 0);
	CHECK_EQ(buddy_free_frames(&b), 64);
	CHECK_EQ(buddy_check(&b), 0);
	CHECK_EQ(buddy_alloc(&b, 6), 0);
	free(f);
}
