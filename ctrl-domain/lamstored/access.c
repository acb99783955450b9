// SPDX-License-Identifier: MIT
/*
 * Node access as one connection sees it: inside a transaction its own
 * copies, elsewhere the global database; with Xen's rules for what an
 * error may reveal, for implicit creation of parents, and for removal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lamstored.h"

struct node *access_read(struct access *a, const char *path, int *err)
{
	struct node *global, *n;
	struct tx_entry *e;
	int rc;

	if (a->tx) {
		e = txn_entry(a->tx, path);
		if (!e) {
			rc = txn_record(a->conn, a->tx, path, store_get(path),
					&e);
			if (rc) {
				*err = rc;
				return NULL;
			}
		}
		n = tx_entry_node(e);
	} else {
		global = store_get(path);
		n = global;
	}
	if (!n)
		*err = XS_ENOENT;
	return n;
}

/* Errors that are always reported, whatever the caller may see. */
static bool err_propagates(int err)
{
	return err == XS_ENOMEM || err == XS_ENOSPC;
}

/*
 * A failed lookup must not tell a client about nodes it could not read:
 * unless the closest existing ancestor grants it `perm`, say EACCES.
 */
static int err_from_parents(struct access *a, const char *path, int err,
			    unsigned int perm)
{
	char parent[PATH_BUF];
	struct node *n = NULL;
	int rc = 0;

	strcpy(parent, path);
	while (strcmp(parent, "/")) {
		path_parent(parent, parent);
		n = access_read(a, parent, &rc);
		if (n)
			break;
		if (err_propagates(rc))
			return rc;
	}
	if (!n)
		return XS_EACCES;
	return (perm_for_conn(a->conn, &n->perms) & perm) ? err : XS_EACCES;
}

struct node *access_get(struct access *a, const char *path, unsigned int perm,
			int *err)
{
	struct node *n;

	if (!path_valid(path)) {
		*err = XS_EINVAL;
		return NULL;
	}
	n = access_read(a, path, err);
	if (n && (perm_for_conn(a->conn, &n->perms) & perm) != perm) {
		*err = XS_EACCES;
		n = NULL;
	}
	if (!n && !err_propagates(*err))
		*err = err_from_parents(a, path, *err, perm);
	return n;
}

/* A node costs its owner; a transaction's copies, the client's domain. */
static uint32_t payer_of(const struct access *a, const struct node *n)
{
	return a->tx ? a->conn->id : n->perms.p[0].id;
}

/*
 * Xen's memory quota: storing n (plus `extra` bytes of new nodes charged
 * to the same domain) must keep that domain below the hard limit. Xen
 * reports a refused node write as EIO.
 */

static int memory_check(struct access *a, const struct node *n, long extra)
{
	long delta = (long)node_memory(n) + extra;
	const struct node *old;
	struct tx_entry *e;

	if (!quota_applies(a->conn))
		return 0;
	if (a->tx) {
		/* What the entry is charged now, copy or absence. */
		e = txn_entry(a->tx, n->path);
		if (e)
			delta -= tx_entry_cost(n->path, tx_entry_node(e));
	} else {
		/* In the store: what it is charged now (it may grow in place). */
		old = store_get(n->path);
		if (old && old->perms.p[0].id == payer_of(a, n))
			delta -= old->acc;
	}
	return quota_memory_refuses(payer_of(a, n), delta) ? XS_EIO : 0;
}

int access_write(struct access *a, struct node *n, bool check_quota)
{
	struct tx_entry *e;
	int rc;

	if (check_quota && quota_applies(a->conn) &&
	    node_record_size(n) >= (uint32_t)quota_node_size) {
		node_free(n);
		return XS_ENOSPC;
	}
	rc = check_quota ? memory_check(a, n, 0) : 0;
	if (rc) {
		node_free(n);
		return rc;
	}
	if (!a->tx) {
		store_put(n);
		return 0;
	}
	e = txn_entry(a->tx, n->path);
	if (!e) {
		rc = txn_record(a->conn, a->tx, n->path, store_get(n->path),
				&e);
		if (rc) {
			node_free(n);
			return rc;
		}
	}
	tx_entry_set(a->tx, e, n);
	return 0;
}

static int own_entries(struct access *a)
{
	struct domain *d = domain_find(a->conn->id);

	return d ? d->nbentry : 0;
}

/* made[0..levels) are new nodes, made[levels] their grown parent. */
static int create_memory_check(struct access *a, struct node **made,
			       unsigned int levels)
{
	bool same = payer_of(a, made[levels]) == a->conn->id;
	long fresh = 0;

	/* An unprivileged creator owns (and pays for) the new nodes. */
	for (unsigned int i = 0; i < levels; i++)
		fresh += node_memory(made[i]);
	if (!same && quota_applies(a->conn) &&
	    quota_memory_refuses(a->conn->id, fresh))
		return XS_EIO;
	return memory_check(a, made[levels], same ? fresh : 0);
}

