/* SPDX-License-Identifier: MIT */
/*
 * PHYSDEVOP_*: physical IRQs, I/O privilege and PCI device notifications.
 * HYPERVISOR_physdev_op(cmd, arg).
 */
#ifndef LAMINA_XEN_PHYSDEV_H
#define LAMINA_XEN_PHYSDEV_H

#include <xen/xen.h>

#define PHYSDEVOP_IRQ_UNMASK_NOTIFY 4 /* obsolete */
#define PHYSDEVOP_irq_status_query 5
#define PHYSDEVOP_set_iopl 6
#define PHYSDEVOP_set_iobitmap 7
#define PHYSDEVOP_apic_read 8
#define PHYSDEVOP_apic_write 9
#define PHYSDEVOP_alloc_irq_vector 10
#define PHYSDEVOP_free_irq_vector 11
#define PHYSDEVOP_eoi 12
#define PHYSDEVOP_map_pirq 13
#define PHYSDEVOP_unmap_pirq 14
#define PHYSDEVOP_manage_pci_add 15
#define PHYSDEVOP_manage_pci_remove 16
#define PHYSDEVOP_pirq_eoi_gmfn_v1 17
#define PHYSDEVOP_restore_msi 19
#define PHYSDEVOP_manage_pci_add_ext 20
#define PHYSDEVOP_setup_gsi 21
#define PHYSDEVOP_get_free_pirq 23
#define PHYSDEVOP_pci_mmcfg_reserved 24
#define PHYSDEVOP_pci_device_add 25
#define PHYSDEVOP_pci_device_remove 26
#define PHYSDEVOP_restore_msi_ext 27
#define PHYSDEVOP_pirq_eoi_gmfn_v2 28
#define PHYSDEVOP_dbgp_op 29
#define PHYSDEVOP_prepare_msix 30
#define PHYSDEVOP_release_msix 31
#define PHYSDEVOP_pirq_eoi_gmfn PHYSDEVOP_pirq_eoi_gmfn_v2

struct physdev_eoi {
	uint32_t irq; /* IN: pirq to acknowledge */
};

struct physdev_pirq_eoi_gmfn {
	xen_pfn_t gmfn; /* IN: frame for the pirq EOI bitmap */
};

#define XENIRQSTAT_needs_eoi (1U << 0) /* pirq needs PHYSDEVOP_eoi */
#define XENIRQSTAT_shared (1U << 1) /* pirq is shared with others */
struct physdev_irq_status_query {
	uint32_t irq; /* IN: pirq */
	uint32_t flags; /* OUT: XENIRQSTAT_* */
};

struct physdev_set_iopl {
	uint32_t iopl; /* IN: virtual I/O privilege level 0..3 */
};

struct physdev_set_iobitmap {
	XEN_GUEST_HANDLE(uint8_t) bitmap; /* IN: I/O permission bitmap */
	uint32_t nr_ports; /* IN: ports the bitmap covers */
};

struct physdev_apic {
	uint64_t apic_physbase; /* IN: IOAPIC base address */
	uint32_t reg; /* IN: register */
	uint32_t value; /* IN (write) / OUT (read): value */
};

struct physdev_irq {
	uint32_t irq; /* IN: IRQ */
	uint32_t vector; /* IN/OUT: vector */
};

#define MAP_PIRQ_TYPE_MSI 0x0
#define MAP_PIRQ_TYPE_GSI 0x1
#define MAP_PIRQ_TYPE_UNKNOWN 0x2
#define MAP_PIRQ_TYPE_MSI_SEG 0x3
#define MAP_PIRQ_TYPE_MULTI_MSI 0x4

