// SPDX-License-Identifier: MIT
/*
 * The request table: who may send what, whether the transaction id
 * matters, and the small handlers for transactions, watches and domains.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lamstored.h"

#define F_PRIV 1u /* privileged connections only */
#define F_NOTID 2u /* transaction id ignored */

int reply(struct request *r, const void *data, size_t len)
{
	return conn_queue(r->conn, r->hdr.type, r->hdr.req_id, r->hdr.tx_id,
			  data, len);
}

int reply_str(struct request *r, const char *s)
{
	return reply(r, s, strlen(s) + 1);
}

int reply_ok(struct request *r)
{
	return reply_str(r, "OK");
}

static int do_transaction_start(struct request *r)
{
	char id[16];
	uint32_t tid;
	int rc;

	if (r->tx)
		return XS_EBUSY; /* no nesting */
	rc = txn_start(r->conn, &tid);
	if (rc)
		return rc;
	snprintf(id, sizeof(id), "%u", tid);
	return reply_str(r, id);
}

static int do_transaction_end(struct request *r)
{
	bool commit;
	int rc;

	if (!xs_single_arg(r->data, r->len))
		return XS_EINVAL;
	if (!strcmp(r->data, "T"))
		commit = true;
	else if (!strcmp(r->data, "F"))
		commit = false;
	else
		return XS_EINVAL;
	if (!r->tx)
		return XS_ENOENT;
	rc = txn_end(r->conn, r->tx, commit);
	r->tx = NULL;
	return rc ? rc : reply_ok(r);
}

static int do_watch(struct request *r)
{
	const char *argv[2];
	int rc;

	if (xs_split_args(r->data, r->len, argv, 2) != 2)
		return XS_EINVAL;
	rc = watch_add(r->conn, argv[0], argv[1]);
	if (rc)
		return rc;
	reply_ok(r);
	/* The first event comes at once: clients need not read first. */
	conn_queue_event(r->conn, argv[0], argv[1]);
	return 0;
}

static int do_unwatch(struct request *r)
{
	const char *argv[2];
	int rc;

	if (xs_split_args(r->data, r->len, argv, 2) != 2)
		return XS_EINVAL;
	rc = watch_remove(r->conn, argv[0], argv[1]);
	return rc ? rc : reply_ok(r);
}

static int do_reset_watches(struct request *r)
{
	watch_remove_all(r->conn);
	txn_destroy_all(r->conn);
	return reply_ok(r);
}

static int do_introduce(struct request *r)
{
	const char *argv[3];
	uint32_t port;
	int rc;

	if (xs_split_args(r->data, r->len, argv, 3) < 3)
		return XS_EINVAL;
	port = parse_uint(argv[2]);
	if (port == 0)
		return XS_EINVAL;
	rc = domain_introduce(r->conn, parse_uint(argv[0]),
			      strtoull(argv[1], NULL, 10), port);
	return rc ? rc : reply_ok(r);
}

static int one_domid(struct request *r, uint32_t *domid)
{
	if (!xs_single_arg(r->data, r->len))
		return XS_EINVAL;
	*domid = parse_uint(r->data);
	return 0;
}

static int do_release(struct request *r)
{
	uint32_t domid;
	int rc = one_domid(r, &domid);

	if (!rc)
		rc = domain_release(domid);
	return rc ? rc : reply_ok(r);
}

static int do_resume(struct request *r)
{
	uint32_t domid;
	int rc = one_domid(r, &domid);

	if (!rc)
		rc = domain_resume(domid);
	return rc ? rc : reply_ok(r);
}

static int do_get_domain_path(struct request *r)
{
	char path[32];
	uint32_t domid;
	int rc = one_domid(r, &domid);

	if (rc)
		return rc;
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	return reply_str(r, path);
}

static int do_is_domain_introduced(struct request *r)
{
	uint32_t domid;
	int rc = one_domid(r, &domid);

	if (rc)
		return rc;
	return reply_str(r, domain_is_introduced(domid) ? "T" : "F");
}

static int do_set_target(struct request *r)
{
	const char *argv[2];
	int rc;

	if (xs_split_args(r->data, r->len, argv, 2) < 2)
		return XS_EINVAL;
	rc = domain_set_target(parse_uint(argv[0]), parse_uint(argv[1]));
	return rc ? rc : reply_ok(r);
}

static const struct {
	int (*fn)(struct request *r);
	unsigned int flags;
} handlers[XS_TYPE_COUNT] = {
	[XS_CONTROL] = { do_control, F_PRIV },
	[XS_DIRECTORY] = { do_directory, 0 },
	[XS_READ] = { do_read, 0 },
	[XS_GET_PERMS] = { do_get_perms, 0 },
	[XS_WATCH] = { do_watch, F_NOTID },
	[XS_UNWATCH] = { do_unwatch, F_NOTID },
	[XS_TRANSACTION_START] = { do_transaction_start, 0 },
	[XS_TRANSACTION_END] = { do_transaction_end, 0 },
	[XS_INTRODUCE] = { do_introduce, F_PRIV },
	[XS_RELEASE] = { do_release, F_PRIV },
	[XS_GET_DOMAIN_PATH] = { do_get_domain_path, 0 },
	[XS_WRITE] = { do_write, 0 },
	[XS_MKDIR] = { do_mkdir, 0 },
	[XS_RM] = { do_rm, 0 },
	[XS_SET_PERMS] = { do_set_perms, 0 },
	[XS_IS_DOMAIN_INTRODUCED] = { do_is_domain_introduced, F_PRIV },
	[XS_RESUME] = { do_resume, F_PRIV },
	[XS_SET_TARGET] = { do_set_target, F_PRIV },
	[XS_RESET_WATCHES] = { do_reset_watches, 0 },
	[XS_DIRECTORY_PART] = { do_directory_part, 0 },
};

static void send_error(struct request *r, int err)
{
	const char *name = xs_error_name(err);

	conn_queue(r->conn, XS_ERROR, r->hdr.req_id, r->hdr.tx_id, name,
		   strlen(name) + 1);
}

void process_message(struct conn *c, const struct xs_msg_header *hdr,
		     const char *data)
{
	struct request r = { c, NULL, *hdr, data, hdr->len };
	unsigned int flags;
	int rc;

	log_msg("dom %u: %s len %u tx %u", c->id, xs_type_name(hdr->type),
		hdr->len, hdr->tx_id);
	if (hdr->type >= XS_TYPE_COUNT || !handlers[hdr->type].fn) {
		send_error(&r, XS_ENOSYS);
		return;
	}
	flags = handlers[hdr->type].flags;
	if ((flags & F_PRIV) && !conn_is_privileged(c)) {
		send_error(&r, XS_EACCES);
		return;
	}
	if (!(flags & F_NOTID) && hdr->tx_id) {
		r.tx = txn_lookup(c, hdr->tx_id);
		if (!r.tx) {
			send_error(&r, XS_ENOENT);
			return;
		}
	}
	rc = handlers[hdr->type].fn(&r);
	if (rc)
		send_error(&r, rc);
}
