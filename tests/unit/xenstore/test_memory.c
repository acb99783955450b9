// SPDX-License-Identifier: MIT
/*
 * The memory quota's books, attacked: every charge a hostile guest can
 * cause must be given back to the domain that paid it (overwrites, RM
 * of trees of several owners, SET_PERMS moving a node, transactions
 * committed or not, RELEASE, INTRODUCE again, UNWATCH and connection
 * reset), no guest's charge lands on another domain, and transactions
 * do not lift a guest past its hard quota.
 */
#include "../test.h"
#include <unistd.h>

#include "harness.h"

/* What a domain is charged: bytes, nodes (-1: it has no record). */
static long memory_of(uint32_t domid)
{
	struct domain *d = domain_find(domid);

	return d ? d->memory : -1;
}

static int nodes_of(uint32_t domid)
{
	struct domain *d = domain_find(domid);

	return d ? d->nbentry : -1;
}

static uint32_t start(struct conn *c)
{
	struct msg *m = reqv(c, XS_TRANSACTION_START, 0, 1, "");
	uint32_t tx = err_of(m) ? 0 : (uint32_t)atoi(m->body);

	free(m);
	return tx;
}

static const char *end(struct conn *c, uint32_t tx, bool commit)
{
	return xs_result(
		reqv(c, XS_TRANSACTION_END, tx, 1, commit ? "T" : "F"));
}

static void drain(struct conn *c)
{
	while (events_pending(c))
		free(next_event(c));
}

static char val[4096];

static const char *write_n(struct conn *c, uint32_t tx, const char *path,
			   int bytes)
{
	memset(val, 'v', (size_t)bytes);
	val[bytes] = '\0';
	return xs_write(c, tx, path, val);
}

/*
 * A tree under a guest's home holding nodes of three owners (the guest,
 * a second guest, dom0): RM by the guest, in a transaction abandoned,
 * one committed, and outside, gives each owner back exactly its charge.
 */
TEST(memory_rm_of_a_tree_of_several_owners)
{
	struct conn *d0, *g;
	long g0, b0, z0;
	int gn, bn;
	uint32_t tx;

	fresh();
	d0 = client();
	g = guest(30);
	guest(31);
	g0 = memory_of(30);
	b0 = memory_of(31);
	z0 = memory_of(0);
	gn = nodes_of(30);
	bn = nodes_of(31);
	for (int round = 0; round < 3; round++) {
		CHECK_STR(write_n(g, 0, "t/a/b", 300), "OK");
		CHECK_STR(write_n(d0, 0, "/local/domain/30/t/a/c", 700), "OK");
		CHECK_STR(write_n(d0, 0, "/local/domain/30/t/z", 50), "OK");
		CHECK_STR(xs_result(reqv(d0, XS_SET_PERMS, 0, 3,
					 "/local/domain/30/t/a/c", "n31",
					 "b30")),
			  "OK");
		CHECK_STR(xs_result(reqv(d0, XS_SET_PERMS, 0, 3,
					 "/local/domain/30/t/z", "n0", "b30")),
			  "OK");
		CHECK(memory_of(31) > b0);
		CHECK(memory_of(0) > z0);
		tx = start(g);
		CHECK_STR(xs_result(reqv(g, XS_RM, tx, 1, "t")), "OK");
		CHECK_STR(xs_read(g, tx, "t/a/c"), "ENOENT");
		if (round == 0) {
			CHECK_STR(end(g, tx, false), "OK");
			CHECK_EQ(strlen(xs_read(g, 0, "t/a/c")), 700);
			CHECK_STR(xs_result(reqv(g, XS_RM, 0, 1, "t")), "OK");
		} else if (round == 1) {
			CHECK_STR(end(g, tx, true), "OK");
		} else {
			CHECK_STR(end(g, tx, false), "OK");
			CHECK_STR(xs_result(reqv(g, XS_RM, 0, 1, "t/a")), "OK");
			CHECK_STR(xs_result(reqv(g, XS_RM, 0, 1, "t")), "OK");
		}
		CHECK_STR(xs_read(d0, 0, "/local/domain/30/t"), "ENOENT");
		CHECK_EQ(memory_of(30), g0);
		CHECK_EQ(memory_of(31), b0);
		CHECK_EQ(memory_of(0), z0);
		CHECK_EQ(nodes_of(30), gn);
		CHECK_EQ(nodes_of(31), bn);
	}
}

