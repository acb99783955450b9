// SPDX-License-Identifier: MIT
/*
 * mmu: mmu_update (normal updates, MMU_MACHPHYS_UPDATE), update_va_mapping
 * and its flush flags, mmuext_op (pin/unpin L1-L4, invlpg, TLB flushes,
 * new_baseptr), writable-pagetable emulation, and memory_op (memory_map,
 * reservations, maximum_ram_page, decrease_reservation + populate_physmap).
 */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/traps.h>
#include <xen/errno.h>
#include <xen/memory.h>

#define PTE_FLAGS (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY)

static unsigned long traps_before;

static uint64_t pte_for(const void *page, bool rw)
{
	return ((uint64_t)virt_to_mfn(page) << PAGE_SHIFT) | PTE_FLAGS |
	       (rw ? _PAGE_RW : 0);
}

/* Read or write va, returning the #PF error code or -1 if none. */
static long probe(unsigned long va, bool write, unsigned long *val)
{
	traps_before = last_trap.count;
	if (write)
		asm volatile("1: movq %1, (%0)\n2:\n" EXTABLE(1b, 2b)
			     :
			     : "r"(va), "r"(*val)
			     : "memory");
	else
		asm volatile("1: movq (%1), %0\n2:\n" EXTABLE(1b, 2b)
			     : "+r"(*val)
			     : "r"(va)
			     : "memory");
	if (last_trap.count == traps_before)
		return -1;
	return last_trap.vector == TRAP_pf ? (long)last_trap.error_code :
					     1000 + last_trap.vector;
}

