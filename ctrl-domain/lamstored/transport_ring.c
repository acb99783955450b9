// SPDX-License-Identifier: MIT
/*
 * The shared-ring transport for domains. Everything in the page is
 * written by the guest at any time: indices are read once per operation,
 * checked by xs_ring_read/xs_ring_write, and a guest that produces
 * impossible indices gets XENSTORE_ERROR_RINGIDX and is ignored from
 * then on (never an overrun).
 */
#include <stdlib.h>
#include <string.h>

#include "lamstored.h"
#include "transport.h"

struct ring {
	volatile struct xenstore_domain_interface *intf;
	uint32_t domid;
	uint32_t local_port; /* 0: no event channel (fake page) */
	uint64_t handle;
	bool fake, local;
};

static void ring_notify(struct ring *r)
{
	if (r->local_port)
		xendev_notify(r->local_port);
}

static void ring_fail(struct conn *c, uint32_t err)
{
	struct ring *r = c->priv;

	r->intf->error = err;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ring_notify(r);
	log_msg("domain %u: ring error %u, connection ignored", r->domid, err);
}

static ssize_t ring_read(struct conn *c, void *buf, size_t len)
{
	struct ring *r = c->priv;
	XENSTORE_RING_IDX cons, prod;
	int n;

	cons = r->intf->req_cons;
	prod = r->intf->req_prod;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	n = xs_ring_read((const char *)r->intf->req, cons, prod, buf, len);
	if (n < 0) {
		conn_fail(c, XENSTORE_ERROR_RINGIDX);
		return 0;
	}
	if (n) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		r->intf->req_cons = cons + (uint32_t)n;
		ring_notify(r);
	}
	return n;
}

static ssize_t ring_write(struct conn *c, const void *buf, size_t len)
{
	struct ring *r = c->priv;
	XENSTORE_RING_IDX cons, prod;
	int n;

	cons = r->intf->rsp_cons;
	prod = r->intf->rsp_prod;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	n = xs_ring_write((char *)r->intf->rsp, cons, prod, buf, len);
	if (n < 0) {
		conn_fail(c, XENSTORE_ERROR_RINGIDX);
		return 0;
	}
	if (n) {
		__atomic_thread_fence(__ATOMIC_RELEASE);
		r->intf->rsp_prod = prod + (uint32_t)n;
		ring_notify(r);
	}
	return n;
}

static void ring_destroy(struct conn *c)
{
	struct ring *r = c->priv;

	if (r->local_port)
		xendev_unbind(r->local_port);
	if (r->fake)
		free((void *)r->intf);
	else if (!r->local)
		xendev_unmap_ring((void *)r->intf, r->handle);
	free(r);
}

const struct transport_ops ring_transport = {
	.name = "ring",
	.read = ring_read,
	.write = ring_write,
	.destroy = ring_destroy,
	.fail = ring_fail,
};

/* A fresh connection starts from empty rings, as Xen's does. */
static void ring_reset(struct ring *r)
{
	r->intf->req_cons = r->intf->req_prod = 0;
	r->intf->rsp_cons = r->intf->rsp_prod = 0;
	r->intf->server_features = XENSTORE_SERVER_FEATURE_RECONNECTION |
				   XENSTORE_SERVER_FEATURE_ERROR;
	r->intf->error = XENSTORE_ERROR_NONE;
	r->intf->connection = XENSTORE_CONNECTED;
}

static struct conn *ring_conn_new(struct ring *r)
{
	struct conn *c = conn_new(&ring_transport, r, -1);

	c->id = r->domid;
	ring_reset(r);
	return c;
}

struct conn *ring_conn_open(uint32_t domid, uint64_t mfn, uint32_t port,
			    int *err)
{
	struct ring *r = xzalloc(sizeof(*r));
	void *page;

	(void)mfn; /* the page is found by its reserved grant instead */
	r->domid = domid;
	page = xendev_map_ring(domid, &r->handle, err);
	if (!page) {
		free(r);
		return NULL;
	}
	r->intf = page;
	*err = xendev_bind(domid, port, &r->local_port);
	if (*err) {
		xendev_unmap_ring(page, r->handle);
		free(r);
		return NULL;
	}
	return ring_conn_new(r);
}

struct conn *ring_conn_fake(uint32_t domid,
			    struct xenstore_domain_interface **intf)
{
	struct ring *r = xzalloc(sizeof(*r));

	r->domid = domid;
	r->fake = true;
	r->intf = xzalloc(sizeof(struct xenstore_domain_interface));
	if (intf)
		*intf = (struct xenstore_domain_interface *)r->intf;
	return ring_conn_new(r);
}

struct xenstore_domain_interface *ring_conn_page(struct conn *c)
{
	return (struct xenstore_domain_interface *)((struct ring *)c->priv)
		->intf;
}

void ring_conn_restart(struct conn *c)
{
	conn_reset(c);
	c->ignored = false;
	ring_reset(c->priv);
	ring_notify(c->priv);
}

struct conn *ring_conn_local(int *err)
{
	struct ring *r = xzalloc(sizeof(*r));
	struct domain *d0 = domain_get(0);
	struct conn *c;
	uint32_t port;
	void *page;

	page = xendev_map_local(&port, err);
	if (!page) {
		free(r);
		return NULL;
	}
	r->intf = page;
	r->local = true;
	*err = xendev_bind(0, port, &r->local_port);
	if (*err) {
		free(r);
		return NULL;
	}
	c = ring_conn_new(r);
	c->domain = d0;
	d0->conn = c;
	d0->port = port;
	ring_notify(r);
	return c;
}

void ring_conn_service(struct conn *c)
{
	struct ring *r = c->priv;

	if (c->dead || c->ignored)
		return;
	/* The guest asks for a fresh start (suspend/resume, kexec). */
	if (r->intf->connection == XENSTORE_RECONNECT) {
		ring_conn_restart(c);
		return;
	}
	conn_handle_input(c);
	conn_flush(c);
}

void ring_service_all(void)
{
	for (struct conn *c = conn_first(); c; c = c->next)
		if (c->ops == &ring_transport)
			ring_conn_service(c);
}

bool ring_pending(void)
{
	for (struct conn *c = conn_first(); c; c = c->next) {
		struct ring *r = c->priv;

		if (c->ops != &ring_transport || c->dead || c->ignored ||
		    !conn_can_read(c))
			continue;
		if (conn_has_pending_input(c) ||
		    r->intf->req_cons != r->intf->req_prod)
			return true;
	}
	return false;
}

int ring_event_fd(void)
{
	return xendev_evtchn_fd();
}

void ring_handle_event(void)
{
	uint32_t ports[64];
	int n = xendev_pending(ports, 64);

	ring_service_all();
	for (int i = 0; i < n; i++)
		xendev_unmask(ports[i]);
}
