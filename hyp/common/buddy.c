// SPDX-License-Identifier: MIT
/*
 * Buddy page allocator over the frame table.
 */
#include <stdbool.h>

#include <lamina/buddy.h>
#include <lamina/errno.h>

#define BLOCK(order) (1ULL << (order))

static void list_push(struct buddy *b, unsigned int order, uint64_t pfn)
{
	struct frame *f = &b->frames[pfn];

	f->prev = FRAME_NONE;
	f->next = b->head[order];
	if (f->next != FRAME_NONE)
		b->frames[f->next].prev = (uint32_t)pfn;
	b->head[order] = (uint32_t)pfn;
	f->flags = FRAME_FREE_HEAD;
	f->order = (uint8_t)order;
	b->nr_blocks[order]++;
	b->free_frames += BLOCK(order);
}

static void list_remove(struct buddy *b, unsigned int order, uint64_t pfn)
{
	struct frame *f = &b->frames[pfn];

	if (f->prev != FRAME_NONE)
		b->frames[f->prev].next = f->next;
	else
		b->head[order] = f->next;
	if (f->next != FRAME_NONE)
		b->frames[f->next].prev = f->prev;
	f->next = f->prev = FRAME_NONE;
	f->flags = 0;
	b->nr_blocks[order]--;
	b->free_frames -= BLOCK(order);
}

static bool is_free_head(const struct buddy *b, uint64_t pfn,
			 unsigned int order)
{
	const struct frame *f = &b->frames[pfn];

	return (f->flags & FRAME_FREE_HEAD) && f->order == order;
}

/* Puts a block on the free lists, merging it with free buddies first. */
static void free_block(struct buddy *b, uint64_t pfn, unsigned int order)
{
	while (order < BUDDY_MAX_ORDER) {
		uint64_t buddy = pfn ^ BLOCK(order);

		if (buddy + BLOCK(order) > b->nr_frames ||
		    !is_free_head(b, buddy, order))
			break;
		list_remove(b, order, buddy);
		pfn &= ~BLOCK(order);
		order++;
	}
	list_push(b, order, pfn);
}

void buddy_init(struct buddy *b, struct frame *frames, uint64_t nr_frames)
{
	if (nr_frames > FRAME_NONE)
		nr_frames = FRAME_NONE;
	b->frames = frames;
	b->nr_frames = nr_frames;
	b->free_frames = 0;
	for (unsigned int o = 0; o <= BUDDY_MAX_ORDER; o++) {
		b->head[o] = FRAME_NONE;
		b->nr_blocks[o] = 0;
	}
	for (uint64_t pfn = 0; pfn < nr_frames; pfn++)
		frames[pfn] = (struct frame){ .next = FRAME_NONE,
					      .prev = FRAME_NONE,
					      .owner = FRAME_OWNER_NONE,
					      .flags = FRAME_RESERVED };
}

/* Largest order of an aligned block at pfn that fits in count frames. */
static unsigned int fitting_order(uint64_t pfn, uint64_t count)
{
	unsigned int order = 63 - (unsigned int)__builtin_clzll(count);

	if (pfn && (unsigned int)__builtin_ctzll(pfn) < order)
		order = (unsigned int)__builtin_ctzll(pfn);
	return order < BUDDY_MAX_ORDER ? order : BUDDY_MAX_ORDER;
}

int buddy_add_range(struct buddy *b, uint64_t first_pfn, uint64_t count)
{
	uint64_t end = first_pfn + count;

	if (end < first_pfn || end > b->nr_frames)
		return -EINVAL;
	for (uint64_t pfn = first_pfn; pfn < end; pfn++)
		if (!(b->frames[pfn].flags & FRAME_RESERVED))
			return -EEXIST;
	for (uint64_t pfn = first_pfn; pfn < end; pfn++)
		b->frames[pfn].flags = 0;
	while (first_pfn < end) {
		unsigned int order = fitting_order(first_pfn, end - first_pfn);

		free_block(b, first_pfn, order);
		first_pfn += BLOCK(order);
	}
	return 0;
}

/* The first free block of the given order ending at or below max_pfn. */
static int64_t find_block(const struct buddy *b, unsigned int order,
			  unsigned int want, uint64_t max_pfn)
{
	for (uint32_t pfn = b->head[order]; pfn != FRAME_NONE;
	     pfn = b->frames[pfn].next)
		if (pfn + BLOCK(want) <= max_pfn)
			return pfn;
	return BUDDY_NO_FRAME;
}

