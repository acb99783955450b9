// SPDX-License-Identifier: MIT
/*
 * hog: a hostile domain that makes one hypercall at the largest size it
 * can (harness guest, not in `make list`), to run beside `victim`. It
 * spends all its free memory on the call's array:
 *   op=exchange  XENMEM_exchange whose output array is its input array
 *                moved up by one slot, so each new frame is the next input
 *                (a self-feeding chain as long as the domain's memory)
 *   op=gntcopy   GNTTABOP_copy, count 2^31-1, each element a 4 KiB copy
 *                between two of its own frames, until the array ends
 *   op=console   CONSOLEIO_write of 4 MiB (needs the console capability)
 *   op=reservation  decrease_reservation of all its frames but the list,
 *                then increase_reservation of as many
 *   op=pin       MMUEXT_PIN_L4_TABLE (then unpin) of a page-table tree
 *                made of all that memory: every L1 entry is validated
 * It prints `INFO hog op=<op> calling` before the first call; the call is
 * repeated for `secs=N` seconds (at least once), and each round prints
 * `INFO hog op=<op> round=<n> rc=<rc> us=<time the call took>`.
 */
#include <libpv/grant.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <xen/errno.h>
#include <xen/memory.h>
#include <xen/xen.h>

#define CONSOLE_BYTES (4UL << 20)
#define PTE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

static uint8_t *region;
static unsigned long region_bytes;
static void *spare[3]; /* pages outside the region */

/* Map pfn's 2 MiB chunk with a new L1 taken from l1 (read-only). */
static void map_chunk(unsigned long pfn, pte_t *l1)
{
	unsigned long va = (unsigned long)pfn_to_virt(pfn);
	uint64_t l2e_ma;
	pte_t *l2e = pt_lookup(va, 2, &l2e_ma);

	if (!l2e)
		test_fatal("hog: no L2 for %#lx", va);
	for (unsigned long i = 0; i < PT_ENTRIES; i++) {
		unsigned long p = (pfn & ~511UL) + i;

		if (p >= start_info->nr_pages)
			break;
		l1[i] = ((uint64_t)pfn_to_mfn(p) << PAGE_SHIFT) | PTE_FLAGS;
	}
	page_set_writable(l1, false);
	if (mmu_update_one(l2e_ma, ((uint64_t)virt_to_mfn(l1) << PAGE_SHIFT) |
					   PTE_FLAGS | _PAGE_USER))
		test_fatal("hog: L2 update for %#lx failed", va);
}

/*
 * All the domain's memory but a few pages, contiguous in VA: libpv's
 * free pages (page_alloc's order), then every pfn past them, mapped at
 * pfn_to_virt() with L1 tables taken from the free pages first.
 */
static void take_region(void)
{
	unsigned long first, end = start_info->nr_pages;
	pte_t *l1s[PT_ENTRIES / 8];
	unsigned long nr_l1 = 0;

	for (unsigned long i = 0; i < ARRAY_SIZE(l1s); i++)
		l1s[i] = page_alloc();
	for (unsigned long i = 0; i < ARRAY_SIZE(spare); i++)
		spare[i] = page_alloc();
	first = virt_to_pfn(page_alloc());
	while (pages_free())
		page_alloc();
	for (unsigned long pfn = first + 1; pfn < end; pfn++) {
		unsigned long va = (unsigned long)pfn_to_virt(pfn);
		pte_t *l1e = pt_lookup(va, 1, NULL);

		if (!l1e) {
			if (nr_l1 == ARRAY_SIZE(l1s))
				test_fatal("hog: out of L1 tables");
			map_chunk(pfn, l1s[nr_l1++]);
		} else if (!(*l1e & _PAGE_PRESENT) &&
			   hyp_update_va_mapping(va,
						 ((uint64_t)pfn_to_mfn(pfn)
						  << PAGE_SHIFT) |
							 PTE_FLAGS,
						 UVMF_INVLPG)) {
			test_fatal("hog: mapping pfn %#lx failed", pfn);
		}
	}
	region = pfn_to_virt(first);
	region_bytes = (end - first) * PAGE_SIZE;
	info("hog region pages=%lu new_l1s=%lu", end - first, nr_l1);
}

