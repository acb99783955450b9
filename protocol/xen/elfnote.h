/* SPDX-License-Identifier: MIT */
/*
 * ELF notes a PV kernel carries to tell the domain builder how to load it.
 *
 * Notes have owner name "Xen" and live in a PT_NOTE segment (or SHT_NOTE
 * section). Numeric notes are 1, 2, 4 or 8 byte little-endian values;
 * string notes are NUL-terminated. Older kernels instead carry a
 * "__xen_guest" section of KEY=VALUE pairs separated by commas; the
 * legacy key for each note is given below.
 */
#ifndef LAMINA_XEN_ELFNOTE_H
#define LAMINA_XEN_ELFNOTE_H

#define XEN_ELFNOTE_INFO 0 /* string: free-form NAME=VALUE, unused */
#define XEN_ELFNOTE_ENTRY 1 /* numeric: entry VA (legacy VIRT_ENTRY) */
/* numeric: hypercall page VA (legacy HYPERCALL_PAGE: a page number
 * relative to VIRT_BASE) */
#define XEN_ELFNOTE_HYPERCALL_PAGE 2
#define XEN_ELFNOTE_VIRT_BASE 3 /* numeric: VA of the image, default 0 */
/* numeric: subtract from p_paddr to get the pseudo-physical load address;
 * default 0 (legacy ELF_PADDR_OFFSET, whose default is VIRT_BASE) */
#define XEN_ELFNOTE_PADDR_OFFSET 4
#define XEN_ELFNOTE_XEN_VERSION 5 /* string: must start "xen-3.0" (XEN_VER) */
#define XEN_ELFNOTE_GUEST_OS 6 /* string: e.g. "linux" (GUEST_OS) */
#define XEN_ELFNOTE_GUEST_VERSION 7 /* string: (GUEST_VER) */
#define XEN_ELFNOTE_LOADER 8 /* string: "generic" (LOADER) */
#define XEN_ELFNOTE_PAE_MODE 9 /* string: 32-bit only (PAE) */
/* string: '|'-separated XENFEAT_ names without prefix; '!' marks
 * a required feature (FEATURES) */
#define XEN_ELFNOTE_FEATURES 10
#define XEN_ELFNOTE_BSD_SYMTAB 11 /* string: "yes" to load the symtab */
#define XEN_ELFNOTE_HV_START_LOW 12 /* numeric: lowest hole start (32-bit) */
#define XEN_ELFNOTE_L1_MFN_VALID 13 /* numeric pairs: mask/value */
#define XEN_ELFNOTE_SUSPEND_CANCEL 14 /* numeric: cooperative cancel */
#define XEN_ELFNOTE_INIT_P2M 15 /* numeric: VA to place the P2M at */
#define XEN_ELFNOTE_MOD_START_PFN 16 /* numeric: initrd may be unmapped */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17 /* numeric: XENFEAT_ bitmap */
#define XEN_ELFNOTE_PHYS32_ENTRY 18 /* numeric: PVH 32-bit entry */
#define XEN_ELFNOTE_MAX XEN_ELFNOTE_PHYS32_ENTRY

/* Notes the hypervisor writes into crash dumps. */
#define XEN_ELFNOTE_CRASH_INFO 0x1000001
#define XEN_ELFNOTE_CRASH_REGS 0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE 0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER 0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION 0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#endif
