// SPDX-License-Identifier: MIT
/*
 * The hypervisor's own page tables: the image mapped W^X in slot 260, a
 * direct map of machine memory from slot 262, and an uncached window for
 * device registers. Built once at boot, replacing the tables in head.S.
 */
#include <stdint.h>
#include <lamina/bootinfo.h>
#include <lamina/mm.h>
#include <lamina/panic.h>
#include <lamina/printk.h>
#include <lamina/string.h>
#include <asm/cpu.h>
#include <asm/page.h>

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __bss_end[];

static pte_t *idle_l4;
static uint64_t nx_bit;
static uint64_t directmap_bytes;
static unsigned long ioremap_next = IOREMAP_START;

/*
 * Intermediate entries allow user access; only leaves decide it, and only
 * the guest-readable M2P has user leaves among the hypervisor's mappings.
 */
#define TABLE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)

static uint64_t leaf_flags(enum map_kind kind)
{
	switch (kind) {
	case MAP_RW:
		return _PAGE_PRESENT | _PAGE_RW | nx_bit;
	case MAP_RO:
		return _PAGE_PRESENT | nx_bit;
	case MAP_RX:
		return _PAGE_PRESENT;
	case MAP_MMIO:
		return _PAGE_PRESENT | _PAGE_RW | _PAGE_PCD | _PAGE_PWT |
		       nx_bit;
	case MAP_GUEST_RO:
		return _PAGE_PRESENT | _PAGE_USER | nx_bit;
	}
	return 0;
}

static pte_t *table_of(pte_t e)
{
	return maddr_to_virt(e & PTE_ADDR_MASK);
}

static pte_t *new_table(void)
{
	uint64_t ma = alloc_pt_page();

	if (!ma)
		panic("out of memory for hypervisor page tables");
	memset(maddr_to_virt(ma), 0, PAGE_SIZE);
	return maddr_to_virt(ma);
}

/* The table one level below *e, created (or split from a 2M page). */
static pte_t *next_level(pte_t *e, int splitting_large)
{
	pte_t *t;

	if (*e & _PAGE_PRESENT) {
		if (!(*e & _PAGE_PSE))
			return table_of(*e);
		BUG_ON(!splitting_large);
		/* Split a 2 MiB page into 512 4 KiB entries of the same kind. */
		t = new_table();
		for (int i = 0; i < PT_ENTRIES; i++)
			t[i] = (*e & ~_PAGE_PSE) + ((uint64_t)i << L1_SHIFT);
		*e = virt_to_maddr(t) | TABLE_FLAGS;
		return t;
	}
	t = new_table();
	*e = virt_to_maddr(t) | TABLE_FLAGS;
	return t;
}

int map_pages(unsigned long va, uint64_t ma, unsigned long nr,
	      enum map_kind kind)
{
	uint64_t flags = leaf_flags(kind);

	if ((va | ma) & (PAGE_SIZE - 1))
		return -1;
	while (nr) {
		pte_t *l3 = next_level(&idle_l4[pt_index(va, L4_SHIFT)], 0);
		pte_t *l2 = next_level(&l3[pt_index(va, L3_SHIFT)], 0);
		pte_t *l2e = &l2[pt_index(va, L2_SHIFT)];
		unsigned long step = 1;

		if (!((va | ma) & (L2_PAGE_SIZE - 1)) && nr >= PT_ENTRIES &&
		    kind != MAP_MMIO &&
		    (!(*l2e & _PAGE_PRESENT) || (*l2e & _PAGE_PSE))) {
			*l2e = ma | flags | _PAGE_PSE;
			step = PT_ENTRIES;
		} else {
			pte_t *l1 = next_level(l2e, 1);

			l1[pt_index(va, L1_SHIFT)] = ma | flags;
		}
		if (read_cr3() == virt_to_maddr(idle_l4))
			for (unsigned long i = 0; i < step; i++)
				invlpg(va + i * PAGE_SIZE);
		va += step * PAGE_SIZE;
		ma += step * PAGE_SIZE;
		nr -= step;
	}
	return 0;
}

void *map_phys(uint64_t ma, unsigned long size, enum map_kind kind)
{
	uint64_t first = ma & ~(PAGE_SIZE - 1);
	unsigned long nr, va = ioremap_next;

	if (!size || size > IOREMAP_END - IOREMAP_START)
		return NULL;
	nr = (ma + size - first + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (va + nr * PAGE_SIZE > IOREMAP_END)
		return NULL;
	ioremap_next += (nr + 1) * PAGE_SIZE; /* one guard page between */
	map_pages(va, first, nr, kind);
	return (void *)(va + (ma - first));
}

static void map_image_part(char *start, char *end, enum map_kind kind)
{
	unsigned long va = (unsigned long)start;
	unsigned long nr = ((unsigned long)end - va) >> PAGE_SHIFT;
	uint64_t ma = virt_to_maddr(start);

	map_pages(va, ma, nr, kind);
	/* The direct-map alias of code and constants is read-only too. */
	if (kind != MAP_RW)
		map_pages(DIRECTMAP_START + ma, ma, nr, MAP_RO);
}

static int directmap_type(uint32_t type)
{
	return type == BOOT_MEM_RAM || type == BOOT_MEM_ACPI ||
	       type == BOOT_MEM_NVS;
}

static void map_directmap(void)
{
	/* The first MiB (BIOS data, EBDA, option ROMs) is read by ACPI. */
	map_pages(DIRECTMAP_START, 0, 256, MAP_RW);
	for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
		const struct boot_mem_range *r = &boot_info.mem[i];
		uint64_t start = r->base & ~(PAGE_SIZE - 1);
		uint64_t end = (r->base + r->len + PAGE_SIZE - 1) &
			       ~(PAGE_SIZE - 1);

		if (!directmap_type(r->type) || end <= start)
			continue;
		if (end > DIRECTMAP_END - DIRECTMAP_START)
			end = DIRECTMAP_END - DIRECTMAP_START;
		if (start < (1 << 20))
			start = 1 << 20;
		if (end <= start)
			continue;
		map_pages(DIRECTMAP_START + start, start,
			  (end - start) >> PAGE_SHIFT, MAP_RW);
		directmap_bytes += end - start;
	}
}

void paging_init(void)
{
	nx_bit = cpu_has_nx() ? _PAGE_NX : 0;
	idle_l4 = new_table();
	/* Every hypervisor slot gets its L3 now: guest L4s copy these
	 * entries once, so later mappings must not need new L4 entries. */
	for (int i = HYP_FIRST_L4_SLOT; i <= HYP_LAST_L4_SLOT; i++)
		next_level(&idle_l4[i], 0);
	map_directmap();
	map_image_part(__text_start, __text_end, MAP_RX);
	map_image_part(__rodata_start, __rodata_end, MAP_RO);
	map_image_part(__data_start, __bss_end, MAP_RW);
	write_cr0(read_cr0() | CR0_WP);
	write_cr3(virt_to_maddr(idle_l4));
	pr_info("Paging: image W^X in slot %d, direct map %lu MiB at %#lx%s\n",
		(int)pt_index(HYP_IMAGE_OFFSET, L4_SHIFT),
		(unsigned long)(directmap_bytes >> 20), DIRECTMAP_START,
		nx_bit ? "" : " (no NX on this CPU)");
}

uint64_t paging_directmap_bytes(void)
{
	return directmap_bytes;
}

uint64_t idle_page_table(void)
{
	return virt_to_maddr(idle_l4);
}
