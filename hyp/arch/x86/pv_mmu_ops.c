// SPDX-License-Identifier: MIT
/*
 * mmu_update, update_va_mapping and mmuext_op: every change a PV guest
 * makes to its page tables comes through here and pv_update_entry().
 */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/hypercall.h>
#include <lamina/printk.h>
#include <lamina/string.h>
#include <asm/cpu.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/pv_mm.h>
#include <asm/smp.h>
#include <asm/uaccess.h>
#include <xen/errno.h>
#include <xen/xen.h>

#define MMU_UPDATE_PREEMPTED (~(~0U >> 1))

static int write_done(uint64_t done, uint32_t n)
{
	return done ? copy_to_guest(done, &n, sizeof(n)) : 0;
}

/*
 * Batches are preemptible: a continuation re-issues the call for the rest
 * with MMU_UPDATE_PREEMPTED in the count, and *done keeps counting from
 * what the earlier rounds finished.
 */
static uint32_t done_so_far(uint64_t count, uint64_t done)
{
	uint32_t n = 0;

	if ((count & MMU_UPDATE_PREEMPTED) && done &&
	    copy_from_guest(&n, done, sizeof(n)))
		n = 0;
	return n;
}

/*
 * After element i of n: stop and continue later? Yes when it was
 * preempted (-XEN_ERESTART: it goes again), or releasing the tables it
 * dropped or the budget is spent (from the next one, which may be past
 * the last: the continuation then only finishes the release); *ret is
 * then the call's result.
 */
static bool batch_preempted(unsigned long nr, uint64_t base, size_t size,
			    uint32_t i, uint32_t n, uint64_t done,
			    uint32_t before, long *ret)
{
	if (*ret != -XEN_ERESTART) {
		/* The tables it released go first, before the call ends. */
		if (*ret || (pv_pt_drain(current->domain) != -XEN_ERESTART &&
			     (i + 1 >= n || !hypercall_preempt_check())))
			return false;
		i++;
	}
	if (write_done(done, before + i))
		*ret = -XEN_EFAULT;
	else
		*ret = hypercall_continue(nr, base + i * size,
					  (n - i) | MMU_UPDATE_PREEMPTED, done);
	return true;
}

/* The domain a request's frames belong to; only self for now. */
static long foreign_owner(struct domain *d, uint64_t foreigndom,
			  struct domain **owner)
{
	/* DOMID_IO: the frames are I/O memory, checked entry by entry
	 * against the caller's IOMEM capability. */
	if (foreigndom == DOMID_SELF || foreigndom == d->domid ||
	    foreigndom == DOMID_IO) {
		*owner = d;
		return 0;
	}
	if (cap_check_domain(&d->cspace, (uint16_t)foreigndom, CAP_RIGHT_MAP))
		return -XEN_EPERM;
	*owner = domain_lookup((domid_t)foreigndom);
	return *owner ? 0 : -XEN_ESRCH;
}

/*
 * An entry of the caller's page table; its frame (L1 entries only) may
 * belong to owner, a domain the caller holds a DOMAIN map capability on.
 */
static long normal_update(struct domain *d, const struct domain *owner,
			  uint64_t ptr, uint64_t val, bool preserve_ad)
{
	uint64_t mfn = ptr >> PAGE_SHIFT;
	unsigned int index = (ptr & (PAGE_SIZE - 1)) / sizeof(pte_t);
	struct frame *f;
	long rc;

	if (get_page(mfn, d))
		return -XEN_EINVAL;
	f = mfn_frame(mfn);
	if (owner != d) {
		/* Foreign frames go in L1 entries only. */
		rc = (f->type_info & PGT_TYPE_MASK) == PGT_L1 &&
				     (f->type_info & PGT_COUNT_MASK) ?
			     pv_update_l1_foreign(d, owner, mfn, index, val) :
			     -XEN_EINVAL;
	} else if ((f->type_info & PGT_TYPE_MASK) >= PGT_L1 &&
		   (f->type_info & PGT_TYPE_MASK) <= PGT_L4 &&
		   (f->type_info & PGT_COUNT_MASK)) {
		rc = pv_update_entry(d, mfn, index, val, preserve_ad);
	} else if (!get_page_type(mfn, PGT_WRITABLE, d)) {
		/* Not a page table: a plain write to a page it may write. */
		((uint64_t *)maddr_to_virt(mfn << PAGE_SHIFT))[index] = val;
		put_page_type(mfn);
		rc = 0;
	} else {
		rc = -XEN_EINVAL;
	}
	put_page(mfn);
	return rc;
}

