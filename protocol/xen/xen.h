/* SPDX-License-Identifier: MIT */
/*
 * The core of the Xen x86-64 PV guest ABI (interface level 4.17): hypercall
 * numbers, the MMU and multicall requests, and the three pages a PV guest
 * starts with — start_info, shared_info and its vcpu_info slots.
 *
 * Written for Lamina from the public ABI description. Field comments say who
 * writes the field: IN = the guest, OUT = the hypervisor.
 */
#ifndef LAMINA_XEN_XEN_H
#define LAMINA_XEN_XEN_H

#include <stdint.h>

/*
 * A guest virtual address passed in a hypercall argument structure. The
 * hypervisor reads only .addr and goes through its checked copy routines;
 * guests may use .p.
 */
#define XEN_GUEST_HANDLE(type) \
	union {                \
		type *p;       \
		uint64_t addr; \
	}

typedef uint64_t xen_pfn_t; /* a frame number (machine or pseudo-phys) */
typedef uint64_t xen_ulong_t; /* a native-width unsigned field */
typedef uint16_t domid_t; /* a domain id */

#include <xen/arch-x86_64.h>

/* Hypercall numbers: offset / 32 in the hypercall page. */
#define __HYPERVISOR_set_trap_table 0
#define __HYPERVISOR_mmu_update 1
#define __HYPERVISOR_set_gdt 2
#define __HYPERVISOR_stack_switch 3
#define __HYPERVISOR_set_callbacks 4
#define __HYPERVISOR_fpu_taskswitch 5
#define __HYPERVISOR_sched_op_compat 6
#define __HYPERVISOR_platform_op 7
#define __HYPERVISOR_set_debugreg 8
#define __HYPERVISOR_get_debugreg 9
#define __HYPERVISOR_update_descriptor 10
#define __HYPERVISOR_memory_op 12
#define __HYPERVISOR_multicall 13
#define __HYPERVISOR_update_va_mapping 14
#define __HYPERVISOR_set_timer_op 15
#define __HYPERVISOR_event_channel_op_compat 16
#define __HYPERVISOR_xen_version 17
#define __HYPERVISOR_console_io 18
#define __HYPERVISOR_physdev_op_compat 19
#define __HYPERVISOR_grant_table_op 20
#define __HYPERVISOR_vm_assist 21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret 23
#define __HYPERVISOR_vcpu_op 24
#define __HYPERVISOR_set_segment_base 25
#define __HYPERVISOR_mmuext_op 26
#define __HYPERVISOR_xsm_op 27
#define __HYPERVISOR_nmi_op 28
#define __HYPERVISOR_sched_op 29
#define __HYPERVISOR_callback_op 30
#define __HYPERVISOR_xenoprof_op 31
#define __HYPERVISOR_event_channel_op 32
#define __HYPERVISOR_physdev_op 33
#define __HYPERVISOR_hvm_op 34
#define __HYPERVISOR_sysctl 35
#define __HYPERVISOR_domctl 36
#define __HYPERVISOR_kexec_op 37
#define __HYPERVISOR_tmem_op 38
#define __HYPERVISOR_argo_op 39
#define __HYPERVISOR_xenpmu_op 40
#define __HYPERVISOR_dm_op 41
#define __HYPERVISOR_hypfs_op 42
#define __HYPERVISOR_arch_0 48 /* 48..55 are architecture specific */
#define __HYPERVISOR_arch_7 55
/* Slots in the hypercall page: each stub is 32 bytes, the page holds 128. */
#define XEN_HYPERCALL_STUB_SIZE 32
#define XEN_HYPERCALL_MAX_STUBS 128

/* Virtual IRQs, bound with EVTCHNOP_bind_virq. V = per vCPU, G = global. */
#define VIRQ_TIMER 0 /* V: timer fired */
#define VIRQ_DEBUG 1 /* V: dump debug state */
#define VIRQ_CONSOLE 2 /* G: input on the hypervisor console */
#define VIRQ_DOM_EXC 3 /* G: some domain shut down or crashed */
#define VIRQ_TBUF 4 /* G: trace records available */
#define VIRQ_DEBUGGER 6 /* G: a domain paused for a debugger */
#define VIRQ_XENOPROF 7 /* V: profiling sample */
#define VIRQ_CON_RING 8 /* G: hypervisor console ring has data */
#define VIRQ_PCPU_STATE 9 /* G: a physical CPU changed state */
#define VIRQ_MEM_EVENT 10 /* G: memory event */
#define VIRQ_ARGO 11 /* G: Argo message */
#define VIRQ_ENOMEM 12 /* G: hypervisor heap is low */
#define VIRQ_XENPMU 13 /* V: PMU interrupt */
#define VIRQ_ARCH_0 16 /* 16..23 are architecture specific */
#define NR_VIRQS 24

