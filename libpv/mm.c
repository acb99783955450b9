// SPDX-License-Identifier: MIT
/*
 * pfn/mfn translation, page-table walks through the initial mapping, and
 * a page allocator over the padding the ABI guarantees after the boot
 * stack (at least 512 KiB of mapped, unused pages).
 */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>

pte_t *current_l4;

static unsigned long free_next, free_end;

unsigned long pfn_to_mfn(unsigned long pfn)
{
	return ((const unsigned long *)start_info->mfn_list)[pfn];
}

unsigned long mfn_to_pfn(unsigned long mfn)
{
	return m2p()[mfn];
}

void *pfn_to_virt(unsigned long pfn)
{
	return (void *)(LIBPV_VIRT_BASE + (pfn << PAGE_SHIFT));
}

unsigned long virt_to_pfn(const void *va)
{
	return ((unsigned long)va - LIBPV_VIRT_BASE) >> PAGE_SHIFT;
}

unsigned long virt_to_mfn(const void *va)
{
	return pfn_to_mfn(virt_to_pfn(va));
}

void *mfn_to_virt(unsigned long mfn)
{
	return pfn_to_virt(mfn_to_pfn(mfn));
}

/* A table's VA, if its frame is ours and inside the initial mapping. */
static pte_t *table_virt(pte_t entry)
{
	unsigned long mfn = (entry & PTE_ADDR_MASK) >> PAGE_SHIFT;
	unsigned long pfn = mfn_to_pfn(mfn);

	if (pfn >= start_info->nr_pages || pfn_to_mfn(pfn) != mfn)
		return NULL;
	return pfn_to_virt(pfn);
}

pte_t *pt_lookup(unsigned long va, int level, uint64_t *ma)
{
	pte_t *table = current_l4;
	unsigned int shift = 39;

	for (int l = 4;; l--, shift -= 9) {
		unsigned int slot = (va >> shift) & 511;

		if (l == level) {
			if (ma)
				*ma = virt_to_machine(&table[slot]);
			return &table[slot];
		}
		if (!(table[slot] & _PAGE_PRESENT) || (table[slot] & _PAGE_PSE))
			return NULL;
		table = table_virt(table[slot]);
		if (!table)
			return NULL;
	}
}

pte_t pt_get_pte(unsigned long va)
{
	pte_t *p = pt_lookup(va, 1, NULL);

	return p ? *p : 0;
}

void mm_init(void)
{
	/* The boot stack ends at the entry rsp; the padding follows. */
	free_next = (boot.entry_rsp + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	free_end = free_next + (512UL << 10);
}

void *page_alloc(void)
{
	void *p;

	if (free_next >= free_end)
		test_fatal("page_alloc: out of pages");
	p = (void *)free_next;
	free_next += PAGE_SIZE;
	memset(p, 0, PAGE_SIZE);
	return p;
}

unsigned long pages_free(void)
{
	return (free_end - free_next) >> PAGE_SHIFT;
}

long page_set_writable(void *va, bool writable)
{
	uint64_t pte = ((uint64_t)virt_to_mfn(va) << PAGE_SHIFT) |
		       _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY;

	if (writable)
		pte |= _PAGE_RW;
	return hyp_update_va_mapping((unsigned long)va, pte, UVMF_INVLPG);
}

long mmu_update_one(uint64_t ptr, uint64_t val)
{
	struct mmu_update u = { .ptr = ptr, .val = val };

	return hyp_mmu_update(&u, 1, NULL, DOMID_SELF);
}

long mmuext_one(unsigned int cmd, unsigned long arg1)
{
	struct mmuext_op op = { .cmd = cmd, .arg1.mfn = arg1 };

	return hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
}
