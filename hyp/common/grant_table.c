// SPDX-License-Identifier: MIT
/*
 * Grant tables, version 1. A domain's table is a few hypervisor pages it
 * may map writable (GNTTABOP_setup_table gives their frame numbers); each
 * 8-byte entry says "domain X may map or copy my frame F". The hypervisor
 * keeps a private shadow per entry (struct active_grant): while a grant
 * is in use its pin count is non-zero, the entry carries GTF_reading /
 * GTF_writing, and the frame recorded at first use is the one used.
 *
 * A host mapping is one L1 entry in the mapper's page tables that points
 * at the granter's frame. The PV MMU holds the references for it exactly
 * as for any other entry (pv_update_l1_foreign takes them on the granter's
 * frame): so a frame can never be freed, or become a page table, while an
 * entry maps it, whichever way that entry later goes away. The mapper's
 * maptrack entry (its "handle") only tracks the pin on the grant.
 *
 * Status codes follow Xen 4.17: a GNTST_* in each operation's status,
 * the hypercall itself returns 0 unless the array cannot be accessed.
 */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/grant_table.h>
#include <lamina/heap.h>
#include <lamina/hypercall.h>
#include <lamina/mm.h>
#include <lamina/string.h>
#include <asm/page.h>
#include <asm/pv_mm.h>
#include <asm/smp.h>
#include <asm/uaccess.h>
#include <xen/errno.h>
#include <xen/grant_table.h>
#include <xen/xen.h>

#define GNT_MAX_FRAMES 64 /* Xen's default gnttab_max_frames */
#define GNT_INITIAL_FRAMES 1
#define GNT_PER_FRAME (PAGE_SIZE / sizeof(struct grant_entry_v1))
#define MAPTRACK_MAX 1024 /* mappings one domain may hold at once */
#define CMD_MASK 0xfffu /* Xen keeps continuation state above */

/* Pin counts by kind, as Xen: host mappings (and copies in flight) and
 * device mappings, each writable or read-only (pin_kind). */
#define PIN_HOST_WRITE 0x00000001u
#define PIN_HOST_READ 0x00000100u
#define PIN_WRITE_MASK 0x00ff00ffu
#define PIN_OVERFLOW 0x80808080u

/* Guest flags a grant mapping may carry in the PTE's available bits. */
#define PTE_AVAIL_SHIFT 9
#define PTE_AVAIL_MASK (7UL << PTE_AVAIL_SHIFT)

struct active_grant {
	uint32_t pin; /* PIN_* counts; 0 = not in use */
	domid_t domid; /* who uses it while pinned */
	uint32_t mfn; /* the frame pinned at first use */
};

struct maptrack {
	uint32_t flags; /* GNTMAP_*; 0 = free handle */
	domid_t domid; /* granter */
	grant_ref_t ref;
	uint64_t pte_ma; /* machine address of the L1 entry it wrote */
};

struct grant_table {
	unsigned int nr_frames;
	struct grant_entry_v1 *shared[GNT_MAX_FRAMES];
	struct active_grant *active[GNT_MAX_FRAMES];
	struct maptrack *maptrack; /* MAPTRACK_MAX entries, on first map */
};

/* Add frames until the table has nr; the new ones are shared with d. */
static int grow_table(struct domain *d, struct grant_table *gt, unsigned int nr)
{
	while (gt->nr_frames < nr) {
		unsigned int i = gt->nr_frames;
		void *page = alloc_hyp_pages(0);

		gt->active[i] =
			kzalloc(GNT_PER_FRAME * sizeof(struct active_grant));
		if (!page || !gt->active[i]) {
			if (page)
				free_hyp_pages(page, 0);
			kfree(gt->active[i]);
			gt->active[i] = NULL;
			return -XEN_ENOMEM;
		}
		memset(page, 0, PAGE_SIZE);
		share_hyp_frame(virt_to_maddr(page) >> PAGE_SHIFT, d);
		gt->shared[i] =
			guest_frame_ptr(virt_to_maddr(page) >> PAGE_SHIFT);
		gt->nr_frames++;
	}
	return 0;
}

