/* SPDX-License-Identifier: MIT */
/*
 * Lamina's virtual address layout. Everything the hypervisor maps lives in
 * L4 slots 256-271 (0xffff800000000000 - 0xffff87ffffffffff), the range the
 * x86-64 PV ABI reserves for the hypervisor in every guest L4. The guest
 * kernel owns the top 2 GiB, so the image cannot use -mcmodel=kernel's
 * addresses; it is linked in slot 260 and built position-independent
 * (see docs/design-notes.md).
 */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

#ifdef __ASSEMBLER__
#define _AC(x, y) x
#else
#define _AC(x, y) x##y
#endif

#define HYP_RESERVED_START _AC(0xffff800000000000, UL)
#define HYP_RESERVED_END _AC(0xffff880000000000, UL)
#define HYP_FIRST_L4_SLOT 256
#define HYP_LAST_L4_SLOT 271

/* Slot 256: the read-only machine-to-phys table, as the ABI places it. */
#define M2P_RO_START _AC(0xffff800000000000, UL)

/* Slot 260: the hypervisor image, at a fixed offset from its load address. */
#define HYP_IMAGE_OFFSET _AC(0xffff820000000000, UL)
#define HYP_PHYS_BASE _AC(0x100000, UL)

/* Slot 261: the MMIO window (ioremap) and other page-granular mappings. */
#define IOREMAP_START _AC(0xffff828000000000, UL)
#define IOREMAP_END _AC(0xffff829000000000, UL)

/* Slots 262-271: the direct map of all machine memory (5 TiB). */
#define DIRECTMAP_START _AC(0xffff830000000000, UL)
#define DIRECTMAP_END _AC(0xffff880000000000, UL)

#define BOOT_STACK_SIZE 0x4000

#endif
