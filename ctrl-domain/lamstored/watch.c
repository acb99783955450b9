// SPDX-License-Identifier: MIT
/*
 * Watches: a connection names a path and a token; every change at or
 * below the path queues a WATCH_EVENT (path, token) to it, provided it
 * may read the node (or its parent). Watches on @introduceDomain and
 * @releaseDomain see domains come and go.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lamstored.h"

/* Privileged clients have no watch quota in Xen; bound their memory. */
#define WATCH_BYTES_PRIV_MAX (4u * 1024 * 1024)

struct watch {
	struct watch *next;
	char *path; /* absolute, or @name */
	char *token;
	char *home; /* relative watches: prefix stripped from events */
	size_t bytes;
	uint32_t domid; /* charged `charge` bytes of its memory quota */
	long charge;
};

static size_t watch_bytes(const struct conn *c)
{
	size_t n = 0;

	for (const struct watch *w = c->watches; w; w = w->next)
		n += w->bytes;
	return n;
}

static int watch_check_path(struct conn *c, const char *in, char *out,
			    bool *relative)
{
	if (in[0] == '@') {
		*relative = false;
		if (strlen(in) > XENSTORE_REL_PATH_MAX)
			return XS_EINVAL;
		strcpy(out, in);
		return 0;
	}
	*relative = in[0] != '/';
	if (path_canonical(c, in, out, PATH_BUF) || !path_valid(out))
		return XS_EINVAL;
	return 0;
}

static const char *event_path(const struct watch *w, const char *path)
{
	if (!w->home)
		return path;
	path += strlen(w->home);
	return *path == '/' ? path + 1 : path;
}

int watch_add(struct conn *c, const char *in, const char *token)
{
	char path[PATH_BUF], home[32];
	struct watch *w, **pp;
	bool relative;
	long charge;
	int rc;

	rc = watch_check_path(c, in, path, &relative);
	if (rc)
		return rc;
	for (w = c->watches; w; w = w->next)
		if (!strcmp(w->path, path) && !strcmp(w->token, token))
			return XS_EEXIST;
	/* Exactly quota_watches (Xen 4.17 lets one more in; see docs). */
	if (quota_applies(c) && c->domain->nbwatch >= (unsigned)quota_watches)
		return XS_E2BIG;
	charge = (long)(strlen(path) + strlen(token));
	if (quota_applies(c) && quota_memory_refuses(c->id, charge))
		return XS_ENOMEM;
	if (!quota_applies(c) && watch_bytes(c) + strlen(path) + strlen(token) >
					 WATCH_BYTES_PRIV_MAX)
		return XS_E2BIG;
	w = xzalloc(sizeof(*w));
	w->path = xstrdup(path);
	w->token = xstrdup(token);
	if (relative) {
		snprintf(home, sizeof(home), "/local/domain/%u", c->id);
		w->home = xstrdup(home);
	}
	w->bytes = sizeof(*w) + strlen(path) + strlen(token) + 2;
	w->domid = c->id;
	w->charge = charge;
	domain_account(w->domid, 0, charge);
	for (pp = &c->watches; *pp; pp = &(*pp)->next)
		;
	*pp = w;
	c->nwatches++;
	if (c->domain)
		c->domain->nbwatch++;
	return 0;
}

static void watch_free(struct conn *c, struct watch *w)
{
	c->nwatches--;
	if (c->domain && c->domain->nbwatch)
		c->domain->nbwatch--;
	domain_account(w->domid, 0, -w->charge);
	free(w->path);
	free(w->token);
	free(w->home);
	free(w);
}

int watch_remove(struct conn *c, const char *in, const char *token)
{
	char path[PATH_BUF];
	struct watch **pp, *w;

	if (path_canonical(c, in, path, sizeof(path)))
		return XS_ENOENT;
	for (pp = &c->watches; (w = *pp); pp = &w->next) {
		if (!strcmp(w->path, path) && !strcmp(w->token, token)) {
			*pp = w->next;
			watch_free(c, w);
			return 0;
		}
	}
	return XS_ENOENT;
}

void watch_remove_all(struct conn *c)
{
	struct watch *w;

	while ((w = c->watches)) {
		c->watches = w->next;
		watch_free(c, w);
	}
}

static bool may_see(struct conn *c, const char *path, const struct perms *p)
{
	char parent[PATH_BUF];
	struct node *n;

	if (p && (perm_for_conn(c, p) & XS_PERM_READ))
		return true;
	n = store_get(path);
	if (n && (perm_for_conn(c, &n->perms) & XS_PERM_READ))
		return true;
	if (!n)
		return false;
	path_parent(path, parent);
	n = store_get(parent);
	return n && (perm_for_conn(c, &n->perms) & XS_PERM_READ);
}

static void fire_conn(struct conn *c, const char *path, bool exact)
{
	for (struct watch *w = c->watches; w; w = w->next) {
		if (exact ? !strcmp(path, w->path) :
			    path_is_child(path, w->path))
			conn_queue_event(c, event_path(w, path), w->token);
	}
}

void watch_fire(struct access *a, const char *path, bool exact,
		const struct perms *perms)
{
	struct tx_entry *e;

	if (a->tx) {
		e = txn_entry(a->tx, path);
		if (e)
			tx_entry_queue_watch(e, exact);
		return;
	}
	for (struct conn *c = conn_first(); c; c = c->next) {
		if (c->dead || c->ignored || !c->watches)
			continue;
		if (may_see(c, path, perms))
			fire_conn(c, path, exact);
	}
}

void watch_fire_special(const char *name)
{
	const struct perms *p = domain_special_perms(name);

	for (struct conn *c = conn_first(); c; c = c->next) {
		if (c->dead || c->ignored || !c->watches)
			continue;
		if (perm_for_conn(c, p) & XS_PERM_READ)
			fire_conn(c, name, true);
	}
}
