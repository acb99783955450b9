// SPDX-License-Identifier: MIT
/*
 * Frame references and page-table validation for PV guests.
 *
 * Every present entry in a validated guest page table holds references:
 * an L1 entry a general reference on the frame it maps (and a writable
 * type reference if it maps it writable); an L2/L3/L4 entry a typed
 * reference of the next level down. Validating a table takes those
 * references for every entry; devalidating drops them. So a frame can be
 * a page table only while nobody maps it writable, and can be mapped
 * writable only while it is no page table.
 */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/hypercall.h>
#include <lamina/mm.h>
#include <lamina/panic.h>
#include <lamina/printk.h>
#include <lamina/string.h>
#include <asm/acpi.h>
#include <asm/cpu.h>
#include <asm/page.h>
#include <asm/pv_mm.h>
#include <asm/smp.h>
#include <xen/errno.h>

uint64_t *m2p;

/* Bits a guest may set in an entry, by level; the rest is refused. */
#define L1_ALLOWED                                                           \
	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_PWT | _PAGE_PCD |     \
	 _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_GLOBAL | (7UL << 9) |          \
	 _PAGE_NX | PTE_ADDR_MASK)
/* Upper levels: no PSE (superpages); dirty and global are ignored there
 * by the CPU, and Linux sets dirty in its table entries. */
#define LN_ALLOWED                                                           \
	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_PWT | _PAGE_PCD |     \
	 _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_GLOBAL | (7UL << 9) |          \
	 _PAGE_NX | PTE_ADDR_MASK)

bool mfn_valid(uint64_t mfn)
{
	return mfn < max_frame;
}

struct frame *mfn_frame(uint64_t mfn)
{
	return &frame_table[mfn];
}

void assign_frame(uint64_t mfn, struct domain *d, uint32_t extra_flags)
{
	struct frame *f = mfn_frame(mfn);

	f->owner = d->domid;
	f->count_info = PGC_ALLOCATED | extra_flags | 1;
	f->type_info = 0;
}

void share_hyp_frame(uint64_t mfn, struct domain *d)
{
	assign_frame(mfn, d, PGC_HYP_HEAP);
	/* Cannot fail: the frame is fresh and d's. */
	BUG_ON(get_page_and_type(mfn, d, PGT_WRITABLE));
}

/* Debug builds count the pointers: each must hold a writable type ref. */
void *guest_frame_ptr(uint64_t mfn)
{
#ifdef CONFIG_DEBUG
	struct frame *f = mfn_frame(mfn);

	BUG_ON((f->type_info & PGT_TYPE_MASK) != PGT_WRITABLE ||
	       (f->type_info & PGT_COUNT_MASK) <= f->hyp_ptrs);
	f->hyp_ptrs++;
#endif
	return maddr_to_virt(mfn << PAGE_SHIFT);
}

void guest_frame_drop_ptr(uint64_t mfn)
{
#ifdef CONFIG_DEBUG
	BUG_ON(!mfn_frame(mfn)->hyp_ptrs);
	mfn_frame(mfn)->hyp_ptrs--;
#else
	(void)mfn;
#endif
}

int get_page(uint64_t mfn, const struct domain *d)
{
	struct frame *f;

	if (!mfn_valid(mfn))
		return -XEN_EINVAL;
	f = mfn_frame(mfn);
	if (f->owner != d->domid || !(f->count_info & PGC_ALLOCATED) ||
	    (f->flags & FRAME_RESERVED))
		return -XEN_EINVAL;
	if ((f->count_info & PGC_COUNT_MASK) == PGC_COUNT_MASK)
		return -XEN_EBUSY;
	f->count_info++;
	return 0;
}

void put_page(uint64_t mfn)
{
	struct frame *f = mfn_frame(mfn);

	BUG_ON(!(f->count_info & PGC_COUNT_MASK));
	f->count_info--;
	if (!(f->count_info & PGC_COUNT_MASK)) {
		/* Last reference gone: the frame goes back to the allocator,
		 * once no CPU can still reach it through a stale mapping. */
		flush_tlb_stale();
		/* Given back earlier: only now does it leave the quota. */
		if (f->count_info & PGC_RELEASED)
			domain_lookup(f->owner)->tot_pages--;
		f->owner = FRAME_OWNER_NONE;
		f->count_info = 0;
		free_hyp_pages(maddr_to_virt(mfn << PAGE_SHIFT), 0);
	}
}

