// SPDX-License-Identifier: MIT
/* The ring transport with an in-memory page playing the guest. */
#include "../test.h"
#include "harness.h"

static void guest_put(struct xenstore_domain_interface *i, const void *p,
		      size_t n)
{
	int w = xs_ring_write(i->req, i->req_cons, i->req_prod, p, n);

	CHECK_EQ(w, (int)n);
	i->req_prod += (uint32_t)n;
}

static size_t guest_get(struct xenstore_domain_interface *i, void *p,
			size_t max)
{
	int r = xs_ring_read(i->rsp, i->rsp_cons, i->rsp_prod, p, max);

	CHECK(r >= 0);
	i->rsp_cons += (uint32_t)r;
	return (size_t)r;
}

TEST(ring_request_and_reply)
{
	struct xenstore_domain_interface *i;
	uint8_t buf[128];
	struct conn *c;
	size_t n;

	fresh();
	c = ring_conn_fake(0, &i);
	n = xs_build_msg(buf, sizeof(buf), XS_READ, 42, 0, "/tool\0", 6);
	guest_put(i, buf, n);
	ring_conn_service(c);
	CHECK_EQ(i->req_cons, i->req_prod);
	n = guest_get(i, buf, sizeof(buf));
	CHECK_EQ(n, 16);
	CHECK_EQ(buf[0], XS_READ);
	CHECK_EQ(buf[4], 42);
	CHECK_EQ(buf[12], 0);
}

TEST(ring_large_reply_flows_as_guest_consumes)
{
	struct xenstore_domain_interface *i;
	static char val[3000];
	uint8_t buf[4200];
	struct conn *c, *d0;
	size_t n, got = 0;

	fresh();
	d0 = client();
	memset(val, 'v', 2999);
	xs_write(d0, 0, "/big", val);
	c = ring_conn_fake(0, &i);
	n = xs_build_msg(buf, sizeof(buf), XS_READ, 1, 0, "/big\0", 5);
	guest_put(i, buf, n);
	for (int k = 0; k < 10 && got < 16 + 2999; k++) {
		ring_conn_service(c);
		got += guest_get(i, buf + got, sizeof(buf) - got);
	}
	CHECK_EQ(got, 16 + 2999);
	CHECK_EQ(buf[16 + 2998], 'v');
}

TEST(ring_garbage_indices_drop_the_connection)
{
	struct xenstore_domain_interface *i;
	struct conn *c, *d0;

	fresh();
	d0 = client();
	c = ring_conn_fake(5, &i);
	i->req_prod = 5000; /* more than a ring's worth */
	ring_conn_service(c);
	CHECK(c->ignored);
	CHECK_EQ(i->error, XENSTORE_ERROR_RINGIDX);
	CHECK_EQ(i->req_cons, 0);
	/* Others are unaffected. */
	CHECK_STR(xs_read(d0, 0, "/tool"), "");
}

TEST(ring_oversized_message_is_protocol_error)
{
	struct xenstore_domain_interface *i;
	struct xs_msg_header h = { XS_WRITE, 1, 0, 5000 };
	struct conn *c;

	fresh();
	c = ring_conn_fake(6, &i);
	guest_put(i, &h, sizeof(h));
	ring_conn_service(c);
	CHECK(c->ignored);
	CHECK_EQ(i->error, XENSTORE_ERROR_PROTO);
}

TEST(ring_reconnect_resets)
{
	struct xenstore_domain_interface *i;
	struct conn *c;
	uint8_t buf[64];
	size_t n;

	fresh();
	c = ring_conn_fake(0, &i);
	n = xs_build_msg(buf, sizeof(buf), XS_WATCH, 1, 0, "/x\0t\0", 5);
	guest_put(i, buf, n);
	ring_conn_service(c);
	CHECK_EQ(c->nwatches, 1);
	CHECK(i->server_features & XENSTORE_SERVER_FEATURE_RECONNECTION);
	i->connection = XENSTORE_RECONNECT;
	ring_conn_service(c);
	CHECK_EQ(i->connection, XENSTORE_CONNECTED);
	CHECK_EQ(c->nwatches, 0);
	CHECK_EQ(i->rsp_prod, 0);
	CHECK_EQ(i->req_prod, 0);
}

TEST(ring_reintroduce_revives_an_ignored_domain)
{
	struct xenstore_domain_interface *i;
	struct conn *d0 = NULL, *c;
	uint8_t buf[64];
	size_t n;

	fresh();
	d0 = client();
	CHECK_STR(xs_result(reqv(d0, XS_INTRODUCE, 0, 3, "9", "0", "2")), "OK");
	for (c = conn_first(); c; c = c->next)
		if (c->ops == &ring_transport)
			break;
	CHECK(c != NULL);
	if (!c)
		return;
	i = ring_conn_page(c);
	i->req_prod = 99999;
	ring_conn_service(c);
	CHECK(c->ignored);
	/* The toolstack introduces it again: a clean connection. */
	CHECK_STR(xs_result(reqv(d0, XS_INTRODUCE, 0, 3, "9", "0", "2")), "OK");
	CHECK(!c->ignored);
	CHECK_EQ(i->req_prod, 0);
	CHECK_EQ(i->error, XENSTORE_ERROR_NONE);
	n = xs_build_msg(buf, sizeof(buf), XS_GET_DOMAIN_PATH, 5, 0, "9", 2);
	CHECK_EQ(xs_ring_write(i->req, 0, 0, buf, n), (int)n);
	i->req_prod = (uint32_t)n;
	ring_conn_service(c);
	CHECK_EQ(i->rsp_prod, 16 + 16);
	CHECK(!memcmp(i->rsp + 16, "/local/domain/9", 16));
}