int64_t buddy_alloc_below(struct buddy *b, unsigned int order, uint64_t max_pfn)
{
	unsigned int o;
	int64_t pfn = BUDDY_NO_FRAME;

	if (order > BUDDY_MAX_ORDER)
		return BUDDY_NO_FRAME;
	for (o = order; o <= BUDDY_MAX_ORDER; o++) {
		pfn = find_block(b, o, order, max_pfn);
		if (pfn != BUDDY_NO_FRAME)
			break;
	}
	if (pfn == BUDDY_NO_FRAME)
		return BUDDY_NO_FRAME;
	list_remove(b, o, (uint64_t)pfn);
	/* Keep the low half, so a max_pfn limit stays met; free the rest. */
	while (o > order) {
		o--;
		list_push(b, o, (uint64_t)pfn + BLOCK(o));
	}
	b->frames[pfn].flags = FRAME_ALLOC_HEAD;
	b->frames[pfn].order = (uint8_t)order;
	return pfn;
}

int64_t buddy_alloc(struct buddy *b, unsigned int order)
{
	return buddy_alloc_below(b, order, UINT64_MAX);
}

int buddy_free(struct buddy *b, uint64_t pfn, unsigned int order)
{
	const struct frame *f;

	if (order > BUDDY_MAX_ORDER || pfn >= b->nr_frames ||
	    (pfn & (BLOCK(order) - 1)) || pfn + BLOCK(order) > b->nr_frames)
		return -EINVAL;
	f = &b->frames[pfn];
	if (f->flags & FRAME_FREE_HEAD)
		return -EEXIST;
	if (!(f->flags & FRAME_ALLOC_HEAD))
		return -ENOENT;
	if (f->order != order)
		return -EINVAL;
	b->frames[pfn].flags = 0;
	free_block(b, pfn, order);
	return 0;
}

int buddy_split(struct buddy *b, uint64_t pfn, unsigned int order)
{
	if (order > BUDDY_MAX_ORDER || pfn >= b->nr_frames ||
	    pfn + BLOCK(order) > b->nr_frames)
		return -EINVAL;
	if (!(b->frames[pfn].flags & FRAME_ALLOC_HEAD) ||
	    b->frames[pfn].order != order)
		return -ENOENT;
	for (uint64_t i = 0; i < BLOCK(order); i++) {
		b->frames[pfn + i].flags = FRAME_ALLOC_HEAD;
		b->frames[pfn + i].order = 0;
	}
	return 0;
}

uint64_t buddy_free_frames(const struct buddy *b)
{
	return b->free_frames;
}

/* Checks one free list: links, heads, alignment, merging, length. */
static bool check_list(const struct buddy *b, unsigned int order,
		       uint64_t *frames_seen)
{
	uint32_t prev = FRAME_NONE;
	uint64_t n = 0;

	for (uint32_t pfn = b->head[order]; pfn != FRAME_NONE;
	     prev = pfn, pfn = b->frames[pfn].next) {
		uint64_t buddy = pfn ^ BLOCK(order);

		if (pfn >= b->nr_frames || ++n > b->nr_frames)
			return false;
		if (b->frames[pfn].prev != prev || !is_free_head(b, pfn, order))
			return false;
		if ((pfn & (BLOCK(order) - 1)) ||
		    pfn + BLOCK(order) > b->nr_frames)
			return false;
		/* Two free buddies should have been merged. */
		if (order < BUDDY_MAX_ORDER &&
		    buddy + BLOCK(order) <= b->nr_frames &&
		    is_free_head(b, buddy, order))
			return false;
	}
	*frames_seen += n * BLOCK(order);
	return n == b->nr_blocks[order];
}

int buddy_check(const struct buddy *b)
{
	uint64_t listed = 0, heads = 0, flagged = 0;

	for (unsigned int o = 0; o <= BUDDY_MAX_ORDER; o++) {
		if (!check_list(b, o, &listed))
			return -EFAULT;
		heads += b->nr_blocks[o];
	}
	if (listed != b->free_frames)
		return -EFAULT;
	/* Every free head is listed, and no block head sits in a free block. */
	for (uint64_t pfn = 0; pfn < b->nr_frames;) {
		const struct frame *f = &b->frames[pfn];

		if (!(f->flags & FRAME_FREE_HEAD)) {
			pfn++;
			continue;
		}
		flagged++;
		if (f->order > BUDDY_MAX_ORDER ||
		    pfn + BLOCK(f->order) > b->nr_frames)
			return -EFAULT;
		for (uint64_t i = 1; i < BLOCK(f->order); i++)
			if (b->frames[pfn + i].flags)
				return -EFAULT;
		pfn += BLOCK(f->order);
	}
	return flagged == heads ? 0 : -EFAULT;
}
