// SPDX-License-Identifier: MIT
/*
 * grant: grant tables v1 as the initial domain, in loopback (the domain
 * grants its own pages to itself, domid 0): setup_table, query_size,
 * versions, host mappings (writable, read-only, contains_pte, avail
 * bits), GTF_reading/GTF_writing while mapped, ending a grant in use,
 * unmap (twice), unmap_and_replace, copy by frame and by grant in both
 * directions, and the refusals: bad refs, domids, handles, addresses,
 * page-crossing copies, huge counts, transfer of a frame not ours.
 */
#include <libpv/grant.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <xen/errno.h>

#define SELF 0 /* the initial domain's id: loopback grants name it */
#define REF_RW 8 /* first entry after the reserved ones */
#define REF_RO 9
#define REF_OTHER 10 /* granted to another domain */
#define REF_COPY 11
#define HYP_VA 0xffff800000001000UL

/* size bytes at the end of a page that is followed by an unmapped one. */
static void *last_bytes(size_t size)
{
	char *page = page_alloc(), *next = page_alloc();

	hyp_update_va_mapping((unsigned long)next, 0, UVMF_INVLPG);
	return page + PAGE_SIZE - size;
}

static long gop(unsigned int cmd, void *op, unsigned int count)
{
	return hyp_grant_table_op(cmd, op, count);
}

static void test_setup(void)
{
	struct gnttab_query_size qs = { .dom = DOMID_SELF };
	struct gnttab_get_version gv = { .dom = DOMID_SELF };
	struct gnttab_set_version sv = { .version = 1 };
	xen_pfn_t frames[2];
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	long rc;

	CHECK_EQ("query_size_rc", gop(GNTTABOP_query_size, &qs, 1), 0);
	CHECK_EQ("query_size_status", qs.status, GNTST_okay);
	info("query_size nr_frames %u max %u", qs.nr_frames, qs.max_nr_frames);
	CHECK("query_size_frames",
	      qs.nr_frames >= 1 && qs.max_nr_frames >= qs.nr_frames);
	CHECK_EQ("query_size_count2", gop(GNTTABOP_query_size, &qs, 2),
		 -XEN_EINVAL);
	qs.dom = 0x7000;
	CHECK_EQ("query_size_bad_dom_rc", gop(GNTTABOP_query_size, &qs, 1), 0);
	CHECK_EQ("query_size_bad_dom", qs.status, GNTST_bad_domain);

	CHECK_EQ("get_version_rc", gop(GNTTABOP_get_version, &gv, 1), 0);
	CHECK_EQ("get_version_1", gv.version, 1);
	gv.dom = 0x7000;
	CHECK_EQ("get_version_bad_dom", gop(GNTTABOP_get_version, &gv, 1),
		 -XEN_ESRCH);
	CHECK_EQ("set_version_1", gop(GNTTABOP_set_version, &sv, 1), 0);
	sv.version = 3;
	CHECK_EQ("set_version_3", gop(GNTTABOP_set_version, &sv, 1),
		 -XEN_EINVAL);
	CHECK_EQ("set_version_3_reports_1", sv.version, 1);

	st.frame_list.p = frames;
	CHECK_EQ("setup_count2", gop(GNTTABOP_setup_table, &st, 2),
		 -XEN_EINVAL);
	st.nr_frames = 100000;
	CHECK_EQ("setup_too_many_rc", gop(GNTTABOP_setup_table, &st, 1), 0);
	CHECK_EQ("setup_too_many", st.status, GNTST_general_error);
	st.nr_frames = 1;
	st.frame_list.p = (xen_pfn_t *)HYP_VA;
	CHECK_EQ("setup_list_in_hyp", gop(GNTTABOP_setup_table, &st, 1),
		 -XEN_EFAULT);
	st.dom = 0x7000;
	st.frame_list.p = frames;
	CHECK_EQ("setup_bad_dom_rc", gop(GNTTABOP_setup_table, &st, 1), 0);
	CHECK_EQ("setup_bad_dom", st.status, GNTST_bad_domain);

	rc = gnttab_init();
	CHECK_EQ("setup_and_map_table", rc, 0);
	if (rc)
		test_fatal("no grant table");
	CHECK_EQ("table_starts_empty", gnttab[REF_RW].flags, 0);
	CHECK_EQ("unknown_cmd", gop(13, &qs, 1), -XEN_ENOSYS);
	CHECK_EQ("cmd_high_bits", gop(GNTTABOP_query_size | 0x1000, &qs, 1),
		 -XEN_EINVAL);
	CHECK_EQ("negative_count", gop(GNTTABOP_copy, &qs, 0x80000000u),
		 -XEN_EINVAL);
}

