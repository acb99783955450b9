/* SPDX-License-Identifier: MIT */
/*
 * XENMEM_*: a domain's memory reservation, physmap and machine memory map.
 * HYPERVISOR_memory_op(cmd, arg).
 */
#ifndef LAMINA_XEN_MEMORY_H
#define LAMINA_XEN_MEMORY_H

#include <xen/xen.h>

/* The command's low bits; the bits above carry the extents a preempted
 * reservation call had done (its continuation). */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK ((1U << MEMOP_EXTENT_SHIFT) - 1)

#define XENMEM_increase_reservation 0 /* arg: xen_memory_reservation */
#define XENMEM_decrease_reservation 1 /* arg: xen_memory_reservation */
#define XENMEM_maximum_ram_page 2 /* arg: none; highest machine frame */
#define XENMEM_current_reservation 3 /* arg: domid_t; pages held */
#define XENMEM_maximum_reservation 4 /* arg: domid_t; page limit */
#define XENMEM_machphys_mfn_list 5 /* arg: xen_machphys_mfn_list */
#define XENMEM_populate_physmap 6 /* arg: xen_memory_reservation */
#define XENMEM_add_to_physmap 7 /* arg: xen_add_to_physmap */
#define XENMEM_memory_map 9 /* arg: xen_memory_map; domain's E820 */
#define XENMEM_machine_memory_map 10 /* arg: xen_memory_map; host E820 */
#define XENMEM_exchange 11 /* arg: xen_memory_exchange */
#define XENMEM_machphys_mapping 12 /* arg: xen_machphys_mapping */
#define XENMEM_set_memory_map 13 /* arg: xen_foreign_memory_map */
#define XENMEM_maximum_gpfn 14 /* arg: domid_t; highest pfn */
#define XENMEM_remove_from_physmap 15 /* arg: xen_remove_from_physmap */
#define XENMEM_set_pod_target 16 /* arg: xen_pod_target */
#define XENMEM_get_pod_target 17 /* arg: xen_pod_target */
#define XENMEM_get_sharing_freed_pages 18
#define XENMEM_get_sharing_shared_pages 19
#define XENMEM_paging_op 20
#define XENMEM_access_op 21
#define XENMEM_sharing_op 22
#define XENMEM_add_to_physmap_batch 23 /* arg: xen_add_to_physmap_batch */
#define XENMEM_claim_pages 24 /* arg: xen_memory_reservation */
#define XENMEM_machphys_compat_mfn_list 25
#define XENMEM_get_vnumainfo 26 /* arg: xen_vnuma_topology_info */
#define XENMEM_reserved_device_memory_map 27
#define XENMEM_acquire_resource 28 /* arg: xen_mem_acquire_resource */

/* xen_memory_reservation.mem_flags */
#define XENMEMF_address_bits(x) (x) /* frames must fit in x bits */
#define XENMEMF_get_address_bits(x) ((x)&0xffu)
#define XENMEMF_node(x) (((x) + 1) << 8) /* NUMA node hint */
#define XENMEMF_get_node(x) ((((x) >> 8) - 1) & 0xffu)
#define XENMEMF_populate_on_demand (1 << 16)
#define XENMEMF_exact_node_request (1 << 17)
#define XENMEMF_exact_node(n) (XENMEMF_node(n) | XENMEMF_exact_node_request)
#define XENMEMF_vnode (1 << 18)

struct xen_memory_reservation {
	/* IN: frames to free / pfns to populate; OUT: frames allocated */
	XEN_GUEST_HANDLE(xen_pfn_t) extent_start;
	xen_ulong_t nr_extents; /* IN: number of extents */
	uint32_t extent_order; /* IN: each extent is 2^order pages */
	uint32_t mem_flags; /* IN: XENMEMF_* */
	domid_t domid; /* IN: target domain (DOMID_SELF) */
};

struct xen_memory_exchange {
	struct xen_memory_reservation in; /* IN: extents given up */
	struct xen_memory_reservation out; /* IN/OUT: extents wanted */
	xen_ulong_t nr_exchanged; /* IN: 0; OUT: input extents done */
};

struct xen_memory_domain {
	domid_t domid; /* IN: domain queried */
};

struct xen_machphys_mfn_list {
	uint32_t max_extents; /* IN: room in extent_start */
	XEN_GUEST_HANDLE(xen_pfn_t) extent_start; /* OUT: M2P table frames */
	uint32_t nr_extents; /* OUT: entries written */
};

struct xen_machphys_mapping {
	xen_ulong_t v_start, v_end; /* OUT: where the M2P is mapped */
	xen_ulong_t max_mfn; /* OUT: highest frame the M2P covers */
};

