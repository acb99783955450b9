/* SPDX-License-Identifier: MIT */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <stdint.h>
#include <asm/layout.h>
#include <lamina/frame.h>

#define _PAGE_PRESENT (1UL << 0)
#define _PAGE_RW (1UL << 1)
#define _PAGE_USER (1UL << 2)
#define _PAGE_PWT (1UL << 3)
#define _PAGE_PCD (1UL << 4)
#define _PAGE_ACCESSED (1UL << 5)
#define _PAGE_DIRTY (1UL << 6)
#define _PAGE_PSE (1UL << 7)
#define _PAGE_GLOBAL (1UL << 8)
#define _PAGE_NX (1UL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000UL

#define L1_SHIFT 12
#define L2_SHIFT 21
#define L3_SHIFT 30
#define L4_SHIFT 39
#define PT_ENTRIES 512
#define L2_PAGE_SIZE (1UL << L2_SHIFT)

#define pt_index(va, shift) (((va) >> (shift)) & (PT_ENTRIES - 1))

typedef uint64_t pte_t;

/* Machine address of a direct-mapped pointer, and back. */
static inline void *maddr_to_virt(uint64_t ma)
{
	return (void *)(DIRECTMAP_START + ma);
}

static inline uint64_t virt_to_maddr(const void *va)
{
	uint64_t v = (uint64_t)va;

	if (v >= HYP_IMAGE_OFFSET && v < HYP_IMAGE_OFFSET + (1UL << 39))
		return v - HYP_IMAGE_OFFSET;
	return v - DIRECTMAP_START;
}

/* Mapping attributes callers ask for. */
enum map_kind {
	MAP_RW, /* data: writable, not executable */
	MAP_RO, /* read-only data */
	MAP_RX, /* code */
	MAP_MMIO, /* device registers: uncached, writable, not executable */
	MAP_GUEST_RO, /* readable by guests too (the M2P): user, read-only */
};

void paging_init(void);
int map_pages(unsigned long va, uint64_t ma, unsigned long nr,
	      enum map_kind kind);
/* Map machine addresses outside the direct map (devices, firmware). */
void *map_phys(uint64_t ma, unsigned long size, enum map_kind kind);
static inline void *ioremap(uint64_t ma, unsigned long size)
{
	return map_phys(ma, size, MAP_MMIO);
}
uint64_t paging_directmap_bytes(void);
uint64_t idle_page_table(void);

#endif
