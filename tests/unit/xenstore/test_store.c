// SPDX-License-Identifier: MIT
/* Node requests as a dom0 tool sees them. */
#include <pthread.h>

#include "../test.h"
#include "harness.h"

TEST(store_initial_tree)
{
	struct conn *c;

	fresh();
	c = client();
	/* A fresh Xen store holds /tool/xenstored, owned by dom0. */
	CHECK_STR(xs_result(reqv(c, XS_DIRECTORY, 0, 1, "/")), "tool");
	CHECK_STR(xs_result(reqv(c, XS_DIRECTORY, 0, 1, "/tool")), "xenstored");
	CHECK_STR(xs_result(reqv(c, XS_GET_PERMS, 0, 1, "/")), "n0");
}

TEST(store_write_creates_parents_and_reads_back)
{
	struct conn *c;
	struct msg *m;

	fresh();
	c = client();
	CHECK_STR(xs_write(c, 0, "/a/b/c", "hello"), "OK");
	CHECK_STR(xs_read(c, 0, "/a/b/c"), "hello");
	/* Implicit parents exist, empty. */
	CHECK_STR(xs_read(c, 0, "/a/b"), "");
	m = reqv(c, XS_READ, 0, 1, "/a");
	CHECK(m && m->hdr.type == XS_READ && m->hdr.len == 0);
	free(m);
	CHECK_STR(xs_read(c, 0, "/a/x"), "ENOENT");
}

TEST(store_write_binary_value)
{
	struct conn *c;
	struct msg *m;

	fresh();
	c = client();
	m = req(c, XS_WRITE, 0, "/bin\0a\0b", 8);
	CHECK_STR(xs_result(m), "OK");
	m = reqv(c, XS_READ, 0, 1, "/bin");
	CHECK(m && m->hdr.len == 3 && !memcmp(m->body, "a\0b", 3));
	free(m);
}

TEST(store_relative_paths_live_under_home)
{
	struct conn *c;

	fresh();
	c = client();
	CHECK_STR(xs_write(c, 0, "rel", "1"), "OK");
	CHECK_STR(xs_read(c, 0, "/local/domain/0/rel"), "1");
	CHECK_STR(xs_read(c, 0, "rel"), "1");
}

TEST(store_invalid_names)
{
	struct conn *c;

	fresh();
	c = client();
	CHECK_STR(xs_write(c, 0, "/a//b", "x"), "EINVAL");
	CHECK_STR(xs_write(c, 0, "/a/", "x"), "EINVAL");
	CHECK_STR(xs_write(c, 0, "/a b", "x"), "EINVAL");
	CHECK_STR(xs_write(c, 0, "@special", "x"), "EINVAL");
	CHECK_STR(xs_read(c, 0, "/a*"), "EINVAL");
	/* READ wants exactly one NUL-terminated argument. */
	CHECK_STR(xs_result(req(c, XS_READ, 0, "/tool", 5)), "EINVAL");
	CHECK_STR(xs_result(req(c, XS_READ, 0, "/tool\0/x\0", 9)), "EINVAL");
	CHECK_STR(xs_result(req(c, XS_WRITE, 0, "nonul", 5)), "EINVAL");
}

TEST(store_mkdir_rm)
{
	struct conn *c;

	fresh();
	c = client();
	CHECK_STR(xs_result(reqv(c, XS_MKDIR, 0, 1, "/d/e")), "OK");
	/* mkdir of an existing node is fine and keeps its value. */
	CHECK_STR(xs_write(c, 0, "/d/e", "v"), "OK");
	CHECK_STR(xs_result(reqv(c, XS_MKDIR, 0, 1, "/d/e")), "OK");
	CHECK_STR(xs_read(c, 0, "/d/e"), "v");
	CHECK_STR(xs_result(reqv(c, XS_RM, 0, 1, "/d")), "OK");
	CHECK_STR(xs_read(c, 0, "/d/e"), "ENOENT");
	/* Removing a missing node is fine if its parent exists... */
	CHECK_STR(xs_result(reqv(c, XS_RM, 0, 1, "/d")), "OK");
	/* ...and ENOENT if not. */
	CHECK_STR(xs_result(reqv(c, XS_RM, 0, 1, "/d/e")), "ENOENT");
	CHECK_STR(xs_result(reqv(c, XS_RM, 0, 1, "/")), "EINVAL");
	CHECK_STR(xs_result(reqv(c, XS_DIRECTORY, 0, 1, "/")), "tool");
}

