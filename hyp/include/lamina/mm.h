/* SPDX-License-Identifier: MIT */
/*
 * Machine memory: the memory map, the boot allocator, the frame table and
 * the page allocator (buddy) with the heap on top.
 */
#ifndef LAMINA_MM_H
#define LAMINA_MM_H

#include <stdint.h>
#include <lamina/frame.h>
#include <lamina/memmap.h>

extern struct memmap machine_memmap;
extern struct frame *frame_table;
extern uint64_t max_frame; /* frames 0 .. max_frame-1 have entries */

/* Build the memory map from boot_info and protect image and modules. */
void mm_boot_init(void);
/* Frame table, page allocator and heap; needs the final page tables. */
void mm_init(void);

/* A page for page tables: bootmem before mm_init, buddy after. 0 if none. */
uint64_t alloc_pt_page(void);

/* Whole pages for the hypervisor's own use (direct-mapped). */
void *alloc_hyp_pages(unsigned int order);
void free_hyp_pages(void *p, unsigned int order);
/*
 * 2^order machine-contiguous frames ending below max_pfn, each freed on
 * its own (free_hyp_pages(.., 0)); for DMA-able exchanges. NULL if none.
 */
void *alloc_frames_below(unsigned int order, uint64_t max_pfn);
uint64_t free_frames(void);

#endif
