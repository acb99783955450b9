/* SPDX-License-Identifier: MIT */
/*
 * The PV MMU's bookkeeping on the frame table. Each frame a domain owns
 * carries a general reference count (count_info) and a typed use count
 * (type_info): a frame is used as one type at a time — writable data, or
 * a page table of one level, or a descriptor table — and only switches
 * type when its type count falls to zero. That single rule is what keeps
 * a guest from holding a writable mapping of its own page tables.
 */
#ifndef ASM_PV_MM_H
#define ASM_PV_MM_H

#include <stdbool.h>
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/frame.h>
#include <asm/page.h>

/* type_info */
#define PGT_TYPE_SHIFT 29
#define PGT_TYPE_MASK (7u << PGT_TYPE_SHIFT)
#define PGT_NONE (0u << PGT_TYPE_SHIFT)
#define PGT_L1 (1u << PGT_TYPE_SHIFT)
#define PGT_L2 (2u << PGT_TYPE_SHIFT)
#define PGT_L3 (3u << PGT_TYPE_SHIFT)
#define PGT_L4 (4u << PGT_TYPE_SHIFT)
#define PGT_SEG_DESC (5u << PGT_TYPE_SHIFT)
/* pv_descriptors.c: 0 if a frame holds only safe descriptors. */
int pv_validate_desc_frame(uint64_t mfn);
#define PGT_WRITABLE (6u << PGT_TYPE_SHIFT)
#define PGT_PINNED (1u << 28)
#define PGT_VALIDATED (1u << 27)
/*
 * Validation stopped part way (preempted) and goes on at entry pt_next
 * when the frame is next asked for as this type. A partial frame is no
 * page table yet; its type count is 1 and it holds one general reference,
 * both its own (docs/security.md).
 */
#define PGT_PARTIAL (1u << 26)
/*
 * Its last type reference went (or its validation failed part way): it
 * is no page table any more, and its entries are released (from pt_next
 * down) by pv_pt_drain(), not in one step. Type count 1 and one general
 * reference are the drain's.
 */
#define PGT_DYING (1u << 25)
#define PGT_COUNT_MASK ((1u << 25) - 1)

/* count_info */
#define PGC_ALLOCATED (1u << 31) /* the owner's reference is held */
#define PGC_HYP_HEAP (1u << 30) /* a hypervisor page shared with its owner */
/* Given back while still referenced: counts in the owner's tot_pages
 * until freed (as Xen), so a domain cannot hoard frames past its quota. */
#define PGC_RELEASED (1u << 29)
#define PGC_COUNT_MASK ((1u << 29) - 1)

#define PGT_LEVEL(n) ((uint32_t)(n) << PGT_TYPE_SHIFT)

/*
 * Internal only, as Xen's: a page-table validation was preempted. The
 * caller re-issues its work later (a continuation, a re-fault); a guest
 * never sees this value.
 */
#define XEN_ERESTART 85

/* Is the frame a validated L1-L4 page table? */
bool pv_frame_is_page_table(uint64_t mfn);

/* The machine-to-phys table, written here, read by guests in slot 256. */
extern uint64_t *m2p;

void pv_mm_init(void);

struct frame *mfn_frame(uint64_t mfn);
bool mfn_valid(uint64_t mfn);

/* General references: the frame must belong to d. 0 or -XEN_E*. */
int get_page(uint64_t mfn, const struct domain *d);
void put_page(uint64_t mfn);
/*
 * Typed use: validates a page table on its first use as that type. An
 * L2-L4 table may return -XEN_ERESTART inside a hypercall or a ptwr
 * write (hypercall_preempt_check): then nothing was taken for the caller.
 */
int get_page_type(uint64_t mfn, uint32_t type, struct domain *d);
void put_page_type(uint64_t mfn);
int get_page_and_type(uint64_t mfn, const struct domain *d, uint32_t type);
void put_page_and_type(uint64_t mfn);
/* A frame given back: end a partial validation, release what it holds. */
void pv_drop_partial(uint64_t mfn);
/*
 * Release d's dying page tables. 0 once none is left, or -XEN_ERESTART
 * past the hypercall's budget (after some progress): the caller goes on
 * later (mmu_update, mmuext_op, a ptwr write re-faulting).
 */
int pv_pt_drain(struct domain *d);

/* Give a freshly allocated frame to d (owner, allocation reference). */
void assign_frame(uint64_t mfn, struct domain *d, uint32_t extra_flags);
/*
 * Give d a hypervisor page both use (shared_info, grant frames): the
 * hypervisor keeps a writable type reference on it for good, so it can
 * never become a page table or descriptor page.
 */
void share_hyp_frame(uint64_t mfn, struct domain *d);
/*
 * The hypervisor's pointer to a guest frame it keeps: the caller holds a
 * PGT_WRITABLE reference for as long as it keeps the pointer, and calls
 * guest_frame_drop_ptr before dropping it. Debug builds count pointers
 * and stop if a frame's writable references fall below their number.
 * Every such frame is listed in docs/security.md.
 */
void *guest_frame_ptr(uint64_t mfn);
void guest_frame_drop_ptr(uint64_t mfn);

/*
 * Replace entry index of the page table frame pt_mfn (of type level) by
 * new: validate new, then release what old referenced. 0 or -XEN_E*.
 */
int pv_update_entry(struct domain *d, uint64_t pt_mfn, unsigned int index,
		    pte_t new, bool preserve_ad);

/*
 * As pv_update_entry for an L1 entry whose frame belongs to owner (a
 * granter): the references are taken on owner's frame on d's behalf and
 * dropped like any other when the entry is replaced. Grant mappings only.
 */
int pv_update_l1_foreign(struct domain *d, const struct domain *owner,
			 uint64_t l1_mfn, unsigned int index, pte_t new);

/* The L1 table and slot mapping va in v's kernel page tables. */
long pv_find_l1(struct vcpu *v, uint64_t va, uint64_t *l1_mfn,
		unsigned int *index);

/* Guest L4 slots the hypervisor owns (256..271). */
static inline bool l4_slot_is_hypervisor(unsigned int slot)
{
	return slot >= HYP_FIRST_L4_SLOT && slot <= HYP_LAST_L4_SLOT;
}

/* Copy the hypervisor's L4 entries into a guest L4 page. */
void install_hypervisor_l4_slots(pte_t *l4);

void flush_tlb_local(void);

#endif