/* dom0 hands a guest's node to another guest: the charge moves exactly. */
TEST(memory_set_perms_moves_the_charge)
{
	struct conn *d0, *g;
	long g0, b0, cost;

	fresh();
	d0 = client();
	g = guest(32);
	guest(33);
	g0 = memory_of(32);
	CHECK_STR(write_n(g, 0, "n", 500), "OK");
	b0 = memory_of(33);
	/* 24 + 8 + 500 + strlen("/local/domain/32/n"); 2 for its name. */
	cost = 24 + 8 + 500 + 18;
	CHECK_EQ(memory_of(32), g0 + cost + 2);
	CHECK_STR(xs_result(reqv(d0, XS_SET_PERMS, 0, 3, "/local/domain/32/n",
				 "n33", "r32")),
		  "OK");
	CHECK_EQ(memory_of(32), g0 + 2);
	CHECK_EQ(memory_of(33), b0 + cost + 8);
	/* The guest may not take it back, nor pass it on. */
	CHECK_STR(xs_result(reqv(g, XS_SET_PERMS, 0, 2, "n", "n32")), "EACCES");
	CHECK_STR(xs_result(reqv(g, XS_RM, 0, 1, "n")), "EACCES");
	CHECK_STR(xs_result(reqv(d0, XS_RM, 0, 1, "/local/domain/32/n")), "OK");
	CHECK_EQ(memory_of(32), g0);
	CHECK_EQ(memory_of(33), b0);
}

/*
 * Ten transactions at once, each writing up to the quota: what each
 * checks includes the others' copies, so the commits cannot lift the
 * guest to its hard quota.
 */
TEST(memory_transactions_do_not_lift_past_the_hard_quota)
{
	struct conn *g;
	uint32_t tx[10];
	char name[32];
	const char *r;
	int refused = 0;

	fresh();
	g = guest(34);
	CHECK_STR(set_quota("memory", "20000"), "OK");
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		CHECK_STR(xs_write(g, 0, name, ""), "OK");
	}
	for (int i = 0; i < 10; i++) {
		tx[i] = start(g);
		CHECK(tx[i] != 0);
		for (int k = 0; k < 4; k++) {
			snprintf(name, sizeof(name), "t%d/%d", i, k);
			r = write_n(g, tx[i], name, 1500);
			if (strcmp(r, "OK"))
				refused++;
			/* Refused node (EIO), or entry for its absence. */
			CHECK(!strcmp(r, "OK") || !strcmp(r, "EIO") ||
			      !strcmp(r, "ENOMEM"));
			CHECK(memory_of(34) < 20000);
		}
	}
	CHECK(refused > 0);
	for (int i = 0; i < 10; i++) {
		r = end(g, tx[i], true);
		CHECK(!strcmp(r, "OK") || !strcmp(r, "ENOMEM"));
		CHECK(memory_of(34) < 20000);
	}
	CHECK_EQ(strlen(xs_read(g, 0, "t0/0")), 1500);
	/* Overwrites with bigger values in a transaction are checked too. */
	tx[0] = start(g);
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "t%d/0", i);
		r = write_n(g, tx[0], name, 2000);
		CHECK(!strcmp(r, "OK") || !strcmp(r, "EIO") ||
		      !strcmp(r, "ENOMEM"));
		CHECK(memory_of(34) < 20000);
	}
	r = end(g, tx[0], true);
	CHECK(!strcmp(r, "OK") || !strcmp(r, "ENOMEM"));
	CHECK(memory_of(34) < 20000);
}

