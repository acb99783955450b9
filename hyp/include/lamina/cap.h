/* SPDX-License-Identifier: MIT */
/*
 * Capabilities: the only source of privilege in Lamina.
 *
 * A capability names an object (a domain id range, a budget of pages, a
 * range of GSIs, I/O ports or I/O frames, or one of the global services)
 * and the rights its holder has on it. Each domain holds its capabilities
 * in a CSpace: a fixed array of slots whose storage the caller provides.
 *
 * Every capability except the roots the control domain is born with was
 * derived from another one by copy or mint, and the slots record that
 * derivation tree across CSpaces. Revoking a capability deletes everything
 * derived from it, wherever it went; deleting a capability revokes it
 * first, so authority never outlives the capability it came from.
 *
 * Every operation validates all of its arguments before it changes
 * anything: it either succeeds completely or returns a negative Xen errno
 * with nothing changed. The caller serialises all calls (one cap lock).
 */
#ifndef LAMINA_CAP_H
#define LAMINA_CAP_H

#include <stdbool.h>
#include <stdint.h>

enum cap_type {
	CAP_NULL = 0, /* empty slot */
	CAP_DOMAIN, /* domain ids [base, base + count) */
	CAP_DOMAIN_CREATE, /* may create domains; count = page budget left */
	CAP_SYSCTL, /* system-wide information and control */
	CAP_CONSOLE_IO, /* the hypervisor console (console_io) */
	CAP_IRQ, /* physical GSIs [base, base + count) */
	CAP_IOPORT, /* I/O ports [base, base + count) */
	CAP_IOMEM, /* machine frames [base, base + count) of device memory */
	CAP_TIME, /* the wallclock and platform time */
	CAP_PHYSDEV, /* PCI device and physical IRQ management */
	CAP_TYPE_COUNT,
};

/*
 * Rights. Which ones a type accepts is fixed (cap_valid_rights()); the
 * meaning of each right for each type is tabled in docs/capabilities.md.
 */
#define CAP_RIGHT_QUERY (1u << 0) /* read state */
#define CAP_RIGHT_CONTROL (1u << 1) /* change state, or use the resource */
#define CAP_RIGHT_DESTROY (1u << 2) /* DOMAIN: destroy the domain */
#define CAP_RIGHT_MAP (1u << 3) /* map the object's memory */
#define CAP_RIGHT_DEBUG (1u << 4) /* DOMAIN: debug (registers, pause) */
#define CAP_RIGHT_DELEGATE (1u << 5) /* may be copied or minted */
#define CAP_RIGHTS_ALL 0x3fu

/* Largest object numbers, for root capabilities. */
#define CAP_DOMID_LIMIT 0x7ff0u /* DOMID_FIRST_RESERVED */
#define CAP_IOPORT_LIMIT 0x10000u
#define CAP_IOMEM_LIMIT (1ull << 40) /* 52-bit physical addresses */

/* Pass as a destination slot to take the first free one. */
#define CAP_SLOT_ANY 0xffffffffu

struct cap {
	uint8_t type; /* enum cap_type */
	uint8_t rights; /* CAP_RIGHT_* */
	uint16_t reserved;
	uint64_t base; /* first object; 0 for non-range types */
	uint64_t count; /* objects in range, or pages for DOMAIN_CREATE */
};

/* A slot and its links in the derivation tree (which spans CSpaces). */
struct cap_slot {
	struct cap cap;
	struct cap_slot *parent; /* derived from; NULL for a root */
	struct cap_slot *first_child; /* first cap derived from this one */
	struct cap_slot *next_sibling; /* same parent, next */
	struct cap_slot *prev_sibling; /* same parent, previous */
	uint64_t spent; /* DOMAIN_CREATE: pages charged, not yet refunded */
};

struct cspace {
	struct cap_slot *slots; /* caller-provided, nslots long */
	uint32_t nslots;
};

/* Make an empty CSpace over caller storage. */
void cspace_init(struct cspace *cs, struct cap_slot *slots, uint32_t nslots);

/* Delete every capability in cs (and all derived from them). */
void cspace_destroy(struct cspace *cs);

/* The rights a capability of this type may carry; 0 for a bad type. */
uint32_t cap_valid_rights(enum cap_type type);

/*
 * Install a root capability (boot time, control domain only). slot may be
 * CAP_SLOT_ANY. For DOMAIN_CREATE, count is the page budget and base 0;
 * for the global types both are 0. Returns the slot used or -errno.
 */
int cap_create_root(struct cspace *cs, uint32_t slot, enum cap_type type,
		    uint32_t rights, uint64_t base, uint64_t count);

/*
 * Derive a capability with the same authority into dst (which may be src).
 * The source needs CAP_RIGHT_DELEGATE. DOMAIN_CREATE budgets cannot be
 * copied (that would double them); split them with cap_mint. Returns the
 * destination slot or -errno.
 */
int cap_copy(struct cspace *src, uint32_t src_slot, struct cspace *dst,
	     uint32_t dst_slot);

/*
 * Derive a capability with rights a subset of the source's and, for range
 * types, [base, base + count) inside the source's range. For DOMAIN_CREATE
 * count pages move from the source's budget to the new capability (they
 * come back when it is deleted). Returns the destination slot or -errno:
 * -XEN_EPERM for more authority than the source has.
 */
int cap_mint(struct cspace *src, uint32_t src_slot, struct cspace *dst,
	     uint32_t dst_slot, uint32_t rights, uint64_t base, uint64_t count);

/* Delete everything derived from the capability in slot, keep it. */
int cap_revoke(struct cspace *cs, uint32_t slot);

/* Revoke, then empty the slot. */
int cap_delete(struct cspace *cs, uint32_t slot);

/* Copy out a slot's capability (type CAP_NULL if empty). */
int cap_read(const struct cspace *cs, uint32_t slot, struct cap *out);

/*
 * The one privilege check. Does cs hold a capability of this type with at
 * least these rights covering the object?
 *   range types (DOMAIN, IRQ, IOPORT, IOMEM): [base, base + count), count
 *     at least 1, inside one capability's range;
 *   DOMAIN_CREATE: count pages available in one capability's budget;
 *   SYSCTL, CONSOLE_IO, TIME, PHYSDEV: base and count must be 0.
 * Returns 0, -XEN_EPERM if not held, or -XEN_EINVAL for a malformed query.
 */
int cap_check(const struct cspace *cs, enum cap_type type, uint64_t base,
	      uint64_t count, uint32_t rights);

/* As cap_check, but returns the slot that grants it (or -errno). */
int cap_lookup(const struct cspace *cs, enum cap_type type, uint64_t base,
	       uint64_t count, uint32_t rights);

/* Spend / give back pages of a DOMAIN_CREATE capability's budget. */
int cap_budget_charge(struct cspace *cs, uint32_t slot, uint64_t pages);
int cap_budget_refund(struct cspace *cs, uint32_t slot, uint64_t pages);

/* Helpers for callers with a domain id. */
static inline int cap_check_domain(const struct cspace *cs, uint16_t domid,
				   uint32_t rights)
{
	return cap_check(cs, CAP_DOMAIN, domid, 1, rights);
}

static inline bool cap_type_is_range(enum cap_type type)
{
	return type == CAP_DOMAIN || type == CAP_IRQ || type == CAP_IOPORT ||
	       type == CAP_IOMEM;
}

#endif