static int level_of(uint32_t type)
{
	return (type >> PGT_TYPE_SHIFT) >= 1 && (type >> PGT_TYPE_SHIFT) <= 4 ?
		       (int)(type >> PGT_TYPE_SHIFT) :
		       0;
}

bool pv_frame_is_page_table(uint64_t mfn)
{
	const struct frame *f = mfn_frame(mfn);

	return level_of(f->type_info & PGT_TYPE_MASK) &&
	       (f->type_info & PGT_VALIDATED);
}

static pte_t *map_frame(uint64_t mfn)
{
	return maddr_to_virt(mfn << PAGE_SHIFT);
}

/*
 * I/O memory: frames no domain or allocator owns — device MMIO above RAM,
 * firmware ranges (reserved, ACPI, NVS), holes, and the first MiB of RAM
 * the hypervisor keeps for the BIOS. A domain with an IOMEM capability
 * covering them may map them, except the hypervisor's own devices; they
 * carry no reference counts. Never RAM the hypervisor or any domain uses.
 */
static bool frame_is_iomem(uint64_t mfn)
{
	uint64_t addr = mfn << PAGE_SHIFT;

	for (unsigned int i = 0; i < machine_memmap.nr; i++) {
		const struct memmap_range *r = &machine_memmap.ranges[i];

		if (addr < r->base || addr - r->base >= r->len)
			continue;
		return r->type == MEMMAP_RESERVED || r->type == MEMMAP_ACPI ||
		       r->type == MEMMAP_NVS || r->type == MEMMAP_LOWMEM;
	}
	return true; /* in no range: a hole or device memory */
}

#define MSI_ADDR_BASE 0xfee00000UL /* the 1 MiB the LAPIC and MSIs decode */

/*
 * The devices the hypervisor drives itself, and the AP trampoline: no
 * IOMEM capability reaches them (Xen denies dom0 the LAPIC and MSI range
 * too; docs/security.md).
 */
static bool frame_is_hypervisor_mmio(uint64_t mfn)
{
	return (mfn << PAGE_SHIFT) >> 20 == MSI_ADDR_BASE >> 20 ||
	       (acpi.lapic_address &&
		mfn == acpi.lapic_address >> PAGE_SHIFT) ||
	       mfn == AP_TRAMPOLINE_BASE >> PAGE_SHIFT;
}

/*
 * Hypervisor devices whose registers only read (an I/O APIC's window
 * depends on the select register only the hypervisor writes): mapped
 * read-only whatever the entry asks, as Xen's mmio_ro ranges. ACPI
 * methods read the HPET through such a mapping.
 */
static bool frame_is_mmio_ro(uint64_t mfn)
{
	if (acpi.hpet_address && mfn == acpi.hpet_address >> PAGE_SHIFT)
		return true;
	for (unsigned int i = 0; i < acpi.nr_ioapics; i++)
		if (mfn == acpi.ioapics[i].address >> PAGE_SHIFT)
			return true;
	return false;
}

static int iomem_allowed(const struct domain *d, uint64_t mfn)
{
	if (frame_is_hypervisor_mmio(mfn) ||
	    cap_check(&d->cspace, CAP_IOMEM, mfn, 1, CAP_RIGHT_MAP))
		return -XEN_EPERM; /* as Xen */
	return 0;
}

/*
 * Take the references one entry of a level-n table needs. An L1 entry's
 * frame must belong to owner: d itself, or a granter (grant_table.c).
 */
