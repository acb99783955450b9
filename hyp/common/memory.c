// SPDX-License-Identifier: MIT
/*
 * memory_op: a domain's reservation (give frames back, get new ones),
 * what it may know about memory layout, and the M2P's frames.
 */
#include <stdint.h>
#include <lamina/bootinfo.h>
#include <lamina/domain.h>
#include <lamina/heap.h>
#include <lamina/hypercall.h>
#include <lamina/mm.h>
#include <lamina/string.h>
#include <asm/page.h>
#include <asm/pv_mm.h>
#include <asm/uaccess.h>
#include <xen/errno.h>
#include <xen/memory.h>
#include <xen/xen.h>

#define E820_ENTRY_SIZE 20

/* The target of a query: self, or a domain the caller may query. */
static struct domain *target_domain(struct domain *d, domid_t id,
				    uint32_t rights, long *err)
{
	struct domain *t;

	if (id == DOMID_SELF || id == d->domid)
		return d;
	if (cap_check_domain(&d->cspace, id, rights)) {
		*err = -XEN_EPERM;
		return NULL;
	}
	t = domain_lookup(id);
	*err = t ? 0 : -XEN_ESRCH;
	return t;
}

/* Drop the domain's own reference on a frame it gives back. */
static int release_frame(struct domain *d, uint64_t mfn)
{
	struct frame *f;

	if (get_page(mfn, d))
		return -XEN_EINVAL;
	f = mfn_frame(mfn);
	if ((f->count_info & PGC_HYP_HEAP) ||
	    !(f->count_info & PGC_ALLOCATED)) {
		put_page(mfn);
		return -XEN_EINVAL;
	}
	/* tot_pages drops when the frame is freed: not before its last
	 * mapping (or device mapping) goes. */
	f->count_info = (f->count_info & ~PGC_ALLOCATED) | PGC_RELEASED;
	/* Nothing can go on with it now: its partial validation ends. */
	pv_drop_partial(mfn);
	m2p[mfn] = ~0UL;
	put_page(mfn); /* the allocation reference */
	put_page(mfn); /* ours; frees it unless mapped somewhere */
	return 0;
}

static long grab_frame(struct domain *d, uint64_t *mfn)
{
	void *page;

	if (d->tot_pages >= d->max_pages)
		return -XEN_ENOMEM;
	page = alloc_hyp_pages(0);
	if (!page)
		return -XEN_ENOMEM;
	memset(page, 0, PAGE_SIZE);
	*mfn = virt_to_maddr(page) >> PAGE_SHIFT;
	assign_frame(*mfn, d, 0);
	d->tot_pages++;
	return 0;
}

/*
 * Preemptible, as Xen: a continuation re-issues the call with the extents
 * done so far in the command's upper bits (start), and the result is the
 * number done in all rounds.
 */
static long reservation(struct domain *d, unsigned int op, uint64_t start,
			uint64_t arg)
{
	struct xen_memory_reservation r;
	long err = 0;
	uint64_t i;

	if (copy_from_guest(&r, arg, sizeof(r)))
		return -XEN_EFAULT;
	/* No superpage extents for PV guests here; a count too large to
	 * continue is refused, as Xen does, with what was done. */
	if (r.extent_order || r.nr_extents > (~0U >> MEMOP_EXTENT_SHIFT) ||
	    start >= r.nr_extents)
		return start;
	d = target_domain(d, r.domid, CAP_RIGHT_CONTROL, &err);
	if (!d)
		return err;
	for (i = start; i < r.nr_extents; i++) {
		uint64_t slot = r.extent_start.addr + i * sizeof(uint64_t);
		uint64_t mfn, gpfn = ~0UL;

		if (i != start && hypercall_preempt_check())
			return hypercall_continue(
				__HYPERVISOR_memory_op,
				op | (i << MEMOP_EXTENT_SHIFT), arg, 0);
		if (op == XENMEM_decrease_reservation) {
			if (copy_from_guest(&mfn, slot, sizeof(mfn)) ||
			    release_frame(d, mfn))
				break;
			continue;
		}
		/* populate_physmap names the pfn each new frame backs: its
		 * M2P entry, as Xen (a new frame has none otherwise). */
		if (op == XENMEM_populate_physmap &&
		    copy_from_guest(&gpfn, slot, sizeof(gpfn)))
			break;
		if (grab_frame(d, &mfn))
			break;
		m2p[mfn] = gpfn;
		/* PV guests learn their new frames' machine numbers. */
		if (r.extent_start.addr &&
		    copy_to_guest(slot, &mfn, sizeof(mfn))) {
			release_frame(d, mfn);
			break;
		}
	}
	return i;
}

#define EXCHANGE_MAX_ORDER 9 /* 2 MiB extents at most */

/*
 * Take a whole input extent from the domain, frame by frame: each must be
 * the domain's and otherwise unused, and loses PGC_ALLOCATED as soon as it
 * is checked, so a frame listed twice fails its second check. The taken
 * frames are appended to in_mfn[*n].
 */