struct physdev_map_pirq {
	domid_t domid; /* IN: domain the pirq is for */
	int32_t type; /* IN: MAP_PIRQ_TYPE_* */
	int32_t index; /* IN: GSI, or MSI index */
	int32_t pirq; /* IN: wanted pirq or -1; OUT: the pirq */
	int32_t bus; /* IN: PCI bus (segment in bits 16-31 for *_SEG) */
	int32_t devfn; /* IN: PCI device/function */
	int32_t entry_nr; /* IN: MSI vectors wanted; OUT for MULTI_MSI */
	uint64_t table_base; /* IN: MSI-X table address */
};

struct physdev_unmap_pirq {
	domid_t domid; /* IN: domain */
	int32_t pirq; /* IN: pirq to unmap */
};

struct physdev_manage_pci {
	uint8_t bus; /* IN */
	uint8_t devfn; /* IN */
};

struct physdev_restore_msi {
	uint8_t bus; /* IN */
	uint8_t devfn; /* IN */
};

struct physdev_manage_pci_ext {
	uint8_t bus; /* IN */
	uint8_t devfn; /* IN */
	uint32_t is_extfn; /* IN: extended function */
	uint32_t is_virtfn; /* IN: SR-IOV virtual function */
	struct {
		uint8_t bus; /* IN: physical function's bus */
		uint8_t devfn; /* IN: and device/function */
	} physfn;
};

/* The old single-argument form (physdev_op_compat). */
struct physdev_op {
	uint32_t cmd; /* IN: PHYSDEVOP_* */
	union {
		struct physdev_irq_status_query irq_status_query;
		struct physdev_set_iopl set_iopl;
		struct physdev_set_iobitmap set_iobitmap;
		struct physdev_apic apic_op;
		struct physdev_irq irq_op;
	} u;
};

struct physdev_setup_gsi {
	int32_t gsi; /* IN: GSI */
	uint8_t triggering; /* IN: 0 edge, 1 level */
	uint8_t polarity; /* IN: 0 high, 1 low */
};

struct physdev_get_free_pirq {
	int32_t type; /* IN: MAP_PIRQ_TYPE_* */
	uint32_t pirq; /* OUT: a free pirq */
};

#define XEN_PCI_MMCFG_RESERVED 0x1
struct physdev_pci_mmcfg_reserved {
	uint64_t address; /* IN: MMCFG base */
	uint16_t segment; /* IN: PCI segment */
	uint8_t start_bus; /* IN */
	uint8_t end_bus; /* IN */
	uint32_t flags; /* IN: XEN_PCI_MMCFG_* */
};

#define XEN_PCI_DEV_EXTFN 0x1
#define XEN_PCI_DEV_VIRTFN 0x2
#define XEN_PCI_DEV_PXM 0x4
struct physdev_pci_device_add {
	uint16_t seg; /* IN */
	uint8_t bus; /* IN */
	uint8_t devfn; /* IN */
	uint32_t flags; /* IN: XEN_PCI_DEV_* */
	struct {
		uint8_t bus; /* IN */
		uint8_t devfn; /* IN */
	} physfn;
	uint32_t optarr[]; /* IN: proximity domain if XEN_PCI_DEV_PXM */
};

struct physdev_pci_device {
	uint16_t seg; /* IN */
	uint8_t bus; /* IN */
	uint8_t devfn; /* IN */
};

#define PHYSDEVOP_DBGP_RESET_PREPARE 1
#define PHYSDEVOP_DBGP_RESET_DONE 2
#define PHYSDEVOP_DBGP_BUS_UNKNOWN 0
#define PHYSDEVOP_DBGP_BUS_PCI 1
struct physdev_dbgp_op {
	uint8_t op; /* IN: PHYSDEVOP_DBGP_RESET_* */
	uint8_t bus; /* IN: PHYSDEVOP_DBGP_BUS_* */
	union {
		struct physdev_pci_device pci; /* IN */
	} u;
};

_Static_assert(sizeof(struct physdev_map_pirq) == 40, "map_pirq");
_Static_assert(sizeof(struct physdev_set_iobitmap) == 16, "set_iobitmap");
_Static_assert(sizeof(struct physdev_op) == 24, "physdev_op");

#endif