static void test_map(void)
{
	uint32_t *page = page_alloc(), *ro_page = page_alloc();
	uint32_t *va = page_alloc(), *va2 = page_alloc();
	struct gnttab_map_grant_ref m, m2;
	struct gnttab_unmap_grant_ref u;
	pte_t pte;

	page[0] = 0x11223344;
	ro_page[0] = 0x55667788;
	gnttab_grant(REF_RW, SELF, virt_to_mfn(page), false);
	gnttab_grant(REF_RO, SELF, virt_to_mfn(ro_page), true);

	CHECK_EQ("map_rc", gnttab_map(&m, SELF, REF_RW, va, GNTMAP_host_map),
		 0);
	CHECK_EQ("map_status", m.status, GNTST_okay);
	CHECK_EQ("map_reads_granted_page", va[0], 0x11223344);
	va[1] = 0xabcdef;
	CHECK_EQ("map_writes_granted_page", page[1], 0xabcdef);
	CHECK_EQ("map_dev_bus_addr", m.dev_bus_addr,
		 (uint64_t)virt_to_mfn(page) << PAGE_SHIFT);
	CHECK_EQ("map_sets_reading_writing",
		 gnttab[REF_RW].flags & (GTF_reading | GTF_writing),
		 GTF_reading | GTF_writing);
	pte = pt_get_pte((unsigned long)va);
	CHECK_EQ("map_pte_frame", (pte & PTE_ADDR_MASK) >> PAGE_SHIFT,
		 virt_to_mfn(page));
	CHECK("map_pte_rw_nx", (pte & _PAGE_RW) && (pte & _PAGE_NX), "pte %#lx",
	      pte);
	CHECK("end_refused_while_mapped", !gnttab_end(REF_RW));

	/* A second, read-only mapping of the same grant. */
	CHECK_EQ("map_ro_rc",
		 gnttab_map(&m2, SELF, REF_RW, va2,
			    GNTMAP_host_map | GNTMAP_readonly),
		 0);
	CHECK_EQ("map_ro_status", m2.status, GNTST_okay);
	CHECK("map_ro_pte_readonly",
	      !(pt_get_pte((unsigned long)va2) & _PAGE_RW));
	CHECK("handles_differ", m.handle != m2.handle);

	CHECK_EQ("unmap_rc", gnttab_unmap(&u, va, m.handle), 0);
	CHECK_EQ("unmap_status", u.status, GNTST_okay);
	CHECK_EQ("unmap_clears_pte", pt_get_pte((unsigned long)va), 0);
	CHECK_EQ("writing_cleared_reading_kept",
		 gnttab[REF_RW].flags & (GTF_reading | GTF_writing),
		 GTF_reading);
	CHECK_EQ("unmap_twice_rc", gnttab_unmap(&u, va, m.handle), 0);
	CHECK_EQ("unmap_twice", u.status, GNTST_bad_handle);
	/* The wrong address for a live handle. */
	CHECK_EQ("unmap_wrong_addr_rc", gnttab_unmap(&u, va, m2.handle), 0);
	CHECK_EQ("unmap_wrong_addr", u.status, GNTST_general_error);
	CHECK_EQ("unmap_ro", gnttab_unmap(&u, va2, m2.handle) ?: u.status, 0);
	CHECK_EQ("flags_clear_after_unmap",
		 gnttab[REF_RW].flags & (GTF_reading | GTF_writing), 0);
	CHECK("end_after_unmap", gnttab_end(REF_RW));
	CHECK_EQ("unmap_bad_handle",
		 gnttab_unmap(&u, va, 0x7fffffff) ?: u.status,
		 GNTST_bad_handle);

	/* A read-only grant maps read-only only. */
	gnttab_map(&m, SELF, REF_RO, va, GNTMAP_host_map);
	CHECK_EQ("map_ro_grant_writable", m.status, GNTST_general_error);
	CHECK_EQ("map_ro_grant_writable_no_flags",
		 gnttab[REF_RO].flags & (GTF_reading | GTF_writing), 0);
	gnttab_map(&m, SELF, REF_RO, va, GNTMAP_host_map | GNTMAP_readonly);
	CHECK_EQ("map_ro_grant_readonly", m.status, GNTST_okay);
	CHECK_EQ("map_ro_grant_reads", va[0], 0x55667788);
	CHECK_EQ("map_ro_grant_flags",
		 gnttab[REF_RO].flags & (GTF_reading | GTF_writing),
		 GTF_reading);
	CHECK_EQ("unmap_ro_grant", gnttab_unmap(&u, va, m.handle) ?: u.status,
		 0);

	/* GNTMAP_contains_pte: host_addr is the PTE's machine address. */
	{
		uint64_t ma;

		pt_lookup((unsigned long)va2, 1, &ma);
		gnttab_grant(REF_RW, SELF, virt_to_mfn(page), false);
		gnttab_map(&m, SELF, REF_RW, (void *)ma,
			   GNTMAP_host_map | GNTMAP_contains_pte);
		CHECK_EQ("map_contains_pte", m.status, GNTST_okay);
		hyp_update_va_mapping((unsigned long)va2,
				      pt_get_pte((unsigned long)va2),
				      UVMF_INVLPG);
		CHECK_EQ("contains_pte_reads", va2[0], 0x11223344);
		gnttab_unmap(&u, (void *)ma, m.handle);
		CHECK_EQ("unmap_contains_pte", u.status, GNTST_okay);
		gnttab_map(&m, SELF, REF_RW, (void *)(ma + 4),
			   GNTMAP_host_map | GNTMAP_contains_pte);
		CHECK_EQ("map_contains_pte_unaligned", m.status,
			 GNTST_general_error);
	}

	/* Guest-available bits (XENFEAT_gnttab_map_avail_bits). */
	gnttab_map(&m, SELF, REF_RW, va,
		   GNTMAP_host_map | (5u << _GNTMAP_guest_avail0));
	CHECK_EQ("map_avail_bits_status", m.status, GNTST_okay);
	CHECK_EQ("map_avail_bits_pte", (pt_get_pte((unsigned long)va) >> 9) & 7,
		 5);
	CHECK_EQ("unmap_avail", gnttab_unmap(&u, va, m.handle) ?: u.status, 0);
	CHECK("end_rw_again", gnttab_end(REF_RW));
}

