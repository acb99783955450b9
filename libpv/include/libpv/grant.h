/* SPDX-License-Identifier: MIT */
/*
 * Grant tables from the guest side (v1): the table's frames come from
 * GNTTABOP_setup_table and are mapped writable; an entry is filled in
 * (frame, domid, then flags) to grant, and ended with a compare-and-swap
 * that fails while the hypervisor has GTF_reading/GTF_writing set.
 */
#ifndef LIBPV_GRANT_H
#define LIBPV_GRANT_H

#include <stdbool.h>
#include <stdint.h>
#include <libpv/hypercall.h>
#include <xen/grant_table.h>

static inline long hyp_grant_table_op(unsigned int cmd, void *uop,
				      unsigned int count)
{
	return HC(grant_table_op, cmd, uop, count, 0, 0);
}

/* The caller's table (one frame, 512 entries), mapped by gnttab_init. */
extern struct grant_entry_v1 *gnttab;

/* setup_table for one frame and map it. 0 or a negative error/status. */
long gnttab_init(void);
/* Let domid use mfn through ref (readonly or not). */
void gnttab_grant(grant_ref_t ref, domid_t domid, unsigned long mfn,
		  bool readonly);
/* End a grant; false while the grantee still has it in use. */
bool gnttab_end(grant_ref_t ref);

/* One map/unmap/copy, status in the struct; returns the hypercall rc. */
long gnttab_map(struct gnttab_map_grant_ref *op, domid_t dom, grant_ref_t ref,
		void *va, uint32_t flags);
long gnttab_unmap(struct gnttab_unmap_grant_ref *op, void *va,
		  grant_handle_t handle);

#endif
