/* SPDX-License-Identifier: MIT */
/*
 * The x86-64 half of the PV guest ABI: selectors, the hypervisor's hole in
 * the address space, and the register and trap layouts of a vCPU.
 *
 * Included by <xen/xen.h>; not meant to be included on its own.
 *
 * Hypercall convention: `call hypercall_page + 32 * number` with arguments
 * in rdi, rsi, rdx, r10, r8 and the result in rax; argument registers are
 * clobbered.
 */
#ifndef LAMINA_XEN_ARCH_X86_64_H
#define LAMINA_XEN_ARCH_X86_64_H

#include <stdint.h>

/*
 * Flat segments the hypervisor keeps in the reserved part of every GDT, so a
 * guest can run without installing its own. All are DPL 3: the PV kernel
 * runs in ring 3 too.
 */
#define FLAT_RING3_CS32 0xe023 /* GDT entry 260: 32-bit code */
#define FLAT_RING3_CS64 0xe033 /* GDT entry 262: 64-bit code */
#define FLAT_RING3_DS32 0xe02b /* GDT entry 261: data */
#define FLAT_RING3_DS64 0x0000 /* null selector: 64-bit data needs none */
#define FLAT_RING3_SS32 0xe02b /* GDT entry 261 */
#define FLAT_RING3_SS64 0xe02b /* GDT entry 261 */

#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS FLAT_KERNEL_CS64
#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS FLAT_KERNEL_DS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS FLAT_KERNEL_SS64
#define FLAT_USER_CS64 FLAT_RING3_CS64
#define FLAT_USER_CS32 FLAT_RING3_CS32
#define FLAT_USER_CS FLAT_USER_CS64
#define FLAT_USER_DS64 FLAT_RING3_DS64
#define FLAT_USER_DS32 FLAT_RING3_DS32
#define FLAT_USER_DS FLAT_USER_DS64
#define FLAT_USER_SS64 FLAT_RING3_SS64
#define FLAT_USER_SS32 FLAT_RING3_SS32
#define FLAT_USER_SS FLAT_USER_SS64

/* First GDT page the hypervisor reserves; guests own pages 0..13. */
#define FIRST_RESERVED_GDT_PAGE 14
#define FIRST_RESERVED_GDT_BYTE (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)

/* The hypervisor's hole: L4 slots 256..271 of every guest address space. */
#define HYPERVISOR_VIRT_START 0xffff800000000000UL
#define HYPERVISOR_VIRT_END 0xffff880000000000UL
/* Read-only machine-to-phys table at the start of the hole. */
#define MACH2PHYS_VIRT_START 0xffff800000000000UL
#define MACH2PHYS_VIRT_END 0xffff804000000000UL
#define MACH2PHYS_NR_ENTRIES ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)

/* vCPUs that have a vcpu_info slot inside shared_info. */
#define XEN_LEGACY_MAX_VCPUS 32

/* set_segment_base selectors. */
#define SEGBASE_FS 0 /* base = fs base */
#define SEGBASE_GS_USER 1 /* base = user gs base */
#define SEGBASE_GS_KERNEL 2 /* base = kernel gs base */
#define SEGBASE_GS_USER_SEL 3 /* base[15:0] = user gs selector to load */

/* Convert between a frame number and a CR3 value (no PCID bits). */
#define xen_pfn_to_cr3(pfn) ((uint64_t)(pfn) << 12)
#define xen_cr3_to_pfn(cr3) ((uint64_t)(cr3) >> 12)

/*
 * Forced-emulation prefix: ud2 followed by "xen". A guest puts it before
 * cpuid to get the hypervisor's filtered view.
 */
#define XEN_EMULATE_PREFIX_BYTES 0x0f, 0x0b, 0x78, 0x65, 0x6e
#define XEN_EMULATE_PREFIX ".byte 0x0f,0x0b,0x78,0x65,0x6e ; "
#define XEN_CPUID XEN_EMULATE_PREFIX "cpuid"

/* Event callbacks are plain 64-bit virtual addresses. */
typedef uint64_t xen_callback_t;

/*
 * The frame the guest builds on its stack for HYPERVISOR_iret, lowest
 * address first (rsp at the hypercall points at rax).
 */
struct iret_context {
	uint64_t rax; /* IN: rax to restore */
	uint64_t r11; /* IN: r11 to restore */
	uint64_t rcx; /* IN: rcx to restore */
	uint64_t flags; /* IN: VGCF_in_syscall: return as if via sysret */
	uint64_t rip; /* IN: return address */
	uint64_t cs; /* IN: return code selector */
	uint64_t rflags; /* IN: flags; IF reflects the upcall mask */
	uint64_t rsp; /* IN: return stack pointer */
	uint64_t ss; /* IN: return stack selector */
};

