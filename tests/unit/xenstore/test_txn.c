// SPDX-License-Identifier: MIT
/* Transactions: isolation, commit, abort, conflicts. */
#include "../test.h"
#include "harness.h"

static uint32_t start(struct conn *c)
{
	return (uint32_t)atoi(
		xs_result(reqv(c, XS_TRANSACTION_START, 0, 1, "")));
}

static const char *end(struct conn *c, uint32_t tx, const char *how)
{
	return xs_result(reqv(c, XS_TRANSACTION_END, tx, 1, how));
}

TEST(txn_isolation_and_commit)
{
	struct conn *a, *b;
	uint32_t t;

	fresh();
	a = client();
	b = client();
	t = start(a);
	CHECK(t != 0);
	CHECK_STR(xs_write(a, t, "/t/x", "1"), "OK");
	CHECK_STR(xs_read(a, t, "/t/x"), "1");
	CHECK_STR(xs_read(b, 0, "/t/x"), "ENOENT");
	CHECK_STR(xs_read(a, 0, "/t/x"), "ENOENT");
	CHECK_STR(end(a, t, "T"), "OK");
	CHECK_STR(xs_read(b, 0, "/t/x"), "1");
	/* The id is gone once ended. */
	CHECK_STR(xs_read(a, t, "/t/x"), "ENOENT");
	CHECK_STR(end(a, t, "T"), "ENOENT");
}

TEST(txn_abort_discards)
{
	struct conn *a;
	uint32_t t;

	fresh();
	a = client();
	xs_write(a, 0, "/k", "old");
	t = start(a);
	xs_write(a, t, "/k", "new");
	xs_result(reqv(a, XS_RM, t, 1, "/tool"));
	CHECK_STR(end(a, t, "F"), "OK");
	CHECK_STR(xs_read(a, 0, "/k"), "old");
	CHECK_STR(xs_read(a, 0, "/tool/xenstored"), "");
}

TEST(txn_conflict_gives_eagain)
{
	struct conn *a, *b;
	uint32_t t;

	fresh();
	a = client();
	b = client();
	xs_write(a, 0, "/c", "0");
	t = start(a);
	CHECK_STR(xs_read(a, t, "/c"), "0");
	xs_write(b, 0, "/c", "changed");
	xs_write(a, t, "/other", "x");
	CHECK_STR(end(a, t, "T"), "EAGAIN");
	/* Nothing from the failed transaction is visible. */
	CHECK_STR(xs_read(b, 0, "/other"), "ENOENT");
	CHECK_STR(xs_read(b, 0, "/c"), "changed");
}

TEST(txn_two_creators_of_siblings_conflict)
{
	struct conn *a, *b;
	uint32_t ta, tb;

	fresh();
	a = client();
	b = client();
	xs_write(a, 0, "/dir", "");
	ta = start(a);
	tb = start(b);
	xs_write(a, ta, "/dir/one", "1");
	xs_write(b, tb, "/dir/two", "2");
	CHECK_STR(end(a, ta, "T"), "OK");
	/* Both changed /dir's child list: the second must retry. */
	CHECK_STR(end(b, tb, "T"), "EAGAIN");
	CHECK_STR(xs_result(reqv(a, XS_DIRECTORY, 0, 1, "/dir")), "one");
}

TEST(txn_untouched_changes_do_not_conflict)
{
	struct conn *a, *b;
	uint32_t t;

	fresh();
	a = client();
	b = client();
	xs_write(a, 0, "/u1", "");
	xs_write(a, 0, "/u2", "");
	t = start(a);
	xs_write(a, t, "/u1", "a");
	xs_write(b, 0, "/u2", "b");
	CHECK_STR(end(a, t, "T"), "OK");
	CHECK_STR(xs_read(b, 0, "/u1"), "a");
}

TEST(txn_read_of_missing_node_is_tracked)
{
	struct conn *a, *b;
	uint32_t t;

	fresh();
	a = client();
	b = client();
	t = start(a);
	CHECK_STR(xs_read(a, t, "/late"), "ENOENT");
	xs_write(b, 0, "/late", "here");
	CHECK_STR(end(a, t, "T"), "EAGAIN");
}

TEST(txn_bad_ids_and_args)
{
	struct conn *a, *b;
	uint32_t t;

	fresh();
	a = client();
	b = client();
	t = start(a);
	/* Transactions belong to their connection. */
	CHECK_STR(xs_read(b, t, "/tool"), "ENOENT");
	CHECK_STR(xs_read(a, 999, "/tool"), "ENOENT");
	CHECK_STR(xs_result(reqv(a, XS_TRANSACTION_START, t, 1, "")), "EBUSY");
	CHECK_STR(end(a, t, "X"), "EINVAL");
	CHECK_STR(end(a, 0, "T"), "ENOENT");
	CHECK_STR(end(a, t, "F"), "OK");
	/* Ids are never 0 and not reused at once. */
	CHECK(start(a) != t);
}

TEST(txn_watches_fire_on_commit_only)
{
	struct conn *a, *w;
	struct msg *e;
	uint32_t t;

	fresh();
	a = client();
	w = client();
	xs_write(a, 0, "/wt", "");
	xs_result(reqv(w, XS_WATCH, 0, 2, "/wt", "tok"));
	free(next_event(w)); /* the initial event */
	t = start(a);
	xs_write(a, t, "/wt/a", "1");
	CHECK_EQ(events_pending(w), 0);
	end(a, t, "F");
	CHECK_EQ(events_pending(w), 0);
	t = start(a);
	xs_write(a, t, "/wt/b", "1");
	end(a, t, "T");
	e = next_event(w);
	CHECK(e && !strcmp(e->body, "/wt/b") && !strcmp(e->body + 6, "tok"));
	free(e);
}

TEST(txn_reset_watches_ends_transactions)
{
	struct conn *a;
	uint32_t t;

	fresh();
	a = client();
	t = start(a);
	CHECK_STR(xs_result(reqv(a, XS_RESET_WATCHES, 0, 0)), "OK");
	CHECK_STR(end(a, t, "T"), "ENOENT");
}

TEST(txn_directory_part_of_new_node_has_a_generation)
{
	struct conn *a;
	struct msg *m;
	uint32_t t;

	fresh();
	a = client();
	t = start(a);
	xs_write(a, t, "/g/x", "1");
	m = reqv(a, XS_DIRECTORY_PART, t, 2, "/g", "0");
	CHECK(m && m->hdr.type == XS_DIRECTORY_PART);
	/* A real, small generation count, then "x", then the end mark. */
	CHECK(m && strlen(m->body) < 10 &&
	      !strcmp(m->body + strlen(m->body) + 1, "x"));
	free(m);
	end(a, t, "F");
}
