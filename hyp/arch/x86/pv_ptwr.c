// SPDX-License-Identifier: MIT
/*
 * Writable page tables (VMASST_TYPE_writable_pagetables): a guest kernel
 * that writes straight into one of its page-table entries takes a #PF on
 * the read-only mapping; we decode the instruction, compute the whole new
 * entry, pass it through the same validation as mmu_update, and step over
 * the instruction. Anything we cannot decode, or an entry that does not
 * validate, goes back to the guest as the page fault it was.
 *
 * Decoded (with REX, ds/lock prefixes and any ModRM/SIB/displacement):
 *   89 mov r, m      c7 /0 mov imm32, m     87 xchg      0f b1 cmpxchg
 *   80 /1 /4 or/and imm8 (byte)   81, 83 /1 /4 or/and imm (dword/qword)
 *   0f ab bts r, m   0f b3 btr r, m   0f ba /5 /6 bts/btr imm8, m
 * which covers Linux's set_pte, ptep_set_wrprotect (lock andb), and
 * test_and_clear_bit on accessed/dirty bits.
 */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/hypercall.h>
#include <lamina/sched.h>
#include <asm/page.h>
#include <asm/pv_mm.h>
#include <asm/pv_ptwr.h>
#include <asm/uaccess.h>
#include <xen/xen.h>

#define PFEC_PRESENT 1u
#define PFEC_WRITE 2u
#define RFLAGS_CF (1UL << 0)
#define RFLAGS_ZF (1UL << 6)
/*
 * The CPU executes at most 15 instruction bytes. The bytes we decode are
 * re-read from guest memory, which another vCPU may have rewritten since
 * the fault: decode from a zero-padded buffer long enough for every form
 * below after as many prefixes as fit, then refuse anything over 15.
 */
#define INSN_MAX 15
#define INSN_FETCH 16
#define INSN_BUF 32

enum op { OP_MOV, OP_XCHG, OP_CMPXCHG, OP_AND, OP_OR, OP_BTS, OP_BTR };

struct access {
	unsigned int len; /* instruction bytes */
	unsigned int size; /* operand bytes: 1, 4 or 8 */
	enum op op;
	bool src_is_reg; /* else imm */
	unsigned int reg; /* ModRM.reg with REX.R */
	uint64_t imm;
};

/* Length of ModRM + SIB + displacement starting at p[0]. */
static unsigned int modrm_len(const uint8_t *p)
{
	unsigned int mod = p[0] >> 6, rm = p[0] & 7, n = 1;

	if (mod == 3)
		return 0; /* register operand: not a memory access */
	if (rm == 4) {
		n++;
		if (mod == 0 && (p[1] & 7) == 5)
			n += 4; /* SIB with no base: disp32 */
	} else if (mod == 0 && rm == 5) {
		n += 4; /* rip-relative */
	}
	if (mod == 1)
		n += 1;
	else if (mod == 2)
		n += 4;
	return n;
}

static uint64_t read_imm(const uint8_t *p, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int k = 0; k < bytes; k++)
		v |= (uint64_t)p[k] << (8 * k);
	return v;
}

static bool decode(const uint8_t *b, struct access *a)
{
	unsigned int i = 0, rex = 0, mlen, ext, imm_bytes = 0;
	uint8_t opc;

	/* lock, ds (UP lock stand-in) */
	while (i < INSN_MAX && (b[i] == 0xf0 || b[i] == 0x3e))
		i++;
	if ((b[i] & 0xf0) == 0x40)
		rex = b[i++];
	a->size = (rex & 8) ? 8 : 4;
	a->src_is_reg = false;
	opc = b[i++];
	if (opc == 0x0f) {
		opc = b[i++];
		ext = (b[i] >> 3) & 7;
		if (opc == 0xb1)
			a->op = OP_CMPXCHG, a->src_is_reg = true;
		else if (opc == 0xab)
			a->op = OP_BTS, a->src_is_reg = true;
		else if (opc == 0xb3)
			a->op = OP_BTR, a->src_is_reg = true;
		else if (opc == 0xba && (ext == 5 || ext == 6))
			a->op = ext == 5 ? OP_BTS : OP_BTR, imm_bytes = 1;
		else
			return false;
	} else {
		ext = (b[i] >> 3) & 7;
		switch (opc) {
		case 0x89:
			a->op = OP_MOV, a->src_is_reg = true;
			break;
		case 0x87:
			a->op = OP_XCHG, a->src_is_reg = true;
			break;
		case 0xc7:
			if (ext != 0)
				return false;
			a->op = OP_MOV, imm_bytes = 4;
			break;
		case 0x80:
		case 0x81:
		case 0x83:
			if (ext != 1 && ext != 4)
				return false;
			a->op = ext == 1 ? OP_OR : OP_AND;
			imm_bytes = opc == 0x81 ? 4 : 1;
			if (opc == 0x80)
				a->size = 1;
			break;
		default:
			return false;
		}
	}
	a->reg = ((b[i] >> 3) & 7) | ((rex & 4) << 1);
	mlen = modrm_len(&b[i]);
	if (!mlen)
		return false;
	i += mlen;
	a->imm = read_imm(&b[i], imm_bytes);
	/* Immediates are sign-extended to the operand size (not bt's). */
	if (imm_bytes && a->op != OP_BTS && a->op != OP_BTR && a->size > 1)
		a->imm = (uint64_t)(int64_t)(imm_bytes == 1 ? (int8_t)a->imm :
							      (int32_t)a->imm);
	a->len = i + imm_bytes;
	return a->len <= INSN_MAX;
}