/* Removing a watch by UNWATCH or by RESET_WATCHES gives back its charge. */
TEST(memory_watches_given_back_either_way)
{
	struct conn *g;
	long m0;

	fresh();
	g = guest(35);
	m0 = memory_of(35);
	CHECK_STR(xs_result(reqv(g, XS_WATCH, 0, 2, "x", "tok")), "OK");
	CHECK_STR(xs_result(reqv(g, XS_WATCH, 0, 2, "/local/domain/35/x",
				 "tok2")),
		  "OK");
	/* strlen("/local/domain/35/x") + 3, then + 4. */
	CHECK_EQ(memory_of(35), m0 + 18 + 3 + 18 + 4);
	/* Named relatively or absolutely, it is the same watch. */
	CHECK_STR(xs_result(reqv(g, XS_UNWATCH, 0, 2, "/local/domain/35/x",
				 "tok")),
		  "OK");
	CHECK_STR(xs_result(reqv(g, XS_UNWATCH, 0, 2, "x", "tok")), "ENOENT");
	CHECK_EQ(memory_of(35), m0 + 18 + 4);
	CHECK_STR(xs_result(reqv(g, XS_RESET_WATCHES, 0, 1, "")), "OK");
	CHECK_EQ(memory_of(35), m0);
	drain(g);
}

/* What a hostile guest does to its own books leaves another's alone. */
TEST(memory_no_charge_lands_on_another_domain)
{
	struct conn *d0, *g, *v;
	long v0, z0;
	uint32_t tx;

	fresh();
	d0 = client();
	v = guest(36);
	g = guest(37);
	CHECK_STR(write_n(v, 0, "data", 1000), "OK");
	CHECK_STR(write_n(d0, 0, "/shared", 10), "OK");
	v0 = memory_of(36);
	z0 = memory_of(0);
	/* Reads in transactions of the victim's and dom0's nodes. */
	for (int i = 0; i < 10; i++) {
		tx = start(g);
		xs_read(g, tx, "/local/domain/36/data");
		xs_read(g, tx, "/local/domain/36");
		xs_read(g, tx, "/shared");
		xs_read(g, tx, "/");
		xs_write(g, tx, "/local/domain/36/data", "x");
		xs_result(reqv(g, XS_RM, tx, 1, "/local/domain/36/data"));
	}
	/* Watches on the victim's nodes, writes and removals refused. */
	for (int i = 0; i < 5; i++) {
		char tok[16];

		snprintf(tok, sizeof(tok), "t%d", i);
		xs_result(
			reqv(g, XS_WATCH, 0, 2, "/local/domain/36/data", tok));
	}
	CHECK_STR(xs_write(g, 0, "/local/domain/36/data", "x"), "EACCES");
	CHECK_STR(xs_write(g, 0, "/local/domain/36/new", "x"), "EACCES");
	CHECK_STR(xs_result(reqv(g, XS_RM, 0, 1, "/local/domain/36/data")),
		  "EACCES");
	CHECK_STR(xs_result(reqv(g, XS_MKDIR, 0, 1, "/local/domain/36/d")),
		  "EACCES");
	CHECK_EQ(memory_of(36), v0);
	CHECK_EQ(memory_of(0), z0);
	/* The victim still writes up to its own quota. */
	CHECK_STR(write_n(v, 0, "data", 1500), "OK");
	drain(g);
	drain(v);
}

/* The ring connection of an introduced domain. */
static struct conn *ring_of(uint32_t domid)
{
	struct domain *d = domain_find(domid);

	return d ? d->conn : NULL;
}

