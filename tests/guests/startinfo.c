// SPDX-License-Identifier: MIT
/*
 * startinfo: the start-of-day state, as the ABI gives it to the initial
 * domain. Run with the command line "startinfo-cmdline a=1 b=two" and an
 * initrd module of 12345 bytes where byte i is (7 * i + 3) & 0xff.
 *
 * The ABI's bootstrap layout, from the image's virtual base upwards: the
 * kernel image, the initrd, the P2M list (mfn_list), start_info, the
 * initial page tables, the boot stack; each page aligned, all mapped
 * writable except the page tables (read-only), followed by at least
 * 512 KiB of mapped padding, the whole region ending on a 4 MiB boundary.
 */
#include <libpv/console.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/traps.h>
#include <xen/errno.h>
#include <xen/memory.h>

#define EXPECT_CMDLINE "startinfo-cmdline a=1 b=two"
#define INITRD_LEN 12345
#define MiB (1UL << 20)

static const struct start_info *si = &boot.si_copy;

static bool page_aligned(unsigned long x)
{
	return !(x & (PAGE_SIZE - 1));
}

static unsigned long page_up(unsigned long x)
{
	return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static void test_header(void)
{
	CHECK("magic", !strcmp(si->magic, XEN_START_INFO_MAGIC), "got '%.32s'",
	      si->magic);
	CHECK("rsi_is_start_info", boot.entry_rsi == (unsigned long)boot.si,
	      "rsi 0x%lx", boot.entry_rsi);
	CHECK("start_info_page_aligned", page_aligned(boot.entry_rsi),
	      "rsi 0x%lx", boot.entry_rsi);
	CHECK("flags_initdomain",
	      (si->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN)) ==
		      (SIF_PRIVILEGED | SIF_INITDOMAIN),
	      "flags 0x%x", si->flags);
	CHECK("flags_no_multiboot_list", !(si->flags & SIF_MULTIBOOT_MOD),
	      "flags 0x%x", si->flags);
	CHECK_EQ("store_mfn_dom0", si->store_mfn, 0);
	CHECK_EQ("store_evtchn_dom0", si->store_evtchn, 0);
	/* first_p2m_pfn means nothing while nr_p2m_frames is 0 (no
	 * INIT_P2M note); Xen fills it anyway, so it is only reported. */
	CHECK_EQ("nr_p2m_frames", si->nr_p2m_frames, 0);
	info("flags 0x%x nr_pages %lu shared_info 0x%lx pt_base 0x%lx "
	     "nr_pt_frames %lu mfn_list 0x%lx mod 0x%lx+%lu rsp 0x%lx",
	     si->flags, si->nr_pages, si->shared_info, si->pt_base,
	     si->nr_pt_frames, si->mfn_list, si->mod_start, si->mod_len,
	     boot.entry_rsp);
	info("first_p2m_pfn %lu", si->first_p2m_pfn);
	info("console.dom0 info_off %u info_size %u", si->console.dom0.info_off,
	     si->console.dom0.info_size);
}

static void test_memory(void)
{
	domid_t self = DOMID_SELF;
	long cur = hyp_memory_op(XENMEM_current_reservation, &self);

	CHECK("nr_pages_is_reservation",
	      cur > 0 && (unsigned long)cur == si->nr_pages,
	      "nr_pages %lu current_reservation %ld", si->nr_pages, cur);
	CHECK("nr_pages_dom0_mem",
	      si->nr_pages <= 64 * MiB / PAGE_SIZE &&
		      si->nr_pages > 60 * MiB / PAGE_SIZE,
	      "nr_pages %lu", si->nr_pages);
	CHECK("shared_info_page_aligned", page_aligned(si->shared_info),
	      "0x%lx", si->shared_info);
	CHECK("shared_info_time_version_even",
	      !(shared_info->vcpu_info[0].time.version & 1));
}

static void test_p2m(void)
{
	const unsigned long *p2m = (const unsigned long *)si->mfn_list;
	unsigned long bad = 0, first_bad = 0;
	struct xen_machphys_mapping mp;
	long rc;

	CHECK("mfn_list_page_aligned", page_aligned(si->mfn_list));
	for (unsigned long pfn = 0; pfn < si->nr_pages; pfn++) {
		if (m2p()[p2m[pfn]] != pfn && !bad++)
			first_bad = pfn;
	}
	CHECK("p2m_m2p_consistent", !bad, "%lu bad, first pfn %lu", bad,
	      first_bad);

	rc = hyp_memory_op(XENMEM_machphys_mapping, &mp);
	CHECK("machphys_mapping",
	      !rc && mp.v_start == MACH2PHYS_VIRT_START &&
		      mp.v_end > mp.v_start,
	      "rc %ld v_start 0x%lx v_end 0x%lx", rc, mp.v_start, mp.v_end);
	info("machphys v_start 0x%lx v_end 0x%lx max_mfn 0x%lx", mp.v_start,
	     mp.v_end, mp.max_mfn);
}

