// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness over the xenstore message parser and lamstored's
 * request handler. The first input byte picks the target:
 *   even: the codec alone (reader in odd-sized chunks, argument
 *         splitting, ring copies with hostile indices);
 *   odd:  the daemon core, fresh for each input, with three clients
 *         (two dom0 tools and, via the test hook, a guest) and one fake
 *         ring; the rest of the input is a stream of (selector, length,
 *         bytes) chunks fed to them.
 * After each input the store must be a consistent tree whose per-domain
 * node counts match what the domains are charged, each node charged what
 * it costs, and (once watches and transactions are gone) each domain's
 * memory what its nodes cost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../ctrl-domain/lamstored/lamstored.h"

static ssize_t sink_read(struct conn *c, void *buf, size_t len)
{
	(void)c;
	(void)buf;
	(void)len;
	return 0;
}

static ssize_t sink_write(struct conn *c, const void *buf, size_t len)
{
	(void)c;
	(void)buf;
	return (ssize_t)len;
}

static const struct transport_ops sink_ops = {
	.name = "fuzz",
	.read = sink_read,
	.write = sink_write,
};

static void fuzz_codec(const uint8_t *d, size_t n)
{
	static struct xs_reader r;
	const char *argv[8];
	char ring[XENSTORE_RING_SIZE], out[XENSTORE_RING_SIZE + 8];
	size_t off = 0, used, step;
	uint32_t cons, prod;

	xs_reader_init(&r);
	while (off < n) {
		step = 1 + d[off] % 37;
		if (step > n - off)
			step = n - off;
		if (xs_reader_feed(&r, d + off, step, &used) == XS_READER_BAD)
			break;
		if (r.done) {
			xs_split_args(xs_reader_payload(&r), r.hdr.len, argv,
				      8);
			xs_single_arg(xs_reader_payload(&r), r.hdr.len);
		}
		off += used ? used : step;
	}
	if (n >= 8) {
		memcpy(&cons, d, 4);
		memcpy(&prod, d + 4, 4);
		memset(ring, 'r', sizeof(ring));
		if (xs_ring_read(ring, cons, prod, out, sizeof(out)) >
		    (int)XENSTORE_RING_SIZE)
			abort();
		if (xs_ring_write(ring, cons, prod, d, n) >
		    (int)XENSTORE_RING_SIZE)
			abort();
	}
}

struct tally {
	size_t nodes;
	uint32_t owners[64];
	int counts[64];
	long bytes[64];
	int nowners;
};

static bool count_node(struct node *n, void *arg)
{
	struct tally *t = arg;
	int i;

	t->nodes++;
	for (i = 0; i < t->nowners; i++)
		if (t->owners[i] == n->perms.p[0].id)
			break;
	if (i == t->nowners && i < 64) {
		t->owners[i] = n->perms.p[0].id;
		t->counts[i] = 0;
		t->bytes[i] = 0;
		t->nowners++;
	}
	if (i < 64) {
		t->counts[i]++;
		t->bytes[i] += n->acc;
	}
	/* A node changed in place must have been charged again. */
	if (n->acc != node_memory(n)) {
		fprintf(stderr, "%s charged %u, costs %u\n", n->path, n->acc,
			node_memory(n));
		abort();
	}
	return true;
}

static long owned_bytes(const struct tally *t, uint32_t domid)
{
	for (int i = 0; i < t->nowners; i++)
		if (t->owners[i] == domid)
			return t->bytes[i];
	return 0;
}

static void check_invariants(void)
{
	static const uint32_t clients[] = { 0, 3, 4 };
	struct tally t = { 0 };
	struct domain *d;

	store_walk("/", count_node, &t);
	/* Every node hangs off the root: no orphans, no dangling names. */
	if (t.nodes != store_count()) {
		fprintf(stderr, "reachable %zu != stored %zu\n", t.nodes,
			store_count());
		abort();
	}
	for (int i = 0; i < t.nowners; i++) {
		d = domain_find(t.owners[i]);
		if (!d || d->nbentry != t.counts[i]) {
			fprintf(stderr, "domain %u charged %d, owns %d\n",
				t.owners[i], d ? d->nbentry : -1, t.counts[i]);
			abort();
		}
	}
	/* Without watches and transactions, memory is what nodes cost. */
	conn_destroy_all();
	for (int i = 0; i < t.nowners + 3; i++) {
		uint32_t id = i < t.nowners ? t.owners[i] :
					      clients[i - t.nowners];

		d = domain_find(id);
		if (d && d->memory != owned_bytes(&t, id)) {
			fprintf(stderr,
				"domain %u memory %ld, nodes cost %ld\n", id,
				d->memory, owned_bytes(&t, id));
			abort();
		}
	}
}

static void fuzz_daemon(const uint8_t *d, size_t n)
{
	struct xenstore_domain_interface *intf;
	struct conn *c[4];
	size_t off = 0, len;
	int w;

	core_init(true);
	c[0] = conn_new(&sink_ops, NULL, -1);
	c[1] = conn_new(&sink_ops, NULL, -1);
	c[2] = conn_new(&sink_ops, NULL, -1);
	c[2]->domain = domain_get(3);
	c[2]->id = 3;
	c[3] = ring_conn_fake(4, &intf);
	c[3]->domain = domain_get(4);
	while (off + 2 <= n) {
		uint8_t sel = d[off];

		len = d[off + 1];
		off += 2;
		if (len > n - off)
			len = n - off;
		if ((sel & 3) == 3) {
			/* The guest writes raw bytes, or scribbles an index. */
			if (sel & 0x80) {
				intf->req_prod += len;
			} else {
				w = xs_ring_write(intf->req, intf->req_cons,
						  intf->req_prod, d + off, len);
				if (w > 0)
					intf->req_prod += (uint32_t)w;
			}
			if (sel & 0x40)
				intf->rsp_cons = intf->rsp_prod - len * 9;
			ring_conn_service(c[3]);
		} else if (!c[sel & 3]->dead) {
			conn_feed(c[sel & 3], d + off, len);
		}
		off += len;
		for (struct conn *k = conn_first(); k; k = k->next)
			if (!k->dead && k->ops == &sink_ops)
				conn_flush(k);
	}
	check_invariants();
	core_fini();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		fuzz_daemon(data + 1, size - 1);
	else
		fuzz_codec(data + 1, size - 1);
	return 0;
}