static unsigned long spare_frame(void)
{
	hyp_update_va_mapping((unsigned long)spare[0], 0, UVMF_INVLPG);
	return virt_to_mfn(spare[0]);
}

static uint64_t *chain;
static unsigned long chain_len;

static void exchange_setup(void)
{
	chain = (uint64_t *)region;
	chain_len = region_bytes / sizeof(uint64_t) - 1;
	chain[0] = spare_frame();
}

static long exchange_round(void)
{
	struct xen_memory_exchange x = {
		.in = { .nr_extents = chain_len, .domid = DOMID_SELF },
		.out = { .nr_extents = chain_len, .domid = DOMID_SELF },
	};
	long rc;

	x.in.extent_start.p = chain;
	x.out.extent_start.p = chain + 1;
	rc = hyp_memory_op(XENMEM_exchange, &x);
	CHECK_EQ("hog_exchange_done", x.nr_exchanged, chain_len);
	chain[0] = chain[chain_len]; /* the last new frame starts again */
	return rc;
}

static struct gnttab_copy *copies;
static unsigned long nr_copies;

static void gntcopy_setup(void)
{
	uint8_t *from = spare[1], *to = spare[2];

	copies = (struct gnttab_copy *)region;
	nr_copies = region_bytes / sizeof(*copies);
	for (unsigned long i = 0; i < nr_copies; i++) {
		copies[i] = (struct gnttab_copy){
			.source = { .u.gmfn = virt_to_mfn(from),
				    .domid = DOMID_SELF },
			.dest = { .u.gmfn = virt_to_mfn(to),
				  .domid = DOMID_SELF },
			.len = PAGE_SIZE,
		};
	}
}

static long gntcopy_round(void)
{
	long rc;

	copies[nr_copies - 1].status = 1;
	rc = hyp_grant_table_op(GNTTABOP_copy, copies, 0x7fffffff);
	/* Every element in the array was done; the fault is past its end. */
	CHECK_EQ("hog_gntcopy_last_done", copies[nr_copies - 1].status,
		 GNTST_okay);
	return rc;
}

static void console_setup(void)
{
	for (unsigned long i = 0; i < CONSOLE_BYTES; i++)
		region[i] = i % 80 == 79 ? '\n' : '.';
	region[CONSOLE_BYTES - 1] = '\n';
}

static long console_round(void)
{
	return hyp_console_io(CONSOLEIO_write, CONSOLE_BYTES,
			      (const char *)region);
}

/*
 * A page-table tree over the whole region: one L4, one L3, then L2s and
 * as many L1s as are left, each L1 entry mapping a region frame
 * read-only; pinning the L4 validates every one of those entries.
 */
static uint64_t tree_l4;

static pte_t *tree_page(unsigned long i)
{
	return (pte_t *)(region + i * PAGE_SIZE);
}

static uint64_t tree_entry(unsigned long i, uint64_t flags)
{
	return ((uint64_t)virt_to_mfn(tree_page(i)) << PAGE_SHIFT) | flags;
}