long do_mmu_update(uint64_t reqs, uint64_t count, uint64_t done,
		   uint64_t foreigndom, uint64_t a5)
{
	struct domain *d = current->domain, *owner;
	struct mmu_update req;
	uint32_t i, n = (uint32_t)count & ~MMU_UPDATE_PREEMPTED;
	uint32_t before = done_so_far(count, done);
	long rc;

	(void)a5;
	rc = foreign_owner(d, foreigndom, &owner);
	if (rc)
		return rc;
	for (i = 0; i < n; i++) {
		if (copy_from_guest(&req, reqs + (uint64_t)i * sizeof(req),
				    sizeof(req))) {
			rc = -XEN_EFAULT;
			break;
		}
		/* The command is the low three bits; the entry is 8-aligned. */
		switch (req.ptr & 7) {
		case MMU_NORMAL_PT_UPDATE:
		case MMU_PT_UPDATE_PRESERVE_AD:
			rc = normal_update(d, owner, req.ptr & ~7UL, req.val,
					   (req.ptr & 7) ==
						   MMU_PT_UPDATE_PRESERVE_AD);
			break;
		case MMU_MACHPHYS_UPDATE: {
			uint64_t mfn = req.ptr >> PAGE_SHIFT;

			rc = get_page(mfn, owner) ? -XEN_EINVAL : 0;
			if (!rc) {
				m2p[mfn] = req.val;
				put_page(mfn);
			}
			break;
		}
		default:
			rc = -XEN_ENOSYS;
		}
		if (batch_preempted(__HYPERVISOR_mmu_update, reqs, sizeof(req),
				    i, n, done, before, &rc))
			return rc;
		if (rc) {
			pr_debug("d%u: mmu_update %#lx <- %#lx refused (%ld)\n",
				 d->domid, (unsigned long)req.ptr,
				 (unsigned long)req.val, rc);
			break;
		}
	}
	/*
	 * No TLB flush here, as on Xen: the guest flushes for its own view
	 * (mmuext_op, update_va_mapping flags). Isolation does not rest on
	 * it: a frame whose mapping went is flushed from every CPU before it
	 * is freed or becomes a page table (the TLB clock, smp.c).
	 */
	if (write_done(done, before + i))
		return -XEN_EFAULT;
	return rc;
}

/* The L1 table and slot that map va in the vCPU's kernel page tables. */
long pv_find_l1(struct vcpu *v, uint64_t va, uint64_t *l1_mfn,
		unsigned int *index)
{
	uint64_t mfn = v->kernel_l4_mfn;

	for (int shift = L4_SHIFT; shift > L1_SHIFT; shift -= 9) {
		pte_t e = ((pte_t *)maddr_to_virt(
			mfn << PAGE_SHIFT))[pt_index(va, shift)];

		if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
			return -XEN_EINVAL;
		mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
	}
	*l1_mfn = mfn;
	*index = pt_index(va, L1_SHIFT);
	return 0;
}

