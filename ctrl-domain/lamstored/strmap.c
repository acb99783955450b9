// SPDX-License-Identifier: MIT
/* A chained hash table from strings to pointers; grows at load 1. */
#include <stdlib.h>
#include <string.h>

#include "lamstored.h"

static size_t hash(const char *s)
{
	size_t h = 14695981039346656037ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

void strmap_init(struct strmap *m)
{
	m->nb = 64;
	m->n = 0;
	m->b = xzalloc(m->nb * sizeof(*m->b));
}

static struct strmap_ent **find(const struct strmap *m, const char *key)
{
	struct strmap_ent **e = &m->b[hash(key) & (m->nb - 1)];

	while (*e && strcmp((*e)->key, key))
		e = &(*e)->next;
	return e;
}

static void grow(struct strmap *m)
{
	size_t nb = m->nb * 2;
	struct strmap_ent **b = xzalloc(nb * sizeof(*b)), *e, *next;

	for (size_t i = 0; i < m->nb; i++) {
		for (e = m->b[i]; e; e = next) {
			next = e->next;
			e->next = b[hash(e->key) & (nb - 1)];
			b[hash(e->key) & (nb - 1)] = e;
		}
	}
	free(m->b);
	m->b = b;
	m->nb = nb;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	struct strmap_ent *e = *find(m, key);

	return e ? e->val : NULL;
}

void *strmap_put(struct strmap *m, const char *key, void *val)
{
	struct strmap_ent **pe = find(m, key), *e = *pe;
	void *old;

	if (e) {
		old = e->val;
		e->val = val;
		return old;
	}
	e = xmalloc(sizeof(*e));
	e->key = xstrdup(key);
	e->val = val;
	e->next = NULL;
	*pe = e;
	if (++m->n > m->nb)
		grow(m);
	return NULL;
}

void *strmap_del(struct strmap *m, const char *key)
{
	struct strmap_ent **pe = find(m, key), *e = *pe;
	void *old;

	if (!e)
		return NULL;
	*pe = e->next;
	old = e->val;
	free(e->key);
	free(e);
	m->n--;
	return old;
}

void strmap_free(struct strmap *m, void (*fn)(void *))
{
	struct strmap_ent *e, *next;

	for (size_t i = 0; i < m->nb; i++) {
		for (e = m->b[i]; e; e = next) {
			next = e->next;
			if (fn)
				fn(e->val);
			free(e->key);
			free(e);
		}
	}
	free(m->b);
	m->b = NULL;
	m->nb = m->n = 0;
}