/*
 * GNTMAP_device_map without an IOMMU (PV, as Xen): the bus address is the
 * frame's machine address; host and device parts are unmapped apart, and
 * the handle lives until both are gone.
 */
static long unmap_parts(grant_handle_t h, void *va, uint64_t bus)
{
	struct gnttab_unmap_grant_ref u = { .host_addr = (uint64_t)va,
					    .dev_bus_addr = bus,
					    .handle = h };
	long rc = hyp_grant_table_op(GNTTABOP_unmap_grant_ref, &u, 1);

	return rc ? rc : u.status;
}

static void test_device_map(void)
{
	uint32_t *page = page_alloc(), *va = page_alloc();
	uint64_t bus = (uint64_t)virt_to_mfn(page) << PAGE_SHIFT;
	struct gnttab_map_grant_ref m;
	uint16_t busy = GTF_reading | GTF_writing;

	gnttab_grant(REF_RW, SELF, virt_to_mfn(page), false);
	gnttab_map(&m, SELF, REF_RW, NULL, GNTMAP_device_map);
	CHECK_EQ("device_map", m.status, GNTST_okay);
	CHECK_EQ("device_map_bus_addr", m.dev_bus_addr, bus);
	CHECK_EQ("device_map_flags", gnttab[REF_RW].flags & busy, busy);
	CHECK("device_map_end_refused", !gnttab_end(REF_RW));
	CHECK_EQ("device_unmap_bad_bus_addr",
		 unmap_parts(m.handle, NULL, bus + PAGE_SIZE),
		 GNTST_bad_dev_addr);
	CHECK_EQ("device_unmap_host_part_only", unmap_parts(m.handle, va, 0),
		 GNTST_okay);
	CHECK_EQ("device_map_still_pinned", gnttab[REF_RW].flags & busy, busy);
	CHECK_EQ("device_unmap", unmap_parts(m.handle, NULL, bus), GNTST_okay);
	CHECK_EQ("device_unmap_clears", gnttab[REF_RW].flags & busy, 0);
	CHECK_EQ("device_unmap_twice", unmap_parts(m.handle, NULL, bus),
		 GNTST_bad_handle);
	CHECK("device_map_end", gnttab_end(REF_RW));

	/* Both at once, read-only: the host part goes first. */
	gnttab_grant(REF_RO, SELF, virt_to_mfn(page), true);
	gnttab_map(&m, SELF, REF_RO, va,
		   GNTMAP_host_map | GNTMAP_device_map | GNTMAP_readonly);
	CHECK_EQ("host_device_map", m.status, GNTST_okay);
	CHECK("host_device_map_pte_ro",
	      !(pt_get_pte((unsigned long)va) & _PAGE_RW));
	CHECK_EQ("host_device_unmap_host", unmap_parts(m.handle, va, 0),
		 GNTST_okay);
	CHECK_EQ("host_device_pte_cleared", pt_get_pte((unsigned long)va), 0);
	CHECK_EQ("host_device_device_left", gnttab[REF_RO].flags & busy,
		 GTF_reading);
	CHECK_EQ("host_device_unmap_device", unmap_parts(m.handle, NULL, bus),
		 GNTST_okay);
	CHECK_EQ("host_device_unmapped", gnttab[REF_RO].flags & busy, 0);
	CHECK("host_device_end", gnttab_end(REF_RO));
}