/* xen_add_to_physmap.space */
#define XENMAPSPACE_shared_info 0 /* the shared_info page */
#define XENMAPSPACE_grant_table 1 /* a grant-table frame */
#define XENMAPSPACE_gmfn 2 /* move one of the domain's own frames */
#define XENMAPSPACE_gmfn_range 3 /* a range of them */
#define XENMAPSPACE_gmfn_foreign 4 /* a frame of another domain */
#define XENMAPSPACE_dev_mmio 5 /* device MMIO (Arm) */

/* idx flag for grant_table space: a v2 status frame. */
#define XENMAPIDX_grant_table_status 0x80000000

struct xen_add_to_physmap {
	domid_t domid; /* IN: domain whose physmap changes */
	uint16_t size; /* IN: pages, for gmfn_range */
	uint32_t space; /* IN: XENMAPSPACE_* */
	xen_ulong_t idx; /* IN: index within space */
	xen_pfn_t gpfn; /* IN: pfn where it appears */
};

struct xen_add_to_physmap_batch {
	domid_t domid; /* IN: domain whose physmap changes */
	uint16_t space; /* IN: XENMAPSPACE_* */
	uint16_t size; /* IN: entries */
	union {
		domid_t foreign_domid; /* IN: source domain for gmfn_foreign */
		uint16_t res0; /* IN: zero otherwise */
	} u;
	XEN_GUEST_HANDLE(const xen_ulong_t) idxs; /* IN: indices */
	XEN_GUEST_HANDLE(const xen_pfn_t) gpfns; /* IN: target pfns */
	XEN_GUEST_HANDLE(int) errs; /* OUT: per-entry errno */
};

struct xen_remove_from_physmap {
	domid_t domid; /* IN: domain */
	xen_pfn_t gpfn; /* IN: pfn to unmap */
};

struct xen_memory_map {
	uint32_t nr_entries; /* IN: room in buffer; OUT: entries written */
	XEN_GUEST_HANDLE(void) buffer; /* OUT: E820 entries (20 bytes each) */
};

struct xen_foreign_memory_map {
	domid_t domid; /* IN: domain whose map is set */
	struct xen_memory_map map; /* IN: the map */
};

struct xen_pod_target {
	uint64_t target_pages; /* IN: target */
	uint64_t tot_pages; /* OUT */
	uint64_t pod_cache_pages; /* OUT */
	uint64_t pod_entries; /* OUT */
	domid_t domid; /* IN */
};

#define XENMEM_resource_ioreq_server 0
#define XENMEM_resource_grant_table 1
#define XENMEM_resource_vmtrace_buf 2
#define XENMEM_resource_grant_table_id_shared 0
#define XENMEM_resource_grant_table_id_status 1

/* Map frames of a domain's resource (e.g. its grant table). */
struct xen_mem_acquire_resource {
	domid_t domid; /* IN: owning domain */
	uint16_t type; /* IN: XENMEM_resource_* */
	uint32_t id; /* IN: which instance */
	uint32_t nr_frames; /* IN: frames wanted (0: OUT max) */
	uint32_t pad; /* IN: zero */
	uint64_t frame; /* IN: first frame index */
	XEN_GUEST_HANDLE(xen_pfn_t) frame_list; /* IN/OUT: frames */
};

struct xen_vmemrange {
	uint64_t start, end; /* OUT: address range */
	uint32_t flags; /* OUT: zero */
	uint32_t nid; /* OUT: virtual node */
};

struct xen_vnuma_topology_info {
	domid_t domid; /* IN: domain */
	uint16_t pad; /* zero */
	uint32_t nr_vnodes; /* IN: room; OUT: count */
	uint32_t nr_vcpus; /* IN: room; OUT: count */
	uint32_t nr_vmemranges; /* IN: room; OUT: count */
	union {
		XEN_GUEST_HANDLE(uint32_t) h;
		uint64_t pad;
	} vdistance; /* OUT: node distance matrix */
	union {
		XEN_GUEST_HANDLE(uint32_t) h;
		uint64_t pad;
	} vcpu_to_vnode; /* OUT: node of each vCPU */
	union {
		XEN_GUEST_HANDLE(struct xen_vmemrange) h;
		uint64_t pad;
	} vmemrange; /* OUT: memory ranges */
};

_Static_assert(sizeof(struct xen_memory_reservation) == 32, "reservation");
_Static_assert(sizeof(struct xen_memory_exchange) == 72, "exchange");
_Static_assert(sizeof(struct xen_add_to_physmap) == 24, "add_to_physmap");
_Static_assert(sizeof(struct xen_memory_map) == 16, "memory_map");
_Static_assert(sizeof(struct xen_mem_acquire_resource) == 32, "acquire_res");

#endif