static long flush_by_flags(uint64_t va, uint64_t flags)
{
	uint64_t mask_ptr = flags & ~(UVMF_FLUSHTYPE_MASK | UVMF_ALL);
	uint64_t mask;

	/* A vCPU mask pointer must at least be readable. */
	if (mask_ptr && copy_from_guest(&mask, mask_ptr, sizeof(mask)))
		return -XEN_EFAULT;
	if ((flags & UVMF_FLUSHTYPE_MASK) == UVMF_NONE)
		return 0;
	/* Any vCPU beyond this one: every CPU running the domain flushes. */
	if (mask_ptr || (flags & UVMF_ALL))
		flush_tlb_domain(current->domain);
	else if ((flags & UVMF_FLUSHTYPE_MASK) == UVMF_TLB_FLUSH)
		flush_tlb_local();
	else
		invlpg(va);
	return 0;
}

long do_update_va_mapping(uint64_t va, uint64_t val, uint64_t flags,
			  uint64_t a4, uint64_t a5)
{
	struct vcpu *v = current;
	uint64_t l1_mfn;
	unsigned int index;
	long rc;

	(void)a4, (void)a5;
	if (!guest_range_ok(va, 1))
		return -XEN_EINVAL;
	rc = pv_find_l1(v, va, &l1_mfn, &index);
	if (!rc)
		rc = pv_update_entry(v->domain, l1_mfn, index, val, false);
	if (!rc)
		rc = flush_by_flags(va, flags);
	return rc;
}

long do_update_va_mapping_otherdomain(uint64_t va, uint64_t val, uint64_t flags,
				      uint64_t domid, uint64_t a5)
{
	struct vcpu *v = current;
	struct domain *owner;
	uint64_t l1_mfn;
	unsigned int index;
	long rc;

	(void)a5;
	rc = foreign_owner(v->domain, domid, &owner);
	if (rc)
		return rc;
	if (!guest_range_ok(va, 1))
		return -XEN_EINVAL;
	rc = pv_find_l1(v, va, &l1_mfn, &index);
	if (!rc)
		rc = owner == v->domain ?
			     pv_update_entry(v->domain, l1_mfn, index, val,
					     false) :
			     pv_update_l1_foreign(v->domain, owner, l1_mfn,
						  index, val);
	if (!rc)
		rc = flush_by_flags(va, flags);
	return rc;
}

static uint32_t pin_type(unsigned int cmd)
{
	return PGT_LEVEL(cmd - MMUEXT_PIN_L1_TABLE + 1);
}

static long set_base(struct vcpu *v, uint64_t mfn, bool user)
{
	uint64_t *slot = user ? &v->user_l4_mfn : &v->kernel_l4_mfn;
	uint64_t old = *slot;

	if (user && !mfn) {
		*slot = 0;
	} else {
		long rc = get_page_and_type(mfn, v->domain, PGT_L4);

		if (rc)
			return rc == -XEN_ERESTART ? rc : -XEN_EINVAL;
		*slot = mfn;
	}
	if (!user)
		write_cr3_flush(mfn << PAGE_SHIFT);
	if (old)
		put_page_and_type(old);
	return 0;
}

