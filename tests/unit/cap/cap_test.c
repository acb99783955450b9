/* SPDX-License-Identifier: MIT */
/* Host tests for hyp/common/cap.c. */
#include <lamina/cap.h>
#include <xen/errno.h>

#include "../test.h"

#define NSLOTS 8

struct world {
	struct cap_slot ctrl_slots[NSLOTS], a_slots[NSLOTS], b_slots[NSLOTS];
	struct cspace ctrl, a, b;
};

static void world_init(struct world *w)
{
	cspace_init(&w->ctrl, w->ctrl_slots, NSLOTS);
	cspace_init(&w->a, w->a_slots, NSLOTS);
	cspace_init(&w->b, w->b_slots, NSLOTS);
}

static int root_domain(struct world *w)
{
	return cap_create_root(&w->ctrl, CAP_SLOT_ANY, CAP_DOMAIN,
			       CAP_RIGHTS_ALL & cap_valid_rights(CAP_DOMAIN), 0,
			       CAP_DOMID_LIMIT);
}

static int slot_type(struct cspace *cs, uint32_t slot)
{
	struct cap c;

	if (cap_read(cs, slot, &c))
		return -1;
	return c.type;
}

TEST(root_caps_validate_arguments)
{
	struct world w;

	world_init(&w);
	CHECK_EQ(root_domain(&w), 0);
	/* A right the type does not have. */
	CHECK_EQ(cap_create_root(&w.ctrl, 1, CAP_IOPORT, CAP_RIGHT_DESTROY, 0,
				 16),
		 -XEN_EINVAL);
	/* No rights at all. */
	CHECK_EQ(cap_create_root(&w.ctrl, 1, CAP_SYSCTL, 0, 0, 0), -XEN_EINVAL);
	/* Range past the limit, empty range, wrapping range. */
	CHECK_EQ(cap_create_root(&w.ctrl, 1, CAP_IOPORT, CAP_RIGHT_CONTROL,
				 0xfff0, 0x20),
		 -XEN_EINVAL);
	CHECK_EQ(cap_create_root(&w.ctrl, 1, CAP_IOPORT, CAP_RIGHT_CONTROL, 0,
				 0),
		 -XEN_EINVAL);
	CHECK_EQ(cap_create_root(&w.ctrl, 1, CAP_IOMEM, CAP_RIGHT_MAP,
				 UINT64_MAX, 2),
		 -XEN_EINVAL);
	/* Global types carry no object. */
	CHECK_EQ(cap_create_root(&w.ctrl, 1, CAP_TIME, CAP_RIGHT_CONTROL, 1, 0),
		 -XEN_EINVAL);
	/* Bad type, bad slot, occupied slot. */
	CHECK_EQ(cap_create_root(&w.ctrl, 1, CAP_TYPE_COUNT, 1, 0, 0),
		 -XEN_EINVAL);
	CHECK_EQ(cap_create_root(&w.ctrl, NSLOTS, CAP_TIME, CAP_RIGHT_QUERY, 0,
				 0),
		 -XEN_EINVAL);
	CHECK_EQ(cap_create_root(&w.ctrl, 0, CAP_TIME, CAP_RIGHT_QUERY, 0, 0),
		 -XEN_EEXIST);
	/* Nothing but the first root was installed. */
	for (uint32_t i = 1; i < NSLOTS; i++)
		CHECK_EQ(slot_type(&w.ctrl, i), CAP_NULL);
}