/* The L1 entry mapping va in the current kernel tables, or 0. */
static pte_t mapping_of(struct vcpu *v, uint64_t va)
{
	uint64_t mfn = v->kernel_l4_mfn;
	pte_t e = 0;

	for (int shift = L4_SHIFT; shift >= L1_SHIFT; shift -= 9) {
		e = ((pte_t *)maddr_to_virt(
			mfn << PAGE_SHIFT))[pt_index(va, shift)];
		if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
			return 0;
		mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
	}
	return e;
}

/*
 * Apply the access to the operand (the bytes of the entry it touches).
 * Returns false when the instruction must not write (cmpxchg mismatch).
 */
static bool apply(const struct access *a, struct cpu_user_regs *regs,
		  uint64_t operand, uint64_t *result)
{
	uint64_t src = a->src_is_reg ? *guest_gpr(regs, a->reg) : a->imm;
	unsigned int bit = src % (a->size * 8);

	switch (a->op) {
	case OP_MOV:
		*result = src;
		return true;
	case OP_XCHG:
		*result = src;
		*guest_gpr(regs, a->reg) = operand;
		return true;
	case OP_CMPXCHG:
		if (operand != regs->rax) {
			regs->rax = operand;
			regs->rflags &= ~RFLAGS_ZF;
			return false;
		}
		regs->rflags |= RFLAGS_ZF;
		*result = src;
		return true;
	case OP_AND:
		*result = operand & src;
		return true;
	case OP_OR:
		*result = operand | src;
		return true;
	case OP_BTS:
	case OP_BTR:
		regs->rflags &= ~RFLAGS_CF;
		if (operand & (1UL << bit))
			regs->rflags |= RFLAGS_CF;
		*result = a->op == OP_BTS ? operand | (1UL << bit) :
					    operand & ~(1UL << bit);
		return true;
	}
	return false;
}

bool pv_ptwr_emulate(struct vcpu *v, struct cpu_user_regs *regs, uint64_t addr,
		     uint32_t error_code)
{
	struct domain *d = v->domain;
	unsigned int off = addr & 7, shift = off * 8;
	uint64_t mfn, old, mask, operand, result, *slot;
	uint8_t insn[INSN_BUF] = { 0 };
	struct cpu_user_regs after = *regs;
	struct access a;
	pte_t map;
	int rc = 0;

	if (!(d->vm_assist & (1UL << VMASST_TYPE_writable_pagetables)) ||
	    !v->kernel_mode ||
	    (error_code & (PFEC_PRESENT | PFEC_WRITE)) !=
		    (PFEC_PRESENT | PFEC_WRITE))
		return false;
	map = mapping_of(v, addr);
	if (!map)
		return false;
	mfn = (map & PTE_ADDR_MASK) >> PAGE_SHIFT;
	/* Only a page table is written for the guest: any other read-only
	 * page faults, as on Xen, even when the write would not change it. */
	if (!mfn_valid(mfn) || mfn_frame(mfn)->owner != d->domid ||
	    !pv_frame_is_page_table(mfn))
		return false;
	if (copy_from_guest(insn, regs->rip, INSN_FETCH) || !decode(insn, &a) ||
	    off + a.size > 8)
		return false;
	slot = (uint64_t *)maddr_to_virt(mfn << PAGE_SHIFT) +
	       ((addr & (PAGE_SIZE - 1)) / 8);
	old = *slot;
	mask = a.size == 8 ? ~0UL : ((1UL << (a.size * 8)) - 1) << shift;
	operand = (old & mask) >> shift;
	/* The registers change only once the write is done: a validation
	 * preempted leaves them and rip as they were. Tables released
	 * before are finished first; those it releases, as far as the
	 * budget goes (the rest by the next write or mmu hypercall). */
	fault_preempt_window(true);
	rc = pv_pt_drain(d);
	if (!rc && apply(&a, &after, operand, &result)) {
		result = (old & ~mask) | ((result << shift) & mask);
		/* Like a native PTE write: the guest flushes what it needs
		 * (as with mmu_update, the TLB clock covers isolation). */
		if (result != old)
			rc = pv_update_entry(d, mfn,
					     (addr & (PAGE_SIZE - 1)) / 8,
					     result, false);
		if (!rc)
			pv_pt_drain(d);
	}
	fault_preempt_window(false);
	if (rc == -XEN_ERESTART) {
		/* The guest re-faults on the same write and goes on, once
		 * its events and other vCPUs have had their turn. */
		sched_yield_soon();
		return true;
	}
	if (rc)
		return false;
	*regs = after;
	regs->rip += a.len;
	return true; /* (a cmpxchg that did not match wrote nothing) */
}