static void test_map_refusals(void)
{
	uint32_t *page = page_alloc(), *va = page_alloc();
	struct gnttab_map_grant_ref m;

	gnttab_grant(REF_OTHER, 5, virt_to_mfn(page), false);
	gnttab_map(&m, SELF, REF_OTHER, va, GNTMAP_host_map);
	CHECK_EQ("map_not_for_us", m.status, GNTST_general_error);
	gnttab_map(&m, SELF, 8 * 512 * 64, va, GNTMAP_host_map);
	CHECK_EQ("map_ref_beyond_table", m.status, GNTST_bad_gntref);
	gnttab_map(&m, SELF, 0xffffffff, va, GNTMAP_host_map);
	CHECK_EQ("map_ref_huge", m.status, GNTST_bad_gntref);
	gnttab_map(&m, 0x7000, REF_RW, va, GNTMAP_host_map);
	CHECK_EQ("map_bad_domain", m.status, GNTST_bad_domain);
	gnttab_map(&m, DOMID_SELF, REF_RW, va, GNTMAP_host_map);
	CHECK_EQ("map_domid_self", m.status, GNTST_bad_domain);
	gnttab_map(&m, SELF, REF_RW, va, 0);
	CHECK_EQ("map_no_flags", m.status, GNTST_bad_gntref);
	gnttab_map(&m, SELF, 20, va, GNTMAP_host_map);
	CHECK_EQ("map_invalid_entry", m.status, GNTST_general_error);

	gnttab_grant(REF_RW, SELF, virt_to_mfn(page), false);
	gnttab_map(&m, SELF, REF_RW, (void *)HYP_VA, GNTMAP_host_map);
	CHECK_EQ("map_hyp_va", m.status, GNTST_general_error);
	gnttab_map(&m, SELF, REF_RW, (void *)0x0000800000000000UL,
		   GNTMAP_host_map);
	CHECK_EQ("map_noncanonical_va", m.status, GNTST_general_error);
	gnttab_map(&m, SELF, REF_RW, (void *)0x1000, GNTMAP_host_map);
	CHECK_EQ("map_unmapped_va", m.status, GNTST_general_error);
	CHECK_EQ("failed_maps_leave_no_flags",
		 gnttab[REF_RW].flags & (GTF_reading | GTF_writing), 0);
	/* Granting one of our page tables: a writable map cannot pin it. */
	gnttab_grant(REF_COPY, SELF,
		     start_info->pt_base ?
			     virt_to_mfn((void *)start_info->pt_base) :
			     0,
		     false);
	gnttab_map(&m, SELF, REF_COPY, va, GNTMAP_host_map);
	CHECK_EQ("map_page_table_writable", m.status, GNTST_general_error);
	CHECK("end_after_refusals", gnttab_end(REF_RW) && gnttab_end(REF_COPY));
	/* One element before an unmapped page, then a huge count. */
	{
		struct gnttab_map_grant_ref *h = last_bytes(sizeof(*h));

		gnttab_map(h, SELF, REF_RW, va, 0);
		h->status = 1;
		CHECK_EQ("map_huge_count",
			 gop(GNTTABOP_map_grant_ref, h, 0x7fffffff),
			 -XEN_EFAULT);
		CHECK_EQ("map_huge_count_first_done", h->status,
			 GNTST_bad_gntref);
	}
}