TEST(mint_narrower_rights_works_wider_refused)
{
	struct world w;
	int root, child;

	world_init(&w);
	root = root_domain(&w);
	child = cap_mint(&w.ctrl, root, &w.a, CAP_SLOT_ANY,
			 CAP_RIGHT_QUERY | CAP_RIGHT_DELEGATE, 5, 1);
	CHECK_EQ(child, 0);
	CHECK_EQ(cap_check_domain(&w.a, 5, CAP_RIGHT_QUERY), 0);
	CHECK_EQ(cap_check_domain(&w.a, 5, CAP_RIGHT_CONTROL), -XEN_EPERM);
	/* From the narrower child, a wider grandchild is refused. */
	CHECK_EQ(cap_mint(&w.a, child, &w.b, CAP_SLOT_ANY,
			  CAP_RIGHT_QUERY | CAP_RIGHT_CONTROL, 5, 1),
		 -XEN_EPERM);
	CHECK_EQ(slot_type(&w.b, 0), CAP_NULL);
	/* An equal or narrower one is fine. */
	CHECK_EQ(cap_mint(&w.a, child, &w.b, 3, CAP_RIGHT_QUERY, 5, 1), 3);
}

TEST(delegate_right_required_to_derive)
{
	struct world w;
	int root, child;

	world_init(&w);
	root = root_domain(&w);
	child = cap_mint(&w.ctrl, root, &w.a, CAP_SLOT_ANY,
			 CAP_RIGHT_QUERY | CAP_RIGHT_CONTROL, 7, 1);
	CHECK(child >= 0);
	CHECK_EQ(cap_copy(&w.a, child, &w.b, CAP_SLOT_ANY), -XEN_EPERM);
	CHECK_EQ(cap_mint(&w.a, child, &w.a, CAP_SLOT_ANY, CAP_RIGHT_QUERY, 7,
			  1),
		 -XEN_EPERM);
}

TEST(mint_sub_range_works_out_of_range_refused)
{
	struct world w;
	int io, child;

	world_init(&w);
	io = cap_create_root(&w.ctrl, CAP_SLOT_ANY, CAP_IOPORT,
			     CAP_RIGHT_CONTROL | CAP_RIGHT_DELEGATE, 0x3f8, 8);
	CHECK_EQ(io, 0);
	child = cap_mint(&w.ctrl, io, &w.a, CAP_SLOT_ANY, CAP_RIGHT_CONTROL,
			 0x3fa, 4);
	CHECK_EQ(child, 0);
	CHECK_EQ(cap_check(&w.a, CAP_IOPORT, 0x3fa, 4, CAP_RIGHT_CONTROL), 0);
	CHECK_EQ(cap_check(&w.a, CAP_IOPORT, 0x3fd, 1, CAP_RIGHT_CONTROL), 0);
	CHECK_EQ(cap_check(&w.a, CAP_IOPORT, 0x3f8, 1, CAP_RIGHT_CONTROL),
		 -XEN_EPERM);
	CHECK_EQ(cap_check(&w.a, CAP_IOPORT, 0x3fd, 2, CAP_RIGHT_CONTROL),
		 -XEN_EPERM);
	/* Starting below, ending above, exactly past the end, wrapping. */
	CHECK_EQ(cap_mint(&w.ctrl, io, &w.b, 0, CAP_RIGHT_CONTROL, 0x3f7, 2),
		 -XEN_EPERM);
	CHECK_EQ(cap_mint(&w.ctrl, io, &w.b, 0, CAP_RIGHT_CONTROL, 0x3ff, 2),
		 -XEN_EPERM);
	CHECK_EQ(cap_mint(&w.ctrl, io, &w.b, 0, CAP_RIGHT_CONTROL, 0x400, 1),
		 -XEN_EPERM);
	CHECK_EQ(cap_mint(&w.ctrl, io, &w.b, 0, CAP_RIGHT_CONTROL, 0x3f8, 0),
		 -XEN_EINVAL);
	CHECK_EQ(slot_type(&w.b, 0), CAP_NULL);
	/* The whole range is allowed. */
	CHECK_EQ(cap_mint(&w.ctrl, io, &w.b, 0, CAP_RIGHT_CONTROL, 0x3f8, 8),
		 0);
}

