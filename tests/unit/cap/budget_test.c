/* SPDX-License-Identifier: MIT */
/* DOMAIN_CREATE budgets and the per-type checks. */
#include <lamina/cap.h>
#include <xen/errno.h>

#include "../test.h"

static uint64_t budget(struct cspace *cs, uint32_t slot)
{
	struct cap c;

	cap_read(cs, slot, &c);
	return c.count;
}

TEST(budget_split_not_inflated)
{
	struct cap_slot s1[4], s2[4];
	struct cspace ctrl, a;
	int root, part;
	const uint32_t r = CAP_RIGHT_CONTROL | CAP_RIGHT_DELEGATE;

	cspace_init(&ctrl, s1, 4);
	cspace_init(&a, s2, 4);
	root = cap_create_root(&ctrl, 0, CAP_DOMAIN_CREATE, r, 0, 1000);
	CHECK_EQ(root, 0);
	part = cap_mint(&ctrl, root, &a, 0, r, 0, 400);
	CHECK_EQ(part, 0);
	CHECK_EQ(budget(&ctrl, root), 600);
	CHECK_EQ(budget(&a, part), 400);
	/* More than is left, from either side, is refused unchanged. */
	CHECK_EQ(cap_mint(&ctrl, root, &a, 1, r, 0, 601), -XEN_EPERM);
	CHECK_EQ(cap_mint(&a, part, &a, 1, r, 0, 401), -XEN_EPERM);
	CHECK_EQ(budget(&ctrl, root), 600);
	/* Copying would double the budget. */
	CHECK_EQ(cap_copy(&ctrl, root, &a, 1), -XEN_EINVAL);
	/* Checks see the remaining budget. */
	CHECK_EQ(cap_check(&a, CAP_DOMAIN_CREATE, 0, 400, CAP_RIGHT_CONTROL),
		 0);
	CHECK_EQ(cap_check(&a, CAP_DOMAIN_CREATE, 0, 401, CAP_RIGHT_CONTROL),
		 -XEN_EPERM);
	/* Deleting the part gives the pages back. */
	CHECK_EQ(cap_delete(&a, part), 0);
	CHECK_EQ(budget(&ctrl, root), 1000);
}

TEST(budget_charge_and_refund)
{
	struct cap_slot s1[4], s2[4];
	struct cspace ctrl, a;
	int root, part, grand;
	const uint32_t r = CAP_RIGHT_CONTROL | CAP_RIGHT_DELEGATE;

	cspace_init(&ctrl, s1, 4);
	cspace_init(&a, s2, 4);
	root = cap_create_root(&ctrl, 0, CAP_DOMAIN_CREATE, r, 0, 100);
	part = cap_mint(&ctrl, root, &a, 0, r, 0, 60);
	grand = cap_mint(&a, part, &a, 1, CAP_RIGHT_CONTROL, 0, 20);
	CHECK(root == 0 && part == 0 && grand == 1);
	CHECK_EQ(cap_budget_charge(&a, part, 30), 0);
	CHECK_EQ(budget(&a, part), 10);
	CHECK_EQ(cap_budget_charge(&a, part, 11), -XEN_ENOMEM);
	CHECK_EQ(cap_budget_refund(&a, part, 31), -XEN_EINVAL);
	CHECK_EQ(cap_budget_refund(&a, part, 5), 0);
	CHECK_EQ(budget(&a, part), 15);
	/* Revoking the part returns the grandchild's unspent 20. */
	CHECK_EQ(cap_revoke(&a, part), 0);
	CHECK_EQ(budget(&a, part), 35);
	/* Deleting it returns what is unspent; 25 are still spent. */
	CHECK_EQ(cap_delete(&a, part), 0);
	CHECK_EQ(budget(&ctrl, root), 75);
	/* Charging needs CONTROL on a DOMAIN_CREATE cap. */
	CHECK_EQ(cap_create_root(&a, 2, CAP_SYSCTL, CAP_RIGHT_QUERY, 0, 0), 2);
	CHECK_EQ(cap_budget_charge(&a, 2, 1), -XEN_EPERM);
}