static int get_entry_refs(struct domain *d, const struct domain *owner,
			  int level, unsigned int index, pte_t e)
{
	uint64_t mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;

	if (!(e & _PAGE_PRESENT))
		return 0;
	if (level == 1) {
		if (e & ~L1_ALLOWED)
			return -XEN_EINVAL;
		if (frame_is_iomem(mfn))
			return iomem_allowed(d, mfn);
		return (e & _PAGE_RW) ?
			       get_page_and_type(mfn, owner, PGT_WRITABLE) :
			       get_page(mfn, owner);
	}
	if (e & ~LN_ALLOWED)
		return -XEN_EINVAL; /* superpages and reserved bits */
	if (level == 4 && l4_slot_is_hypervisor(index))
		return -XEN_EPERM;
	return get_page_and_type(mfn, d, PGT_LEVEL(level - 1));
}

static void put_entry_refs(int level, unsigned int index, pte_t e)
{
	uint64_t mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;

	if (!(e & _PAGE_PRESENT))
		return;
	if (level == 4 && l4_slot_is_hypervisor(index))
		return;
	tlb_note_mapping_dropped();
	if (level == 1 && frame_is_iomem(mfn))
		return; /* I/O memory holds no references */
	if (level == 1 && !(e & _PAGE_RW))
		put_page(mfn);
	else
		put_page_and_type(mfn);
}

/* Guest entries are always user-accessible: the guest kernel is ring 3. */
static pte_t adjust_entry(int level, pte_t e)
{
	if (!(e & _PAGE_PRESENT))
		return e;
	if (level == 1 && frame_is_mmio_ro((e & PTE_ADDR_MASK) >> PAGE_SHIFT))
		e &= ~(pte_t)_PAGE_RW;
	return e | _PAGE_USER;
}

static void devalidate(uint64_t mfn, int level, unsigned int upto)
{
	pte_t *t = map_frame(mfn);

	for (unsigned int i = 0; i < upto; i++)
		put_entry_refs(level, i, t[i]);
}

/*
 * Its last type reference went (or, partial, it was given back, or its
 * validation failed part way): its entries below upto are released by
 * pv_pt_drain(), a few at a time.
 */
static void pt_die(uint64_t mfn, uint32_t type, unsigned int upto)
{
	struct frame *f = mfn_frame(mfn);
	struct domain *o = domain_lookup(f->owner);

	BUG_ON(!o);
	f->type_info = type | PGT_DYING | 1;
	f->pt_next = upto;
	f->pt_link = o->pt_dying;
	o->pt_dying = (uint32_t)mfn + 1;
}

/*
 * Take the references of entries pt_next on. An L2-L4 table may stop
 * before an entry once it has done one (so each round makes progress):
 * -XEN_ERESTART with pt_next there, the entries below it holding theirs.
 * A child so stopped is partial on its own: the parent holds nothing on
 * it and asks for it again when it goes on. An L1 is done in one go.
 */
static int validate(struct domain *d, uint64_t mfn, int level)
{
	struct frame *f = mfn_frame(mfn);
	unsigned int start = f->pt_next;
	pte_t *t = map_frame(mfn);
	int rc;

	for (unsigned int i = start; i < PT_ENTRIES; i++) {
		if (level == 4 && l4_slot_is_hypervisor(i))
			continue;
		rc = level > 1 && i > start && hypercall_preempt_check() ?
			     -XEN_ERESTART :
			     get_entry_refs(d, d, level, i, t[i]);
		if (rc == -XEN_ERESTART) {
			f->pt_next = i;
			return rc;
		}
		if (rc) {
			uint64_t to = (t[i] & PTE_ADDR_MASK) >> PAGE_SHIFT;

			pr_debug("d%u: L%d table %#lx entry %u (%#lx) refused (%d; target count %#x type %#x)\n",
				 d->domid, level, (unsigned long)mfn, i,
				 (unsigned long)t[i], rc,
				 mfn_valid(to) ? mfn_frame(to)->count_info : 0,
				 mfn_valid(to) ? mfn_frame(to)->type_info : 0);
			/* An L2's 511 L1s are 261K entries: a bigger table's
			 * go to the drain (with a reference of its own). */
			if (level > 1 && i && !get_page(mfn, d))
				pt_die(mfn, PGT_LEVEL(level), i);
			else
				devalidate(mfn, level, i);
			return rc;
		}
		t[i] = adjust_entry(level, t[i]);
	}
	if (level == 4)
		install_hypervisor_l4_slots(t);
	return 0;
}

