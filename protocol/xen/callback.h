/* SPDX-License-Identifier: MIT */
/*
 * CALLBACKOP_* (register the guest's event, failsafe, syscall and NMI entry
 * points) and XENNMI_* for the older nmi_op.
 */
#ifndef LAMINA_XEN_CALLBACK_H
#define LAMINA_XEN_CALLBACK_H

#include <xen/xen.h>

#define CALLBACKTYPE_event 0 /* event upcall */
#define CALLBACKTYPE_failsafe 1 /* bad segment on return to guest */
#define CALLBACKTYPE_syscall 2 /* 64-bit guest-user syscall */
#define CALLBACKTYPE_sysenter_deprecated 3
#define CALLBACKTYPE_nmi 4 /* NMI delivered to the guest */
#define CALLBACKTYPE_sysenter 5 /* 32-bit guest-user sysenter */
#define CALLBACKTYPE_syscall32 7 /* 32-bit guest-user syscall */

/* Mask events while the callback runs. */
#define CALLBACKF_mask_events (1U << 0)

#define CALLBACKOP_register 0 /* arg: struct callback_register */
#define CALLBACKOP_unregister 1 /* arg: struct callback_unregister */

struct callback_register {
	uint16_t type; /* IN: CALLBACKTYPE_* */
	uint16_t flags; /* IN: CALLBACKF_* */
	xen_callback_t address; /* IN: entry point */
};

struct callback_unregister {
	uint16_t type; /* IN: CALLBACKTYPE_* */
	uint16_t _unused; /* IN: zero */
};

/* nmi_op and shared_info.arch.nmi_reason */
#define XENNMI_register_callback 0 /* arg: struct xennmi_callback */
#define XENNMI_unregister_callback 1 /* arg: none */
#define XEN_NMIREASON_io_error (1UL << 0) /* I/O check (port 0x61 bit 6) */
#define XEN_NMIREASON_pci_serr (1UL << 1) /* PCI SERR (port 0x61 bit 7) */
#define XEN_NMIREASON_unknown (1UL << 2) /* other hardware NMI */

struct xennmi_callback {
	uint64_t handler_address; /* IN: NMI entry point */
	uint64_t pad; /* IN: zero */
};

_Static_assert(sizeof(struct callback_register) == 16, "callback_register");
_Static_assert(sizeof(struct callback_unregister) == 4, "callback_unregister");

#endif
