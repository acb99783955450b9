// SPDX-License-Identifier: MIT
/*
 * Connections, whatever their transport: assemble requests from the byte
 * stream, queue replies and events, and apply back-pressure. A client
 * that does not read its replies stops being read (its kernel buffer
 * then fills and it blocks), so it cannot make us queue without bound;
 * events for it beyond a hard limit are dropped and counted.
 */
#include <stdlib.h>
#include <string.h>

#include "lamstored.h"

/* Requests handled per connection per loop turn: keeps others served. */
#define BATCH 64
/* Beyond this many queued messages, skip the duplicate-event scan. */
#define DEDUP_SCAN_MAX 512

static struct conn *head, *tail;

struct conn *conn_new(const struct transport_ops *ops, void *priv, int fd)
{
	struct conn *c = xzalloc(sizeof(*c));

	c->ops = ops;
	c->priv = priv;
	c->fd = fd;
	xs_reader_init(&c->rd);
	c->prev = tail;
	if (tail)
		tail->next = c;
	else
		head = c;
	tail = c;
	return c;
}

struct conn *conn_first(void)
{
	return head;
}

static void free_output(struct conn *c)
{
	struct outmsg *m;

	while ((m = c->out_head)) {
		c->out_head = m->next;
		free(m);
	}
	c->out_tail = NULL;
	c->out_bytes = c->out_off = 0;
	c->out_count = 0;
}

void conn_mark_dead(struct conn *c)
{
	if (c->dead)
		return;
	watch_remove_all(c);
	txn_destroy_all(c);
	free_output(c);
	c->dead = true;
}

void conn_reset(struct conn *c)
{
	watch_remove_all(c);
	txn_destroy_all(c);
	free_output(c);
	xs_reader_init(&c->rd);
	c->in_len = c->in_off = 0;
}

void conn_fail(struct conn *c, uint32_t err)
{
	if (!c->ops || !c->ops->fail) {
		conn_mark_dead(c);
		return;
	}
	/* A domain keeps its connection until RELEASE; it just goes deaf. */
	conn_reset(c);
	c->ignored = true;
	c->ops->fail(c, err);
}

static void conn_free(struct conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		tail = c->prev;
	if (c->ops && c->ops->destroy)
		c->ops->destroy(c);
	free(c->inbuf);
	free(c);
}

bool conn_reap(void)
{
	struct conn *c, *next;
	bool any = false;

	for (c = head; c; c = next) {
		next = c->next;
		if (c->dead) {
			conn_free(c);
			any = true;
		}
	}
	return any;
}

void conn_destroy_all(void)
{
	for (struct conn *c = head; c; c = c->next)
		conn_mark_dead(c);
	conn_reap();
}

bool conn_can_read(const struct conn *c)
{
	if (c->dead || c->ignored)
		return false;
	if (c->out_bytes >= OUT_SOFT_LIMIT)
		return false;
	return !(quota_applies(c) &&
		 c->out_count >= (unsigned int)quota_outstanding);
}

/*
 * Assemble and handle messages from p[0..n); stops early (returning the
 * bytes used) once the connection may not be read any more.
 */
static size_t got_bytes(struct conn *c, const uint8_t *p, size_t n,
			unsigned int *handled, bool obey_limits)
{
	enum xs_reader_status st;
	size_t used, total = 0;

	while (total < n && !c->dead && !c->ignored) {
		if (obey_limits && (*handled >= BATCH || !conn_can_read(c)))
			break;
		st = xs_reader_feed(&c->rd, p + total, n - total, &used);
		total += used;
		if (st == XS_READER_BAD) {
			log_msg("conn %p: payload of %u bytes, dropping",
				(void *)c, c->rd.hdr.len);
			conn_fail(c, XENSTORE_ERROR_PROTO);
			break;
		}
		if (st == XS_READER_MSG) {
			process_message(c, &c->rd.hdr,
					xs_reader_payload(&c->rd));
			(*handled)++;
		}
	}
	return total;
}

void conn_handle_input(struct conn *c)
{
	unsigned int handled = 0;
	size_t used;
	ssize_t n;

	if (!c->inbuf)
		c->inbuf = xmalloc(IN_BUF_SIZE);
	while (handled < BATCH && conn_can_read(c)) {
		if (c->in_off == c->in_len) {
			n = c->ops->read(c, c->inbuf, IN_BUF_SIZE);
			if (n < 0) {
				conn_mark_dead(c);
				return;
			}
			if (n == 0)
				return;
			c->in_len = (size_t)n;
			c->in_off = 0;
		}
		used = got_bytes(c, c->inbuf + c->in_off, c->in_len - c->in_off,
				 &handled, true);
		if (c->dead || c->ignored)
			return; /* its buffers are gone */
		c->in_off += used;
	}
}