/* One request over a domain's ring; the reply's error name, or "OK". */
static const char *ring_req(struct conn *c, uint32_t type, uint32_t tx,
			    const char *a, const char *b)
{
	static char out[64];
	struct xenstore_domain_interface *i = ring_conn_page(c);
	uint8_t buf[XS_MSG_MAX], rsp[XENSTORE_RING_SIZE];
	size_t la = strlen(a) + 1, lb = b ? strlen(b) : 0, n, got = 0;
	struct xs_msg_header h;
	char body[256];
	int r;

	memcpy(body, a, la);
	/* A value is raw bytes; any other second argument a string. */
	if (b && type != XS_WRITE)
		lb++;
	if (b)
		memcpy(body + la, b, lb);
	n = xs_build_msg(buf, sizeof(buf), type, 77, tx, body, la + lb);
	CHECK_EQ(xs_ring_write(i->req, i->req_cons, i->req_prod, buf, n),
		 (int)n);
	i->req_prod += (uint32_t)n;
	ring_conn_service(c);
	r = xs_ring_read(i->rsp, i->rsp_cons, i->rsp_prod, rsp, sizeof(rsp));
	i->rsp_cons += (uint32_t)(r > 0 ? r : 0);
	/* Skip watch events; the reply is the message with our id. */
	while (r > 0 && got + XS_HEADER_SIZE <= (size_t)r) {
		xs_header_decode(rsp + got, &h);
		if (h.type != XS_WATCH_EVENT && h.req_id == 77) {
			n = h.len < sizeof(out) ? h.len : sizeof(out) - 1;
			memcpy(out, rsp + got + XS_HEADER_SIZE, n);
			out[n] = '\0';
			return h.type == XS_ERROR ||
					       type == XS_TRANSACTION_START ?
				       out :
				       "OK";
		}
		got += XS_HEADER_SIZE + h.len;
	}
	return "(no reply)";
}

/* A domain introduced with its home and some state of every kind. */
static struct conn *busy_domain(struct conn *d0, uint32_t domid)
{
	char id[16], home[32], perm[16];
	struct conn *c;
	uint32_t tx;

	snprintf(id, sizeof(id), "%u", domid);
	snprintf(home, sizeof(home), "/local/domain/%u", domid);
	snprintf(perm, sizeof(perm), "n%u", domid);
	CHECK_STR(xs_result(reqv(d0, XS_INTRODUCE, 0, 3, id, "0", "4")), "OK");
	xs_result(reqv(d0, XS_MKDIR, 0, 1, home));
	xs_result(reqv(d0, XS_SET_PERMS, 0, 2, home, perm));
	c = ring_of(domid);
	CHECK(c != NULL);
	if (!c)
		return NULL;
	CHECK_STR(ring_req(c, XS_WRITE, 0, "a/b", "value"), "OK");
	CHECK_STR(ring_req(c, XS_WATCH, 0, "a", "tok"), "OK");
	CHECK_STR(ring_req(c, XS_WATCH, 0, "/local/domain/0", "t0"), "OK");
	tx = (uint32_t)atoi(ring_req(c, XS_TRANSACTION_START, 0, "", NULL));
	CHECK(tx != 0);
	CHECK_STR(ring_req(c, XS_WRITE, tx, "a/c", "in a transaction"), "OK");
	/* Refused, but the transaction took its copy of "/". */
	CHECK_STR(ring_req(c, XS_READ, tx, "/", NULL), "EACCES");
	CHECK(domain_find(domid)->nbwatch == 2);
	return c;
}

/*
 * RELEASE gives back everything the domain was charged (nodes, watches,
 * transaction copies); introduced again under the same domid it starts
 * with nothing: the full watch quota, no memory.
 */
