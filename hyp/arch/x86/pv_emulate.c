// SPDX-License-Identifier: MIT
/*
 * Instructions a PV guest kernel cannot execute in ring 3 and Lamina
 * performs for it: CPUID behind the forced-emulation prefix (with the
 * hypervisor leaves and a filtered feature view), and the control-register
 * and MSR reads the Xen PV ABI lets a guest make.
 */
#include <stdint.h>
#include <lamina/domain.h>
#include <lamina/mm.h>
#include <lamina/string.h>
#include <generated/autoconf.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/pv_emulate.h>
#include <asm/uaccess.h>
#include <asm/xstate.h>
#include <xen/errno.h>
#include <xen/xen.h>

#ifndef CONFIG_SERIAL_PORT
#define CONFIG_SERIAL_PORT 0x3f8
#endif

#define HYP_CPUID_BASE 0x40000000
#define ABI_VERSION ((4 << 16) | 17)

static const uint8_t forced_prefix[] = { 0x0f, 0x0b, 'x', 'e', 'n' };

/* Leaf 0xD: only the components Lamina saves (asm/xstate.h). */
static void xstate_cpuid(uint32_t sub, struct cpuid_regs *r)
{
	uint64_t max = xstate_xcr0_max();

	if (!max || (sub >= 2 && (sub >= 64 || !(max & (1UL << sub))))) {
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
	} else if (sub == 0) {
		/* EBX stays the CPU's: the size for the guest's XCR0, which
		 * is loaded while Lamina runs for it. */
		r->eax = (uint32_t)max;
		r->edx = max >> 32;
		r->ecx = xstate_area_size();
	} else if (sub == 1) {
		/* XSAVEOPT, XSAVEC, XGETBV1; XSAVES is for ring 0 (as Xen).
		 * EBX is the XSAVEC size, without XSAVEC 0. */
		r->eax &= 7;
		r->ebx = r->eax & 2 ? r->ebx : 0;
		r->ecx = r->edx = 0;
	}
}

/* Without XSAVE, nothing that needs it; AVX-512 never (not saved). */
static void xstate_feature_filter(uint32_t leaf, struct cpuid_regs *r)
{
	bool xsave = xstate_enabled();

	if (leaf == 1 && !xsave)
		r->ecx &= ~((1u << 12) | (1u << 26) | (1u << 27) | (1u << 28) |
			    (1u << 29)); /* fma xsave osxsave avx
							 f16c */
	if (leaf == 7) {
		r->ebx &= ~((xsave ? 0 : 1u << 5) | (1u << 16) | (1u << 17) |
			    (1u << 21) | (1u << 26) | (1u << 27) | (1u << 28) |
			    (1u << 30) | (1u << 31));
		r->ecx &= ~((1u << 1) | (1u << 6) | (1u << 11) | (1u << 12) |
			    (1u << 14));
		r->edx &= ~((1u << 2) | (1u << 3) | (1u << 8) | (1u << 22) |
			    (1u << 23) | (1u << 24) | (1u << 25));
	}
}

/*
 * The highest leaf of leaf's range as Xen's PV policy shows it: basic
 * leaves up to 0xd, extended ones up to 0x80000021 on AMD (Xen always
 * covers that leaf there), the CPU's otherwise. 0 outside both ranges.
 */
static uint32_t cpuid_max_leaf(uint32_t leaf)
{
	uint32_t base = leaf & 0x80000000, max = cpuid(base, 0).eax;
	struct cpuid_regs v = cpuid(0, 0);
	bool amd = v.ebx == 0x68747541; /* "Auth"enticAMD */

	if ((leaf & 0x7fffffff) >= 0x40000000)
		return 0;
	if (!base)
		return max < 0xd ? max : 0xd;
	if (amd && max < 0x80000021)
		return 0x80000021;
	return max < 0x80000021 ? max : 0x80000021;
}

/* Leaf 5 (PV parameters), EBX: the machine address width, as Xen. */
static uint32_t machine_address_bits(void)
{
	return 64 - __builtin_clzl(max_frame - 1) + PAGE_SHIFT;
}