TEST(iomem_ranges_near_the_top)
{
	struct world w;
	int mem;
	uint64_t top = CAP_IOMEM_LIMIT;

	world_init(&w);
	mem = cap_create_root(&w.ctrl, 0, CAP_IOMEM,
			      CAP_RIGHT_MAP | CAP_RIGHT_DELEGATE, top - 16, 16);
	CHECK_EQ(mem, 0);
	CHECK_EQ(cap_check(&w.ctrl, CAP_IOMEM, top - 1, 1, CAP_RIGHT_MAP), 0);
	CHECK_EQ(cap_check(&w.ctrl, CAP_IOMEM, top - 1, 2, CAP_RIGHT_MAP),
		 -XEN_EPERM);
	CHECK_EQ(cap_check(&w.ctrl, CAP_IOMEM, UINT64_MAX, 2, CAP_RIGHT_MAP),
		 -XEN_EINVAL);
	CHECK_EQ(cap_check(&w.ctrl, CAP_IOMEM, top - 16, 0, CAP_RIGHT_MAP),
		 -XEN_EINVAL);
	CHECK_EQ(cap_mint(&w.ctrl, mem, &w.a, 0, CAP_RIGHT_MAP, top - 1,
			  UINT64_MAX),
		 -XEN_EINVAL);
}

TEST(revoke_parent_removes_grandchildren_in_other_cspaces)
{
	struct world w;
	int root, mid, leaf_b, leaf_ctrl;
	const uint32_t r = CAP_RIGHT_QUERY | CAP_RIGHT_DELEGATE;

	world_init(&w);
	root = root_domain(&w);
	mid = cap_mint(&w.ctrl, root, &w.a, CAP_SLOT_ANY, r, 10, 5);
	leaf_b = cap_mint(&w.a, mid, &w.b, 4, CAP_RIGHT_QUERY, 12, 1);
	leaf_ctrl = cap_copy(&w.a, mid, &w.ctrl, CAP_SLOT_ANY);
	CHECK(mid >= 0 && leaf_b == 4 && leaf_ctrl > root);
	CHECK_EQ(cap_check_domain(&w.b, 12, CAP_RIGHT_QUERY), 0);

	CHECK_EQ(cap_revoke(&w.ctrl, root), 0);
	CHECK_EQ(slot_type(&w.a, mid), CAP_NULL);
	CHECK_EQ(slot_type(&w.b, leaf_b), CAP_NULL);
	CHECK_EQ(slot_type(&w.ctrl, leaf_ctrl), CAP_NULL);
	CHECK_EQ(cap_check_domain(&w.b, 12, CAP_RIGHT_QUERY), -XEN_EPERM);
	/* Revoke keeps the capability itself. */
	CHECK_EQ(slot_type(&w.ctrl, root), CAP_DOMAIN);
	CHECK_EQ(cap_check_domain(&w.ctrl, 12, CAP_RIGHT_DESTROY), 0);
}

TEST(delete_leaf_keeps_siblings_and_parent)
{
	struct world w;
	int root, s1, s2, s3;

	world_init(&w);
	root = root_domain(&w);
	s1 = cap_mint(&w.ctrl, root, &w.a, 0, CAP_RIGHT_QUERY, 1, 1);
	s2 = cap_mint(&w.ctrl, root, &w.a, 1, CAP_RIGHT_QUERY, 2, 1);
	s3 = cap_mint(&w.ctrl, root, &w.b, 0, CAP_RIGHT_QUERY, 3, 1);
	CHECK(s1 == 0 && s2 == 1 && s3 == 0);
	/* Middle of the sibling list (s2 was linked between s3 and s1). */
	CHECK_EQ(cap_delete(&w.a, s2), 0);
	CHECK_EQ(slot_type(&w.a, s1), CAP_DOMAIN);
	CHECK_EQ(slot_type(&w.b, s3), CAP_DOMAIN);
	CHECK_EQ(slot_type(&w.ctrl, root), CAP_DOMAIN);
	CHECK_EQ(cap_check_domain(&w.a, 1, CAP_RIGHT_QUERY), 0);
	CHECK_EQ(cap_check_domain(&w.a, 2, CAP_RIGHT_QUERY), -XEN_EPERM);
	/* The tree is still whole: revoking the root reaches both. */
	CHECK_EQ(cap_revoke(&w.ctrl, root), 0);
	CHECK_EQ(slot_type(&w.a, s1), CAP_NULL);
	CHECK_EQ(slot_type(&w.b, s3), CAP_NULL);
	/* Deleting an empty slot or a bad index. */
	CHECK_EQ(cap_delete(&w.a, s2), -XEN_ENOENT);
	CHECK_EQ(cap_delete(&w.a, NSLOTS), -XEN_EINVAL);
}

