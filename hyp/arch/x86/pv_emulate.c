// SPDX-License-Identifier: MIT
/*
 * Instructions a PV guest kernel cannot execute in ring 3 and Lamina
 * performs for it: CPUID behind the forced-emulation prefix (with the
 * hypervisor leaves and a filtered feature view), and the control-register
 * and MSR reads the Xen PV ABI lets a guest make.
 */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/string.h>
#include <asm/cpu.h>
#include <asm/pv_emulate.h>
#include <asm/uaccess.h>

#define HYP_CPUID_BASE 0x40000000
#define ABI_VERSION ((4 << 16) | 17)

static const uint8_t forced_prefix[] = { 0x0f, 0x0b, 'x', 'e', 'n' };

static void guest_cpuid(struct cpu_user_regs *regs)
{
	uint32_t leaf = regs->rax, sub = regs->rcx;
	struct cpuid_regs r = { 0, 0, 0, 0 };

	if (leaf >= HYP_CPUID_BASE && leaf < HYP_CPUID_BASE + 0x100) {
		switch (leaf - HYP_CPUID_BASE) {
		case 0:
			/* Same signature as Xen: guests look for it. */
			r.eax = HYP_CPUID_BASE + 2;
			memcpy(&r.ebx, "XenV", 4);
			memcpy(&r.ecx, "MMXe", 4);
			memcpy(&r.edx, "nVMM", 4);
			break;
		case 1:
			r.eax = ABI_VERSION;
			break;
		case 2:
			r.eax = 1; /* hypercall pages */
			r.ebx = HYP_CPUID_BASE; /* their MSR (HVM only) */
			break;
		}
	} else {
		r = cpuid(leaf, sub);
		if (leaf == 1) {
			r.ecx &= ~((1u << 3) | (1u << 5)); /* monitor, vmx */
			r.ecx |= 1u << 31; /* running under a hypervisor */
			r.ebx &= 0x00ffffff; /* the APIC id is not the vCPU's */
		}
	}
	regs->rax = r.eax;
	regs->rbx = r.ebx;
	regs->rcx = r.ecx;
	regs->rdx = r.edx;
}

bool pv_emulate_forced(struct vcpu *v, struct cpu_user_regs *regs)
{
	uint8_t insn[sizeof(forced_prefix) + 2];

	(void)v;
	if (copy_from_guest(insn, regs->rip, sizeof(insn)))
		return false;
	if (memcmp(insn, forced_prefix, sizeof(forced_prefix)) ||
	    insn[5] != 0x0f || insn[6] != 0xa2)
		return false;
	guest_cpuid(regs);
	regs->rip += sizeof(insn);
	return true;
}

static uint64_t *gpr(struct cpu_user_regs *regs, unsigned int n)
{
	uint64_t *table[16] = { &regs->rax, &regs->rcx, &regs->rdx, &regs->rbx,
				&regs->rsp, &regs->rbp, &regs->rsi, &regs->rdi,
				&regs->r8,  &regs->r9,	&regs->r10, &regs->r11,
				&regs->r12, &regs->r13, &regs->r14, &regs->r15 };

	return table[n & 15];
}

bool pv_emulate_privileged(struct vcpu *v, struct cpu_user_regs *regs)
{
	uint8_t b[4];
	unsigned int rex = 0, len = 0;

	if (!v->kernel_mode || copy_from_guest(b, regs->rip, sizeof(b)))
		return false;
	if ((b[0] & 0xf0) == 0x40) {
		rex = b[0];
		len = 1;
	}
	/* mov %crN, %reg (0f 20 /r): reads the guest's view of CR0/2/3/4. */
	if (b[len] == 0x0f && b[len + 1] == 0x20 && (b[len + 2] >> 6) == 3) {
		unsigned int cr = ((b[len + 2] >> 3) & 7) | ((rex & 4) << 1);
		unsigned int reg = (b[len + 2] & 7) | ((rex & 1) << 3);
		uint64_t val;

		switch (cr) {
		case 0:
			val = read_cr0();
			break;
		case 2:
			val = v->vcpu_info->arch.cr2;
			break;
		case 3:
			val = (v->kernel_mode ? v->kernel_l4_mfn : v->user_l4_mfn)
			      << 12;
			break;
		case 4:
			val = read_cr4();
			break;
		default:
			return false;
		}
		*gpr(regs, reg) = val;
		regs->rip += len + 3;
		return true;
	}
	return false;
}
