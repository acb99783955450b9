// SPDX-License-Identifier: MIT
/*
 * Bringing machine memory under management: the firmware map, sanitized
 * and with the image, modules and first MiB reserved; a boot allocator
 * for page tables and the frame table; then the buddy allocator over all
 * remaining RAM, and the heap on top of it.
 */
#include <stdint.h>
#include <lamina/bootinfo.h>
#include <lamina/buddy.h>
#include <lamina/heap.h>
#include <lamina/mm.h>
#include <lamina/panic.h>
#include <lamina/printk.h>
#include <lamina/spinlock.h>
#include <lamina/string.h>
#include <asm/page.h>

#define MEMMAP_CAPACITY (BOOT_MAX_MEM_RANGES + 2 * BOOT_MAX_MODULES + 16)
/* The early page tables (head.S) map the first 4 GiB. */
#define EARLY_MAP_LIMIT (4ULL << 30)

extern char __bss_end[];

struct memmap machine_memmap;
struct frame *frame_table;
uint64_t max_frame;

static struct memmap_range memmap_storage[MEMMAP_CAPACITY];
static uint64_t firmware_ram_bytes, firmware_ram_top;
static struct buddy buddy;
static int buddy_ready;
static spinlock_t buddy_lock = SPINLOCK_INIT;

static void reserve(uint64_t base, uint64_t len, uint32_t type)
{
	if (memmap_reserve(&machine_memmap, base, len, type))
		panic("memory map: cannot reserve %#lx+%#lx", (unsigned long)base,
		      (unsigned long)len);
}

void mm_boot_init(void)
{
	uint64_t image_start = HYP_PHYS_BASE;
	uint64_t image_end = virt_to_maddr(__bss_end);
	const struct memmap_range *r = NULL;

	memmap_init(&machine_memmap, memmap_storage, MEMMAP_CAPACITY);
	for (unsigned int i = 0; i < boot_info.nr_mem; i++)
		if (memmap_add(&machine_memmap, boot_info.mem[i].base,
			       boot_info.mem[i].len, boot_info.mem[i].type))
			panic("memory map: too many ranges");
	if (memmap_sanitize(&machine_memmap))
		panic("memory map: cannot sanitize");
	memmap_align_ram(&machine_memmap);
	firmware_ram_bytes = memmap_total_ram(&machine_memmap);
	while ((r = memmap_next_ram(&machine_memmap, r)))
		if (r->base + r->len > firmware_ram_top)
			firmware_ram_top = r->base + r->len;
	reserve(0, 1 << 20, MEMMAP_LOWMEM);
	reserve(image_start, image_end - image_start, MEMMAP_HYPERVISOR);
	for (unsigned int i = 0; i < boot_info.nr_modules; i++) {
		const struct boot_module *m = &boot_info.modules[i];

		reserve(m->start & ~(PAGE_SIZE - 1),
			((m->end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) -
				(m->start & ~(PAGE_SIZE - 1)),
			MEMMAP_MODULE);
	}
}

static void *buddy_pages(unsigned int order)
{
	unsigned long flags;
	int64_t pfn;

	spin_lock_irqsave(&buddy_lock, flags);
	pfn = buddy_alloc(&buddy, order);
	spin_unlock_irqrestore(&buddy_lock, flags);
	if (pfn == BUDDY_NO_FRAME)
		return NULL;
	return maddr_to_virt((uint64_t)pfn << PAGE_SHIFT);
}

static void buddy_return(void *p, unsigned int order)
{
	unsigned long flags;
	int rc;

	spin_lock_irqsave(&buddy_lock, flags);
	rc = buddy_free(&buddy, virt_to_maddr(p) >> PAGE_SHIFT, order);
	spin_unlock_irqrestore(&buddy_lock, flags);
	BUG_ON(rc);
}

uint64_t alloc_pt_page(void)
{
	uint64_t ma;

	if (buddy_ready) {
		void *p = buddy_pages(0);

		return p ? virt_to_maddr(p) : 0;
	}
	ma = bootmem_alloc(&machine_memmap, 1, 0, EARLY_MAP_LIMIT);
	return ma == BOOTMEM_FAILED ? 0 : ma;
}

void *alloc_hyp_pages(unsigned int order)
{
	return buddy_pages(order);
}

void *alloc_frames_below(unsigned int order, uint64_t max_pfn)
{
	unsigned long flags;
	int64_t pfn;

	spin_lock_irqsave(&buddy_lock, flags);
	pfn = buddy_alloc_below(&buddy, order, max_pfn);
	if (pfn != BUDDY_NO_FRAME)
		BUG_ON(buddy_split(&buddy, pfn, order));
	spin_unlock_irqrestore(&buddy_lock, flags);
	if (pfn == BUDDY_NO_FRAME)
		return NULL;
	return maddr_to_virt((uint64_t)pfn << PAGE_SHIFT);
}

void free_hyp_pages(void *p, unsigned int order)
{
	buddy_return(p, order);
}

uint64_t free_frames(void)
{
	return buddy_free_frames(&buddy);
}

static const struct heap_ops hyp_heap_ops = {
	.alloc_pages = buddy_pages,
	.free_pages = buddy_return,
};

static void print_memmap(void)
{
	for (unsigned int i = 0; i < machine_memmap.nr; i++) {
		const struct memmap_range *r = &machine_memmap.ranges[i];

		pr_info(" %016lx - %016lx  %s\n", (unsigned long)r->base,
			(unsigned long)(r->base + r->len),
			memmap_type_name(r->type));
	}
}

void mm_init(void)
{
	const struct memmap_range *r = NULL;
	uint64_t table_bytes, table_ma, top = firmware_ram_top;

	/* Every RAM frame gets an entry, the reserved and boot ones too. */
	max_frame = top >> PAGE_SHIFT;
	if (max_frame >= FRAME_NONE)
		max_frame = FRAME_NONE - 1;

	/* The frame table is direct-mapped: one contiguous bootmem block. */
	table_bytes = max_frame * sizeof(struct frame);
	table_ma = bootmem_alloc(&machine_memmap,
				 (table_bytes + PAGE_SIZE - 1) >> PAGE_SHIFT, 0,
				 top);
	if (table_ma == BOOTMEM_FAILED)
		panic("no memory for the frame table (%lu KiB)",
		      (unsigned long)(table_bytes >> 10));
	frame_table = maddr_to_virt(table_ma);
	buddy_init(&buddy, frame_table, max_frame);

	/* Everything still RAM in the map now goes to the buddy. */
	r = NULL;
	while ((r = memmap_next_ram(&machine_memmap, r)))
		if (buddy_add_range(&buddy, r->base >> PAGE_SHIFT,
				    r->len >> PAGE_SHIFT))
			panic("buddy: cannot add %#lx+%#lx",
			      (unsigned long)r->base, (unsigned long)r->len);
	buddy_ready = 1;
	heap_init(&hyp_heap_ops);

	pr_info("Memory map (sanitized, with Lamina's reservations):\n");
	print_memmap();
	pr_info("Memory: %lu KiB RAM (%lu MiB), %lu KiB free, frame table %lu KiB for %lu frames\n",
		(unsigned long)(firmware_ram_bytes >> 10),
		(unsigned long)(firmware_ram_bytes >> 20),
		(unsigned long)(buddy_free_frames(&buddy) << (PAGE_SHIFT - 10)),
		(unsigned long)(table_bytes >> 10), (unsigned long)max_frame);
}
