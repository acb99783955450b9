// SPDX-License-Identifier: MIT
/*
 * attack: hostile requests from a PV guest. Each must be refused cleanly
 * and the guest must keep running. Where the ABI documents the error
 * (-EFAULT for bad guest pointers) the exact value is checked; elsewhere
 * the check is that the request was refused, and the value Xen gave is
 * printed as INFO (docs/abi-deviations.md records them).
 */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/traps.h>
#include <xen/errno.h>
#include <xen/memory.h>
#include <xen/version.h>

#define PTE_FLAGS (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY)
#define NONCANONICAL 0x8000000000000000UL
#define IN_XEN 0xffff830000000000UL

static void refused(const char *name, long rc)
{
	CHECK(name, rc < 0, "rc %ld", rc);
	info("%s rc %ld", name, rc);
}

static void test_mappings(void)
{
	unsigned long *window = page_alloc(), w = (unsigned long)window;
	pte_t *l4 = current_l4;
	unsigned long l4_mfn = virt_to_mfn(l4);
	uint64_t pte_ma, l4_ma = virt_to_machine(l4);
	xen_pfn_t m2p_frame = 0;
	struct xen_machphys_mfn_list ml = { .max_extents = 1 };
	long rc;

	pt_lookup(w, 1, &pte_ma);

	rc = mmu_update_one(pte_ma, ((uint64_t)l4_mfn << PAGE_SHIFT) |
					    PTE_FLAGS | _PAGE_RW);
	refused("map_own_l4_writable", rc);
	rc = mmu_update_one(
		pte_ma,
		((uint64_t)virt_to_mfn((void *)start_info->pt_base + PAGE_SIZE)
		 << PAGE_SHIFT) |
			PTE_FLAGS | _PAGE_RW);
	refused("map_own_l3_writable", rc);

	ml.extent_start.p = &m2p_frame;
	rc = hyp_memory_op(XENMEM_machphys_mfn_list, &ml);
	CHECK("machphys_mfn_list", rc == 0 && ml.nr_extents == 1 && m2p_frame,
	      "rc %ld", rc);
	rc = mmu_update_one(pte_ma,
			    (m2p_frame << PAGE_SHIFT) | PTE_FLAGS | _PAGE_RW);
	refused("map_xen_m2p_frame_writable", rc);

	rc = mmu_update_one(pte_ma, (0xffffffffffUL << PAGE_SHIFT) | PTE_FLAGS |
					    _PAGE_RW);
	refused("map_huge_mfn", rc);

	/* The hypervisor's L4 slots 256..271. */
	rc = mmu_update_one(l4_ma + 256 * 8, l4[511]);
	refused("l4_xen_slot_256", rc);
	rc = mmu_update_one(l4_ma + 271 * 8, l4[511]);
	refused("l4_xen_slot_271", rc);
	rc = mmu_update_one(l4_ma + 262 * 8, 0);
	refused("l4_xen_slot_clear", rc);

	/* L4 self-map: writable is refused. */
	rc = mmu_update_one(l4_ma + 300 * 8, ((uint64_t)l4_mfn << PAGE_SHIFT) |
						     PTE_FLAGS | _PAGE_RW);
	refused("l4_selfmap_rw", rc);

	/* A PTE pointer with bits 2..0 = 4: not a command Xen knows. */
	rc = mmu_update_one(pte_ma + 4, 0);
	refused("mmu_update_unaligned_ptr", rc);
	/* A "PTE" in a plain writable frame of our own is just a write. */
	window[0] = 0x77;
	rc = mmu_update_one(virt_to_machine(window), 0x1234);
	CHECK("mmu_update_plain_page_is_write", rc == 0 && window[0] == 0x1234,
	      "rc %ld value 0x%lx", rc, window[0]);

	CHECK("window_still_own_frame",
	      (pt_get_pte(w) & PTE_ADDR_MASK) >> PAGE_SHIFT ==
			      virt_to_mfn(window) ||
		      (pt_get_pte(w) & PTE_ADDR_MASK) == 0,
	      "pte 0x%lx", (unsigned long)pt_get_pte(w));
}

/*
 * A batch whose only valid entry sits at the end of a page, followed by
 * an unmapped page: with a huge count the hypervisor runs into the hole.
 */
static void *last_bytes(size_t size)
{
	char *page = page_alloc(), *next = page_alloc();

	hyp_update_va_mapping((unsigned long)next, 0, UVMF_INVLPG);
	return page + PAGE_SIZE - size;
}