struct rm_job {
	struct conn *c;
	uint32_t tx;
	const char *path, *result;
};

static void *rm_job_run(void *arg)
{
	struct rm_job *j = arg;

	j->result = xs_result(reqv(j->c, XS_RM, j->tx, 1, j->path));
	return NULL;
}

/*
 * RM on a thread with a 1 MiB stack: a removal that recursed once per
 * level (4 KiB path buffer a frame) would need 4 MiB for the deepest tree.
 */
static const char *rm_on_small_stack(struct conn *c, uint32_t tx,
				     const char *path)
{
	struct rm_job j = { c, tx, path, NULL };
	pthread_attr_t attr;
	pthread_t t;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 1024 * 1024);
	CHECK_EQ(pthread_create(&t, &attr, rm_job_run, &j), 0);
	pthread_join(t, NULL);
	pthread_attr_destroy(&attr);
	return j.result;
}

TEST(store_rm_deepest_tree)
{
	static char path[4096];
	size_t base, len = strlen("/local/domain/0");
	struct conn *c;
	struct msg *m;
	uint32_t tx;

	fresh();
	c = client();
	base = store_count();
	/* 1024 levels: "/a" repeated is 2048 characters, the path limit. */
	strcpy(path, "/local/domain/0");
	while (len < strlen("/local/domain/0") + 2048) {
		strcpy(path + len, "/a");
		len += 2;
	}
	CHECK_STR(xs_write(c, 0, path, "leaf"), "OK");
	CHECK_EQ(store_count(), base + 3 + 1024);
	strcat(path, "/a");
	CHECK_STR(xs_write(c, 0, path, ""), "EINVAL");
	path[len] = '\0';
	CHECK_STR(xs_result(reqv(c, XS_WATCH, 0, 2, path, "leaf")), "OK");
	free(next_event(c));
	/* In a transaction (then abandoned), and for real. */
	m = reqv(c, XS_TRANSACTION_START, 0, 1, "");
	tx = (uint32_t)atoi(m->body);
	free(m);
	CHECK_STR(rm_on_small_stack(c, tx, "/local/domain/0/a"), "OK");
	CHECK_STR(xs_read(c, tx, path), "ENOENT");
	CHECK_STR(xs_result(reqv(c, XS_TRANSACTION_END, tx, 1, "F")), "OK");
	CHECK_STR(xs_read(c, 0, path), "leaf");
	CHECK_STR(rm_on_small_stack(c, 0, "/local/domain/0/a"), "OK");
	CHECK_STR(xs_read(c, 0, path), "ENOENT");
	CHECK_EQ(store_count(), base + 3);
	/* The deepest node's watch saw it go. */
	CHECK(events_pending(c) == 1);
	m = next_event(c);
	CHECK(m && !strcmp(m->body, path));
	free(m);
}

TEST(store_children_keep_creation_order)
{
	struct conn *c;
	struct msg *m;

	fresh();
	c = client();
	xs_write(c, 0, "/o/zeta", "");
	xs_write(c, 0, "/o/alpha", "");
	xs_write(c, 0, "/o/mid", "");
	xs_result(reqv(c, XS_RM, 0, 1, "/o/alpha"));
	xs_write(c, 0, "/o/alpha", "");
	m = reqv(c, XS_DIRECTORY, 0, 1, "/o");
	CHECK(m && m->hdr.len == 15 &&
	      !memcmp(m->body, "zeta\0mid\0alpha\0", 15));
	free(m);
}

