// SPDX-License-Identifier: MIT
/* Quotas bind unprivileged domains, with Xen's limits and errors. */
#include "../test.h"
#include "harness.h"

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
	/* Exactly the quota, 128; the 129th gets Xen's E2BIG. */
	CHECK_EQ(ok, 128);
	CHECK_STR(xs_result(reqv(g, XS_WATCH, 0, 2, "w", "x")), "E2BIG");
	CHECK_STR(xs_result(reqv(g, XS_UNWATCH, 0, 2, "w", "t0")), "OK");
	CHECK_STR(xs_result(reqv(g, XS_WATCH, 0, 2, "w", "x")), "OK");
	while (events_pending(g))
		free(next_event(g));
}

TEST(quota_transactions)
{
	struct conn *g;
	struct msg *m;
	uint32_t first = 0;
	int ok = 0;

	fresh();
	g = guest(14);
	for (int i = 0; i < 20; i++) {
		m = reqv(g, XS_TRANSACTION_START, 0, 1, "");
		if (err_of(m)) {
			CHECK_STR(err_of(m), "ENOSPC");
			free(m);
			break;
		}
		if (!ok)
			first = (uint32_t)atoi(m->body);
		free(m);
		ok++;
	}
	/* Exactly the quota, 10; the 11th gets Xen's ENOSPC. */
	CHECK_EQ(ok, 10);
	/* Ending one makes room for one. */
	CHECK_STR(xs_result(reqv(g, XS_TRANSACTION_END, first, 1, "F")), "OK");
	m = reqv(g, XS_TRANSACTION_START, 0, 1, "");
	CHECK(!err_of(m));
	free(m);
	CHECK_STR(xs_result(reqv(g, XS_TRANSACTION_START, 0, 1, "")), "ENOSPC");
}

/* The memory a domain is charged, from CONTROL "quota <domid>". */
static int memory_of(uint32_t domid)
{
	char id[16];
	const char *r, *m;
	int v = -1;

	snprintf(id, sizeof(id), "%u", domid);
	r = xs_result(reqv(client(), XS_CONTROL, 0, 2, "quota", id));
	m = strstr(r, "memory");
	if (m)
		sscanf(strchr(m, ':') + 1, "%d", &v);
	return v;
}

static char value[1100];

static const char *write_n(struct conn *g, uint32_t tx, const char *path,
			   int bytes)
{
	memset(value, 'v', sizeof(value));
	value[bytes] = '\0';
	return xs_write(g, tx, path, value);
}

/*
 * Xen's memory quota: a node costs its owner its record (24-byte header,
 * 8 per permission, data, child names) plus its path; a watch its path
 * and token; a transaction's copies the domain in the transaction. A
 * charge that would bring the total to the hard quota fails: EIO for a
 * node write, ENOMEM for a watch (Xen's errors).
 */
