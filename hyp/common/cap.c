/* SPDX-License-Identifier: MIT */
/*
 * Capabilities: CSpaces, the derivation tree and the one privilege check.
 * See hyp/include/lamina/cap.h for the model and docs/capabilities.md for
 * which hypercall needs which capability.
 *
 * Each public operation first decodes (looks up slots, checks types,
 * rights, ranges and budgets) and only then invokes, and the invoke step
 * cannot fail.
 */
#include <stddef.h>

#include <lamina/cap.h>
#include <xen/errno.h>

static const uint8_t valid_rights[CAP_TYPE_COUNT] = {
	[CAP_DOMAIN] = CAP_RIGHT_QUERY | CAP_RIGHT_CONTROL | CAP_RIGHT_DESTROY |
		       CAP_RIGHT_MAP | CAP_RIGHT_DEBUG | CAP_RIGHT_DELEGATE,
	[CAP_DOMAIN_CREATE] = CAP_RIGHT_CONTROL | CAP_RIGHT_DELEGATE,
	[CAP_SYSCTL] = CAP_RIGHT_QUERY | CAP_RIGHT_CONTROL | CAP_RIGHT_DELEGATE,
	[CAP_CONSOLE_IO] = CAP_RIGHT_QUERY | CAP_RIGHT_CONTROL |
			   CAP_RIGHT_DELEGATE,
	[CAP_IRQ] = CAP_RIGHT_CONTROL | CAP_RIGHT_DELEGATE,
	[CAP_IOPORT] = CAP_RIGHT_CONTROL | CAP_RIGHT_DELEGATE,
	[CAP_IOMEM] = CAP_RIGHT_MAP | CAP_RIGHT_DELEGATE,
	[CAP_TIME] = CAP_RIGHT_QUERY | CAP_RIGHT_CONTROL | CAP_RIGHT_DELEGATE,
	[CAP_PHYSDEV] = CAP_RIGHT_QUERY | CAP_RIGHT_CONTROL |
			CAP_RIGHT_DELEGATE,
};

/* Exclusive upper bound of object numbers for each range type. */
static uint64_t range_limit(enum cap_type type)
{
	switch (type) {
	case CAP_DOMAIN:
		return CAP_DOMID_LIMIT;
	case CAP_IRQ:
		return 1u << 16; /* GSIs; far more than any IOAPIC set */
	case CAP_IOPORT:
		return CAP_IOPORT_LIMIT;
	case CAP_IOMEM:
		return CAP_IOMEM_LIMIT;
	default:
		return 0;
	}
}

uint32_t cap_valid_rights(enum cap_type type)
{
	if (type <= CAP_NULL || type >= CAP_TYPE_COUNT)
		return 0;
	return valid_rights[type];
}

void cspace_init(struct cspace *cs, struct cap_slot *slots, uint32_t nslots)
{
	cs->slots = slots;
	cs->nslots = nslots;
	for (uint32_t i = 0; i < nslots; i++)
		slots[i] = (struct cap_slot){ .cap.type = CAP_NULL };
}

/* Decode helpers. */

static struct cap_slot *slot_at(const struct cspace *cs, uint32_t slot)
{
	if (!cs || slot >= cs->nslots)
		return NULL;
	return &cs->slots[slot];
}

static struct cap_slot *full_slot(const struct cspace *cs, uint32_t slot,
				  int *err)
{
	struct cap_slot *s = slot_at(cs, slot);

	if (!s) {
		*err = -XEN_EINVAL;
		return NULL;
	}
	if (s->cap.type == CAP_NULL) {
		*err = -XEN_ENOENT;
		return NULL;
	}
	return s;
}

/* An empty destination: the given slot, or the first free one. */
static struct cap_slot *empty_slot(const struct cspace *cs, uint32_t slot,
				   int *err)
{
	if (!cs) {
		*err = -XEN_EINVAL;
		return NULL;
	}
	if (slot == CAP_SLOT_ANY) {
		for (uint32_t i = 0; i < cs->nslots; i++)
			if (cs->slots[i].cap.type == CAP_NULL)
				return &cs->slots[i];
		*err = -XEN_ENOSPC;
		return NULL;
	}
	if (slot >= cs->nslots) {
		*err = -XEN_EINVAL;
		return NULL;
	}
	if (cs->slots[slot].cap.type != CAP_NULL) {
		*err = -XEN_EEXIST;
		return NULL;
	}
	return &cs->slots[slot];
}

