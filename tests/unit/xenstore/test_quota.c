// SPDX-License-Identifier: MIT
/* Quotas bind unprivileged domains, with Xen's limits and errors. */
#include "../test.h"
#include "harness.h"

static struct conn *guest(uint32_t id)
{
	struct conn *d0 = client(), *g = client();
	char home[64], perm[16];

	snprintf(home, sizeof(home), "/local/domain/%u", id);
	snprintf(perm, sizeof(perm), "n%u", id);
	xs_result(reqv(d0, XS_MKDIR, 0, 1, home));
	xs_result(reqv(d0, XS_SET_PERMS, 0, 2, home, perm));
	become(g, id);
	return g;
}

TEST(quota_node_count)
{
	char name[32];
	struct conn *g;
	int ok = 0;

	fresh();
	g = guest(11);
	/* Room for 1000 children in one directory's record. */
	xs_result(reqv(client(), XS_CONTROL, 0, 4, "quota", "set", "node-size",
		       "100000"));
	/* The home directory it owns counts too: 1000 in all. */
	for (int i = 0; i < 1100; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		if (strcmp(xs_write(g, 0, name, ""), "OK"))
			break;
		ok++;
	}
	CHECK_EQ(ok, 999);
	CHECK_STR(xs_write(g, 0, "more", ""), "ENOSPC");
	/* Overwriting existing nodes is still fine. */
	CHECK_STR(xs_write(g, 0, "n1", "v"), "OK");
	xs_result(reqv(g, XS_RM, 0, 1, "n1"));
	CHECK_STR(xs_write(g, 0, "more", ""), "OK");
}

TEST(quota_node_size_counts_the_child_list)
{
	char name[32];
	struct conn *g;
	int ok = 0;

	fresh();
	g = guest(18);
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		if (strcmp(xs_write(g, 0, name, ""), "OK"))
			break;
		ok++;
	}
	/*
	 * The home's record: 24 + 8 (one perm) + its child names. n0..n424
	 * take 2015 bytes; one more name reaches 2048.
	 */
	CHECK_EQ(ok, 425);
}

TEST(quota_node_size)
{
	static char big[3000];
	struct conn *g, *d0;

	fresh();
	g = guest(12);
	memset(big, 'x', 2016);
	big[2016] = '\0';
	/* 2016 bytes + 24 header + 8 for one perm reach 2048. */
	CHECK_STR(xs_write(g, 0, "big", big), "ENOSPC");
	big[2015] = '\0';
	CHECK_STR(xs_write(g, 0, "big", big), "OK");
	d0 = client();
	memset(big, 'y', 2999);
	big[2999] = '\0';
	CHECK_STR(xs_write(d0, 0, "/dom0big", big), "OK");
}

TEST(quota_watches)
{
	char tok[16];
	struct conn *g;
	int ok = 0;

	fresh();
	g = guest(13);
	for (int i = 0; i < 200; i++) {
		snprintf(tok, sizeof(tok), "t%d", i);
		if (strcmp(xs_result(reqv(g, XS_WATCH, 0, 2, "w", tok)), "OK"))
			break;
		ok++;
		while (events_pending(g))
			free(next_event(g));
	}
	/* Xen checks "more than 128 already": the 130th fails. */
	CHECK_EQ(ok, 129);
	CHECK_STR(xs_result(reqv(g, XS_WATCH, 0, 2, "w", "x")), "E2BIG");
}

TEST(quota_transactions)
{
	struct conn *g;
	int ok = 0;

	fresh();
	g = guest(14);
	for (int i = 0; i < 20; i++) {
		struct msg *m = reqv(g, XS_TRANSACTION_START, 0, 1, "");

		if (err_of(m)) {
			CHECK_STR(err_of(m), "ENOSPC");
			free(m);
			break;
		}
		free(m);
		ok++;
	}
	CHECK_EQ(ok, 11);
}

TEST(quota_path_length)
{
	char path[3000];
	struct conn *g;

	fresh();
	g = guest(15);
	memset(path, 'a', sizeof(path));
	path[1000] = '/';
	path[2048] = '\0';
	/* Relative part at most 2048 characters. */
	CHECK_STR(xs_write(g, 0, path, ""), "OK");
	path[2048] = 'a';
	path[2049] = '\0';
	CHECK_STR(xs_write(g, 0, path, ""), "EINVAL");
}

TEST(quota_control_set_and_query)
{
	struct conn *d0, *g;
	const char *r;

	fresh();
	d0 = client();
	CHECK_STR(xs_result(reqv(d0, XS_CONTROL, 0, 4, "quota", "set", "nodes",
				 "3")),
		  "OK");
	CHECK_STR(xs_result(reqv(d0, XS_CONTROL, 0, 4, "quota", "set", "nodes",
				 "0")),
		  "EINVAL");
	CHECK_STR(xs_result(reqv(d0, XS_CONTROL, 0, 4, "quota", "set", "bogus",
				 "5")),
		  "EINVAL");
	g = guest(16);
	CHECK_STR(xs_write(g, 0, "a", ""), "OK");
	CHECK_STR(xs_write(g, 0, "b", ""), "OK");
	CHECK_STR(xs_write(g, 0, "c", ""), "ENOSPC");
	r = xs_result(reqv(d0, XS_CONTROL, 0, 2, "quota", "16"));
	CHECK(strstr(r, "Domain 16:\n") == r);
	CHECK(strstr(r, "nodes           :        3\n") != NULL);
	CHECK_STR(xs_result(reqv(d0, XS_CONTROL, 0, 2, "quota", "999")),
		  "ENOENT");
	r = xs_result(reqv(d0, XS_CONTROL, 0, 1, "quota"));
	CHECK(strstr(r, "nodes            :        3 Nodes per domain\n"));
}

TEST(quota_outstanding_stops_reading)
{
	struct conn *g;

	fresh();
	g = guest(17);
	/* 20 undelivered replies: an unprivileged client is not read. */
	g->out_count = 20;
	CHECK(!conn_can_read(g));
	g->out_count = 19;
	CHECK(conn_can_read(g));
	g->out_count = 0;
	g->out_bytes = OUT_SOFT_LIMIT;
	CHECK(!conn_can_read(g));
	g->out_bytes = 0;
}