TEST(quota_memory)
{
	struct conn *g, *d0;
	uint32_t tx;
	struct msg *m;

	fresh();
	d0 = client();
	g = guest(21);
	CHECK_STR(set_quota("memory", "4096"), "OK");
	/* Home: 24 + 8 + strlen("/local/domain/21"). */
	CHECK_EQ(memory_of(21), 48);
	/* Each: 24 + 8 + 1000 + 18 for the node, 2 for its name in home. */
	CHECK_STR(write_n(g, 0, "a", 1000), "OK");
	CHECK_EQ(memory_of(21), 1100);
	CHECK_STR(write_n(g, 0, "b", 1000), "OK");
	CHECK_STR(write_n(g, 0, "c", 1000), "OK");
	CHECK_EQ(memory_of(21), 3204);
	CHECK_STR(write_n(g, 0, "d", 1000), "EIO");
	CHECK_STR(xs_read(g, 0, "d"), "ENOENT");
	CHECK_EQ(memory_of(21), 3204);
	/* 4095 fits; reaching 4096 does not (Xen: total >= quota fails). */
	CHECK_STR(write_n(g, 0, "d", 839), "OK");
	CHECK_EQ(memory_of(21), 4095);
	CHECK_STR(write_n(g, 0, "e", 0), "EIO");
	CHECK_STR(write_n(g, 0, "a", 1001), "EIO");
	CHECK_STR(write_n(g, 0, "a", 999), "OK");
	CHECK_EQ(memory_of(21), 4094);
	/* A watch costs strlen("/local/domain/21/a") + strlen("t"). */
	CHECK_STR(xs_result(reqv(g, XS_WATCH, 0, 2, "a", "t")), "ENOMEM");
	CHECK_STR(xs_result(reqv(g, XS_RM, 0, 1, "b")), "OK");
	CHECK_EQ(memory_of(21), 3042);
	CHECK_STR(xs_result(reqv(g, XS_WATCH, 0, 2, "a", "t")), "OK");
	free(next_event(g));
	CHECK_EQ(memory_of(21), 3061);
	/*
	 * In a transaction the copy of home (24 + 8 + 6 + 16) counts too:
	 * 3061 + 54 + 1052 reaches the quota, 3061 + 54 + 62 does not.
	 */
	m = reqv(g, XS_TRANSACTION_START, 0, 1, "");
	tx = (uint32_t)atoi(m->body);
	free(m);
	CHECK_STR(write_n(g, tx, "e", 1000), "EIO");
	CHECK_STR(write_n(g, tx, "e", 10), "OK");
	CHECK_EQ(memory_of(21), 3177);
	CHECK_STR(xs_result(reqv(g, XS_TRANSACTION_END, tx, 1, "F")), "OK");
	CHECK_EQ(memory_of(21), 3061);
	/* dom0 is not bound; everything given back leaves the home only. */
	CHECK_STR(write_n(d0, 0, "/local/domain/21/a", 1099), "OK");
	CHECK_STR(xs_result(reqv(g, XS_UNWATCH, 0, 2, "a", "t")), "OK");
	CHECK_STR(xs_result(reqv(g, XS_RM, 0, 1, "a")), "OK");
	CHECK_STR(xs_result(reqv(g, XS_RM, 0, 1, "c")), "OK");
	CHECK_STR(xs_result(reqv(g, XS_RM, 0, 1, "d")), "OK");
	CHECK_EQ(memory_of(21), 48);
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

/*
 * A quota value is a positive int, whether from -Q/-E on the command
 * line or from CONTROL quota set: one that only wraps to one (a negative
 * or one past 2^32) is refused and the quota left as it was.
 */
TEST(quota_values_that_wrap_are_refused)
{
	static const char *const bad[] = {
		"-4294967295", "-4294966296", "4294967297", "4294968296",
		"-1",	       "0",	      "",	    "12x"
	};
	struct conn *d0;

	fresh();
	d0 = client();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char opt[64];

		snprintf(opt, sizeof(opt), "memory=%s", bad[i]);
		CHECK_EQ(quota_set_option(quota_hard, opt), XS_EINVAL);
		snprintf(opt, sizeof(opt), "nodes=%s", bad[i]);
		CHECK_EQ(quota_set_option(quota_hard, opt), XS_EINVAL);
		CHECK_STR(xs_result(reqv(d0, XS_CONTROL, 0, 4, "quota", "set",
					 "nodes", bad[i])),
			  "EINVAL");
		CHECK_STR(xs_result(reqv(d0, XS_CONTROL, 0, 4, "quota-soft",
					 "set", "memory", bad[i])),
			  "EINVAL");
	}
	CHECK_EQ(quota_memory_hard, 2 * 1024 * 1024 + 512 * 1024);
	CHECK_EQ(quota_memory_soft, 2 * 1024 * 1024);
	CHECK_EQ(quota_nodes, 1000);
	CHECK_EQ(quota_set_option(quota_hard, "memory=2147483647"), 0);
	CHECK_EQ(quota_memory_hard, 2147483647);
	CHECK_STR(xs_result(reqv(d0, XS_CONTROL, 0, 4, "quota", "set", "nodes",
				 "7")),
		  "OK");
	CHECK_EQ(quota_nodes, 7);
}
