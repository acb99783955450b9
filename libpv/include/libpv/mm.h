/* SPDX-License-Identifier: MIT */
/*
 * Frames and page tables of a PV guest. The guest sees machine frame
 * numbers (mfn) in its page tables and keeps its own pseudo-physical
 * numbering (pfn): start_info.mfn_list maps pfn -> mfn, the read-only M2P
 * at MACH2PHYS_VIRT_START maps mfn -> pfn. The initial mapping puts pfn N at
 * LIBPV_VIRT_BASE + N * 4096.
 */
#ifndef LIBPV_MM_H
#define LIBPV_MM_H

#include <stdbool.h>
#include <stdint.h>
#include <libpv/libpv.h>

#define _PAGE_PRESENT 0x001UL
#define _PAGE_RW 0x002UL
#define _PAGE_USER 0x004UL
#define _PAGE_PWT 0x008UL
#define _PAGE_PCD 0x010UL
#define _PAGE_ACCESSED 0x020UL
#define _PAGE_DIRTY 0x040UL
#define _PAGE_PSE 0x080UL
#define _PAGE_GLOBAL 0x100UL
#define _PAGE_NX (1UL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000UL

#define PT_ENTRIES 512
#define L4_SLOT(va) (((va) >> 39) & 511)
#define L3_SLOT(va) (((va) >> 30) & 511)
#define L2_SLOT(va) (((va) >> 21) & 511)
#define L1_SLOT(va) (((va) >> 12) & 511)

typedef uint64_t pte_t;

static inline const unsigned long *m2p(void)
{
	return (const unsigned long *)MACH2PHYS_VIRT_START;
}

unsigned long pfn_to_mfn(unsigned long pfn);
unsigned long mfn_to_pfn(unsigned long mfn);
/* Valid only inside the initial mapping. */
void *pfn_to_virt(unsigned long pfn);
unsigned long virt_to_pfn(const void *va);
unsigned long virt_to_mfn(const void *va);
void *mfn_to_virt(unsigned long mfn);
static inline uint64_t virt_to_machine(const void *va)
{
	return ((uint64_t)virt_to_mfn(va) << PAGE_SHIFT) |
	       ((unsigned long)va & (PAGE_SIZE - 1));
}

/* The kernel L4 in use (its virtual address). */
extern pte_t *current_l4;

/*
 * The PTE that maps va at level (1 = L1 ... 4 = L4), read through the
 * initial mapping. Returns NULL if a table on the way is missing or lies
 * outside the initial mapping. *ma gets the PTE's machine address.
 */
pte_t *pt_lookup(unsigned long va, int level, uint64_t *ma);
/* The L1 PTE value for va, or 0. */
pte_t pt_get_pte(unsigned long va);

/* Page allocator over the free pages at the end of the initial mapping. */
void mm_init(void);
void *page_alloc(void);
unsigned long pages_free(void);

/* Map va read-only or writable (update_va_mapping of its own frame). */
long page_set_writable(void *va, bool writable);
long mmu_update_one(uint64_t ptr, uint64_t val);
long mmuext_one(unsigned int cmd, unsigned long arg1);

#endif