static int slot_index(const struct cspace *cs, const struct cap_slot *s)
{
	return (int)(s - cs->slots);
}

/* [base, base + count) is non-empty, does not wrap and is below limit. */
static bool range_ok(uint64_t base, uint64_t count, uint64_t limit)
{
	return count != 0 && base < limit && count <= limit - base;
}

static bool range_inside(const struct cap *outer, uint64_t base, uint64_t count)
{
	return base >= outer->base && base - outer->base < outer->count &&
	       count <= outer->count - (base - outer->base);
}

/* Is (type, rights, base, count) a well-formed capability? */
static int cap_validate(enum cap_type type, uint32_t rights, uint64_t base,
			uint64_t count)
{
	uint32_t valid = cap_valid_rights(type);

	if (!valid || !rights || (rights & ~valid))
		return -XEN_EINVAL;
	if (cap_type_is_range(type))
		return range_ok(base, count, range_limit(type)) ? 0 :
								  -XEN_EINVAL;
	if (type == CAP_DOMAIN_CREATE)
		return base == 0 ? 0 : -XEN_EINVAL;
	return base == 0 && count == 0 ? 0 : -XEN_EINVAL;
}

/* Invoke helpers: these cannot fail. */

static void link_child(struct cap_slot *parent, struct cap_slot *child)
{
	child->parent = parent;
	child->prev_sibling = NULL;
	child->next_sibling = parent->first_child;
	if (parent->first_child)
		parent->first_child->prev_sibling = child;
	parent->first_child = child;
}

static void install(struct cap_slot *dst, struct cap_slot *parent,
		    enum cap_type type, uint32_t rights, uint64_t base,
		    uint64_t count)
{
	*dst = (struct cap_slot){
		.cap = { .type = type,
			 .rights = rights,
			 .base = base,
			 .count = count },
	};
	if (parent)
		link_child(parent, dst);
}

/* Remove a slot with no children from the tree and empty it. */
static void delete_leaf(struct cap_slot *s)
{
	struct cap_slot *parent = s->parent;

	if (parent) {
		if (s->prev_sibling)
			s->prev_sibling->next_sibling = s->next_sibling;
		else
			parent->first_child = s->next_sibling;
		if (s->next_sibling)
			s->next_sibling->prev_sibling = s->prev_sibling;
		/* Unspent budget goes back where it came from. */
		if (s->cap.type == CAP_DOMAIN_CREATE)
			parent->cap.count += s->cap.count;
	}
	*s = (struct cap_slot){ .cap.type = CAP_NULL };
}

/*
 * Delete all descendants, deepest first, without recursion: the tree can
 * be as deep as there are slots and the hypervisor stack is small.
 */
static void revoke_subtree(struct cap_slot *s)
{
	while (s->first_child) {
		struct cap_slot *d = s->first_child;

		while (d->first_child)
			d = d->first_child;
		delete_leaf(d);
	}
}

/* Public operations. */

int cap_create_root(struct cspace *cs, uint32_t slot, enum cap_type type,
		    uint32_t rights, uint64_t base, uint64_t count)
{
	int err = cap_validate(type, rights, base, count);
	struct cap_slot *dst;

	if (err)
		return err;
	dst = empty_slot(cs, slot, &err);
	if (!dst)
		return err;

	install(dst, NULL, type, rights, base, count);
	return slot_index(cs, dst);
}

int cap_mint(struct cspace *src, uint32_t src_slot, struct cspace *dst,
	     uint32_t dst_slot, uint32_t rights, uint64_t base, uint64_t count)
{
	int err = 0;
	struct cap_slot *from = full_slot(src, src_slot, &err);
	struct cap_slot *to;
	enum cap_type type;

	if (!from)
		return err;
	type = from->cap.type;
	err = cap_validate(type, rights, base, count);
	if (err)
		return err;
	if (!(from->cap.rights & CAP_RIGHT_DELEGATE))
		return -XEN_EPERM;
	if (rights & ~from->cap.rights)
		return -XEN_EPERM;
	if (cap_type_is_range(type) && !range_inside(&from->cap, base, count))
		return -XEN_EPERM;
	if (type == CAP_DOMAIN_CREATE && count > from->cap.count)
		return -XEN_EPERM;
	to = empty_slot(dst, dst_slot, &err);
	if (!to)
		return err;

	if (type == CAP_DOMAIN_CREATE)
		from->cap.count -= count;
	install(to, from, type, rights, base, count);
	return slot_index(dst, to);
}

