// SPDX-License-Identifier: MIT
/*
 * Permissions, as Xen defines them: the first entry names the owner and
 * the access everybody else gets by default; later entries grant a
 * domain r, w, b (both) or n (nothing). Owners, privileged connections
 * and a domain's controller (SET_TARGET) get everything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lamstored.h"

bool conn_is_privileged(const struct conn *c)
{
	return !c->domain || c->domain->domid == 0;
}

static bool acts_for(const struct conn *c, uint32_t id)
{
	if (id == c->id)
		return true;
	return c->domain && c->domain->has_target && c->domain->target == id;
}

unsigned int perm_for_conn(const struct conn *c, const struct perms *p)
{
	const unsigned int all = XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;

	if (conn_is_privileged(c) || acts_for(c, p->p[0].id))
		return all;
	for (uint32_t i = 1; i < p->num; i++)
		if (!p->p[i].ignore && acts_for(c, p->p[i].id))
			return p->p[i].perms;
	return p->p[0].perms;
}

int perms_parse(const char *s, unsigned int num, struct perms *out)
{
	char *end;

	out->num = num;
	out->p = xzalloc(num * sizeof(*out->p));
	for (unsigned int i = 0; i < num; i++) {
		switch (*s) {
		case 'n':
			out->p[i].perms = XS_PERM_NONE;
			break;
		case 'r':
			out->p[i].perms = XS_PERM_READ;
			break;
		case 'w':
			out->p[i].perms = XS_PERM_WRITE;
			break;
		case 'b':
			out->p[i].perms = XS_PERM_READ | XS_PERM_WRITE;
			break;
		default:
			perms_free(out);
			return XS_EINVAL;
		}
		s++;
		out->p[i].id = (uint32_t)strtol(s, &end, 0);
		if (*end || !*s) {
			perms_free(out);
			return XS_EINVAL;
		}
		out->p[i].ignore = !domain_exists(out->p[i].id);
		s = end + 1;
	}
	return 0;
}

size_t perms_format(const struct perms *p, char *buf, size_t cap)
{
	static const char letter[] = { 'n', 'r', 'w', 'b' };
	size_t len = 0;
	int n;

	for (uint32_t i = 0; i < p->num; i++) {
		n = snprintf(buf + len, cap - len, "%c%u",
			     letter[p->p[i].perms & 3], p->p[i].id);
		if (n < 0 || (size_t)n + 1 > cap - len)
			return len;
		len += (size_t)n + 1;
	}
	return len;
}

void perms_free(struct perms *p)
{
	free(p->p);
	p->p = NULL;
	p->num = 0;
}

void perms_copy(struct perms *dst, const struct perms *src)
{
	dst->num = src->num;
	dst->p = xmemdup(src->p, src->num * sizeof(*src->p));
}