static void invlpg(unsigned long va)
{
	struct mmuext_op op = { .cmd = MMUEXT_INVLPG_LOCAL,
				.arg1.linear_addr = va };

	hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static void test_mmu_update(void)
{
	unsigned long *page = page_alloc(), *window = page_alloc();
	unsigned long w = (unsigned long)window, v = 0;
	uint64_t pte_ma;
	long rc;

	page[0] = 0x1234abcd;
	if (!pt_lookup(w, 1, &pte_ma))
		test_fatal("no L1 for the window");

	rc = mmu_update_one(pte_ma | MMU_NORMAL_PT_UPDATE, pte_for(page, true));
	invlpg(w);
	CHECK_EQ("mmu_update_map_rc", rc, 0);
	CHECK_EQ("mmu_update_map_alias", window[0], 0x1234abcd);
	window[1] = 77;
	CHECK_EQ("mmu_update_alias_write", page[1], 77);

	rc = mmu_update_one(pte_ma, pte_for(page, false));
	invlpg(w);
	CHECK_EQ("mmu_update_readonly_rc", rc, 0);
	CHECK_EQ("mmu_update_readonly_write_faults", probe(w, true, &v), 3);
	CHECK_EQ("mmu_update_readonly_read_ok", probe(w, false, &v), -1);

	rc = mmu_update_one(pte_ma, 0);
	invlpg(w);
	CHECK_EQ("mmu_update_unmap_rc", rc, 0);
	CHECK_EQ("mmu_update_unmapped_read_faults", probe(w, false, &v), 0);

	/* Batches report progress in *done. */
	{
		struct mmu_update req[2] = {
			{ pte_ma, pte_for(page, true) },
			{ pte_ma, pte_for(window, true) },
		};
		unsigned int done = 99;

		rc = hyp_mmu_update(req, 2, &done, DOMID_SELF);
		CHECK("mmu_update_batch", rc == 0 && done == 2,
		      "rc %ld done %u", rc, done);
	}

	rc = hyp_update_va_mapping(w, pte_for(page, true), UVMF_INVLPG);
	CHECK("update_va_mapping_invlpg", rc == 0 && window[0] == 0x1234abcd,
	      "rc %ld", rc);
	rc = hyp_update_va_mapping(w, pte_for(page, false), UVMF_TLB_FLUSH);
	CHECK_EQ("update_va_mapping_tlb_flush_rc", rc, 0);
	CHECK_EQ("update_va_mapping_tlb_flush_effective", probe(w, true, &v),
		 3);
	rc = hyp_update_va_mapping(w, pte_for(window, true),
				   UVMF_INVLPG | UVMF_ALL);
	CHECK_EQ("update_va_mapping_invlpg_all", rc, 0);
	rc = hyp_update_va_mapping(w, pte_for(window, true), UVMF_NONE);
	CHECK_EQ("update_va_mapping_no_flush", rc, 0);
}

static void test_machphys(void)
{
	unsigned long *page = page_alloc();
	unsigned long mfn = virt_to_mfn(page), pfn = virt_to_pfn(page);
	long rc;

	rc = mmu_update_one(((uint64_t)mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
			    pfn + 1);
	CHECK("machphys_update", rc == 0 && m2p()[mfn] == pfn + 1,
	      "rc %ld m2p 0x%lx", rc, m2p()[mfn]);
	rc = mmu_update_one(((uint64_t)mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE,
			    pfn);
	CHECK("machphys_restore", rc == 0 && m2p()[mfn] == pfn, "rc %ld", rc);
}

static void test_pin(void)
{
	static const struct {
		const char *name;
		unsigned int cmd;
	} levels[] = {
		{ "l1", MMUEXT_PIN_L1_TABLE },
		{ "l2", MMUEXT_PIN_L2_TABLE },
		{ "l3", MMUEXT_PIN_L3_TABLE },
		{ "l4", MMUEXT_PIN_L4_TABLE },
	};
	char n[64];

	for (unsigned int i = 0; i < ARRAY_SIZE(levels); i++) {
		void *t = page_alloc();
		unsigned long mfn = virt_to_mfn(t);
		long rc;

		page_set_writable(t, false);
		rc = mmuext_one(levels[i].cmd, mfn);
		snprintf(n, sizeof(n), "pin_%s", levels[i].name);
		CHECK_EQ(n, rc, 0);
		/* Refused; Xen says -EBUSY (observations). */
		rc = page_set_writable(t, true);
		snprintf(n, sizeof(n), "pinned_%s_writable_refused",
			 levels[i].name);
		CHECK(n, rc < 0, "rc %ld", rc);
		if (i == 0)
			info("writable mapping of a pinned table: rc %ld", rc);
		rc = mmuext_one(levels[i].cmd, mfn);
		snprintf(n, sizeof(n), "pin_%s_twice_refused", levels[i].name);
		CHECK_EQ(n, rc, -XEN_EINVAL);
		rc = mmuext_one(MMUEXT_UNPIN_TABLE, mfn);
		snprintf(n, sizeof(n), "unpin_%s", levels[i].name);
		CHECK_EQ(n, rc, 0);
		rc = page_set_writable(t, true);
		snprintf(n, sizeof(n), "unpinned_%s_writable", levels[i].name);
		CHECK_EQ(n, rc, 0);
		rc = mmuext_one(MMUEXT_UNPIN_TABLE, mfn);
		snprintf(n, sizeof(n), "unpin_%s_unpinned_refused",
			 levels[i].name);
		CHECK_EQ(n, rc, -XEN_EINVAL);
	}
}

static void test_flushes(void)
{
	struct mmuext_op op[4] = {
		{ .cmd = MMUEXT_INVLPG_LOCAL,
		  .arg1.linear_addr = LIBPV_VIRT_BASE },
		{ .cmd = MMUEXT_TLB_FLUSH_LOCAL },
		{ .cmd = MMUEXT_TLB_FLUSH_ALL },
		{ .cmd = MMUEXT_INVLPG_ALL,
		  .arg1.linear_addr = LIBPV_VIRT_BASE },
	};
	unsigned int done = 0;
	long rc = hyp_mmuext_op(op, 4, &done, DOMID_SELF);

	CHECK("mmuext_flushes", rc == 0 && done == 4, "rc %ld done %u", rc,
	      done);
}

static void test_new_baseptr(void)
{
	pte_t *l4 = page_alloc(), *old = current_l4;
	unsigned long old_mfn = virt_to_mfn(old), mfn = virt_to_mfn(l4);
	unsigned long cr3 = 0;
	long rc;

	for (int i = 0; i < PT_ENTRIES; i++)
		if (i < 256 || i >= 272)
			l4[i] = old[i];
	page_set_writable(l4, false);
	rc = mmuext_one(MMUEXT_PIN_L4_TABLE, mfn);
	CHECK_EQ("new_l4_pin", rc, 0);
	rc = mmuext_one(MMUEXT_NEW_BASEPTR, mfn);
	asm volatile("1: mov %%cr3, %0\n2:\n" EXTABLE(1b, 2b) : "+r"(cr3));
	CHECK("new_baseptr", rc == 0 && cr3 >> PAGE_SHIFT == mfn,
	      "rc %ld cr3 0x%lx", rc, cr3);
	/* The new L4 is in use: it cannot be unpinned into a writable page
	 * while loaded, but switching back releases it. */
	rc = mmuext_one(MMUEXT_NEW_BASEPTR, old_mfn);
	CHECK_EQ("new_baseptr_back", rc, 0);
	rc = mmuext_one(MMUEXT_UNPIN_TABLE, mfn);
	CHECK_EQ("new_l4_unpin", rc, 0);
}

static void test_writable_pagetables(void)
{
	unsigned long *page = page_alloc(), *window = page_alloc();
	unsigned long w = (unsigned long)window, before;
	volatile pte_t *pte = pt_lookup(w, 1, NULL);
	long rc;

	page[0] = 0x5555;
	rc = hyp_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
	CHECK_EQ("vm_assist_writable_pagetables", rc, 0);

	before = last_trap.count;
	*pte = pte_for(page, true);
	invlpg(w);
	CHECK_EQ("writable_pt_write_no_fault", last_trap.count - before, 0);
	CHECK_EQ("writable_pt_write_effective", window[0], 0x5555);

	/* A write the hypervisor must refuse: the L1 itself, writable. */
	before = last_trap.count;
	asm volatile("1: movq %1, (%0)\n2:\n" EXTABLE(1b, 2b)
		     :
		     : "r"(pte), "r"(pte_for((void *)((unsigned long)pte &
						      ~(PAGE_SIZE - 1)),
					     true))
		     : "memory");
	CHECK("writable_pt_bad_write_faults",
	      last_trap.count == before + 1 && last_trap.vector == TRAP_pf &&
		      last_trap.error_code == 3,
	      "traps %lu vector %u err 0x%lx", last_trap.count - before,
	      last_trap.vector, (unsigned long)last_trap.error_code);
	CHECK("writable_pt_bad_write_ignored",
	      (*pte & PTE_ADDR_MASK) >> PAGE_SHIFT == virt_to_mfn(page),
	      "pte 0x%lx", (unsigned long)*pte);
	hyp_update_va_mapping(w, pte_for(window, true), UVMF_INVLPG);

	/* The assist covers page tables only: a read-only mapping of an
	 * ordinary page faults on a write, even one that changes nothing. */
	hyp_update_va_mapping(w, pte_for(page, false), UVMF_INVLPG);
	before = page[0];
	CHECK_EQ("ro_page_same_value_write_faults", probe(w, true, &before),
		 3);
	hyp_update_va_mapping(w, pte_for(window, true), UVMF_INVLPG);
}

struct e820 {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));

static void test_memory_op(void)
{
	static struct e820 map[32];
	struct xen_memory_map mm = { .nr_entries = ARRAY_SIZE(map) };
	domid_t self = DOMID_SELF;
	long rc, max, cur, top;
	uint64_t ram = 0;

	/* Nobody set dom0's pseudo-physical map (XENMEM_set_memory_map):
	 * Xen answers -ENOSYS. The host map is there for the initial domain. */
	mm.buffer.p = map;
	rc = hyp_memory_op(XENMEM_memory_map, &mm);
	CHECK_EQ("memory_map_unset_dom0", rc, -XEN_ENOSYS);
	mm.nr_entries = ARRAY_SIZE(map);
	rc = hyp_memory_op(XENMEM_machine_memory_map, &mm);
	CHECK("machine_memory_map",
	      rc == 0 && mm.nr_entries >= 1 && mm.nr_entries <= ARRAY_SIZE(map),
	      "rc %ld entries %u", rc, mm.nr_entries);
	for (unsigned int i = 0; !rc && i < mm.nr_entries; i++) {
		info("e820 %u: 0x%lx+0x%lx type %u", i,
		     (unsigned long)map[i].addr, (unsigned long)map[i].size,
		     map[i].type);
		if (map[i].type == 1)
			ram += map[i].size;
	}
	CHECK("machine_memory_map_covers_nr_pages",
	      ram >= start_info->nr_pages * PAGE_SIZE, "ram 0x%lx",
	      (unsigned long)ram);

	max = hyp_memory_op(XENMEM_maximum_reservation, &self);
	cur = hyp_memory_op(XENMEM_current_reservation, &self);
	top = hyp_memory_op(XENMEM_maximum_ram_page, NULL);
	info("maximum_reservation %ld current %ld maximum_ram_page 0x%lx", max,
	     cur, top);
	CHECK("maximum_reservation", max >= cur && cur > 0, "max %ld cur %ld",
	      max, cur);
	CHECK("maximum_ram_page",
	      top > 0 && (unsigned long)top >= virt_to_mfn(_text), "got 0x%lx",
	      top);

	/* Give one page back, then ask for it again. */
	{
		unsigned long *page = page_alloc();
		unsigned long pfn = virt_to_pfn(page);
		xen_pfn_t frame = virt_to_mfn(page);
		unsigned long *p2m = (unsigned long *)start_info->mfn_list;
		struct xen_memory_reservation r = { .nr_extents = 1,
						    .extent_order = 0,
						    .domid = DOMID_SELF };

		r.extent_start.p = &frame;
		hyp_update_va_mapping((unsigned long)page, 0, UVMF_INVLPG);
		rc = hyp_memory_op(XENMEM_decrease_reservation, &r);
		CHECK_EQ("decrease_reservation", rc, 1);
		CHECK_EQ("decrease_reservation_current",
			 hyp_memory_op(XENMEM_current_reservation, &self),
			 cur - 1);
		p2m[pfn] = ~0UL;

		frame = pfn;
		rc = hyp_memory_op(XENMEM_populate_physmap, &r);
		CHECK_EQ("populate_physmap", rc, 1);
		CHECK_EQ("populate_physmap_current",
			 hyp_memory_op(XENMEM_current_reservation, &self), cur);
		/* PV: the pfn given in the list is the new frame's M2P entry. */
		CHECK_EQ("populate_physmap_sets_m2p", m2p()[frame], pfn);
		p2m[pfn] = frame;
		rc = mmu_update_one(((uint64_t)frame << PAGE_SHIFT) |
					    MMU_MACHPHYS_UPDATE,
				    pfn);
		CHECK_EQ("populate_physmap_m2p_update", rc, 0);
		rc = hyp_update_va_mapping((unsigned long)page,
					   ((uint64_t)frame << PAGE_SHIFT) |
						   PTE_FLAGS | _PAGE_RW,
					   UVMF_INVLPG);
		CHECK_EQ("populate_physmap_map", rc, 0);
		page[5] = 99;
		CHECK("populate_physmap_usable",
		      page[5] == 99 && virt_to_mfn(page) == frame);
	}
}

void test_main(void)
{
	test_mmu_update();
	test_machphys();
	test_pin();
	test_flushes();
	test_new_baseptr();
	test_writable_pagetables();
	test_memory_op();
}