/* mmu_update: the low 2 bits of ptr select the command. */
#define MMU_NORMAL_PT_UPDATE 0 /* checked write of val to the PTE at MA ptr */
#define MMU_MACHPHYS_UPDATE 1 /* M2P[ptr >> 12] = val */
#define MMU_PT_UPDATE_PRESERVE_AD 2 /* as NORMAL, keeping accessed/dirty */
#define MMU_PT_UPDATE_NO_TRANSLATE 3 /* as NORMAL, val never translated */

/* One request in an mmu_update batch. */
struct mmu_update {
	uint64_t ptr; /* IN: machine address of the PTE | MMU_* command */
	uint64_t val; /* IN: new PTE value (or pfn for MACHPHYS) */
};

/* mmuext_op commands. */
#define MMUEXT_PIN_L1_TABLE 0
#define MMUEXT_PIN_L2_TABLE 1
#define MMUEXT_PIN_L3_TABLE 2
#define MMUEXT_PIN_L4_TABLE 3
#define MMUEXT_UNPIN_TABLE 4
#define MMUEXT_NEW_BASEPTR 5
#define MMUEXT_TLB_FLUSH_LOCAL 6
#define MMUEXT_INVLPG_LOCAL 7
#define MMUEXT_TLB_FLUSH_MULTI 8
#define MMUEXT_INVLPG_MULTI 9
#define MMUEXT_TLB_FLUSH_ALL 10
#define MMUEXT_INVLPG_ALL 11
#define MMUEXT_FLUSH_CACHE 12
#define MMUEXT_SET_LDT 13
#define MMUEXT_NEW_USER_BASEPTR 15
#define MMUEXT_CLEAR_PAGE 16
#define MMUEXT_COPY_PAGE 17
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER 19
#define MMUEXT_UNMARK_SUPER 20

/* One extended MMU request. */
struct mmuext_op {
	uint32_t cmd; /* IN: MMUEXT_* */
	union {
		xen_pfn_t mfn; /* IN: frame for pin/unpin/baseptr/clear/copy */
		uint64_t linear_addr; /* IN: address for invlpg and SET_LDT */
	} arg1;
	union {
		uint32_t nr_ents; /* IN: LDT entries for SET_LDT */
		XEN_GUEST_HANDLE(const void) vcpumask; /* IN: *_MULTI */
		xen_pfn_t src_mfn; /* IN: source frame for COPY_PAGE */
	} arg2;
};

/* update_va_mapping flags: low 2 bits flush type, rest the vCPU set. */
#define UVMF_NONE 0UL /* no flush */
#define UVMF_TLB_FLUSH 1UL /* flush whole TLBs */
#define UVMF_INVLPG 2UL /* flush the one address */
#define UVMF_FLUSHTYPE_MASK 3UL
#define UVMF_MULTI 0UL /* with a vCPU mask pointer in the upper bits */
#define UVMF_LOCAL 0UL /* this vCPU only */
#define UVMF_ALL 4UL /* every vCPU of the domain */

/* console_io commands. */
#define CONSOLEIO_write 0
#define CONSOLEIO_read 1

/* vm_assist commands and types. */
#define VMASST_CMD_enable 0
#define VMASST_CMD_disable 1
#define VMASST_TYPE_4gb_segments 0
#define VMASST_TYPE_4gb_segments_notify 1
#define VMASST_TYPE_writable_pagetables 2
#define VMASST_TYPE_pae_extended_cr3 3
#define VMASST_TYPE_architectural_iopl 4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict 32

/* Special domain ids; real domains are below DOMID_FIRST_RESERVED. */
#define DOMID_FIRST_RESERVED 0x7ff0U
#define DOMID_SELF 0x7ff0U /* the calling domain */
#define DOMID_IO 0x7ff1U /* owner of I/O memory */
#define DOMID_XEN 0x7ff2U /* owner of hypervisor frames */
#define DOMID_COW 0x7ff3U /* owner of shared copy-on-write frames */
#define DOMID_INVALID 0x7ff4U /* no domain */
#define DOMID_IDLE 0x7fffU /* the idle domain */
#define DOMID_MASK 0x7fffU

