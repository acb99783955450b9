// SPDX-License-Identifier: MIT
/* Permissions as an unprivileged domain meets them. */
#include "../test.h"
#include "harness.h"

static struct conn *dom(uint32_t id)
{
	struct conn *c = client();

	become(c, id);
	return c;
}

TEST(perms_owner_default_and_acl)
{
	struct conn *d0, *d1, *d2;

	fresh();
	d0 = client();
	xs_write(d0, 0, "/p/x", "secret");
	d1 = dom(1);
	d2 = dom(2);
	/* n0: nobody but dom0. The parent hides existence too. */
	CHECK_STR(xs_read(d1, 0, "/p/x"), "EACCES");
	CHECK_STR(xs_read(d1, 0, "/p/nothere"), "EACCES");
	CHECK_STR(xs_result(reqv(d0, XS_SET_PERMS, 0, 3, "/p/x", "n0", "r1")),
		  "OK");
	CHECK_STR(xs_read(d1, 0, "/p/x"), "secret");
	CHECK_STR(xs_read(d2, 0, "/p/x"), "EACCES");
	CHECK_STR(xs_write(d1, 0, "/p/x", "mine"), "EACCES");
	/* Readable node, unreadable parent: reads work, perms shown. */
	CHECK_STR(xs_result(reqv(d1, XS_GET_PERMS, 0, 1, "/p/x")), "n0");
	CHECK_STR(xs_result(reqv(d0, XS_SET_PERMS, 0, 3, "/p/x", "r0", "w1")),
		  "OK");
	/* An ACL entry replaces the default for that domain. */
	CHECK_STR(xs_read(d1, 0, "/p/x"), "EACCES");
	CHECK_STR(xs_write(d1, 0, "/p/x", "w"), "OK");
	CHECK_STR(xs_read(d2, 0, "/p/x"), "w");
}

TEST(perms_enoent_vs_eacces)
{
	struct conn *d0, *d1;

	fresh();
	d0 = client();
	xs_write(d0, 0, "/pub", "");
	reqv(d0, XS_SET_PERMS, 0, 2, "/pub", "r0");
	d1 = dom(1);
	/* A readable parent lets the truth through. */
	CHECK_STR(xs_read(d1, 0, "/pub/none"), "ENOENT");
	/* Creating needs write on the closest existing parent. */
	CHECK_STR(xs_write(d1, 0, "/pub/new", "x"), "EACCES");
	reqv(d0, XS_SET_PERMS, 0, 2, "/pub", "b0");
	CHECK_STR(xs_write(d1, 0, "/pub/new/deep", "x"), "OK");
}

TEST(perms_inherited_and_owned_by_creator)
{
	struct conn *d0, *d1;

	fresh();
	d0 = client();
	xs_write(d0, 0, "/inh", "");
	reqv(d0, XS_SET_PERMS, 0, 3, "/inh", "w0", "r7");
	/* dom0 creates: exact copy of the parent's permissions. */
	xs_write(d0, 0, "/inh/a", "");
	CHECK_STR(xs_result(reqv(d0, XS_GET_PERMS, 0, 1, "/inh/a")), "w0");
	d1 = dom(3);
	/* An unprivileged creator becomes the owner, ACL kept. */
	CHECK_STR(xs_write(d1, 0, "/inh/b/c", "v"), "OK");
	CHECK_STR(xs_result(reqv(d0, XS_GET_PERMS, 0, 1, "/inh/b")), "w3");
	CHECK_STR(xs_result(reqv(d0, XS_GET_PERMS, 0, 1, "/inh/b/c")), "w3");
}

TEST(perms_set_perms_rules)
{
	struct conn *d0, *d1;

	fresh();
	d0 = client();
	xs_write(d0, 0, "/local/domain/4/x", "");
	reqv(d0, XS_SET_PERMS, 0, 2, "/local/domain/4/x", "n4");
	d1 = dom(4);
	/* Owner may change the ACL but not give the node away. */
	CHECK_STR(xs_result(reqv(d1, XS_SET_PERMS, 0, 3, "x", "n4", "r5")),
		  "OK");
	CHECK_STR(xs_result(reqv(d1, XS_SET_PERMS, 0, 2, "x", "n5")), "EPERM");
	CHECK_STR(xs_result(reqv(d1, XS_SET_PERMS, 0, 2, "x", "q4")), "EINVAL");
	CHECK_STR(xs_result(reqv(d1, XS_SET_PERMS, 0, 2, "x", "r")), "EINVAL");
	CHECK_STR(xs_result(reqv(d1, XS_SET_PERMS, 0, 1, "x")), "EINVAL");
	/* Unprivileged: at most 5 entries. */
	CHECK_STR(xs_result(reqv(d1, XS_SET_PERMS, 0, 7, "x", "n4", "r1", "r2",
				 "r3", "r5", "r6")),
		  "ENOSPC");
	/* Not owner: no. */
	reqv(d0, XS_SET_PERMS, 0, 3, "/local/domain/4/x", "n0", "b4");
	CHECK_STR(xs_result(reqv(d1, XS_SET_PERMS, 0, 2, "x", "n4")), "EACCES");
}

TEST(perms_privileged_ops_refused)
{
	struct conn *d1;

	fresh();
	d1 = dom(9);
	CHECK_STR(xs_result(reqv(d1, XS_INTRODUCE, 0, 3, "5", "0", "1")),
		  "EACCES");
	CHECK_STR(xs_result(reqv(d1, XS_RELEASE, 0, 1, "5")), "EACCES");
	CHECK_STR(xs_result(reqv(d1, XS_CONTROL, 0, 1, "help")), "EACCES");
	CHECK_STR(xs_result(reqv(d1, XS_IS_DOMAIN_INTRODUCED, 0, 1, "0")),
		  "EACCES");
	CHECK_STR(xs_result(reqv(d1, XS_SET_TARGET, 0, 2, "5", "6")), "EACCES");
	CHECK_STR(xs_result(reqv(d1, XS_GET_DOMAIN_PATH, 0, 1, "9")),
		  "/local/domain/9");
}

TEST(perms_set_target_delegates)
{
	struct conn *d0, *stub;

	fresh();
	d0 = client();
	CHECK_STR(xs_result(reqv(d0, XS_INTRODUCE, 0, 3, "5", "0", "1")), "OK");
	CHECK_STR(xs_result(reqv(d0, XS_INTRODUCE, 0, 3, "6", "0", "1")), "OK");
	xs_write(d0, 0, "/local/domain/6/data", "guest");
	reqv(d0, XS_SET_PERMS, 0, 2, "/local/domain/6/data", "n6");
	stub = dom(5);
	CHECK_STR(xs_read(stub, 0, "/local/domain/6/data"), "EACCES");
	CHECK_STR(xs_result(reqv(d0, XS_SET_TARGET, 0, 2, "5", "6")), "OK");
	/* The stub domain now acts as its target's owner. */
	CHECK_STR(xs_read(stub, 0, "/local/domain/6/data"), "guest");
	CHECK_STR(xs_write(stub, 0, "/local/domain/6/data", "s"), "OK");
	CHECK_STR(xs_result(reqv(d0, XS_SET_TARGET, 0, 2, "5", "77")),
		  "ENOENT");
	CHECK_STR(xs_result(reqv(d0, XS_SET_TARGET, 0, 1, "5")), "EINVAL");
}