TEST(memory_release_then_reintroduce_starts_clean)
{
	struct conn *d0, *c;
	long z1;
	char tok[16];
	int ok = 0;

	fresh();
	d0 = client();
	c = busy_domain(d0, 40);
	if (!c)
		return;
	CHECK(memory_of(40) > 0);
	CHECK_STR(xs_result(reqv(d0, XS_RELEASE, 0, 1, "40")), "OK");
	CHECK_EQ(memory_of(40), 0);
	CHECK_EQ(nodes_of(40), 0);
	CHECK_EQ(domain_find(40)->nbwatch, 0);
	z1 = memory_of(0);
	conn_reap();
	c = busy_domain(d0, 40);
	if (!c)
		return;
	for (int i = 0; i < 200; i++) {
		snprintf(tok, sizeof(tok), "w%d", i);
		if (strcmp(ring_req(c, XS_WATCH, 0, "a", tok), "OK"))
			break;
		ok++;
	}
	CHECK_EQ(ok, 128 - 2);
	CHECK_STR(xs_result(reqv(d0, XS_RELEASE, 0, 1, "40")), "OK");
	CHECK_EQ(memory_of(40), 0);
	/* Its home went with it; dom0 paid only for the home's name. */
	CHECK_STR(xs_read(d0, 0, "/local/domain/40"), "ENOENT");
	CHECK_EQ(memory_of(0), z1);
}

/*
 * INTRODUCE of a domain already introduced (and the guest's own
 * reconnection request) restart its connection: watches and open
 * transactions are dropped and their charges given back, its nodes kept.
 */
TEST(memory_reintroduce_and_reconnect_give_back_watches_and_txns)
{
	struct conn *d0, *c;
	long nodes_only;

	fresh();
	d0 = client();
	c = busy_domain(d0, 41);
	if (!c)
		return;
	CHECK_STR(xs_result(reqv(d0, XS_INTRODUCE, 0, 3, "41", "0", "4")),
		  "OK");
	CHECK_EQ(domain_find(41)->nbwatch, 0);
	nodes_only = memory_of(41);
	/* Home 24+8+16 (+2 for "a"), a 24+8+18 (+2 for "b"), b 24+8+5+20. */
	CHECK_EQ(nodes_only, 50 + 52 + 57);
	CHECK_EQ(ring_of(41), c);
	busy_domain(d0, 41);
	CHECK(memory_of(41) > nodes_only);
	ring_conn_page(c)->connection = XENSTORE_RECONNECT;
	ring_conn_service(c);
	CHECK_EQ(memory_of(41), nodes_only);
	CHECK_EQ(domain_find(41)->nbwatch, 0);
}

/*
 * The copies a transaction takes of nodes it only reads are charged to
 * the reader. Unchecked, ten transactions reading the same nodes made
 * lamstored hold ten times what the guest stores, far past its quota
 * (here 64 KB at a quota of 20000; 20 MiB at the default 2.5 MiB). A
 * copy that would take the domain to its quota is refused (ENOMEM, and
 * the transaction can then only fail), so a guest's books, and what
 * lamstored holds for it, stay below the quota.
 */
TEST(memory_read_copies_stay_below_the_hard_quota)
{
	struct conn *g;
	uint32_t tx[10];
	char name[32];
	const char *r;
	long before;
	int refused = 0;

	fresh();
	g = guest(38);
	CHECK_STR(set_quota("memory", "20000"), "OK");
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		CHECK_STR(write_n(g, 0, name, 1900), "OK");
	}
	before = memory_of(38);
	CHECK(before > 5800);
	for (int t = 0; t < 10; t++) {
		tx[t] = start(g);
		for (int i = 0; i < 3; i++) {
			snprintf(name, sizeof(name), "n%d", i);
			r = xs_read(g, tx[t], name);
			if (!strcmp(r, "ENOMEM"))
				refused++;
			else
				CHECK_EQ(strlen(r), 1900);
			CHECK(memory_of(38) < 20000);
		}
	}
	CHECK(refused > 0);
	/* Only a transaction none of whose copies was refused commits. */
	CHECK_STR(end(g, tx[0], true), "OK");
	CHECK_STR(end(g, tx[9], true), "ENOMEM");
	for (int t = 1; t < 9; t++)
		end(g, tx[t], false);
	CHECK_EQ(memory_of(38), before);
	/* Outside transactions it reads everything, as before. */
	CHECK_EQ(strlen(xs_read(g, 0, "n2")), 1900);
}