/* Every table frame reachable from the L4's guest slots, counted once. */
static unsigned long count_tables(pte_t *table, int level, unsigned long lo,
				  unsigned long hi, bool *outside)
{
	unsigned long n = 1, va = (unsigned long)table;

	if (va < lo || va >= hi)
		*outside = true;
	if (level == 1)
		return n;
	for (int i = 0; i < PT_ENTRIES; i++) {
		pte_t e = table[i];
		unsigned long pfn;

		if (level == 4 && i >= 256 && i < 272)
			continue; /* the hypervisor's slots */
		if (!(e & _PAGE_PRESENT) || (level < 4 && (e & _PAGE_PSE)))
			continue;
		pfn = mfn_to_pfn((e & PTE_ADDR_MASK) >> PAGE_SHIFT);
		if (pfn >= si->nr_pages) {
			*outside = true;
			continue;
		}
		n += count_tables(pfn_to_virt(pfn), level - 1, lo, hi, outside);
	}
	return n;
}

static void test_page_tables(void)
{
	unsigned long lo = si->pt_base;
	unsigned long hi = lo + si->nr_pt_frames * PAGE_SIZE;
	bool outside = false, rw = false;
	unsigned long n, cr3 = 0;
	long rc;

	CHECK("pt_base_page_aligned", page_aligned(si->pt_base));
	n = count_tables((pte_t *)si->pt_base, 4, lo, hi, &outside);
	CHECK("nr_pt_frames_counts_tables", n == si->nr_pt_frames,
	      "walked %lu nr_pt_frames %lu", n, si->nr_pt_frames);
	CHECK("page_tables_in_pt_region", !outside);
	for (unsigned long va = lo; va < hi; va += PAGE_SIZE)
		if (pt_get_pte(va) & _PAGE_RW)
			rw = true;
	CHECK("page_tables_mapped_readonly", !rw);

	/* Already pinned by the builder: pinning again is refused. */
	rc = mmuext_one(MMUEXT_PIN_L4_TABLE, virt_to_mfn((void *)lo));
	CHECK_EQ("l4_already_pinned", rc, -XEN_EINVAL);

	/* mov from cr3 is emulated: it names the initial L4. */
	asm volatile("1: mov %%cr3, %0\n2:\n" EXTABLE(1b, 2b) : "+r"(cr3));
	CHECK("cr3_is_pt_base", cr3 == virt_to_machine((void *)lo),
	      "cr3 0x%lx pt_base ma 0x%lx", cr3,
	      (unsigned long)virt_to_machine((void *)lo));
}

/* End of the contiguous 4K mapping from the virtual base. */
static unsigned long mapping_end(void)
{
	unsigned long va = LIBPV_VIRT_BASE;

	while (pt_get_pte(va) & _PAGE_PRESENT)
		va += PAGE_SIZE;
	return va;
}

/*
 * [lo, hi) is mapped writable with pfn N at the base + N pages. libpv has
 * already mapped shared_info over one page of its own image: skip it.
 * bad_va/bad_pte say where the last call stopped.
 */
static unsigned long bad_va;
static pte_t bad_pte;

static bool range_rw_and_pseudo_phys(unsigned long lo, unsigned long hi)
{
	for (unsigned long va = lo & ~(PAGE_SIZE - 1); va < hi;
	     va += PAGE_SIZE) {
		pte_t pte = pt_get_pte(va);
		unsigned long pfn = virt_to_pfn((void *)va);

		if (va == (unsigned long)shared_info)
			continue;
		bad_va = va;
		bad_pte = pte;
		if (!(pte & _PAGE_PRESENT) || !(pte & _PAGE_RW))
			return false;
		if (((pte & PTE_ADDR_MASK) >> PAGE_SHIFT) != pfn_to_mfn(pfn))
			return false;
	}
	return true;
}

