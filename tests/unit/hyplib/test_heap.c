// SPDX-License-Identifier: MIT
/* Tests of hyp/common/heap.c: kmalloc and friends over host pages. */
#include <stdint.h>

#include <lamina/errno.h>
#include <lamina/frame.h>
#include <lamina/heap.h>
#include <lamina/string.h>

#include "test.h"

/*
 * Host page provider. Freed pages are poisoned and kept until the test
 * ends, like pages back in the buddy allocator: still readable, so the
 * heap's checks on stale pointers are well defined here too.
 */
#define MAX_QUARANTINE 4096

static struct {
	void *p;
	unsigned int order;
} quarantine[MAX_QUARANTINE];
static int nr_quarantined;
static long pages_out;
static long page_budget = -1; /* pages left to hand out; -1: no limit */

static void *host_alloc_pages(unsigned int order)
{
	size_t size = PAGE_SIZE << order;
	void *p;

	if (page_budget >= 0 && page_budget < (1L << order))
		return NULL;
	p = aligned_alloc(size, size);
	CHECK(p != NULL);
	if (page_budget >= 0)
		page_budget -= 1L << order;
	pages_out += 1L << order;
	return p;
}

static void host_free_pages(void *p, unsigned int order)
{
	CHECK(((uintptr_t)p & ((PAGE_SIZE << order) - 1)) == 0);
	CHECK(nr_quarantined < MAX_QUARANTINE);
	memset(p, 0xdb, PAGE_SIZE << order);
	quarantine[nr_quarantined].p = p;
	quarantine[nr_quarantined++].order = order;
	pages_out -= 1L << order;
}

static const struct heap_ops host_ops = { host_alloc_pages, host_free_pages };

static void start(void)
{
	heap_init(&host_ops);
	pages_out = 0;
	page_budget = -1;
}

/* Everything must be back with the page provider; then really free it. */
static void finish(void)
{
	struct heap_stats st;

	heap_stats(&st);
	CHECK_EQ(st.live, 0);
	CHECK_EQ(st.live_bytes, 0);
	CHECK_EQ(st.pages, 0);
	CHECK_EQ(pages_out, 0);
	for (int i = 0; i < nr_quarantined; i++)
		free(quarantine[i].p);
	nr_quarantined = 0;
}

static uint64_t rng_state = 99;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void fill(unsigned char *p, size_t n, unsigned int tag)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(tag * 31 + i);
}

static int intact(const unsigned char *p, size_t n, unsigned int tag)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(tag * 31 + i))
			return 0;
	return 1;
}

/* Mostly small sizes, some around class edges, a few multi-page ones. */
static size_t random_size(void)
{
	switch (rng() % 8) {
	case 0:
		return 1 + rng() % 16;
	case 1:
		return (16u << (rng() % 8)) + (rng() % 3) - 1;
	case 2:
		return 2049 + rng() % 30000;
	default:
		return 1 + rng() % 2048;
	}
}

TEST(heap_random_sizes_contents_alignment)
{
	enum { SLOTS = 512 };
	static unsigned char *ptr[SLOTS];
	static size_t len[SLOTS];
	struct heap_stats st;
	long allocs = 0;

	start();
	for (int step = 0; step < 40000; step++) {
		int i = (int)(rng() % SLOTS);

		if (ptr[i]) {
			CHECK(intact(ptr[i], len[i], (unsigned int)i));
			CHECK_EQ(kfree(ptr[i]), 0);
			ptr[i] = NULL;
			continue;
		}
		len[i] = random_size();
		ptr[i] = kmalloc(len[i]);
		CHECK(ptr[i] != NULL);
		if (!ptr[i])
			break;
		allocs++;
		CHECK(ksize(ptr[i]) >= len[i]);
		CHECK_EQ((uintptr_t)ptr[i] % 16, 0);
		if (len[i] > 2048)
			CHECK_EQ((uintptr_t)ptr[i] % PAGE_SIZE, 0);
		else if (len[i] > 32)
			CHECK_EQ((uintptr_t)ptr[i] % 64 % len[i], 0);
		fill(ptr[i], len[i], (unsigned int)i);
	}
	heap_stats(&st);
	CHECK_EQ(st.allocs, allocs);
	CHECK_EQ(st.bad_frees, 0);
	CHECK(st.pages > 0);
	for (int i = 0; i < SLOTS; i++) {
		if (!ptr[i])
			continue;
		CHECK(intact(ptr[i], len[i], (unsigned int)i));
		CHECK_EQ(kfree(ptr[i]), 0);
		ptr[i] = NULL;
	}
	heap_stats(&st);
	CHECK_EQ(st.frees, allocs);
	finish();
}

