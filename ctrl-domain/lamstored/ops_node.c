// SPDX-License-Identifier: MIT
/*
 * Requests on nodes: READ, DIRECTORY(_PART), WRITE, MKDIR, RM, GET/SET
 * _PERMS. Each decodes and checks its arguments, then acts through
 * access.c, which applies permissions and the transaction view.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lamstored.h"

/* The single path argument, made absolute; EINVAL if malformed. */
static int one_path(struct request *r, char *path)
{
	if (!xs_single_arg(r->data, r->len))
		return XS_EINVAL;
	return path_canonical(r->conn, r->data, path, PATH_BUF);
}

static struct node *get(struct request *r, const char *path, unsigned int perm,
			int *err)
{
	struct access a = { r->conn, r->tx };

	return access_get(&a, path, perm, err);
}

/* The node named by the single argument, if the client may read it. */
static struct node *readable(struct request *r, int *rc)
{
	char path[PATH_BUF];

	*rc = one_path(r, path);
	return *rc ? NULL : get(r, path, XS_PERM_READ, rc);
}

int do_read(struct request *r)
{
	int rc;
	struct node *n = readable(r, &rc);

	return n ? reply(r, n->data, n->datalen) : rc;
}

int do_directory(struct request *r)
{
	int rc;
	struct node *n = readable(r, &rc);

	return n ? reply(r, n->children, n->childlen) : rc;
}

/*
 * Children from a byte offset on, as many as fit, prefixed by the node's
 * generation so the client can notice the list changing between parts.
 * A final empty string marks the end of the list.
 */
int do_directory_part(struct request *r)
{
	char path[PATH_BUF], out[XENSTORE_PAYLOAD_MAX + 1];
	const char *argv[2];
	uint32_t off, len = 0, genlen, max, l;
	struct node *n;
	int rc;

	if (xs_count_strings(r->data, r->len) != 2)
		return XS_EINVAL;
	xs_split_args(r->data, r->len, argv, 2);
	if (path_canonical(r->conn, argv[0], path, sizeof(path)))
		return XS_EINVAL;
	n = get(r, path, XS_PERM_READ, &rc);
	if (!n)
		return rc;
	off = parse_uint(argv[1]);
	genlen = (uint32_t)snprintf(out, 24, "%" PRIu64, n->gen) + 1;
	if (off >= n->childlen) {
		out[genlen] = '\0';
		return reply(r, out, genlen + 1);
	}
	max = XENSTORE_PAYLOAD_MAX - genlen - 1;
	while (off + len < n->childlen) {
		l = (uint32_t)strlen(n->children + off + len);
		if (len + l >= max)
			break;
		len += l + 1;
	}
	memcpy(out + genlen, n->children + off, len);
	if (off + len == n->childlen)
		out[genlen + len++] = '\0';
	return reply(r, out, genlen + len);
}

int do_write(struct request *r)
{
	struct access a = { r->conn, r->tx };
	char path[PATH_BUF];
	const char *argv[1];
	uint32_t off;
	struct node *n;
	int rc;

	/* Only the path is a string; the value is raw bytes. */
	if (xs_split_args(r->data, r->len, argv, 1) < 1)
		return XS_EINVAL;
	if (path_canonical(r->conn, argv[0], path, sizeof(path)))
		return XS_EINVAL;
	off = (uint32_t)strlen(argv[0]) + 1;
	n = access_get(&a, path, XS_PERM_WRITE, &rc);
	if (!n) {
		if (rc != XS_ENOENT)
			return rc;
		rc = access_create(&a, path, r->data + off, r->len - off, &n);
	} else {
		n = node_dup(n);
		node_set_data(n, r->data + off, r->len - off);
		rc = access_write(&a, n, true);
	}
	if (rc)
		return rc;
	watch_fire(&a, path, false, NULL);
	return reply_ok(r);
}

int do_mkdir(struct request *r)
{
	struct access a = { r->conn, r->tx };
	char path[PATH_BUF];
	struct node *n;
	int rc = one_path(r, path);

	if (rc)
		return rc;
	n = access_get(&a, path, XS_PERM_WRITE, &rc);
	if (!n) {
		if (rc != XS_ENOENT)
			return rc;
		rc = access_create(&a, path, NULL, 0, &n);
		if (rc)
			return rc;
		watch_fire(&a, path, false, NULL);
	}
	return reply_ok(r);
}

int do_rm(struct request *r)
{
	struct access a = { r->conn, r->tx };
	char path[PATH_BUF], parent[PATH_BUF];
	struct node *n;
	int rc = one_path(r, path);

	if (rc)
		return rc;
	n = access_get(&a, path, XS_PERM_WRITE, &rc);
	if (!n) {
		/* Already gone is fine, as long as the parent exists. */
		if (rc != XS_ENOENT)
			return rc;
		path_parent(path, parent);
		if (access_read(&a, parent, &rc))
			return reply_ok(r);
		return rc == XS_ENOSPC || rc == XS_ENOMEM ? rc : XS_ENOENT;
	}
	if (!strcmp(path, "/"))
		return XS_EINVAL;
	rc = access_rm(&a, path);
	if (rc)
		return rc;
	return reply_ok(r);
}

int do_get_perms(struct request *r)
{
	char out[XENSTORE_PAYLOAD_MAX + 64];
	int rc;
	struct node *n = readable(r, &rc);

	if (!n)
		return rc;
	return reply(r, out, perms_format(&n->perms, out, sizeof(out)));
}

static int set_perms(struct request *r, const char *arg, const struct perms *p)
{
	struct access a = { r->conn, r->tx };
	char path[PATH_BUF];
	struct perms old;
	struct node *n;
	int rc;

	if (arg[0] == '@') {
		rc = domain_set_special_perms(r->conn, arg, p);
		return rc ? rc : reply_ok(r);
	}
	if (path_canonical(r->conn, arg, path, sizeof(path)))
		return XS_EINVAL;
	n = access_get(&a, path, XS_PERM_WRITE | XS_PERM_OWNER, &rc);
	if (!n)
		return rc;
	/* Unprivileged domains may not give their nodes away. */
	if (!conn_is_privileged(r->conn) && p->p[0].id != n->perms.p[0].id)
		return XS_EPERM;
	perms_copy(&old, &n->perms);
	n = node_dup(n);
	node_set_perms(n, p);
	rc = access_write(&a, n, true);
	if (!rc)
		watch_fire(&a, path, false, &old);
	perms_free(&old);
	return rc ? rc : reply_ok(r);
}

int do_set_perms(struct request *r)
{
	unsigned int num = xs_count_strings(r->data, r->len);
	struct perms p;
	int rc;

	if (num < 2)
		return XS_EINVAL;
	num--;
	if (!conn_is_privileged(r->conn) && num > (unsigned)quota_permissions)
		return XS_ENOSPC;
	rc = perms_parse(r->data + strlen(r->data) + 1, num, &p);
	if (rc)
		return rc;
	if (p.p[0].ignore)
		rc = XS_ENOENT;
	else
		rc = set_perms(r, r->data, &p);
	perms_free(&p);
	return rc;
}