static void test_counts(void)
{
	struct mmu_update *u = last_bytes(sizeof(*u));
	struct mmuext_op *x = last_bytes(sizeof(*x));
	struct multicall_entry *mc = last_bytes(sizeof(*mc));
	unsigned long mfn =
		virt_to_mfn((void *)((unsigned long)u & ~(PAGE_SIZE - 1)));
	unsigned int done = 0;
	long rc;

	u->ptr = ((uint64_t)mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;
	u->val = m2p()[mfn];
	rc = hyp_mmu_update(u, 0x7fffffff, &done, DOMID_SELF);
	CHECK("mmu_update_huge_count", rc == -XEN_EFAULT && done == 1,
	      "rc %ld done %u", rc, done);
	done = 0;
	rc = hyp_mmu_update(u, 0xffffffff, &done, DOMID_SELF);
	refused("mmu_update_negative_count", rc);
	info("mmu_update_negative_count done %u", done);
	rc = hyp_mmu_update(u, 0, &done, DOMID_SELF);
	CHECK_EQ("mmu_update_zero_count", rc, 0);

	x->cmd = MMUEXT_TLB_FLUSH_LOCAL;
	done = 0;
	rc = hyp_mmuext_op(x, 0x7fffffff, &done, DOMID_SELF);
	CHECK("mmuext_huge_count", rc == -XEN_EFAULT && done == 1,
	      "rc %ld done %u", rc, done);
	done = 0;
	rc = hyp_mmuext_op(x, 0xffffffff, &done, DOMID_SELF);
	refused("mmuext_negative_count", rc);

	mc->op = __HYPERVISOR_xen_version;
	mc->args[0] = XENVER_version;
	mc->args[1] = 0;
	rc = hyp_multicall(mc, 0x7fffffff);
	refused("multicall_huge_count", rc);
	info("multicall first result 0x%lx", mc->result);
	rc = hyp_multicall(mc, 0xffffffff);
	refused("multicall_negative_count", rc);
	rc = hyp_multicall(mc, 1);
	CHECK("multicall_one", rc == 0 && mc->result == (4 << 16 | 17),
	      "rc %ld result 0x%lx", rc, mc->result);
}

static void test_pointers(void)
{
	static const unsigned long bad[] = { NONCANONICAL, IN_XEN,
					     MACH2PHYS_VIRT_START, 0x1000 };
	static const char *const names[] = { "noncanonical", "xen_area",
					     "m2p_readonly", "unmapped" };
	struct xen_platform_parameters *pp;
	char n[64];
	long rc;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(n, sizeof(n), "xen_version_out_%s", names[i]);
		rc = hyp_xen_version(XENVER_extraversion, (void *)bad[i]);
		CHECK_EQ(n, rc, -XEN_EFAULT);
		snprintf(n, sizeof(n), "console_write_%s", names[i]);
		/* The M2P is readable: that one would print, not fault. */
		if (bad[i] != MACH2PHYS_VIRT_START)
			CHECK_EQ(n,
				 hyp_console_io(CONSOLEIO_write, 16,
						(const char *)bad[i]),
				 -XEN_EFAULT);
		snprintf(n, sizeof(n), "mmu_update_req_%s", names[i]);
		rc = hyp_mmu_update((void *)bad[i], 1, NULL, DOMID_SELF);
		if (bad[i] == MACH2PHYS_VIRT_START)
			refused(n, rc);
		else
			CHECK_EQ(n, rc, -XEN_EFAULT);
	}

	/* Output into the read-only L4: a fault, not a write. */
	rc = hyp_xen_version(XENVER_extraversion, (void *)start_info->pt_base);
	CHECK_EQ("xen_version_out_readonly", rc, -XEN_EFAULT);
	/* Unaligned is fine on x86. */
	pp = (void *)((char *)page_alloc() + 3);
	rc = hyp_xen_version(XENVER_platform_parameters, pp);
	CHECK("xen_version_out_unaligned",
	      rc == 0 && pp->virt_start == HYPERVISOR_VIRT_START, "rc %ld", rc);
	rc = hyp_set_trap_table((void *)NONCANONICAL);
	CHECK_EQ("set_trap_table_noncanonical", rc, -XEN_EFAULT);
}

