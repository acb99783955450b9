// SPDX-License-Identifier: MIT
/* Guest-side grant table helpers (see <libpv/grant.h>). */
#include <libpv/grant.h>
#include <libpv/mm.h>
#include <libpv/string.h>

struct grant_entry_v1 *gnttab;

long gnttab_init(void)
{
	xen_pfn_t frame = 0;
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	void *va;
	long rc;

	st.frame_list.p = &frame;
	rc = hyp_grant_table_op(GNTTABOP_setup_table, &st, 1);
	if (rc)
		return rc;
	if (st.status)
		return st.status;
	va = page_alloc();
	rc = hyp_update_va_mapping((unsigned long)va,
				   ((uint64_t)frame << PAGE_SHIFT) |
					   _PAGE_PRESENT | _PAGE_RW |
					   _PAGE_ACCESSED | _PAGE_DIRTY,
				   UVMF_INVLPG);
	if (!rc)
		gnttab = va;
	return rc;
}

void gnttab_grant(grant_ref_t ref, domid_t domid, unsigned long mfn,
		  bool readonly)
{
	struct grant_entry_v1 *e = &gnttab[ref];

	e->frame = (uint32_t)mfn;
	e->domid = domid;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	e->flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
}

bool gnttab_end(grant_ref_t ref)
{
	uint16_t flags = __atomic_load_n(&gnttab[ref].flags, __ATOMIC_SEQ_CST);

	do {
		if (flags & (GTF_reading | GTF_writing))
			return false;
	} while (!__atomic_compare_exchange_n(&gnttab[ref].flags, &flags, 0,
					      false, __ATOMIC_SEQ_CST,
					      __ATOMIC_SEQ_CST));
	return true;
}

static void mmuext_invlpg(void *va)
{
	struct mmuext_op op = { .cmd = MMUEXT_INVLPG_LOCAL,
				.arg1.linear_addr = (unsigned long)va };

	hyp_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

long gnttab_map(struct gnttab_map_grant_ref *op, domid_t dom, grant_ref_t ref,
		void *va, uint32_t flags)
{
	long rc;

	memset(op, 0, sizeof(*op));
	op->host_addr = (uint64_t)va;
	op->flags = flags;
	op->ref = ref;
	op->dom = dom;
	rc = hyp_grant_table_op(GNTTABOP_map_grant_ref, op, 1);
	/* Xen does not flush a replaced entry: drop any stale translation. */
	if (!rc && !op->status && !(flags & GNTMAP_contains_pte))
		mmuext_invlpg(va);
	return rc;
}

long gnttab_unmap(struct gnttab_unmap_grant_ref *op, void *va,
		  grant_handle_t handle)
{
	memset(op, 0, sizeof(*op));
	op->host_addr = (uint64_t)va;
	op->handle = handle;
	return hyp_grant_table_op(GNTTABOP_unmap_grant_ref, op, 1);
}
