// SPDX-License-Identifier: MIT
/*
 * Writable page tables (VMASST_TYPE_writable_pagetables): a guest kernel
 * that stores straight into one of its page-table entries takes a #PF on
 * the read-only mapping; we decode the store, pass the new entry through
 * the same validation as mmu_update, and step over the instruction. A
 * store we cannot decode, or an entry that does not validate, goes back
 * to the guest as the page fault it was.
 *
 * Decoded: mov r64 -> m64 (89), mov imm32 -> m64 (c7 /0), xchg (87) and
 * lock cmpxchg (0f b1), with REX.W and any ModRM/SIB/displacement form.
 */
#include <stdint.h>
#include <lamina/domain.h>
#include <asm/page.h>
#include <asm/pv_mm.h>
#include <asm/pv_ptwr.h>
#include <asm/uaccess.h>
#include <xen/xen.h>

#define PFEC_PRESENT 1u
#define PFEC_WRITE 2u
#define RFLAGS_ZF (1UL << 6)

struct store {
	unsigned int len; /* instruction bytes */
	uint8_t opcode; /* 0x89, 0xc7, 0x87 or 0xb1 (cmpxchg) */
	unsigned int reg; /* ModRM.reg with REX.R */
	int64_t imm; /* for c7 */
};

/* Length of ModRM + SIB + displacement starting at p[0]. */
static unsigned int modrm_len(const uint8_t *p)
{
	unsigned int mod = p[0] >> 6, rm = p[0] & 7, n = 1;

	if (mod == 3)
		return 0; /* register operand: not a store */
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

static bool decode(const uint8_t *b, struct store *s)
{
	unsigned int i = 0, rex = 0, mlen;
	bool lock = false;

	if (b[i] == 0xf0) {
		lock = true;
		i++;
	}
	if ((b[i] & 0xf0) == 0x40)
		rex = b[i++];
	if (!(rex & 8))
		return false; /* only 64-bit stores are whole entries */
	if (b[i] == 0x0f && b[i + 1] == 0xb1 && lock) {
		s->opcode = 0xb1;
		i += 2;
	} else if (b[i] == 0x89 || b[i] == 0x87 ||
		   (b[i] == 0xc7 && ((b[i + 1] >> 3) & 7) == 0)) {
		s->opcode = b[i++];
	} else {
		return false;
	}
	s->reg = ((b[i] >> 3) & 7) | ((rex & 4) << 1);
	mlen = modrm_len(&b[i]);
	if (!mlen)
		return false;
	i += mlen;
	if (s->opcode == 0xc7) {
		s->imm = (int32_t)(b[i] | b[i + 1] << 8 | b[i + 2] << 16 |
				   (uint32_t)b[i + 3] << 24);
		i += 4;
	}
	s->len = i;
	return true;
}

/* The L1 entry mapping va in the current kernel tables, or 0. */
static pte_t mapping_of(struct vcpu *v, uint64_t va)
{
	uint64_t mfn = v->kernel_l4_mfn;
	pte_t e = 0;

	for (int shift = L4_SHIFT; shift >= L1_SHIFT; shift -= 9) {
		e = ((pte_t *)maddr_to_virt(mfn << PAGE_SHIFT))
			[pt_index(va, shift)];
		if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
			return 0;
		mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
	}
	return e;
}

bool pv_ptwr_emulate(struct vcpu *v, struct cpu_user_regs *regs,
		     uint64_t addr, uint32_t error_code)
{
	struct domain *d = v->domain;
	uint8_t insn[16];
	struct store s;
	uint64_t mfn, val, *slot;
	pte_t map;

	if (!(d->vm_assist & (1UL << VMASST_TYPE_writable_pagetables)) ||
	    !v->kernel_mode ||
	    (error_code & (PFEC_PRESENT | PFEC_WRITE)) !=
		    (PFEC_PRESENT | PFEC_WRITE) ||
	    (addr & 7))
		return false;
	map = mapping_of(v, addr);
	if (!map)
		return false;
	mfn = (map & PTE_ADDR_MASK) >> PAGE_SHIFT;
	if (!mfn_valid(mfn) || mfn_frame(mfn)->owner != d->domid)
		return false;
	if (copy_from_guest(insn, regs->rip, sizeof(insn)) ||
	    !decode(insn, &s))
		return false;
	slot = (uint64_t *)maddr_to_virt(mfn << PAGE_SHIFT) +
	       ((addr & (PAGE_SIZE - 1)) / 8);
	val = s.opcode == 0xc7 ? (uint64_t)s.imm : *guest_gpr(regs, s.reg);
	if (s.opcode == 0xb1 && *slot != regs->rax) {
		/* cmpxchg that does not match: load the entry, clear ZF. */
		regs->rax = *slot;
		regs->rflags &= ~RFLAGS_ZF;
		regs->rip += s.len;
		return true;
	}
	{
		uint64_t old = *slot;

		if (pv_update_entry(d, mfn, (addr & (PAGE_SIZE - 1)) / 8, val,
				    false))
			return false;
		if (s.opcode == 0x87)
			*guest_gpr(regs, s.reg) = old;
		if (s.opcode == 0xb1)
			regs->rflags |= RFLAGS_ZF;
	}
	flush_tlb_local();
	regs->rip += s.len;
	return true;
}