static void guest_cpuid(struct cpu_user_regs *regs)
{
	uint32_t leaf = regs->rax, sub = regs->rcx;
	struct cpuid_regs r = { 0, 0, 0, 0 };

	if (leaf >= HYP_CPUID_BASE && leaf < HYP_CPUID_BASE + 0x100) {
		switch (leaf - HYP_CPUID_BASE) {
		case 0:
			/* Same signature as Xen: guests look for it. */
			r.eax = HYP_CPUID_BASE + 5;
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
		case 5:
			r.ebx = machine_address_bits();
			break;
		}
	} else if (leaf > cpuid_max_leaf(leaf) ||
		   leaf > cpuid((leaf & 0x80000000), 0).eax ||
		   leaf == 0x8000000a) {
		/* Past the policy or the CPU: zeros. No SVM leaf (as Xen). */
	} else {
		r = cpuid(leaf, sub);
		if (leaf == 1) {
			r.ecx &= ~((1u << 3) | (1u << 5)); /* monitor, vmx */
			r.ecx |= 1u << 31; /* running under a hypervisor */
			r.ebx &= 0x00ffffff; /* the APIC id is not the vCPU's */
			/* PV page tables have no superpages (PSE, PSE36); the
			 * machine-check, thermal, debug-store and local APIC
			 * machinery is the hypervisor's, not the guest's. */
			r.edx &= ~((1u << 3) | (1u << 17) | (1u << 7) |
				   (1u << 14) | (1u << 21) | (1u << 22) |
				   (1u << 29) | (1u << 31));
			r.ecx &= ~((1u << 2) | (1u << 4) | (1u << 6) |
				   (1u << 7) | (1u << 8) | (1u << 15) |
				   (1u << 21) | (1u << 24));
		} else if (leaf == 0x80000001) {
			r.edx &= ~(1u << 26); /* nor 1 GiB pages */
			r.ecx &= ~(1u << 2); /* SVM: not for PV guests */
		} else if (leaf == 0xd) {
			xstate_cpuid(sub, &r);
		}
		xstate_feature_filter(leaf, &r);
	}
	if (leaf == 0 || leaf == 0x80000000)
		r.eax = cpuid_max_leaf(leaf);
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

/* Ports the hypervisor drives itself: no domain gets them. */
static bool port_reserved(uint32_t port, unsigned int size)
{
	static const struct {
		uint16_t first, last;
	} reserved[] = {
		{ 0x20, 0x21 }, /* master PIC */
		{ 0x40, 0x43 }, /* PIT */
		{ 0xa0, 0xa1 }, /* slave PIC */
		{ CONFIG_SERIAL_PORT,
		  CONFIG_SERIAL_PORT + 7 }, /* our console */
	};

	for (unsigned int i = 0; i < sizeof(reserved) / sizeof(reserved[0]);
	     i++)
		if (port <= reserved[i].last &&
		    port + size - 1 >= reserved[i].first)
			return true;
	return false;
}

static bool port_allowed(struct vcpu *v, uint32_t port, unsigned int size)
{
	return port + size <= 0x10000 && !port_reserved(port, size) &&
	       !cap_check(&v->domain->cspace, CAP_IOPORT, port, size,
			  CAP_RIGHT_CONTROL);
}

/*
 * As Xen: port I/O and cli/sti are emulated only for a guest kernel whose
 * virtual IOPL (PHYSDEVOP_set_iopl) reaches its ring (1, or 0 with the
 * architectural_iopl assist); anything else is #GP.
 */
static bool iopl_ok(const struct vcpu *v)
{
	unsigned int cpl = !v->kernel_mode ? 3 :
			   (v->domain->vm_assist &
			    (1UL << VMASST_TYPE_architectural_iopl)) ?
					     0 :
					     1;

	return v->iopl >= cpl && v->iopl;
}

/* in/out with an immediate port or dx; 0x66 selects 16-bit. */
static bool emulate_io(struct vcpu *v, struct cpu_user_regs *regs,
		       const uint8_t *b)
{
	unsigned int i = 0, size, port;
	bool in, opsize16 = false;

	if (b[i] == 0x66) {
		opsize16 = true;
		i++;
	}
	switch (b[i]) {
	case 0xe4:
	case 0xe5:
	case 0xe6:
	case 0xe7:
		port = b[i + 1];
		in = b[i] < 0xe6;
		size = (b[i] & 1) ? (opsize16 ? 2 : 4) : 1;
		i += 2;
		break;
	case 0xec:
	case 0xed:
	case 0xee:
	case 0xef:
		port = regs->rdx & 0xffff;
		in = b[i] < 0xee;
		size = (b[i] & 1) ? (opsize16 ? 2 : 4) : 1;
		i += 1;
		break;
	default:
		return false;
	}
	if (!iopl_ok(v))
		return false; /* the #GP goes to the guest */
	if (in) {
		uint32_t val =
			~0u; /* as Xen: ports not granted read all ones */

		if (!port_allowed(v, port, size))
			;
		else if (size == 1)
			val = inb(port);
		else if (size == 2)
			val = inw(port);
		else
			val = inl(port);
		if (size == 4)
			regs->rax = val; /* 32-bit writes zero the top half */
		else
			regs->rax = (regs->rax & ~((1UL << (size * 8)) - 1)) |
				    val;
	} else if (port_allowed(v, port, size)) {
		if (size == 1)
			outb(port, regs->rax);
		else if (size == 2)
			outw(port, regs->rax);
		else
			outl(port, regs->rax);
	}
	regs->rip += i;
	return true;
}

/*
 * MSRs a PV kernel may touch: its own segment bases; reading EFER and a
 * few harmless identification registers. Anything else is #GP, as Xen 4.17
 * does for unknown MSRs.
 */
static bool emulate_msr(struct vcpu *v, struct cpu_user_regs *regs, bool write)
{
	uint32_t msr = regs->rcx;
	uint64_t val = (regs->rdx << 32) | (uint32_t)regs->rax;

	switch (msr) {
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case 0xc0000102: /* MSR_SHADOW_GS_BASE */
		if (write) {
			if (!is_canonical(val))
				return false;
			if (msr == MSR_FS_BASE)
				v->fs_base = val;
			else if (msr == MSR_GS_BASE)
				v->gs_base_kernel = val;
			else
				v->gs_base_user = val;
			wrmsr(msr, val);
		} else {
			pv_save_segment_bases(v);
			val = msr == MSR_FS_BASE ? v->fs_base :
			      msr == MSR_GS_BASE ? v->gs_base_kernel :
						   v->gs_base_user;
		}
		break;
	case MSR_EFER:
		if (write)
			return false;
		val = rdmsr(MSR_EFER);
		break;
	case 0x1a0: /* IA32_MISC_ENABLE: reads as zero */
	case 0x8b: /* microcode revision */
		if (write)
			return false;
		val = 0;
		break;
	default:
		return false;
	}
	if (!write) {
		regs->rax = (uint32_t)val;
		regs->rdx = val >> 32;
	}
	regs->rip += 2;
	return true;
}

/*
 * xsetbv: as Xen, #UD until the guest kernel set its (virtual) CR4.OSXSAVE;
 * an XCR other than 0 or a value Lamina does not offer is #GP(0).
 */
static bool emulate_xsetbv(struct vcpu *v, struct cpu_user_regs *regs)
{
	if (!(v->cr4 & CR4_OSXSAVE)) {
		pv_inject_exception(v, regs, 6, false, 0);
		return true;
	}
	if (!fpu_set_xcr0(v, regs->rcx,
			  (regs->rdx << 32) | (uint32_t)regs->rax))
		return false;
	regs->rip += 3;
	return true;
}

/*
 * As Xen's pv_fixup_guest_cr4: a guest CR4 write is remembered for reads,
 * the real CR4 stays ours. A guest sets only DE (DR4/DR5 stop aliasing)
 * and OSXSAVE where XSAVE is in use: not TSD (rdtsc never faults here)
 * nor FSGSBASE (the bases are switched from the hypervisor's copies); it
 * sees PAE, MCE, OSFXSR and OSXMMEXCPT as the CPU has them.
 */
#define CR4_DE (1UL << 3)
#define CR4_GUEST_VISIBLE 0x660UL /* PAE | MCE | OSFXSR | OSXMMEXCPT */

static uint64_t guest_cr4(uint64_t val)
{
	uint64_t settable = CR4_DE | (xstate_enabled() ? CR4_OSXSAVE : 0);

	return (val & settable) | (read_cr4() & CR4_GUEST_VISIBLE);
}

bool pv_emulate_privileged(struct vcpu *v, struct cpu_user_regs *regs)
{
	uint8_t b[4];
	unsigned int rex = 0, len = 0;

	if (!v->kernel_mode || copy_from_guest(b, regs->rip, sizeof(b)))
		return false;
	if (b[0] == 0x0f && (b[1] == 0x30 || b[1] == 0x32))
		return emulate_msr(v, regs, b[1] == 0x30);
	if (b[0] == 0x0f && b[1] == 0x01 && b[2] == 0xd1)
		return emulate_xsetbv(v, regs);
	if (emulate_io(v, regs, b))
		return true;
	if ((b[0] == 0xfa || b[0] == 0xfb) && iopl_ok(v)) {
		/* cli/sti: the event mask stands in for IF. */
		v->vcpu_info->evtchn_upcall_mask = b[0] == 0xfa;
		regs->rip += 1;
		return true;
	}
	if (b[0] == 0x0f && b[1] == 0x06) { /* clts: the virtual TS */
		asm volatile("clts");
		regs->rip += 2;
		return true;
	}
	if ((b[0] & 0xf0) == 0x40) {
		rex = b[0];
		len = 1;
	}
	/* mov %reg, %crN: TS in CR0, CR2, and the guest's view of CR4. */
	if (b[len] == 0x0f && b[len + 1] == 0x22 && (b[len + 2] >> 6) == 3) {
		unsigned int cr = ((b[len + 2] >> 3) & 7) | ((rex & 4) << 1);
		uint64_t val =
			*guest_gpr(regs, (b[len + 2] & 7) | ((rex & 1) << 3));

		switch (cr) {
		case 0:
			if (val & CR0_TS)
				write_cr0(read_cr0() | CR0_TS);
			else
				asm volatile("clts");
			break;
		case 2:
			v->vcpu_info->arch.cr2 = val;
			break;
		case 4:
			v->cr4 = guest_cr4(val);
			break;
		default:
			return false;
		}
		regs->rip += len + 3;
		return true;
	}
	/* mov %reg, %drN (0f 23 /r) and back (0f 21 /r): set_debugreg's
	 * checks; as Xen, no such register is #UD, a refused value #GP. */
	if (b[len] == 0x0f && (b[len + 1] == 0x21 || b[len + 1] == 0x23)) {
		unsigned int dr = ((b[len + 2] >> 3) & 7) | ((rex & 4) << 1);
		uint64_t *gpr =
			guest_gpr(regs, (b[len + 2] & 7) | ((rex & 1) << 3));
		long rc = b[len + 1] == 0x23 ? set_debugreg(v, dr, *gpr) :
					       get_debugreg(v, dr, gpr);

		if (rc == -XEN_ENODEV)
			pv_inject_exception(v, regs, 6, false, 0);
		else if (rc)
			return false;
		else
			regs->rip += len + 3;
		return true;
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
			val = (v->kernel_mode ? v->kernel_l4_mfn :
						v->user_l4_mfn)
			      << 12;
			break;
		case 4:
			val = v->cr4;
			break;
		default:
			return false;
		}
		*guest_gpr(regs, reg) = val;
		regs->rip += len + 3;
		return true;
	}
	return false;
}