struct type_case {
	enum cap_type type;
	uint32_t right;
	uint64_t base, count; /* root object */
	uint64_t in_base, in_count; /* a query inside it */
	uint64_t out_base; /* a query outside it (range types) */
};

static const struct type_case cases[] = {
	{ CAP_DOMAIN, CAP_RIGHT_DEBUG, 1, 3, 2, 1, 4 },
	{ CAP_DOMAIN_CREATE, CAP_RIGHT_CONTROL, 0, 64, 0, 64, 0 },
	{ CAP_SYSCTL, CAP_RIGHT_QUERY, 0, 0, 0, 0, 0 },
	{ CAP_CONSOLE_IO, CAP_RIGHT_CONTROL, 0, 0, 0, 0, 0 },
	{ CAP_IRQ, CAP_RIGHT_CONTROL, 16, 8, 23, 1, 24 },
	{ CAP_IOPORT, CAP_RIGHT_CONTROL, 0x60, 5, 0x60, 5, 0x5f },
	{ CAP_IOMEM, CAP_RIGHT_MAP, 0xfee00, 1, 0xfee00, 1, 0xfee01 },
	{ CAP_TIME, CAP_RIGHT_CONTROL, 0, 0, 0, 0, 0 },
	{ CAP_PHYSDEV, CAP_RIGHT_QUERY, 0, 0, 0, 0, 0 },
};

TEST(check_each_type)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct type_case *t = &cases[i];
		struct cap_slot slots[2];
		struct cspace cs;

		cspace_init(&cs, slots, 2);
		/* Nothing held: refused. */
		CHECK_EQ(cap_check(&cs, t->type, t->in_base, t->in_count,
				   t->right),
			 -XEN_EPERM);
		CHECK_EQ(cap_create_root(&cs, 0, t->type, t->right, t->base,
					 t->count),
			 0);
		CHECK_EQ(cap_check(&cs, t->type, t->in_base, t->in_count,
				   t->right),
			 0);
		/* Right not held (DELEGATE is valid for every type). */
		CHECK_EQ(cap_check(&cs, t->type, t->in_base, t->in_count,
				   CAP_RIGHT_DELEGATE),
			 -XEN_EPERM);
		if (cap_type_is_range(t->type))
			CHECK_EQ(cap_check(&cs, t->type, t->out_base, 1,
					   t->right),
				 -XEN_EPERM);
		/* A different type is never a match. */
		for (int o = CAP_NULL + 1; o < CAP_TYPE_COUNT; o++)
			if (o != (int)t->type &&
			    (cap_valid_rights(o) & t->right))
				CHECK(cap_check(&cs, o, 0,
						cap_type_is_range(o) ? 1 : 0,
						t->right) != 0);
	}
}

TEST(check_rejects_malformed_queries)
{
	struct cap_slot slots[1];
	struct cspace cs;

	cspace_init(&cs, slots, 1);
	cap_create_root(&cs, 0, CAP_SYSCTL, CAP_RIGHT_QUERY, 0, 0);
	CHECK_EQ(cap_check(&cs, CAP_SYSCTL, 1, 0, CAP_RIGHT_QUERY),
		 -XEN_EINVAL);
	CHECK_EQ(cap_check(&cs, CAP_SYSCTL, 0, 0, 0), -XEN_EINVAL);
	CHECK_EQ(cap_check(&cs, CAP_SYSCTL, 0, 0, CAP_RIGHT_DESTROY),
		 -XEN_EINVAL);
	CHECK_EQ(cap_check(&cs, CAP_NULL, 0, 0, CAP_RIGHT_QUERY), -XEN_EINVAL);
	CHECK_EQ(cap_check(&cs, CAP_TYPE_COUNT, 0, 0, 1), -XEN_EINVAL);
	CHECK_EQ(cap_check(NULL, CAP_SYSCTL, 0, 0, CAP_RIGHT_QUERY),
		 -XEN_EINVAL);
	CHECK_EQ(cap_lookup(&cs, CAP_SYSCTL, 0, 0, CAP_RIGHT_QUERY), 0);
}