/* The domain's table, created with its first frame on first use. */
static struct grant_table *table_of(struct domain *d)
{
	struct grant_table *gt = d->grant_table;

	if (gt)
		return gt;
	gt = kzalloc(sizeof(*gt));
	if (!gt)
		return NULL;
	if (grow_table(d, gt, GNT_INITIAL_FRAMES)) {
		kfree(gt);
		return NULL;
	}
	d->grant_table = gt;
	return gt;
}

static unsigned int nr_entries(const struct grant_table *gt)
{
	return gt->nr_frames * GNT_PER_FRAME;
}

static struct grant_entry_v1 *shared_entry(struct grant_table *gt,
					   grant_ref_t ref)
{
	return &gt->shared[ref / GNT_PER_FRAME][ref % GNT_PER_FRAME];
}

static struct active_grant *active_entry(struct grant_table *gt,
					 grant_ref_t ref)
{
	return &gt->active[ref / GNT_PER_FRAME][ref % GNT_PER_FRAME];
}

/* A domain id as the caller named it; DOMID_SELF only where allowed. */
static struct domain *lookup(domid_t domid, bool self_ok)
{
	if (self_ok && domid == DOMID_SELF)
		return current->domain;
	return domain_lookup(domid);
}

/* Another domain's table needs a DOMAIN capability; one's own, nothing. */
static bool may_manage(const struct domain *target, uint32_t rights)
{
	struct domain *d = current->domain;

	return target == d ||
	       !cap_check_domain(&d->cspace, target->domid, rights);
}

/*
 * Set GTF_reading (and GTF_writing) in a shared entry the granter can
 * change under us: compare-and-swap, a few retries, then give up.
 */
