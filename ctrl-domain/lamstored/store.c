// SPDX-License-Identifier: MIT
/*
 * The node database: a flat map from absolute path to node, like Xen's
 * TDB. Each node keeps its children's names in creation order as a
 * NUL-separated string, which is exactly what DIRECTORY returns. Every
 * store into the database takes a fresh generation count, which
 * transactions compare to detect conflicts.
 */
#include <stdlib.h>
#include <string.h>

#include "lamstored.h"

static struct strmap nodes;
static uint64_t generation;

struct node *node_new(const char *path, const struct perms *perms)
{
	struct node *n = xzalloc(sizeof(*n));

	n->path = xstrdup(path);
	perms_copy(&n->perms, perms);
	n->gen = NO_GENERATION;
	return n;
}

struct node *node_dup(const struct node *src)
{
	struct node *n = xzalloc(sizeof(*n));

	n->path = xstrdup(src->path);
	n->data = xmemdup(src->data, src->datalen);
	n->datalen = src->datalen;
	n->children = xmemdup(src->children, src->childlen);
	n->childlen = src->childlen;
	perms_copy(&n->perms, &src->perms);
	n->gen = src->gen;
	return n;
}

void node_free(struct node *n)
{
	if (!n)
		return;
	free(n->path);
	free(n->data);
	free(n->children);
	perms_free(&n->perms);
	free(n);
}

static void node_free_void(void *n)
{
	node_free(n);
}

void node_set_data(struct node *n, const void *data, uint32_t len)
{
	free(n->data);
	n->data = xmemdup(data, len);
	n->datalen = len;
}

void node_set_perms(struct node *n, const struct perms *p)
{
	perms_free(&n->perms);
	perms_copy(&n->perms, p);
}

void node_add_child(struct node *n, const char *name)
{
	size_t l = strlen(name) + 1;

	n->children = xrealloc(n->children, n->childlen + l);
	memcpy(n->children + n->childlen, name, l);
	n->childlen += l;
}

bool node_del_child(struct node *n, const char *name)
{
	uint32_t off = 0, l;

	while (off < n->childlen) {
		l = strlen(n->children + off) + 1;
		if (!strcmp(n->children + off, name)) {
			memmove(n->children + off, n->children + off + l,
				n->childlen - off - l);
			n->childlen -= l;
			return true;
		}
		off += l;
	}
	return false;
}

uint32_t node_record_size(const struct node *n)
{
	/* Header (generation, three counts, padded) + 8 bytes per perm. */
	return 24 + 8 * n->perms.num + n->datalen + n->childlen;
}

uint32_t node_memory(const struct node *n)
{
	/* Xen charges the record and its database key, the path. */
	return node_record_size(n) + (uint32_t)strlen(n->path);
}

static void add_root(const char *path, const char *child)
{
	struct perm owner = { 0, XS_PERM_NONE, false };
	struct perms p = { 1, &owner };
	struct node *n = node_new(path, &p);

	if (child)
		node_add_child(n, child);
	store_put(n);
}

void store_init(void)
{
	strmap_init(&nodes);
	generation = 0;
	add_root("/", "tool");
	add_root("/tool", "xenstored");
	add_root("/tool/xenstored", NULL);
}

void store_reset(void)
{
	strmap_free(&nodes, node_free_void);
}

uint64_t store_next_gen(void)
{
	return ++generation;
}

struct node *store_get(const char *path)
{
	return strmap_get(&nodes, path);
}

void store_put(struct node *n)
{
	struct node *old;

	n->gen = store_next_gen();
	n->acc = node_memory(n);
	old = strmap_put(&nodes, n->path, n);
	if (old) {
		domain_account(old->perms.p[0].id, -1, -(long)old->acc);
		node_free(old);
	}
	domain_account(n->perms.p[0].id, 1, n->acc);
}

void store_touch(struct node *n)
{
	uint32_t acc = node_memory(n);

	n->gen = store_next_gen();
	domain_account(n->perms.p[0].id, 0, (long)acc - (long)n->acc);
	n->acc = acc;
}

void store_del(const char *path)
{
	struct node *old = strmap_del(&nodes, path);

	if (old) {
		domain_account(old->perms.p[0].id, -1, -(long)old->acc);
		node_free(old);
	}
}

size_t store_count(void)
{
	return nodes.n;
}

static void walk(const char *path, bool (*fn)(struct node *, void *), void *arg)
{
	struct node *n = store_get(path);
	char *kids, *child;
	uint32_t len, off;
	size_t plen = strlen(path);

	if (!n || !fn(n, arg))
		return;
	/* fn may change the tree: walk a copy of the child list. */
	n = store_get(path);
	if (!n || !n->childlen)
		return;
	len = n->childlen;
	kids = xmemdup(n->children, len);
	for (off = 0; off < len; off += strlen(kids + off) + 1) {
		child = xmalloc(plen + strlen(kids + off) + 2);
		strcpy(child, plen > 1 ? path : "");
		strcat(child, "/");
		strcat(child, kids + off);
		walk(child, fn, arg);
		free(child);
	}
	free(kids);
}

void store_walk(const char *root, bool (*fn)(struct node *, void *), void *arg)
{
	walk(root, fn, arg);
}