bool conn_has_pending_input(const struct conn *c)
{
	return c->in_off < c->in_len && conn_can_read(c);
}

void conn_feed(struct conn *c, const void *data, size_t len)
{
	unsigned int handled = 0;

	got_bytes(c, data, len, &handled, false);
}

bool conn_has_output(const struct conn *c)
{
	return c->out_head != NULL;
}

/* Copy queued messages into one buffer so a write carries many. */
static size_t gather(struct conn *c, uint8_t *buf, size_t cap)
{
	size_t len = 0, skip = c->out_off, n;

	for (struct outmsg *m = c->out_head; m && len < cap; m = m->next) {
		n = m->len - skip;
		if (n > cap - len)
			n = cap - len;
		memcpy(buf + len, m->data + skip, n);
		len += n;
		skip = 0;
	}
	return len;
}

/* Retire `n` written bytes from the head of the queue. */
static void consume(struct conn *c, size_t n)
{
	struct outmsg *m;

	while (n && (m = c->out_head)) {
		size_t left = m->len - c->out_off;

		if (n < left) {
			c->out_off += n;
			return;
		}
		n -= left;
		c->out_head = m->next;
		if (!c->out_head)
			c->out_tail = NULL;
		c->out_bytes -= m->len;
		c->out_count--;
		c->out_off = 0;
		free(m);
	}
}

bool conn_flush(struct conn *c)
{
	uint8_t buf[IN_BUF_SIZE];
	size_t len;
	ssize_t n;

	while (c->out_head && !c->dead) {
		len = gather(c, buf, sizeof(buf));
		n = c->ops->write(c, buf, len);
		if (n < 0) {
			conn_mark_dead(c);
			return false;
		}
		if (n == 0)
			break;
		consume(c, (size_t)n);
		if ((size_t)n < len)
			break;
	}
	return true;
}

static void enqueue(struct conn *c, struct outmsg *m)
{
	m->next = NULL;
	if (c->out_tail)
		c->out_tail->next = m;
	else
		c->out_head = m;
	c->out_tail = m;
	c->out_bytes += m->len;
	c->out_count++;
}

int conn_queue(struct conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
	       const void *data, size_t len)
{
	struct outmsg *m;

	if (c->dead)
		return 0;
	if (len > XENSTORE_PAYLOAD_MAX) {
		const char *e = xs_error_name(XS_E2BIG);

		return conn_queue(c, XS_ERROR, req_id, tx_id, e, strlen(e) + 1);
	}
	m = xmalloc(sizeof(*m) + XS_HEADER_SIZE + len);
	m->len = (uint32_t)xs_build_msg(m->data, XS_HEADER_SIZE + len, type,
					req_id, tx_id, data, len);
	m->event = false;
	enqueue(c, m);
	return 0;
}

static bool already_queued(struct conn *c, const char *payload, size_t len)
{
	if (c->out_count > DEDUP_SCAN_MAX)
		return false;
	for (struct outmsg *m = c->out_head; m; m = m->next)
		if (m->event && m->len == XS_HEADER_SIZE + len &&
		    !memcmp(m->data + XS_HEADER_SIZE, payload, len))
			return true;
	return false;
}

void conn_queue_event(struct conn *c, const char *path, const char *token)
{
	size_t pl = strlen(path) + 1, len = pl + strlen(token) + 1;
	char payload[XENSTORE_PAYLOAD_MAX];
	struct outmsg *m;

	if (c->dead || len > XENSTORE_PAYLOAD_MAX)
		return;
	memcpy(payload, path, pl);
	memcpy(payload + pl, token, len - pl);
	/* Like Xen: an identical event still waiting is not queued twice. */
	if (path[0] != '@' && already_queued(c, payload, len))
		return;
	if (c->out_bytes + XS_HEADER_SIZE + len > OUT_HARD_LIMIT) {
		if (c->events_dropped++ % 1000 == 0)
			log_msg("conn %p (dom %u) not reading: events dropped",
				(void *)c, c->id);
		return;
	}
	m = xmalloc(sizeof(*m) + XS_HEADER_SIZE + len);
	m->len = (uint32_t)xs_build_msg(m->data, XS_HEADER_SIZE + len,
					XS_WATCH_EVENT, 0, 0, payload, len);
	m->event = true;
	enqueue(c, m);
}