static int mark_in_use(struct grant_entry_v1 *e, domid_t user, bool readonly,
		       bool check)
{
	uint32_t *word = (uint32_t *)e;
	uint32_t old = __atomic_load_n(word, __ATOMIC_SEQ_CST);

	for (int tries = 0; tries < 5; tries++) {
		uint16_t flags = (uint16_t)old, domid = (uint16_t)(old >> 16);
		uint32_t new = old | GTF_reading | (readonly ? 0 : GTF_writing);

		if (check && ((flags & GTF_type_mask) != GTF_permit_access ||
			      domid != user))
			return GNTST_general_error;
		if (!readonly && (flags & GTF_readonly))
			return GNTST_general_error;
		if (__atomic_compare_exchange_n(word, &old, new, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return GNTST_okay;
	}
	return GNTST_general_error; /* the entry keeps changing */
}

static void clear_in_use(struct grant_entry_v1 *e, uint16_t bits)
{
	__atomic_fetch_and(&e->flags, (uint16_t)~bits, __ATOMIC_SEQ_CST);
}

static uint32_t pin_kind(bool device, bool readonly)
{
	return (readonly ? PIN_HOST_READ : PIN_HOST_WRITE) << (device ? 16 : 0);
}

/* Drop pins of a kind; the GTF flags go once no pin of theirs is left. */
static void unpin(struct grant_table *gt, grant_ref_t ref, uint32_t kind)
{
	struct active_grant *act = active_entry(gt, ref);
	uint16_t clear = 0;

	act->pin -= kind;
	if ((kind & PIN_WRITE_MASK) && !(act->pin & PIN_WRITE_MASK))
		clear |= GTF_writing;
	if (!act->pin)
		clear |= GTF_reading;
	if (clear)
		clear_in_use(shared_entry(gt, ref), clear);
}

/*
 * Pin grant ref of rd for use by domain user (a map or a copy) with pins
 * of kind (pin_kind, or two added): check the entry on first use (or
 * first write use), record its frame, count the pins. *mfn gets the
 * frame. Returns a GNTST_* code.
 */
static int pin(struct domain *rd, grant_ref_t ref, domid_t user, uint32_t kind,
	       uint64_t *mfn)
{
	struct grant_table *gt = table_of(rd);
	bool readonly = !(kind & PIN_WRITE_MASK);
	struct active_grant *act;
	struct grant_entry_v1 *e;
	int rc;

	if (!gt)
		return GNTST_general_error;
	if (ref >= nr_entries(gt))
		return GNTST_bad_gntref;
	act = active_entry(gt, ref);
	e = shared_entry(gt, ref);
	if (act->pin && (act->domid != user || (act->pin & PIN_OVERFLOW)))
		return GNTST_general_error;
	if (!act->pin || (!readonly && !(act->pin & PIN_WRITE_MASK))) {
		rc = mark_in_use(e, user, readonly, !act->pin);
		if (rc)
			return rc;
		if (!act->pin) {
			uint64_t frame =
				__atomic_load_n(&e->frame, __ATOMIC_SEQ_CST);

			/* The frame must be the granter's own memory. */
			if (get_page(frame, rd)) {
				clear_in_use(e,
					     GTF_reading |
						     (readonly ? 0 :
								 GTF_writing));
				return GNTST_bad_page;
			}
			put_page(frame);
			act->domid = user;
			act->mfn = (uint32_t)frame;
		}
	}
	act->pin += kind;
	*mfn = act->mfn;
	return GNTST_okay;
}

/* ---- setup_table, query_size, versions ------------------------------ */

/*
 * The domain a table op names, if the caller may act on it with rights:
 * GNTST_okay with *d set, or the GNTST status Xen answers.
 */
static int16_t target_status(domid_t dom, uint32_t rights, struct domain **d)
{
	*d = lookup(dom, true);
	if (!*d)
		return GNTST_bad_domain;
	return may_manage(*d, rights) ? GNTST_okay : GNTST_permission_denied;
}

static long setup_table(uint64_t uop, uint32_t count)
{
	struct gnttab_setup_table op;
	struct grant_table *gt = NULL;
	struct domain *d;

	if (count != 1)
		return -XEN_EINVAL;
	if (copy_from_guest(&op, uop, sizeof(op)))
		return -XEN_EFAULT;
	if (!guest_range_ok(op.frame_list.addr, (size_t)op.nr_frames * 8))
		return -XEN_EFAULT;
	op.status = target_status(op.dom, CAP_RIGHT_CONTROL, &d);
	if (op.status == GNTST_okay &&
	    (!(gt = table_of(d)) || op.nr_frames > GNT_MAX_FRAMES ||
	     grow_table(d, gt, op.nr_frames)))
		op.status = GNTST_general_error;
	for (uint32_t i = 0; op.status == GNTST_okay && i < op.nr_frames; i++) {
		xen_pfn_t mfn = virt_to_maddr(gt->shared[i]) >> PAGE_SHIFT;

		if (copy_to_guest(op.frame_list.addr + i * sizeof(mfn), &mfn,
				  sizeof(mfn)))
			op.status = GNTST_bad_virt_addr;
	}
	return copy_to_guest(uop + offsetof(struct gnttab_setup_table, status),
			     &op.status, sizeof(op.status));
}

static long query_size(uint64_t uop, uint32_t count)
{
	struct gnttab_query_size op;
	struct grant_table *gt;
	struct domain *d;

	if (count != 1)
		return -XEN_EINVAL;
	if (copy_from_guest(&op, uop, sizeof(op)))
		return -XEN_EFAULT;
	op.status = target_status(op.dom, CAP_RIGHT_QUERY, &d);
	if (op.status == GNTST_okay && !(gt = table_of(d)))
		op.status = GNTST_general_error;
	if (op.status == GNTST_okay) {
		op.nr_frames = gt->nr_frames;
		op.max_nr_frames = GNT_MAX_FRAMES;
	}
	return copy_to_guest(uop, &op, sizeof(op));
}

/* Version 1 only: asking for 2 is answered as Xen built without v2. */
static long set_version(uint64_t uop)
{
	struct gnttab_set_version op;
	long rc;

	if (copy_from_guest(&op, uop, sizeof(op)))
		return -XEN_EFAULT;
	if (op.version == 1)
		rc = 0;
	else if (op.version == 2)
		rc = -XEN_ENOSYS;
	else
		rc = -XEN_EINVAL;
	op.version = 1;
	return copy_to_guest(uop, &op, sizeof(op)) ? -XEN_EFAULT : rc;
}

static long get_version(uint64_t uop)
{
	struct gnttab_get_version op;
	struct domain *d;

	if (copy_from_guest(&op, uop, sizeof(op)))
		return -XEN_EFAULT;
	d = lookup(op.dom, true);
	if (!d)
		return -XEN_ESRCH;
	if (!may_manage(d, CAP_RIGHT_QUERY))
		return -XEN_EPERM;
	op.version = 1;
	return copy_to_guest(uop + offsetof(struct gnttab_get_version, version),
			     &op.version, sizeof(op.version));
}

/* No status frames without v2: only a request for none succeeds. */
static long get_status_frames(uint64_t uop, uint32_t count)
{
	struct gnttab_get_status_frames op;
	struct domain *d;

	if (count != 1)
		return -XEN_EINVAL;
	if (copy_from_guest(&op, uop, sizeof(op)))
		return -XEN_EFAULT;
	op.status = target_status(op.dom, CAP_RIGHT_CONTROL, &d);
	if (op.status == GNTST_okay && op.nr_frames)
		op.status = GNTST_general_error;
	return copy_to_guest(uop + offsetof(struct gnttab_get_status_frames,
					    status),
			     &op.status, sizeof(op.status));
}

/* ---- host mappings --------------------------------------------------- */

/*
 * The L1 slot a map or unmap names: with GNTMAP_contains_pte, addr is the
 * machine address of the entry; otherwise a guest VA whose L1 entry is
 * used. The table must be one of d's validated L1 tables.
 */
static int host_slot(struct domain *d, uint64_t addr, uint32_t flags,
		     uint64_t *l1_mfn, unsigned int *index)
{
	struct frame *f;

	if (flags & GNTMAP_contains_pte) {
		if (addr & (sizeof(pte_t) - 1))
			return GNTST_general_error;
		*l1_mfn = addr >> PAGE_SHIFT;
		*index = (addr & (PAGE_SIZE - 1)) / sizeof(pte_t);
	} else if (!guest_range_ok(addr, 1) ||
		   pv_find_l1(current, addr, l1_mfn, index)) {
		return GNTST_general_error;
	}
	if (get_page(*l1_mfn, d))
		return GNTST_general_error;
	f = mfn_frame(*l1_mfn);
	put_page(*l1_mfn);
	if ((f->type_info & PGT_TYPE_MASK) != PGT_L1 ||
	    !(f->type_info & PGT_VALIDATED))
		return GNTST_general_error;
	return GNTST_okay;
}

static pte_t *slot_pte(uint64_t l1_mfn, unsigned int index)
{
	return (pte_t *)maddr_to_virt(l1_mfn << PAGE_SHIFT) + index;
}

static pte_t grant_pte(uint64_t mfn, uint32_t flags)
{
	pte_t e = (mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED |
		  _PAGE_DIRTY | _PAGE_NX | _PAGE_USER;

	if (!(flags & GNTMAP_readonly))
		e |= _PAGE_RW;
	/* XENFEAT_gnttab_map_avail_bits: guest flags into PTE bits 9-11. */
	e |= ((pte_t)flags >> _GNTMAP_guest_avail0 << PTE_AVAIL_SHIFT) &
	     PTE_AVAIL_MASK;
	return e;
}

/* Does the entry still map mfn the way the grant mapping did? */
static bool slot_maps(pte_t e, uint64_t mfn, uint32_t flags)
{
	return (e & _PAGE_PRESENT) &&
	       ((e & PTE_ADDR_MASK) >> PAGE_SHIFT) == mfn &&
	       !(e & _PAGE_RW) == !!(flags & GNTMAP_readonly);
}

static int alloc_handle(struct grant_table *lgt)
{
	if (!lgt->maptrack) {
		lgt->maptrack = kzalloc(MAPTRACK_MAX * sizeof(struct maptrack));
		if (!lgt->maptrack)
			return -1;
	}
	for (int h = 0; h < MAPTRACK_MAX; h++)
		if (!lgt->maptrack[h].flags)
			return h;
	return -1;
}

/* A device mapping's references: the frame, and writable its type. */
static int get_device_refs(struct domain *rd, uint64_t mfn, bool readonly)
{
	return readonly ? get_page(mfn, rd) :
			  get_page_and_type(mfn, rd, PGT_WRITABLE);
}

static void put_device_refs(uint64_t mfn, bool readonly)
{
	if (readonly)
		put_page(mfn);
	else
		put_page_and_type(mfn);
}

static void map_one(void *arg)
{
	struct gnttab_map_grant_ref *op = arg;
	struct domain *ld = current->domain, *rd;
	struct grant_table *lgt = table_of(ld);
	bool readonly = op->flags & GNTMAP_readonly;
	bool host = op->flags & GNTMAP_host_map;
	bool device = op->flags & GNTMAP_device_map;
	uint32_t kind = (host ? pin_kind(false, readonly) : 0) +
			(device ? pin_kind(true, readonly) : 0);
	unsigned int index = 0;
	uint64_t mfn, l1_mfn = 0;
	int handle, rc;

	if (!kind) {
		op->status = GNTST_bad_gntref;
		return;
	}
	rd = lookup(op->dom, false);
	if (!rd) {
		op->status = GNTST_bad_domain;
		return;
	}
	handle = lgt ? alloc_handle(lgt) : -1;
	if (handle < 0) {
		op->status = GNTST_no_device_space;
		return;
	}
	rc = pin(rd, op->ref, ld->domid, kind, &mfn);
	if (rc) {
		op->status = rc;
		return;
	}
	/* No IOMMU: a device mapping is the frame's machine address, held
	 * as a host mapping's entry holds it (as Xen for PV). */
	if (device && get_device_refs(rd, mfn, readonly))
		rc = GNTST_general_error;
	if (!rc && host) {
		rc = host_slot(ld, op->host_addr, op->flags, &l1_mfn, &index);
		if (!rc && pv_update_l1_foreign(ld, rd, l1_mfn, index,
						grant_pte(mfn, op->flags)))
			rc = GNTST_general_error; /* the frame is a page table */
		if (rc && device)
			put_device_refs(mfn, readonly);
	}
	if (rc) {
		unpin(rd->grant_table, op->ref, kind);
		op->status = rc;
		return;
	}
	if (host)
		flush_tlb_local();
	lgt->maptrack[handle] = (struct maptrack){
		.flags = op->flags,
		.domid = rd->domid,
		.ref = op->ref,
		.pte_ma = (l1_mfn << PAGE_SHIFT) + index * sizeof(pte_t),
	};
	op->handle = handle;
	op->dev_bus_addr = mfn << PAGE_SHIFT;
	op->status = GNTST_okay;
}

/*
 * Take back map's host mapping at host_addr, writing 0 or the entry
 * stolen from new_addr (unmap_and_replace) in its place. GNTST_* code.
 */
static int unmap_host(struct domain *ld, const struct maptrack *map,
		      uint64_t mfn, uint64_t host_addr, uint64_t new_addr)
{
	uint64_t l1_mfn, new_l1 = 0;
	unsigned int index, new_index = 0;
	pte_t replacement = 0;
	int rc;

	if (new_addr) {
		if (map->flags & GNTMAP_contains_pte)
			return GNTST_general_error;
		rc = host_slot(ld, new_addr, 0, &new_l1, &new_index);
		if (rc)
			return rc;
		replacement = *slot_pte(new_l1, new_index);
	}
	rc = host_slot(ld, host_addr, map->flags, &l1_mfn, &index);
	if (rc)
		return rc;
	/* The entry the map wrote, not any that maps the frame (a second
	 * grant of it, say): so the recorded mapping is what goes. */
	if ((l1_mfn << PAGE_SHIFT) + index * sizeof(pte_t) != map->pte_ma ||
	    !slot_maps(*slot_pte(l1_mfn, index), mfn, map->flags))
		return GNTST_general_error;
	/* The PV MMU drops the mapping's references on the granter's frame. */
	if (pv_update_entry(ld, l1_mfn, index, replacement, false))
		return GNTST_general_error;
	if (new_addr)
		pv_update_entry(ld, new_l1, new_index, 0, false);
	/* No CPU may keep the granter's frame once the grant is released. */
	flush_tlb_domain(ld);
	return GNTST_okay;
}

/* Release one part of map, host or device, from the granter's pins. */
static void drop_part(struct grant_table *rgt, struct maptrack *map,
		      uint64_t mfn, bool device)
{
	bool readonly = map->flags & GNTMAP_readonly;

	if (device)
		put_device_refs(mfn, readonly);
	unpin(rgt, map->ref, pin_kind(device, readonly));
	map->flags &= ~(uint32_t)(device ? GNTMAP_device_map : GNTMAP_host_map);
}

/*
 * Take back the parts of a mapping the caller names, as Xen: the host
 * mapping with host_addr, the device mapping with bus_addr. The handle
 * is free once neither is left.
 */
static int unmap_one(uint32_t handle, uint64_t host_addr, uint64_t bus_addr,
		     uint64_t new_addr)
{
	struct domain *ld = current->domain;
	struct grant_table *lgt = ld->grant_table, *rgt;
	struct maptrack *map;
	uint64_t mfn;
	int rc;

	if (!lgt || !lgt->maptrack || handle >= MAPTRACK_MAX ||
	    !lgt->maptrack[handle].flags)
		return GNTST_bad_handle;
	map = &lgt->maptrack[handle];
	rgt = domain_lookup(map->domid)->grant_table;
	mfn = active_entry(rgt, map->ref)->mfn;
	if (bus_addr && (map->flags & GNTMAP_device_map) &&
	    bus_addr != mfn << PAGE_SHIFT)
		return GNTST_bad_dev_addr;
	if (host_addr && (map->flags & GNTMAP_host_map)) {
		rc = unmap_host(ld, map, mfn, host_addr, new_addr);
		if (rc)
			return rc;
		drop_part(rgt, map, mfn, false);
	}
	if (bus_addr && (map->flags & GNTMAP_device_map))
		drop_part(rgt, map, mfn, true);
	if (!(map->flags & (GNTMAP_host_map | GNTMAP_device_map)))
		map->flags = 0;
	return GNTST_okay;
}

void grant_table_release_mappings(struct domain *d)
{
	struct grant_table *lgt = d->grant_table;

	if (!lgt || !lgt->maptrack)
		return;
	for (unsigned int h = 0; h < MAPTRACK_MAX; h++) {
		struct maptrack *map = &lgt->maptrack[h];
		struct grant_table *rgt;
		uint64_t l1_mfn = map->pte_ma >> PAGE_SHIFT, mfn;
		unsigned int index = (map->pte_ma & (PAGE_SIZE - 1)) / 8;
		struct frame *f;

		if (!map->flags)
			continue;
		rgt = domain_lookup(map->domid)->grant_table;
		mfn = active_entry(rgt, map->ref)->mfn;
		f = mfn_frame(l1_mfn);
		/* Clear the entry if the guest left it in place. */
		if ((map->flags & GNTMAP_host_map) && f->owner == d->domid &&
		    (f->type_info & PGT_TYPE_MASK) == PGT_L1 &&
		    (f->type_info & PGT_VALIDATED) &&
		    slot_maps(*slot_pte(l1_mfn, index), mfn, map->flags))
			pv_update_entry(d, l1_mfn, index, 0, false);
		if (map->flags & GNTMAP_host_map)
			drop_part(rgt, map, mfn, false);
		if (map->flags & GNTMAP_device_map)
			drop_part(rgt, map, mfn, true);
		map->flags = 0;
	}
	flush_tlb_domain(d);
}

/* ---- copy ------------------------------------------------------------ */

/* One side of a copy, claimed: a frame with the references it needs. */
struct copy_side {
	struct domain *d;
	grant_ref_t ref; /* when via a grant */
	uint64_t mfn;
	bool via_grant, writable; /* writable: pinned and typed for writing */
	bool typed; /* holds a PGT_WRITABLE type reference */
};

static void release_side(struct copy_side *s)
{
	if (s->typed)
		put_page_type(s->mfn);
	put_page(s->mfn);
	if (s->via_grant)
		unpin(s->d->grant_table, s->ref, pin_kind(false, !s->writable));
}

/*
 * Find the domain of one side: frames may only be named for DOMID_SELF
 * (not even by one's own id), grant refs for any domain.
 */
static int copy_domain(const struct gnttab_copy_ptr *p, bool is_gref,
		       struct domain **d)
{
	if (p->domid != DOMID_SELF && !is_gref)
		return GNTST_permission_denied;
	*d = lookup(p->domid, true);
	return *d ? GNTST_okay : GNTST_bad_domain;
}

static int claim_side(const struct gnttab_copy_ptr *p, bool is_gref,
		      bool writable, struct copy_side *s)
{
	struct domain *ld = current->domain;
	int rc;

	s->writable = writable;
	s->typed = false;
	s->via_grant = is_gref;
	s->ref = p->u.ref;
	if (is_gref) {
		rc = pin(s->d, p->u.ref, ld->domid, pin_kind(false, !writable),
			 &s->mfn);
		if (rc)
			return rc;
		if (get_page(s->mfn, s->d)) {
			unpin(s->d->grant_table, p->u.ref,
			      pin_kind(false, !writable));
			return GNTST_bad_domain; /* the granter let it go */
		}
	} else {
		s->mfn = p->u.gmfn;
		if (get_page(s->mfn, s->d))
			return GNTST_bad_page;
	}
	if (writable && get_page_type(s->mfn, PGT_WRITABLE, s->d)) {
		release_side(s);
		return GNTST_general_error; /* a page table, say */
	}
	s->typed = writable;
	return GNTST_okay;
}

static int copy_sides(const struct gnttab_copy *op)
{
	struct copy_side src, dst;
	int rc;

	rc = copy_domain(&op->source, op->flags & GNTCOPY_source_gref, &src.d);
	if (!rc)
		rc = copy_domain(&op->dest, op->flags & GNTCOPY_dest_gref,
				 &dst.d);
	if (rc)
		return rc;
	rc = claim_side(&op->source, op->flags & GNTCOPY_source_gref, false,
			&src);
	if (rc)
		return rc;
	rc = claim_side(&op->dest, op->flags & GNTCOPY_dest_gref, true, &dst);
	if (rc) {
		release_side(&src);
		return rc;
	}
	if (op->source.offset + op->len > PAGE_SIZE ||
	    op->dest.offset + op->len > PAGE_SIZE) {
		rc = GNTST_bad_copy_arg;
	} else {
		memmove((uint8_t *)maddr_to_virt(dst.mfn << PAGE_SHIFT) +
				op->dest.offset,
			(uint8_t *)maddr_to_virt(src.mfn << PAGE_SHIFT) +
				op->source.offset,
			op->len);
	}
	release_side(&dst);
	release_side(&src);
	return rc;
}

static void copy_one(void *arg)
{
	struct gnttab_copy *op = arg;

	op->status = copy_sides(op);
}

/* ---- transfer, swap -------------------------------------------------- */

/*
 * Page transfer (the old netfront "flip") is refused by design: a frame
 * the caller does not own is GNTST_bad_page as on Xen, any other request
 * GNTST_permission_denied, and nothing moves.
 */
static void transfer_one(void *arg)
{
	struct gnttab_transfer *op = arg;

	if (get_page(op->mfn, current->domain)) {
		op->status = GNTST_bad_page;
	} else {
		put_page(op->mfn);
		op->status = GNTST_permission_denied;
	}
}

static int swap_one(grant_ref_t a, grant_ref_t b)
{
	struct grant_table *gt = table_of(current->domain);
	struct grant_entry_v1 tmp;

	if (!gt || a >= nr_entries(gt) || b >= nr_entries(gt))
		return GNTST_bad_gntref;
	if (a == b)
		return GNTST_okay;
	if (active_entry(gt, a)->pin || active_entry(gt, b)->pin)
		return GNTST_eagain;
	tmp = *shared_entry(gt, a);
	*shared_entry(gt, a) = *shared_entry(gt, b);
	*shared_entry(gt, b) = tmp;
	return GNTST_okay;
}

/* ---- the hypercall --------------------------------------------------- */

static void unmap_op(void *arg)
{
	struct gnttab_unmap_grant_ref *op = arg;

	op->status = unmap_one(op->handle, op->host_addr, op->dev_bus_addr, 0);
}

static void replace_op(void *arg)
{
	struct gnttab_unmap_and_replace *op = arg;

	op->status = unmap_one(op->handle, op->host_addr, 0, op->new_addr);
}

static void swap_op(void *arg)
{
	struct gnttab_swap_grant_ref *op = arg;

	op->status = swap_one(op->ref_a, op->ref_b);
}

/* An array operation: element size, what goes back, and the worker. */
struct batch {
	size_t size, out_offset, out_size;
	void (*one)(void *op);
};

#define STATUS_BACK(type, fn)                                       \
	{                                                           \
		sizeof(struct type), offsetof(struct type, status), \
			sizeof(((struct type *)0)->status), fn      \
	}

static const struct batch batches[] = {
	[GNTTABOP_map_grant_ref] = { sizeof(struct gnttab_map_grant_ref), 0,
				     sizeof(struct gnttab_map_grant_ref),
				     map_one },
	[GNTTABOP_unmap_grant_ref] =
		STATUS_BACK(gnttab_unmap_grant_ref, unmap_op),
	[GNTTABOP_unmap_and_replace] =
		STATUS_BACK(gnttab_unmap_and_replace, replace_op),
	[GNTTABOP_transfer] = STATUS_BACK(gnttab_transfer, transfer_one),
	[GNTTABOP_copy] = STATUS_BACK(gnttab_copy, copy_one),
	[GNTTABOP_swap_grant_ref] = STATUS_BACK(gnttab_swap_grant_ref, swap_op),
};

/*
 * Arrays are read one element at a time, as Xen does: a count running
 * past the guest's memory ends in -EFAULT after the readable elements.
 */
/* Preemptible, as Xen: the rest of the batch is re-issued from where it
 * stopped, with the count that remains. */
static long run_batch(uint64_t cmd, const struct batch *b, uint64_t uop,
		      uint32_t count)
{
	uint8_t op[sizeof(struct gnttab_copy)];

	for (uint32_t i = 0; i < count; i++) {
		uint64_t at = uop + (uint64_t)i * b->size;

		if (copy_from_guest(op, at, b->size))
			return -XEN_EFAULT;
		b->one(op);
		if (copy_to_guest(at + b->out_offset, op + b->out_offset,
				  b->out_size))
			return -XEN_EFAULT;
		if (i + 1 < count && hypercall_preempt_check())
			return hypercall_continue(__HYPERVISOR_grant_table_op,
						  cmd, at + b->size,
						  count - i - 1);
	}
	return 0;
}

long do_grant_table_op(uint64_t cmd, uint64_t uop, uint64_t count, uint64_t a4,
		       uint64_t a5)
{
	uint32_t n = (uint32_t)count;

	(void)a4, (void)a5;
	if ((int32_t)n < 0)
		return -XEN_EINVAL;
	if ((uint32_t)cmd & ~CMD_MASK)
		return -XEN_EINVAL;
	switch ((uint32_t)cmd) {
	case GNTTABOP_setup_table:
		return setup_table(uop, n);
	case GNTTABOP_query_size:
		return query_size(uop, n);
	case GNTTABOP_set_version:
		return set_version(uop);
	case GNTTABOP_get_status_frames:
		return get_status_frames(uop, n);
	case GNTTABOP_get_version:
		return get_version(uop);
	}
	if (cmd < sizeof(batches) / sizeof(batches[0]) && batches[cmd].one)
		return run_batch(cmd, &batches[cmd], uop, n);
	return -XEN_ENOSYS; /* dump_table, cache_flush: not on x86 PV */
}
