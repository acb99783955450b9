// SPDX-License-Identifier: MIT
/*
 * grantpeer: boot domains sharing memory through grants (not a
 * conformance guest: Xen here boots no domU to compare with). The role
 * comes from the command line:
 *
 *   role=granter (domain 1)  grants pages to domains 2 and 3, checks what
 *                            they wrote, then exits with ref 14 mapped
 *   role=mapper  (domain 2)  maps and copies domain 1's grants, tries the
 *                            refused cases, outlives the granter
 *   role=holder  (domain 3)  maps one grant and exits without unmapping
 *
 * Convention (the peers never exchange messages to find each other):
 * domain 1's table is set up with one frame and these refs, all granted
 * before ref 8 is, so a peer that can map ref 8 finds the rest in place:
 *   8  page P, writable, to d2: mapped; d2 writes MAGIC_MAPPED at word 1
 *   9  page Q, read-only, to d2: copied from; word 0 = MAGIC_Q; d1 writes
 *      MAGIC_BYE at word 1 just before it exits, MAGIC_CHECKED at
 *      word 2 once it has seen ref 8 in use (then d2 unmaps it)
 *   10 page R, writable, to d2: copied into (MAGIC_COPIED at word 0)
 *   12 granted to d2 and ended again: revoked
 *   13 granted to d0 only: not for d2
 *   14 page S, writable, to d2: still mapped when d1 exits
 *   15 page T, writable, to d3: d3 writes MAGIC_HELD and exits mapped
 * Waits are bounded (WAIT_NS) polls with SCHEDOP_yield in between.
 */
#include <libpv/grant.h>
#include <libpv/hypercall.h>
#include <libpv/libpv.h>
#include <libpv/mm.h>
#include <libpv/string.h>
#include <libpv/test.h>
#include <libpv/time.h>
#include <xen/errno.h>
#include <xen/sched.h>

#define GRANTER 1
#define MAPPER 2
#define HOLDER 3
#define REF_MAP 8
#define REF_RO 9
#define REF_COPY 10
#define REF_REVOKED 12
#define REF_NOT_OURS 13
#define REF_KEEP 14
#define REF_HOLD 15
#define MAGIC_MAPPED 0x6d617070u
#define MAGIC_Q 0x51515151u
#define MAGIC_BYE 0x62796521u
#define MAGIC_CHECKED 0x636b6564u
#define MAGIC_COPIED 0x636f7079u
#define MAGIC_HELD 0x68656c64u
#define MAGIC_S 0x53535353u
#define WAIT_NS (20ULL * 1000000000ULL)

