// SPDX-License-Identifier: MIT
/*
 * The in-memory transport: requests are fed straight into the core and
 * replies collect in a buffer, split into messages for the tests.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define MAXQ 4096

struct mem {
	struct msg *q[MAXQ];
	int n;
	uint8_t partial[XS_MSG_MAX];
	size_t have;
};

static bool started;

static ssize_t mem_read(struct conn *c, void *buf, size_t len)
{
	(void)c;
	(void)buf;
	(void)len;
	return 0;
}

static ssize_t mem_write(struct conn *c, const void *buf, size_t len)
{
	struct mem *m = c->priv;
	const uint8_t *p = buf;
	struct xs_msg_header h;
	size_t take;

	for (size_t done = 0; done < len; done += take) {
		take = len - done;
		if (m->have < XS_HEADER_SIZE && take > XS_HEADER_SIZE - m->have)
			take = XS_HEADER_SIZE - m->have;
		if (m->have >= XS_HEADER_SIZE) {
			xs_header_decode(m->partial, &h);
			if (take > XS_HEADER_SIZE + h.len - m->have)
				take = XS_HEADER_SIZE + h.len - m->have;
		}
		memcpy(m->partial + m->have, p + done, take);
		m->have += take;
		if (m->have < XS_HEADER_SIZE)
			continue;
		xs_header_decode(m->partial, &h);
		if (m->have == XS_HEADER_SIZE + h.len && m->n < MAXQ) {
			struct msg *out = calloc(1, sizeof(*out));

			out->hdr = h;
			memcpy(out->body, m->partial + XS_HEADER_SIZE, h.len);
			m->q[m->n++] = out;
			m->have = 0;
		}
	}
	return (ssize_t)len;
}

static void mem_destroy(struct conn *c)
{
	struct mem *m = c->priv;

	for (int i = 0; i < m->n; i++)
		free(m->q[i]);
	free(m);
}

static const struct transport_ops mem_ops = {
	.name = "memory",
	.read = mem_read,
	.write = mem_write,
	.destroy = mem_destroy,
};

void fresh(void)
{
	if (started)
		core_fini();
	core_init(true);
	started = true;
}

struct conn *client(void)
{
	return conn_new(&mem_ops, calloc(1, sizeof(struct mem)), -1);
}

void become(struct conn *c, uint32_t domid)
{
	struct msg *m;
	char id[16];

	snprintf(id, sizeof(id), "%u", domid);
	m = reqv(c, XS_CONTROL, 0, 2, "lamina-test-become", id);
	free(m);
}

struct conn *guest(uint32_t id)
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

const char *set_quota(const char *name, const char *val)
{
	return xs_result(
		reqv(client(), XS_CONTROL, 0, 4, "quota", "set", name, val));
}

static struct msg *take(struct mem *m, int i)
{
	struct msg *out = m->q[i];

	memmove(&m->q[i], &m->q[i + 1], (size_t)(m->n - i - 1) * sizeof(out));
	m->n--;
	return out;
}

struct msg *req(struct conn *c, uint32_t type, uint32_t tx, const void *p,
		size_t len)
{
	static uint32_t next_id = 100;
	uint8_t buf[XS_MSG_MAX + 16];
	struct mem *m = c->priv;
	uint32_t id = next_id++;
	size_t n;

	n = xs_build_msg(buf, sizeof(buf), type, id, tx, p, len);
	if (!n) {
		struct xs_msg_header h = { type, id, tx, (uint32_t)len };

		xs_header_encode(buf, &h);
		n = XS_HEADER_SIZE;
	}
	conn_feed(c, buf, n);
	for (struct conn *o = conn_first(); o; o = o->next)
		if (o->ops == &mem_ops)
			conn_flush(o);
	for (int i = 0; i < m->n; i++)
		if (m->q[i]->hdr.type != XS_WATCH_EVENT &&
		    m->q[i]->hdr.req_id == id)
			return take(m, i);
	return NULL;
}

struct msg *reqv(struct conn *c, uint32_t type, uint32_t tx, int n, ...)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	size_t len = 0, l;
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		const char *s = va_arg(ap, const char *);

		l = strlen(s) + 1;
		memcpy(buf + len, s, l);
		len += l;
	}
	va_end(ap);
	return req(c, type, tx, buf, len);
}

const char *err_of(const struct msg *m)
{
	return m && m->hdr.type == XS_ERROR ? m->body : NULL;
}

int events_pending(struct conn *c)
{
	struct mem *m = c->priv;
	int n = 0;

	for (int i = 0; i < m->n; i++)
		n += m->q[i]->hdr.type == XS_WATCH_EVENT;
	return n;
}

struct msg *next_event(struct conn *c)
{
	struct mem *m = c->priv;

	for (int i = 0; i < m->n; i++)
		if (m->q[i]->hdr.type == XS_WATCH_EVENT)
			return take(m, i);
	return NULL;
}

/* Results live in a small ring of static buffers so tests can compare. */
const char *xs_result(struct msg *m)
{
	static char bufs[8][XENSTORE_PAYLOAD_MAX + 1];
	static int k;
	char *out = bufs[k++ % 8];

	if (!m)
		return "(no reply)";
	memcpy(out, m->body, m->hdr.len);
	out[m->hdr.len] = '\0';
	free(m);
	return out;
}

const char *xs_read(struct conn *c, uint32_t tx, const char *path)
{
	return xs_result(reqv(c, XS_READ, tx, 1, path));
}

const char *xs_write(struct conn *c, uint32_t tx, const char *path,
		     const char *val)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	size_t l = strlen(path) + 1;

	memcpy(buf, path, l);
	memcpy(buf + l, val, strlen(val));
	return xs_result(req(c, XS_WRITE, tx, buf, l + strlen(val)));
}
