// SPDX-License-Identifier: MIT
/*
 * Domains: the ones introduced by the toolstack (each with its ring
 * connection), plus bookkeeping records for any domid that owns nodes.
 * Releasing a domain removes the nodes it owns, drops it from every ACL
 * and fires @releaseDomain, as Xen 4.17 does.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lamstored.h"

static struct domain *domains;
static struct perms introduce_perms, release_perms;
/* Acts for the daemon itself (removing a dead domain's nodes). */
static struct conn daemon_conn;

static void default_perms(struct perms *p)
{
	struct perm dom0_only = { 0, XS_PERM_NONE, false };
	struct perms src = { 1, &dom0_only };

	perms_free(p);
	perms_copy(p, &src);
}

void domain_init(bool test_mode)
{
	struct domain *d0;

	(void)test_mode;
	default_perms(&introduce_perms);
	default_perms(&release_perms);
	d0 = domain_get(0);
	d0->introduced = true;
}

void domain_reset(void)
{
	struct domain *d;

	while ((d = domains)) {
		domains = d->next;
		free(d);
	}
	perms_free(&introduce_perms);
	perms_free(&release_perms);
}

struct domain *domain_find(uint32_t domid)
{
	for (struct domain *d = domains; d; d = d->next)
		if (d->domid == domid)
			return d;
	return NULL;
}

struct domain *domain_get(uint32_t domid)
{
	struct domain *d = domain_find(domid);

	if (d)
		return d;
	d = xzalloc(sizeof(*d));
	d->domid = domid;
	d->next = domains;
	domains = d;
	return d;
}

/* Xen's minimum interval between a domain's soft-quota messages. */
#define SOFT_MSG_SECONDS 5

void domain_account(uint32_t domid, int nodes, long bytes)
{
	struct domain *d = domain_get(domid);
	struct timespec now;
	bool over;

	d->nbentry += nodes;
	d->memory += bytes;
	/*
	 * Xen logs the soft quota's crossings (no error comes of it) at most
	 * once per 5 s: a transaction's copies, charged and given back node
	 * by node, can cross it twice a node within one request.
	 */
	over = domid != 0 && d->memory >= quota_memory_soft;
	if (over == d->over_soft)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < d->soft_msg_next)
		return;
	d->soft_msg_next = now.tv_sec + SOFT_MSG_SECONDS;
	d->over_soft = over;
	log_msg("domain %u %s soft memory quota", domid,
		over ? "exceeds" : "below");
}

/*
 * Without a hypervisor to ask (the host, or before libctrl lands) every
 * domid is taken to exist except those we saw released.
 */
bool domain_exists(uint32_t domid)
{
	struct domain *d = domain_find(domid);

	return !(d && d->gone);
}

bool domain_is_introduced(uint32_t domid)
{
	struct domain *d;

	if (domid == DOMID_SELF)
		return true;
	d = domain_find(domid);
	return d && d->introduced;
}

int domain_introduce(struct conn *by, uint32_t domid, uint64_t mfn,
		     uint32_t port)
{
	struct domain *d = domain_get(domid);
	struct conn *c;
	int err = 0;

	(void)by;
	if (d->introduced && d->conn) {
		/* Re-introduction starts the connection afresh. */
		d->port = port;
		ring_conn_restart(d->conn);
		return 0;
	}
	if (d->introduced)
		return 0;
	c = ring_conn_open(domid, mfn, port, &err);
	if (!c && opt_test_mode)
		c = ring_conn_fake(domid, NULL);
	if (!c)
		return err ? err : XS_EINVAL;
	c->domain = d;
	c->id = domid;
	d->conn = c;
	d->introduced = true;
	d->gone = false;
	d->shutdown = false;
	d->mfn = mfn;
	d->port = port;
	log_msg("introduced domain %u", domid);
	watch_fire_special("@introduceDomain");
	return 0;
}

static struct domain *connected(uint32_t domid, int *err)
{
	struct domain *d = domain_find(domid);

	if (!d || !d->introduced) {
		*err = XS_ENOENT;
		return NULL;
	}
	if (!d->conn) {
		*err = XS_EINVAL;
		return NULL;
	}
	return d;
}

/* Domain 0 is never released or resumed. */
static struct domain *guest(uint32_t domid, int *err)
{
	if (domid == 0) {
		*err = XS_EINVAL;
		return NULL;
	}
	return connected(domid, err);
}

struct owned {
	uint32_t domid;
	char **paths;
	size_t n;
};

static bool collect_owned(struct node *n, void *arg)
{
	struct owned *o = arg;

	/* Forget the domain in ACLs so a future domid reuse gets nothing. */
	for (uint32_t i = 1; i < n->perms.num; i++)
		if (n->perms.p[i].id == o->domid)
			n->perms.p[i].ignore = true;
	if (n->perms.p[0].id != o->domid || !strcmp(n->path, "/"))
		return true;
	o->paths = xrealloc(o->paths, (o->n + 1) * sizeof(*o->paths));
	o->paths[o->n++] = xstrdup(n->path);
	return false;
}

static void drop_from_special(struct perms *p, uint32_t domid)
{
	uint32_t out = 1;

	if (p->p[0].id == domid)
		p->p[0].id = 0;
	for (uint32_t i = 1; i < p->num; i++)
		if (p->p[i].id != domid)
			p->p[out++] = p->p[i];
	p->num = out;
}

int domain_release(uint32_t domid)
{
	struct access a = { &daemon_conn, NULL };
	struct owned o = { domid, NULL, 0 };
	struct domain *d;
	int err = 0;

	d = guest(domid, &err);
	if (!d)
		return err;
	conn_mark_dead(d->conn);
	d->conn->domain = NULL;
	d->conn = NULL;
	d->introduced = false;
	d->has_target = false;
	store_walk("/", collect_owned, &o);
	for (size_t i = 0; i < o.n; i++) {
		access_rm(&a, o.paths[i]);
		free(o.paths[i]);
	}
	free(o.paths);
	d->gone = true;
	drop_from_special(&introduce_perms, domid);
	drop_from_special(&release_perms, domid);
	log_msg("released domain %u", domid);
	watch_fire_special("@releaseDomain");
	return 0;
}

int domain_resume(uint32_t domid)
{
	struct domain *d;
	int err = 0;

	d = guest(domid, &err);
	if (!d)
		return err;
	d->shutdown = false;
	return 0;
}

int domain_set_target(uint32_t domid, uint32_t target)
{
	struct domain *d, *t;
	int err = 0;

	d = connected(domid, &err);
	if (!d)
		return err;
	t = connected(target, &err);
	if (!t)
		return err;
	d->has_target = true;
	d->target = target;
	return 0;
}

const struct perms *domain_special_perms(const char *name)
{
	if (!strcmp(name, "@introduceDomain"))
		return &introduce_perms;
	if (!strcmp(name, "@releaseDomain"))
		return &release_perms;
	return NULL;
}

int domain_set_special_perms(struct conn *c, const char *name,
			     const struct perms *p)
{
	struct perms *dst;
	const unsigned int need = XS_PERM_WRITE | XS_PERM_OWNER;

	if (!strcmp(name, "@introduceDomain"))
		dst = &introduce_perms;
	else if (!strcmp(name, "@releaseDomain"))
		dst = &release_perms;
	else
		return XS_EINVAL;
	if ((perm_for_conn(c, dst) & need) != need)
		return XS_EACCES;
	perms_free(dst);
	perms_copy(dst, p);
	return 0;
}