int access_create(struct access *a, const char *path, const void *data,
		  uint32_t len, struct node **out)
{
	char *level[PATH_BUF / 2];
	char cur[PATH_BUF], parent_name[PATH_BUF];
	struct node *parent, *made[PATH_BUF / 2 + 1];
	unsigned int levels = 0, i;
	int rc = 0;

	/* Walk up to the closest existing ancestor: level[0] is path. */
	strcpy(cur, path);
	for (;;) {
		level[levels++] = xstrdup(cur);
		path_parent(cur, parent_name);
		parent = access_read(a, parent_name, &rc);
		if (parent)
			break;
		if (rc != XS_ENOENT || !strcmp(parent_name, "/"))
			goto out;
		strcpy(cur, parent_name);
	}
	rc = 0;
	if (quota_applies(a->conn) &&
	    own_entries(a) + (int)levels > quota_nodes) {
		rc = XS_ENOSPC;
		goto out;
	}
	/*
	 * Build top-down; made[levels] is the existing parent with its new
	 * child, made[0] the new leaf. New nodes inherit their parent's
	 * permissions, but unprivileged domains own what they create.
	 * Outside transactions the parent gains its child in place: copying
	 * a directory of thousands of names per create would be quadratic.
	 */
	made[levels] = a->tx ? node_dup(parent) : parent;
	for (i = levels; i-- > 0;) {
		node_add_child(made[i + 1], path_base(level[i]));
		made[i] = node_new(level[i], &made[i + 1]->perms);
		if (!conn_is_privileged(a->conn))
			made[i]->perms.p[0].id = a->conn->id;
	}
	node_set_data(made[0], data, len);
	for (i = 0; i <= levels; i++)
		if (quota_applies(a->conn) &&
		    node_record_size(made[i]) >= (uint32_t)quota_node_size)
			rc = XS_ENOSPC;
	if (!rc)
		rc = create_memory_check(a, made, levels);
	if (rc) {
		for (i = 0; i < levels; i++)
			node_free(made[i]);
		if (a->tx)
			node_free(made[levels]);
		else
			node_del_child(parent, path_base(level[levels - 1]));
		goto out;
	}
	for (i = 0; i < levels && !rc; i++)
		rc = access_write(a, made[i], false);
	while (i < levels)
		node_free(made[i++]);
	if (a->tx && rc)
		node_free(made[levels]);
	else if (a->tx)
		rc = access_write(a, made[levels], false);
	else
		store_touch(parent);
	if (rc)
		goto out;
	if (a->tx && quota_applies(a->conn))
		txn_note_created(a->tx, (int)levels);
	*out = access_read(a, path, &rc);
out:
	for (i = 0; i < levels; i++)
		free(level[i]);
	return rc;
}

/* A node being removed, with the children still to visit. */
struct rm_frame {
	char *path;
	char *kids;
	uint32_t len, off;
};

struct rm_walk {
	struct rm_frame *st;
	size_t depth, cap;
};

/* Takes path; an absent node is already removed. */
static int rm_push(struct access *a, struct rm_walk *w, char *path)
{
	struct rm_frame *f;
	struct node *n;
	int rc = 0;

	n = access_read(a, path, &rc);
	if (!n) {
		free(path);
		return rc == XS_ENOENT ? 0 : rc;
	}
	if (w->depth == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 16;
		w->st = xrealloc(w->st, w->cap * sizeof(*w->st));
	}
	f = &w->st[w->depth++];
	f->path = path;
	f->kids = xmemdup(n->children, n->childlen);
	f->len = n->childlen;
	f->off = 0;
	return 0;
}

static void rm_pop(struct rm_walk *w)
{
	struct rm_frame *f = &w->st[--w->depth];

	free(f->path);
	free(f->kids);
}

static void remove_node(struct access *a, const char *path, const char *root)
{
	struct node *n;
	struct perms perms;
	int rc;

	n = access_read(a, path, &rc);
	if (!n)
		return;
	/* Fire while the node's permissions can still be seen. */
	perms_copy(&perms, &n->perms);
	watch_fire(a, path, strcmp(path, root) != 0, &perms);
	perms_free(&perms);
	if (a->tx)
		tx_entry_set(a->tx, txn_entry(a->tx, path), NULL);
	else
		store_del(path);
}

/*
 * Remove root and everything below it, children first in creation order.
 * The walk keeps its stack on the heap: a tree as deep as the path limit
 * allows (a thousand levels) must not run the C stack out.
 */
static int remove_tree(struct access *a, const char *root)
{
	struct rm_walk w = { NULL, 0, 0 };
	struct rm_frame *f;
	const char *name;
	size_t len;
	char *child;
	int rc;

	rc = rm_push(a, &w, xstrdup(root));
	while (!rc && w.depth) {
		f = &w.st[w.depth - 1];
		if (f->off == f->len) {
			remove_node(a, f->path, root);
			rm_pop(&w);
			continue;
		}
		name = f->kids + f->off;
		f->off += (uint32_t)strlen(name) + 1;
		len = strlen(f->path) + strlen(name) + 2;
		if (len > PATH_BUF)
			continue;
		child = xmalloc(len);
		snprintf(child, len, "%s/%s",
			 strcmp(f->path, "/") ? f->path : "", name);
		rc = rm_push(a, &w, child);
	}
	while (w.depth)
		rm_pop(&w);
	free(w.st);
	return rc;
}

int access_rm(struct access *a, const char *path)
{
	char parent_name[PATH_BUF];
	struct node *parent;
	int rc = 0;

	path_parent(path, parent_name);
	parent = access_read(a, parent_name, &rc);
	if (!parent)
		return err_propagates(rc) ? rc : XS_EINVAL;
	rc = remove_tree(a, path);
	if (rc)
		return rc;
	parent = access_read(a, parent_name, &rc);
	if (!parent)
		return XS_EIO;
	parent = node_dup(parent);
	if (!node_del_child(parent, path_base(path))) {
		node_free(parent);
		return XS_EIO;
	}
	return access_write(a, parent, false);
}
