/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor heap: slabs of size classes 16 to 2048 bytes, and whole
 * pages for larger requests. Pages come from the caller's ops, so the same
 * code runs on the buddy allocator or, in host tests, on aligned_alloc.
 *
 * Results are aligned to their size class up to 64 bytes (16 at least);
 * large ones to a page. kmalloc(0) returns NULL.
 */
#ifndef LAMINA_HEAP_H
#define LAMINA_HEAP_H

#include <stddef.h>
#include <stdint.h>

struct heap_ops {
	/* 2^order pages aligned to their size, or NULL. */
	void *(*alloc_pages)(unsigned int order);
	void (*free_pages)(void *p, unsigned int order);
};

struct heap_stats {
	uint64_t pages; /* pages held from ops now */
	uint64_t slabs; /* slabs among them */
	uint64_t live; /* allocations not yet freed */
	uint64_t live_bytes; /* their size, rounded up to class or pages */
	uint64_t allocs, frees; /* successful calls since heap_init */
	uint64_t failed_allocs; /* out of memory (or size too big) */
	uint64_t bad_frees; /* double frees and foreign pointers refused */
};

/* Starts an empty heap; earlier allocations are forgotten. */
void heap_init(const struct heap_ops *ops);

void *kmalloc(size_t size);
void *kzalloc(size_t size);

/*
 * 0, or -ENOENT for a pointer that is not allocated now (double free) or
 * -EFAULT for one the heap never returned; both are counted in bad_frees
 * and change nothing. kfree(NULL) is 0. Foreign pointer checks read the
 * 16 KiB-aligned block around ptr, so it must be mapped memory.
 */
int kfree(void *ptr);

/*
 * Resizes, keeping contents up to the smaller size; NULL on failure with
 * ptr left intact. krealloc(NULL, n) is kmalloc(n); krealloc(p, 0) frees p.
 */
void *krealloc(void *ptr, size_t size);

/* Usable bytes of a live allocation, 0 if ptr is not one. */
size_t ksize(const void *ptr);

void heap_stats(struct heap_stats *out);

#endif
