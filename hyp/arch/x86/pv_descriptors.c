// SPDX-License-Identifier: MIT
/*
 * Guest segment descriptors: set_gdt and update_descriptor. A descriptor
 * a PV guest installs may only describe ring-3 code or data (a lower DPL
 * is raised to 3, as Xen does) or be not-present; system descriptors
 * (LDT, TSS, gates) are refused. GDT frames take the PGT_SEG_DESC type,
 * so the guest cannot write them behind our back, and their validated
 * contents are copied into this CPU's GDT below the hypervisor's entries.
 */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/heap.h>
#include <lamina/hypercall.h>
#include <lamina/string.h>
#include <asm/desc.h>
#include <asm/pv.h>
#include <asm/page.h>
#include <asm/pv_mm.h>
#include <asm/uaccess.h>
#include <xen/errno.h>

#define DESC_PRESENT (1UL << 47)
#define DESC_S (1UL << 44) /* code or data, not system */
#define DESC_DPL_SHIFT 45
#define DESC_DPL (3UL << DESC_DPL_SHIFT)
#define GDT_FRAME_ENTRIES 512
#define MAX_GDT_FRAMES (HYP_GDT_FIRST_ENTRY / GDT_FRAME_ENTRIES)

/* 0 and the (possibly adjusted) descriptor, or -XEN_EINVAL. */
static int check_descriptor(uint64_t *desc)
{
	if (!(*desc & DESC_PRESENT))
		return 0; /* using it faults anyway */
	if (!(*desc & DESC_S))
		return -XEN_EINVAL;
	if ((*desc & DESC_DPL) != DESC_DPL)
		*desc |= DESC_DPL;
	return 0;
}

/*
 * A frame taking the descriptor-page type for the first time holds only
 * safe descriptors. Called by get_page_type() after its TLB flush, when
 * no CPU can write the frame any more (as page tables are validated).
 */
int pv_validate_desc_frame(uint64_t mfn)
{
	uint64_t *d = maddr_to_virt(mfn << PAGE_SHIFT);

	for (unsigned int i = 0; i < GDT_FRAME_ENTRIES; i++)
		if (check_descriptor(&d[i]))
			return -XEN_EINVAL;
	return 0;
}

static void drop_gdt(struct vcpu *v)
{
	for (unsigned int i = 0; i < v->gdt_frames; i++)
		put_page_and_type(v->gdt_mfn[i]);
	v->gdt_frames = 0;
	v->gdt_entries = 0;
}

/*
 * Take a reference and the descriptor-page type on a guest frame. A frame
 * mapped writable anywhere cannot take the type; get_page_type() checks
 * the contents of one taking it for the first time, after its flush.
 */
static int get_desc_frame(uint64_t mfn, struct domain *d)
{
	return get_page_and_type(mfn, d, PGT_SEG_DESC) ? -1 : 0;
}

/* Undo get_desc_frame() on the first n frames of a refused table. */
static int put_desc_frames(const uint64_t *mfns, unsigned int n)
{
	while (n--)
		put_page_and_type(mfns[n]);
	return -XEN_EINVAL;
}

/* This CPU's GDT below the hypervisor entries mirrors v's guest GDT. */
void pv_load_gdt(struct vcpu *v)
{
	uint64_t entries[GDT_FRAME_ENTRIES];

	gdt_clear_guest_entries();
	for (unsigned int f = 0; f < v->gdt_frames; f++) {
		memcpy(entries, maddr_to_virt(v->gdt_mfn[f] << PAGE_SHIFT),
		       sizeof(entries));
		gdt_set_guest_entries(f * GDT_FRAME_ENTRIES, entries,
				      GDT_FRAME_ENTRIES);
	}
}

int pv_gdt_entry(const struct vcpu *v, unsigned int index, uint64_t *desc)
{
	unsigned int f = index / GDT_FRAME_ENTRIES;

	if (index >= v->gdt_entries || f >= v->gdt_frames)
		return -XEN_EINVAL;
	*desc = ((const uint64_t *)maddr_to_virt(v->gdt_mfn[f] << PAGE_SHIFT))
		[index % GDT_FRAME_ENTRIES];
	return 0;
}

int pv_set_gdt_frames(struct vcpu *v, const uint64_t *frames,
		      uint64_t entries)
{
	uint64_t mfns[MAX_GDT_FRAMES];
	unsigned int n, i;

	if (entries > HYP_GDT_FIRST_ENTRY)
		return -XEN_EINVAL;
	n = (entries + GDT_FRAME_ENTRIES - 1) / GDT_FRAME_ENTRIES;
	memcpy(mfns, frames, n * sizeof(uint64_t));
	for (i = 0; i < n; i++)
		if (get_desc_frame(mfns[i], v->domain))
			break;
	if (i < n)
		return put_desc_frames(mfns, i);
	drop_gdt(v);
	memcpy(v->gdt_mfn, mfns, n * sizeof(uint64_t));
	v->gdt_frames = n;
	v->gdt_entries = entries;
	if (v == current)
		pv_load_gdt(v);
	return 0;
}