static long mmuext_one(struct vcpu *v, const struct mmuext_op *op)
{
	struct domain *d = v->domain;
	uint64_t mfn = op->arg1.mfn;
	struct frame *f;
	long rc;

	switch (op->cmd) {
	case MMUEXT_PIN_L1_TABLE:
	case MMUEXT_PIN_L2_TABLE:
	case MMUEXT_PIN_L3_TABLE:
	case MMUEXT_PIN_L4_TABLE:
		rc = get_page_and_type(mfn, d, pin_type(op->cmd));
		if (rc)
			return rc == -XEN_ERESTART ? rc : -XEN_EINVAL;
		f = mfn_frame(mfn);
		if (f->type_info & PGT_PINNED) {
			put_page_and_type(mfn);
			return -XEN_EINVAL;
		}
		f->type_info |= PGT_PINNED;
		return 0;
	case MMUEXT_UNPIN_TABLE:
		if (get_page(mfn, d))
			return -XEN_EINVAL;
		f = mfn_frame(mfn);
		if (!(f->type_info & PGT_PINNED)) {
			put_page(mfn);
			return -XEN_EINVAL;
		}
		f->type_info &= ~PGT_PINNED;
		put_page_and_type(mfn);
		put_page(mfn);
		return 0;
	case MMUEXT_NEW_BASEPTR:
		return set_base(v, mfn, false);
	case MMUEXT_NEW_USER_BASEPTR:
		return set_base(v, mfn, true);
	case MMUEXT_TLB_FLUSH_LOCAL:
		flush_tlb_local();
		return 0;
	case MMUEXT_INVLPG_LOCAL:
		if (guest_range_ok(op->arg1.linear_addr, 1))
			invlpg(op->arg1.linear_addr);
		return 0;
	case MMUEXT_TLB_FLUSH_MULTI:
	case MMUEXT_INVLPG_MULTI: {
		uint64_t mask;

		/* As Xen: a vCPU mask that cannot be read is -EINVAL. */
		if (copy_from_guest(&mask, op->arg2.vcpumask.addr,
				    sizeof(mask)))
			return -XEN_EINVAL;
		flush_tlb_domain(d);
		return 0;
	}
	case MMUEXT_TLB_FLUSH_ALL:
	case MMUEXT_INVLPG_ALL:
		/* Other CPUs flush whole: a shootdown costs an IPI anyway. */
		flush_tlb_domain(d);
		return 0;
	case MMUEXT_SET_LDT:
		return pv_set_ldt(v, op->arg1.linear_addr, op->arg2.nr_ents);
	case MMUEXT_CLEAR_PAGE:
		if (get_page_and_type(mfn, d, PGT_WRITABLE))
			return -XEN_EINVAL;
		memset(maddr_to_virt(mfn << PAGE_SHIFT), 0, PAGE_SIZE);
		put_page_and_type(mfn);
		return 0;
	case MMUEXT_COPY_PAGE: {
		uint64_t src = op->arg2.src_mfn;

		if (get_page(src, d))
			return -XEN_EINVAL;
		if (get_page_and_type(mfn, d, PGT_WRITABLE)) {
			put_page(src);
			return -XEN_EINVAL;
		}
		memcpy(maddr_to_virt(mfn << PAGE_SHIFT),
		       maddr_to_virt(src << PAGE_SHIFT), PAGE_SIZE);
		put_page_and_type(mfn);
		put_page(src);
		return 0;
	}
	case MMUEXT_FLUSH_CACHE:
	case MMUEXT_FLUSH_CACHE_GLOBAL:
		if (cap_check(&d->cspace, CAP_PHYSDEV, 0, 0, CAP_RIGHT_CONTROL))
			return -XEN_EACCES;
		asm volatile("wbinvd" ::: "memory");
		return 0;
	default:
		return -XEN_ENOSYS;
	}
}

long do_mmuext_op(uint64_t ops, uint64_t count, uint64_t done,
		  uint64_t foreigndom, uint64_t a5)
{
	struct vcpu *v = current;
	struct domain *owner;
	struct mmuext_op op;
	uint32_t i, n = (uint32_t)count & ~MMU_UPDATE_PREEMPTED;
	uint32_t before = done_so_far(count, done);
	long rc;

	(void)a5;
	rc = foreign_owner(v->domain, foreigndom, &owner);
	if (rc)
		return rc;
	for (i = 0; i < n; i++) {
		if (copy_from_guest(&op, ops + (uint64_t)i * sizeof(op),
				    sizeof(op))) {
			rc = -XEN_EFAULT;
			break;
		}
		rc = mmuext_one(v, &op);
		if (batch_preempted(__HYPERVISOR_mmuext_op, ops, sizeof(op), i,
				    n, done, before, &rc))
			return rc;
		if (rc)
			break;
	}
	if (write_done(done, before + i))
		return -XEN_EFAULT;
	return rc;
}
