/* SPDX-License-Identifier: MIT */
/*
 * Feature bits: reported by XENVER_get_features (submap 0) and named by the
 * guest in its FEATURES / SUPPORTED_FEATURES ELF notes.
 */
#ifndef LAMINA_XEN_FEATURES_H
#define LAMINA_XEN_FEATURES_H

/* Guest may write page-table entries directly; the hypervisor emulates. */
#define XENFEAT_writable_page_tables 0
/* Guest may write descriptor tables directly. */
#define XENFEAT_writable_descriptor_tables 1
/* Guest sees pseudo-physical frames only (HVM/PVH style); never PV here. */
#define XENFEAT_auto_translated_physmap 2
/* Guest kernel runs in ring 0 (dropped in modern Xen). */
#define XENFEAT_supervisor_mode_kernel 3
/* 32-bit PAE: L3 may live above 4 GiB. */
#define XENFEAT_pae_pgdir_above_4gb 4
/* MMU_PT_UPDATE_PRESERVE_AD is available. */
#define XENFEAT_mmu_pt_update_preserve_ad 5
/* 32-bit highmem assists (VMASST). */
#define XENFEAT_highmem_assist 6
/* Grant maps keep the guest-available PTE bits. */
#define XENFEAT_gnttab_map_avail_bits 7
/* HVM: event upcall through an IDT vector. */
#define XENFEAT_hvm_callback_vector 8
/* HVM: the pvclock is safe to use. */
#define XENFEAT_hvm_safe_pvclock 9
/* HVM: physical IRQs are delivered as event channels. */
#define XENFEAT_hvm_pirqs 10
/* This domain is the initial (control) domain. */
#define XENFEAT_dom0 11
/* Deprecated (grants mapped at pfn == mfn); the number stays reserved. */
#define XENFEAT_grant_map_identity 12
/* memory_op accepts vNUMA node flags. */
#define XENFEAT_memory_op_vnode_supported 13
/* Arm SMCCC is available. */
#define XENFEAT_ARM_SMCCC_supported 14
/* Linux may use the RSDP wherever it is found. */
#define XENFEAT_linux_rsdp_unrestricted 15
/* Domain memory is not 1:1 with machine memory (Arm). */
#define XENFEAT_not_direct_mapped 16
/* Domain memory is 1:1 with machine memory (Arm). */
#define XENFEAT_direct_mapped 17

/* Number of 32-bit feature submaps XENVER_get_features answers for. */
#define XENFEAT_NR_SUBMAPS 1

#endif