static void pin_setup(void)
{
	unsigned long n = region_bytes / PAGE_SIZE;
	unsigned long nl2 = (n - 2 + PT_ENTRIES) / (PT_ENTRIES + 1);
	unsigned long l1 = 2 + nl2, nl1 = n - l1;
	struct mmu_update u[PT_ENTRIES];
	unsigned long nu = 0;

	if (nl2 > PT_ENTRIES)
		test_fatal("hog: region too large for one L3");
	memset(region, 0, 2 * PAGE_SIZE);
	tree_page(0)[0] = tree_entry(1, PTE_FLAGS | _PAGE_USER);
	for (unsigned long k = 0; k < nl2; k++)
		tree_page(1)[k] = tree_entry(2 + k, PTE_FLAGS | _PAGE_USER);
	for (unsigned long i = 0; i < nl2 * PT_ENTRIES; i++)
		tree_page(2)[i] =
			i < nl1 ? tree_entry(l1 + i, PTE_FLAGS | _PAGE_USER) :
				  0;
	for (unsigned long i = 0; i < nl1 * PT_ENTRIES; i++)
		tree_page(l1)[i] =
			tree_entry(i % n, _PAGE_PRESENT | _PAGE_ACCESSED);
	/* Every page of the tree read-only in our own mapping. */
	for (unsigned long i = 0; i < n; i++) {
		uint64_t ma;

		pt_lookup((unsigned long)tree_page(i), 1, &ma);
		u[nu].ptr = ma;
		u[nu++].val = tree_entry(i, _PAGE_PRESENT | _PAGE_ACCESSED);
		if (nu == PT_ENTRIES || i + 1 == n) {
			CHECK_EQ("hog_tree_read_only",
				 hyp_mmu_update(u, nu, NULL, DOMID_SELF), 0);
			nu = 0;
		}
	}
	hyp_mmuext_op(&(struct mmuext_op){ .cmd = MMUEXT_TLB_FLUSH_LOCAL }, 1,
		      NULL, DOMID_SELF);
	tree_l4 = virt_to_mfn(tree_page(0));
	info("hog tree l2s=%lu l1s=%lu entries=%lu", nl2, nl1,
	     nl1 * PT_ENTRIES);
}

/* Pin the tree (validating it all), then unpin it (releasing it all). */
static long pin_round(void)
{
	long rc = mmuext_one(MMUEXT_PIN_L4_TABLE, tree_l4);

	if (!rc)
		rc = mmuext_one(MMUEXT_UNPIN_TABLE, tree_l4);
	return rc;
}

/*
 * Give back every region frame but those holding the list itself, then
 * as many new ones: two calls of as many extents as the domain has.
 */
static uint64_t *extents;
static unsigned long nr_extents;

static void reservation_setup(void)
{
	unsigned long n = region_bytes / PAGE_SIZE;
	unsigned long list_pages = (n * 8 + PAGE_SIZE - 1) / PAGE_SIZE;

	extents = (uint64_t *)region;
	nr_extents = n - list_pages;
	for (unsigned long i = 0; i < nr_extents; i++)
		extents[i] = virt_to_mfn(region + (list_pages + i) * PAGE_SIZE);
}

static long reservation_call(unsigned int cmd)
{
	struct xen_memory_reservation r = { .nr_extents = nr_extents,
					    .domid = DOMID_SELF };

	r.extent_start.p = extents;
	return hyp_memory_op(cmd, &r);
}

static long reservation_round(void)
{
	CHECK_EQ("hog_decrease_all",
		 reservation_call(XENMEM_decrease_reservation), nr_extents);
	return reservation_call(XENMEM_increase_reservation) - nr_extents;
}

struct attack {
	const char *name;
	void (*setup)(void);
	long (*round)(void);
	long want; /* the call's result */
};

static const struct attack attacks[] = {
	{ "op=exchange", exchange_setup, exchange_round, 0 },
	{ "op=gntcopy", gntcopy_setup, gntcopy_round, -XEN_EFAULT },
	{ "op=console", console_setup, console_round, 0 },
	{ "op=pin", pin_setup, pin_round, 0 },
	{ "op=reservation", reservation_setup, reservation_round, 0 },
};

void test_main(void)
{
	uint64_t end =
		system_time_ns() + cmdline_number("secs=", 5) * 1000000000ULL;
	const struct attack *a = NULL;

	for (unsigned int i = 0; i < ARRAY_SIZE(attacks); i++)
		if (cmdline_has(attacks[i].name))
			a = &attacks[i];
	if (!a)
		test_fatal("hog: no op= given");
	take_region();
	a->setup();
	info("hog %s calling", a->name);
	for (unsigned long round = 1;; round++) {
		uint64_t t = system_time_ns();
		long rc = a->round();

		info("hog %s round=%lu rc=%ld us=%lu", a->name, round, rc,
		     (unsigned long)((system_time_ns() - t) / 1000));
		CHECK_EQ("hog_rc", rc, a->want);
		if (system_time_ns() >= end)
			break;
	}
}