int pv_pt_drain(struct domain *d)
{
	bool progress = false;

	while (d->pt_dying) {
		uint64_t mfn = d->pt_dying - 1;
		struct frame *f = mfn_frame(mfn);

		if (progress && hypercall_preempt_check())
			return -XEN_ERESTART;
		progress = true;
		if (f->pt_next) {
			/* A child whose last reference this was goes on top. */
			f->pt_next--;
			put_entry_refs(level_of(f->type_info & PGT_TYPE_MASK),
				       f->pt_next, map_frame(mfn)[f->pt_next]);
			continue;
		}
		d->pt_dying = f->pt_link;
		f->type_info &= PGT_TYPE_MASK; /* unused; it was a table */
		put_page(mfn);
	}
	return 0;
}

/* An unused frame keeps its last type's bits (count 0, no flags). */
static bool was_table_or_desc(const struct frame *f)
{
	uint32_t last = f->type_info & PGT_TYPE_MASK;

	return last != PGT_NONE && last != PGT_WRITABLE;
}

int get_page_type(uint64_t mfn, uint32_t type, struct domain *d)
{
	struct frame *f = mfn_frame(mfn);
	uint32_t count;
	int rc;

	/* Wanted as a table again while released: finish that first. */
	if ((f->type_info & PGT_DYING) && level_of(type) > 1) {
		rc = pv_pt_drain(d);
		if (rc)
			return rc;
	}
	count = f->type_info & PGT_COUNT_MASK;
	if (count && !(f->type_info & (PGT_PARTIAL | PGT_DYING))) {
		if ((f->type_info & PGT_TYPE_MASK) != type)
			return -XEN_EINVAL;
		if (count == PGT_COUNT_MASK)
			return -XEN_EBUSY;
		f->type_info++;
		return 0;
	}
	if (count) {
		/* Partial: go on where it stopped, its type reference ours
		 * if it completes. Nothing could map it writable meanwhile,
		 * so the flush made when it took this type still holds. */
		if ((f->type_info & (PGT_TYPE_MASK | PGT_DYING)) != type)
			return -XEN_EINVAL;
	} else {
		/*
		 * First use as this type. Unless it becomes writable,
		 * another CPU must not keep writing through a mapping that
		 * is gone from the tables but not from its TLB; and a former
		 * table becoming writable must not still be walked through
		 * another CPU's cached upper-level entry (the type bits of
		 * an unused frame say what it was): flush those that may.
		 */
		if (type != PGT_WRITABLE || was_table_or_desc(f))
			flush_tlb_stale();
		f->type_info = type | 1;
		f->pt_next = 0;
		/* A descriptor page validates now, after the flush. */
		if (type == PGT_SEG_DESC && pv_validate_desc_frame(mfn)) {
			f->type_info = 0;
			return -XEN_EINVAL;
		}
		if (!level_of(type))
			return 0;
	}
	/* A page table must validate first. */
	rc = validate(d, mfn, level_of(type));
	if (rc == -XEN_ERESTART)
		f->type_info = type | PGT_PARTIAL | 1;
	else if (!rc)
		f->type_info = type | PGT_VALIDATED | 1;
	else if (!(f->type_info & PGT_DYING))
		f->type_info = 0;
	return rc;
}

/* Drop a type reference; true if the drain took the general one too. */
static bool put_type(uint64_t mfn)
{
	struct frame *f = mfn_frame(mfn);
	uint32_t type = f->type_info & PGT_TYPE_MASK;
	bool valid = f->type_info & PGT_VALIDATED;

	/* Nobody but the state itself holds a partial or dying frame. */
	BUG_ON(!(f->type_info & PGT_COUNT_MASK) ||
	       (f->type_info & (PGT_PARTIAL | PGT_DYING)));
#ifdef CONFIG_DEBUG
	/* Not below one reference per pointer the hypervisor keeps. */
	BUG_ON((f->type_info & PGT_COUNT_MASK) <= f->hyp_ptrs);
#endif
	if ((f->type_info & PGT_COUNT_MASK) > 1) {
		f->type_info--;
		return false;
	}
	/* An L1 goes at once (512 entries); a bigger table bit by bit. */
	if (level_of(type) > 1 && valid) {
		pt_die(mfn, type, PT_ENTRIES);
		return true;
	}
	if (valid)
		devalidate(mfn, 1, PT_ENTRIES);
	f->type_info = type; /* unused, but what it was stays known */
	return false;
}