static int log_lines_with(const char *path, const char *what)
{
	char line[512];
	int n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, what) != NULL;
	fclose(f);
	return n;
}

/*
 * Crossing the soft quota is logged, as in Xen, at most once per 5 s a
 * domain. Unlimited, a guest sitting at the soft quota made one RM in a
 * transaction (each node's copy charged, then given back) log two lines
 * per node: hundreds per request, into the log the ctrl domain keeps.
 */
TEST(memory_soft_quota_messages_are_rate_limited)
{
	char log[] = "/tmp/lamstored-test-XXXXXX", name[32], soft[32];
	struct conn *d0, *g;
	uint32_t tx;
	int fd;

	fresh();
	d0 = client();
	g = guest(39);
	fd = mkstemp(log);
	CHECK(fd >= 0);
	close(fd);
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "d/k%d", i);
		CHECK_STR(xs_write(g, 0, name, ""), "OK");
	}
	/* The soft quota just above the guest with copies of d and home. */
	tx = start(g);
	CHECK_EQ(strlen(xs_read(g, tx, "d")), 0);
	CHECK_EQ(strlen(xs_read(g, tx, "/local/domain/39")), 0);
	snprintf(soft, sizeof(soft), "%ld", memory_of(39) + 1);
	CHECK_STR(end(g, tx, false), "OK");
	CHECK_STR(xs_result(reqv(d0, XS_CONTROL, 0, 2, "logfile", log)), "OK");
	CHECK_STR(xs_result(reqv(d0, XS_CONTROL, 0, 4, "quota-soft", "set",
				 "memory", soft)),
		  "OK");
	tx = start(g);
	CHECK_STR(xs_result(reqv(g, XS_RM, tx, 1, "d")), "OK");
	CHECK_STR(end(g, tx, false), "OK");
	CHECK_STR(xs_result(reqv(d0, XS_CONTROL, 0, 2, "log", "off")), "OK");
	/* 200 of each before; 2 leaves room for one 5 s boundary. */
	CHECK(log_lines_with(log, "domain 39 exceeds soft memory quota") >= 1);
	CHECK(log_lines_with(log, "domain 39 exceeds soft memory quota") <= 2);
	CHECK(log_lines_with(log, "domain 39 below soft memory quota") <= 2);
	unlink(log);
}

/*
 * A transaction also remembers the nodes it found absent, by path (up
 * to 2 KiB each, 1024 a transaction): uncharged, ten transactions held
 * 20 MiB of names for a guest storing nothing. Each such entry costs
 * its path, checked like a copy.
 */
TEST(memory_absent_nodes_a_transaction_remembers_are_charged)
{
	static char path[2100];
	struct conn *g;
	uint32_t tx[10];
	long before;
	int refused = 0, held = 0;
	const char *r;

	fresh();
	g = guest(42);
	CHECK_STR(set_quota("memory", "100000"), "OK");
	before = memory_of(42);
	memset(path, 'p', 2000);
	for (int t = 0; t < 10; t++) {
		tx[t] = start(g);
		for (int i = 0; i < 100; i++) {
			snprintf(path + 2000, 16, "%d", i);
			r = xs_read(g, tx[t], path);
			if (!strcmp(r, "ENOMEM"))
				refused++;
			else
				held++;
			CHECK(memory_of(42) < 100000);
		}
	}
	/* What is held is paid for: 2018 bytes of path an entry at least. */
	CHECK(memory_of(42) - before >= (long)held * 2018);
	CHECK(refused > 0);
	for (int t = 0; t < 10; t++)
		end(g, tx[t], false);
	CHECK_EQ(memory_of(42), before);
}