TEST(heap_class_sizes)
{
	void *p;

	start();
	CHECK(kmalloc(0) == NULL);
	p = kmalloc(1);
	CHECK_EQ(ksize(p), 16);
	kfree(p);
	p = kmalloc(17);
	CHECK_EQ(ksize(p), 32);
	kfree(p);
	p = kmalloc(2048);
	CHECK_EQ(ksize(p), 2048);
	kfree(p);
	p = kmalloc(2049);
	CHECK_EQ(ksize(p), PAGE_SIZE);
	CHECK_EQ((uintptr_t)p % PAGE_SIZE, 0);
	kfree(p);
	p = kmalloc(PAGE_SIZE * 5);
	CHECK_EQ(ksize(p), PAGE_SIZE * 8);
	kfree(p);
	CHECK(kmalloc(SIZE_MAX) == NULL);
	CHECK_EQ(ksize(NULL), 0);
	finish();
}

TEST(heap_double_free_detected)
{
	struct heap_stats st;
	void *keep, *p, *big;

	start();
	/* keep holds the slab so p's header stays valid after its free. */
	keep = kmalloc(100);
	p = kmalloc(100);
	CHECK_EQ(kfree(p), 0);
	CHECK_EQ(kfree(p), -ENOENT);
	big = kmalloc(3 * PAGE_SIZE);
	CHECK_EQ(kfree(big), 0);
	CHECK(kfree(big) < 0);
	heap_stats(&st);
	CHECK_EQ(st.bad_frees, 2);
	CHECK_EQ(st.live, 1);
	/* keep is unharmed and a new object still comes out fine. */
	p = kmalloc(100);
	CHECK(p != NULL && p != keep);
	CHECK_EQ(kfree(p), 0);
	CHECK_EQ(kfree(keep), 0);
	/* The whole slab went back: freeing into it again is refused. */
	CHECK(kfree(keep) < 0);
	CHECK_EQ(kfree(NULL), 0);
	finish();
}

TEST(heap_foreign_pointers_refused)
{
	static _Alignas(16384) unsigned char area[32768];
	struct heap_stats st;
	unsigned char *p, *big;

	start();
	p = kmalloc(64);
	big = kmalloc(8 * PAGE_SIZE);
	CHECK_EQ(kfree(p + 1), -EFAULT);
	CHECK_EQ(kfree(p + 16), -EFAULT);
	CHECK_EQ(kfree(area + 300), -EFAULT);
	CHECK_EQ(kfree(area + 16384), -EFAULT);
	CHECK_EQ(kfree(big + 64), -EFAULT);
	CHECK_EQ(kfree(big + PAGE_SIZE), -EFAULT);
	CHECK_EQ(ksize(p + 1), 0);
	CHECK(krealloc(p + 1, 10) == NULL);
	heap_stats(&st);
	CHECK_EQ(st.bad_frees, 7);
	CHECK_EQ(st.live, 2);
	CHECK_EQ(kfree(p), 0);
	CHECK_EQ(kfree(big), 0);
	finish();
}

TEST(heap_kzalloc_zeroes)
{
	unsigned char *p, *q;
	void *keep;

	start();
	keep = kmalloc(200);
	p = kmalloc(200);
	memset(p, 0xaa, 200);
	kfree(p);
	q = kzalloc(200);
	CHECK(q == p); /* the same slot again: it was dirty */
	for (int i = 0; i < 200; i++)
		CHECK_EQ(q[i], 0);
	kfree(q);
	kfree(keep);
	finish();
}

TEST(heap_krealloc)
{
	unsigned char *p, *q;

	start();
	CHECK((p = krealloc(NULL, 10)) != NULL);
	fill(p, 10, 5);
	/* Within the class: the same block. */
	CHECK(krealloc(p, 16) == p);
	/* Growing through classes and into pages keeps the contents. */
	q = krealloc(p, 1000);
	CHECK(q != NULL && intact(q, 10, 5));
	fill(q, 1000, 6);
	p = krealloc(q, 50000);
	CHECK(p != NULL && intact(p, 1000, 6));
	CHECK(krealloc(p, 0) == NULL);
	/* Growing without memory fails and leaves the old block. */
	p = kmalloc(32);
	fill(p, 32, 7);
	page_budget = 0;
	CHECK(krealloc(p, 5000) == NULL);
	CHECK(intact(p, 32, 7));
	page_budget = -1;
	kfree(p);
	finish();
}

TEST(heap_out_of_pages)
{
	struct heap_stats st;
	void *p[8];

	start();
	page_budget = 4; /* one slab */
	p[0] = kmalloc(2048);
	CHECK(p[0] != NULL);
	CHECK(kmalloc(1024) == NULL); /* needs a second slab */
	CHECK(kmalloc(9000) == NULL);
	/* The same class still has room in its slab. */
	for (int i = 1; i < 7; i++) {
		p[i] = kmalloc(2000);
		CHECK(p[i] != NULL);
	}
	CHECK(kmalloc(2000) == NULL); /* 7 per 16 KiB slab */
	heap_stats(&st);
	CHECK_EQ(st.failed_allocs, 3);
	CHECK_EQ(st.slabs, 1);
	for (int i = 0; i < 7; i++)
		CHECK_EQ(kfree(p[i]), 0);
	finish();
}