static void test_copy(void)
{
	uint8_t *a = page_alloc(), *b = page_alloc();
	struct gnttab_copy c;

	for (int i = 0; i < 64; i++)
		a[i] = (uint8_t)(i + 1);
	gnttab_grant(REF_COPY, SELF, virt_to_mfn(b), false);

	/* Frame to grant, then grant to frame. */
	memset(&c, 0, sizeof(c));
	c.source.u.gmfn = virt_to_mfn(a);
	c.source.domid = DOMID_SELF;
	c.source.offset = 0;
	c.dest.u.ref = REF_COPY;
	c.dest.domid = SELF;
	c.dest.offset = 100;
	c.len = 64;
	c.flags = GNTCOPY_dest_gref;
	CHECK_EQ("copy_to_grant_rc", gop(GNTTABOP_copy, &c, 1), 0);
	CHECK_EQ("copy_to_grant", c.status, GNTST_okay);
	CHECK("copy_to_grant_data", !memcmp(b + 100, a, 64));
	CHECK_EQ("copy_leaves_no_flags",
		 gnttab[REF_COPY].flags & (GTF_reading | GTF_writing), 0);

	memset(&c, 0, sizeof(c));
	c.source.u.ref = REF_COPY;
	c.source.domid = SELF;
	c.source.offset = 100;
	c.dest.u.gmfn = virt_to_mfn(a);
	c.dest.domid = DOMID_SELF;
	c.dest.offset = 2000;
	c.len = 64;
	c.flags = GNTCOPY_source_gref;
	CHECK_EQ("copy_from_grant", gop(GNTTABOP_copy, &c, 1) ?: c.status, 0);
	CHECK("copy_from_grant_data", !memcmp(a + 2000, a, 64));

	c.source.offset = 4090;
	CHECK_EQ("copy_cross_page", gop(GNTTABOP_copy, &c, 1) ?: c.status,
		 GNTST_bad_copy_arg);
	c.source.offset = 0;
	c.dest.offset = 4095;
	c.len = 2;
	CHECK_EQ("copy_cross_page_dest", gop(GNTTABOP_copy, &c, 1) ?: c.status,
		 GNTST_bad_copy_arg);
	c.dest.offset = 0;
	c.len = 4096;
	CHECK_EQ("copy_whole_page", gop(GNTTABOP_copy, &c, 1) ?: c.status, 0);
	c.source.u.ref = 0xfffff;
	CHECK_EQ("copy_bad_ref", gop(GNTTABOP_copy, &c, 1) ?: c.status,
		 GNTST_bad_gntref);
	c.source.u.ref = REF_COPY;
	c.dest.domid = SELF; /* a frame named by id, not DOMID_SELF */
	CHECK_EQ("copy_frame_by_id", gop(GNTTABOP_copy, &c, 1) ?: c.status,
		 GNTST_permission_denied);
	c.dest.domid = DOMID_SELF;
	c.source.domid = 0x7000;
	CHECK_EQ("copy_bad_domain", gop(GNTTABOP_copy, &c, 1) ?: c.status,
		 GNTST_bad_domain);
	c.source.domid = SELF;
	c.dest.u.gmfn = 0xffffffffff;
	CHECK_EQ("copy_bad_frame", gop(GNTTABOP_copy, &c, 1) ?: c.status,
		 GNTST_bad_page);
	c.dest.u.gmfn = virt_to_mfn((void *)start_info->pt_base);
	CHECK_EQ("copy_into_page_table", gop(GNTTABOP_copy, &c, 1) ?: c.status,
		 GNTST_general_error);
	/* Into a grant of a page table: refused, the grant left unpinned. */
	gnttab_grant(REF_RO, SELF, virt_to_mfn((void *)start_info->pt_base),
		     false);
	c.flags = GNTCOPY_dest_gref;
	c.dest.u.ref = REF_RO;
	c.dest.domid = SELF;
	c.source.u.gmfn = virt_to_mfn(a);
	c.source.domid = DOMID_SELF;
	CHECK_EQ("copy_into_page_table_grant",
		 gop(GNTTABOP_copy, &c, 1) ?: c.status, GNTST_general_error);
	CHECK_EQ("copy_into_page_table_grant_no_flags",
		 gnttab[REF_RO].flags & (GTF_reading | GTF_writing), 0);
	CHECK("end_page_table_grant", gnttab_end(REF_RO));
	CHECK_EQ("copy_leaves_no_flags_after_errors",
		 gnttab[REF_COPY].flags & (GTF_reading | GTF_writing), 0);

	/* Copying into a read-only grant is refused. */
	gnttab_grant(REF_COPY, SELF, virt_to_mfn(b), true);
	memset(&c, 0, sizeof(c));
	c.source.u.gmfn = virt_to_mfn(a);
	c.source.domid = DOMID_SELF;
	c.dest.u.ref = REF_COPY;
	c.dest.domid = SELF;
	c.len = 8;
	c.flags = GNTCOPY_dest_gref;
	CHECK_EQ("copy_into_ro_grant", gop(GNTTABOP_copy, &c, 1) ?: c.status,
		 GNTST_general_error);
	/* A revoked grant cannot be used any more. */
	CHECK("end_copy_grant", gnttab_end(REF_COPY));
	c.flags = GNTCOPY_source_gref;
	c.source.u.ref = REF_COPY;
	c.source.domid = SELF;
	c.dest.u.gmfn = virt_to_mfn(a);
	c.dest.domid = DOMID_SELF;
	CHECK_EQ("copy_revoked", gop(GNTTABOP_copy, &c, 1) ?: c.status,
		 GNTST_general_error);
	{
		struct gnttab_copy *h = last_bytes(sizeof(*h));

		*h = c;
		h->status = 1;
		CHECK_EQ("copy_huge_count", gop(GNTTABOP_copy, h, 0x7fffffff),
			 -XEN_EFAULT);
		CHECK_EQ("copy_huge_count_first_done", h->status,
			 GNTST_general_error);
	}
	CHECK_EQ("copy_count_0", gop(GNTTABOP_copy, &c, 0), 0);
}