/* One call in a multicall batch. */
struct multicall_entry {
	xen_ulong_t op; /* IN: hypercall number */
	xen_ulong_t result; /* OUT: its return value */
	xen_ulong_t args[6]; /* IN: its arguments */
};

/*
 * Per-vCPU time base. The hypervisor bumps version to odd before an update
 * and to even after; a reader retries while it is odd or changed.
 * now_ns = system_time + ((((tsc - tsc_timestamp) << tsc_shift)
 *                          * tsc_to_system_mul) >> 32)
 * (a negative tsc_shift shifts right).
 */
struct vcpu_time_info {
	uint32_t version; /* OUT: update counter, odd while updating */
	uint32_t pad0; /* zero */
	uint64_t tsc_timestamp; /* OUT: TSC when system_time was taken */
	uint64_t system_time; /* OUT: ns since boot at tsc_timestamp */
	uint32_t tsc_to_system_mul; /* OUT: 32.32 fixed point ns per tick */
	int8_t tsc_shift; /* OUT: pre-scale shift for the TSC delta */
	uint8_t flags; /* OUT: XEN_PVCLOCK_* */
	uint8_t pad1[2]; /* zero */
};

#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0) /* TSC is synchronised */
#define XEN_PVCLOCK_GUEST_STOPPED (1 << 1) /* guest was paused */

/* Per-vCPU event and time state, in shared_info or a registered page. */
struct vcpu_info {
	uint8_t evtchn_upcall_pending; /* OUT: set when an event is pending */
	uint8_t evtchn_upcall_mask; /* IN: non-zero blocks upcalls */
	xen_ulong_t evtchn_pending_sel; /* OUT: which pending words to scan */
	struct arch_vcpu_info arch; /* OUT: cr2 of the last page fault */
	struct vcpu_time_info time; /* OUT: this vCPU's time base */
};

/* The page shared between the hypervisor and each domain. */
struct shared_info {
	struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS]; /* vCPUs 0..31 */
	xen_ulong_t evtchn_pending[64]; /* OUT: 2-level pending bits */
	xen_ulong_t evtchn_mask[64]; /* IN: 2-level mask bits */
	uint32_t wc_version; /* OUT: wallclock update counter */
	uint32_t wc_sec; /* OUT: wallclock seconds at boot, low 32 bits */
	uint32_t wc_nsec; /* OUT: wallclock nanoseconds at boot */
	uint32_t wc_sec_hi; /* OUT: wallclock seconds, high 32 bits */
	struct arch_shared_info arch; /* P2M description for tools */
};

/* The start_info page the builder hands a PV guest in rsi. */
#define MAX_GUEST_CMDLINE 1024
struct start_info {
	char magic[32]; /* OUT: "xen-3.0-x86_64" */
	uint64_t nr_pages; /* OUT: pages given to the domain */
	uint64_t shared_info; /* OUT: machine address of shared_info */
	uint32_t flags; /* OUT: SIF_* */
	xen_pfn_t store_mfn; /* OUT: xenstore ring frame */
	uint32_t store_evtchn; /* OUT: xenstore event channel */
	union {
		struct {
			xen_pfn_t mfn; /* OUT: console ring frame */
			uint32_t evtchn; /* OUT: console event channel */
		} domU; /* unprivileged domains */
		struct {
			uint32_t info_off; /* OUT: offset of dom0_vga_console_info */
			uint32_t info_size; /* OUT: its size */
		} dom0; /* the initial domain */
	} console;
	uint64_t pt_base; /* OUT: virtual address of the initial L4 */
	uint64_t nr_pt_frames; /* OUT: frames of initial page tables */
	uint64_t mfn_list; /* OUT: virtual address of the P2M array */
	uint64_t mod_start; /* OUT: initrd address (pfn if SIF_MOD_START_PFN) */
	uint64_t mod_len; /* OUT: initrd size in bytes */
	int8_t cmd_line[MAX_GUEST_CMDLINE]; /* OUT: kernel command line */
	uint64_t first_p2m_pfn; /* OUT: first pfn of an INIT_P2M placed P2M */
	uint64_t nr_p2m_frames; /* OUT: frames of that P2M */
};

