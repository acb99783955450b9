// SPDX-License-Identifier: MIT
/*
 * repeat: batches that name one thing twice, or whose arrays overlap what
 * they change. Each element is read when it runs and sees what the
 * elements before it left: a PTE updated twice ends as the second update
 * says; a frame mapped writable twice holds two writable references until
 * both go; a frame pinned (or unpinned) twice is refused the second time,
 * the done count stopping there and nothing leaked; a multicall element
 * rewritten by the one before it runs as rewritten; a grant mapped twice
 * holds two handles and a handle unmapped twice fails the second time.
 * Run as the initial domain on Xen 4.17 and on Lamina.
 */
#include <libpv/grant.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <xen/errno.h>
#include <xen/version.h>

#define PTE_FLAGS (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY)
#define SELF 0 /* the initial domain: loopback grants name it */
#define REF_A 8
#define REF_B 9
#define NO_SUCH_HYPERCALL 999

static uint64_t pte_of(const void *va)
{
	uint64_t ma;

	pt_lookup((unsigned long)va, 1, &ma);
	return ma;
}

static uint64_t rw_pte(const void *frame_va)
{
	return ((uint64_t)virt_to_mfn(frame_va) << PAGE_SHIFT) | PTE_FLAGS |
	       _PAGE_RW;
}

/* A zeroed page that no longer has a writable mapping: a valid empty L1. */
static unsigned long *empty_table(void)
{
	unsigned long *t = page_alloc();

	memset(t, 0, PAGE_SIZE);
	if (page_set_writable(t, false))
		test_fatal("cannot map a page read-only");
	return t;
}

static void test_same_pte_twice(void)
{
	unsigned long *a = page_alloc(), *b = page_alloc();
	volatile unsigned long *w = page_alloc();
	struct mmu_update req[2];
	unsigned int done = 0;
	long rc;

	a[0] = 0xaaaa;
	b[0] = 0xbbbb;
	req[0] = (struct mmu_update){ pte_of((void *)w), rw_pte(a) };
	req[1] = (struct mmu_update){ pte_of((void *)w), rw_pte(b) };
	rc = hyp_mmu_update(req, 2, &done, DOMID_SELF);
	mmuext_one(MMUEXT_INVLPG_LOCAL, (unsigned long)w);
	CHECK_EQ("mmu_same_pte_twice_rc", rc, 0);
	CHECK_EQ("mmu_same_pte_twice_done", done, 2);
	CHECK("mmu_same_pte_second_wins", w[0] == 0xbbbb, "%#lx", w[0]);
}

static void test_frame_mapped_twice(void)
{
	unsigned long *t = empty_table();
	void *w1 = page_alloc(), *w2 = page_alloc();
	struct mmu_update req[2];
	unsigned int done = 0;
	long rc;

	req[0] = (struct mmu_update){ pte_of(w1), rw_pte(t) };
	req[1] = (struct mmu_update){ pte_of(w2), rw_pte(t) };
	rc = hyp_mmu_update(req, 2, &done, DOMID_SELF);
	CHECK("mmu_map_twice", rc == 0 && done == 2, "rc %ld done %u", rc,
	      done);
	CHECK_EQ("pin_while_mapped_twice",
		 mmuext_one(MMUEXT_PIN_L1_TABLE, virt_to_mfn(t)), -XEN_EINVAL);
	/* Drop one of the two: still writable through the other. */
	CHECK_EQ("unmap_one_of_two", mmu_update_one(pte_of(w1), 0), 0);
	CHECK_EQ("pin_while_mapped_once",
		 mmuext_one(MMUEXT_PIN_L1_TABLE, virt_to_mfn(t)), -XEN_EINVAL);
	CHECK_EQ("unmap_other", mmu_update_one(pte_of(w2), 0), 0);
	CHECK_EQ("pin_when_unmapped",
		 mmuext_one(MMUEXT_PIN_L1_TABLE, virt_to_mfn(t)), 0);
	CHECK_EQ("unpin_it", mmuext_one(MMUEXT_UNPIN_TABLE, virt_to_mfn(t)), 0);
}

static void test_pin_twice(void)
{
	unsigned long *t = empty_table();
	struct mmuext_op op[2] = { 0 };
	unsigned int done = 0;
	long rc;

	op[0].cmd = op[1].cmd = MMUEXT_PIN_L1_TABLE;
	op[0].arg1.mfn = op[1].arg1.mfn = virt_to_mfn(t);
	rc = hyp_mmuext_op(op, 2, &done, DOMID_SELF);
	CHECK_EQ("pin_twice_rc", rc, -XEN_EINVAL);
	CHECK_EQ("pin_twice_done", done, 1);

	op[0].cmd = op[1].cmd = MMUEXT_UNPIN_TABLE;
	done = 0;
	rc = hyp_mmuext_op(op, 2, &done, DOMID_SELF);
	CHECK_EQ("unpin_twice_rc", rc, -XEN_EINVAL);
	CHECK_EQ("unpin_twice_done", done, 1);
	/* No type reference was left behind by either refusal. */
	CHECK_EQ("writable_after_pin_twice", page_set_writable(t, true), 0);
}

