/* SPDX-License-Identifier: MIT */
/*
 * GNTTABOP_*: grant tables, the only way domains share memory.
 * HYPERVISOR_grant_table_op(cmd, array, count).
 *
 * The granter writes entries into its grant table (shared with the
 * hypervisor); a grantee names (granter, ref) to map or copy the frame.
 */
#ifndef LAMINA_XEN_GRANT_TABLE_H
#define LAMINA_XEN_GRANT_TABLE_H

#include <xen/xen.h>

typedef uint32_t grant_ref_t; /* index into a domain's grant table */
typedef uint32_t grant_handle_t; /* a grantee's handle for one mapping */

/* Version 1 entry. flags are written by both sides, hence the GTF rules. */
struct grant_entry_v1 {
	uint16_t flags; /* IN/OUT: GTF_*; the hypervisor sets reading/writing */
	domid_t domid; /* IN: domain allowed to use the grant */
	uint32_t frame; /* IN: frame granted (or OUT for accept_transfer) */
};

/* Entries the toolstack reserves at the start of every table. */
#define GNTTAB_NR_RESERVED_ENTRIES 8
#define GNTTAB_RESERVED_CONSOLE 0
#define GNTTAB_RESERVED_XENSTORE 1

/* grant entry flags: the low two bits give the type. */
#define GTF_invalid (0U << 0) /* no access */
#define GTF_permit_access (1U << 0) /* domid may map or copy the frame */
#define GTF_accept_transfer (2U << 0) /* domid may transfer a frame to us */
#define GTF_transitive (3U << 0) /* v2: access through another grant */
#define GTF_type_mask (3U << 0)
#define _GTF_readonly 2
#define GTF_readonly (1U << _GTF_readonly) /* grantee may only read */
#define _GTF_reading 3
#define GTF_reading (1U << _GTF_reading) /* OUT: mapped or copied for read */
#define _GTF_writing 4
#define GTF_writing (1U << _GTF_writing) /* OUT: mapped or copied for write */
#define _GTF_PWT 5
#define GTF_PWT (1U << _GTF_PWT) /* cache attribute hints */
#define _GTF_PCD 6
#define GTF_PCD (1U << _GTF_PCD)
#define _GTF_PAT 7
#define GTF_PAT (1U << _GTF_PAT)
#define _GTF_sub_page 8
#define GTF_sub_page (1U << _GTF_sub_page) /* v2: only part of the page */
/* For accept_transfer entries: */
#define _GTF_transfer_committed 2
#define GTF_transfer_committed (1U << _GTF_transfer_committed)
#define _GTF_transfer_completed 3
#define GTF_transfer_completed (1U << _GTF_transfer_completed)

/* Version 2 (optional in Lamina). */
struct grant_entry_header {
	uint16_t flags; /* IN/OUT: GTF_* */
	domid_t domid; /* IN: grantee */
};

union grant_entry_v2 {
	struct grant_entry_header hdr;
	struct {
		struct grant_entry_header hdr;
		uint32_t pad0;
		uint64_t frame; /* IN: frame granted */
	} full_page;
	struct {
		struct grant_entry_header hdr;
		uint16_t page_off; /* IN: first byte granted */
		uint16_t length; /* IN: bytes granted */
		uint64_t frame; /* IN: frame granted */
	} sub_page;
	struct {
		struct grant_entry_header hdr;
		domid_t trans_domid; /* IN: domain holding the real grant */
		uint16_t pad0;
		grant_ref_t gref; /* IN: its grant reference */
	} transitive;
	uint32_t __spacer[4]; /* 16 bytes */
};

typedef uint16_t grant_status_t; /* v2 status word per entry */

#define GNTTABOP_map_grant_ref 0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table 2
#define GNTTABOP_dump_table 3
#define GNTTABOP_transfer 4
#define GNTTABOP_copy 5
#define GNTTABOP_query_size 6
#define GNTTABOP_unmap_and_replace 7
#define GNTTABOP_set_version 8
#define GNTTABOP_get_status_frames 9
#define GNTTABOP_get_version 10
#define GNTTABOP_swap_grant_ref 11
#define GNTTABOP_cache_flush 12

/* Map a granted frame into the caller's address space. */
struct gnttab_map_grant_ref {
	uint64_t host_addr; /* IN: VA to map at (or PTE MA if contains_pte) */
	uint32_t flags; /* IN: GNTMAP_* */
	grant_ref_t ref; /* IN: granter's grant reference */
	domid_t dom; /* IN: granting domain */
	int16_t status; /* OUT: GNTST_* */
	grant_handle_t handle; /* OUT: handle for unmapping */
	uint64_t dev_bus_addr; /* OUT: bus address for device_map */
};

struct gnttab_unmap_grant_ref {
	uint64_t host_addr; /* IN: VA (or PTE MA) that was mapped */
	uint64_t dev_bus_addr; /* IN: bus address, 0 if none */
	grant_handle_t handle; /* IN: handle from the map */
	int16_t status; /* OUT: GNTST_* */
};

/* Give a domain a grant table of nr_frames frames. */
struct gnttab_setup_table {
	domid_t dom; /* IN: domain (DOMID_SELF) */
	uint32_t nr_frames; /* IN: frames wanted */
	int16_t status; /* OUT: GNTST_* */
	XEN_GUEST_HANDLE(xen_pfn_t) frame_list; /* OUT: the table's frames */
};