/* Poll until *word == want (or, with clear, until it has no bit of want). */
static bool wait_for(volatile uint32_t *word, uint32_t want, bool clear)
{
	uint64_t deadline = system_time_ns() + WAIT_NS;

	while (system_time_ns() < deadline) {
		if (clear ? !(*word & want) : *word == want)
			return true;
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	return false;
}

static volatile uint32_t *flags_word(grant_ref_t ref)
{
	return (volatile uint32_t *)&gnttab[ref];
}

static void granter(void)
{
	uint32_t *p = page_alloc(), *q = page_alloc(), *r = page_alloc();
	uint32_t *s = page_alloc(), *t = page_alloc();

	q[0] = MAGIC_Q;
	s[0] = MAGIC_S;
	gnttab_grant(REF_REVOKED, MAPPER, virt_to_mfn(p), false);
	CHECK("end_unused_grant", gnttab_end(REF_REVOKED));
	gnttab_grant(REF_NOT_OURS, 0, virt_to_mfn(p), false);
	gnttab_grant(REF_RO, MAPPER, virt_to_mfn(q), true);
	gnttab_grant(REF_COPY, MAPPER, virt_to_mfn(r), false);
	gnttab_grant(REF_KEEP, MAPPER, virt_to_mfn(s), false);
	gnttab_grant(REF_HOLD, HOLDER, virt_to_mfn(t), false);
	gnttab_grant(REF_MAP, MAPPER, virt_to_mfn(p), false);

	CHECK("peer_wrote_through_map", wait_for(&p[1], MAGIC_MAPPED, false));
	CHECK("end_refused_while_mapped", !gnttab_end(REF_MAP));
	q[2] = MAGIC_CHECKED; /* the mapper may unmap now */
	CHECK("peer_copied_in", wait_for(&r[0], MAGIC_COPIED, false));
	/* The mapper unmaps last: then the grant can end. */
	CHECK("peer_unmapped",
	      wait_for(flags_word(REF_MAP), GTF_reading | GTF_writing, true));
	CHECK("end_after_peer_unmap", gnttab_end(REF_MAP));
	/* The holder exited mapped: its exit released the mapping. */
	CHECK("holder_wrote", wait_for(&t[0], MAGIC_HELD, false));
	CHECK("holder_exit_released",
	      wait_for(flags_word(REF_HOLD), GTF_reading | GTF_writing, true));
	CHECK("end_after_holder_exit", gnttab_end(REF_HOLD));
	CHECK("keep_still_mapped", !gnttab_end(REF_KEEP));
	q[1] = MAGIC_BYE; /* exit with ref 14 mapped by the mapper */
}

static long map_retry(struct gnttab_map_grant_ref *m, domid_t dom,
		      grant_ref_t ref, void *va, uint32_t flags)
{
	uint64_t deadline = system_time_ns() + WAIT_NS;
	long rc;

	do {
		rc = gnttab_map(m, dom, ref, va, flags);
		if (rc || m->status != GNTST_general_error)
			return rc;
		hyp_sched_op(SCHEDOP_yield, NULL);
	} while (system_time_ns() < deadline);
	return rc;
}

static int copy_page(grant_ref_t ref, uint16_t flags, void *mine,
		     uint16_t offset, uint16_t len)
{
	struct gnttab_copy c;
	struct gnttab_copy_ptr *theirs =
		flags & GNTCOPY_source_gref ? &c.source : &c.dest;
	struct gnttab_copy_ptr *ours = theirs == &c.source ? &c.dest :
							     &c.source;

	memset(&c, 0, sizeof(c));
	theirs->u.ref = ref;
	theirs->domid = GRANTER;
	theirs->offset = offset;
	ours->u.gmfn = virt_to_mfn(mine);
	ours->domid = DOMID_SELF;
	c.len = len;
	c.flags = flags;
	if (hyp_grant_table_op(GNTTABOP_copy, &c, 1))
		return -1000;
	return c.status;
}

/* Poll the granter's read-only page (by copy) until word == want. */
static bool wait_for_peer_word(uint32_t *buf, unsigned int word, uint32_t want)
{
	uint64_t deadline = system_time_ns() + WAIT_NS;

	buf[word] = 0;
	while (system_time_ns() < deadline) {
		copy_page(REF_RO, GNTCOPY_source_gref, buf, 0, 16);
		if (buf[word] == want)
			return true;
		hyp_sched_op(SCHEDOP_yield, NULL);
	}
	return false;
}

static void mapper(void)
{
	uint32_t *va = page_alloc(), *keep = page_alloc(), *buf = page_alloc();
	struct gnttab_map_grant_ref m, k;
	struct gnttab_unmap_grant_ref u;

	CHECK_EQ("map_peer",
		 map_retry(&m, GRANTER, REF_MAP, va, GNTMAP_host_map) ?:
									m.status,
		 0);
	va[1] = MAGIC_MAPPED;
	CHECK_EQ("copy_from_peer",
		 copy_page(REF_RO, GNTCOPY_source_gref, buf, 0, 8), 0);
	CHECK_EQ("copy_from_peer_data", buf[0], MAGIC_Q);
	buf[0] = MAGIC_COPIED;
	CHECK_EQ("copy_to_peer",
		 copy_page(REF_COPY, GNTCOPY_dest_gref, buf, 0, 4), 0);
	CHECK_EQ("copy_into_ro_grant",
		 copy_page(REF_RO, GNTCOPY_dest_gref, buf, 0, 4),
		 GNTST_general_error);
	CHECK_EQ("copy_past_page",
		 copy_page(REF_COPY, GNTCOPY_dest_gref, buf, 4000, 200),
		 GNTST_bad_copy_arg);
	CHECK_EQ("copy_ref_beyond_table",
		 copy_page(100000, GNTCOPY_source_gref, buf, 0, 4),
		 GNTST_bad_gntref);
	gnttab_map(&k, GRANTER, REF_REVOKED, keep, GNTMAP_host_map);
	CHECK_EQ("map_revoked", k.status, GNTST_general_error);
	gnttab_map(&k, GRANTER, REF_NOT_OURS, keep, GNTMAP_host_map);
	CHECK_EQ("map_not_for_us", k.status, GNTST_general_error);
	gnttab_map(&k, GRANTER, 100000, keep, GNTMAP_host_map);
	CHECK_EQ("map_ref_beyond_table", k.status, GNTST_bad_gntref);
	gnttab_map(&k, GRANTER, REF_COPY, (void *)0xffff800000001000UL,
		   GNTMAP_host_map);
	CHECK_EQ("map_hyp_va", k.status, GNTST_general_error);
	CHECK_EQ("map_huge_count",
		 hyp_grant_table_op(GNTTABOP_map_grant_ref,
				    (void *)0xffff800000001000UL, 0x7fffffff),
		 -XEN_EFAULT);
	CHECK("granter_checked", wait_for_peer_word(buf, 2, MAGIC_CHECKED));
	CHECK_EQ("unmap_peer", gnttab_unmap(&u, va, m.handle) ?: u.status, 0);

	CHECK_EQ("map_keep",
		 gnttab_map(&k, GRANTER, REF_KEEP, keep, GNTMAP_host_map) ?:
			 k.status,
		 0);
	CHECK("granter_bye", wait_for_peer_word(buf, 1, MAGIC_BYE));
	/* Let it shut down, then use the mapping it left behind. */
	for (uint64_t until = system_time_ns() + 200000000ULL;
	     system_time_ns() < until;)
		hyp_sched_op(SCHEDOP_yield, NULL);
	CHECK_EQ("map_outlives_granter", keep[0], MAGIC_S);
	keep[1] = 1;
	CHECK_EQ("unmap_after_granter_exit",
		 gnttab_unmap(&u, keep, k.handle) ?: u.status, 0);
}

static void holder(void)
{
	uint32_t *va = page_alloc();
	struct gnttab_map_grant_ref m;

	CHECK_EQ("map_hold",
		 map_retry(&m, GRANTER, REF_HOLD, va, GNTMAP_host_map) ?:
									 m.status,
		 0);
	va[0] = MAGIC_HELD; /* and exit with the mapping in place */
}

void test_main(void)
{
	const char *cmd = (const char *)start_info->cmd_line;
	long rc = gnttab_init();

	CHECK_EQ("grant_table_setup", rc, 0);
	if (rc)
		return;
	if (strstr(cmd, "role=granter"))
		granter();
	else if (strstr(cmd, "role=mapper"))
		mapper();
	else if (strstr(cmd, "role=holder"))
		holder();
	else
		CHECK("role_known", 0, "cmdline '%s'", cmd);
}