long do_set_gdt(uint64_t frame_list, uint64_t entries, uint64_t a3,
		uint64_t a4, uint64_t a5)
{
	uint64_t mfns[MAX_GDT_FRAMES];

	(void)a3, (void)a4, (void)a5;
	if (entries > HYP_GDT_FIRST_ENTRY)
		return -XEN_EINVAL;
	if (copy_from_guest(mfns, frame_list,
			    (entries + GDT_FRAME_ENTRIES - 1) /
				    GDT_FRAME_ENTRIES * sizeof(uint64_t)))
		return -XEN_EFAULT;
	return pv_set_gdt_frames(current, mfns, entries);
}

long do_update_descriptor(uint64_t ma, uint64_t desc, uint64_t a3,
			  uint64_t a4, uint64_t a5)
{
	struct vcpu *v = current;
	struct domain *d = v->domain;
	uint64_t mfn = ma >> PAGE_SHIFT;
	uint32_t type;
	int rc;

	(void)a3, (void)a4, (void)a5;
	if ((ma & 7) || check_descriptor(&desc))
		return -XEN_EINVAL;
	if (!mfn_valid(mfn) || get_page(mfn, d))
		return -XEN_EINVAL;
	type = mfn_frame(mfn)->type_info & PGT_TYPE_MASK;
	if (type == PGT_SEG_DESC &&
	    (mfn_frame(mfn)->type_info & PGT_COUNT_MASK)) {
		rc = 0; /* a live descriptor page: only we write it */
	} else {
		rc = get_page_type(mfn, PGT_WRITABLE, d);
		if (rc) {
			put_page(mfn);
			return -XEN_EINVAL;
		}
	}
	((uint64_t *)maddr_to_virt(mfn << PAGE_SHIFT))[(ma & 0xfff) / 8] =
		desc;
	if (type == PGT_SEG_DESC) {
		for (unsigned int f = 0; f < v->gdt_frames; f++)
			if (v->gdt_mfn[f] == mfn)
				pv_load_gdt(v);
		for (unsigned int f = 0; f < v->ldt_frames; f++)
			if (v->ldt_mfn[f] == mfn)
				pv_load_ldt(v);
	} else {
		put_page_type(mfn);
	}
	put_page(mfn);
	return 0;
}

/*
 * MMUEXT_SET_LDT: the LDT's pages (guest virtual, page aligned) take the
 * descriptor-page type like GDT frames, so their contents are checked and
 * frozen; a copy is what the CPU uses, refreshed by update_descriptor.
 */
#define LDT_MAX_ENTRIES 8192
#define LDT_MAX_FRAMES (LDT_MAX_ENTRIES * 8 / PAGE_SIZE)

static void drop_ldt(struct vcpu *v)
{
	for (unsigned int i = 0; i < v->ldt_frames; i++)
		put_page_and_type(v->ldt_mfn[i]);
	v->ldt_frames = 0;
	v->ldt_entries = 0;
}

void pv_load_ldt(struct vcpu *v)
{
	for (unsigned int f = 0; f < v->ldt_frames; f++)
		memcpy((uint8_t *)v->ldt_shadow + f * PAGE_SIZE,
		       maddr_to_virt(v->ldt_mfn[f] << PAGE_SHIFT), PAGE_SIZE);
	ldt_load(v->ldt_shadow, v->ldt_entries);
}

long pv_set_ldt(struct vcpu *v, uint64_t va, unsigned int entries)
{
	uint64_t mfns[LDT_MAX_FRAMES];
	unsigned int n = (entries * 8 + PAGE_SIZE - 1) / PAGE_SIZE, i;

	if ((va & (PAGE_SIZE - 1)) || entries > LDT_MAX_ENTRIES ||
	    (entries && !guest_range_ok(va, entries * 8)))
		return -XEN_EINVAL;
	if (entries && !v->ldt_shadow &&
	    !(v->ldt_shadow = kzalloc(LDT_MAX_ENTRIES * 8)))
		return -XEN_ENOMEM;
	for (i = 0; i < n; i++) {
		uint64_t l1_mfn;
		unsigned int index;
		pte_t e;

		if (pv_find_l1(v, va + i * PAGE_SIZE, &l1_mfn, &index))
			break;
		e = ((pte_t *)maddr_to_virt(l1_mfn << PAGE_SHIFT))[index];
		mfns[i] = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
		if (!(e & _PAGE_PRESENT) || get_desc_frame(mfns[i], v->domain))
			break;
	}
	if (i < n)
		return put_desc_frames(mfns, i);
	drop_ldt(v);
	memcpy(v->ldt_mfn, mfns, n * sizeof(uint64_t));
	v->ldt_frames = n;
	v->ldt_entries = entries;
	if (v == current)
		pv_load_ldt(v);
	return 0;
}