/* Guest register file as saved on entry and shown in vcpu_guest_context. */
struct cpu_user_regs {
	uint64_t r15; /* general registers, in this order */
	uint64_t r14;
	uint64_t r13;
	uint64_t r12;
	uint64_t rbp;
	uint64_t rbx;
	uint64_t r11;
	uint64_t r10;
	uint64_t r9;
	uint64_t r8;
	uint64_t rax;
	uint64_t rcx;
	uint64_t rdx;
	uint64_t rsi;
	uint64_t rdi;
	uint32_t error_code; /* private to the hypervisor */
	uint32_t entry_vector; /* private to the hypervisor */
	uint64_t rip; /* instruction pointer */
	uint16_t cs; /* code selector */
	uint16_t _pad0; /* zero */
	uint8_t saved_upcall_mask; /* events were masked at entry */
	uint8_t _pad1[3]; /* zero */
	uint64_t rflags; /* flags; IF is the inverse of the upcall mask */
	uint64_t rsp; /* stack pointer */
	uint16_t ss, _pad2[3]; /* stack selector */
	uint16_t es, _pad3[3]; /* data selectors */
	uint16_t ds, _pad4[3];
	uint16_t fs, _pad5[3];
	uint16_t gs, _pad6[3];
};

/* One virtual IDT entry, as given to set_trap_table. */
struct trap_info {
	uint8_t vector; /* IN: exception vector; 0 with address 0 ends a list */
	uint8_t flags; /* IN: bits 0-1 DPL allowed to raise it, bit 2 mask events */
	uint16_t cs; /* IN: handler code selector */
	uint64_t address; /* IN: handler address */
};

#define TI_GET_DPL(ti) ((ti)->flags & 3)
#define TI_GET_IF(ti) ((ti)->flags & 4)

/* vcpu_guest_context.flags */
#define VGCF_I387_VALID (1 << 0) /* fpu_ctxt holds valid state */
#define VGCF_i387_valid VGCF_I387_VALID
#define VGCF_IN_KERNEL (1 << 2) /* vCPU is in guest-kernel mode */
#define VGCF_in_kernel VGCF_IN_KERNEL
#define VGCF_failsafe_disables_events (1 << 3) /* mask events on failsafe */
#define VGCF_syscall_disables_events (1 << 4) /* mask events on syscall */
#define VGCF_online (1 << 5) /* vCPU is up */
#define VGCF_in_syscall (1 << 8) /* iret: return through sysret */
#define VGCF_IN_SYSCALL VGCF_in_syscall

/* Complete vCPU state, for VCPUOP_initialise and the domain builder. */
struct vcpu_guest_context {
	uint8_t fpu_ctxt[512]; /* FXSAVE image, first for alignment */
	uint64_t flags; /* VGCF_* */
	struct cpu_user_regs user_regs; /* general registers */
	struct trap_info trap_ctxt[256]; /* virtual IDT */
	uint64_t ldt_base; /* LDT linear address */
	uint64_t ldt_ents; /* LDT entries */
	uint64_t gdt_frames[16]; /* GDT machine frames */
	uint64_t gdt_ents; /* GDT entries */
	uint64_t kernel_ss; /* kernel stack selector for ring switches */
	uint64_t kernel_sp; /* kernel stack pointer for ring switches */
	uint64_t ctrlreg[8]; /* CR0..CR7; ctrlreg[1] is the user L4 */
	uint64_t debugreg[8]; /* DR0..DR7 */
	uint64_t event_callback_eip; /* event upcall entry */
	uint64_t failsafe_callback_eip; /* failsafe (bad segment) entry */
	uint64_t syscall_callback_eip; /* guest-user syscall entry */
	uint64_t vm_assist; /* bitmap of enabled VMASST_TYPE_* */
	uint64_t fs_base; /* fs base */
	uint64_t gs_base_kernel; /* gs base while in guest kernel */
	uint64_t gs_base_user; /* gs base while in guest user */
};

/* Per-vCPU arch part of vcpu_info. */
struct arch_vcpu_info {
	uint64_t cr2; /* OUT: faulting address of the last #PF bounced */
	uint64_t pad; /* keeps vcpu_info at 64 bytes */
};

/* Arch part of shared_info: how tools find the guest's P2M. */
struct arch_shared_info {
	uint64_t max_pfn; /* IN: entries in the guest's P2M */
	uint64_t pfn_to_mfn_frame_list_list; /* IN: frame of the 3-level P2M */
	uint64_t nmi_reason; /* OUT: XEN_NMIREASON_* bits */
	uint64_t p2m_cr3; /* IN: CR3 of the space where p2m_vaddr is valid */
	uint64_t p2m_vaddr; /* IN: virtual address of the linear P2M */
	uint64_t p2m_generation; /* IN: odd while the P2M mapping changes */
};

#endif
