// SPDX-License-Identifier: MIT
/*
 * Transactions, optimistic as in Xen. The first time a transaction
 * touches a node it takes a private copy and remembers the node's
 * generation (or that it did not exist). Commit succeeds only if every
 * touched node still has that generation; otherwise EAGAIN and the
 * client retries. Watches for changes made inside fire at commit.
 */
#include <stdlib.h>
#include <string.h>

#include "lamstored.h"

struct tx_entry {
	struct tx_entry *next; /* access order */
	char *path;
	struct node *node; /* this transaction's view; NULL: absent */
	uint64_t gen; /* global generation when first touched */
	bool modified;
	bool fire, fire_exact;
	bool had_perms;
	struct perms perms; /* permissions when first touched */
	uint32_t acc; /* bytes of node charged to the transaction's domain */
};

struct txn {
	struct txn *next;
	uint32_t id;
	struct strmap entries;
	struct tx_entry *head, *tail;
	unsigned int nodes;
	uint32_t domid; /* whose memory quota pays for the copies */
	int created; /* nodes created by an unprivileged client */
	bool fail;
};

struct tx_entry *txn_entry(struct txn *t, const char *path)
{
	return strmap_get(&t->entries, path);
}

struct node *tx_entry_node(struct tx_entry *e)
{
	return e->node;
}

/*
 * The private copy costs the transaction's domain what a node costs, as
 * in Xen; an entry for an absent node, its path.
 */
uint32_t tx_entry_cost(const char *path, const struct node *n)
{
	return n ? node_memory(n) : (uint32_t)strlen(path);
}

static void entry_charge(struct txn *t, struct tx_entry *e, uint32_t acc)
{
	domain_account(t->domid, 0, (long)acc - (long)e->acc);
	e->acc = acc;
}

void tx_entry_set(struct txn *t, struct tx_entry *e, struct node *n)
{
	if (e->node != n)
		node_free(e->node);
	/* Writes in a transaction consume generations too, as in Xen. */
	if (n)
		n->gen = store_next_gen();
	e->node = n;
	e->modified = true;
	entry_charge(t, e, tx_entry_cost(e->path, n));
}

void tx_entry_queue_watch(struct tx_entry *e, bool exact)
{
	/* A subtree event replaces an exact one, not the other way. */
	if (!e->fire) {
		e->fire = true;
		e->fire_exact = exact;
	} else if (!exact) {
		e->fire_exact = false;
	}
}

void txn_note_created(struct txn *t, int delta)
{
	t->created += delta;
}

int txn_record(struct conn *c, struct txn *t, const char *path,
	       const struct node *global, struct tx_entry **out)
{
	struct tx_entry *e;

	if (t->nodes >= (unsigned int)quota_trans_nodes && quota_applies(c)) {
		t->fail = true;
		return XS_ENOSPC;
	}
	/*
	 * The copy counts against the hard memory quota: unchecked, ten
	 * transactions reading the same nodes held ten copies of them, far
	 * past it. A refused copy dooms the transaction, as a walk (RM,
	 * create) may have done part of its work.
	 */
	if (quota_applies(c) &&
	    quota_memory_refuses(t->domid, tx_entry_cost(path, global))) {
		t->fail = true;
		return XS_ENOMEM;
	}
	e = xzalloc(sizeof(*e));
	e->path = xstrdup(path);
	e->node = global ? node_dup(global) : NULL;
	e->gen = global ? global->gen : NO_GENERATION;
	entry_charge(t, e, tx_entry_cost(path, global));
	if (global) {
		perms_copy(&e->perms, &global->perms);
		e->had_perms = true;
	}
	strmap_put(&t->entries, path, e);
	if (t->tail)
		t->tail->next = e;
	else
		t->head = e;
	t->tail = e;
	t->nodes++;
	*out = e;
	return 0;
}

struct txn *txn_lookup(struct conn *c, uint32_t id)
{
	for (struct txn *t = c->txns; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

int txn_start(struct conn *c, uint32_t *id)
{
	struct txn *t;

	/* Exactly quota_transactions (Xen 4.17 lets one more in). */
	if (quota_applies(c) && c->ntxns >= (unsigned int)quota_transactions)
		return XS_ENOSPC;
	t = xzalloc(sizeof(*t));
	strmap_init(&t->entries);
	/* Ids are per connection; 0 means "no transaction". */
	do {
		t->id = c->next_txid++;
	} while (t->id == 0 || txn_lookup(c, t->id));
	t->domid = c->id;
	store_next_gen();
	t->next = c->txns;
	c->txns = t;
	c->ntxns++;
	*id = t->id;
	return 0;
}

static void entry_free(struct txn *t, struct tx_entry *e)
{
	node_free(e->node);
	entry_charge(t, e, 0);
	perms_free(&e->perms);
	free(e->path);
	free(e);
}

static void txn_free(struct conn *c, struct txn *t)
{
	struct tx_entry *e, *next;
	struct txn **pp;

	for (pp = &c->txns; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			c->ntxns--;
			break;
		}
	}
	for (e = t->head; e; e = next) {
		next = e->next;
		entry_free(t, e);
	}
	strmap_free(&t->entries, NULL);
	free(t);
}

static int check(struct conn *c, struct txn *t)
{
	struct domain *d = domain_find(c->id);
	struct node *cur;

	if (t->fail)
		return XS_ENOMEM;
	if (t->created && quota_applies(c) && d &&
	    d->nbentry + t->created >= quota_nodes)
		return XS_ENOSPC;
	for (struct tx_entry *e = t->head; e; e = e->next) {
		cur = store_get(e->path);
		if ((cur ? cur->gen : NO_GENERATION) != e->gen)
			return XS_EAGAIN;
	}
	return 0;
}

static void apply(struct conn *c, struct txn *t)
{
	struct access global = { c, NULL };

	for (struct tx_entry *e = t->head; e; e = e->next) {
		if (!e->modified)
			continue;
		if (e->node) {
			store_put(e->node);
			e->node = NULL;
			entry_charge(t, e, tx_entry_cost(e->path, NULL));
		} else {
			store_del(e->path);
		}
		if (e->fire)
			watch_fire(&global, e->path, e->fire_exact,
				   e->had_perms ? &e->perms : NULL);
	}
}

int txn_end(struct conn *c, struct txn *t, bool commit)
{
	int rc = 0;

	if (commit) {
		rc = check(c, t);
		if (!rc)
			apply(c, t);
	}
	txn_free(c, t);
	return rc;
}

void txn_destroy_all(struct conn *c)
{
	while (c->txns)
		txn_free(c, c->txns);
}
