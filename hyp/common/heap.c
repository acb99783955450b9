// SPDX-License-Identifier: MIT
/*
 * The hypervisor heap.
 *
 * A slab is SLAB_BYTES of pages, aligned to that size, with a header at its
 * start: so the header of any object is found by rounding its address
 * down. An allocation bitmap in the header makes double frees exact to
 * detect. Large allocations are whole pages, recorded in a small hash table
 * (whose records come from the 32-byte slabs) so kfree can tell them apart.
 */
#include <stdbool.h>

#include <lamina/errno.h>
#include <lamina/frame.h>
#include <lamina/heap.h>
#include <lamina/string.h>

#define SLAB_ORDER 2
#define SLAB_BYTES (PAGE_SIZE << SLAB_ORDER)
#define SLAB_HEADER 192 /* sizeof(struct slab), rounded up to 64 */
#define MIN_CLASS_SHIFT 4 /* 16 bytes */
#define NR_CLASSES 8 /* 16 .. 2048 */
#define MAX_OBJS ((SLAB_BYTES - SLAB_HEADER) >> MIN_CLASS_SHIFT)
#define BITMAP_WORDS ((MAX_OBJS + 63) / 64)
#define SLAB_MAGIC 0x4c616d696e61536cULL
#define LARGE_BUCKETS 64
#define MAX_LARGE_ORDER 30

struct slab {
	uint64_t magic; /* SLAB_MAGIC ^ own address */
	struct slab *next, *prev; /* partial list of its class */
	uint16_t cls, inuse, nr_objs;
	uint64_t used[BITMAP_WORDS]; /* bit set: object allocated */
};

_Static_assert(sizeof(struct slab) <= SLAB_HEADER, "slab header too big");

struct large {
	void *ptr;
	struct large *next;
	unsigned int order;
};

static struct {
	const struct heap_ops *ops;
	struct slab *partial[NR_CLASSES]; /* slabs with a free object */
	struct large *large[LARGE_BUCKETS];
	struct heap_stats stats;
} heap;

static size_t class_size(unsigned int cls)
{
	return (size_t)1 << (cls + MIN_CLASS_SHIFT);
}

void heap_init(const struct heap_ops *ops)
{
	memset(&heap, 0, sizeof(heap));
	heap.ops = ops;
}

static void partial_add(struct slab *s)
{
	s->prev = NULL;
	s->next = heap.partial[s->cls];
	if (s->next)
		s->next->prev = s;
	heap.partial[s->cls] = s;
}