TEST(delete_revokes_descendants)
{
	struct world w;
	int root, mid, leaf;

	world_init(&w);
	root = root_domain(&w);
	mid = cap_mint(&w.ctrl, root, &w.a, 0,
		       CAP_RIGHT_QUERY | CAP_RIGHT_DELEGATE, 9, 1);
	leaf = cap_copy(&w.a, mid, &w.b, 0);
	CHECK(mid == 0 && leaf == 0);
	CHECK_EQ(cap_delete(&w.a, mid), 0);
	CHECK_EQ(slot_type(&w.b, leaf), CAP_NULL);
	CHECK_EQ(slot_type(&w.ctrl, root), CAP_DOMAIN);
}

TEST(cspace_destroy_reaches_other_cspaces)
{
	struct world w;
	int root;

	world_init(&w);
	root = root_domain(&w);
	CHECK(cap_copy(&w.ctrl, root, &w.a, 0) == 0);
	CHECK(cap_copy(&w.a, 0, &w.b, 0) == 0);
	cspace_destroy(&w.ctrl);
	CHECK_EQ(slot_type(&w.a, 0), CAP_NULL);
	CHECK_EQ(slot_type(&w.b, 0), CAP_NULL);
}

TEST(deep_chain_revoke)
{
	enum { N = 64 };
	struct cap_slot slots[N];
	struct cspace cs;

	cspace_init(&cs, slots, N);
	CHECK_EQ(cap_create_root(&cs, 0, CAP_SYSCTL,
				 CAP_RIGHT_QUERY | CAP_RIGHT_DELEGATE, 0, 0),
		 0);
	for (uint32_t i = 1; i < N; i++)
		CHECK_EQ(cap_copy(&cs, i - 1, &cs, i), (int)i);
	CHECK_EQ(cap_copy(&cs, 0, &cs, CAP_SLOT_ANY), -XEN_ENOSPC);
	CHECK_EQ(cap_revoke(&cs, 0), 0);
	for (uint32_t i = 1; i < N; i++)
		CHECK_EQ(slot_type(&cs, i), CAP_NULL);
	CHECK_EQ(cap_check(&cs, CAP_SYSCTL, 0, 0, CAP_RIGHT_QUERY), 0);
}

TEST(exhausting_slots)
{
	struct world w;
	int root;

	world_init(&w);
	root = root_domain(&w);
	for (int i = 0; i < NSLOTS; i++)
		CHECK_EQ(cap_mint(&w.ctrl, root, &w.a, CAP_SLOT_ANY,
				  CAP_RIGHT_QUERY, (uint64_t)i, 1),
			 i);
	CHECK_EQ(cap_mint(&w.ctrl, root, &w.a, CAP_SLOT_ANY, CAP_RIGHT_QUERY,
			  100, 1),
		 -XEN_ENOSPC);
	CHECK_EQ(cap_copy(&w.ctrl, root, &w.a, 3), -XEN_EEXIST);
	/* Freeing one makes room again. */
	CHECK_EQ(cap_delete(&w.a, 5), 0);
	CHECK_EQ(cap_copy(&w.ctrl, root, &w.a, CAP_SLOT_ANY), 5);
}