void put_page_type(uint64_t mfn)
{
	/* Page tables go through put_page_and_type. */
	bool kept = put_type(mfn);

	BUG_ON(kept);
}

void pv_drop_partial(uint64_t mfn)
{
	struct frame *f = mfn_frame(mfn);

	/* Its general reference becomes the drain's. */
	if (f->type_info & PGT_PARTIAL)
		pt_die(mfn, f->type_info & PGT_TYPE_MASK, f->pt_next);
}

/*
 * A partial frame holds one general reference: the one of the caller that
 * left it partial, given back by the caller that ends its validation.
 */
int get_page_and_type(uint64_t mfn, const struct domain *d, uint32_t type)
{
	struct frame *f = mfn_frame(mfn);
	int rc = get_page(mfn, d), puts;

	if (rc)
		return rc;
	puts = 1 + !!(f->type_info & PGT_PARTIAL);
	rc = get_page_type(mfn, type, (struct domain *)d);
	puts -= !rc + !!(f->type_info & PGT_PARTIAL);
	while (puts-- > 0)
		put_page(mfn);
	return rc;
}

void put_page_and_type(uint64_t mfn)
{
	if (!put_type(mfn))
		put_page(mfn);
}

static int update_entry(struct domain *d, const struct domain *owner,
			uint64_t pt_mfn, unsigned int index, pte_t new,
			bool preserve_ad)
{
	struct frame *f = mfn_frame(pt_mfn);
	int level = level_of(f->type_info & PGT_TYPE_MASK);
	pte_t *t = map_frame(pt_mfn);
	pte_t old = t[index];
	int rc;

	if (!level || !(f->type_info & PGT_VALIDATED))
		return -XEN_EINVAL;
	if (level == 4 && l4_slot_is_hypervisor(index))
		return -XEN_EPERM;
	if (preserve_ad)
		new |= old & (_PAGE_ACCESSED | _PAGE_DIRTY);
	if (owner != d && level != 1)
		return -XEN_EINVAL;
	rc = get_entry_refs(d, owner, level, index, new);
	if (rc)
		return rc;
	t[index] = adjust_entry(level, new);
	put_entry_refs(level, index, old);
	return 0;
}

int pv_update_entry(struct domain *d, uint64_t pt_mfn, unsigned int index,
		    pte_t new, bool preserve_ad)
{
	return update_entry(d, d, pt_mfn, index, new, preserve_ad);
}

int pv_update_l1_foreign(struct domain *d, const struct domain *owner,
			 uint64_t l1_mfn, unsigned int index, pte_t new)
{
	return update_entry(d, owner, l1_mfn, index, new, false);
}

void install_hypervisor_l4_slots(pte_t *l4)
{
	const pte_t *idle = maddr_to_virt(idle_page_table());

	for (unsigned int i = HYP_FIRST_L4_SLOT; i <= HYP_LAST_L4_SLOT; i++)
		l4[i] = idle[i];
}

void flush_tlb_local(void)
{
	write_cr3_flush(read_cr3());
}

void pv_mm_init(void)
{
	uint64_t bytes = max_frame * sizeof(uint64_t);
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	m2p = alloc_hyp_pages(order);
	if (!m2p)
		panic("no memory for the machine-to-phys table");
	memset(m2p, 0xff, PAGE_SIZE << order); /* INVALID_M2P_ENTRY */
	if (map_pages(M2P_RO_START, virt_to_maddr(m2p), 1UL << order,
		      MAP_GUEST_RO))
		panic("cannot map the machine-to-phys table");
	pr_info("M2P: %lu KiB at %#lx, read-only for guests\n",
		(unsigned long)((PAGE_SIZE << order) >> 10), M2P_RO_START);
}
