// SPDX-License-Identifier: MIT
/*
 * memx: XENMEM_exchange, the way a PV kernel gets machine-contiguous or
 * low (DMA-able) memory: unmap the frames, exchange them, map the result.
 */
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <xen/errno.h>
#include <xen/memory.h>

/* nr_exchanged as the call starts: a continuation's progress. */
static unsigned long exchange_start;

static long exchange(xen_pfn_t *in, unsigned long nin, unsigned int in_order,
		     xen_pfn_t *out, unsigned long nout, unsigned int out_order,
		     unsigned int bits, unsigned long *done)
{
	struct xen_memory_exchange x = {
		.in = { .nr_extents = nin, .extent_order = in_order,
			.domid = DOMID_SELF },
		.out = { .nr_extents = nout, .extent_order = out_order,
			 .mem_flags = XENMEMF_address_bits(bits),
			 .domid = DOMID_SELF },
		.nr_exchanged = exchange_start,
	};
	long rc;

	x.in.extent_start.p = in;
	x.out.extent_start.p = out;
	rc = hyp_memory_op(XENMEM_exchange, &x);
	*done = x.nr_exchanged;
	return rc;
}

static uint64_t pte_for_mfn(unsigned long mfn, bool rw)
{
	return ((uint64_t)mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED |
	       _PAGE_DIRTY | (rw ? _PAGE_RW : 0);
}

static void unmap(void *va)
{
	hyp_update_va_mapping((unsigned long)va, 0, UVMF_INVLPG);
}

static long map(void *va, unsigned long mfn)
{
	return hyp_update_va_mapping((unsigned long)va,
				     pte_for_mfn(mfn, true), UVMF_INVLPG);
}

static void test_single_low_page(void)
{
	unsigned long *page = page_alloc(), done = 99;
	unsigned long pfn = virt_to_pfn(page);
	/* PV: out.extent_start carries the pfn in and the new mfn out. */
	xen_pfn_t in = virt_to_mfn(page), out = pfn;
	long rc;

	unmap(page);
	rc = exchange(&in, 1, 0, &out, 1, 0, 32, &done);
	CHECK_EQ("exchange_one_rc", rc, 0);
	CHECK_EQ("exchange_one_done", done, 1);
	CHECK("exchange_one_below_4g", out && out < (1UL << 20), "mfn 0x%lx",
	      (unsigned long)out);
	CHECK("exchange_one_new_frame", out != in, "mfn 0x%lx",
	      (unsigned long)out);
	CHECK("exchange_one_m2p_keeps_pfn", m2p()[out] == pfn,
	      "m2p 0x%lx pfn 0x%lx", m2p()[out], pfn);
	CHECK_EQ("exchange_one_map", map(page, out), 0);
	CHECK_EQ("exchange_one_zeroed", page[0], 0);
	page[1] = 0x1234;
	CHECK_EQ("exchange_one_usable", page[1], 0x1234);
}

/*
 * Two unmapped pages for one machine-contiguous pair (order 1) backing
 * the first one's pfn, the call starting at extent start: its rc, with
 * the pages, the new mfn and the count done.
 */
static long exchange_pair(unsigned long start, unsigned long **a,
			  unsigned long **b, xen_pfn_t *out,
			  unsigned long *done)
{
	xen_pfn_t in[2];
	long rc;

	*a = page_alloc();
	*b = page_alloc();
	in[0] = virt_to_mfn(*a);
	in[1] = virt_to_mfn(*b);
	*out = virt_to_pfn(*a);
	*done = 0;
	unmap(*a);
	unmap(*b);
	exchange_start = start;
	rc = exchange(in, 2, 0, out, 1, 1, 0, done);
	exchange_start = 0;
	return rc;
}

static void test_contiguous_pair(void)
{
	unsigned long *a, *b, done;
	xen_pfn_t out;
	long rc = exchange_pair(0, &a, &b, &out, &done);

	CHECK_EQ("exchange_pair_rc", rc, 0);
	CHECK_EQ("exchange_pair_done", done, 2);
	CHECK("exchange_pair_aligned", out && !(out & 1), "mfn 0x%lx",
	      (unsigned long)out);
	CHECK("exchange_pair_m2p", m2p()[out] == virt_to_pfn(a) &&
					   m2p()[out + 1] == virt_to_pfn(a) + 1,
	      "m2p 0x%lx 0x%lx", m2p()[out], m2p()[out + 1]);
	CHECK_EQ("exchange_pair_map_a", map(a, out), 0);
	CHECK_EQ("exchange_pair_map_b", map(b, out + 1), 0);
	a[0] = 1;
	b[0] = 2;
	CHECK("exchange_pair_usable", a[0] == 1 && b[0] == 2);
}

/*
 * Progress inside a group (a guest rewrote nr_exchanged between rounds):
 * as Xen, the call starts again from that group's first extent.
 */
static void test_progress_inside_group(void)
{
	unsigned long *a, *b, done;
	xen_pfn_t out;
	long rc = exchange_pair(1, &a, &b, &out, &done);

	CHECK_EQ("exchange_inside_group_rc", rc, 0);
	CHECK_EQ("exchange_inside_group_done", done, 2);
	CHECK("exchange_inside_group_moved",
	      out != virt_to_pfn(a) && map(a, out) == 0, "out 0x%lx",
	      (unsigned long)out);
}

static void test_refusals(void)
{
	unsigned long *mapped = page_alloc(), *free = page_alloc(), done = 0;
	xen_pfn_t in = virt_to_mfn(mapped), out = 0;
	long rc;

	/* Still mapped: the frame is in use and cannot be given away. */
	rc = exchange(&in, 1, 0, &out, 1, 0, 0, &done);
	CHECK("exchange_mapped_refused", rc < 0, "rc %ld", rc);
	info("exchange of a mapped frame: rc %ld done %lu", rc, done);
	CHECK_EQ("exchange_mapped_nothing_done", done, 0);

	/* Sizes that do not match. */
	rc = exchange(&in, 1, 0, &out, 1, 1, 0, &done);
	CHECK_EQ("exchange_size_mismatch", rc, -XEN_EINVAL);

	/* Fewer address bits than a page: no frame can fit (Xen: -ENOMEM
	 * before any input is looked at); the input stays ours. */
	free[0] = 0x5eed;
	in = virt_to_mfn(free);
	unmap(free);
	rc = exchange(&in, 1, 0, &out, 1, 0, 8, &done);
	CHECK_EQ("exchange_bits_below_page", rc, -XEN_ENOMEM);
	CHECK_EQ("exchange_bits_below_page_kept",
		 map(free, in) == 0 && free[0] == 0x5eed, 1);

	/* A frame that is not ours. */
	in = 1;
	rc = exchange(&in, 1, 0, &out, 1, 0, 0, &done);
	CHECK("exchange_foreign_refused", rc < 0, "rc %ld", rc);
	info("exchange of a foreign frame: rc %ld", rc);
}

static void test_add_to_physmap(void)
{
	struct xen_add_to_physmap x = { .domid = DOMID_SELF,
					.space = XENMAPSPACE_shared_info,
					.idx = 0,
					.gpfn = 0x100 };
	long rc = hyp_memory_op(XENMEM_add_to_physmap, &x);

	info("add_to_physmap on PV: rc %ld", rc);
	CHECK("add_to_physmap_pv_refused", rc < 0, "rc %ld", rc);
}

/* Fill a page with a pattern, unmap it: an exchange input. */
static unsigned long marked_input(unsigned long **va, unsigned long mark)
{
	*va = page_alloc();
	for (unsigned long w = 0; w < PAGE_SIZE / 8; w++)
		(*va)[w] = mark ^ w;
	unmap(*va);
	return virt_to_mfn(*va);
}

/* Mapped again, does the page still hold its pattern? */
static bool still_ours(unsigned long *va, unsigned long mfn, unsigned long mark)
{
	if (map(va, mfn))
		return false;
	for (unsigned long w = 0; w < PAGE_SIZE / 8; w++)
		if (va[w] != (mark ^ w))
			return false;
	return true;
}

/*
 * One frame listed twice in a group: as Xen, the second listing is
 * refused (-EINVAL), the group is undone, nr_exchanged counts only the
 * groups before it, and the frame is still the domain's.
 */
static void test_duplicate_input(void)
{
	unsigned long *a, *b, *c, done = 99;
	unsigned long ma = marked_input(&a, 0xa1), mb = marked_input(&b, 0xb2),
		      mc = marked_input(&c, 0xc3);
	xen_pfn_t in[4] = { ma, ma }, out[2] = { virt_to_pfn(a) };
	long rc;

	rc = exchange(in, 2, 0, out, 1, 1, 0, &done);
	CHECK_EQ("exchange_dup_first_group_rc", rc, -XEN_EINVAL);
	CHECK_EQ("exchange_dup_first_group_done", done, 0);
	CHECK("exchange_dup_frame_kept", still_ours(a, ma, 0xa1));
	unmap(a);

	/* The second group repeats a frame: the first one stands. */
	in[0] = mb, in[1] = mc, in[2] = ma, in[3] = ma;
	out[0] = virt_to_pfn(b), out[1] = virt_to_pfn(a);
	rc = exchange(in, 4, 0, out, 2, 1, 0, &done);
	CHECK_EQ("exchange_dup_second_group_rc", rc, -XEN_EINVAL);
	CHECK_EQ("exchange_dup_second_group_done", done, 2);
	CHECK("exchange_dup_second_frame_kept", still_ours(a, ma, 0xa1));
	CHECK("exchange_dup_first_group_moved", out[0] != mb, "out 0x%lx",
	      (unsigned long)out[0]);
	CHECK_EQ("exchange_dup_first_group_mapped", map(b, out[0]), 0);
	CHECK_EQ("exchange_dup_first_group_zeroed", b[0] | b[511], 0);
}

void test_main(void)
{
	test_single_low_page();
	test_contiguous_pair();
	test_progress_inside_group();
	test_refusals();
	test_add_to_physmap();
	test_duplicate_input();
}