struct gnttab_dump_table {
	domid_t dom; /* IN: domain to dump */
	int16_t status; /* OUT: GNTST_* */
};

struct gnttab_transfer {
	xen_pfn_t mfn; /* IN: frame to give away */
	domid_t domid; /* IN: receiving domain */
	grant_ref_t ref; /* IN: its accept_transfer grant */
	int16_t status; /* OUT: GNTST_* */
};

#define _GNTCOPY_source_gref 0
#define GNTCOPY_source_gref (1 << _GNTCOPY_source_gref) /* source is a ref */
#define _GNTCOPY_dest_gref 1
#define GNTCOPY_dest_gref (1 << _GNTCOPY_dest_gref) /* dest is a ref */

/* Copy bytes between frames named by grant or by frame number. */
struct gnttab_copy {
	struct gnttab_copy_ptr {
		union {
			grant_ref_t ref; /* IN: grant ref (with *_gref flag) */
			xen_pfn_t gmfn; /* IN: frame of the caller */
		} u;
		domid_t domid; /* IN: owning domain */
		uint16_t offset; /* IN: byte offset in the frame */
	} source, dest;
	uint16_t len; /* IN: bytes; may not cross a page */
	uint16_t flags; /* IN: GNTCOPY_* */
	int16_t status; /* OUT: GNTST_* */
};

struct gnttab_query_size {
	domid_t dom; /* IN: domain */
	uint32_t nr_frames; /* OUT: current table frames */
	uint32_t max_nr_frames; /* OUT: limit */
	int16_t status; /* OUT: GNTST_* */
};

struct gnttab_unmap_and_replace {
	uint64_t host_addr; /* IN: VA of the grant mapping */
	uint64_t new_addr; /* IN: VA whose PTE replaces it (then cleared) */
	grant_handle_t handle; /* IN: mapping handle */
	int16_t status; /* OUT: GNTST_* */
};

struct gnttab_set_version {
	uint32_t version; /* IN: 1 or 2 (0 = query); OUT: now in use */
};

struct gnttab_get_status_frames {
	uint32_t nr_frames; /* IN: frames wanted */
	domid_t dom; /* IN: domain */
	int16_t status; /* OUT: GNTST_* */
	XEN_GUEST_HANDLE(uint64_t) frame_list; /* OUT: status frames */
};

struct gnttab_get_version {
	domid_t dom; /* IN: domain */
	uint16_t pad; /* zero */
	uint32_t version; /* OUT: table version */
};

struct gnttab_swap_grant_ref {
	grant_ref_t ref_a; /* IN: first entry */
	grant_ref_t ref_b; /* IN: second entry */
	int16_t status; /* OUT: GNTST_* */
};

#define GNTTAB_CACHE_CLEAN (1u << 0)
#define GNTTAB_CACHE_INVAL (1u << 1)
#define GNTTAB_CACHE_SOURCE_GREF (1u << 31)
struct gnttab_cache_flush {
	union {
		uint64_t dev_bus_addr; /* IN: bus address */
		grant_ref_t ref; /* IN: or a grant ref */
	} a;
	uint16_t offset; /* IN: start within the grant */
	uint16_t length; /* IN: bytes */
	uint32_t op; /* IN: GNTTAB_CACHE_* */
};

/* gnttab_map_grant_ref.flags */
#define _GNTMAP_device_map 0
#define GNTMAP_device_map (1 << _GNTMAP_device_map) /* for device DMA */
#define _GNTMAP_host_map 1
#define GNTMAP_host_map (1 << _GNTMAP_host_map) /* into CPU page tables */
#define _GNTMAP_readonly 2
#define GNTMAP_readonly (1 << _GNTMAP_readonly) /* read-only mapping */
#define _GNTMAP_application_map 3
#define GNTMAP_application_map (1 << _GNTMAP_application_map) /* user PTE */
#define _GNTMAP_contains_pte 4
#define GNTMAP_contains_pte (1 << _GNTMAP_contains_pte) /* addr is a PTE */
#define _GNTMAP_guest_avail0 16
#define GNTMAP_guest_avail_mask ((uint32_t)~0 << _GNTMAP_guest_avail0)

/* Per-entry status codes. */
#define GNTST_okay 0
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)
#define GNTST_bad_gntref (-3)
#define GNTST_bad_handle (-4)
#define GNTST_bad_virt_addr (-5)
#define GNTST_bad_dev_addr (-6)
#define GNTST_no_device_space (-7)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page (-9)
#define GNTST_bad_copy_arg (-10)
#define GNTST_address_too_big (-11)
#define GNTST_eagain (-12)
#define GNTST_no_space (-13)

_Static_assert(sizeof(struct grant_entry_v1) == 8, "grant_entry_v1");
_Static_assert(sizeof(union grant_entry_v2) == 16, "grant_entry_v2");
_Static_assert(sizeof(struct gnttab_map_grant_ref) == 32, "map_grant_ref");
_Static_assert(sizeof(struct gnttab_unmap_grant_ref) == 24, "unmap_grant");
_Static_assert(sizeof(struct gnttab_setup_table) == 24, "setup_table");
_Static_assert(sizeof(struct gnttab_copy) == 40, "gnttab_copy");
_Static_assert(sizeof(struct gnttab_query_size) == 16, "query_size");

#endif