static void partial_remove(struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		heap.partial[s->cls] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

static struct slab *slab_create(unsigned int cls)
{
	struct slab *s = heap.ops->alloc_pages(SLAB_ORDER);
	unsigned int n;

	if (!s)
		return NULL;
	n = (unsigned int)((SLAB_BYTES - SLAB_HEADER) / class_size(cls));
	memset(s, 0, sizeof(*s));
	s->magic = SLAB_MAGIC ^ (uintptr_t)s;
	s->cls = (uint16_t)cls;
	s->nr_objs = (uint16_t)n;
	/* Bits past the last object read as allocated, so never handed out. */
	for (unsigned int i = n; i < BITMAP_WORDS * 64; i++)
		s->used[i / 64] |= 1ULL << (i % 64);
	partial_add(s);
	heap.stats.pages += 1u << SLAB_ORDER;
	heap.stats.slabs++;
	return s;
}

static void slab_destroy(struct slab *s)
{
	partial_remove(s);
	s->magic = 0;
	heap.ops->free_pages(s, SLAB_ORDER);
	heap.stats.pages -= 1u << SLAB_ORDER;
	heap.stats.slabs--;
}

static void *slab_alloc(unsigned int cls)
{
	struct slab *s = heap.partial[cls];
	unsigned int w = 0, bit;

	if (!s)
		s = slab_create(cls);
	if (!s)
		return NULL;
	while (s->used[w] == UINT64_MAX)
		w++;
	bit = (unsigned int)__builtin_ctzll(~s->used[w]);
	s->used[w] |= 1ULL << bit;
	if (++s->inuse == s->nr_objs)
		partial_remove(s);
	heap.stats.live_bytes += class_size(cls);
	return (char *)s + SLAB_HEADER + (w * 64 + bit) * class_size(cls);
}

/* The slab holding ptr and the object's index, or an error. */
static int slab_lookup(const void *ptr, struct slab **out, unsigned int *idx)
{
	uintptr_t base = (uintptr_t)ptr & ~(uintptr_t)(SLAB_BYTES - 1);
	uintptr_t off = (uintptr_t)ptr - base;
	struct slab *s = (struct slab *)base;
	size_t size;

	if (!base || s->magic != (SLAB_MAGIC ^ base) || s->cls >= NR_CLASSES)
		return -EFAULT;
	size = class_size(s->cls);
	if (off < SLAB_HEADER || (off - SLAB_HEADER) % size)
		return -EFAULT;
	*idx = (unsigned int)((off - SLAB_HEADER) / size);
	if (*idx >= s->nr_objs)
		return -EFAULT;
	if (!(s->used[*idx / 64] & (1ULL << (*idx % 64))))
		return -ENOENT;
	*out = s;
	return 0;
}

static void slab_free(struct slab *s, unsigned int idx)
{
	s->used[idx / 64] &= ~(1ULL << (idx % 64));
	if (s->inuse-- == s->nr_objs)
		partial_add(s);
	heap.stats.live_bytes -= class_size(s->cls);
	if (!s->inuse)
		slab_destroy(s);
}

/* Frees a heap-internal object, known to be valid. */
static void slab_release(void *ptr)
{
	struct slab *s;
	unsigned int idx;

	if (!slab_lookup(ptr, &s, &idx))
		slab_free(s, idx);
}

static struct large **large_bucket(const void *ptr)
{
	return &heap.large[((uintptr_t)ptr >> PAGE_SHIFT) % LARGE_BUCKETS];
}

/* The link pointing at ptr's record, or NULL. */
static struct large **large_find(const void *ptr)
{
	struct large **l = large_bucket(ptr);

	if ((uintptr_t)ptr & (PAGE_SIZE - 1))
		return NULL;
	for (; *l; l = &(*l)->next)
		if ((*l)->ptr == ptr)
			return l;
	return NULL;
}

static void *large_alloc(size_t size)
{
	unsigned int order = 0;
	struct large *rec;
	void *p;

	while (order <= MAX_LARGE_ORDER && (PAGE_SIZE << order) < size)
		order++;
	if (order > MAX_LARGE_ORDER)
		return NULL;
	rec = slab_alloc(1); /* 32 bytes: the record */
	if (!rec)
		return NULL;
	p = heap.ops->alloc_pages(order);
	if (!p) {
		slab_release(rec);
		return NULL;
	}
	*rec = (struct large){ .ptr = p, .order = order };
	rec->next = *large_bucket(p);
	*large_bucket(p) = rec;
	heap.stats.pages += 1ULL << order;
	heap.stats.live_bytes += PAGE_SIZE << order;
	return p;
}

static void large_free(struct large **link)
{
	struct large *rec = *link;

	*link = rec->next;
	heap.ops->free_pages(rec->ptr, rec->order);
	heap.stats.pages -= 1ULL << rec->order;
	heap.stats.live_bytes -= PAGE_SIZE << rec->order;
	slab_release(rec);
}

void *kmalloc(size_t size)
{
	unsigned int cls = 0;
	void *p;

	if (!size)
		return NULL;
	while (cls < NR_CLASSES && class_size(cls) < size)
		cls++;
	p = cls < NR_CLASSES ? slab_alloc(cls) : large_alloc(size);
	if (!p) {
		heap.stats.failed_allocs++;
		return NULL;
	}
	heap.stats.allocs++;
	heap.stats.live++;
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

int kfree(void *ptr)
{
	struct large **link;
	struct slab *s;
	unsigned int idx;
	int rc;

	if (!ptr)
		return 0;
	link = large_find(ptr);
	if (link) {
		large_free(link);
	} else {
		rc = slab_lookup(ptr, &s, &idx);
		if (rc) {
			heap.stats.bad_frees++;
			return rc;
		}
		slab_free(s, idx);
	}
	heap.stats.frees++;
	heap.stats.live--;
	return 0;
}

size_t ksize(const void *ptr)
{
	struct large **link;
	struct slab *s;
	unsigned int idx;

	if (!ptr)
		return 0;
	link = large_find(ptr);
	if (link)
		return PAGE_SIZE << (*link)->order;
	if (slab_lookup(ptr, &s, &idx))
		return 0;
	return class_size(s->cls);
}

void *krealloc(void *ptr, size_t size)
{
	size_t old;
	void *p;

	if (!ptr)
		return kmalloc(size);
	old = ksize(ptr);
	if (!old) {
		heap.stats.bad_frees++;
		return NULL;
	}
	if (!size) {
		kfree(ptr);
		return NULL;
	}
	if (size <= old)
		return ptr;
	p = kmalloc(size);
	if (!p)
		return NULL;
	memcpy(p, ptr, old);
	kfree(ptr);
	return p;
}

void heap_stats(struct heap_stats *out)
{
	*out = heap.stats;
}
