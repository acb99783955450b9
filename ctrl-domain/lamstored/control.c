// SPDX-License-Identifier: MIT
/*
 * CONTROL: commands from xenstore-control, privileged connections only.
 * The payload is the command name then its arguments, NUL-separated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lamstored.h"

#define MAX_ARGS 16

struct cmd {
	const char *name;
	int (*fn)(struct request *r, const char **argv, unsigned int argc);
	const char *params;
	bool test_only;
};

static const struct cmd cmds[];

static bool check_node(struct node *n, void *arg)
{
	char child[PATH_BUF];
	unsigned int *bad = arg;

	for (uint32_t off = 0; off < n->childlen;
	     off += strlen(n->children + off) + 1) {
		snprintf(child, sizeof(child), "%s/%s",
			 strcmp(n->path, "/") ? n->path : "",
			 n->children + off);
		if (!store_get(child))
			(*bad)++;
	}
	return true;
}

static int c_check(struct request *r, const char **argv, unsigned int argc)
{
	unsigned int bad = 0;

	(void)argv;
	if (argc)
		return XS_EINVAL;
	store_walk("/", check_node, &bad);
	if (bad)
		log_msg("check: %u dangling child entries", bad);
	return reply_ok(r);
}

static int c_log(struct request *r, const char **argv, unsigned int argc)
{
	if (argc != 1)
		return XS_EINVAL;
	if (!strcmp(argv[0], "on"))
		log_open(log_path());
	else if (!strcmp(argv[0], "off"))
		log_close();
	else
		return XS_EINVAL;
	return reply_ok(r);
}

static int c_logfile(struct request *r, const char **argv, unsigned int argc)
{
	if (argc != 1)
		return XS_EINVAL;
	log_open(argv[0]);
	return reply_ok(r);
}

static int c_print(struct request *r, const char **argv, unsigned int argc)
{
	if (argc != 1)
		return XS_EINVAL;
	log_msg("control: %s", argv[0]);
	return reply_ok(r);
}

static void memreport_to(FILE *f)
{
	unsigned int conns = 0;

	for (struct conn *c = conn_first(); c; c = c->next)
		conns++;
	fprintf(f, "nodes: %zu\nconnections: %u\n", store_count(), conns);
	for (struct conn *c = conn_first(); c; c = c->next)
		fprintf(f,
			"conn dom %u: watches %u transactions %u "
			"queued %zu bytes\n",
			c->id, c->nwatches, c->ntxns, c->out_bytes);
}

static int c_memreport(struct request *r, const char **argv, unsigned int argc)
{
	FILE *f;

	if (argc > 1)
		return XS_EINVAL;
	if (argc) {
		f = fopen(argv[0], "a");
		if (!f)
			return XS_EINVAL;
		memreport_to(f);
		fclose(f);
	} else if (log_path()) {
		f = fopen(log_path(), "a");
		if (f) {
			memreport_to(f);
			fclose(f);
		}
	}
	return reply_ok(r);
}

static int quota_table(struct request *r, const struct quota *tab)
{
	char out[XENSTORE_PAYLOAD_MAX];
	size_t len = 0;

	len += (size_t)snprintf(out, sizeof(out), "Quota settings:\n");
	for (; tab->name; tab++)
		len += (size_t)snprintf(out + len, sizeof(out) - len,
					"%-17s: %8d %s\n", tab->name, *tab->val,
					tab->descr);
	return reply_str(r, out);
}

static int quota_domain(struct request *r, uint32_t domid)
{
	struct domain *d = domain_find(domid);
	char out[512];
	int tx = 0, outstanding = 0;

	if (!d)
		return XS_ENOENT;
	if (d->conn) {
		tx = (int)d->conn->ntxns;
		outstanding = (int)d->conn->out_count;
	}
	snprintf(out, sizeof(out),
		 "Domain %u:\n%-16s: %8d\n%-16s: %8d\n%-16s: %8d\n"
		 "%-16s: %8d\n%-16s: %8d\n",
		 domid, "nodes", d->nbentry, "watches", (int)d->nbwatch,
		 "transactions", tx, "outstanding", outstanding, "memory",
		 (int)d->memory);
	return reply_str(r, out);
}

static int quota_cmd(struct request *r, const char **argv, unsigned int argc,
		     const struct quota *tab, bool per_domain)
{
	int rc;

	if (argc == 0)
		return quota_table(r, tab);
	if (!strcmp(argv[0], "set")) {
		if (argc != 3)
			return XS_EINVAL;
		rc = quota_set_by_name(tab, argv[1], argv[2]);
		return rc ? rc : reply_ok(r);
	}
	if (!per_domain || argc != 1)
		return XS_EINVAL;
	return quota_domain(r, parse_uint(argv[0]));
}

static int c_quota(struct request *r, const char **argv, unsigned int argc)
{
	return quota_cmd(r, argv, argc, quota_hard, true);
}

static int c_quota_soft(struct request *r, const char **argv, unsigned int argc)
{
	return quota_cmd(r, argv, argc, quota_soft, false);
}

/* Test hook (--test-mode only): this connection acts as another domain. */
static int c_become(struct request *r, const char **argv, unsigned int argc)
{
	uint32_t domid;

	if (argc != 1)
		return XS_EINVAL;
	domid = parse_uint(argv[0]);
	r->conn->domain = domain_get(domid);
	r->conn->id = domid;
	return reply_ok(r);
}

static int c_help(struct request *r, const char **argv, unsigned int argc)
{
	char out[XENSTORE_PAYLOAD_MAX];
	size_t len = 0;

	(void)argv;
	if (argc)
		return XS_EINVAL;
	out[0] = '\0';
	for (const struct cmd *c = cmds; c->name; c++) {
		if (c->test_only && !opt_test_mode)
			continue;
		len += (size_t)snprintf(out + len, sizeof(out) - len,
					"%s\t%s\n", c->name, c->params);
	}
	return reply_str(r, out);
}

static const struct cmd cmds[] = {
	{ "check", c_check, "", false },
	{ "log", c_log, "on|off", false },
	{ "logfile", c_logfile, "<file>", false },
	{ "memreport", c_memreport, "[<file>]", false },
	{ "print", c_print, "<string>", false },
	{ "quota", c_quota, "[set <name> <val>|<domid>]", false },
	{ "quota-soft", c_quota_soft, "[set <name> <val>]", false },
	{ "lamina-test-become", c_become, "<domid>", true },
	{ "help", c_help, "", false },
	{ NULL, NULL, NULL, false },
};

int do_control(struct request *r)
{
	const char *argv[MAX_ARGS];
	unsigned int argc;

	if (!xs_count_strings(r->data, r->len))
		return XS_EINVAL;
	argc = xs_split_args(r->data, r->len, argv, MAX_ARGS);
	if (argc > MAX_ARGS)
		return XS_EINVAL;
	for (const struct cmd *c = cmds; c->name; c++) {
		if (strcmp(c->name, argv[0]) ||
		    (c->test_only && !opt_test_mode))
			continue;
		return c->fn(r, argv + 1, argc - 1);
	}
	return XS_EINVAL;
}