int cap_copy(struct cspace *src, uint32_t src_slot, struct cspace *dst,
	     uint32_t dst_slot)
{
	int err = 0;
	struct cap_slot *from = full_slot(src, src_slot, &err);

	if (!from)
		return err;
	if (from->cap.type == CAP_DOMAIN_CREATE)
		return -XEN_EINVAL;
	return cap_mint(src, src_slot, dst, dst_slot, from->cap.rights,
			from->cap.base, from->cap.count);
}

int cap_revoke(struct cspace *cs, uint32_t slot)
{
	int err = 0;
	struct cap_slot *s = full_slot(cs, slot, &err);

	if (!s)
		return err;
	revoke_subtree(s);
	return 0;
}

int cap_delete(struct cspace *cs, uint32_t slot)
{
	int err = 0;
	struct cap_slot *s = full_slot(cs, slot, &err);

	if (!s)
		return err;
	revoke_subtree(s);
	delete_leaf(s);
	return 0;
}

void cspace_destroy(struct cspace *cs)
{
	for (uint32_t i = 0; i < cs->nslots; i++)
		if (cs->slots[i].cap.type != CAP_NULL)
			cap_delete(cs, i);
}

int cap_read(const struct cspace *cs, uint32_t slot, struct cap *out)
{
	const struct cap_slot *s = slot_at(cs, slot);

	if (!s)
		return -XEN_EINVAL;
	*out = s->cap;
	return 0;
}

static bool cap_grants(const struct cap *c, enum cap_type type, uint64_t base,
		       uint64_t count, uint32_t rights)
{
	if (c->type != type || (rights & ~c->rights))
		return false;
	if (cap_type_is_range(type))
		return range_inside(c, base, count);
	if (type == CAP_DOMAIN_CREATE)
		return count <= c->count;
	return true;
}

int cap_lookup(const struct cspace *cs, enum cap_type type, uint64_t base,
	       uint64_t count, uint32_t rights)
{
	uint32_t valid = cap_valid_rights(type);

	if (!cs || !valid || !rights || (rights & ~valid))
		return -XEN_EINVAL;
	if (cap_type_is_range(type) && !range_ok(base, count, UINT64_MAX))
		return -XEN_EINVAL;
	if (type == CAP_DOMAIN_CREATE && base)
		return -XEN_EINVAL;
	if (!cap_type_is_range(type) && type != CAP_DOMAIN_CREATE &&
	    (base || count))
		return -XEN_EINVAL;

	for (uint32_t i = 0; i < cs->nslots; i++)
		if (cap_grants(&cs->slots[i].cap, type, base, count, rights))
			return (int)i;
	return -XEN_EPERM;
}

int cap_check(const struct cspace *cs, enum cap_type type, uint64_t base,
	      uint64_t count, uint32_t rights)
{
	int r = cap_lookup(cs, type, base, count, rights);

	return r < 0 ? r : 0;
}

int cap_budget_charge(struct cspace *cs, uint32_t slot, uint64_t pages)
{
	int err = 0;
	struct cap_slot *s = full_slot(cs, slot, &err);

	if (!s)
		return err;
	if (s->cap.type != CAP_DOMAIN_CREATE ||
	    !(s->cap.rights & CAP_RIGHT_CONTROL))
		return -XEN_EPERM;
	if (pages > s->cap.count)
		return -XEN_ENOMEM;
	s->cap.count -= pages;
	s->spent += pages;
	return 0;
}

int cap_budget_refund(struct cspace *cs, uint32_t slot, uint64_t pages)
{
	int err = 0;
	struct cap_slot *s = full_slot(cs, slot, &err);

	if (!s)
		return err;
	if (s->cap.type != CAP_DOMAIN_CREATE)
		return -XEN_EINVAL;
	if (pages > s->spent)
		return -XEN_EINVAL;
	s->spent -= pages;
	s->cap.count += pages;
	return 0;
}