TEST(store_directory_part_pages_big_lists)
{
	char name[64], want[32];
	uint32_t off = 0, total = 0;
	struct conn *c;
	struct msg *m;
	int n = 0, parts = 0;
	bool end = false;

	fresh();
	c = client();
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "/big/child-with-a-long-name-%03d",
			 i);
		xs_write(c, 0, name, "");
	}
	/* 300 names of 27 bytes do not fit one reply. */
	CHECK_STR(xs_result(reqv(c, XS_DIRECTORY, 0, 1, "/big")), "E2BIG");
	while (!end && parts < 10) {
		char offs[16];
		uint32_t genlen, p;

		snprintf(offs, sizeof(offs), "%u", off);
		m = reqv(c, XS_DIRECTORY_PART, 0, 2, "/big", offs);
		CHECK(m && m->hdr.type == XS_DIRECTORY_PART);
		if (!m)
			return;
		CHECK(m->hdr.len <= XENSTORE_PAYLOAD_MAX);
		genlen = (uint32_t)strlen(m->body) + 1;
		for (p = genlen; p < m->hdr.len;) {
			if (m->body[p] == '\0') {
				end = true; /* empty string: list done */
				break;
			}
			snprintf(want, sizeof(want),
				 "child-with-a-long-name-%03d", n++);
			CHECK_STR(m->body + p, want);
			p += (uint32_t)strlen(m->body + p) + 1;
		}
		total = p - genlen;
		off += total;
		parts++;
		free(m);
	}
	CHECK_EQ(n, 300);
	CHECK(end);
	/* About 150 names fit a part: two parts, the end in the second. */
	CHECK_EQ(parts, 2);
}

TEST(store_directory_part_past_end_and_errors)
{
	struct conn *c;
	struct msg *m;

	fresh();
	c = client();
	m = reqv(c, XS_DIRECTORY_PART, 0, 2, "/tool", "100");
	/* generation, then the empty end marker */
	CHECK(m && m->hdr.len == strlen(m->body) + 2);
	CHECK(m && m->body[m->hdr.len - 1] == '\0');
	free(m);
	CHECK_STR(xs_result(reqv(c, XS_DIRECTORY_PART, 0, 1, "/tool")),
		  "EINVAL");
	CHECK_STR(xs_result(reqv(c, XS_DIRECTORY_PART, 0, 2, "/no", "0")),
		  "ENOENT");
}

TEST(store_unknown_and_reply_only_types)
{
	struct conn *c;

	fresh();
	c = client();
	CHECK_STR(xs_result(reqv(c, 20, 0, 1, "/")), "ENOSYS");
	CHECK_STR(xs_result(reqv(c, XS_WATCH_EVENT, 0, 1, "/")), "ENOSYS");
	CHECK_STR(xs_result(reqv(c, XS_ERROR, 0, 1, "/")), "ENOSYS");
	CHECK_STR(xs_result(reqv(c, 4000, 0, 1, "/")), "ENOSYS");
}

TEST(store_domain_path_queries)
{
	struct conn *c;

	fresh();
	c = client();
	CHECK_STR(xs_result(reqv(c, XS_GET_DOMAIN_PATH, 0, 1, "7")),
		  "/local/domain/7");
	CHECK_STR(xs_result(reqv(c, XS_IS_DOMAIN_INTRODUCED, 0, 1, "0")), "T");
	CHECK_STR(xs_result(reqv(c, XS_IS_DOMAIN_INTRODUCED, 0, 1, "5")), "F");
	/* DOMID_SELF (0x7ff0) always is. */
	CHECK_STR(xs_result(reqv(c, XS_IS_DOMAIN_INTRODUCED, 0, 1, "32752")),
		  "T");
	CHECK_STR(xs_result(req(c, XS_GET_DOMAIN_PATH, 0, "", 0)), "EINVAL");
}