/* The done count lands on the op array itself: written once, at the end. */
static void test_done_inside_ops(void)
{
	unsigned long *t = empty_table();
	struct mmuext_op op[2] = { 0 };
	long rc;

	op[0].cmd = MMUEXT_PIN_L1_TABLE;
	op[1].cmd = MMUEXT_UNPIN_TABLE;
	op[0].arg1.mfn = op[1].arg1.mfn = virt_to_mfn(t);
	rc = hyp_mmuext_op(op, 2, &op[1].cmd, DOMID_SELF);
	CHECK_EQ("done_inside_ops_rc", rc, 0);
	CHECK_EQ("done_inside_ops_count", op[1].cmd, 2);
	CHECK_EQ("done_inside_ops_unpinned", page_set_writable(t, true), 0);
}

static struct multicall_entry calls[3];

/* Element 0 rewrites element 1 (a plain write through mmu_update). */
static void test_multicall_rewrites_next(void)
{
	struct mmu_update req = { virt_to_machine(&calls[1].op),
				  __HYPERVISOR_xen_version };
	unsigned int done = 0;
	long rc;

	memset(calls, 0, sizeof(calls));
	calls[0].op = __HYPERVISOR_mmu_update;
	calls[0].args[0] = (unsigned long)&req;
	calls[0].args[1] = 1;
	calls[0].args[2] = (unsigned long)&done;
	calls[0].args[3] = DOMID_SELF;
	calls[1].op = NO_SUCH_HYPERCALL;
	calls[1].args[0] = XENVER_version;
	calls[2].op = __HYPERVISOR_multicall; /* no nesting */
	calls[2].args[0] = (unsigned long)calls;
	calls[2].args[1] = 1;
	rc = hyp_multicall(calls, 3);
	CHECK_EQ("multicall_rewrite_rc", rc, 0);
	CHECK_EQ("multicall_rewriter_result", calls[0].result, 0);
	CHECK_EQ("multicall_rewritten_ran", calls[1].result, (4 << 16) | 17);
	CHECK_EQ("multicall_nested_refused", calls[2].result, -XEN_EINVAL);
}

static void test_grant_twice(void)
{
	char *page = page_alloc(), *va1 = page_alloc(), *va2 = page_alloc();
	struct gnttab_map_grant_ref m[2] = { 0 };
	struct gnttab_unmap_grant_ref u[2] = { 0 };
	struct gnttab_swap_grant_ref s[2] = { 0 };
	long rc;

	page[0] = 'g';
	gnttab_grant(REF_A, SELF, virt_to_mfn(page), false);
	for (int i = 0; i < 2; i++) {
		m[i].host_addr = (unsigned long)(i ? va2 : va1);
		m[i].flags = GNTMAP_host_map;
		m[i].ref = REF_A;
		m[i].dom = SELF;
	}
	rc = hyp_grant_table_op(GNTTABOP_map_grant_ref, m, 2);
	mmuext_one(MMUEXT_INVLPG_LOCAL, (unsigned long)va1);
	mmuext_one(MMUEXT_INVLPG_LOCAL, (unsigned long)va2);
	CHECK("grant_map_twice", rc == 0 && !m[0].status && !m[1].status,
	      "rc %ld status %d %d", rc, m[0].status, m[1].status);
	CHECK("grant_map_twice_handles", m[0].handle != m[1].handle);
	CHECK("grant_map_twice_both_see",
	      *(volatile char *)va1 == 'g' && *(volatile char *)va2 == 'g');

	for (int i = 0; i < 2; i++) {
		u[i].host_addr = (unsigned long)va1;
		u[i].handle = m[0].handle;
	}
	rc = hyp_grant_table_op(GNTTABOP_unmap_grant_ref, u, 2);
	CHECK_EQ("grant_unmap_twice_rc", rc, 0);
	CHECK_EQ("grant_unmap_twice_first", u[0].status, GNTST_okay);
	CHECK_EQ("grant_unmap_twice_second", u[1].status, GNTST_bad_handle);
	CHECK("grant_still_in_use", !gnttab_end(REF_A));
	CHECK_EQ("grant_unmap_other",
		 gnttab_unmap(&u[0], va2, m[1].handle) ?: u[0].status, 0);
	CHECK("grant_ended", gnttab_end(REF_A));

	/* Swapping back and forth in one batch leaves both as they were. */
	gnttab_grant(REF_A, SELF, virt_to_mfn(page), false);
	gnttab_grant(REF_B, SELF, virt_to_mfn(va1), true);
	s[0] = (struct gnttab_swap_grant_ref){ REF_A, REF_B, 0 };
	s[1] = (struct gnttab_swap_grant_ref){ REF_B, REF_A, 0 };
	rc = hyp_grant_table_op(GNTTABOP_swap_grant_ref, s, 2);
	CHECK("grant_swap_twice",
	      rc == 0 && s[0].status == GNTST_okay && s[1].status == GNTST_okay,
	      "rc %ld status %d %d", rc, s[0].status, s[1].status);
	CHECK("grant_swap_twice_unchanged",
	      gnttab[REF_A].frame == virt_to_mfn(page) &&
		      gnttab[REF_B].frame == virt_to_mfn(va1) &&
		      (gnttab[REF_B].flags & GTF_readonly) &&
		      !(gnttab[REF_A].flags & GTF_readonly));
	gnttab_end(REF_A);
	gnttab_end(REF_B);
}

void test_main(void)
{
	long rc;

	test_same_pte_twice();
	test_frame_mapped_twice();
	test_pin_twice();
	test_done_inside_ops();
	test_multicall_rewrites_next();
	rc = gnttab_init();
	CHECK_EQ("gnttab_init", rc, 0);
	if (!rc)
		test_grant_twice();
	test_done();
}