static void test_trap_table(void)
{
	struct trap_info t[2] = { 0 };
	long rc;

	t[0].vector = TRAP_ud;
	t[0].cs = FLAT_KERNEL_CS;
	t[0].address = NONCANONICAL;
	rc = hyp_set_trap_table(t);
	info("set_trap_table noncanonical handler rc %ld", rc);
	t[0].address = (uint64_t)trap_entry_table[TRAP_ud];
	t[0].cs = 0;
	rc = hyp_set_trap_table(t);
	info("set_trap_table null cs rc %ld", rc);
	traps_init();
	/* The guest's #UD handling still works after the attempts. */
	{
		unsigned long before = last_trap.count;

		asm volatile("1: ud2\n2:\n" EXTABLE(1b, 2b));
		CHECK("trap_table_intact", last_trap.count == before + 1 &&
						   last_trap.vector == TRAP_ud);
	}
}

static void test_descriptors(void)
{
	char *page = page_alloc();
	uint64_t ma = virt_to_machine(page);
	uint64_t flat_data = 0x00cff2000000ffffULL; /* DPL 3 data */
	uint64_t ring0_code = 0x00af9a000000ffffULL; /* DPL 0 code */
	uint64_t ldt_desc = 0x0000e20000000000ULL; /* system: LDT */
	volatile uint64_t *desc = (volatile uint64_t *)page;
	xen_pfn_t frame = virt_to_mfn(page);
	long rc;

	/* A plain writable page of our own: checked, then simply written. */
	rc = hyp_update_descriptor(ma, flat_data);
	CHECK("update_descriptor_plain_page", rc == 0 && desc[0] == flat_data,
	      "rc %ld desc 0x%lx", rc, (unsigned long)desc[0]);
	page_set_writable(page, false);
	rc = hyp_update_descriptor(ma + 8, flat_data);
	CHECK_EQ("update_descriptor_flat_data", rc, 0);
	/* Ring 0 is the hypervisor's: a DPL 0 segment is raised to DPL 3. */
	rc = hyp_update_descriptor(ma + 16, ring0_code);
	CHECK("update_descriptor_dpl0_raised",
	      rc == 0 && ((desc[2] >> 45) & 3) == 3, "rc %ld desc 0x%lx", rc,
	      (unsigned long)desc[2]);
	rc = hyp_update_descriptor(ma + 24, ldt_desc);
	refused("update_descriptor_system_type", rc);
	rc = hyp_update_descriptor(ma + 4, flat_data);
	refused("update_descriptor_unaligned", rc);

	/* set_gdt: a writable frame, too many entries. */
	{
		char *rw = page_alloc();
		xen_pfn_t rw_frame = virt_to_mfn(rw);

		rc = hyp_set_gdt(&rw_frame, 512);
		refused("set_gdt_writable_frame", rc);
	}
	rc = hyp_set_gdt(&frame, FIRST_RESERVED_GDT_ENTRY + 1);
	refused("set_gdt_too_many_entries", rc);
}

/* As Xen: the *_MULTI flushes read their vCPU mask, -EINVAL if they cannot. */
static void test_flush_masks(void)
{
	static unsigned long mask = 1;
	static const unsigned long bad[] = { NONCANONICAL, IN_XEN };
	struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_MULTI };

	op.arg2.vcpumask.p = &mask;
	CHECK_EQ("tlb_flush_multi_mask",
		 hyp_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
	op.cmd = MMUEXT_INVLPG_MULTI;
	op.arg1.linear_addr = (unsigned long)&mask;
	CHECK_EQ("invlpg_multi_mask", hyp_mmuext_op(&op, 1, NULL, DOMID_SELF),
		 0);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		op.arg2.vcpumask.addr = bad[i];
		op.cmd = MMUEXT_TLB_FLUSH_MULTI;
		check_eq(i ? "tlb_flush_multi_mask_in_xen" :
			     "tlb_flush_multi_mask_noncanonical",
			 hyp_mmuext_op(&op, 1, NULL, DOMID_SELF), -XEN_EINVAL);
		op.cmd = MMUEXT_INVLPG_MULTI;
		check_eq(i ? "invlpg_multi_mask_in_xen" :
			     "invlpg_multi_mask_noncanonical",
			 hyp_mmuext_op(&op, 1, NULL, DOMID_SELF), -XEN_EINVAL);
	}
}

void test_main(void)
{
	test_mappings();
	test_counts();
	test_pointers();
	test_trap_table();
	test_descriptors();
	test_flush_masks();
	CHECK("still_running", 1);
}
