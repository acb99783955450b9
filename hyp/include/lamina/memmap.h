/* SPDX-License-Identifier: MIT */
/*
 * The machine memory map, built from firmware (E820 / multiboot) entries,
 * and the boot allocator that carves pages out of it before the buddy
 * allocator exists.
 *
 * Storage is a caller-provided array; nothing here allocates. Every
 * function that could need more entries than the array holds returns
 * -ENOSPC instead, and memmap_reserve() then leaves the map unchanged.
 */
#ifndef LAMINA_MEMMAP_H
#define LAMINA_MEMMAP_H

#include <stdbool.h>
#include <stdint.h>

/* Firmware types, numbered as in E820; any other value is kept as is. */
#define MEMMAP_RAM 1
#define MEMMAP_RESERVED 2
#define MEMMAP_ACPI 3 /* ACPI tables, reclaimable after parsing */
#define MEMMAP_NVS 4 /* ACPI NVS, must be preserved */
#define MEMMAP_UNUSABLE 5 /* bad memory */
/* RAM that Lamina took for itself; memmap_reserve() sets these. */
#define MEMMAP_HYPERVISOR 0x100 /* hypervisor image */
#define MEMMAP_MODULE 0x101 /* boot modules (kernel, initrd) */
#define MEMMAP_BOOTMEM 0x102 /* handed out by bootmem_alloc() */
#define MEMMAP_LOWMEM 0x103 /* first MiB, kept for firmware and BIOS */

struct memmap_range {
	uint64_t base, len;
	uint32_t type;
};

struct memmap {
	struct memmap_range *ranges;
	unsigned int nr, cap;
};

void memmap_init(struct memmap *m, struct memmap_range *storage,
		 unsigned int cap);

/*
 * Appends a firmware entry as is (call memmap_sanitize() after the last).
 * An entry that runs past 2^64 is cut there; an empty one is ignored.
 */
int memmap_add(struct memmap *m, uint64_t base, uint64_t len, uint32_t type);

/*
 * Sorts by base, resolves overlaps and merges touching ranges of one type.
 * Where ranges overlap the more restrictive type wins, in the order
 * RAM < ACPI < NVS < RESERVED (and Lamina's types) < unknown < UNUSABLE;
 * equal rank: the higher type number.
 */
int memmap_sanitize(struct memmap *m);

/*
 * On a sanitized map: the RAM inside [base, base + len) becomes type
 * (e.g. MEMMAP_MODULE); other types are left alone. All or nothing.
 */
int memmap_reserve(struct memmap *m, uint64_t base, uint64_t len,
		   uint32_t type);

/* Shrinks RAM ranges inward to whole pages, dropping those left empty. */
void memmap_align_ram(struct memmap *m);

/* Iterates RAM: pass NULL first, then the previous result. */
const struct memmap_range *memmap_next_ram(const struct memmap *m,
					   const struct memmap_range *prev);

uint64_t memmap_total(const struct memmap *m, uint32_t type);
uint64_t memmap_total_ram(const struct memmap *m);
const char *memmap_type_name(uint32_t type);

#define BOOTMEM_FAILED UINT64_MAX

/*
 * Takes pages * PAGE_SIZE bytes of RAM, aligned to align bytes (a power of
 * two; 0 means a page), ending at or below limit, from the highest place
 * that fits, and marks them MEMMAP_BOOTMEM so the buddy allocator never
 * receives them. Returns the physical address or BOOTMEM_FAILED.
 *
 * Highest first because low memory is the scarce kind (below 16 MiB and
 * 4 GiB for legacy and 32-bit DMA devices); limit is what the early page
 * tables map, so the result can be used at once.
 */
uint64_t bootmem_alloc(struct memmap *m, uint64_t pages, uint64_t align,
		       uint64_t limit);

#endif
