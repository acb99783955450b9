// SPDX-License-Identifier: MIT
/* Watches and their events. */
#include "../test.h"
#include "harness.h"

static bool event_is(struct msg *e, const char *path, const char *token)
{
	bool ok = e && e->hdr.type == XS_WATCH_EVENT &&
		  !strcmp(e->body, path) &&
		  !strcmp(e->body + strlen(path) + 1, token) &&
		  e->hdr.len == strlen(path) + strlen(token) + 2;

	free(e);
	return ok;
}

TEST(watch_initial_fire_and_subtree)
{
	struct conn *c, *w;

	fresh();
	c = client();
	w = client();
	CHECK_STR(xs_result(reqv(w, XS_WATCH, 0, 2, "/w", "T1")), "OK");
	/* Fires at once, even for a node that does not exist. */
	CHECK(event_is(next_event(w), "/w", "T1"));
	xs_write(c, 0, "/w/a/b", "x");
	CHECK(event_is(next_event(w), "/w/a/b", "T1"));
	xs_write(c, 0, "/wx", "not a child");
	CHECK_EQ(events_pending(w), 0);
	xs_write(c, 0, "/w", "self");
	CHECK(event_is(next_event(w), "/w", "T1"));
}

TEST(watch_rm_fires_for_watched_descendants)
{
	struct conn *c, *w;

	fresh();
	c = client();
	w = client();
	xs_write(c, 0, "/r/a/b", "");
	reqv(w, XS_WATCH, 0, 2, "/r/a/b", "deep");
	reqv(w, XS_WATCH, 0, 2, "/r", "top");
	free(next_event(w));
	free(next_event(w));
	xs_result(reqv(c, XS_RM, 0, 1, "/r/a"));
	/* Children first, each to exact watches; then the removed node. */
	CHECK(event_is(next_event(w), "/r/a/b", "deep"));
	CHECK(event_is(next_event(w), "/r/a", "top"));
	CHECK_EQ(events_pending(w), 0);
}

TEST(watch_relative_paths_report_relative)
{
	struct conn *w;

	fresh();
	w = client();
	reqv(w, XS_WATCH, 0, 2, "dev", "rel");
	CHECK(event_is(next_event(w), "dev", "rel"));
	xs_write(w, 0, "/local/domain/0/dev/vbd", "1");
	CHECK(event_is(next_event(w), "dev/vbd", "rel"));
	CHECK_STR(xs_result(reqv(w, XS_UNWATCH, 0, 2, "dev", "rel")), "OK");
	xs_write(w, 0, "dev/x", "1");
	CHECK_EQ(events_pending(w), 0);
}

TEST(watch_errors)
{
	struct conn *w;

	fresh();
	w = client();
	CHECK_STR(xs_result(reqv(w, XS_WATCH, 0, 2, "/e", "t")), "OK");
	CHECK_STR(xs_result(reqv(w, XS_WATCH, 0, 2, "/e", "t")), "EEXIST");
	CHECK_STR(xs_result(reqv(w, XS_WATCH, 0, 2, "/e", "t2")), "OK");
	CHECK_STR(xs_result(reqv(w, XS_WATCH, 0, 1, "/e")), "EINVAL");
	CHECK_STR(xs_result(reqv(w, XS_WATCH, 0, 3, "/e", "a", "b")), "EINVAL");
	CHECK_STR(xs_result(reqv(w, XS_WATCH, 0, 2, "/bad//p", "t")), "EINVAL");
	CHECK_STR(xs_result(reqv(w, XS_UNWATCH, 0, 2, "/e", "nope")), "ENOENT");
}

TEST(watch_respects_read_permission)
{
	struct conn *d0, *g;
	struct msg *m;

	fresh();
	d0 = client();
	g = client();
	become(g, 3);
	xs_write(d0, 0, "/sec", "");
	reqv(d0, XS_SET_PERMS, 0, 2, "/sec", "n0");
	m = reqv(g, XS_WATCH, 0, 2, "/sec", "g");
	CHECK_STR(xs_result(m), "OK");
	free(next_event(g));
	xs_write(d0, 0, "/sec/child", "x");
	/* Neither the node nor its parent is readable by dom3. */
	CHECK_EQ(events_pending(g), 0);
	reqv(d0, XS_SET_PERMS, 0, 2, "/sec/child", "r0");
	/* The change of permissions is itself a change it may now see. */
	CHECK(event_is(next_event(g), "/sec/child", "g"));
}

TEST(watch_special_domain_events)
{
	struct conn *d0, *w, *g;

	fresh();
	d0 = client();
	w = client();
	g = client();
	become(g, 8);
	reqv(w, XS_WATCH, 0, 2, "@introduceDomain", "in");
	reqv(w, XS_WATCH, 0, 2, "@releaseDomain", "out");
	reqv(g, XS_WATCH, 0, 2, "@introduceDomain", "g");
	CHECK(event_is(next_event(w), "@introduceDomain", "in"));
	CHECK(event_is(next_event(w), "@releaseDomain", "out"));
	free(next_event(g));
	CHECK_STR(xs_result(reqv(d0, XS_INTRODUCE, 0, 3, "12", "0", "4")),
		  "OK");
	CHECK(event_is(next_event(w), "@introduceDomain", "in"));
	/* Only dom0 may see them by default. */
	CHECK_EQ(events_pending(g), 0);
	CHECK_STR(xs_result(reqv(d0, XS_IS_DOMAIN_INTRODUCED, 0, 1, "12")),
		  "T");
	CHECK_STR(xs_result(reqv(d0, XS_RELEASE, 0, 1, "12")), "OK");
	CHECK(event_is(next_event(w), "@releaseDomain", "out"));
	CHECK_STR(xs_result(reqv(d0, XS_IS_DOMAIN_INTRODUCED, 0, 1, "12")),
		  "F");
	CHECK_STR(xs_result(reqv(d0, XS_RELEASE, 0, 1, "12")), "ENOENT");
	CHECK_STR(xs_result(reqv(d0, XS_RELEASE, 0, 1, "0")), "EINVAL");
	/* Granting read on the special node lets a guest watch it. */
	CHECK_STR(xs_result(reqv(d0, XS_SET_PERMS, 0, 3, "@introduceDomain",
				 "n0", "r8")),
		  "OK");
	reqv(d0, XS_INTRODUCE, 0, 3, "13", "0", "4");
	CHECK(event_is(next_event(g), "@introduceDomain", "g"));
}

TEST(watch_release_removes_owned_nodes)
{
	struct conn *d0;

	fresh();
	d0 = client();
	reqv(d0, XS_INTRODUCE, 0, 3, "20", "0", "4");
	xs_write(d0, 0, "/local/domain/20/mine", "x");
	xs_write(d0, 0, "/local/domain/20/kept", "y");
	reqv(d0, XS_SET_PERMS, 0, 2, "/local/domain/20/mine", "n20");
	CHECK_STR(xs_result(reqv(d0, XS_RELEASE, 0, 1, "20")), "OK");
	CHECK_STR(xs_read(d0, 0, "/local/domain/20/mine"), "ENOENT");
	CHECK_STR(xs_read(d0, 0, "/local/domain/20/kept"), "y");
}