#define XEN_START_INFO_MAGIC "xen-3.0-x86_64"

/* start_info.flags */
#define SIF_PRIVILEGED (1 << 0) /* domain may use privileged calls */
#define SIF_INITDOMAIN (1 << 1) /* domain is the initial (control) domain */
#define SIF_MULTIBOOT_MOD (1 << 2) /* mod_start is a multiboot module list */
#define SIF_MOD_START_PFN (1 << 3) /* mod_start is a pfn, not an address */
#define SIF_VIRT_P2M_4TOOLS (1 << 4) /* tools read the virtual P2M */
#define SIF_PM_MASK (0xff << 8) /* reserved for power management */

/* Module list entry when SIF_MULTIBOOT_MOD is set. */
struct xen_multiboot_mod_list {
	uint32_t mod_start; /* OUT: first byte (pseudo-physical) */
	uint32_t mod_end; /* OUT: last byte, inclusive */
	uint32_t cmdline; /* OUT: address of the NUL-terminated string */
	uint32_t pad; /* zero */
};

/* Firmware console description for the initial domain. */
#define XEN_VGATYPE_TEXT_MODE_3 0x03
#define XEN_VGATYPE_VESA_LFB 0x23
#define XEN_VGATYPE_EFI_LFB 0x70
struct dom0_vga_console_info {
	uint8_t video_type; /* OUT: XEN_VGATYPE_* */
	union {
		struct {
			uint16_t font_height; /* OUT: pixels */
			uint16_t cursor_x, cursor_y; /* OUT: cursor cell */
			uint16_t rows, columns; /* OUT: text geometry */
		} text_mode_3;
		struct {
			uint16_t width, height; /* OUT: pixels */
			uint16_t bytes_per_line; /* OUT: scan line pitch */
			uint16_t bits_per_pixel; /* OUT: depth */
			uint32_t lfb_base; /* OUT: framebuffer address, low */
			uint32_t lfb_size; /* OUT: size in 64 KiB units */
			uint8_t red_pos, red_size; /* OUT: channel layout */
			uint8_t green_pos, green_size;
			uint8_t blue_pos, blue_size;
			uint8_t rsvd_pos, rsvd_size;
			uint32_t gbl_caps; /* OUT: VBE capabilities */
			uint16_t mode_attrs; /* OUT: VBE mode attributes */
			uint16_t pad; /* zero */
			uint32_t ext_lfb_base; /* OUT: framebuffer address, high */
		} vesa_lfb;
	} u;
};

typedef uint8_t xen_domain_handle_t[16];

/* Layout checks: these are the ABI, a change here breaks every guest. */
_Static_assert(sizeof(struct mmu_update) == 16, "mmu_update");
_Static_assert(sizeof(struct mmuext_op) == 24, "mmuext_op");
_Static_assert(sizeof(struct multicall_entry) == 64, "multicall_entry");
_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info");
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info");
_Static_assert(__builtin_offsetof(struct vcpu_info, time) == 32,
	       "vcpu_info.time");
_Static_assert(__builtin_offsetof(struct shared_info, evtchn_pending) == 2048,
	       "shared_info.evtchn_pending");
_Static_assert(__builtin_offsetof(struct shared_info, wc_version) == 3072,
	       "shared_info.wc_version");
_Static_assert(sizeof(struct shared_info) == 3136, "shared_info");
_Static_assert(__builtin_offsetof(struct start_info, console) == 72,
	       "start_info.console");
_Static_assert(__builtin_offsetof(struct start_info, cmd_line) == 128,
	       "start_info.cmd_line");
_Static_assert(sizeof(struct start_info) == 1168, "start_info");
_Static_assert(sizeof(struct cpu_user_regs) == 200, "cpu_user_regs");
_Static_assert(sizeof(struct trap_info) == 16, "trap_info");
_Static_assert(sizeof(struct iret_context) == 72, "iret_context");
_Static_assert(__builtin_offsetof(struct vcpu_guest_context, trap_ctxt) == 720,
	       "vcpu_guest_context.trap_ctxt");
_Static_assert(sizeof(struct vcpu_guest_context) == 5168, "vcpu_guest_context");
_Static_assert(sizeof(struct arch_shared_info) == 48, "arch_shared_info");

#endif