static void test_layout(void)
{
	unsigned long image_end = page_up((unsigned long)_end);
	unsigned long p2m_end = page_up(si->mfn_list + si->nr_pages * 8);
	unsigned long pt_end = si->pt_base + si->nr_pt_frames * PAGE_SIZE;
	unsigned long rsp = boot.entry_rsp, end = mapping_end();
	unsigned long mod_end = page_up(si->mod_start + si->mod_len);
	bool ok;

	info("image end 0x%lx mapping end 0x%lx", image_end, end);
	CHECK("layout_mod_after_image", si->mod_start == image_end,
	      "mod_start 0x%lx image end 0x%lx", si->mod_start, image_end);
	CHECK("layout_p2m_after_mod", si->mfn_list == mod_end,
	      "mfn_list 0x%lx mod end 0x%lx", si->mfn_list, mod_end);
	CHECK("layout_start_info_after_p2m", (unsigned long)boot.si == p2m_end,
	      "start_info %p p2m end 0x%lx", boot.si, p2m_end);
	CHECK("layout_pt_after_start_info",
	      si->pt_base >= (unsigned long)boot.si + PAGE_SIZE &&
		      si->pt_base <= (unsigned long)boot.si + 2 * PAGE_SIZE,
	      "pt_base 0x%lx start_info %p", si->pt_base, boot.si);
	CHECK("layout_stack_after_pt", rsp == pt_end + PAGE_SIZE,
	      "rsp 0x%lx pt end 0x%lx", rsp, pt_end);
	CHECK("layout_stack_mapped_rw", range_rw_and_pseudo_phys(pt_end, rsp));
	ok = range_rw_and_pseudo_phys(LIBPV_VIRT_BASE, image_end);
	CHECK("layout_image_rw_pseudo_phys", ok, "va 0x%lx pte 0x%lx", bad_va,
	      bad_pte);
	CHECK("layout_p2m_start_info_rw",
	      range_rw_and_pseudo_phys(si->mfn_list,
				       (unsigned long)boot.si + PAGE_SIZE));
	CHECK("layout_512k_padding", end >= rsp + 512 * 1024,
	      "mapping end 0x%lx rsp 0x%lx", end, rsp);
	CHECK("layout_padding_rw",
	      range_rw_and_pseudo_phys(rsp, rsp + 512 * 1024));
	CHECK("layout_ends_4m_aligned", !(end & (4 * MiB - 1)), "end 0x%lx",
	      end);
}

static void test_cmdline_and_module(void)
{
	const char *cmd = (const char *)si->cmd_line;
	const uint8_t *mod = (const uint8_t *)si->mod_start;
	unsigned long bad = 0;

	info("cmd_line '%s'", cmd);
	CHECK("cmd_line_terminated",
	      strnlen(cmd, MAX_GUEST_CMDLINE) < MAX_GUEST_CMDLINE);
	CHECK("cmd_line_from_module_string", !strcmp(cmd, EXPECT_CMDLINE),
	      "got '%s'", cmd);
	CHECK("mod_start_is_virtual",
	      !(si->flags & SIF_MOD_START_PFN) && page_aligned(si->mod_start),
	      "flags 0x%x mod_start 0x%lx", si->flags, si->mod_start);
	CHECK_EQ("mod_len", si->mod_len, INITRD_LEN);
	if (si->mod_len != INITRD_LEN)
		return;
	for (unsigned long i = 0; i < INITRD_LEN; i++)
		if (mod[i] != (uint8_t)(i * 7 + 3))
			bad++;
	CHECK("mod_content", !bad, "%lu bytes differ", bad);
}

static void test_m2p_readonly(void)
{
	volatile unsigned long *p =
		(volatile unsigned long *)MACH2PHYS_VIRT_START;
	unsigned long before = last_trap.count, v = p[0];

	asm volatile("1: movq %1, %0\n2:\n" EXTABLE(1b, 2b)
		     : "=m"(*p)
		     : "r"(v));
	CHECK("m2p_write_faults",
	      last_trap.count == before + 1 && last_trap.vector == TRAP_pf &&
		      last_trap.cr2 == MACH2PHYS_VIRT_START,
	      "traps %lu vector %u cr2 0x%lx", last_trap.count - before,
	      last_trap.vector, (unsigned long)last_trap.cr2);
	CHECK_EQ("m2p_write_pf_error_code", last_trap.error_code, 3);
}

void test_main(void)
{
	test_header();
	test_memory();
	test_p2m();
	test_page_tables();
	test_layout();
	test_cmdline_and_module();
	test_m2p_readonly();
}
