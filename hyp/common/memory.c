// SPDX-License-Identifier: MIT
/*
 * memory_op: a domain's reservation (give frames back, get new ones),
 * what it may know about memory layout, and the M2P's frames.
 */
#include <stdint.h>
#include <lamina/bootinfo.h>
#include <lamina/domain.h>
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
	if ((f->count_info & PGC_HYP_HEAP) || !(f->count_info & PGC_ALLOCATED)) {
		put_page(mfn);
		return -XEN_EINVAL;
	}
	f->count_info &= ~PGC_ALLOCATED;
	m2p[mfn] = ~0UL;
	d->tot_pages--;
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

static long reservation(struct domain *d, unsigned int cmd, uint64_t arg)
{
	struct xen_memory_reservation r;
	long err = 0;
	uint64_t i;

	if (copy_from_guest(&r, arg, sizeof(r)))
		return -XEN_EFAULT;
	if (r.extent_order) /* no superpage extents for PV guests here */
		return 0;
	d = target_domain(d, r.domid, CAP_RIGHT_CONTROL, &err);
	if (!d)
		return err;
	for (i = 0; i < r.nr_extents; i++) {
		uint64_t slot = r.extent_start.addr + i * sizeof(uint64_t);
		uint64_t mfn;

		if (cmd == XENMEM_decrease_reservation) {
			if (copy_from_guest(&mfn, slot, sizeof(mfn)) ||
			    release_frame(d, mfn))
				break;
			continue;
		}
		if (grab_frame(d, &mfn))
			break;
		/* PV guests learn their new frames' machine numbers. */
		if (r.extent_start.addr &&
		    copy_to_guest(slot, &mfn, sizeof(mfn))) {
			release_frame(d, mfn);
			break;
		}
	}
	return i;
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
		uint64_t mfn = base + (uint64_t)i * (L2_PAGE_SIZE >> PAGE_SHIFT);

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
	long err = 0;
	domid_t id;

	(void)a3, (void)a4, (void)a5;
	switch (cmd) {
	case XENMEM_increase_reservation:
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap:
		return reservation(d, cmd, arg);
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
		struct xen_machphys_mapping m = {
			M2P_RO_START, M2P_RO_START + max_frame * 8, max_frame - 1
		};

		return copy_to_guest(arg, &m, sizeof(m));
	}
	case XENMEM_memory_map:
		return memory_map(d, arg, false);
	case XENMEM_machine_memory_map:
		return memory_map(d, arg, true);
	default:
		return -XEN_ENOSYS;
	}
}