static bool take_extent(struct domain *d, uint64_t mfn, unsigned int order,
			uint64_t *in_mfn, uint64_t *n)
{
	for (uint64_t k = 0; k < (1u << order); k++) {
		struct frame *f;

		if (!mfn_valid(mfn + k))
			return false;
		f = mfn_frame(mfn + k);
		if (f->owner != d->domid ||
		    f->count_info != (PGC_ALLOCATED | 1) ||
		    (f->type_info & PGT_COUNT_MASK))
			return false;
		f->count_info &= ~PGC_ALLOCATED;
		in_mfn[(*n)++] = mfn + k;
	}
	return true;
}

/* A group failed before anything moved: the domain keeps its frames. */
static void give_back(const uint64_t *in_mfn, uint64_t n)
{
	for (uint64_t k = 0; k < n; k++)
		mfn_frame(in_mfn[k])->count_info |= PGC_ALLOCATED;
}

/* One group: take its inputs, then move them to a new block, or undo. */
static long exchange_group(struct domain *d,
			   const struct xen_memory_exchange *x,
			   uint64_t group_in, uint64_t group_out,
			   uint64_t max_pfn, uint64_t *in_mfn)
{
	unsigned int in_order = x->in.extent_order;
	unsigned int out_order = x->out.extent_order;
	uint64_t first = x->nr_exchanged, n = 0;
	uint8_t *block;
	long rc = 0;

	for (uint64_t e = 0; e < group_in && !rc; e++) {
		uint64_t mfn;

		if (copy_from_guest(
			    &mfn, x->in.extent_start.addr + (first + e) * 8, 8))
			rc = -XEN_EFAULT;
		else if (!take_extent(d, mfn, in_order, in_mfn, &n))
			rc = -XEN_EINVAL;
	}
	block = rc ? NULL :
		     alloc_frames_below(out_order + __builtin_ctzl(group_out),
					max_pfn);
	if (!block) {
		give_back(in_mfn, n);
		return rc ? rc : -XEN_ENOMEM;
	}
	for (uint64_t k = 0; k < n; k++) {
		uint64_t new_mfn = (virt_to_maddr(block) >> PAGE_SHIFT) + k;

		memset(block + k * PAGE_SIZE, 0, PAGE_SIZE);
		assign_frame(new_mfn, d, 0);
		/* The old frame leaves the domain. */
		m2p[in_mfn[k]] = ~0UL;
		put_page(in_mfn[k]);
	}
	/* PV: each output slot gives the pfn the extent will back (the M2P
	 * is set from it) and gets the new mfn, as Xen. */
	for (uint64_t e = 0; e < group_out; e++) {
		uint64_t out_mfn =
			(virt_to_maddr(block) >> PAGE_SHIFT) + (e << out_order);
		uint64_t slot = x->out.extent_start.addr +
				(first / group_in * group_out + e) * 8;
		uint64_t gpfn;

		if (copy_from_guest(&gpfn, slot, 8))
			return -XEN_EFAULT;
		for (uint64_t k = 0; k < (1u << out_order); k++)
			m2p[out_mfn + k] = gpfn + k;
		if (copy_to_guest(slot, &out_mfn, 8))
			return -XEN_EFAULT;
	}
	return 0;
}

/*
 * XENMEM_exchange: trade extents for others of another size or below an
 * address limit (how a PV kernel gets DMA-able, machine-contiguous
 * memory). Pages are moved one input/output group at a time. As Xen, it
 * is preemptible between groups: progress is kept in the guest's
 * nr_exchanged and the call is re-issued from there.
 */
static long exchange(struct domain *d, uint64_t arg)
{
	struct xen_memory_exchange x;
	unsigned int in_order, out_order, bits;
	uint64_t group_in, group_out, max_pfn, *in_mfn, start;
	long rc = 0;

	if (copy_from_guest(&x, arg, sizeof(x)))
		return -XEN_EFAULT;
	in_order = x.in.extent_order;
	out_order = x.out.extent_order;
	if (in_order > EXCHANGE_MAX_ORDER || out_order > EXCHANGE_MAX_ORDER)
		return -XEN_EPERM;
	if ((x.in.nr_extents << in_order) != (x.out.nr_extents << out_order) ||
	    x.in.nr_extents >> (63 - in_order) ||
	    x.nr_exchanged > x.in.nr_extents)
		return -XEN_EINVAL;
	if ((x.in.domid != DOMID_SELF && x.in.domid != d->domid) ||
	    (x.out.domid != DOMID_SELF && x.out.domid != d->domid))
		return -XEN_EPERM;
	bits = XENMEMF_get_address_bits(x.out.mem_flags);
	/* As Xen: no frame fits in a page's worth of bits (and the shift
	 * below would be negative). */
	if (bits && bits <= PAGE_SHIFT)
		return -XEN_ENOMEM;
	max_pfn = bits && bits < 52 ? 1UL << (bits - PAGE_SHIFT) : ~0UL;
	/* A group: the least whole number of extents on both sides. */
	group_in = in_order >= out_order ? 1 : 1UL << (out_order - in_order);
	group_out = in_order >= out_order ? 1UL << (in_order - out_order) : 1;
	/* As Xen: progress inside a group starts that group again. */
	x.nr_exchanged &= ~(group_in - 1);

	in_mfn = kmalloc(sizeof(uint64_t) << EXCHANGE_MAX_ORDER);
	if (!in_mfn)
		return -XEN_ENOMEM;
	start = x.nr_exchanged;
	while (x.nr_exchanged + group_in <= x.in.nr_extents) {
		if (x.nr_exchanged != start && hypercall_preempt_check()) {
			kfree(in_mfn);
			if (copy_to_guest(arg, &x, sizeof(x)))
				return -XEN_EFAULT;
			return hypercall_continue(__HYPERVISOR_memory_op,
						  XENMEM_exchange, arg, 0);
		}
		rc = exchange_group(d, &x, group_in, group_out, max_pfn,
				    in_mfn);
		if (rc)
			break;
		x.nr_exchanged += group_in;
	}
	kfree(in_mfn);
	if (copy_to_guest(arg, &x, sizeof(x)))
		return -XEN_EFAULT;
	return rc;
}

struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));

static long memory_map(struct domain *d, uint64_t arg, bool machine)
{
	struct xen_memory_map map;
	struct e820_entry e;
	uint32_t n = 0;

	if (copy_from_guest(&map, arg, sizeof(map)))
		return -XEN_EFAULT;
	if (machine) {
		if (cap_check(&d->cspace, CAP_PHYSDEV, 0, 0, CAP_RIGHT_QUERY))
			return -XEN_EPERM;
		for (; n < boot_info.nr_mem && n < map.nr_entries; n++) {
			e = (struct e820_entry){ boot_info.mem[n].base,
						 boot_info.mem[n].len,
						 boot_info.mem[n].type };
			if (copy_to_guest(map.buffer.addr + n * E820_ENTRY_SIZE,
					  &e, sizeof(e)))
				return -XEN_EFAULT;
		}
	} else {
		/* As Xen: no map was set for this domain (XENMEM_set_memory_map
		 * is a toolstack call), so the guest builds its own. */
		return -XEN_ENOSYS;
	}
	map.nr_entries = n;
	return copy_to_guest(arg, &map, sizeof(map.nr_entries));
}

static long machphys_mfn_list(uint64_t arg)
{
	struct xen_machphys_mfn_list l;
	uint64_t base = virt_to_maddr(m2p) >> PAGE_SHIFT;
	uint64_t chunks = (max_frame * 8 + L2_PAGE_SIZE - 1) / L2_PAGE_SIZE;
	uint32_t i;

	if (copy_from_guest(&l, arg, sizeof(l)))
		return -XEN_EFAULT;
	/* One machine frame per 2 MiB of the table, as Xen lists them. */
	for (i = 0; i < l.max_extents && i < chunks; i++) {
		uint64_t mfn =
			base + (uint64_t)i * (L2_PAGE_SIZE >> PAGE_SHIFT);

		if (copy_to_guest(l.extent_start.addr + i * 8UL, &mfn, 8))
			return -XEN_EFAULT;
	}
	l.nr_extents = i;
	return copy_to_guest(arg, &l, sizeof(l));
}

long do_memory_op(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4,
		  uint64_t a5)
{
	struct domain *d = current->domain, *t;
	unsigned int op = cmd & MEMOP_CMD_MASK;
	uint64_t start = cmd >> MEMOP_EXTENT_SHIFT;
	long err = 0;
	domid_t id;

	(void)a3, (void)a4, (void)a5;
	switch (op) {
	case XENMEM_increase_reservation:
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		return reservation(d, op, start, arg);
	}
	/* Only the reservation calls carry a continuation's progress. */
	if (start)
		return -XEN_EINVAL;
	switch (op) {
	case XENMEM_maximum_ram_page:
		return max_frame - 1;
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case XENMEM_maximum_gpfn:
		if (copy_from_guest(&id, arg, sizeof(id)))
			return -XEN_EFAULT;
		t = target_domain(d, id, CAP_RIGHT_QUERY, &err);
		if (!t)
			return err;
		if (cmd == XENMEM_current_reservation)
			return t->tot_pages;
		if (cmd == XENMEM_maximum_reservation)
			return t->max_pages;
		return t->p2m_size - 1;
	case XENMEM_machphys_mfn_list:
		return machphys_mfn_list(arg);
	case XENMEM_machphys_mapping: {
		struct xen_machphys_mapping m = { M2P_RO_START,
						  M2P_RO_START + max_frame * 8,
						  max_frame - 1 };

		return copy_to_guest(arg, &m, sizeof(m));
	}
	case XENMEM_exchange:
		return exchange(d, arg);
	case XENMEM_add_to_physmap:
	case XENMEM_add_to_physmap_batch:
		/* Physmap edits are for translated guests; PV has none. */
		return -XEN_EACCES;
	case XENMEM_memory_map:
		return memory_map(d, arg, false);
	case XENMEM_machine_memory_map:
		return memory_map(d, arg, true);
	default:
		return -XEN_ENOSYS;
	}
}