static void test_misc(void)
{
	uint32_t *page = page_alloc(), *va = page_alloc(),
		 *other = page_alloc();
	struct gnttab_map_grant_ref m;
	struct gnttab_unmap_and_replace r;
	struct gnttab_transfer t = { .mfn = 0xffffffffff,
				     .domid = SELF,
				     .ref = REF_RW };
	struct gnttab_swap_grant_ref s = { .ref_a = REF_RW, .ref_b = REF_RO };
	struct gnttab_get_status_frames gs = { .nr_frames = 1,
					       .dom = DOMID_SELF };

	other[0] = 0x99;
	page[0] = 0x42;
	gnttab_grant(REF_RW, SELF, virt_to_mfn(page), false);
	gnttab_map(&m, SELF, REF_RW, va, GNTMAP_host_map);
	CHECK_EQ("replace_map", m.status, GNTST_okay);
	memset(&r, 0, sizeof(r));
	r.host_addr = (uint64_t)va;
	r.new_addr = (uint64_t)other;
	r.handle = m.handle;
	CHECK_EQ("unmap_and_replace",
		 gop(GNTTABOP_unmap_and_replace, &r, 1) ?: r.status, 0);
	CHECK_EQ("replace_moves_pte", va[0], 0x99);
	CHECK_EQ("replace_clears_new_addr", pt_get_pte((unsigned long)other),
		 0);
	CHECK("end_after_replace", gnttab_end(REF_RW));

	CHECK_EQ("transfer_bad_frame",
		 gop(GNTTABOP_transfer, &t, 1) ?: t.status, GNTST_bad_page);
	gnttab_grant(REF_RO, SELF, 1234, true);
	CHECK_EQ("swap_rc", gop(GNTTABOP_swap_grant_ref, &s, 1), 0);
	CHECK_EQ("swap_status", s.status, GNTST_okay);
	CHECK_EQ("swap_moved_entry", gnttab[REF_RW].frame, 1234);
	s.ref_b = 0xfffff;
	CHECK_EQ("swap_bad_ref",
		 gop(GNTTABOP_swap_grant_ref, &s, 1) ?: s.status,
		 GNTST_bad_gntref);
	gnttab[REF_RW].flags = 0;
	CHECK_EQ("status_frames_v1",
		 gop(GNTTABOP_get_status_frames, &gs, 1) ?: gs.status,
		 GNTST_general_error);
}

void test_main(void)
{
	test_setup();
	test_map();
	test_device_map();
	test_map_refusals();
	test_copy();
	test_misc();
}
